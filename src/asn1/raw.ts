/**
 * Whole TLVs as bytes: ANY (opaque content, exact re-encoding) and values kept with their bytes.
 * @module
 */
import { BaseCodec, type Codec } from './codec.js';
import { DerReader } from './reader.js';
import { universalFormError } from './tag.js';
import type { DerWriter } from './writer.js';

class RawCodec extends BaseCodec<Uint8Array> {
  readonly name = 'ANY';
  readonly tags = null;
  read(r: DerReader): Uint8Array {
    const start = r.pos;
    const tag = r.readHeader();
    const formError = universalFormError(tag);
    if (formError !== undefined) r.fail(formError, start);
    r.pos += r.len;
    return r.bytesAt(start, r.pos);
  }
  write(w: DerWriter, value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw w.typeError('ANY: expected a Uint8Array');
    // The bytes must be exactly one TLV with a DER header, or the output would not be DER.
    const r = new DerReader(value);
    let ok = false;
    try {
      ok = universalFormError(r.readHeader()) === undefined && r.pos + r.len === value.length;
    } catch {
      ok = false;
    }
    if (!ok) throw w.rangeError('ANY: bytes are not exactly one DER TLV');
    w.bytes(value);
  }
}

/**
 * ANY: one complete TLV of any tag, as a copy of its bytes (identifier, length and content).
 * The header is checked strictly (including the DER form of universal tags); the content is not interpreted (decode it later with the
 * codec it turns out to need). Encoding writes the bytes verbatim after checking they are one TLV.
 *
 * @example
 * ```ts
 * raw.decode(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05)) // the same 5 bytes
 * ```
 */
export const raw: Codec<Uint8Array> = new RawCodec();

/** A decoded value together with the exact bytes it was decoded from. */
export interface WithBytes<T> {
  value: T;
  /** A copy of the whole TLV as it appeared in the input. */
  bytes: Uint8Array;
}

class WithBytesCodec<T> extends BaseCodec<WithBytes<T>> {
  readonly tags: readonly number[] | null;
  readonly name: string;
  constructor(private readonly inner: Codec<T>) {
    super();
    this.tags = inner.tags;
    this.name = inner.name;
  }
  read(r: DerReader): WithBytes<T> {
    const start = r.pos;
    const value = this.inner.read(r);
    return { value, bytes: r.bytesAt(start, r.pos) };
  }
  write(w: DerWriter, v: WithBytes<T>): void {
    if (typeof v !== 'object' || v === null) throw w.typeError(`${this.name}: expected { value, bytes }`);
    this.inner.write(w, v.value);
  }
}

/**
 * Decode a value and keep the bytes it came from, e.g. KDC-REQ-BODY, whose checksum covers
 * the bytes as received (RFC 4120 §5.4.1). Encoding writes `value` (`bytes` is ignored); as the
 * codecs are DER, that gives the same bytes whenever the input was DER.
 *
 * @example
 * ```ts
 * const body = withBytes(KDCReqBody)     // Codec<{ value: KDCReqBody; bytes: Uint8Array }>
 * ```
 */
export function withBytes<T>(inner: Codec<T>): Codec<WithBytes<T>> {
  return new WithBytesCodec(inner);
}
