/**
 * The fuzz targets (fuzz/targets.mjs, on the built dist/ — `npm test` builds first): exactly the
 * targets fuzz/targets.expected.txt lists, so one that vanishes (an export renamed, a codec
 * removed, a module moved) fails `npm test`, not just a fuzz run nobody reads; and each runs on
 * each of its seeds once, ending in a value or one of its allowed errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Target {
  name: string;
  allowed: (abstract new (...a: never[]) => Error)[];
  seeds(): Uint8Array[];
  run(b: Uint8Array): unknown;
}

const fuzz = (await import(new URL('../fuzz/targets.mjs', import.meta.url).href)) as { loadTargets(): Promise<Target[]> };
const targets = await fuzz.loadTargets();

/** The committed list, read here on its own (not through targets.mjs). */
const expected = readFileSync(new URL('../fuzz/targets.expected.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('fuzz targets', () => {
  it('are exactly the ones fuzz/targets.expected.txt lists, each once', () => {
    const names = targets.map((t) => t.name);
    expect(expected.length).toBeGreaterThan(80);
    expect(new Set(expected).size).toBe(expected.length);
    expect(new Set(names).size, 'duplicate target names').toBe(names.length);
    expect({ missing: expected.filter((n) => !names.includes(n)), unexpected: names.filter((n) => !expected.includes(n)) }).toEqual({ missing: [], unexpected: [] });
  });

  it.each(targets.map((t) => [t.name, t] as const))('%s: runs on each of its seeds, ending in a value or an allowed error', async (_name, t) => {
    const seeds = t.seeds();
    expect(seeds.filter((s) => s.length > 0).length, 'non-empty seeds').toBeGreaterThan(0);
    const crashes: string[] = [];
    for (const [i, seed] of seeds.entries()) {
      try {
        await t.run(seed.slice());
      } catch (e) {
        if (!t.allowed.some((C) => e instanceof C))
          crashes.push(`seed ${i} (${Buffer.from(seed).toString('hex').slice(0, 40)}…): ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      }
    }
    expect(crashes).toEqual([]);
  });
});
