/**
 * MD4, RFC 1320 — only for the RC4-HMAC string-to-key (RFC 4757 §2: the NT hash). Weak; here
 * because OpenSSL 3 (and so Node) no longer offers it by default.
 * @module
 */

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** MD4 digest of `data` (16 bytes). */
export function md4(data: Uint8Array): Uint8Array {
  // RFC 1320 §3.1–3.2: pad with 0x80, zeros to 56 mod 64, then the bit length (64-bit LE).
  const n = data.length;
  const padded = new Uint8Array(((n + 8) >>> 6) * 64 + 64);
  padded.set(data);
  padded[n] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, (n * 8) >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(n / 0x20000000), true);

  let a = 0x67452301,
    b = 0xefcdab89,
    c = 0x98badcfe,
    d = 0x10325476;
  const x = new Uint32Array(16);
  const F = (p: number, q: number, r: number) => (p & q) | (~p & r);
  const G = (p: number, q: number, r: number) => (p & q) | (p & r) | (q & r);
  const Hf = (p: number, q: number, r: number) => p ^ q ^ r;
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getUint32(off + 4 * i, true);
    const aa = a,
      bb = b,
      cc = c,
      dd = d;
    // Round 1 (RFC 1320 §3.4): [abcd k s] a = (a + F(b,c,d) + X[k]) <<< s
    for (const k of [0, 4, 8, 12]) {
      a = rotl((a + F(b, c, d) + x[k]!) | 0, 3);
      d = rotl((d + F(a, b, c) + x[k + 1]!) | 0, 7);
      c = rotl((c + F(d, a, b) + x[k + 2]!) | 0, 11);
      b = rotl((b + F(c, d, a) + x[k + 3]!) | 0, 19);
    }
    // Round 2: a = (a + G(b,c,d) + X[k] + 5A827999) <<< s
    for (const k of [0, 1, 2, 3]) {
      a = rotl((a + G(b, c, d) + x[k]! + 0x5a827999) | 0, 3);
      d = rotl((d + G(a, b, c) + x[k + 4]! + 0x5a827999) | 0, 5);
      c = rotl((c + G(d, a, b) + x[k + 8]! + 0x5a827999) | 0, 9);
      b = rotl((b + G(c, d, a) + x[k + 12]! + 0x5a827999) | 0, 13);
    }
    // Round 3: a = (a + H(b,c,d) + X[k] + 6ED9EBA1) <<< s
    for (const k of [0, 2, 1, 3]) {
      a = rotl((a + Hf(b, c, d) + x[k]! + 0x6ed9eba1) | 0, 3);
      d = rotl((d + Hf(a, b, c) + x[k + 8]! + 0x6ed9eba1) | 0, 9);
      c = rotl((c + Hf(d, a, b) + x[k + 4]! + 0x6ed9eba1) | 0, 11);
      b = rotl((b + Hf(c, d, a) + x[k + 12]! + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  ov.setUint32(0, a >>> 0, true);
  ov.setUint32(4, b >>> 0, true);
  ov.setUint32(8, c >>> 0, true);
  ov.setUint32(12, d >>> 0, true);
  return out;
}
