/**
 * INTEGER and ENUMERATED (X.690 §8.3, §8.4): Int32, UInt32 (RFC 4120 §5.2.4) and 64-bit bigints.
 * @module
 */
import { PrimitiveCodec } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';

const INTEGER = 0x02;
const ENUMERATED = 0x0a;

/**
 * Check the content of an INTEGER: at least one octet (X.690 §8.3.1) and minimal, i.e. the
 * first nine bits are neither all zero nor all one (X.690 §8.3.2).
 */
function checkInteger(r: DerReader, len: number): void {
  if (len === 0) r.fail('INTEGER with no content octets');
  if (len > 1) {
    const b0 = r.buf[r.pos]!;
    const b1 = r.buf[r.pos + 1]!;
    if ((b0 === 0x00 && (b1 & 0x80) === 0) || (b0 === 0xff && (b1 & 0x80) !== 0)) {
      r.fail('INTEGER not minimally encoded');
    }
  }
}

/** Read a minimal INTEGER of at most 6 content octets as an exact number (sign-extended). */
function readSmall(r: DerReader, len: number): number {
  const buf = r.buf;
  let p = r.pos;
  let v = (buf[p++]! << 24) >> 24; // sign-extend the first octet
  for (const end = r.pos + len; p < end; p++) v = v * 256 + buf[p]!;
  r.pos = p;
  return v;
}

/** Prepend the minimal two's-complement content of an integer in -(2^47)..2^47 (X.690 §8.3.2). */
function writeSmall(w: DerWriter, v: number): void {
  // Emit low octets until the rest is pure sign extension of the last octet written.
  for (;;) {
    const b = v & 0xff; // ToInt32 keeps the low octet right for negatives too
    w.byte(b);
    v = Math.floor(v / 256);
    if ((v === 0 && (b & 0x80) === 0) || (v === -1 && (b & 0x80) !== 0)) return;
  }
}

function int32Content(what: string) {
  return {
    read(r: DerReader, len: number): number {
      checkInteger(r, len);
      if (len > 4) r.fail(`${what} out of range for Int32`);
      return readSmall(r, len);
    },
    write(w: DerWriter, v: number): void {
      if (typeof v !== 'number') throw w.typeError(`${what}: expected a number, got ${typeof v}`);
      if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw w.rangeError(`${what}: ${v} is not an Int32`);
      writeSmall(w, v);
    },
  };
}

const i32 = int32Content('INTEGER');

/**
 * `Int32 ::= INTEGER (-2147483648..2147483647)` (RFC 4120 §5.2.4) as a `number`.
 *
 * @example
 * ```ts
 * int32.encode(-129)  // 02 02 ff 7f
 * ```
 */
export const int32 = new PrimitiveCodec<number>(INTEGER, 'INTEGER', i32.read, i32.write);

/**
 * `UInt32 ::= INTEGER (0..4294967295)` (RFC 4120 §5.2.4) as a `number`, for nonces and sequence
 * numbers. Decoding also accepts a negative value in Int32 range and maps it to `v + 2^32`: MIT
 * krb5 historically encoded these fields as signed 32-bit integers. Encoding always writes the
 * correct minimal non-negative form (so 2^31 is `02 05 00 80 00 00 00`).
 *
 * @example
 * ```ts
 * uint32.decode(Uint8Array.of(0x02, 0x01, 0xff)) // 4294967295 (MIT's encoding of 0xffffffff)
 * ```
 */
export const uint32 = new PrimitiveCodec<number>(
  INTEGER,
  'INTEGER',
  (r, len) => {
    checkInteger(r, len);
    if (len > 5 || (len === 5 && r.buf[r.pos] !== 0)) r.fail('INTEGER out of range for UInt32');
    const v = readSmall(r, len);
    if (v < 0) {
      if (v < -0x80000000) r.fail('INTEGER out of range for UInt32', r.pos - len);
      return v + 0x100000000;
    }
    return v;
  },
  (w, v) => {
    if (typeof v !== 'number') throw w.typeError(`INTEGER: expected a number, got ${typeof v}`);
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw w.rangeError(`INTEGER: ${v} is not a UInt32`);
    writeSmall(w, v);
  },
);

