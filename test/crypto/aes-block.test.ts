/**
 * The AES block cipher of the JavaScript path (src/crypto/aes-block.ts, our own since @noble/ciphers
 * was dropped): FIPS-197 Appendix C's known answers (AES-128 and AES-256), and OpenSSL's AES-ECB
 * (node:crypto) on random keys and blocks, both directions. The CBC/CTS modes over it are checked
 * against OpenSSL and MIT in backends.test.ts and mit.test.ts.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AES_OUT, decryptBlock, encryptBlock, expandKeyDec, expandKeyEnc } from '../../src/crypto/aes-block.js';

const le = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const out = () => {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) b.writeUInt32LE(AES_OUT[i]! >>> 0, 4 * i);
  return b.toString('hex');
};
const enc = (key: Uint8Array, p: Uint8Array) => {
  encryptBlock(expandKeyEnc(key), le(p, 0), le(p, 4), le(p, 8), le(p, 12));
  return out();
};
const dec = (key: Uint8Array, c: Uint8Array) => {
  decryptBlock(expandKeyDec(key), le(c, 0), le(c, 4), le(c, 8), le(c, 12));
  return out();
};
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('AES block cipher', () => {
  it('FIPS-197 Appendix C.1 (AES-128) and C.3 (AES-256), both directions', () => {
    const pt = hex('00112233445566778899aabbccddeeff');
    const k128 = hex('000102030405060708090a0b0c0d0e0f');
    const k256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    expect(enc(k128, pt)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(dec(k128, hex('69c4e0d86a7b0430d8cdb78070b4c55a'))).toBe('00112233445566778899aabbccddeeff');
    expect(enc(k256, pt)).toBe('8ea2b7ca516745bfeafc49904b496089');
    expect(dec(k256, hex('8ea2b7ca516745bfeafc49904b496089'))).toBe('00112233445566778899aabbccddeeff');
  });

  it("matches OpenSSL's AES-ECB on 2,000 random keys and blocks of each size", () => {
    for (const n of [16, 32]) {
      for (let i = 0; i < 1000; i++) {
        const key = randomBytes(n);
        const p = randomBytes(16);
        const c = createCipheriv(n === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null)
          .setAutoPadding(false)
          .update(p);
        expect(enc(key, p)).toBe(c.toString('hex'));
        const d = createDecipheriv(n === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null)
          .setAutoPadding(false)
          .update(c);
        expect(dec(key, c)).toBe(d.toString('hex'));
      }
    }
  });

  it('refuses other key sizes', () => {
    expect(() => expandKeyEnc(new Uint8Array(24))).toThrow(RangeError);
  });
});
