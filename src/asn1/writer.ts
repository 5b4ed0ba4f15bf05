/**
 * The byte-level DER writer. It writes back to front: a value's content is written first, then
 * its length (now known) and its tag in front of it. Every byte is written exactly once and
 * never moved by a length patch, so encoding is linear in the output size; the buffer grows
 * by doubling (amortised copies stay below twice the output size).
 *
 * A top-level encode borrows one module-wide buffer ({@link DerWriter.borrow}) instead of
 * allocating and growing its own: in V8 a typed array over 64 bytes has an off-heap backing
 * store, ~1 µs to make, so a 1.6 KB AP-REQ written into a fresh 256-byte buffer paid for four
 * arrays (three growths and the result); borrowed, it pays for the result alone. An encode nested
 * inside another (a codec that encodes a part separately) finds the buffer lent out and uses a
 * fresh one, as before.
 * @module
 */

/** The buffer lent to one writer at a time; undefined while it is lent out. */
let spare: Uint8Array | undefined = new Uint8Array(4096);
/** A buffer grown beyond this is not kept (one huge message does not pin its size). */
const SPARE_MAX = 64 * 1024;

/**
 * A growable buffer filled from the end towards the start.
 *
 * Codecs write a TLV by writing its content, then calling {@link DerWriter.header} with the
 * number of bytes the content took; a SEQUENCE writes its fields last to first.
 *
 * @example
 * ```ts
 * const w = new DerWriter()
 * const mark = w.size
 * w.byte(0x05)                               // content of INTEGER 5
 * w.header(0x02, w.size - mark)              // 02 01 05
 * w.finish()                                 // Uint8Array [2, 1, 5]
 * ```
 */
const BORROW = -1;
const EMPTY = new Uint8Array(0);

export class DerWriter {
  private buf: Uint8Array;
  /** Index of the first written byte in `buf`; data is `buf[pos..buf.length)`. */
  private pos: number;
  /** The field path of the value being written, for the messages of caller errors. */
  readonly path: string[] = [];

  constructor(initialCapacity = 256) {
    // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 16) is NaN, a zero-length buffer that grow() (which doubles) never enlarges; the comparison falls back to 16
    this.buf = initialCapacity === BORROW ? EMPTY : new Uint8Array(initialCapacity > 16 ? initialCapacity : 16);
    this.pos = this.buf.length;
  }

  /**
   * A writer over the module's shared buffer when it is free (else over a fresh one); give it
   * back with {@link giveBack} once {@link finish} has copied the result out. Encoding is
   * synchronous, so the buffer is never written by two encodes at once.
   */
  static borrow(): DerWriter {
    const w = new DerWriter(BORROW);
    const b = spare;
    spare = undefined;
    w.buf = b ?? new Uint8Array(4096);
    w.pos = w.buf.length;
    w.#borrowed = b !== undefined;
    return w;
  }

  #borrowed = false;

  /** Wipes what was written (messages carry keys) and returns the shared buffer; the writer is spent. */
  giveBack(): void {
    if (!this.#borrowed) return;
    this.#borrowed = false;
    const b = this.buf;
    b.fill(0, this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    if (b.length <= SPARE_MAX) spare = b;
    else spare = new Uint8Array(4096);
  }

  /** The number of bytes written so far. */
  get size(): number {
    return this.buf.length - this.pos;
  }

  private grow(need: number): void {
    const size = this.buf.length - this.pos;
    let cap = this.buf.length * 2;
    while (cap - size < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(this.pos), cap - size);
    if (this.#borrowed) this.buf.fill(0, this.pos); // the shared buffer is dropped: wipe it
    this.buf = next;
    this.pos = cap - size;
  }

  /** Prepend one byte. */
  byte(b: number): void {
    if (this.pos < 1) this.grow(1);
    this.buf[--this.pos] = b;
  }

  /** Prepend bytes. */
  bytes(src: Uint8Array): void {
    const n = src.length;
    if (this.pos < n) this.grow(n);
    this.pos -= n;
    this.buf.set(src, this.pos);
  }

  /** Reserve `n` bytes in front and return their offset in {@link buffer} (for in-place fills). */
  reserve(n: number): number {
    if (this.pos < n) this.grow(n);
    this.pos -= n;
    return this.pos;
  }

  /** The current backing buffer (valid until the next write). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Prepend a length in the DER form (X.690 §10.1: definite, minimal number of octets). */
  length(len: number): void {
    if (len < 0x80) {
      this.byte(len);
      return;
    }
    let n = 0;
    for (let v = len; v > 0; v = Math.floor(v / 256)) {
      this.byte(v & 0xff);
      n++;
    }
    this.byte(0x80 | n);
  }

  /** Prepend an identifier for a tag key (X.690 §8.1.2; high-tag-number form for >= 31). */
  tag(key: number): void {
    if (key < 0x100) {
      this.byte(key);
      return;
    }
    let n = Math.floor(key / 256);
    // X.690 §8.1.2.4.2: base 128, most significant first, bit 8 set on all but the last octet.
    this.byte(n & 0x7f);
    for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) this.byte(0x80 | (n & 0x7f));
    this.byte(key & 0xff);
  }

  /** Prepend the identifier and length of a TLV whose content (`contentLength` bytes) is written. */
  header(key: number, contentLength: number): void {
    if (key < 0x100 && contentLength < 0x80 && this.pos >= 2) {
      this.buf[--this.pos] = contentLength;
      this.buf[--this.pos] = key;
      return;
    }
    this.length(contentLength);
    this.tag(key);
  }

  /** The field path as text, for error messages. */
  pathString(): string {
    let s = '';
    for (const seg of this.path) s += s === '' || seg.charCodeAt(0) === 0x5b ? seg : `.${seg}`;
    return s;
  }

  /** A `TypeError` for a value of the wrong type at the current path. */
  typeError(message: string): TypeError {
    const at = this.pathString();
    return new TypeError(at ? `${message} (at ${at})` : message);
  }

  /** A `RangeError` for a value out of range at the current path. */
  rangeError(message: string): RangeError {
    const at = this.pathString();
    return new RangeError(at ? `${message} (at ${at})` : message);
  }

  /** The bytes written, as a new exactly-sized array. */
  finish(): Uint8Array {
    return this.buf.slice(this.pos);
  }
}
