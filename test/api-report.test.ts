/**
 * The public surface (issue 12): api/report.md is what the built declarations export (generated
 * by scripts/api-report.mjs with TypeScript's API), the root entry is a small front door (at most
 * 40 runtime names, each documented with an example), and one name means one thing across every
 * subpath. Run after the build (`npm test` builds first).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM script without types
import { apiReport } from '../scripts/api-report.mjs';

interface Name {
  name: string;
  kind: string;
  decl: string;
  example: boolean;
}
const { text, subpaths, runtimeKinds } = apiReport() as { text: string; subpaths: { subpath: string; names: Name[] }[]; runtimeKinds: Set<string> };

describe('the public API', () => {
  it('api/report.md is current (regenerate with node scripts/api-report.mjs)', () => {
    expect(readFileSync(new URL('../api/report.md', import.meta.url), 'utf8')).toBe(text);
  });

  it('tskrb5 (the front door) has at most 40 runtime names, each with JSDoc and an @example', () => {
    const root = subpaths.find((s) => s.subpath === 'tskrb5')!;
    const runtime = root.names.filter((n) => runtimeKinds.has(n.kind));
    expect(runtime.length).toBeLessThanOrEqual(40);
    expect(runtime.filter((n) => !n.example).map((n) => n.name)).toEqual([]);
  });

  it('one name, one meaning: a name exported by two subpaths is the same declaration', () => {
    const seen = new Map<string, Set<string>>();
    for (const s of subpaths) for (const n of s.names) (seen.get(n.name) ?? seen.set(n.name, new Set()).get(n.name)!).add(n.decl);
    expect([...seen].filter(([, d]) => d.size > 1).map(([n]) => n)).toEqual([]);
  });
});
