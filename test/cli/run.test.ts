import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { help, main, runAsync } from '../../src/cli/run.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };

describe('tskrb5 command', () => {
  it('prints help and version, and refuses unknown commands with status 2', () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(
      main(
        ['--version'],
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(0);
    expect(out).toEqual([pkg.version]);
    expect(main([], (s) => out.push(s))).toBe(0);
    expect(out[1]).toBe(help());
    expect(help()).toMatch(/klist/);
    expect(
      main(
        ['frobnicate'],
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err[0]).toMatch(/unknown command 'frobnicate'/);
  });

  it('lists only commands that exist: none "(coming)"; kdc and demo arrived with the embedded KDC', async () => {
    expect(help()).not.toMatch(/coming|not implemented/i);
    const listed = help()
      .split('\n')
      .slice(help().split('\n').indexOf('Commands:') + 1)
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual(['klist', 'kinit', 'kvno', 'kswitch', 'kdestroy', 'decode', 'fetch', 'kdc', 'demo']);
    {
      const err: string[] = [];
      expect(
        main(
          ['kdcx'],
          () => {},
          (s) => err.push(s),
        ),
      ).toBe(2);
      expect(err[0]).toMatch(/unknown command 'kdcx'/);
    }
    // each listed command runs (its --help answers, status 0)
    for (const c of listed) {
      const out: string[] = [];
      expect(
        await runAsync(
          [c!, '--help'],
          (s) => out.push(s),
          () => {},
        ),
        c,
      ).toBe(0);
      expect(out.join('\n'), c).toMatch(/usage/i);
    }
  });

  it('the built bin runs as a program', () => {
    // `npm test` builds first; the bin path comes from package.json.
    const bin = new URL(`../../${pkg.bin.tskrb5}`, import.meta.url).pathname;
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
    const r = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    // klist -V from the bundle reads the package's version (it printed "unknown" when the
    // bundled module looked three directories up)
    expect(execFileSync(process.execPath, [bin, 'klist', '-V'], { encoding: 'utf8' })).toBe(`tskrb5 version ${pkg.version}\n`);
  });
});
