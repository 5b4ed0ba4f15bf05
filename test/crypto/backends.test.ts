/**
 * Differential test: the node:crypto backend and the pure @noble backend must give the same
 * bytes for every function, on the same inputs (confounders fixed through the profile API).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeBackend } from '../../src/crypto/backend-node.js';
import { pureBackend } from '../../src/crypto/backend-pure.js';
import type { HashName } from '../../src/crypto/backend.js';
import { profileOf } from '../../src/crypto/enctypes.js';
import { prf, setCryptoBackend, stringToKey } from '../../src/crypto/index.js';

afterAll(() => setCryptoBackend('auto'));

function both<T>(f: () => T): [T, T] {
  setCryptoBackend('node');
  const a = f();
  setCryptoBackend('pure');
  const b = f();
  setCryptoBackend('auto');
  return [a, b];
}

const plain = (u: Uint8Array) => Array.from(u);

describe('node:crypto and pure backends agree', () => {
  it('the node backend is there on Node (found through process.getBuiltinModule)', () => {
    expect(nodeBackend?.name).toBe('node');
  });

  it('AES-CBC, encrypt and decrypt, any IV and length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 32),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 1, max: 40 }),
        fc.uint8Array({ minLength: 640, maxLength: 640 }),
        (kl, kb, iv, blocks, buf) => {
          const key = kb.subarray(0, kl);
          const data = buf.subarray(0, blocks * 16);
          const before = data.slice();
          const a = nodeBackend!.aesKey(key);
          const b = pureBackend.aesKey(key);
          // Twice on the same prepared keys: the node backend's chaining trick must not leak.
          for (let i = 0; i < 2; i++) {
            const ca = a.encryptCbc(data, iv);
            expect(plain(ca)).toEqual(plain(b.encryptCbc(data, iv)));
            expect(plain(data)).toEqual(plain(before));
            expect(plain(a.decryptCbc(ca, iv))).toEqual(plain(data));
            expect(plain(b.decryptCbc(ca, iv))).toEqual(plain(data));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('AES-CTS at every length 16..300 (the JavaScript path, the OpenSSL bulk path, and the switch between them)', () => {
    for (const kl of [16, 32]) {
      const key = Uint8Array.from({ length: kl }, (_, i) => i * 7 + 1);
      const a = nodeBackend!.aesKey(key);
      const b = pureBackend.aesKey(key);
      for (let n = 16; n <= 300; n++) {
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
        const iv = Uint8Array.from({ length: 16 }, (_, i) => (i * 13 + n) & 0xff);
        const ca = new Uint8Array(n);
        const cb = new Uint8Array(n);
        a.encryptCtsInto(data, iv, ca, 0);
        b.encryptCtsInto(data, iv, cb, 0);
        expect(plain(ca), `encrypt n=${n}`).toEqual(plain(cb));
        const pa = new Uint8Array(n);
        a.decryptCtsInto(ca, iv, pa, 0);
        expect(plain(pa), `decrypt n=${n}`).toEqual(plain(data));
      }
    }
  });

  it('HMAC, digests and PBKDF2', () => {
    const hashes: HashName[] = ['md5', 'sha1', 'sha256', 'sha384'];
    fc.assert(
      fc.property(fc.constantFrom(...hashes), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 50 }), (h, key, d, more) => {
        expect(plain(nodeBackend!.hmacKey(h, key).mac(d, more))).toEqual(plain(pureBackend.hmacKey(h, key).mac(d, more)));
        expect(plain(nodeBackend!.digest(h, d))).toEqual(plain(pureBackend.digest(h, d)));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...hashes), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 100 }), (h, pw, salt, it, len) => {
        expect(plain(nodeBackend!.pbkdf2(h, pw, salt, it, len))).toEqual(plain(pureBackend.pbkdf2(h, pw, salt, it, len)));
      }),
      { numRuns: 60 },
    );
  });

  describe.each([17, 18, 19, 20, 23])('etype %i', (etype) => {
    const p = profileOf(etype, { allowWeakCrypto: true });
    const keyArb = fc.uint8Array({ minLength: p.keyBytes, maxLength: p.keyBytes });
    const confArb = fc.uint8Array({ minLength: etype === 23 ? 8 : 16, maxLength: etype === 23 ? 8 : 16 });

    it('encrypt (fixed confounder), decrypt, checksum, prf', () => {
      fc.assert(
        fc.property(keyArb, fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 1100 }), confArb, (k, u, d, conf) => {
          const [ca, cb] = both(() => p.encrypt(k.slice(), u, d, conf));
          expect(plain(ca)).toEqual(plain(cb));
          const [pa, pb] = both(() => p.decrypt(k.slice(), u, ca));
          expect(plain(pa)).toEqual(plain(d));
          expect(plain(pb)).toEqual(plain(d));
          const [sa, sb] = both(() => p.checksum(k.slice(), u, d));
          expect(plain(sa)).toEqual(plain(sb));
          const [ra, rb] = both(() => prf({ etype, value: k.slice() }, d, { allowWeakCrypto: true }));
          expect(plain(ra)).toEqual(plain(rb));
        }),
        { numRuns: 60 },
      );
    });

    it('string-to-key', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (pw, salt, iterations) => {
          const [a, b] = both(() => stringToKey(etype, pw, salt, { iterations }, { allowWeakCrypto: true }));
          expect(plain(a.value)).toEqual(plain(b.value));
        }),
        { numRuns: 40 },
      );
    });
  });
});
