/**
 * `KCM:` caches: the client side of Heimdal's KCM protocol as MIT krb5 speaks it
 * (`lib/krb5/ccache/cc_kcm.c`, `include/kcm.h`), over the daemon's unix socket (sssd-kcm,
 * Heimdal kcm, macOS).
 *
 * Framing: a request is a 32-bit big-endian length, then major version 2 and minor version 0
 * (one byte each), a 16-bit opcode and the parameters; a reply is a 32-bit length, a 32-bit
 * code (0), and that many bytes, which begin with a 32-bit status (0 or an MIT `krb5_error_code`).
 * Names are NUL-terminated; principals and credentials use the ccache v4 marshalling; UUIDs are
 * 16 bytes. One connection per operation (sssd closes idle connections).
 * @module
 */
import net from 'node:net';
import { KerberosError, DecodeError } from '../../errors.js';
import { MIT_DEFAULTS } from '../env.js';
import type { CcacheCollection, CcacheCredential, CcachePrincipal, CcacheStore } from './types.js';
import { samePrincipal } from './types.js';
import { V4Reader, V4Writer } from './v4.js';

/** KCM opcodes (kcm.h). */
export const KcmOp = {
  NOOP: 0,
  GET_NAME: 1,
  RESOLVE: 2,
  GEN_NEW: 3,
  INITIALIZE: 4,
  DESTROY: 5,
  STORE: 6,
  RETRIEVE: 7,
  GET_PRINCIPAL: 8,
  GET_CRED_UUID_LIST: 9,
  GET_CRED_BY_UUID: 10,
  REMOVE_CRED: 11,
  SET_FLAGS: 12,
  CHOWN: 13,
  CHMOD: 14,
  GET_INITIAL_TICKET: 15,
  GET_TICKET: 16,
  MOVE_CACHE: 17,
  GET_CACHE_UUID_LIST: 18,
  GET_CACHE_BY_UUID: 19,
  GET_DEFAULT_CACHE: 20,
  SET_DEFAULT_CACHE: 21,
  GET_KDC_OFFSET: 22,
  SET_KDC_OFFSET: 23,
  /** MIT extension (krb5 1.20): (name) → (count, count × {length, cred}). */
  GET_CRED_LIST: 13001,
} as const;

/** MIT error codes the KCM daemons answer with. */
export const KcmStatus = {
  KRB5_CC_NOTFOUND: -1765328243,
  KRB5_CC_END: -1765328242,
  KRB5_FCC_NOFILE: -1765328189,
  KRB5_CC_NOSUPP: -1765328137,
  KRB5_CC_IO: -1765328191,
} as const;

/** A KCM daemon's non-zero status. */
export class KcmError extends KerberosError {
  static override readonly kind: string = 'KcmError';
  static override readonly defaultCode: string = 'ERR_KCM';
  constructor(readonly status: number, readonly opcode: number, message?: string) {
    super(message ?? `KCM operation ${opName(opcode)} failed with status ${status}${statusName(status)}`);
  }
}
function opName(op: number): string {
  return Object.entries(KcmOp).find(([, v]) => v === op)?.[0] ?? String(op);
}
function statusName(s: number): string {
  const n = Object.entries(KcmStatus).find(([, v]) => v === s)?.[0];
  return n ? ` (${n})` : '';
}

