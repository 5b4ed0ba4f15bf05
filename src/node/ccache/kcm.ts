/**
 * `KCM:` caches: the client side of Heimdal's KCM protocol as MIT krb5 speaks it
 * (`lib/krb5/ccache/cc_kcm.c`, `include/kcm.h`), over the daemon's unix socket (sssd-kcm,
 * Heimdal kcm, macOS).
 *
 * Framing: a request is a 32-bit big-endian length, then major version 2 and minor version 0
 * (one byte each), a 16-bit opcode and the parameters; a reply is a 32-bit length, a 32-bit
 * code (0), and that many bytes, which begin with a 32-bit status (0 or an MIT `krb5_error_code`).
 * Names are NUL-terminated; principals and credentials use the ccache v4 marshalling (the FILE
 * format's own codec, `tskrb5/formats`' encodeCcacheCredential & co.); UUIDs are 16 bytes. One connection per operation (sssd closes idle connections).
 * @module
 */
import net from 'node:net';
import { KerberosError, DecodeError } from '../../errors.js';
import { MIT_DEFAULTS } from '../env.js';
import type { CcacheCollection, CcacheCredential, CcacheSnapshot, CcacheStore } from './types.js';
import { samePrincipal } from './types.js';
import { CcacheWriter, decodeCcacheCredential, decodeCcachePrincipal, encodeCcacheCredential, encodeCcachePrincipal } from '../../formats/index.js';
import type { Principal } from '../../messages/index.js';

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
  /** MIT extension (krb5 1.20): (name, KDC offset, principal, count, count × {length, cred}) → (), the whole cache at once. */
  REPLACE: 13002,
} as const;

/** MIT error codes the KCM daemons answer with. */
export const KcmStatus = {
  KRB5_CC_NOTFOUND: -1765328243,
  KRB5_CC_END: -1765328242,
  KRB5_FCC_NOFILE: -1765328189,
  KRB5_CC_NOSUPP: -1765328137,
  KRB5_CC_IO: -1765328191,
  /** Heimdal's kcm answer to an operation it does not implement. */
  KRB5_FCC_INTERNAL: -1765328188,
} as const;

/**
 * The flag word of RETRIEVE / REMOVE_CRED uses Heimdal's values (kcm.h `KCM_TC_*`, `KCM_GC_*`),
 * not MIT's `KRB5_TC_*`: MIT's client converts with `map_tcflags`. Values here are Heimdal's.
 */
export const KcmTc = {
  /** KCM_GC_CACHED: never let the daemon go to the KDC (MIT adds it to every RETRIEVE). */
  GC_CACHED: 1,
  DONT_MATCH_REALM: 0x80000000,
  MATCH_KEYTYPE: 1 << 30,
  MATCH_SRV_NAMEONLY: 1 << 29,
  MATCH_FLAGS_EXACT: 1 << 28,
  MATCH_FLAGS: 1 << 27,
  MATCH_TIMES_EXACT: 1 << 26,
  MATCH_TIMES: 1 << 25,
  MATCH_AUTHDATA: 1 << 24,
  MATCH_2ND_TKT: 1 << 23,
  MATCH_IS_SKEY: 1 << 22,
} as const;

/**
 * A matching credential (MIT's `mcred`): only the fields set are sent (`k5_marshal_mcred`
 * header bits), except times, is_skey and flags, which are always sent (0 when absent).
 */
export interface KcmMatch {
  client?: Principal;
  server?: Principal;
  /** Sent when etype is not 0 (ENCTYPE_NULL). */
  key?: { etype: number; value: Uint8Array };
  authtime?: Date;
  starttime?: Date;
  endtime?: Date;
  renewTill?: Date;
  isSkey?: boolean;
  flags?: number;
  addresses?: { type: number; data: Uint8Array }[];
  authdata?: { type: number; data: Uint8Array }[];
  ticket?: Uint8Array;
  secondTicket?: Uint8Array;
}

const ZERO = new Date(0);

