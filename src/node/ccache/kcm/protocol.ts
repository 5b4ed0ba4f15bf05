/**
 * The KCM protocol (Heimdal's, as MIT krb5 speaks it: `lib/krb5/ccache/cc_kcm.c`, `include/kcm.h`):
 * opcodes, statuses, the match record of RETRIEVE/REMOVE, the reply fields — bytes only, no
 * socket. Principals and credentials use the ccache v4 marshalling (`tskrb5/formats`).
 *
 * Framing: a request is a 32-bit big-endian length, then major version 2 and minor version 0
 * (one byte each), a 16-bit opcode and the parameters; a reply is a 32-bit length, a 32-bit
 * code (0), and that many bytes, which begin with a 32-bit status (0 or an MIT `krb5_error_code`).
 * Names are NUL-terminated; UUIDs are 16 bytes.
 * @module
 */
import { DecodeError, KerberosError } from '../../../errors.js';
import type { CcacheCredential } from '../types.js';
import { samePrincipal } from '../types.js';
import { CcacheWriter } from '../../../formats/index.js';
import type { Principal } from '../../../messages/index.js';

const enc = new TextEncoder();

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
  const header = (m.client ? 0x01 : 0) | (m.server ? 0x02 : 0) | (hasKey ? 0x04 : 0) | (hasTkt ? 0x08 : 0) | (has2nd ? 0x10 : 0) | (hasAd ? 0x20 : 0) | (hasAddr ? 0x40 : 0);
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
  if (flags & KcmTc.MATCH_FLAGS && (c.flags & (m.flags ?? 0)) >>> 0 !== (m.flags ?? 0) >>> 0) return false;
  if (
    flags & KcmTc.MATCH_TIMES_EXACT &&
    (secs(c.authtime) !== secs(m.authtime) || secs(c.starttime) !== secs(m.starttime) || secs(c.endtime) !== secs(m.endtime) || secs(c.renewTill) !== secs(m.renewTill))
  )
    return false;
  // MIT times_match: a time set in the match must not exceed the credential's
  if (flags & KcmTc.MATCH_TIMES && ((m.renewTill && secs(m.renewTill) > secs(c.renewTill)) || (m.endtime && secs(m.endtime) > secs(c.endtime)))) return false;
  if (flags & KcmTc.MATCH_KEYTYPE && m.key && c.key.etype !== m.key.etype) return false;
  if (flags & KcmTc.MATCH_2ND_TKT && !bytesEq(c.secondTicket, m.secondTicket ?? new Uint8Array(0))) return false;
  if (
    flags & KcmTc.MATCH_AUTHDATA &&
    !(c.authdata.length === (m.authdata?.length ?? 0) && c.authdata.every((a, i) => a.type === m.authdata![i]!.type && bytesEq(a.data, m.authdata![i]!.data)))
  )
    return false;
  return true;
}
function sameComponents(a: Principal, b: Principal): boolean {
  return a.components.length === b.components.length && a.components.every((x, i) => x === b.components[i]);
}

/** A KCM daemon's non-zero status. */
export class KcmError extends KerberosError {
  static override readonly kind: string = 'KcmError';
  static override readonly defaultCode: string = 'ERR_KCM';
  constructor(
    readonly status: number,
    readonly opcode: number,
    message?: string,
  ) {
    super(message ?? `KCM operation ${opName(opcode)} failed with status ${status}${statusName(status)}`);
  }
}
export function opName(op: number): string {
  return Object.entries(KcmOp).find(([, v]) => v === op)?.[0] ?? String(op);
}
export function statusName(s: number): string {
  const n = Object.entries(KcmStatus).find(([, v]) => v === s)?.[0];
  return n ? ` (${n})` : '';
}

export function cstr(s: string): Uint8Array {
  const b = enc.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}
export function readName(reply: Uint8Array): string {
  const z = reply.indexOf(0);
  if (z < 0) throw new DecodeError('KCM reply name is not NUL-terminated', { path: 'kcm.name', offset: 0 });
  return new TextDecoder().decode(reply.subarray(0, z));
}
export function uuids(reply: Uint8Array): Uint8Array[] {
  if (reply.length % 16 !== 0) throw new DecodeError('KCM UUID list length is not a multiple of 16', { path: 'kcm.uuids', offset: 0 });
  const out: Uint8Array[] = [];
  for (let i = 0; i < reply.length; i += 16) out.push(reply.slice(i, i + 16));
  return out;
}
/** The 32-bit big-endian integer at `at` of a reply. */
export function u32At(b: Uint8Array, at: number, path: string): number {
  if (at < 0 || b.length - at < 4) throw new DecodeError(`KCM reply ends inside a 32-bit field (${b.length} bytes)`, { path, offset: at });
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
/** The 32-bit integer `n` (negative: its two's complement) as 4 big-endian bytes. */
export const be32 = (n: number): Uint8Array => new CcacheWriter(4).u32(n).done();
export const concat = (...p: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(p.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of p) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};
