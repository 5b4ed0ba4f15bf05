/**
 * The in-memory replay cache (src/ap/replay-cache.ts) and its tag sets (src/util/tag-set.ts):
 * a live authenticator is never forgotten however many others come (the old cache evicted once
 * it held 10,000), the bound refuses new ones with ERR_REPLAY_CACHE_FULL and counts them, expired
 * buckets go whole; the TagSet against JavaScript's own Set on random tags.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayCache, replayTag, type ReplayEntry } from '../../src/ap/index.js';
import { ReplayCacheError } from '../../src/errors.js';
import { TagSet, tagWords } from '../../src/util/tag-set.js';
import { createHash, randomBytes } from 'node:crypto';

const SKEW = 300_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const entry = (n: number, time: number): ReplayEntry => ({
  tag: new Uint8Array(createHash('sha256').update(`authenticator ${n}`).digest().subarray(0, 12)),
  time,
  expires: time + SKEW,
  server: 'HTTP/www.example.com@EXAMPLE.COM',
});

describe('TagSet', () => {
  it('agrees with a Set of the same tags through growth (fast-check: random tags, repeats, adds and lookups)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.boolean()), { maxLength: 2000 }), fc.nat(), (ops, seed) => {
        const tags = Array.from({ length: 401 }, (_, i) => tagWords(createHash('sha256').update(`${seed} ${i}`).digest()));
        const s = new TagSet([seed, seed ^ 0x5555, ~seed]);
        const ref = new Set<number>();
        for (const [i, add] of ops) {
          const [a, b, c] = tags[i]!;
          if (add) expect(s.add(a, b, c)).toBe(!ref.has(i));
          else expect(s.has(a, b, c)).toBe(ref.has(i));
          if (add) ref.add(i);
        }
        expect(s.size).toBe(ref.size);
        for (let i = 0; i < tags.length; i++) expect(s.has(...tags[i]!)).toBe(ref.has(i));
      }),
      { numRuns: 60 },
    );
  });

  it('tags that differ in one bit of any word are different; 16 bytes a slot, at most half full', () => {
    const s = new TagSet([1, 2, 3]);
    s.add(0, 0, 0);
    for (let bit = 0; bit < 96; bit++) {
      const w = [0, 0, 0];
      w[bit >> 5] = (1 << (bit & 31)) >>> 0;
      expect(s.has(w[0]!, w[1]!, w[2]!)).toBe(false);
    }
    expect(s.has(0, 0, 0)).toBe(true);
    for (let i = 0; i < 100_000; i++) s.add(i, i * 7, ~i);
    expect(s.size).toBe(100_001);
    expect(s.bytes).toBe(262_144 * 16); // 100,001 entries: 2^18 slots, of 16 bytes
  });
});

describe('ReplayCache', () => {
  it('never forgets a live authenticator: after 50,000 others inside the skew, the first is still a replay', () => {
    const rc = new ReplayCache();
    const first = entry(0, T0);
    expect(rc.check(first, T0)).toBe(true);
    let fresh = 0;
    for (let n = 1; n <= 50_000; n++) if (rc.check(entry(n, T0 + n), T0 + n)) fresh++;
    expect(fresh).toBe(50_000);
    expect(rc.check(first, T0 + 60_000)).toBe(false);
    expect(rc.check(entry(25_000, T0 + 25_000), T0 + 60_000)).toBe(false);
    expect(rc.stats()).toMatchObject({ entries: 50_001, accepted: 50_001, replays: 2, refusedFull: 0 });
  });

  it('at its bound it refuses new authenticators (ERR_REPLAY_CACHE_FULL), counted, and still knows every replay; room again when they expire', () => {
    const rc = new ReplayCache({ maxEntries: 1000 });
    for (let n = 0; n < 1000; n++) expect(rc.check(entry(n, T0), T0)).toBe(true);
    for (let k = 0; k < 3; k++) {
      let e: unknown;
      try {
        rc.check(entry(1000 + k, T0 + 1), T0 + 1);
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(ReplayCacheError);
      expect(e).toMatchObject({ code: 'ERR_REPLAY_CACHE_FULL' });
      expect((e as Error).message).toMatch(/full \(1000 live authenticators, its bound\).*refused until some expire/);
    }
    for (let n = 0; n < 1000; n++) expect(rc.check(entry(n, T0), T0 + 2)).toBe(false);
    expect(rc.stats()).toMatchObject({ entries: 1000, maxEntries: 1000, accepted: 1000, replays: 1000, refusedFull: 3 });
    // the first thousand expire at T0 + skew: then there is room
    const later = T0 + SKEW + 1;
    expect(rc.check(entry(5000, later), later)).toBe(true);
    expect(rc.size).toBe(1);
  });

  it('expired buckets go whole, at most one pass over the buckets a second; an entry is kept until its own expiry', () => {
    const rc = new ReplayCache();
    // ten entries, one per 10-second bucket
    for (let n = 0; n < 10; n++) rc.check(entry(n, T0 + n * 10_000), T0 + n * 10_000);
    expect(rc.size).toBe(10);
    // at T0 + skew + 25 s the first three buckets' entries (T0, T0+10 s, T0+20 s) have expired
    const t = T0 + SKEW + 25_000;
    rc.check(entry(99, t), t);
    expect(rc.size).toBe(8);
    // the fourth (T0 + 30 s) is live until T0 + 30 s + skew: still a replay
    expect(rc.check(entry(3, T0 + 30_000), t)).toBe(false);
  });

  it("the tag is a copy of the ciphertext's last 12 bytes", () => {
    const c = new Uint8Array(randomBytes(150));
    const t = replayTag(c);
    expect(Buffer.from(t).toString('hex')).toBe(Buffer.from(c.subarray(138)).toString('hex'));
    c[149]! ^= 1;
    expect(t[11]).not.toBe(c[149]);
    expect(() => replayTag(new Uint8Array(11))).toThrow(RangeError);
  });

  it('maxEntries must be a positive integer; a number is taken as before', () => {
    expect(() => new ReplayCache(0)).toThrow(RangeError);
    expect(() => new ReplayCache({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(new ReplayCache(7).maxEntries).toBe(7);
    expect(new ReplayCache().maxEntries).toBe(1_000_000);
  });
});