/** `k5_marshal_mcred` (ccmarshal.c): header bits, then the present fields in v4 marshalling. */
export function encodeKcmMatch(m: KcmMatch): Uint8Array {
  const hasKey = !!m.key && m.key.etype !== 0;
  const hasAddr = !!m.addresses && m.addresses.length > 0;
  const hasAd = !!m.authdata && m.authdata.length > 0;
  const hasTkt = !!m.ticket && m.ticket.length > 0;
  const has2nd = !!m.secondTicket && m.secondTicket.length > 0;
  const header = (m.client ? 0x01 : 0) | (m.server ? 0x02 : 0) | (hasKey ? 0x04 : 0) | (hasTkt ? 0x08 : 0) |
    (has2nd ? 0x10 : 0) | (hasAd ? 0x20 : 0) | (hasAddr ? 0x40 : 0);
  const w = new CcacheWriter(4).u32(header);
  if (m.client) w.principal(m.client);
  if (m.server) w.principal(m.server);
  if (hasKey) w.key(m.key!);
  for (const t of [m.authtime, m.starttime, m.endtime, m.renewTill]) w.time(t ?? ZERO);
  w.u8(m.isSkey ? 1 : 0).u32(m.flags ?? 0, 'ticket flags');
  if (hasAddr) w.typedList(m.addresses!);
  if (hasAd) w.typedList(m.authdata!);
  if (hasTkt) w.data(m.ticket!);
  if (has2nd) w.data(m.secondTicket!);
  return w.done();
}

/** MIT's `unsupported_op_error`: Heimdal answers KRB5_FCC_INTERNAL, sssd KRB5_CC_NOSUPP (known op) or KRB5_CC_IO (unknown op). */
export function kcmUnsupported(e: unknown): boolean {
  return e instanceof KcmError && (e.status === KcmStatus.KRB5_FCC_INTERNAL || e.status === KcmStatus.KRB5_CC_IO || e.status === KcmStatus.KRB5_CC_NOSUPP);
}

const bytesEq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const secs = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : 0);

/**
 * Whether a stored credential satisfies a match with these (Heimdal) flags, as MIT's
 * `krb5int_cc_creds_match_request` (cc_retrv.c) for the client-side fallback.
 */
