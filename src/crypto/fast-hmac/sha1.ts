/** SHA-1 for the prepared HMAC (see common.ts). @module */
import { store32, storeBitLength, wordsToBytes, zero, type PreparedHmac } from './common.js';

// ---------------------------------------------------------------------------------------------
// SHA-1 (FIPS 180-4 sections 4.1.1, 4.2.1, 5.3.1, 6.1)

/** FIPS 180-4 section 5.3.1: the initial hash value H(0). */
export const SHA1_IV: Int32Array = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);

/** Scratch: the running hash value. */
const SHA1_H = new Int32Array(5);
/** Scratch: the block holding a partial block of message, then the padding. */
export const SHA1_BUF: Uint8Array = new Uint8Array(64);
/** SHA1_BUF as 32-bit words, for {@link zero}. */
const SHA1_BUF32 = new Int32Array(SHA1_BUF.buffer);
/**
 * Scratch: the outer hash's only block, H(K ⊕ opad ‖ inner digest) after the opad block: the
 * 20-byte inner digest (written per call), then the constant padding for a 64 + 20-byte message.
 */
const SHA1_OUTER = new Uint8Array(64);
SHA1_OUTER[20] = 0x80;
storeBitLength(SHA1_OUTER, 64, 64 + 20);

/**
 * The SHA-1 compression function (FIPS 180-4 section 6.1.2), applied to each 64-byte block of
 * `m[off..end)` in turn (`end - off` a multiple of 64), updating the hash value `h` in place.
 *
 * Fully unrolled, which V8 runs about twice as fast as the loop form: the message schedule lives
 * in 16 locals w0..w15 used as a ring (Wt overwrites Wt−16, step 1), and instead of shifting the
 * working variables each round (step 3's e = d, d = c, …) the names rotate: round t computes the
 * new `a` into the variable that held `e`, and rotates `b` in place (c = ROTL^30(b)). The
 * functions f_t and constants K_t are those of sections 4.1.1 and 4.2.1; Ch is computed as
 * z ⊕ (x ∧ (y ⊕ z)) and Maj as (x ∧ y) ∨ (z ∧ (x ∨ y)). K_t above 2^31 are written `(K | 0)` so
 * that each sum stays in int32 arithmetic. T = ROTL^5(a) + f_t(b, c, d) + e + K_t + W_t is summed
 * as e + K_t + W_t + f_t + ROTL^5(a), the term that waits on the previous round last.
 */
