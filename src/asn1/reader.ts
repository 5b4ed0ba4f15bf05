/**
 * The byte-level DER reader: strict header parsing with bounds, and the decoding context
 * (field path, depth) that every codec shares.
 * @module
 */
import { DecodeError } from '../errors.js';
import { describeTag } from './tag.js';

/** Options of every decode. */
export interface DecodeOptions {
  /**
   * The deepest nesting of constructed values accepted (each SEQUENCE, SEQUENCE OF, explicit tag
   * and APPLICATION wrapper counts one). Default {@link DEFAULT_MAX_DEPTH}.
   */
  maxDepth?: number;
  /**
   * Return OCTET STRING, BIT STRING and raw-TLV values as views into the input instead of
   * copies: about three times faster on messages with large ciphers (V8 allocates typed arrays
   * of more than 64 bytes off its heap), but the values change if the input is changed later.
   * For callers that own the input and use the result at once. Default false.
   */
  views?: boolean;
}

/**
 * The default nesting limit: deep enough for any Kerberos or SPNEGO message (they need < 20).
 *
 * @example
 * ```ts
 * APReq.decode(bytes, { maxDepth: DEFAULT_MAX_DEPTH / 2 })
 * ```
 */
export const DEFAULT_MAX_DEPTH = 64;

const MAX_MAX_DEPTH = 4096;

/**
 * A cursor over DER bytes. Codecs call {@link DerReader.readHeader} to read one identifier and
 * length, then consume exactly the content. All offsets are absolute in the input given to the
 * constructor, so every {@link DecodeError} points into the outermost bytes.
 *
 * Bounds: `end` is the end of the innermost constructed value being read; a length is checked
 * against `end - pos` before anything else happens, so no allocation is ever sized by an
 * untrusted length field that the input does not back.
 *
 * @example
 * ```ts
 * const r = new DerReader(bytes)
 * const tag = r.readHeader()          // e.g. 0x30 for a SEQUENCE
 * const saved = r.enter()             // content is now the whole readable range
 * while (r.pos < r.end) r.skip()      // skip each element
 * r.leave(saved)
 * ```
 */
export class DerReader {
  /** The whole input. */
  readonly buf: Uint8Array;
  /** The next byte to read. */
  pos: number;
  /** The end of the innermost constructed value (exclusive). */
  end: number;
  /** The current nesting depth of constructed values. */
  depth = 0;
  /** The nesting limit. */
  readonly maxDepth: number;
  /**
   * The field path, one segment per level: the outermost type name, then field names; an
   * element of a SEQUENCE OF is a segment like `[2]`. Codecs push before and pop after.
   */
  readonly path: string[] = [];
  /** The content length of the TLV whose header was read last. */
  len = 0;
  /** The offset of the identifier octet of the TLV whose header was read last. */
  start = 0;

