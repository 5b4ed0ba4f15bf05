/**
 * src/crypto/fast-hmac.ts: the prepared-key HMAC-SHA-1/-256/-384.
 *
 *   - known answers: RFC 2202 section 3 (HMAC-SHA-1, test cases 1–7) and RFC 4231 section 4
 *     (HMAC-SHA-256 and HMAC-SHA-384, test cases 1–7; case 5 compared on its first 128 bits);
 *   - differential against node:crypto createHmac: random keys (0..200 bytes, so both sides of
 *     the 64- and 128-byte block lengths, where longer keys are hashed first) and messages
 *     (0..3000 bytes) split anywhere between `data` and `more`; then every split of messages
 *     whose lengths sit on the padding and block boundaries;
 *   - no state carried between calls: repeated and interleaved calls (the scratch buffers are
 *     shared by all keys of one hash), fresh result arrays, inputs left untouched.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareHmac, type FastHmacHash } from '../../src/crypto/fast-hmac/index.js';

const HASHES = ['sha1', 'sha256', 'sha384'] as const satisfies readonly FastHmacHash[];

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const rep = (byte: number, n: number): Uint8Array => new Uint8Array(n).fill(byte);

function reference(hash: FastHmacHash, key: Uint8Array, ...parts: Uint8Array[]): string {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** A deterministic byte pattern (so failures are reproducible without a seed). */
function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('RFC 2202 section 3: HMAC-SHA-1 test cases 1–7', () => {
  const cases: [number, Uint8Array, Uint8Array, string][] = [
    [1, rep(0x0b, 20), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
    [2, ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    [3, rep(0xaa, 20), rep(0xdd, 50), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
    [4, hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), rep(0xcd, 50), '4c9007f4026250c6bc8414f9bf50c86c2d7235da'],
    [5, rep(0x0c, 20), ascii('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
    [6, rep(0xaa, 80), ascii('Test Using Larger Than Block-Size Key - Hash Key First'), 'aa4ae5e15272d00e95705637ce8a3b55ed402112'],
    [7, rep(0xaa, 80), ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'), 'e8e99d0f45237d786d6bbaa7965c7808bbff1a91'],
  ];
  it.each(cases)('test case %i', (_n, key, data, digest) => {
    expect(toHex(prepareHmac('sha1', key).mac(data))).toBe(digest);
  });
  it('test case 5, digest-96', () => {
    expect(toHex(prepareHmac('sha1', rep(0x0c, 20)).mac(ascii('Test With Truncation')).subarray(0, 12))).toBe('4c1a03424b55e07fe7f27be1');
  });
});

describe('RFC 4231 section 4: HMAC-SHA-256 and HMAC-SHA-384 test cases 1–7', () => {
  const key6and7 = rep(0xaa, 131);
  const cases: { n: number; key: Uint8Array; data: Uint8Array; sha256: string; sha384: string; truncate?: true }[] = [
    {
      n: 1,
      key: rep(0x0b, 20),
      data: hex('4869205468657265'), // "Hi There"
      sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      sha384: 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    },
    {
      n: 2,
      key: hex('4a656665'), // "Jefe"
      data: hex('7768617420646f2079612077616e7420666f72206e6f7468696e673f'), // "what do ya want for nothing?"
      sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      sha384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    },
    {
      n: 3,
      key: rep(0xaa, 20),
      data: rep(0xdd, 50),
      sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
      sha384: '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
    },
    {
      n: 4,
      key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      data: rep(0xcd, 50),
      sha256: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
      sha384: '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
    },
    {
      n: 5, // "Test with a truncation of output to 128 bits."
      key: rep(0x0c, 20),
      data: hex('546573742057697468205472756e636174696f6e'), // "Test With Truncation"
      sha256: 'a3b6167473100ee06e0c796c2955552b',
      sha384: '3abf34c3503b2a23a46efc619baef897',
      truncate: true,
    },
    {
      n: 6,
      key: key6and7,
      data: hex(`
        54657374 20557369 6e67204c 61726765
        72205468 616e2042 6c6f636b 2d53697a
        65204b65 79202d20 48617368 204b6579
        20466972 7374`), // "Test Using Larger Than Block-Size Key - Hash Key First"
      sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      sha384: '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    },
    {
      n: 7,
      key: key6and7,
      // "This is a test using a larger than block-size key and a larger than block-size data. The key
      // needs to be hashed before being used by the HMAC algorithm."
      data: hex(`
        54686973 20697320 61207465 73742075
        73696e67 2061206c 61726765 72207468
        616e2062 6c6f636b 2d73697a 65206b65
        7920616e 64206120 6c617267 65722074
        68616e20 626c6f63 6b2d7369 7a652064
        6174612e 20546865 206b6579 206e6565
        64732074 6f206265 20686173 68656420
        6265666f 72652062 65696e67 20757365
        64206279 20746865 20484d41 4320616c
        676f7269 74686d2e`),
      sha256: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
      sha384: '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
    },
  ];
  for (const hash of ['sha256', 'sha384'] as const) {
    it.each(cases)(`HMAC-${hash.toUpperCase()} test case $n`, (c) => {
      const mac = prepareHmac(hash, c.key).mac(c.data);
      expect(mac.length).toBe(hash === 'sha256' ? 32 : 48);
      expect(toHex(c.truncate ? mac.subarray(0, 16) : mac)).toBe(c[hash]);
    });
  }
  it('the ASCII test data transcribe as the RFC states', () => {
    expect(Buffer.from(cases[5]!.data).toString('latin1')).toBe('Test Using Larger Than Block-Size Key - Hash Key First');
    expect(Buffer.from(cases[6]!.data).toString('latin1')).toBe(
      'This is a test using a larger than block-size key and a larger than block-size data. ' + 'The key needs to be hashed before being used by the HMAC algorithm.',
    );
  });
});

describe.each(HASHES)('%s against node:crypto createHmac', (hash) => {
  it('random keys (0..200 B) and messages (0..3000 B), split anywhere into data ‖ more', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200, size: 'max' }), fc.uint8Array({ maxLength: 3000, size: 'max' }), fc.nat(), fc.boolean(), (key, msg, cut, omitMore) => {
        const p = prepareHmac(hash, key);
        const want = reference(hash, key, msg);
        const split = cut % (msg.length + 1);
        expect(toHex(p.mac(msg.subarray(0, split), msg.subarray(split)))).toBe(want);
        expect(toHex(omitMore ? p.mac(msg) : p.mac(msg, new Uint8Array(0)))).toBe(want);
      }),
      { numRuns: 400 },
    );
  });

  it('messages on the padding and block boundaries, every split point', () => {
    const sizes = [0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 191, 192, 255, 256, 257];
    for (const keyLen of [0, 20, 64, 128, 129]) {
      const key = pattern(keyLen, keyLen);
      const p = prepareHmac(hash, key);
      for (const n of sizes) {
        const msg = pattern(n, n + 1000);
        const want = reference(hash, key, msg);
        for (let split = 0; split <= n; split++) {
          const got = toHex(p.mac(msg.subarray(0, split), msg.subarray(split)));
          if (got !== want) expect({ keyLen, n, split, got }).toEqual({ keyLen, n, split, got: want });
        }
      }
    }
  });

  it('keys on the block-length boundaries (a key longer than a block is hashed first)', () => {
    const msg = pattern(100, 7);
    for (const keyLen of [0, 1, 47, 48, 63, 64, 65, 127, 128, 129, 200, 1000]) {
      const key = pattern(keyLen, keyLen + 1);
      expect(toHex(prepareHmac(hash, key).mac(msg)), `key ${keyLen} bytes`).toBe(reference(hash, key, msg));
    }
  });

  it('views with a byte offset and Buffers are read correctly', () => {
    const key = pattern(32, 1);
    const backing = pattern(4096 + 3, 2);
    const data = backing.subarray(3, 3 + 1000); // unaligned view
    const more = Buffer.from(backing.buffer, 1003 + 1, 777);
    expect(toHex(prepareHmac(hash, key).mac(data, more))).toBe(reference(hash, key, data, more));
    expect(toHex(prepareHmac(hash, Buffer.from(key)).mac(Buffer.from(data)))).toBe(reference(hash, key, data));
  });
});

describe.each(HASHES)('%s: no state between calls', (hash) => {
  it('repeated calls on one PreparedHmac give identical results', () => {
    const p = prepareHmac(hash, pattern(40, 3));
    for (const n of [0, 17, 64, 100, 128, 300, 3000]) {
      const msg = pattern(n, n);
      const first = toHex(p.mac(msg));
      // A longer and a shorter message in between leave nothing behind in the scratch state.
      p.mac(pattern(5000, 9));
      p.mac(new Uint8Array(0), pattern(3, 4));
      expect(toHex(p.mac(msg))).toBe(first);
      expect(toHex(p.mac(msg.subarray(0, n >> 1), msg.subarray(n >> 1)))).toBe(first);
    }
  });

  it('interleaved calls under different keys (which share scratch buffers) do not interfere', () => {
    const keys = [pattern(16, 1), pattern(64, 2), pattern(200, 3)];
    const ps = keys.map((k) => prepareHmac(hash, k));
    for (let round = 0; round < 3; round++) {
      ps.forEach((p, i) => {
        const msg = pattern(50 + 61 * i + round, round);
        expect(toHex(p.mac(msg))).toBe(reference(hash, keys[i]!, msg));
      });
    }
    // A key for another hash in between, too.
    const other = prepareHmac(hash === 'sha1' ? 'sha256' : 'sha1', keys[0]!);
    const msg = pattern(99, 5);
    const before = toHex(ps[0]!.mac(msg));
    other.mac(pattern(1000, 6));
    expect(toHex(ps[0]!.mac(msg))).toBe(before);
  });

  it('returns a fresh array each call and leaves its inputs (and key) untouched', () => {
    const key = pattern(100, 8);
    const keyCopy = key.slice();
    const p = prepareHmac(hash, key);
    key.fill(0); // the prepared state must not depend on the caller's key buffer afterwards
    const data = pattern(90, 9);
    const more = pattern(70, 10);
    const [d0, m0] = [data.slice(), more.slice()];
    const a = p.mac(data, more);
    const b = p.mac(data, more);
    expect(a).not.toBe(b);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.length);
    expect(toHex(a)).toBe(reference(hash, keyCopy, data, more));
    a.fill(0xff);
    expect(toHex(p.mac(data, more))).toBe(toHex(b));
    expect(data).toEqual(d0);
    expect(more).toEqual(m0);
  });
});

describe('prepareHmac argument checks', () => {
  it('rejects an unsupported hash name', () => {
    expect(() => prepareHmac('sha512' as FastHmacHash, new Uint8Array(16))).toThrow(TypeError);
    expect(() => prepareHmac('md5' as FastHmacHash, new Uint8Array(16))).toThrow(/unsupported hash/);
  });
});