export function sha1Blocks(h: Int32Array, m: Uint8Array, off: number, end: number): void {
  let h0 = h[0]!,
    h1 = h[1]!,
    h2 = h[2]!,
    h3 = h[3]!,
    h4 = h[4]!;
  let w0 = 0,
    w1 = 0,
    w2 = 0,
    w3 = 0,
    w4 = 0,
    w5 = 0,
    w6 = 0,
    w7 = 0;
  let w8 = 0,
    w9 = 0,
    w10 = 0,
    w11 = 0,
    w12 = 0,
    w13 = 0,
    w14 = 0,
    w15 = 0;
  while (off < end) {
    // Step 2: initialize the working variables.
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4;
    // Rounds 0–19: f = Ch, K = 0x5a827999.
    w0 = (m[off]! << 24) | (m[off + 1]! << 16) | (m[off + 2]! << 8) | m[off + 3]!;
    e = (e + 0x5a827999 + w0 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w1 = (m[off + 4]! << 24) | (m[off + 5]! << 16) | (m[off + 6]! << 8) | m[off + 7]!;
    d = (d + 0x5a827999 + w1 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w2 = (m[off + 8]! << 24) | (m[off + 9]! << 16) | (m[off + 10]! << 8) | m[off + 11]!;
    c = (c + 0x5a827999 + w2 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w3 = (m[off + 12]! << 24) | (m[off + 13]! << 16) | (m[off + 14]! << 8) | m[off + 15]!;
    b = (b + 0x5a827999 + w3 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w4 = (m[off + 16]! << 24) | (m[off + 17]! << 16) | (m[off + 18]! << 8) | m[off + 19]!;
    a = (a + 0x5a827999 + w4 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w5 = (m[off + 20]! << 24) | (m[off + 21]! << 16) | (m[off + 22]! << 8) | m[off + 23]!;
    e = (e + 0x5a827999 + w5 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w6 = (m[off + 24]! << 24) | (m[off + 25]! << 16) | (m[off + 26]! << 8) | m[off + 27]!;
    d = (d + 0x5a827999 + w6 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w7 = (m[off + 28]! << 24) | (m[off + 29]! << 16) | (m[off + 30]! << 8) | m[off + 31]!;
    c = (c + 0x5a827999 + w7 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w8 = (m[off + 32]! << 24) | (m[off + 33]! << 16) | (m[off + 34]! << 8) | m[off + 35]!;
    b = (b + 0x5a827999 + w8 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w9 = (m[off + 36]! << 24) | (m[off + 37]! << 16) | (m[off + 38]! << 8) | m[off + 39]!;
    a = (a + 0x5a827999 + w9 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w10 = (m[off + 40]! << 24) | (m[off + 41]! << 16) | (m[off + 42]! << 8) | m[off + 43]!;
    e = (e + 0x5a827999 + w10 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w11 = (m[off + 44]! << 24) | (m[off + 45]! << 16) | (m[off + 46]! << 8) | m[off + 47]!;
    d = (d + 0x5a827999 + w11 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w12 = (m[off + 48]! << 24) | (m[off + 49]! << 16) | (m[off + 50]! << 8) | m[off + 51]!;
    c = (c + 0x5a827999 + w12 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w13 = (m[off + 52]! << 24) | (m[off + 53]! << 16) | (m[off + 54]! << 8) | m[off + 55]!;
    b = (b + 0x5a827999 + w13 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w14 = (m[off + 56]! << 24) | (m[off + 57]! << 16) | (m[off + 58]! << 8) | m[off + 59]!;
    a = (a + 0x5a827999 + w14 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w15 = (m[off + 60]! << 24) | (m[off + 61]! << 16) | (m[off + 62]! << 8) | m[off + 63]!;
    e = (e + 0x5a827999 + w15 + (d ^ (b & (c ^ d))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    d = (d + 0x5a827999 + w0 + (c ^ (a & (b ^ c))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    c = (c + 0x5a827999 + w1 + (b ^ (e & (a ^ b))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    b = (b + 0x5a827999 + w2 + (a ^ (d & (e ^ a))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    a = (a + 0x5a827999 + w3 + (e ^ (c & (d ^ e))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // Rounds 20–39: f = Parity, K = 0x6ed9eba1.
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    e = (e + 0x6ed9eba1 + w4 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    d = (d + 0x6ed9eba1 + w5 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    c = (c + 0x6ed9eba1 + w6 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    b = (b + 0x6ed9eba1 + w7 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    a = (a + 0x6ed9eba1 + w8 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    e = (e + 0x6ed9eba1 + w9 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    d = (d + 0x6ed9eba1 + w10 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    c = (c + 0x6ed9eba1 + w11 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    b = (b + 0x6ed9eba1 + w12 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    a = (a + 0x6ed9eba1 + w13 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    e = (e + 0x6ed9eba1 + w14 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    d = (d + 0x6ed9eba1 + w15 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    c = (c + 0x6ed9eba1 + w0 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    b = (b + 0x6ed9eba1 + w1 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    a = (a + 0x6ed9eba1 + w2 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    e = (e + 0x6ed9eba1 + w3 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    d = (d + 0x6ed9eba1 + w4 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    c = (c + 0x6ed9eba1 + w5 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    b = (b + 0x6ed9eba1 + w6 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    a = (a + 0x6ed9eba1 + w7 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // Rounds 40–59: f = Maj, K = 0x8f1bbcdc.
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    e = (e + (0x8f1bbcdc | 0) + w8 + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    d = (d + (0x8f1bbcdc | 0) + w9 + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    c = (c + (0x8f1bbcdc | 0) + w10 + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    b = (b + (0x8f1bbcdc | 0) + w11 + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    a = (a + (0x8f1bbcdc | 0) + w12 + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    e = (e + (0x8f1bbcdc | 0) + w13 + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    d = (d + (0x8f1bbcdc | 0) + w14 + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    c = (c + (0x8f1bbcdc | 0) + w15 + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    b = (b + (0x8f1bbcdc | 0) + w0 + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    a = (a + (0x8f1bbcdc | 0) + w1 + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    e = (e + (0x8f1bbcdc | 0) + w2 + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    d = (d + (0x8f1bbcdc | 0) + w3 + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    c = (c + (0x8f1bbcdc | 0) + w4 + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    b = (b + (0x8f1bbcdc | 0) + w5 + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    a = (a + (0x8f1bbcdc | 0) + w6 + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    e = (e + (0x8f1bbcdc | 0) + w7 + ((b & c) | (d & (b | c))) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    d = (d + (0x8f1bbcdc | 0) + w8 + ((a & b) | (c & (a | b))) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    c = (c + (0x8f1bbcdc | 0) + w9 + ((e & a) | (b & (e | a))) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    b = (b + (0x8f1bbcdc | 0) + w10 + ((d & e) | (a & (d | e))) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    a = (a + (0x8f1bbcdc | 0) + w11 + ((c & d) | (e & (c | d))) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // Rounds 60–79: f = Parity, K = 0xca62c1d6.
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    e = (e + (0xca62c1d6 | 0) + w12 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    d = (d + (0xca62c1d6 | 0) + w13 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    c = (c + (0xca62c1d6 | 0) + w14 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    b = (b + (0xca62c1d6 | 0) + w15 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w0 ^= w13 ^ w8 ^ w2;
    w0 = (w0 << 1) | (w0 >>> 31);
    a = (a + (0xca62c1d6 | 0) + w0 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w1 ^= w14 ^ w9 ^ w3;
    w1 = (w1 << 1) | (w1 >>> 31);
    e = (e + (0xca62c1d6 | 0) + w1 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w2 ^= w15 ^ w10 ^ w4;
    w2 = (w2 << 1) | (w2 >>> 31);
    d = (d + (0xca62c1d6 | 0) + w2 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w3 ^= w0 ^ w11 ^ w5;
    w3 = (w3 << 1) | (w3 >>> 31);
    c = (c + (0xca62c1d6 | 0) + w3 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w4 ^= w1 ^ w12 ^ w6;
    w4 = (w4 << 1) | (w4 >>> 31);
    b = (b + (0xca62c1d6 | 0) + w4 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w5 ^= w2 ^ w13 ^ w7;
    w5 = (w5 << 1) | (w5 >>> 31);
    a = (a + (0xca62c1d6 | 0) + w5 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w6 ^= w3 ^ w14 ^ w8;
    w6 = (w6 << 1) | (w6 >>> 31);
    e = (e + (0xca62c1d6 | 0) + w6 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w7 ^= w4 ^ w15 ^ w9;
    w7 = (w7 << 1) | (w7 >>> 31);
    d = (d + (0xca62c1d6 | 0) + w7 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w8 ^= w5 ^ w0 ^ w10;
    w8 = (w8 << 1) | (w8 >>> 31);
    c = (c + (0xca62c1d6 | 0) + w8 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w9 ^= w6 ^ w1 ^ w11;
    w9 = (w9 << 1) | (w9 >>> 31);
    b = (b + (0xca62c1d6 | 0) + w9 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w10 ^= w7 ^ w2 ^ w12;
    w10 = (w10 << 1) | (w10 >>> 31);
    a = (a + (0xca62c1d6 | 0) + w10 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    w11 ^= w8 ^ w3 ^ w13;
    w11 = (w11 << 1) | (w11 >>> 31);
    e = (e + (0xca62c1d6 | 0) + w11 + (b ^ c ^ d) + ((a << 5) | (a >>> 27))) | 0;
    b = (b << 30) | (b >>> 2);
    w12 ^= w9 ^ w4 ^ w14;
    w12 = (w12 << 1) | (w12 >>> 31);
    d = (d + (0xca62c1d6 | 0) + w12 + (a ^ b ^ c) + ((e << 5) | (e >>> 27))) | 0;
    a = (a << 30) | (a >>> 2);
    w13 ^= w10 ^ w5 ^ w15;
    w13 = (w13 << 1) | (w13 >>> 31);
    c = (c + (0xca62c1d6 | 0) + w13 + (e ^ a ^ b) + ((d << 5) | (d >>> 27))) | 0;
    e = (e << 30) | (e >>> 2);
    w14 ^= w11 ^ w6 ^ w0;
    w14 = (w14 << 1) | (w14 >>> 31);
    b = (b + (0xca62c1d6 | 0) + w14 + (d ^ e ^ a) + ((c << 5) | (c >>> 27))) | 0;
    d = (d << 30) | (d >>> 2);
    w15 ^= w12 ^ w7 ^ w1;
    w15 = (w15 << 1) | (w15 >>> 31);
    a = (a + (0xca62c1d6 | 0) + w15 + (c ^ d ^ e) + ((b << 5) | (b >>> 27))) | 0;
    c = (c << 30) | (c >>> 2);
    // Step 4: the intermediate hash value.
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    off += 64;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
}

/**
 * Feeds `src` into a SHA-1 computation whose partial block is `buf[0..pos)`: tops up and
 * compresses the partial block, compresses whole blocks straight from `src`, and keeps the rest.
 * Returns the new partial length.
 */
function sha1Absorb(h: Int32Array, buf: Uint8Array, pos: number, src: Uint8Array): number {
  const n = src.length;
  let i = 0;
  if (pos > 0) {
    while (pos < 64 && i < n) buf[pos++] = src[i++]!;
    if (pos < 64) return pos;
    sha1Blocks(h, buf, 0, 64);
    pos = 0;
  }
  const whole = i + ((n - i) & ~63);
  if (whole > i) {
    sha1Blocks(h, src, i, whole);
    i = whole;
  }
  while (i < n) buf[pos++] = src[i++]!;
  return pos;
}

/**
 * Finishes a SHA-1 computation on `h` over `prefix` bytes already compressed and then `data ‖ more`
 * (FIPS 180-4 section 5.1.1 padding: 0x80, zeros, the 64-bit bit length). The digest is left in
 * `h`.
 */
export function sha1Finish(h: Int32Array, prefix: number, data: Uint8Array, more: Uint8Array | undefined): void {
  const buf = SHA1_BUF;
  let pos = sha1Absorb(h, buf, 0, data);
  let len = prefix + data.length;
  if (more !== undefined) {
    pos = sha1Absorb(h, buf, pos, more);
    len += more.length;
  }
  buf[pos++] = 0x80;
  if (pos > 56) {
    zero(buf, SHA1_BUF32, pos, 64);
    sha1Blocks(h, buf, 0, 64);
    pos = 0;
  }
  zero(buf, SHA1_BUF32, pos, 56);
  storeBitLength(buf, 64, len);
  sha1Blocks(h, buf, 0, 64);
}

/** HMAC-SHA-1 with the key's ipad and opad states precomputed. */
export class Sha1Hmac implements PreparedHmac {
  /** The hash value after the block K ⊕ ipad. */
  readonly #inner: Int32Array;
  /** The hash value after the block K ⊕ opad. */
  readonly #outer: Int32Array;

  constructor(inner: Int32Array, outer: Int32Array) {
    this.#inner = inner;
    this.#outer = outer;
  }

  mac(data: Uint8Array, more?: Uint8Array): Uint8Array {
    const h = SHA1_H;
    const s = this.#inner;
    h[0] = s[0]!;
    h[1] = s[1]!;
    h[2] = s[2]!;
    h[3] = s[3]!;
    h[4] = s[4]!;
    sha1Finish(h, 64, data, more);
    // The buffer held the message's last partial block: plaintext, for RFC 3962. Wipe it.
    SHA1_BUF32.fill(0);
    // RFC 2104 steps (5)–(7): H(K ⊕ opad ‖ inner digest), one block after the opad block.
    const ob = SHA1_OUTER;
    store32(ob, 0, h[0]!);
    store32(ob, 4, h[1]!);
    store32(ob, 8, h[2]!);
    store32(ob, 12, h[3]!);
    store32(ob, 16, h[4]!);
    return this.#finishOuter(h);
  }

  outer(innerDigest: Uint8Array): Uint8Array {
    SHA1_OUTER.set(innerDigest.subarray(0, 20));
    return this.#finishOuter(SHA1_H);
  }

  #finishOuter(h: Int32Array): Uint8Array {
    const o = this.#outer;
    h[0] = o[0]!;
    h[1] = o[1]!;
    h[2] = o[2]!;
    h[3] = o[3]!;
    h[4] = o[4]!;
    sha1Blocks(h, SHA1_OUTER, 0, 64);
    return wordsToBytes(h, 5);
  }
}
