/**
 * `Microseconds ::= INTEGER (0..999999)` (RFC 4120 §5.2.4), the sub-second part that travels
 * beside a KerberosTime (cusec, susec, usec, pausec).
 * @module
 */
import { type Codec, type DerReader, type DerWriter, TaggedCodec, int32 } from '../asn1/index.js';

const MAX = 999_999;

class MicrosecondsCodec extends TaggedCodec<number> {
  constructor() {
    super(0x02, 'Microseconds');
  }
  readContent(r: DerReader, len: number): number {
    const start = r.pos;
    const v = int32.readContent(r, len);
    if (v < 0 || v > MAX) r.fail(`Microseconds ${v} outside 0..${MAX}`, start);
    return v;
  }
  writeContent(w: DerWriter, v: number): void {
    if (typeof v === 'number' && Number.isInteger(v) && (v < 0 || v > MAX)) throw w.rangeError(`Microseconds: ${v} outside 0..${MAX}`);
    int32.writeContent(w, v);
  }
}

/**
 * The codec of Microseconds: an INTEGER in 0..999999; another value is a `DecodeError` when
 * decoding and a `RangeError` when encoding.
 *
 * @example
 * ```ts
 * Microseconds.encode(123456) // 02 03 01 e2 40
 * ```
 */
export type Microseconds = number;
export const Microseconds: Codec<Microseconds> = new MicrosecondsCodec();
