/**
 * One KDC exchange over TCP (RFC 4120 §7.2.2): the request and the reply each preceded by its
 * length as a 4-byte big-endian integer. A length with the reserved high bit, or above the
 * reply limit, fails the attempt before anything of that size is allocated.
 * @module
 */
import net from 'node:net';
import { frameKdcMessage } from '../../messages/kdc-proxy.js';
import { attemptError, withDeadline, type ExchangeOptions } from './exchange.js';

/**
 * Sends `request` to `address:port` over TCP and resolves to the reply (without its length).
 *
 * @example
 * ```ts
 * const reply = await tcpExchange('127.0.0.1', 88, tgsReq, { timeoutMs: 3000, maxReplyBytes: 1 << 20 })
 * ```
 */
export function tcpExchange(address: string, port: number, request: Uint8Array, o: ExchangeOptions): Promise<Uint8Array> {
  return withDeadline<Uint8Array>(o, (resolve, reject) => {
    const sock = net.connect({ host: address, port });
    sock.setNoDelay(true);
    let header = new Uint8Array(0);
    let body: Uint8Array | undefined;
    let got = 0;
    sock.on('connect', () => {
      o.onConnect?.();
      sock.write(frameKdcMessage(request));
    });
    sock.on('error', reject);
    sock.on('data', (chunk: Buffer) => {
      let data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
      if (!body) {
        const need = 4 - header.length;
        const h = new Uint8Array(header.length + Math.min(need, data.length));
        h.set(header);
        h.set(data.subarray(0, need), header.length);
        header = h;
        data = data.subarray(need);
        if (header.length < 4) return;
        const len = new DataView(header.buffer).getUint32(0);
        if (len & 0x80000000) return reject(attemptError('TCP reply: reserved high bit of the length set', 'ERR_KDC_BAD_RECORD_MARK'));
        if (len > o.maxReplyBytes) {
          return reject(attemptError(`TCP reply length ${len} exceeds the limit of ${o.maxReplyBytes} bytes`, 'ERR_KDC_REPLY_TOO_LARGE'));
        }
        body = new Uint8Array(len);
      }
      const take = Math.min(body.length - got, data.length);
      body.set(data.subarray(0, take), got);
      got += take;
      if (got === body.length) resolve(body);
    });
    sock.on('end', () => {
      const what = body ? `${got} of ${body.length} bytes` : `${header.length} of 4 length bytes`;
      reject(attemptError(`connection closed after ${what}`, 'ECONNRESET'));
    });
    return () => sock.destroy();
  });
}
