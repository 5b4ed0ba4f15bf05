import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

describe('package', () => {
  it('is ESM-only, side-effect free, for Node >= 20.19, with a tskrb5 bin', () => {
    expect(pkg.name).toBe('tskrb5');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=20.19');
    expect(Object.keys(pkg.bin)).toEqual(['tskrb5']);
  });

  it('every subpath export has types and a module that loads by its public name', () => {
    for (const [sub, target] of Object.entries(pkg.exports) as [string, { types: string; default: string } | string][]) {
      if (typeof target === 'string') continue;
      expect(existsSync(`${root}${target.types}`), `${sub} types`).toBe(true);
      expect(existsSync(`${root}${target.default}`), `${sub} module`).toBe(true);
    }
    // Self-reference by package name, in a separate Node process: what a user's import does.
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const c = await import('tskrb5/crypto'); const e = await import('tskrb5/errors'); const r = await import('tskrb5'); console.log(typeof c.stringToKey, typeof c.encrypt, typeof e.KerberosError, typeof r.decrypt)"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function function function function');
  });

  it('the subpaths are bundled modules sharing one copy of the code (one class per error, one crypto backend)', () => {
    for (const target of Object.values(pkg.exports) as ({ default: string } | string)[]) {
      if (typeof target !== 'string') expect(target.default).toMatch(/^\.\/dist\/bundle\//);
    }
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        [
          "const m = await import('tskrb5/messages'); const e = await import('tskrb5/errors'); const r = await import('tskrb5');",
          "let err; try { m.APReq.decode(new Uint8Array([1, 2, 3])); } catch (x) { err = x; }",
          "console.log(err.constructor === e.DecodeError, r.DecodeError === e.DecodeError, r.KerberosError === e.KerberosError)",
        ].join('\n'),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('true true true');
  });
});
