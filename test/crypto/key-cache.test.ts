/**
 * The derived-key cache (src/crypto/key-cache.ts): keys start in a ring of recent keys and join
 * a WeakMap after a few uses. Whatever path a key's entry takes — fresh, in the ring, evicted
 * from it by other keys, promoted, reused under another enctype or backend — an operation must
 * give the bytes an uncached key gives: each result is compared with the same operation on a
 * fresh copy of the key (a cache miss), with a fixed confounder.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { setCryptoBackend } from '../../src/crypto/index.js';
import { profileOf } from '../../src/crypto/enctypes.js';

afterAll(() => setCryptoBackend('auto'));

const confounder = Uint8Array.from({ length: 16 }, (_, i) => i * 11 + 3);
const msg = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17 + 5) & 0xff);
}

/** encrypt, checksum and decrypt under `key`, as arrays (for toEqual). */
function ops(etype: number, key: Uint8Array, usage: number): number[][] {
  const p = profileOf(etype);
  const c = p.encrypt(key, usage, msg, confounder);
  return [Array.from(c), Array.from(p.checksum(key, usage, msg)), Array.from(p.decrypt(key, usage, c))];
}

describe.each(['node', 'pure'] as const)('%s backend', (backendName) => {
  it('a key in the ring, evicted from it by other keys, and promoted gives what an uncached key gives', () => {
    setCryptoBackend(backendName);
    for (const etype of [17, 18, 19, 20]) {
      const kb = profileOf(etype).keyBytes;
      const key = bytes(kb, etype);
      for (let round = 0; round < 12; round++) {
        // many other keys in between: the ring (8) overflows, the key is re-derived or found promoted
        for (let j = 0; j < round * 2; j++) ops(etype, bytes(kb, 1000 + round * 10 + j), 5);
        for (const usage of [2, 11, 12]) expect(ops(etype, key, usage)).toEqual(ops(etype, key.slice(), usage));
      }
    }
  });

  it('the same bytes under two enctypes of the same key size, alternately', () => {
    setCryptoBackend(backendName);
    for (const [a, b] of [
      [17, 19],
      [18, 20],
    ] as const) {
      const key = bytes(profileOf(a).keyBytes, a + b);
      for (let i = 0; i < 10; i++) {
        const etype = i % 2 ? a : b;
        expect(ops(etype, key, 7)).toEqual(ops(etype, key.slice(), 7));
      }
    }
  });
});

it('the same key bytes under both backends, alternately, before and after promotion', () => {
  const key = bytes(32, 99);
  for (let i = 0; i < 12; i++) {
    setCryptoBackend(i % 2 ? 'node' : 'pure');
    expect(ops(18, key, 3)).toEqual(ops(18, key.slice(), 3));
  }
  setCryptoBackend('auto');
});