const MAX_REPLY = 10 * 1024 * 1024;
const enc = new TextEncoder();

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
      const timer = setTimeout(() => finish(new KerberosError(`KCM ${opName(opcode)}: no reply from ${this.socketPath} within ${this.timeoutMs} ms`, { code: 'ERR_KCM_TIMEOUT' })), this.timeoutMs);
      sock.on('error', (e: NodeJS.ErrnoException) => {
        const noServer = e.code === 'ENOENT' || e.code === 'ECONNREFUSED';
        finish(new KerberosError(noServer ? `no KCM server at ${this.socketPath}` : `KCM ${opName(opcode)}: ${e.message}`, { code: noServer ? 'ERR_KCM_NO_SERVER' : 'ERR_KCM_IO', cause: e }));
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

function cstr(s: string): Uint8Array {
  const b = enc.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}
function readName(reply: Uint8Array): string {
  const z = reply.indexOf(0);
  if (z < 0) throw new DecodeError('KCM reply name is not NUL-terminated', { path: 'kcm.name', offset: 0 });
  return new TextDecoder().decode(reply.subarray(0, z));
}
function uuids(reply: Uint8Array): Uint8Array[] {
  if (reply.length % 16 !== 0) throw new DecodeError('KCM UUID list length is not a multiple of 16', { path: 'kcm.uuids', offset: 0 });
  const out: Uint8Array[] = [];
  for (let i = 0; i < reply.length; i += 16) out.push(reply.slice(i, i + 16));
  return out;
}
const concat = (...p: Uint8Array[]) => {
  const out = new Uint8Array(p.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of p) { out.set(x, o); o += x.length; }
  return out;
};

/** One KCM cache, addressed by its server-side name (e.g. sssd's `0:12345`). */
export class KcmStore implements CcacheStore {
  readonly type = 'KCM';
  readonly name: string;
  constructor(readonly client: KcmClient, readonly residual: string) {
    this.name = `KCM:${residual}`;
  }
  private call(op: number, ...params: Uint8Array[]): Promise<Uint8Array> {
    return this.client.call(op, concat(cstr(this.residual), ...params));
  }
  async getPrincipal(): Promise<CcachePrincipal | null> {
    let r: Uint8Array;
    try {
      r = await this.call(KcmOp.GET_PRINCIPAL);
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_FCC_NOFILE || e.status === KcmStatus.KRB5_CC_NOTFOUND)) return null;
      throw e;
    }
    if (r.length === 0) return null; // Heimdal: code 0 and no principal
    return new V4Reader(r, 'kcm.principal').principal();
  }
  async getCredentials(): Promise<CcacheCredential[]> {
    try {
      const r = new V4Reader(await this.call(KcmOp.GET_CRED_LIST), 'kcm.credlist');
      const n = r.u32('count');
      if (n > r.left / 4) throw new DecodeError(`KCM credential count ${n} exceeds the reply`, { path: 'kcm.credlist', offset: 0 });
      const out: CcacheCredential[] = [];
      for (let i = 0; i < n; i++) out.push(new V4Reader(r.data('credential'), 'kcm.credential').credential());
      return out;
    } catch (e) {
      // MIT falls back to the UUID walk when the daemon does not know the MIT extension
      if (!(e instanceof KcmError) || e.status === KcmStatus.KRB5_FCC_NOFILE) throw e;
    }
    const list = uuids(await this.call(KcmOp.GET_CRED_UUID_LIST));
    const out: CcacheCredential[] = [];
    for (const id of list) {
      try {
        out.push(new V4Reader(await this.call(KcmOp.GET_CRED_BY_UUID, id), 'kcm.credential').credential());
      } catch (e) {
        if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_FCC_NOFILE)) continue; // removed meanwhile
        throw e;
      }
    }
    return out;
  }
  async initialize(principal: CcachePrincipal): Promise<void> {
    await this.call(KcmOp.INITIALIZE, new V4Writer().principal(principal).bytes());
  }
  async store(cred: CcacheCredential): Promise<void> {
    await this.call(KcmOp.STORE, new V4Writer().credential(cred).bytes());
  }
  /** Removes by rewriting the cache (initialize + store the rest): works with every daemon. */
  async remove(match: (c: CcacheCredential) => boolean): Promise<void> {
    const p = await this.getPrincipal();
    if (!p) return;
    const creds = await this.getCredentials();
    const keep = creds.filter((c) => !match(c));
    if (keep.length === creds.length) return;
    await this.initialize(p);
    for (const c of keep) await this.store(c);
  }
  async destroy(): Promise<void> {
    try {
      await this.call(KcmOp.DESTROY);
    } catch (e) {
      if (e instanceof KcmError && e.status === KcmStatus.KRB5_FCC_NOFILE) return;
      throw e;
    }
  }
  /** The KDC time offset in seconds kept with the cache. */
  async getKdcOffset(): Promise<number> {
    return new V4Reader(await this.call(KcmOp.GET_KDC_OFFSET), 'kcm.offset').u32('offset') | 0;
  }
  async setKdcOffset(seconds: number): Promise<void> {
    await this.call(KcmOp.SET_KDC_OFFSET, new V4Writer().u32(seconds).bytes());
  }
}

/** The KCM collection of the calling user. */
export class KcmCollection implements CcacheCollection {
  readonly type = 'KCM';
  readonly client: KcmClient;
  constructor(o: KcmOptions | KcmClient = {}) {
    this.client = o instanceof KcmClient ? o : new KcmClient(o);
  }
  store(residual: string): KcmStore {
    return new KcmStore(this.client, residual);
  }
  async defaultName(): Promise<string> {
    return readName(await this.client.call(KcmOp.GET_DEFAULT_CACHE));
  }
  /** `KCM:` resolves to the daemon's default cache, as MIT's kcm_resolve. */
  async primary(): Promise<KcmStore> {
    return this.store(await this.defaultName());
  }
  async list(): Promise<KcmStore[]> {
    let ids: Uint8Array[];
    try {
      ids = uuids(await this.client.call(KcmOp.GET_CACHE_UUID_LIST));
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_FCC_NOFILE || e.status === KcmStatus.KRB5_CC_END)) return [];
      throw e;
    }
    const primary = await this.defaultName();
    const out: KcmStore[] = [];
    const p = this.store(primary);
    if (await p.getPrincipal()) out.push(p);
    for (const id of ids) {
      let name: string;
      try {
        name = readName(await this.client.call(KcmOp.GET_CACHE_BY_UUID, id));
      } catch (e) {
        if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_FCC_NOFILE)) continue;
        throw e;
      }
      if (name === primary) continue;
      const s = this.store(name);
      if (await s.getPrincipal()) out.push(s);
    }
    return out;
  }
  async newCache(principal: CcachePrincipal): Promise<KcmStore> {
    const s = this.store(readName(await this.client.call(KcmOp.GEN_NEW)));
    await s.initialize(principal);
    return s;
  }
  async switchTo(store: CcacheStore): Promise<void> {
    if (!(store instanceof KcmStore)) throw new TypeError(`${store.name} is not a KCM cache`);
    await this.client.call(KcmOp.SET_DEFAULT_CACHE, cstr(store.residual));
  }
  async findByPrincipal(principal: CcachePrincipal): Promise<KcmStore | null> {
    for (const s of await this.list()) {
      const p = await s.getPrincipal();
      if (p && samePrincipal(p, principal)) return s;
    }
    return null;
  }
}
