/**
 * The AES block cipher (FIPS-197) for 128- and 256-bit keys, as T-tables over 32-bit words: a
 * block is four little-endian words, one per column (word c holds bytes 4c..4c+3, row r in bits
 * 8r..8r+7). The tables are built on the first key expansion, not when the module loads: a
 * program that imports tskrb5 and never runs AES in JavaScript does not pay for them.
 *
 * Encryption: a round's column c is T0[s_c byte 0] ^ T1[s_{c+1} byte 1] ^ T2[s_{c+2} byte 2] ^
 * T3[s_{c+3} byte 3] ^ its round key, Tk[x] being the MixColumns column k times S(x), T_k =
 * rotl(T0, 8k); decryption is the equivalent inverse cipher (FIPS-197 §5.3.5) with the inverse
 * tables and InvMixColumns applied to the middle round keys.
 *
 * The four tables of each direction are one Int32Array of 1024 words (T_k at 256k): 4 KiB, which
 * stays in cache between the sporadic short messages JavaScript handles, and one typed array in
 * the round loop instead of four, which V8 compiles to about half the time per block (its four
 * array bases and lengths no longer compete with the state for registers) — faster, measured
 * in a hot loop, than the two merged 256 KiB decryption tables this replaced.
 * @module
 */

let S: Uint8Array | undefined;
let SI: Uint8Array;
/** T0 ‖ T1 ‖ T2 ‖ T3 (encryption) and D0 ‖ D1 ‖ D2 ‖ D3 (decryption), 256 words each. */
let TE: Int32Array;
let TD: Int32Array;

const rotl8 = (x: number): number => ((x << 8) | (x >>> 24)) >>> 0;

/** Multiplication by 2 in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
const xtime = (a: number): number => ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;

function mul(a: number, b: number): number {
  let r = 0;
  for (; b; b >>>= 1, a = xtime(a)) if (b & 1) r ^= a;
  return r;
}

function tables(): void {
  const s = new Uint8Array(256);
  const si = new Uint8Array(256);
  // GF(2^8) by powers of the generator 3: exp and log, then the inverse and the affine map (§5.1.1)
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= xtime(x);
  }
  const rotb = (b: number, n: number): number => ((b << n) | (b >>> (8 - n))) & 0xff;
  for (let x = 0; x < 256; x++) {
    const b = x === 0 ? 0 : exp[(255 - log[x]!) % 255]!;
    const v = b ^ rotb(b, 1) ^ rotb(b, 2) ^ rotb(b, 3) ^ rotb(b, 4) ^ 0x63;
    s[x] = v;
    si[v] = x;
  }
  const t = new Int32Array(1024);
  const d = new Int32Array(1024);
  for (let x = 0; x < 256; x++) {
    const e = s[x]!;
    // MixColumns column 0 is (2, 1, 1, 3) from row 0 down; row r goes to bits 8r
    let w = (mul(e, 2) | (e << 8) | (e << 16) | (mul(e, 3) << 24)) >>> 0;
    const i = si[x]!;
    // InvMixColumns column 0 is (14, 9, 13, 11)
    let v = (mul(i, 14) | (mul(i, 9) << 8) | (mul(i, 13) << 16) | (mul(i, 11) << 24)) >>> 0;
    for (let k = 0; k < 4; k++) {
      t[256 * k + x] = w;
      d[256 * k + x] = v;
      w = rotl8(w);
      v = rotl8(v);
    }
  }
  TE = t;
  TD = d;
  SI = si;
  S = s;
}

const le32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

function subWord(w: number, s: Uint8Array): number {
  return (s[w & 0xff]! | (s[(w >>> 8) & 0xff]! << 8) | (s[(w >>> 16) & 0xff]! << 16) | (s[w >>> 24]! << 24)) >>> 0;
}

/** The encryption key schedule of a 16- or 32-byte key: 4 × (rounds + 1) words. */
export function expandKeyEnc(key: Uint8Array): Uint32Array {
  if (!S) tables();
  const s = S!;
  const nk = key.length >>> 2;
  if (nk !== 4 && nk !== 8) throw new RangeError(`AES keys are 16 or 32 bytes here, got ${key.length}`);
  const rounds = nk + 6;
  const w = new Uint32Array(4 * (rounds + 1));
  for (let i = 0; i < nk; i++) w[i] = le32(key, 4 * i);
  let rcon = 1;
  for (let i = nk; i < w.length; i++) {
    let t = w[i - 1]!;
    if (i % nk === 0) {
      // RotWord moves byte 1 to byte 0: a right rotation of the little-endian word
      t = subWord((t >>> 8) | (t << 24), s) ^ rcon;
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk === 4) t = subWord(t, s);
    w[i] = (w[i - nk]! ^ t) >>> 0;
  }
  return w;
}

/** The equivalent inverse cipher's key schedule (FIPS-197 §5.3.5): rounds in reverse, InvMixColumns on the middle ones. */
export function expandKeyDec(key: Uint8Array, encSchedule?: Uint32Array): Uint32Array {
  const e = encSchedule ?? expandKeyEnc(key);
  const s = S!;
  const n = e.length;
  const d = new Uint32Array(n);
  for (let r = 0; r < n; r += 4) {
    for (let c = 0; c < 4; c++) {
      const x = e[n - 4 - r + c]!;
      // InvMixColumns of a word: D_k[S[b_k]] is the inverse column k times b_k
      d[r + c] = r === 0 || r === n - 4 ? x : (TD[s[x & 0xff]!]! ^ TD[256 | s[(x >>> 8) & 0xff]!]! ^ TD[512 | s[(x >>> 16) & 0xff]!]! ^ TD[768 | s[x >>> 24]!]!) >>> 0;
    }
  }
  return d;
}

