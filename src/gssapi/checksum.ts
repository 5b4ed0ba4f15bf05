/**
 * The GSS-API authenticator checksum, checksum type 0x8003 (RFC 4121 §4.1.1).
 * @module
 */
import { GssFlags } from '../iana/index.js';
import { tokenError } from './framing.js';

/**
 * The Authenticator cksumtype that carries {@link GssChecksum}.
 *
 * @example
 * ```ts
 * if (authenticator.cksum?.cksumtype === GSS_CHECKSUM_TYPE) decodeGssChecksum(authenticator.cksum.checksum)
 * ```
 */
export const GSS_CHECKSUM_TYPE = 0x8003;

/**
 * RFC 4121 §4.1.1: DlgOpt is always 1 (KRB_CRED follows).
 *
 * @example
 * ```ts
 * DLG_OPT_KRB_CRED // 1, written little-endian as 01 00
 * ```
 */
export const DLG_OPT_KRB_CRED = 1;

/** One MIT extension after the fixed fields: 4-byte big-endian type, 4-byte length, data. */
export interface GssChecksumExtension {
  type: number;
  data: Uint8Array;
}

/** The fields of the 0x8003 checksum. */
export interface GssChecksum {
  /** Bnd: MD5 of the channel bindings (see `channelBindingsHash`), or 16 zero bytes without them. */
  bindingsHash: Uint8Array;
  /** Flags: GssFlags bits (DELEG 1, MUTUAL 2, REPLAY 4, SEQUENCE 8, CONF 16, INTEG 32, …). */
  flags: number;
  /** Deleg: the KRB-CRED bytes of a delegated TGT; present only with GSS_C_DELEG_FLAG. */
  delegation?: Uint8Array;
  /** Exts: trailing extensions (MIT: e.g. type 2, the initiator's channel-binding flags), in order. */
  exts?: GssChecksumExtension[];
}

const LGTH = 16;
const FIXED = 24; // Lgth (4) + Bnd (16) + Flags (4)

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

const PATH = 'GssChecksum';

// RFC 4121 §4.1.1:
//   0..3   Lgth    number of octets in Bnd, little-endian, always 16
//   4..19  Bnd     channel binding information (MD5, §4.1.1.2)
//   20..23 Flags   context establishment flags, little-endian
//   24..25 DlgOpt  delegation option, 1              } only when
//   26..27 Dlgth   length of Deleg, little-endian    } GSS_C_DELEG_FLAG
//   28..   Deleg   KRB_CRED message                  } is set
//   n..    Exts    extensions (MIT: 4-byte BE type, 4-byte BE length, data)
// MIT's acceptor tolerates the DELEG flag with no delegation fields at all (the initiator could
// not forward a ticket); that form is accepted too, with `delegation` left undefined.

/**
 * Decode a 0x8003 checksum value, strictly: Lgth must be 16, DlgOpt 1, every length within the
 * bytes, no partial extension. Anything else is a `DecodeError` with the offset.
 *
 * @example
 * ```ts
 * const { flags, bindingsHash, delegation } = decodeGssChecksum(authenticator.cksum.checksum)
 * if (flags & GssFlags.GSS_C_DELEG_FLAG) storeCredentials(KRBCred.decode(delegation!))
 * ```
 */
