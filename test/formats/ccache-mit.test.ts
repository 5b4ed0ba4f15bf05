/**
 * The other direction: caches that encodeCcache writes, read by the real tools. Every fixture of
 * fixtures/mit/ccache/ is decoded and re-encoded (v4, and v3), then MIT klist must list the new
 * file exactly as it listed the original (NAME.klist.txt, the "Ticket cache:" line aside), and
 * Heimdal's klist must read it too. A cache built from scratch with configEntry is listed by MIT
 * klist -C with its config lines. Skips visibly when the tools are missing (never in CI).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM helper of the interop harness, no types
import { heimdalBin, heimdalEnv, which } from '../interop/realm.mjs';
import { configEntry, decodeCcache, encodeCcache, type Ccache } from '../../src/formats/index.js';
import { utf8 } from '../../src/util/bytes.js';

const IN_CI = process.env.CI === 'true';
const mitKlist: string | null = which('klist');
const heimdalKlist: string | null = heimdalBin('klist');
const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);
const file = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const text = (n: string) => readFileSync(new URL(n, dir), 'utf8');
const meta = JSON.parse(text('ccaches.json')) as { fixtures: { file: string; members?: Record<string, string> }[] };
const FILES = [
  ...meta.fixtures.filter((f) => f.file !== 'dir/').map((f) => f.file),
  ...meta.fixtures.filter((f) => f.file === 'dir/').flatMap((f) => Object.keys(f.members ?? {}).map((n) => `dir/${n}`)),
];

const work = mkdtempSync(join(tmpdir(), 'tskrb5-ccache-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = { ...process.env, TZ: 'UTC', LANG: 'C', LC_ALL: 'C', KRB5_CONFIG: '/dev/null' };
function klist(path: string, args: string[]): string {
  return execFileSync(mitKlist!, ['-c', `FILE:${path}`, ...args], { env: { ...env, KRB5CCNAME: `FILE:${path}` }, encoding: 'utf8' });
}
const body = (listing: string) => listing.replace(/^Ticket cache: .*\n/, '');

describe.skipIf(!IN_CI && !mitKlist)('MIT klist reads what encodeCcache writes', () => {
  it('klist is installed (krb5-user; test/interop/install.sh)', () => expect(mitKlist).toBeTruthy());

  describe.each(FILES)('%s', (name) => {
    const cc = decodeCcache(file(name));
    const args = name.startsWith('heimdal') ? ['-e', '-f'] : ['-e', '-f', '-A', '-C'];
    it.each([4, 3] as const)('re-encoded as version %i, listed exactly as the original', (version) => {
      const path = join(work, `${name.replace('/', '_')}.v${version}`);
      writeFileSync(path, encodeCcache(cc, { version }), { mode: 0o600 });
      expect(body(klist(path, args))).toBe(body(text(`${name}.klist.txt`)));
    });
  });

  it('a cache built from scratch: config entries with and without a principal, a real ticket', () => {
    const src = decodeCcache(file('v4-kvno.ccache'));
    const cc: Ccache = {
      version: 4,
      header: [{ tag: 1, kdcOffset: { seconds: -3, microseconds: 250 } }],
      defaultPrincipal: src.defaultPrincipal,
      credentials: [src.credentials[0]!],
      config: [configEntry('start_realm', utf8('TSKRB5.TEST')), configEntry('pa_type', utf8('2'), 'krbtgt/TSKRB5.TEST@TSKRB5.TEST')],
    };
    const path = join(work, 'scratch');
    writeFileSync(path, encodeCcache(cc), { mode: 0o600 });
    const out = klist(path, ['-e', '-f', '-C']);
    expect(out).toContain('Default principal: alice@TSKRB5.TEST');
    expect(out).toContain('config: start_realm = TSKRB5.TEST');
    expect(out).toContain('config: pa_type(krbtgt/TSKRB5.TEST@TSKRB5.TEST) = 2');
    expect(out).toMatch(/krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST\n\tFlags: \w+, Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96/);
    // without -C the config entries are hidden, as in any MIT-written cache
    expect(klist(path, ['-e', '-f'])).not.toContain('config:');
  });
});

describe.skipIf(!IN_CI && !heimdalKlist)('Heimdal klist reads what encodeCcache writes', () => {
  it.each(['v4-kvno.ccache', 'v1-kvno.ccache', 'heimdal.ccache'])('%s re-encoded as version 4', (name) => {
    expect(heimdalKlist, 'Heimdal not unpacked: run test/interop/install.sh').toBeTruthy();
    const cc = decodeCcache(file(name));
    const path = join(work, `heimdal-${name}`);
    writeFileSync(path, encodeCcache(cc), { mode: 0o600 });
    // Heimdal's klist is a link to heimtools, which dispatches on argv[0]
    const r = spawnSync(heimdalKlist!, ['-c', `FILE:${path}`], { env: heimdalEnv({ ...env, KRB5CCNAME: `FILE:${path}` }), argv0: 'klist', encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/Principal: alice@TSKRB5\.TEST/);
    for (const c of cc.credentials) expect(out).toContain(`${c.server.components.join('/')}@${c.server.realm}`);
  });
});