export function kcmMatches(c: CcacheCredential, m: KcmMatch, flags = 0): boolean {
  const realmOk = !(flags & KcmTc.DONT_MATCH_REALM);
  if (m.client && !(samePrincipal(c.client, m.client) || (!realmOk && sameComponents(c.client, m.client)))) return false;
  if (m.server) {
    const nameOnly = (flags & KcmTc.MATCH_SRV_NAMEONLY) !== 0 || !realmOk;
    if (!(nameOnly ? sameComponents(c.server, m.server) : samePrincipal(c.server, m.server))) return false;
  }
  if (flags & KcmTc.MATCH_IS_SKEY && c.isSkey !== !!m.isSkey) return false;
  if (flags & KcmTc.MATCH_FLAGS_EXACT && c.flags !== (m.flags ?? 0)) return false;
  if (flags & KcmTc.MATCH_FLAGS && ((c.flags & (m.flags ?? 0)) >>> 0) !== (m.flags ?? 0) >>> 0) return false;
  if (flags & KcmTc.MATCH_TIMES_EXACT &&
      (secs(c.authtime) !== secs(m.authtime) || secs(c.starttime) !== secs(m.starttime) || secs(c.endtime) !== secs(m.endtime) || secs(c.renewTill) !== secs(m.renewTill))) return false;
  // MIT times_match: a time set in the match must not exceed the credential's
  if (flags & KcmTc.MATCH_TIMES && ((m.renewTill && secs(m.renewTill) > secs(c.renewTill)) || (m.endtime && secs(m.endtime) > secs(c.endtime)))) return false;
  if (flags & KcmTc.MATCH_KEYTYPE && m.key && c.key.etype !== m.key.etype) return false;
  if (flags & KcmTc.MATCH_2ND_TKT && !bytesEq(c.secondTicket, m.secondTicket ?? new Uint8Array(0))) return false;
  if (flags & KcmTc.MATCH_AUTHDATA && !(c.authdata.length === (m.authdata?.length ?? 0) &&
      c.authdata.every((a, i) => a.type === m.authdata![i]!.type && bytesEq(a.data, m.authdata![i]!.data)))) return false;
  return true;
}
function sameComponents(a: Principal, b: Principal): boolean {
  return a.components.length === b.components.length && a.components.every((x, i) => x === b.components[i]);
}

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
/** The 32-bit big-endian integer at `at` of a reply. */
function u32At(b: Uint8Array, at: number, path: string): number {
  if (at < 0 || b.length - at < 4) throw new DecodeError(`KCM reply ends inside a 32-bit field (${b.length} bytes)`, { path, offset: at });
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
/** The 32-bit integer `n` (negative: its two's complement) as 4 big-endian bytes. */
const be32 = (n: number) => new CcacheWriter(4).u32(n).done();
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
  async getPrincipal(): Promise<Principal | null> {
    let r: Uint8Array;
    try {
      r = await this.call(KcmOp.GET_PRINCIPAL);
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_FCC_NOFILE || e.status === KcmStatus.KRB5_CC_NOTFOUND)) return null;
      throw e;
    }
    if (r.length === 0) return null; // Heimdal: code 0 and no principal
    return decodeCcachePrincipal(r, 4, { base: 'kcm.principal' });
  }
  async snapshot(): Promise<CcacheSnapshot | null> {
    const principal = await this.getPrincipal();
    return principal ? { principal, records: await this.getCredentials() } : null;
  }
  async getCredentials(): Promise<CcacheCredential[]> {
    try {
      // (count, count × {length, credential})
      const r = await this.call(KcmOp.GET_CRED_LIST);
      const n = u32At(r, 0, 'kcm.credlist');
      if (n > (r.length - 4) / 4) throw new DecodeError(`KCM credential count ${n} exceeds the reply`, { path: 'kcm.credlist', offset: 0 });
      const out: CcacheCredential[] = [];
      for (let i = 0, at = 4; i < n; i++) {
        const len = u32At(r, at, 'kcm.credlist');
        at += 4;
        if (len > r.length - at) throw new DecodeError(`KCM credential length ${len} exceeds the reply`, { path: 'kcm.credlist', offset: at - 4 });
        out.push(decodeCcacheCredential(r.subarray(at, at + len), 4, { base: 'kcm.credential' }));
        at += len;
      }
      return out;
    } catch (e) {
      // MIT falls back to the UUID walk when the daemon does not know the MIT extension
      if (!(e instanceof KcmError) || e.status === KcmStatus.KRB5_FCC_NOFILE) throw e;
    }
    const list = uuids(await this.call(KcmOp.GET_CRED_UUID_LIST));
    const out: CcacheCredential[] = [];
    for (const id of list) {
      try {
        out.push(decodeCcacheCredential(await this.call(KcmOp.GET_CRED_BY_UUID, id), 4, { base: 'kcm.credential' }));
      } catch (e) {
        if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_FCC_NOFILE)) continue; // removed meanwhile
        throw e;
      }
    }
    return out;
  }
  /**
   * Without credentials, KCM_OP_INITIALIZE. With them, MIT's KCM_OP_REPLACE (name, KDC offset
   * in seconds, principal, count, count × {length, cred}): the daemon swaps the whole cache at
   * once, as MIT's `kcm_replace`. A daemon without it (sssd-kcm 2.8 answers KRB5_CC_IO,
   * Heimdal's kcm KRB5_FCC_INTERNAL) gets INITIALIZE and one STORE per credential, as MIT's
   * `k5_nonatomic_replace`: the best the older protocol allows, the cache briefly empty.
   */
  async initialize(principal: Principal, credentials?: CcacheCredential[], o: { kdcOffsetSeconds?: number } = {}): Promise<void> {
    if (credentials && credentials.length > 0) {
      const w = new CcacheWriter(4).u32(o.kdcOffsetSeconds ?? 0, 'KDC offset').principal(principal).u32(credentials.length);
      for (const c of credentials) w.data(encodeCcacheCredential(c, 4));
      try {
        await this.call(KcmOp.REPLACE, w.done());
        return;
      } catch (e) {
        if (!kcmUnsupported(e)) throw e;
      }
    }
    await this.call(KcmOp.INITIALIZE, encodeCcachePrincipal(principal, 4));
    for (const c of credentials ?? []) await this.store(c);
  }
  async store(cred: CcacheCredential): Promise<void> {
    await this.call(KcmOp.STORE, encodeCcacheCredential(cred, 4));
  }
  /**
   * KCM_OP_RETRIEVE (name, flags, mcred) → cred, as MIT's `kcm_retrieve`: the flag word is
   * `flags | KCM_GC_CACHED` (Heimdal values, `KcmTc`). When the daemon does not implement it
   * (`kcmUnsupported`), falls back to scanning the credential list as MIT's
   * `k5_cc_retrieve_cred_default`. Not found (KRB5_CC_END / KRB5_CC_NOTFOUND) is null.
   */
  async retrieve(match: KcmMatch, flags = 0): Promise<CcacheCredential | null> {
    try {
      const r = await this.call(KcmOp.RETRIEVE, be32((flags | KcmTc.GC_CACHED) >>> 0), encodeKcmMatch(match));
      return decodeCcacheCredential(r, 4, { base: 'kcm.credential' });
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_CC_NOTFOUND)) return null;
      if (!kcmUnsupported(e)) throw e;
    }
    return (await this.getCredentials()).find((c) => kcmMatches(c, match, flags)) ?? null;
  }
  /**
   * KCM_OP_REMOVE_CRED (name, flags, mcred) → (), as MIT's `kcm_remove_cred` (flags in Heimdal
   * values, `KcmTc`). No fallback here, as MIT: a daemon that does not implement it (sssd
   * answers KRB5_CC_NOSUPP) rejects with that KcmError; `remove` falls back to the rewrite.
   */
  async removeCred(match: KcmMatch, flags = 0): Promise<void> {
    await this.call(KcmOp.REMOVE_CRED, be32(flags >>> 0), encodeKcmMatch(match));
  }
  /**
   * Removes matching credentials. A `KcmMatch` (e.g. `{ server }`) goes to the daemon as
   * REMOVE_CRED first; a predicate, or a daemon that does not implement REMOVE_CRED
   * (`kcmUnsupported`), rewrites the cache (initialize + store the rest), which every daemon supports.
   */
  async remove(match: ((c: CcacheCredential) => boolean) | KcmMatch, flags = 0): Promise<void> {
    if (typeof match !== 'function') {
      try {
        return await this.removeCred(match, flags);
      } catch (e) {
        if (!kcmUnsupported(e)) throw e;
      }
      const m = match;
      return this.rewriteWithout((c) => kcmMatches(c, m, flags));
    }
    return this.rewriteWithout(match);
  }
  private async rewriteWithout(match: (c: CcacheCredential) => boolean): Promise<void> {
    const p = await this.getPrincipal();
    if (!p) return;
    const creds = await this.getCredentials();
    const keep = creds.filter((c) => !match(c));
    if (keep.length === creds.length) return;
    await this.initialize(p, keep);
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
    return u32At(await this.call(KcmOp.GET_KDC_OFFSET), 0, 'kcm.offset') | 0;
  }
  async setKdcOffset(seconds: number): Promise<void> {
    await this.call(KcmOp.SET_KDC_OFFSET, be32(seconds));
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
  async newCache(principal: Principal): Promise<KcmStore> {
    const s = this.store(readName(await this.client.call(KcmOp.GEN_NEW)));
    await s.initialize(principal);
    return s;
  }
  async switchTo(store: CcacheStore): Promise<void> {
    if (!(store instanceof KcmStore)) throw new TypeError(`${store.name} is not a KCM cache`);
    await this.client.call(KcmOp.SET_DEFAULT_CACHE, cstr(store.residual));
  }
  async findByPrincipal(principal: Principal): Promise<KcmStore | null> {
    for (const s of await this.list()) {
      const p = await s.getPrincipal();
      if (p && samePrincipal(p, principal)) return s;
    }
    return null;
  }
}
