import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checksum, cryptoBackend, decrypt, encrypt, encryptedLength, prf, randomKey, setCryptoBackend, stringToKey, verifyChecksum, type Key } from '../../src/crypto/index.js';
import { IntegrityError, type KerberosError, UnsupportedError } from '../../src/errors.js';
import { scratch } from '../../src/crypto/scratch.js';

const weak = { allowWeakCrypto: true };
const ETYPES = [17, 18, 19, 20, 23] as const;
const usage = fc.integer({ min: 0, max: 0xffffffff });
const data = fc.uint8Array({ maxLength: 300 });

afterAll(() => setCryptoBackend('auto'));

describe.each(['node', 'pure'] as const)('%s backend', (backendName) => {
  it('is selected', () => {
    setCryptoBackend(backendName);
    expect(cryptoBackend()).toBe(backendName);
  });

  describe.each(ETYPES)('etype %i', (etype) => {
    const key = (): Key => randomKey(etype, weak);

    it('decrypt ∘ encrypt = id, for any usage and plaintext', () => {
      setCryptoBackend(backendName);
      const k = key();
      fc.assert(
        fc.property(usage, data, (u, p) => {
          const c = encrypt(k, u, p, weak);
          expect(c.length).toBe(encryptedLength(etype, p.length, weak));
          expect(decrypt(k, u, c, weak)).toEqual(p);
        }),
        { numRuns: 150 },
      );
    });

    it('two encryptions of one plaintext differ (fresh confounder)', () => {
      setCryptoBackend(backendName);
      const k = key();
      const p = new Uint8Array(40);
      expect(encrypt(k, 3, p, weak)).not.toEqual(encrypt(k, 3, p, weak));
    });

    it('any single-bit flip, truncation or extension throws IntegrityError', () => {
      setCryptoBackend(backendName);
      const k = key();
      fc.assert(
        fc.property(data, fc.nat(), fc.integer({ min: 0, max: 7 }), (p, pos, bit) => {
          const c = encrypt(k, 7, p, weak);
          const flipped = c.slice();
          flipped[pos % c.length]! ^= 1 << bit;
          expect(() => decrypt(k, 7, flipped, weak)).toThrow(IntegrityError);
          expect(() => decrypt(k, 7, c.subarray(0, c.length - 1), weak)).toThrow(IntegrityError);
          const longer = new Uint8Array(c.length + 1);
          longer.set(c);
          expect(() => decrypt(k, 7, longer, weak)).toThrow(IntegrityError);
        }),
        { numRuns: 60 },
      );
    });

    it('wrong usage or wrong key throws IntegrityError with the one uniform message', () => {
      setCryptoBackend(backendName);
      const k = key();
      const c = encrypt(k, 11, new Uint8Array(33), weak);
      const errors: unknown[] = [];
      for (const f of [() => decrypt(k, 12, c, weak), () => decrypt(key(), 11, c, weak), () => decrypt(k, 11, c.subarray(0, 5), weak)]) {
        try {
          f();
        } catch (e) {
          errors.push(e);
        }
      }
      expect(errors).toHaveLength(3);
      for (const e of errors) {
        expect(e).toBeInstanceOf(IntegrityError);
        expect((e as IntegrityError).message).toBe(IntegrityError.MESSAGE);
        expect((e as IntegrityError).code).toBe('ERR_INTEGRITY');
      }
    });

    it('checksums verify, and not under another usage, key or message', () => {
      setCryptoBackend(backendName);
      const k = key();
      fc.assert(
        fc.property(usage, data, (u, d) => {
          const c = checksum(k, u, d, undefined, weak);
          expect(verifyChecksum(k, u, d, c, undefined, weak)).toBe(true);
          expect(verifyChecksum(k, (u + 1) >>> 0, d, c, undefined, weak)).toBe(false);
          const d2 = new Uint8Array(d.length + 1);
          d2.set(d);
          expect(verifyChecksum(k, u, d2, c, undefined, weak)).toBe(false);
          expect(verifyChecksum(k, u, d, c.subarray(1), undefined, weak)).toBe(false);
        }),
        { numRuns: 80 },
      );
      const c = checksum(k, 5, new Uint8Array(10), undefined, weak);
      expect(verifyChecksum(randomKey(etype, weak), 5, new Uint8Array(10), c, undefined, weak)).toBe(false);
    });

    it('prf is deterministic and depends on its input', () => {
      setCryptoBackend(backendName);
      const k = key();
      const a = prf(k, new Uint8Array([1, 2, 3]), weak);
      expect(prf(k, new Uint8Array([1, 2, 3]), weak)).toEqual(a);
      expect(prf(k, new Uint8Array([1, 2, 4]), weak)).not.toEqual(a);
      expect(a.length).toBe(etype === 19 ? 32 : etype === 20 ? 48 : etype === 23 ? 20 : 16);
    });

    it('a key of the wrong length is the caller’s mistake: RangeError', () => {
      setCryptoBackend(backendName);
      const bad = { etype, value: new Uint8Array(17) };
      expect(() => encrypt(bad, 1, new Uint8Array(1), weak)).toThrow(RangeError);
      expect(() => decrypt(bad, 1, new Uint8Array(40), weak)).toThrow(RangeError);
      expect(() => checksum(bad, 1, new Uint8Array(1), undefined, weak)).toThrow(RangeError);
    });
  });
});

