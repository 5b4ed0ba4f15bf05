/**
 * `Codec<T>`: one value per ASN.1 type that both decodes and encodes it.
 * @module
 */
import { DerReader, type DecodeOptions } from './reader.js';
import { DerWriter } from './writer.js';

/**
 * Both directions of one ASN.1 type.
 *
 * `decode` reads exactly one value and rejects trailing bytes; every failure on any input is a
 * `DecodeError` with the field path and the byte offset. `encode` writes DER; a value of the
 * wrong type or out of range is the caller's mistake and throws `TypeError` / `RangeError`.
 * `read` and `write` are the building blocks used by the combinators.
 *
 * @example
 * ```ts
 * int32.encode(128)                               // 02 02 00 80
 * int32.decode(Uint8Array.of(0x02, 0x01, 0x7f))   // 127
 * ```
 */
export interface Codec<T> {
  /** The ASN.1 type name, the first segment of a decode error's path (`AP-REQ`, `INTEGER`). */
  readonly name: string;
  /** The tag keys an encoding can start with; `null` when any tag is possible (ANY). */
  readonly tags: readonly number[] | null;
  /** Read one value at `r.pos` within `r.end`, advancing past it. */
  read(r: DerReader): T;
  /** Prepend the encoding of `value` (the writer fills back to front). */
  write(w: DerWriter, value: T): void;
  /** Decode exactly one value from `bytes`; trailing data is an error. */
  decode(bytes: Uint8Array, options?: DecodeOptions): T;
  /** Encode `value` as DER. (A property, not a method, so that `Codec<T>` is invariant in T.) */
  readonly encode: (value: T) => Uint8Array;
}

/**
 * The value type of a codec.
 *
 * @example
 * ```ts
 * type EncryptedData = Infer<typeof EncryptedData> // { etype: number; kvno?: number; cipher: Uint8Array }
 * ```
 */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/**
 * The shared `decode` / `encode` of every codec; extend it for a codec that is not one TLV of a
 * fixed tag (see {@link TaggedCodec} otherwise).
 *
 * @example
 * ```ts
 * class Opaque extends BaseCodec<Uint8Array> {
 *   readonly name = 'Opaque'; readonly tags = null
 *   read(r: DerReader) { const s = r.pos; r.skip(); return r.buf.slice(s, r.pos) }
 *   write(w: DerWriter, v: Uint8Array) { w.bytes(v) }
 * }
 * ```
 */
export abstract class BaseCodec<T> implements Codec<T> {
  abstract readonly name: string;
  abstract readonly tags: readonly number[] | null;
  abstract read(r: DerReader): T;
  abstract write(w: DerWriter, value: T): void;

  decode(bytes: Uint8Array, options?: DecodeOptions): T {
    const r = new DerReader(bytes, options);
    r.path.push(this.name);
    const value = this.read(r);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes of trailing data after ${this.name}`);
    return value;
  }

  encode = (value: T): Uint8Array => {
    const w = DerWriter.borrow();
    try {
      w.path.push(this.name);
      this.write(w, value);
      return w.finish();
    } finally {
      w.giveBack();
    }
  };
}

/**
 * A codec with exactly one tag: reading checks the tag and hands the content to `readContent`;
 * writing prepends the header to what `writeContent` wrote. Only such codecs can be re-tagged
 * with IMPLICIT (X.680 §31.2.7: CHOICE and ANY cannot be implicitly tagged).
 *
 * @example
 * ```ts
 * class Utc extends TaggedCodec<string> {        // UTCTime as its text
 *   constructor() { super(0x17, 'UTCTime') }
 *   readContent(r: DerReader, len: number) { let s = ''; for (let i = 0; i < len; i++) s += String.fromCharCode(r.buf[r.pos++]!); return s }
 *   writeContent(w: DerWriter, v: string) { for (let i = v.length - 1; i >= 0; i--) w.byte(v.charCodeAt(i)) }
 * }
 * ```
 */
export abstract class TaggedCodec<T> extends BaseCodec<T> {
  readonly tags: readonly number[];

  constructor(
    /** The tag key. */
    readonly tag: number,
    readonly name: string,
  ) {
    super();
    this.tags = [tag];
  }

  /** Read the content, which starts at `r.pos` and is `len` bytes long; consume all of it. */
  abstract readContent(r: DerReader, len: number): T;
  /** Prepend the content of `value`. */
  abstract writeContent(w: DerWriter, value: T): void;

  read(r: DerReader): T {
    const tag = r.readHeader();
    if (tag !== this.tag) r.unexpectedTag(this.tag, tag);
    return this.readContent(r, r.len);
  }

  write(w: DerWriter, value: T): void {
    const mark = w.size;
    this.writeContent(w, value);
    w.header(this.tag, w.size - mark);
  }
}

/**
 * Whether a codec has exactly one tag and separable content (see {@link TaggedCodec}).
 *
 * @example
 * ```ts
 * isTagged(int32) // true
 * isTagged(raw)   // false
 * ```
 */
export function isTagged<T>(codec: Codec<T>): codec is TaggedCodec<T> {
  const c = codec as Partial<TaggedCodec<T>>;
  return typeof c.tag === 'number' && typeof c.readContent === 'function' && typeof c.writeContent === 'function';
}

/**
 * A one-tag codec from two content functions.
 *
 * @example
 * ```ts
 * const octetCount = new PrimitiveCodec<number>(0x04, 'OCTET STRING', (r, len) => { r.pos += len; return len }, (w, n) => { w.bytes(new Uint8Array(n)) })
 * ```
 */
export class PrimitiveCodec<T> extends TaggedCodec<T> {
  constructor(
    tag: number,
    name: string,
    private readonly rc: (r: DerReader, len: number) => T,
    private readonly wc: (w: DerWriter, value: T) => void,
  ) {
    super(tag, name);
  }
  readContent(r: DerReader, len: number): T {
    return this.rc(r, len);
  }
  writeContent(w: DerWriter, value: T): void {
    this.wc(w, value);
  }
}
