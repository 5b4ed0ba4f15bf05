/**
 * `map`: the same wire form, a different value type.
 * @module
 */
import { BaseCodec, type Codec, TaggedCodec, isTagged } from './codec.js';
import { DecodeError, KerberosError } from '../errors.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';

/** Run the decode mapping; a throw that is not a positioned DecodeError becomes one here. */
function convert<A, B>(r: DerReader, start: number, decodeFn: (a: A) => B, a: A): B {
  try {
    return decodeFn(a);
  } catch (e) {
    if (e instanceof DecodeError && (e.path !== '' || e.offset >= 0)) throw e;
    if (e instanceof KerberosError && !(e instanceof DecodeError)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new DecodeError(message, { path: r.pathString(), offset: start, cause: e });
  }
}

class MappedTagged<A, B> extends TaggedCodec<B> {
  constructor(
    private readonly inner: TaggedCodec<A>,
    private readonly decodeFn: (a: A) => B,
    private readonly encodeFn: (b: B) => A,
    name: string,
  ) {
    super(inner.tag, name);
  }
  readContent(r: DerReader, len: number): B {
    const start = r.start;
    return convert(r, start, this.decodeFn, this.inner.readContent(r, len));
  }
  writeContent(w: DerWriter, value: B): void {
    this.inner.writeContent(w, this.encodeFn(value));
  }
}

class Mapped<A, B> extends BaseCodec<B> {
  readonly tags: readonly number[] | null;
  constructor(
    private readonly inner: Codec<A>,
    private readonly decodeFn: (a: A) => B,
    private readonly encodeFn: (b: B) => A,
    readonly name: string,
  ) {
    super();
    this.tags = inner.tags;
  }
  read(r: DerReader): B {
    const start = r.pos;
    return convert(r, start, this.decodeFn, this.inner.read(r));
  }
  write(w: DerWriter, value: B): void {
    this.inner.write(w, this.encodeFn(value));
  }
}

/**
 * A codec for `B` over the wire form of a codec for `A`. If `decodeFn` throws (a value out of
 * its domain), decoding fails with a `DecodeError` at the value's path and offset, with the
 * thrown error as `cause` (another `KerberosError`, e.g. `UnsupportedError`, passes through
 * unchanged). `encodeFn` throwing is the caller's error and passes through. Keeps the tag, so
 * IMPLICIT still applies.
 *
 * @example
 * ```ts
 * const Realm = map(kerberosString, (s) => s.toUpperCase(), (s) => s)
 * const Microseconds = map(int32, (n) => { if (n < 0 || n > 999999) throw new RangeError('usec'); return n }, (n) => n)
 * ```
 */
export function map<A, B>(codec: Codec<A>, decodeFn: (a: A) => B, encodeFn: (b: B) => A, name: string = codec.name): Codec<B> {
  return isTagged(codec) ? new MappedTagged(codec, decodeFn, encodeFn, name) : new Mapped(codec, decodeFn, encodeFn, name);
}
