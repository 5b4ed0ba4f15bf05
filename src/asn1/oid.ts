/**
 * OBJECT IDENTIFIER (X.690 §8.19) as a dotted string such as `'1.2.840.113554.1.2.2'`.
 * @module
 */
import { PrimitiveCodec } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';

const OBJECT_IDENTIFIER = 0x06;
/** Below this an arc can take seven more bits and stay an exact number (2^53 / 128). */
const SAFE_SHIFT_LIMIT = 2 ** 46;

function readOid(r: DerReader, len: number): string {
  if (len === 0) r.fail('OBJECT IDENTIFIER with no content octets');
  const buf = r.buf;
  const end = r.pos + len;
  let p = r.pos;
  let out = '';
  let first = true;
  while (p < end) {
    const subStart = p;
    // X.690 §8.19.2: each subidentifier is minimal, so its first octet is never 0x80.
    if (buf[p] === 0x80) r.fail('OBJECT IDENTIFIER subidentifier not minimally encoded', p);
    let v = 0;
    let big: bigint | undefined;
    for (;;) {
      if (p >= end) r.fail('truncated OBJECT IDENTIFIER subidentifier', subStart);
      const c = buf[p++]!;
      if (big !== undefined) big = (big << 7n) | BigInt(c & 0x7f);
      else if (v >= SAFE_SHIFT_LIMIT) big = (BigInt(v) << 7n) | BigInt(c & 0x7f);
      else v = v * 128 + (c & 0x7f);
      if ((c & 0x80) === 0) break;
    }
    if (first) {
      // X.690 §8.19.4: the first subidentifier is 40 * X + Y, with X in 0..2 and Y < 40 unless X = 2.
      first = false;
      if (big !== undefined) out = `2.${big - 80n}`;
      else out = v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
    } else {
      out += `.${big ?? v}`;
    }
  }
  r.pos = end;
  return out;
}

const OID_TEXT = /^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+$/;

/** Prepend one subidentifier in base 128, most significant group first (X.690 §8.19.2). */
function writeArc(w: DerWriter, arc: string | bigint): void {
  if (typeof arc === 'string' && arc.length <= 15) {
    let v = Number(arc);
    w.byte(v % 128);
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) w.byte(0x80 | (v % 128));
    return;
  }
  let v = typeof arc === 'bigint' ? arc : BigInt(arc);
  w.byte(Number(v & 0x7fn));
  for (v >>= 7n; v > 0n; v >>= 7n) w.byte(0x80 | Number(v & 0x7fn));
}

/**
 * The content octets of OIDs written before: the same few (the mechanisms) are written in every
 * SPNEGO and GSS token, and turning the text into arcs each time cost more than the rest of the
 * framing. Bounded; only valid OIDs are kept.
 */
const ENCODED = new Map<string, Uint8Array>();

function writeOid(w: DerWriter, v: string): void {
  const known = typeof v === 'string' ? ENCODED.get(v) : undefined;
  if (known !== undefined) {
    w.bytes(known);
    return;
  }
  const mark = w.size;
  writeOidText(w, v);
  if (ENCODED.size < 256) ENCODED.set(v, w.buffer.slice(w.buffer.length - w.size, w.buffer.length - mark));
}

function writeOidText(w: DerWriter, v: string): void {
  if (typeof v !== 'string') throw w.typeError(`OBJECT IDENTIFIER: expected a dotted string, got ${typeof v}`);
  if (!OID_TEXT.test(v)) throw w.rangeError(`OBJECT IDENTIFIER: '${v}' is not a dotted list of at least two arcs`);
  const arcs = v.split('.');
  const x = Number(arcs[0]);
  const y = arcs[1]!;
  // X.660 / X.690 §8.19.4: first arc 0, 1 or 2; below 2, the second arc is 0..39.
  if (x > 2) throw w.rangeError(`OBJECT IDENTIFIER: first arc ${arcs[0]} is not 0, 1 or 2`);
  if (x < 2 && (y.length > 2 || Number(y) > 39)) throw w.rangeError(`OBJECT IDENTIFIER: second arc ${y} must be below 40`);
  for (let i = arcs.length - 1; i >= 2; i--) writeArc(w, arcs[i]!);
  writeArc(w, y.length <= 15 ? String(x * 40 + Number(y)) : BigInt(x * 40) + BigInt(y));
}

/**
 * OBJECT IDENTIFIER as a dotted decimal string. Arcs of any size are supported (large ones are
 * handled as bigints internally, e.g. `2.25.<UUID>`); subidentifiers must be minimal.
 *
 * @example
 * ```ts
 * oid.encode('1.2.840.113554.1.2.2') // 06 09 2a 86 48 86 f7 12 01 02 02 (Kerberos v5 GSS mech)
 * ```
 */
export const oid = new PrimitiveCodec<string>(OBJECT_IDENTIFIER, 'OBJECT IDENTIFIER', readOid, writeOid);