describe('state kept between calls', () => {
  it('no plaintext stays behind in the shared buffer', () => {
    for (const b of ['node', 'pure'] as const) {
      setCryptoBackend(b);
      for (const etype of [17, 18, 19, 20]) {
        const k = randomKey(etype);
        const secret = new Uint8Array(300).fill(0xa5);
        const c = encrypt(k, 3, secret);
        expect(scratch(316).every((x) => x === 0)).toBe(true);
        decrypt(k, 3, c);
        expect(scratch(316).every((x) => x === 0)).toBe(true);
      }
    }
    setCryptoBackend('auto');
  });

  it('the derived-key cache keeps enctypes and backends apart for the same key bytes', () => {
    const bytes = randomKey(17).value;
    const c17 = encrypt({ etype: 17, value: bytes }, 5, new Uint8Array(20));
    expect(() => decrypt({ etype: 19, value: bytes }, 5, c17)).toThrow(IntegrityError);
    const c19 = encrypt({ etype: 19, value: bytes }, 5, new Uint8Array(20));
    expect(decrypt({ etype: 19, value: bytes }, 5, c19)).toEqual(new Uint8Array(20));
    setCryptoBackend('pure');
    expect(decrypt({ etype: 17, value: bytes }, 5, c17)).toEqual(new Uint8Array(20));
    setCryptoBackend('auto');
    expect(decrypt({ etype: 17, value: bytes }, 5, c17)).toEqual(new Uint8Array(20));
  });
});

describe('policy and argument checks', () => {
  it('refuses rc4-hmac and hmac-md5 without allowWeakCrypto', () => {
    const k = randomKey(23, weak);
    for (const f of [
      () => randomKey(23),
      () => encrypt(k, 1, new Uint8Array(1)),
      () => decrypt(k, 1, new Uint8Array(40)),
      () => stringToKey(23, 'password', ''),
      () => checksum(randomKey(17), 1, new Uint8Array(1), -138),
    ]) {
      expect(f).toThrow(UnsupportedError);
      try {
        f();
      } catch (e) {
        expect((e as KerberosError).code).toBe('ERR_WEAK_CRYPTO');
      }
    }
  });

  it('unknown enctypes and checksum types are UnsupportedError with stable codes', () => {
    expect(() => randomKey(1)).toThrow(UnsupportedError);
    expect(() => encrypt({ etype: 99, value: new Uint8Array(16) }, 1, new Uint8Array(0))).toThrow(/encryption type 99/);
    expect(() => checksum(randomKey(17), 1, new Uint8Array(0), 7)).toThrow(UnsupportedError);
    expect(() => checksum(randomKey(17), 1, new Uint8Array(0), 16)).toThrow(/does not take/);
  });

  it('bad s2kparams from a KDC are typed errors, not hangs', () => {
    expect(() => stringToKey(18, 'p', 's', new Uint8Array([0, 0, 0]))).toThrow(UnsupportedError);
    expect(() => stringToKey(18, 'p', 's', new Uint8Array([0, 0, 0, 0]))).toThrow(UnsupportedError);
    expect(() => stringToKey(18, 'p', 's', new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(UnsupportedError);
  });

  it('wrong argument types and usages are TypeError / RangeError', () => {
    const k = randomKey(18);
    expect(() => encrypt(k, 1, 'text' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => encrypt(k, -1, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encrypt(k, 1.5, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encrypt(null as unknown as Key, 1, new Uint8Array(0))).toThrow(TypeError);
  });

  it('string and byte passwords give the same key (UTF-8)', () => {
    const s = stringToKey(17, 'pässwörd', 'EXAMPLE.COMuser', { iterations: 2 });
    const b = stringToKey(17, new TextEncoder().encode('pässwörd'), new TextEncoder().encode('EXAMPLE.COMuser'), new Uint8Array([0, 0, 0, 2]));
    expect(b).toEqual(s);
  });
});

describe('digest', () => {
  it('matches node:crypto for md5, sha1, sha256, sha384 on both backends', async () => {
    const { createHash } = await import('node:crypto');
    const { digest } = await import('../../src/crypto/index.js');
    for (const b of ['node', 'pure'] as const) {
      setCryptoBackend(b);
      fc.assert(
        fc.property(fc.constantFrom('md5', 'sha1', 'sha256', 'sha384') as fc.Arbitrary<'md5'>, data, (h, d) => {
          expect(Array.from(digest(h, d))).toEqual(Array.from(createHash(h).update(d).digest()));
        }),
        { numRuns: 50 },
      );
    }
    setCryptoBackend('auto');
  });
});
