/**
 * Tagging (X.680 §31, X.690 §8.14): EXPLICIT wraps a value in a constructed TLV of the new tag;
 * IMPLICIT replaces the tag of the value.
 * @module
 */
import { type Codec, TaggedCodec, isTagged } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';
import { TagClass, isConstructed, tagKey } from './tag.js';

class ExplicitCodec<T> extends TaggedCodec<T> {
  constructor(
    tag: number,
    private readonly inner: Codec<T>,
  ) {
    super(tag, inner.name);
  }
  readContent(r: DerReader, len: number): T {
    // X.690 §8.14.3: the explicit tag's content is exactly the complete encoding of the inner value.
    const saved = r.enter(len);
    const value = this.inner.read(r);
    r.leave(saved);
    return value;
  }
  writeContent(w: DerWriter, value: T): void {
    this.inner.write(w, value);
  }
}

/**
 * `[class n] EXPLICIT inner`: a constructed TLV whose content is the inner encoding.
 *
 * @example
 * ```ts
 * explicit(TagClass.CONTEXT, 0, int32).encode(5) // a0 03 02 01 05
 * ```
 */
export function explicit<T>(tagClass: TagClass, tagNumber: number, inner: Codec<T>): TaggedCodec<T> {
  return new ExplicitCodec(tagKey(tagClass, true, tagNumber), inner);
}

/**
 * `[APPLICATION n] inner` with explicit tagging, as every RFC 4120 message is wrapped.
 *
 * @example
 * ```ts
 * const APReq = app(14, seq('AP-REQ', { pvno: field(0, int32) }))   // 6e .. 30 .. a0 03 02 01 05
 * ```
 */
export function app<T>(tagNumber: number, inner: Codec<T>): TaggedCodec<T> {
  return explicit(TagClass.APPLICATION, tagNumber, inner);
}

/**
 * `[n] inner` with explicit tagging, outside a SEQUENCE (inside one, use `field`).
 *
 * @example
 * ```ts
 * ctx(1, octetString).encode(Uint8Array.of(7)) // a1 03 04 01 07
 * ```
 */
export function ctx<T>(tagNumber: number, inner: Codec<T>): TaggedCodec<T> {
  return explicit(TagClass.CONTEXT, tagNumber, inner);
}

class ImplicitCodec<T> extends TaggedCodec<T> {
  constructor(
    tag: number,
    private readonly inner: TaggedCodec<T>,
  ) {
    super(tag, inner.name);
  }
  readContent(r: DerReader, len: number): T {
    return this.inner.readContent(r, len);
  }
  writeContent(w: DerWriter, value: T): void {
    this.inner.writeContent(w, value);
  }
}

/**
 * `[class n] IMPLICIT inner`: the inner encoding with its tag replaced; constructed stays
 * constructed (X.690 §8.14.4). The inner codec needs one fixed tag: a CHOICE or ANY cannot be
 * implicitly tagged (X.680 §31.2.7), which throws a `TypeError` here.
 *
 * @example
 * ```ts
 * implicit(0, octetString).encode(Uint8Array.of(7))          // 80 01 07
 * implicit(0, seq('X', {}), TagClass.APPLICATION).encode({}) // 60 00 (RFC 2743 §3.1 framing)
 * ```
 */
export function implicit<T>(tagNumber: number, inner: Codec<T>, tagClass: TagClass = TagClass.CONTEXT): TaggedCodec<T> {
  if (!isTagged(inner)) {
    throw new TypeError(`IMPLICIT tagging needs a codec with one fixed tag; ${inner.name} has none (CHOICE or ANY)`);
  }
  return new ImplicitCodec(tagKey(tagClass, isConstructed(inner.tag), tagNumber), inner);
}