/**
 * Where {@link encryptBlock} and {@link decryptBlock} put a block's four words: one array reused by
 * every call (the calls are synchronous), so that a block costs no allocation.
 */
export const AES_OUT: Int32Array = new Int32Array(4);

/** Encrypts one block (four little-endian words) with a schedule from {@link expandKeyEnc}, into {@link AES_OUT}. */
export function encryptBlock(xk: Uint32Array, s0: number, s1: number, s2: number, s3: number): void {
  const t = TE;
  const rounds = (xk.length >>> 2) - 1;
  s0 ^= xk[0]!;
  s1 ^= xk[1]!;
  s2 ^= xk[2]!;
  s3 ^= xk[3]!;
  let k = 4;
  for (let r = 1; r < rounds; r++, k += 4) {
    const a = t[s0 & 0xff]! ^ t[256 | ((s1 >>> 8) & 0xff)]! ^ t[512 | ((s2 >>> 16) & 0xff)]! ^ t[768 | (s3 >>> 24)]! ^ xk[k]!;
    const b = t[s1 & 0xff]! ^ t[256 | ((s2 >>> 8) & 0xff)]! ^ t[512 | ((s3 >>> 16) & 0xff)]! ^ t[768 | (s0 >>> 24)]! ^ xk[k + 1]!;
    const c = t[s2 & 0xff]! ^ t[256 | ((s3 >>> 8) & 0xff)]! ^ t[512 | ((s0 >>> 16) & 0xff)]! ^ t[768 | (s1 >>> 24)]! ^ xk[k + 2]!;
    const d = t[s3 & 0xff]! ^ t[256 | ((s0 >>> 8) & 0xff)]! ^ t[512 | ((s1 >>> 16) & 0xff)]! ^ t[768 | (s2 >>> 24)]! ^ xk[k + 3]!;
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  }
  const s = S!;
  const out = AES_OUT;
  out[0] = (s[s0 & 0xff]! | (s[(s1 >>> 8) & 0xff]! << 8) | (s[(s2 >>> 16) & 0xff]! << 16) | (s[s3 >>> 24]! << 24)) ^ xk[k]!;
  out[1] = (s[s1 & 0xff]! | (s[(s2 >>> 8) & 0xff]! << 8) | (s[(s3 >>> 16) & 0xff]! << 16) | (s[s0 >>> 24]! << 24)) ^ xk[k + 1]!;
  out[2] = (s[s2 & 0xff]! | (s[(s3 >>> 8) & 0xff]! << 8) | (s[(s0 >>> 16) & 0xff]! << 16) | (s[s1 >>> 24]! << 24)) ^ xk[k + 2]!;
  out[3] = (s[s3 & 0xff]! | (s[(s0 >>> 8) & 0xff]! << 8) | (s[(s1 >>> 16) & 0xff]! << 16) | (s[s2 >>> 24]! << 24)) ^ xk[k + 3]!;
}

/** Decrypts one block with a schedule from {@link expandKeyDec}, into {@link AES_OUT}. */
export function decryptBlock(xk: Uint32Array, s0: number, s1: number, s2: number, s3: number): void {
  const t = TD;
  const rounds = (xk.length >>> 2) - 1;
  s0 ^= xk[0]!;
  s1 ^= xk[1]!;
  s2 ^= xk[2]!;
  s3 ^= xk[3]!;
  let k = 4;
  for (let r = 1; r < rounds; r++, k += 4) {
    // InvShiftRows: row k of column c comes from column c - k
    const a = t[s0 & 0xff]! ^ t[256 | ((s3 >>> 8) & 0xff)]! ^ t[512 | ((s2 >>> 16) & 0xff)]! ^ t[768 | (s1 >>> 24)]! ^ xk[k]!;
    const b = t[s1 & 0xff]! ^ t[256 | ((s0 >>> 8) & 0xff)]! ^ t[512 | ((s3 >>> 16) & 0xff)]! ^ t[768 | (s2 >>> 24)]! ^ xk[k + 1]!;
    const c = t[s2 & 0xff]! ^ t[256 | ((s1 >>> 8) & 0xff)]! ^ t[512 | ((s0 >>> 16) & 0xff)]! ^ t[768 | (s3 >>> 24)]! ^ xk[k + 2]!;
    const d = t[s3 & 0xff]! ^ t[256 | ((s2 >>> 8) & 0xff)]! ^ t[512 | ((s1 >>> 16) & 0xff)]! ^ t[768 | (s0 >>> 24)]! ^ xk[k + 3]!;
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  }
  const si = SI;
  const out = AES_OUT;
  out[0] = (si[s0 & 0xff]! | (si[(s3 >>> 8) & 0xff]! << 8) | (si[(s2 >>> 16) & 0xff]! << 16) | (si[s1 >>> 24]! << 24)) ^ xk[k]!;
  out[1] = (si[s1 & 0xff]! | (si[(s0 >>> 8) & 0xff]! << 8) | (si[(s3 >>> 16) & 0xff]! << 16) | (si[s2 >>> 24]! << 24)) ^ xk[k + 1]!;
  out[2] = (si[s2 & 0xff]! | (si[(s1 >>> 8) & 0xff]! << 8) | (si[(s0 >>> 16) & 0xff]! << 16) | (si[s3 >>> 24]! << 24)) ^ xk[k + 2]!;
  out[3] = (si[s3 & 0xff]! | (si[(s2 >>> 8) & 0xff]! << 8) | (si[(s1 >>> 16) & 0xff]! << 16) | (si[s0 >>> 24]! << 24)) ^ xk[k + 3]!;
}
