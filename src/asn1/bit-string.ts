/**
 * BIT STRING (X.690 §8.6) in raw form, and KerberosFlags (RFC 4120 §5.2.8) as a uint32.
 * @module
 */
import { PrimitiveCodec } from './codec.js';
import type { DerReader } from './reader.js';

const BIT_STRING = 0x03;

/** A BIT STRING as written: the content octets and how many bits of the last one are unused. */
export interface BitString {
  /** 0..7: trailing bits of the last octet that are not part of the value (X.690 §8.6.2.2). */
  unusedBits: number;
  /** The bits, first bit in the most significant bit of the first octet. */
  bytes: Uint8Array;
}

/** X.690 §8.6.2 plus the DER rule of §11.2.1 (unused bits are zero); returns the unused count. */
function checkBitString(r: DerReader, len: number): number {
  if (len === 0) r.fail('BIT STRING with no content octets');
  const unused = r.buf[r.pos]!;
  if (unused > 7) r.fail(`BIT STRING with ${unused} unused bits`);
  if (len === 1 && unused !== 0) r.fail('empty BIT STRING with non-zero unused bits');
  if (unused !== 0 && (r.buf[r.pos + len - 1]! & ((1 << unused) - 1)) !== 0) {
    r.fail('BIT STRING unused bits are not zero', r.pos + len - 1);
  }
  return unused;
}

/**
 * BIT STRING as `{ unusedBits, bytes }`, primitive only (X.690 §10.2). Decoding rejects unused
 * bits that are set (X.690 §11.2.1); `bytes` is a copy.
 *
 * @example
 * ```ts
 * bitString.encode({ unusedBits: 4, bytes: Uint8Array.of(0x0a, 0x3b, 0x5f, 0x29, 0x1c, 0xd0) })
 * // 03 07 04 0a 3b 5f 29 1c d0  (X.690 §8.6.4.2)
 * ```
 */
export const bitString = new PrimitiveCodec<BitString>(
  BIT_STRING,
  'BIT STRING',
  (r, len) => {
    const unusedBits = checkBitString(r, len);
    r.pos++;
    return { unusedBits, bytes: r.copy(len - 1) };
  },
  (w, v) => {
    if (typeof v !== 'object' || v === null || !(v.bytes instanceof Uint8Array)) {
      throw w.typeError('BIT STRING: expected { unusedBits, bytes: Uint8Array }');
    }
    const u = v.unusedBits;
    const n = v.bytes.length;
    if (!Number.isInteger(u) || u < 0 || u > 7 || (n === 0 && u !== 0)) throw w.rangeError(`BIT STRING: invalid unusedBits ${u}`);
    if (u !== 0 && (v.bytes[n - 1]! & ((1 << u) - 1)) !== 0) throw w.rangeError('BIT STRING: unused bits must be zero');
    w.bytes(v.bytes);
    w.byte(u);
  },
);

/**
 * `KerberosFlags ::= BIT STRING (SIZE (32..MAX))` (RFC 4120 §5.2.8) as a uint32 `number` in
 * which bit 0 (the first bit, e.g. `reserved`/`forwardable`…) is the most significant bit.
 *
 * Decoding accepts any length (RFC 4120 asks receivers to accept fewer than 32 bits) and keeps
 * bits 0..31; later bits are dropped. Encoding always writes 32 bits with 0 unused bits,
 * `03 05 00 xx xx xx xx`, as MIT krb5, Heimdal (with its RFC 1510 bit-string option used for
 * krb5.asn1) and Windows do, so their encodings round-trip byte for byte; another length does not.
 * Encoding accepts `0..2^32-1` and also negative Int32 values (what `|` gives when bit 0 is set),
 * taking the 32-bit pattern.
 *
 * @example
 * ```ts
 * kerberosFlags.encode(0x40810010) // 03 05 00 40 81 00 10 (KDCOptions forwardable, renewable, canonicalize, renewable-ok)
 * ```
 */
export const kerberosFlags = new PrimitiveCodec<number>(
  BIT_STRING,
  'KerberosFlags',
  (r, len) => {
    checkBitString(r, len);
    const buf = r.buf;
    const p = r.pos + 1;
    const n = len - 1;
    const v = ((n > 0 ? buf[p]! : 0) << 24) | ((n > 1 ? buf[p + 1]! : 0) << 16) | ((n > 2 ? buf[p + 2]! : 0) << 8) | (n > 3 ? buf[p + 3]! : 0);
    r.pos += len;
    return v >>> 0;
  },
  (w, v) => {
    if (typeof v !== 'number') throw w.typeError(`KerberosFlags: expected a number, got ${typeof v}`);
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw w.rangeError(`KerberosFlags: ${v} is not a 32-bit value`);
    const at = w.reserve(5);
    const buf = w.buffer;
    buf[at] = 0;
    buf[at + 1] = v >>> 24;
    buf[at + 2] = v >>> 16;
    buf[at + 3] = v >>> 8;
    buf[at + 4] = v;
  },
);
