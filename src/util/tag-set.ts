/**
 * A set of 12-byte tags (three 32-bit words) in one typed array: open addressing with linear
 * probing, a power-of-two capacity kept at most half full, 16 bytes a slot — no object per
 * entry, so a million entries cost the garbage collector nothing to trace. The replay caches
 * keep the tags of live authenticators in these (MIT's rcache2 keeps the same 12-byte tags).
 *
 * Entries are never removed one by one: a replay cache drops a whole set when its time bucket
 * has expired. The slot is chosen by a keyed mix of all 96 bits with a per-set random seed, so
 * a client that grinds authenticators to steer their tags cannot aim them at one slot.
 * @module
 */

const MIN_CAPACITY = 64;

/** A set of 96-bit tags. */
export class TagSet {
  /** Per slot: the three words of the tag, then 1 when the slot is used. */
  #slots: Uint32Array;
  #mask: number;
  #size = 0;
  readonly #s0: number;
  readonly #s1: number;
  readonly #s2: number;

  /** `seed`: three random words (the caller's randomness: this layer has none of its own). */
  constructor(seed: readonly [number, number, number], capacity = MIN_CAPACITY) {
    let c = MIN_CAPACITY;
    while (c < capacity) c *= 2;
    this.#slots = new Uint32Array(c * 4);
    this.#mask = c - 1;
    this.#s0 = seed[0] >>> 0;
    this.#s1 = seed[1] >>> 0;
    this.#s2 = seed[2] >>> 0;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table (its typed array). */
  get bytes(): number {
    return this.#slots.byteLength;
  }

  #hash(a: number, b: number, c: number): number {
    // murmur3's finaliser over the three words, each keyed by the seed
    let h = Math.imul((a ^ this.#s0) >>> 0, 0xcc9e2d51);
    h ^= h >>> 15;
    h = Math.imul(h ^ (b ^ this.#s1), 0x1b873593);
    h ^= h >>> 13;
    h = Math.imul(h ^ (c ^ this.#s2), 0x85ebca6b);
    h ^= h >>> 16;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  /** The slot holding the tag, or the empty slot where it would go (as a negative index − 1). */
  #find(a: number, b: number, c: number): number {
    const s = this.#slots;
    const mask = this.#mask;
    let i = this.#hash(a, b, c) & mask;
    for (;;) {
      const o = i * 4;
      if (s[o + 3] === 0) return -1 - i;
      if (s[o] === a && s[o + 1] === b && s[o + 2] === c) return i;
      i = (i + 1) & mask;
    }
  }

  /** Whether the tag is in the set. */
  has(a: number, b: number, c: number): boolean {
    return this.#find(a >>> 0, b >>> 0, c >>> 0) >= 0;
  }

  /** Adds the tag; true when it was not there before. */
  add(a: number, b: number, c: number): boolean {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    const f = this.#find(a, b, c);
    if (f >= 0) return false;
    if ((this.#size + 1) * 2 > this.#mask + 1) {
      this.#grow();
      return this.add(a, b, c);
    }
    const o = (-1 - f) * 4;
    const s = this.#slots;
    s[o] = a;
    s[o + 1] = b;
    s[o + 2] = c;
    s[o + 3] = 1;
    this.#size++;
    return true;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = (this.#slots.length >>> 2) - 1;
    this.#size = 0;
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 3] !== 0) this.add(old[o]!, old[o + 1]!, old[o + 2]!);
    }
  }
}

/** The three big-endian words of a 12-byte tag at `offset`. */
export function tagWords(tag: Uint8Array, offset = 0): [number, number, number] {
  const w = (i: number) => ((tag[offset + i]! << 24) | (tag[offset + i + 1]! << 16) | (tag[offset + i + 2]! << 8) | tag[offset + i + 3]!) >>> 0;
  return [w(0), w(4), w(8)];
}