  constructor(bytes: Uint8Array, options: DecodeOptions = {}) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_MAX_DEPTH) {
      throw new RangeError(`maxDepth must be an integer in 1..${MAX_MAX_DEPTH}`);
    }
    // A subclass (Node's buffer class) would make `slice` return views instead of copies: read through a
    // plain Uint8Array over the same memory (no copy).
    this.buf = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.length;
    this.maxDepth = maxDepth;
    this.views = options.views === true;
  }

  /** Whether byte values are views into the input (see {@link DecodeOptions.views}). */
  readonly views: boolean;

  /** The input bytes `[start, end)`, as a copy or a view per {@link DecodeOptions.views}. */
  bytesAt(start: number, end: number): Uint8Array {
    return this.views ? this.buf.subarray(start, end) : this.buf.slice(start, end);
  }

  /** The field path as text: `AP-REQ.ticket.enc-part.cipher`, `KDC-REQ.padata[1].padata-type`. */
  pathString(): string {
    let s = '';
    for (const seg of this.path) s += s === '' || seg.charCodeAt(0) === 0x5b /* [ */ ? seg : `.${seg}`;
    return s;
  }

  /** Throw a {@link DecodeError} at the current path and the given offset (default: `pos`). */
  fail(message: string, offset: number = this.pos): never {
    throw new DecodeError(message, { path: this.pathString(), offset });
  }

  /** Throw the error for a tag that is not the expected one. */
  unexpectedTag(expected: number, found: number, offset: number = this.start): never {
    return this.fail(`expected ${describeTag(expected)}, found ${describeTag(found)}`, offset);
  }

  /**
   * The tag key of the next TLV without consuming it, or -1 at the end of the current range.
   * A malformed identifier throws.
   */
  peekTag(): number {
    const pos = this.pos;
    if (pos >= this.end) return -1;
    const b = this.buf[pos]!;
    if ((b & 0x1f) !== 0x1f) return b;
    const key = this.readTag();
    this.pos = pos;
    return key;
  }

  /** Read an identifier (X.690 §8.1.2) and return its tag key. */
  readTag(): number {
    const start = this.pos;
    if (start >= this.end) this.fail('unexpected end of data, expected a tag', start);
    const b = this.buf[start]!;
    if ((b & 0x1f) !== 0x1f) {
      this.pos = start + 1;
      return b;
    }
    // X.690 §8.1.2.4: high-tag-number form, base 128, bit 8 set on all but the last octet.
    let n = 0;
    let i = start + 1;
    for (let count = 0; ; count++) {
      if (i >= this.end) this.fail('truncated tag', start);
      const c = this.buf[i++]!;
      // X.690 §8.1.2.4.2 c): bits 7-1 of the first subsequent octet shall not all be zero.
      if (count === 0 && c === 0x80) this.fail('tag number not minimally encoded', start);
      if (count === 4) this.fail('tag number too large', start);
      n = n * 128 + (c & 0x7f);
      if ((c & 0x80) === 0) break;
    }
    // X.690 §8.1.2.2 / §8.1.2.4: numbers 0..30 must use the low-tag-number form.
    if (n < 31) this.fail('high-tag-number form used for a tag number below 31', start);
    this.pos = i;
    return b + n * 256;
  }

  /**
   * Read a length (X.690 §8.1.3) in the DER form of §10.1: definite, minimal. The length is
   * checked against the bytes remaining in the current range before it is returned.
   */
  readLength(): number {
    const at = this.pos;
    if (at >= this.end) this.fail('unexpected end of data, expected a length', at);
    const b = this.buf[at]!;
    let len: number;
    let next = at + 1;
    if (b < 0x80) {
      len = b;
    } else {
      // X.690 §10.1: the definite form only; 0x80 is the indefinite form of §8.1.3.6.
      if (b === 0x80) this.fail('indefinite length is not allowed in DER', at);
      // X.690 §8.1.3.5 c): 0xFF shall not be used.
      if (b === 0xff) this.fail('reserved length octet 0xFF', at);
      const n = b & 0x7f;
      // Four octets cover every input that fits in memory; more is hostile.
      if (n > 4) this.fail(`length of ${n} octets is too long`, at);
      if (next + n > this.end) this.fail('truncated length', at);
      // X.690 §10.1: the minimum number of octets, so no leading zero octet ...
      if (this.buf[next] === 0) this.fail('length not minimally encoded (leading zero octet)', at);
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + this.buf[next + k]!;
      // ... and the long form only for lengths of 128 or more.
      if (len < 0x80) this.fail('length not minimally encoded (long form for a length below 128)', at);
      next += n;
    }
    if (len > this.end - next) this.fail(`length ${len} exceeds the ${this.end - next} bytes remaining`, at);
    this.pos = next;
    return len;
  }

  /**
   * Read one identifier and length. Returns the tag key; sets {@link start} and {@link len};
   * leaves {@link pos} at the first content octet.
   */
  readHeader(): number {
    const start = this.pos;
    let tag: number;
    const b = start < this.end ? this.buf[start]! : -1;
    if (b >= 0 && (b & 0x1f) !== 0x1f) {
      tag = b;
      this.pos = start + 1;
    } else {
      tag = this.readTag();
    }
    // Fast path for the short form; the general case goes through readLength.
    const p = this.pos;
    const l = p < this.end ? this.buf[p]! : 0x100;
    if (l < 0x80 && l <= this.end - p - 1) {
      this.pos = p + 1;
      this.len = l;
    } else {
      this.len = this.readLength();
    }
    this.start = start;
    return tag;
  }

  /** Read a header and check that its tag is `expected`; returns the content length. */
  expect(expected: number): number {
    const tag = this.readHeader();
    if (tag !== expected) this.unexpectedTag(expected, tag);
    return this.len;
  }

  /**
   * Make the content of the TLV just read (length {@link len}) the readable range, one level
   * deeper. Returns the previous end, to give to {@link leave}.
   */
  enter(len: number = this.len): number {
    if (this.depth >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`, this.start);
    this.depth++;
    const saved = this.end;
    this.end = this.pos + len;
    return saved;
  }

  /** Leave a constructed value: its content must have been consumed exactly (X.690 §8.1.1). */
  leave(saved: number): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} unexpected bytes at the end of a constructed value`);
    this.end = saved;
    this.depth--;
  }

  /** Skip one whole TLV (header checked, content not interpreted). */
  skip(): void {
    this.readHeader();
    this.pos += this.len;
  }

  /** `len` bytes at `pos` (a copy, or a view with `views`), advancing past them (bounds already checked by the header). */
  copy(len: number): Uint8Array {
    const p = this.pos;
    this.pos = p + len;
    return this.bytesAt(p, p + len);
  }
}
