/**
 * One KDC exchange over UDP (RFC 4120 §7.2.1): the request as one datagram, the first datagram
 * back from that address is the reply. The socket is connected, so an ICMP port-unreachable
 * fails the attempt at once (`ECONNREFUSED`) instead of waiting for the timeout. Like MIT, the
 * datagram is sent again while no answer has come: at a third and at two thirds of the timeout.
 * @module
 */
import dgram from 'node:dgram';
import { attemptError, withDeadline, type ExchangeOptions } from './exchange.js';

/**
 * Sends `request` to `address:port` over UDP and resolves to the reply datagram.
 *
 * @example
 * ```ts
 * const reply = await udpExchange('127.0.0.1', 88, asReq, { timeoutMs: 3000, maxReplyBytes: 65535 })
 * ```
 */
export function udpExchange(address: string, port: number, request: Uint8Array, o: ExchangeOptions): Promise<Uint8Array> {
  return withDeadline<Uint8Array>(o, (resolve, reject) => {
    const sock = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    const timers: NodeJS.Timeout[] = [];
    const send = () => sock.send(request, (err) => err && reject(err));
    sock.on('error', reject);
    sock.on('message', (msg) => {
      if (msg.length > o.maxReplyBytes) return reject(attemptError(`UDP reply of ${msg.length} bytes exceeds the limit`, 'ERR_KDC_REPLY_TOO_LARGE'));
      resolve(new Uint8Array(msg.buffer, msg.byteOffset, msg.length).slice());
    });
    sock.connect(port, address, () => {
      send();
      for (const f of [1 / 3, 2 / 3]) timers.push(setTimeout(send, Math.floor(o.timeoutMs * f)));
    });
    return () => {
      for (const t of timers) clearTimeout(t);
      sock.removeAllListeners('message');
      sock.on('error', () => {});
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    };
  });
}
