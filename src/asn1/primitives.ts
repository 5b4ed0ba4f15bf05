/**
 * BOOLEAN, NULL and OCTET STRING (X.690 §8.2, §8.8, §8.7).
 * @module
 */
import { PrimitiveCodec } from './codec.js';

/**
 * BOOLEAN. DER (X.690 §11.1) allows only `00` for FALSE and `FF` for TRUE.
 *
 * @example
 * ```ts
 * bool.encode(true) // 01 01 ff
 * ```
 */
export const bool = new PrimitiveCodec<boolean>(
  0x01,
  'BOOLEAN',
  (r, len) => {
    // X.690 §8.2.1: a single content octet.
    if (len !== 1) r.fail(`BOOLEAN with ${len} content octets`);
    const b = r.buf[r.pos]!;
    if (b !== 0x00 && b !== 0xff) r.fail('BOOLEAN TRUE must be encoded as 0xFF in DER');
    r.pos++;
    return b === 0xff;
  },
  (w, v) => {
    if (typeof v !== 'boolean') throw w.typeError(`BOOLEAN: expected a boolean, got ${typeof v}`);
    w.byte(v ? 0xff : 0x00);
  },
);

/**
 * NULL (X.690 §8.8: no content octets) as the value `null`.
 *
 * @example
 * ```ts
 * nullValue.encode(null) // 05 00
 * ```
 */
export const nullValue = new PrimitiveCodec<null>(
  0x05,
  'NULL',
  (r, len) => {
    if (len !== 0) r.fail(`NULL with ${len} content octets`);
    return null;
  },
  (w, v) => {
    if (v !== null) throw w.typeError('NULL: expected null');
  },
);

/**
 * OCTET STRING, primitive only (X.690 §10.2: DER forbids the constructed form). Decoding
 * returns a **copy** of the content octets, never a view into the input, so the result stays
 * valid and private after the caller reuses or wipes the input buffer.
 *
 * @example
 * ```ts
 * octetString.encode(Uint8Array.of(1, 2)) // 04 02 01 02
 * ```
 */
export const octetString: PrimitiveCodec<Uint8Array> = new PrimitiveCodec<Uint8Array>(
  0x04,
  'OCTET STRING',
  (r, len) => r.copy(len),
  (w, v) => {
    if (!(v instanceof Uint8Array)) throw w.typeError('OCTET STRING: expected a Uint8Array');
    w.bytes(v);
  },
);