export function decodeGssChecksum(bytes: Uint8Array): GssChecksum {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('checksum must be a Uint8Array');
  if (bytes.length < FIXED) throw tokenError(PATH, `checksum of ${bytes.length} bytes is shorter than 24`, 0);
  const lgth = u32le(bytes, 0);
  if (lgth !== LGTH) throw tokenError(`${PATH}.Lgth`, `Lgth is ${lgth}, not 16`, 0);
  const out: GssChecksum = { bindingsHash: bytes.slice(4, 20), flags: u32le(bytes, 20) };
  let p = FIXED;
  if ((out.flags & GssFlags.GSS_C_DELEG_FLAG) !== 0 && p < bytes.length) {
    if (bytes.length - p < 4) throw tokenError(`${PATH}.DlgOpt`, 'truncated delegation header', p);
    const dlgOpt = bytes[p]! | (bytes[p + 1]! << 8);
    if (dlgOpt !== DLG_OPT_KRB_CRED) throw tokenError(`${PATH}.DlgOpt`, `DlgOpt is ${dlgOpt}, not 1`, p);
    const dlgth = bytes[p + 2]! | (bytes[p + 3]! << 8);
    p += 4;
    if (dlgth > bytes.length - p) throw tokenError(`${PATH}.Dlgth`, `Dlgth ${dlgth} exceeds the ${bytes.length - p} bytes remaining`, p - 2);
    out.delegation = bytes.slice(p, p + dlgth);
    p += dlgth;
  }
  if (p < bytes.length) {
    const exts: GssChecksumExtension[] = [];
    while (p < bytes.length) {
      if (bytes.length - p < 8) throw tokenError(`${PATH}.Exts`, 'truncated extension header', p);
      const type = u32be(bytes, p);
      const len = u32be(bytes, p + 4);
      if (len > bytes.length - p - 8) throw tokenError(`${PATH}.Exts`, `extension length ${len} exceeds the ${bytes.length - p - 8} bytes remaining`, p + 4);
      exts.push({ type, data: bytes.slice(p + 8, p + 8 + len) });
      p += 8 + len;
    }
    out.exts = exts;
  }
  return out;
}

/**
 * Encode a 0x8003 checksum value. `delegation` requires GSS_C_DELEG_FLAG in `flags`; the flag
 * without `delegation` is written with no delegation fields (and then no extensions may follow,
 * as they would read as a delegation).
 *
 * @example
 * ```ts
 * encodeGssChecksum({ bindingsHash: new Uint8Array(16), flags: GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_INTEG_FLAG })
 * // 10 00 00 00 | 16 zero bytes | 22 00 00 00
 * ```
 */
export function encodeGssChecksum(fields: GssChecksum): Uint8Array {
  const { bindingsHash, flags, delegation, exts = [] } = fields;
  if (!(bindingsHash instanceof Uint8Array) || bindingsHash.length !== LGTH) throw new RangeError('bindingsHash must be 16 bytes');
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff) throw new RangeError('flags must be a 32-bit unsigned integer');
  const deleg = (flags & GssFlags.GSS_C_DELEG_FLAG) !== 0;
  if (delegation !== undefined) {
    if (!(delegation instanceof Uint8Array)) throw new TypeError('delegation must be a Uint8Array');
    if (!deleg) throw new RangeError('delegation given without GSS_C_DELEG_FLAG');
    if (delegation.length > 0xffff) throw new RangeError('delegation longer than 65535 bytes (Dlgth is 16 bits)');
  } else if (deleg && exts.length > 0) {
    throw new RangeError('GSS_C_DELEG_FLAG without delegation cannot be followed by extensions');
  }
  let n = FIXED + (delegation ? 4 + delegation.length : 0);
  for (const e of exts) {
    if (!Number.isInteger(e.type) || e.type < 0 || e.type > 0xffffffff) throw new RangeError('extension type must be a 32-bit unsigned integer');
    if (!(e.data instanceof Uint8Array)) throw new TypeError('extension data must be a Uint8Array');
    n += 8 + e.data.length;
  }
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, LGTH, true);
  out.set(bindingsHash, 4);
  dv.setUint32(20, flags, true);
  let p = FIXED;
  if (delegation) {
    dv.setUint16(p, DLG_OPT_KRB_CRED, true);
    dv.setUint16(p + 2, delegation.length, true);
    out.set(delegation, p + 4);
    p += 4 + delegation.length;
  }
  for (const e of exts) {
    dv.setUint32(p, e.type, false);
    dv.setUint32(p + 4, e.data.length, false);
    out.set(e.data, p + 8);
    p += 8 + e.data.length;
  }
  return out;
}