/**
 * A Kerberos UInt32 field as peers actually send it: MIT and Heimdal encode nonces and sequence
 * numbers of 2^31 and above in the Int32 form (negative), others in the UInt32 form. This codec
 * keeps the form it read — a negative value means the Int32 encoding; the UInt32 meant is
 * `value >>> 0` — so a received message re-encodes to the same bytes. Encoding takes any integer
 * in -2^31..2^32-1 and writes its minimal DER. Compare such values with `>>> 0`.
 *
 * @example
 * ```ts
 * uint32AsSent.decode(Uint8Array.of(0x02, 0x04, 0x9c, 0xb5, 0x4e, 0x6f)) // -1665839505 (>>> 0: 2629127791)
 * ```
 */
export const uint32AsSent = new PrimitiveCodec<number>(
  INTEGER,
  'INTEGER',
  (r, len) => {
    checkInteger(r, len);
    if (len > 5 || (len === 5 && r.buf[r.pos] !== 0)) r.fail('INTEGER out of range for UInt32');
    const v = readSmall(r, len);
    if (v < -0x80000000) r.fail('INTEGER out of range for UInt32', r.pos - len);
    return v;
  },
  (w, v) => {
    if (typeof v !== 'number') throw w.typeError(`INTEGER: expected a number, got ${typeof v}`);
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw w.rangeError(`INTEGER: ${v} is neither a UInt32 nor an Int32`);
    writeSmall(w, v);
  },
);

const e32 = int32Content('ENUMERATED');

/**
 * ENUMERATED (X.690 §8.4: encoded like an INTEGER) as a `number` in Int32 range.
 *
 * @example
 * ```ts
 * enumerated.encode(1) // 0a 01 01 (SPNEGO negState accept-incomplete)
 * ```
 */
export const enumerated = new PrimitiveCodec<number>(ENUMERATED, 'ENUMERATED', e32.read, e32.write);

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

function readBig(r: DerReader, len: number): bigint {
  let p = r.pos;
  const end = p + len;
  const buf = r.buf;
  let v = BigInt((buf[p++]! << 24) >> 24);
  for (; p < end; p++) v = (v << 8n) | BigInt(buf[p]!);
  r.pos = end;
  return v;
}

function writeBig(w: DerWriter, v: bigint): void {
  for (;;) {
    const b = Number(v & 0xffn);
    w.byte(b);
    v >>= 8n; // arithmetic shift: floors towards -infinity
    if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) return;
  }
}

function bigCodec(min: bigint, maxExclusive: bigint, maxLen: number, what: string) {
  return new PrimitiveCodec<bigint>(
    INTEGER,
    'INTEGER',
    (r, len) => {
      checkInteger(r, len);
      if (len > maxLen) r.fail(`INTEGER out of range for ${what}`);
      const start = r.pos;
      const v = readBig(r, len);
      if (v < min || v >= maxExclusive) r.fail(`INTEGER out of range for ${what}`, start);
      return v;
    },
    (w, v) => {
      if (typeof v !== 'bigint') throw w.typeError(`INTEGER: expected a bigint, got ${typeof v}`);
      if (v < min || v >= maxExclusive) throw w.rangeError(`INTEGER: ${v} is not a ${what}`);
      writeBig(w, v);
    },
  );
}

/**
 * A signed 64-bit INTEGER as a `bigint`.
 *
 * @example
 * ```ts
 * int64.encode(-(2n ** 63n)) // 02 08 80 00 00 00 00 00 00 00
 * ```
 */
export const int64 = bigCodec(-TWO_63, TWO_63, 8, 'Int64');

/**
 * An unsigned 64-bit INTEGER as a `bigint` (up to nine content octets, the first one zero).
 *
 * @example
 * ```ts
 * uint64.encode(2n ** 64n - 1n) // 02 09 00 ff ff ff ff ff ff ff ff
 * ```
 */
export const uint64 = bigCodec(0n, TWO_64, 9, 'UInt64');
