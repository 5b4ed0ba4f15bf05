/** SHA-384 on the SHA-512 core, for the prepared HMAC (see common.ts). @module */
import { store32, storeBitLength, TWO_M32, wordsToBytes, zero, type PreparedHmac } from './common.js';

// ---------------------------------------------------------------------------------------------
// SHA-384 on the SHA-512 core (FIPS 180-4 sections 4.1.3, 5.3.4, 6.4, 6.5), 64-bit words as
// (high, low) pairs of int32 at even/odd indices

/**
 * FIPS 180-4 section 4.2.3: K0..K79 of SHA-384/512, each as (high 32 bits, low 32 bits): the first
 * 64 bits of the fractional parts of the cube roots of the first 80 primes.
 */
const SHA512_K = new Int32Array([
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc, 0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b,
  0xab1c5ed5, 0xda6d8118, 0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2, 0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1,
  0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694, 0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65, 0x2de92c6f, 0x592b0275,
  0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5, 0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
  0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70, 0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed,
  0x53380d13, 0x9d95b3df, 0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b, 0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001,
  0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30, 0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8, 0x19a4c116, 0xb8d2d0c8,
  0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8, 0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
  0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec, 0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915,
  0xc67178f2, 0xe372532b, 0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178, 0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6,
  0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b, 0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c, 0x4cc5d4be, 0xcb3e42b6,
  0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);

/** FIPS 180-4 section 5.3.4: the SHA-384 initial hash value H(0). */
export const SHA384_IV: Int32Array = new Int32Array([
  0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17, 0x152fecd8, 0xf70e5939, 0x67332667, 0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d, 0x64f98fa7,
  0x47b5481d, 0xbefa4fa4,
]);

/** Scratch: the message schedule W0..W79 as (high, low) pairs. */
export const SHA512_W: Int32Array = new Int32Array(160);
const SHA512_H = new Int32Array(16);
export const SHA512_BUF: Uint8Array = new Uint8Array(128);
const SHA512_BUF32 = new Int32Array(SHA512_BUF.buffer);
/** The outer block: 48-byte inner digest, then the padding for a 128 + 48-byte message. */
const SHA384_OUTER = new Uint8Array(128);
SHA384_OUTER[48] = 0x80;
storeBitLength(SHA384_OUTER, 128, 128 + 48);

/**
 * The SHA-512 compression function (FIPS 180-4 section 6.4.2) over the 128-byte blocks of
 * `m[off..end)`. 64-bit rotations ROTR^n (section 3.2) are done on the halves: for n < 32,
 * hi' = hi >>> n | lo << (32 − n) and lo' = lo >>> n | hi << (32 − n); for n ≥ 32 the halves swap
 * roles with n − 32. Additions mod 2^64 sum the low halves as unsigned numbers (exact below 2^53)
 * and carry (sum · 2^−32) into the high half.
 */
export function sha512Blocks(h: Int32Array, m: Uint8Array, off: number, end: number): void {
  const w = SHA512_W;
  const k = SHA512_K;
  let s = 0,
    t1h = 0,
    t1l = 0,
    s0h = 0,
    s0l = 0,
    s1h = 0,
    s1l = 0,
    chh = 0,
    chl = 0;
  let h0h = h[0]!,
    h0l = h[1]!,
    h1h = h[2]!,
    h1l = h[3]!,
    h2h = h[4]!,
    h2l = h[5]!,
    h3h = h[6]!,
    h3l = h[7]!;
  let h4h = h[8]!,
    h4l = h[9]!,
    h5h = h[10]!,
    h5l = h[11]!,
    h6h = h[12]!,
    h6l = h[13]!,
    h7h = h[14]!,
    h7l = h[15]!;
  while (off < end) {
    // Step 1: W0..W15 from the block (each 64-bit word big-endian: high half first), then
    // Wt = σ1(Wt−2) + Wt−7 + σ0(Wt−15) + Wt−16 with σ0 = ROTR1 ⊕ ROTR8 ⊕ SHR7 (4.12) and
    // σ1 = ROTR19 ⊕ ROTR61 ⊕ SHR6 (4.13).
    for (let i = 0; i < 32; i++, off += 4) {
      w[i] = (m[off]! << 24) | (m[off + 1]! << 16) | (m[off + 2]! << 8) | m[off + 3]!;
    }
    for (let i = 32; i < 160; i += 2) {
      const xh = w[i - 30]!,
        xl = w[i - 29]!; // Wt−15
      const yh = w[i - 4]!,
        yl = w[i - 3]!; // Wt−2
      s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
      s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
      s = (s1l >>> 0) + (w[i - 13]! >>> 0) + (s0l >>> 0) + (w[i - 31]! >>> 0);
      w[i] = (s1h + w[i - 14]! + s0h + w[i - 32]! + ((s * TWO_M32) | 0)) | 0;
      w[i + 1] = s | 0;
    }
    // Steps 2–3: 80 rounds with Σ0 = ROTR28 ⊕ ROTR34 ⊕ ROTR39 (4.10), Σ1 = ROTR14 ⊕ ROTR18 ⊕ ROTR41
    // (4.11), and Ch, Maj (4.8), (4.9) applied to each half.
    let ah = h0h,
      al = h0l,
      bh = h1h,
      bl = h1l,
      ch = h2h,
      cl = h2l,
      dh = h3h,
      dl = h3l;
    let eh = h4h,
      el = h4l,
      fh = h5h,
      fl = h5l,
      gh = h6h,
      gl = h6l,
      hh = h7h,
      hl = h7l;
    // Eight rounds per iteration with the names rotating as in sha256Blocks (each round writes
    // only d += T1 and h = T1 + T2); i indexes the (high, low) pairs of K and W.
    for (let i = 0; i < 160; i += 16) {
      // Round i/2 + 0: d += T1, h = T1 + T2.
      s1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
      s1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
      chh = gh ^ (eh & (fh ^ gh));
      chl = gl ^ (el & (fl ^ gl));
      s = (hl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 1]! >>> 0) + (w[i + 1]! >>> 0);
      t1h = (hh + s1h + chh + k[i]! + w[i]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (dl >>> 0) + (t1l >>> 0);
      dh = (dh + t1h + ((s * TWO_M32) | 0)) | 0;
      dl = s | 0;
      s0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
      s0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((al & bl) | (cl & (al | bl))) >>> 0);
      hh = (t1h + s0h + ((ah & bh) | (ch & (ah | bh))) + ((s * TWO_M32) | 0)) | 0;
      hl = s | 0;
      // Round i/2 + 1: c += T1, g = T1 + T2.
      s1h = ((dh >>> 14) | (dl << 18)) ^ ((dh >>> 18) | (dl << 14)) ^ ((dl >>> 9) | (dh << 23));
      s1l = ((dl >>> 14) | (dh << 18)) ^ ((dl >>> 18) | (dh << 14)) ^ ((dh >>> 9) | (dl << 23));
      chh = fh ^ (dh & (eh ^ fh));
      chl = fl ^ (dl & (el ^ fl));
      s = (gl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 3]! >>> 0) + (w[i + 3]! >>> 0);
      t1h = (gh + s1h + chh + k[i + 2]! + w[i + 2]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (cl >>> 0) + (t1l >>> 0);
      ch = (ch + t1h + ((s * TWO_M32) | 0)) | 0;
      cl = s | 0;
      s0h = ((hh >>> 28) | (hl << 4)) ^ ((hl >>> 2) | (hh << 30)) ^ ((hl >>> 7) | (hh << 25));
      s0l = ((hl >>> 28) | (hh << 4)) ^ ((hh >>> 2) | (hl << 30)) ^ ((hh >>> 7) | (hl << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((hl & al) | (bl & (hl | al))) >>> 0);
      gh = (t1h + s0h + ((hh & ah) | (bh & (hh | ah))) + ((s * TWO_M32) | 0)) | 0;
      gl = s | 0;
      // Round i/2 + 2: b += T1, f = T1 + T2.
      s1h = ((ch >>> 14) | (cl << 18)) ^ ((ch >>> 18) | (cl << 14)) ^ ((cl >>> 9) | (ch << 23));
      s1l = ((cl >>> 14) | (ch << 18)) ^ ((cl >>> 18) | (ch << 14)) ^ ((ch >>> 9) | (cl << 23));
      chh = eh ^ (ch & (dh ^ eh));
      chl = el ^ (cl & (dl ^ el));
      s = (fl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 5]! >>> 0) + (w[i + 5]! >>> 0);
      t1h = (fh + s1h + chh + k[i + 4]! + w[i + 4]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (bl >>> 0) + (t1l >>> 0);
      bh = (bh + t1h + ((s * TWO_M32) | 0)) | 0;
      bl = s | 0;
      s0h = ((gh >>> 28) | (gl << 4)) ^ ((gl >>> 2) | (gh << 30)) ^ ((gl >>> 7) | (gh << 25));
      s0l = ((gl >>> 28) | (gh << 4)) ^ ((gh >>> 2) | (gl << 30)) ^ ((gh >>> 7) | (gl << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((gl & hl) | (al & (gl | hl))) >>> 0);
      fh = (t1h + s0h + ((gh & hh) | (ah & (gh | hh))) + ((s * TWO_M32) | 0)) | 0;
      fl = s | 0;
      // Round i/2 + 3: a += T1, e = T1 + T2.
      s1h = ((bh >>> 14) | (bl << 18)) ^ ((bh >>> 18) | (bl << 14)) ^ ((bl >>> 9) | (bh << 23));
      s1l = ((bl >>> 14) | (bh << 18)) ^ ((bl >>> 18) | (bh << 14)) ^ ((bh >>> 9) | (bl << 23));
      chh = dh ^ (bh & (ch ^ dh));
      chl = dl ^ (bl & (cl ^ dl));
      s = (el >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 7]! >>> 0) + (w[i + 7]! >>> 0);
      t1h = (eh + s1h + chh + k[i + 6]! + w[i + 6]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (al >>> 0) + (t1l >>> 0);
      ah = (ah + t1h + ((s * TWO_M32) | 0)) | 0;
      al = s | 0;
      s0h = ((fh >>> 28) | (fl << 4)) ^ ((fl >>> 2) | (fh << 30)) ^ ((fl >>> 7) | (fh << 25));
      s0l = ((fl >>> 28) | (fh << 4)) ^ ((fh >>> 2) | (fl << 30)) ^ ((fh >>> 7) | (fl << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((fl & gl) | (hl & (fl | gl))) >>> 0);
      eh = (t1h + s0h + ((fh & gh) | (hh & (fh | gh))) + ((s * TWO_M32) | 0)) | 0;
      el = s | 0;
      // Round i/2 + 4: h += T1, d = T1 + T2.
      s1h = ((ah >>> 14) | (al << 18)) ^ ((ah >>> 18) | (al << 14)) ^ ((al >>> 9) | (ah << 23));
      s1l = ((al >>> 14) | (ah << 18)) ^ ((al >>> 18) | (ah << 14)) ^ ((ah >>> 9) | (al << 23));
      chh = ch ^ (ah & (bh ^ ch));
      chl = cl ^ (al & (bl ^ cl));
      s = (dl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 9]! >>> 0) + (w[i + 9]! >>> 0);
      t1h = (dh + s1h + chh + k[i + 8]! + w[i + 8]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (hl >>> 0) + (t1l >>> 0);
      hh = (hh + t1h + ((s * TWO_M32) | 0)) | 0;
      hl = s | 0;
      s0h = ((eh >>> 28) | (el << 4)) ^ ((el >>> 2) | (eh << 30)) ^ ((el >>> 7) | (eh << 25));
      s0l = ((el >>> 28) | (eh << 4)) ^ ((eh >>> 2) | (el << 30)) ^ ((eh >>> 7) | (el << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((el & fl) | (gl & (el | fl))) >>> 0);
      dh = (t1h + s0h + ((eh & fh) | (gh & (eh | fh))) + ((s * TWO_M32) | 0)) | 0;
      dl = s | 0;
      // Round i/2 + 5: g += T1, c = T1 + T2.
      s1h = ((hh >>> 14) | (hl << 18)) ^ ((hh >>> 18) | (hl << 14)) ^ ((hl >>> 9) | (hh << 23));
      s1l = ((hl >>> 14) | (hh << 18)) ^ ((hl >>> 18) | (hh << 14)) ^ ((hh >>> 9) | (hl << 23));
      chh = bh ^ (hh & (ah ^ bh));
      chl = bl ^ (hl & (al ^ bl));
      s = (cl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 11]! >>> 0) + (w[i + 11]! >>> 0);
      t1h = (ch + s1h + chh + k[i + 10]! + w[i + 10]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (gl >>> 0) + (t1l >>> 0);
      gh = (gh + t1h + ((s * TWO_M32) | 0)) | 0;
      gl = s | 0;
      s0h = ((dh >>> 28) | (dl << 4)) ^ ((dl >>> 2) | (dh << 30)) ^ ((dl >>> 7) | (dh << 25));
      s0l = ((dl >>> 28) | (dh << 4)) ^ ((dh >>> 2) | (dl << 30)) ^ ((dh >>> 7) | (dl << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((dl & el) | (fl & (dl | el))) >>> 0);
      ch = (t1h + s0h + ((dh & eh) | (fh & (dh | eh))) + ((s * TWO_M32) | 0)) | 0;
      cl = s | 0;
      // Round i/2 + 6: f += T1, b = T1 + T2.
      s1h = ((gh >>> 14) | (gl << 18)) ^ ((gh >>> 18) | (gl << 14)) ^ ((gl >>> 9) | (gh << 23));
      s1l = ((gl >>> 14) | (gh << 18)) ^ ((gl >>> 18) | (gh << 14)) ^ ((gh >>> 9) | (gl << 23));
      chh = ah ^ (gh & (hh ^ ah));
      chl = al ^ (gl & (hl ^ al));
      s = (bl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 13]! >>> 0) + (w[i + 13]! >>> 0);
      t1h = (bh + s1h + chh + k[i + 12]! + w[i + 12]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (fl >>> 0) + (t1l >>> 0);
      fh = (fh + t1h + ((s * TWO_M32) | 0)) | 0;
      fl = s | 0;
      s0h = ((ch >>> 28) | (cl << 4)) ^ ((cl >>> 2) | (ch << 30)) ^ ((cl >>> 7) | (ch << 25));
      s0l = ((cl >>> 28) | (ch << 4)) ^ ((ch >>> 2) | (cl << 30)) ^ ((ch >>> 7) | (cl << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((cl & dl) | (el & (cl | dl))) >>> 0);
      bh = (t1h + s0h + ((ch & dh) | (eh & (ch | dh))) + ((s * TWO_M32) | 0)) | 0;
      bl = s | 0;
      // Round i/2 + 7: e += T1, a = T1 + T2.
      s1h = ((fh >>> 14) | (fl << 18)) ^ ((fh >>> 18) | (fl << 14)) ^ ((fl >>> 9) | (fh << 23));
      s1l = ((fl >>> 14) | (fh << 18)) ^ ((fl >>> 18) | (fh << 14)) ^ ((fh >>> 9) | (fl << 23));
      chh = hh ^ (fh & (gh ^ hh));
      chl = hl ^ (fl & (gl ^ hl));
      s = (al >>> 0) + (s1l >>> 0) + (chl >>> 0) + (k[i + 15]! >>> 0) + (w[i + 15]! >>> 0);
      t1h = (ah + s1h + chh + k[i + 14]! + w[i + 14]! + ((s * TWO_M32) | 0)) | 0;
      t1l = s | 0;
      s = (el >>> 0) + (t1l >>> 0);
      eh = (eh + t1h + ((s * TWO_M32) | 0)) | 0;
      el = s | 0;
      s0h = ((bh >>> 28) | (bl << 4)) ^ ((bl >>> 2) | (bh << 30)) ^ ((bl >>> 7) | (bh << 25));
      s0l = ((bl >>> 28) | (bh << 4)) ^ ((bh >>> 2) | (bl << 30)) ^ ((bh >>> 7) | (bl << 25));
      s = (t1l >>> 0) + (s0l >>> 0) + (((bl & cl) | (dl & (bl | cl))) >>> 0);
      ah = (t1h + s0h + ((bh & ch) | (dh & (bh | ch))) + ((s * TWO_M32) | 0)) | 0;
      al = s | 0;
    }
    // Step 4: H(i) = H(i−1) + working variables, mod 2^64 each.
    s = (h0l >>> 0) + (al >>> 0);
    h0h = (h0h + ah + ((s * TWO_M32) | 0)) | 0;
    h0l = s | 0;
    s = (h1l >>> 0) + (bl >>> 0);
    h1h = (h1h + bh + ((s * TWO_M32) | 0)) | 0;
    h1l = s | 0;
    s = (h2l >>> 0) + (cl >>> 0);
    h2h = (h2h + ch + ((s * TWO_M32) | 0)) | 0;
    h2l = s | 0;
    s = (h3l >>> 0) + (dl >>> 0);
    h3h = (h3h + dh + ((s * TWO_M32) | 0)) | 0;
    h3l = s | 0;
    s = (h4l >>> 0) + (el >>> 0);
    h4h = (h4h + eh + ((s * TWO_M32) | 0)) | 0;
    h4l = s | 0;
    s = (h5l >>> 0) + (fl >>> 0);
    h5h = (h5h + fh + ((s * TWO_M32) | 0)) | 0;
    h5l = s | 0;
    s = (h6l >>> 0) + (gl >>> 0);
    h6h = (h6h + gh + ((s * TWO_M32) | 0)) | 0;
    h6l = s | 0;
    s = (h7l >>> 0) + (hl >>> 0);
    h7h = (h7h + hh + ((s * TWO_M32) | 0)) | 0;
    h7l = s | 0;
  }
  h[0] = h0h;
  h[1] = h0l;
  h[2] = h1h;
  h[3] = h1l;
  h[4] = h2h;
  h[5] = h2l;
  h[6] = h3h;
  h[7] = h3l;
  h[8] = h4h;
  h[9] = h4l;
  h[10] = h5h;
  h[11] = h5l;
  h[12] = h6h;
  h[13] = h6l;
  h[14] = h7h;
  h[15] = h7l;
}

/** As {@link sha1Absorb}, for 128-byte SHA-512 blocks. */
function sha512Absorb(h: Int32Array, buf: Uint8Array, pos: number, src: Uint8Array): number {
  const n = src.length;
  let i = 0;
  if (pos > 0) {
    while (pos < 128 && i < n) buf[pos++] = src[i++]!;
    if (pos < 128) return pos;
    sha512Blocks(h, buf, 0, 128);
    pos = 0;
  }
  const whole = i + ((n - i) & ~127);
  if (whole > i) {
    sha512Blocks(h, src, i, whole);
    i = whole;
  }
  while (i < n) buf[pos++] = src[i++]!;
  return pos;
}

/**
 * As {@link sha1Finish}, for SHA-384/512 (padding of FIPS 180-4 section 5.1.2: 0x80, zeros, the
 * 128-bit bit length).
 */
export function sha512Finish(h: Int32Array, prefix: number, data: Uint8Array, more: Uint8Array | undefined): void {
  const buf = SHA512_BUF;
  let pos = sha512Absorb(h, buf, 0, data);
  let len = prefix + data.length;
  if (more !== undefined) {
    pos = sha512Absorb(h, buf, pos, more);
    len += more.length;
  }
  buf[pos++] = 0x80;
  if (pos > 112) {
    zero(buf, SHA512_BUF32, pos, 128);
    sha512Blocks(h, buf, 0, 128);
    pos = 0;
  }
  zero(buf, SHA512_BUF32, pos, 120);
  storeBitLength(buf, 128, len);
  sha512Blocks(h, buf, 0, 128);
}

/** HMAC-SHA-384 (128-byte blocks, 48-byte output), as {@link Sha1Hmac}. */
export class Sha384Hmac implements PreparedHmac {
  /** SHA-512 hash values (with the SHA-384 IV) after K ⊕ ipad and K ⊕ opad, as (high, low) pairs. */
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;

  constructor(inner: Int32Array, outer: Int32Array) {
    this.#inner = inner;
    this.#outer = outer;
  }

  mac(data: Uint8Array, more?: Uint8Array): Uint8Array {
    const h = SHA512_H;
    const s = this.#inner;
    for (let i = 0; i < 16; i++) h[i] = s[i]!;
    sha512Finish(h, 128, data, more);
    // The buffer held the message's last partial block: plaintext, for RFC 3962. Wipe it.
    SHA512_BUF32.fill(0);
    SHA512_W.fill(0);
    // SHA-384 is SHA-512 truncated to its first six 64-bit words (FIPS 180-4 section 6.5).
    const ob = SHA384_OUTER;
    for (let i = 0; i < 12; i++) store32(ob, i * 4, h[i]!);
    return this.#finishOuter(h);
  }

  outer(innerDigest: Uint8Array): Uint8Array {
    SHA384_OUTER.set(innerDigest.subarray(0, 48));
    return this.#finishOuter(SHA512_H);
  }

  #finishOuter(h: Int32Array): Uint8Array {
    const o = this.#outer;
    for (let i = 0; i < 16; i++) h[i] = o[i]!;
    sha512Blocks(h, SHA384_OUTER, 0, 128);
    return wordsToBytes(h, 12);
  }
}
