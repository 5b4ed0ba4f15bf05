/**
 * RC4 (ARCFOUR) — only for RC4-HMAC, RFC 4757. Weak; here because OpenSSL 3 moved it to the
 * legacy provider. A fresh key schedule per message, as RFC 4757 derives a key per message.
 * @module
 */

/** XORs `data` with the RC4 keystream of `key`, returning a new array. */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  s.fill(0);
  return out;
}
