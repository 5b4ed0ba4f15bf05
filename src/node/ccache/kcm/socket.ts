/**
 * The KCM daemon's unix socket (sssd-kcm, Heimdal kcm, macOS): one connection per operation
 * (sssd closes idle connections), one request and one reply, bounded.
 * @module
 */
import net from 'node:net';
import { DecodeError, KerberosError } from '../../../errors.js';
import { MIT_DEFAULTS } from '../../env.js';
import { KcmError, opName } from './protocol.js';

const MAX_REPLY = 10 * 1024 * 1024;

export interface KcmOptions {
  /** The socket path: krb5.conf `kcm_socket`, default `/var/run/.heim_org.h5l.kcm-socket`. */
  socketPath?: string;
  /** Per-operation timeout in ms (default 10 s). */
  timeoutMs?: number;
}

/** A low-level KCM client: one request, one reply. */
export class KcmClient {
  readonly socketPath: string;
  readonly timeoutMs: number;
  constructor(o: KcmOptions = {}) {
    this.socketPath = o.socketPath ?? MIT_DEFAULTS.kcmSocket;
    if (this.socketPath === '-') throw new KerberosError('KCM is disabled (kcm_socket = -)', { code: 'ERR_KCM_NO_SERVER' });
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** Sends one request; resolves with the reply payload after the status, rejects with KcmError on a non-zero status. */
  call(opcode: number, params: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
    const req = new Uint8Array(8 + params.length);
    const dv = new DataView(req.buffer);
    dv.setUint32(0, 4 + params.length);
    req[4] = 2;
    req[5] = 0;
    dv.setUint16(6, opcode);
    req.set(params, 8);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let got = 0;
      let done = false;
      const finish = (err: unknown, value?: Uint8Array) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        if (err) reject(err);
        else resolve(value!);
      };
      const sock = net.createConnection(this.socketPath);
      const timer = setTimeout(
        () => finish(new KerberosError(`KCM ${opName(opcode)}: no reply from ${this.socketPath} within ${this.timeoutMs} ms`, { code: 'ERR_KCM_TIMEOUT' })),
        this.timeoutMs,
      );
      sock.on('error', (e: NodeJS.ErrnoException) => {
        const noServer = e.code === 'ENOENT' || e.code === 'ECONNREFUSED';
        finish(
          new KerberosError(noServer ? `no KCM server at ${this.socketPath}` : `KCM ${opName(opcode)}: ${e.message}`, {
            code: noServer ? 'ERR_KCM_NO_SERVER' : 'ERR_KCM_IO',
            cause: e,
          }),
        );
      });
      sock.on('connect', () => sock.write(req));
      sock.on('data', (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got < 8) return;
        const all = Buffer.concat(chunks);
        const len = all.readUInt32BE(0);
        if (len > MAX_REPLY) return finish(new DecodeError(`KCM reply of ${len} bytes is too big`, { path: 'kcm.reply', offset: 0 }));
        const code = all.readInt32BE(4);
        if (code !== 0) return finish(new KcmError(code, opcode));
        if (got < 8 + len) return;
        if (len < 4) return finish(new DecodeError('KCM reply has no status', { path: 'kcm.reply', offset: 8 }));
        const status = all.readInt32BE(8);
        if (status !== 0) return finish(new KcmError(status, opcode));
        finish(null, new Uint8Array(all.subarray(12, 8 + len)));
      });
      sock.on('end', () => finish(new KerberosError(`KCM ${opName(opcode)}: connection closed before the reply was complete`, { code: 'ERR_KCM_IO' })));
    });
  }
}
