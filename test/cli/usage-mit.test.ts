/**
 * Usage errors of `tskrb5 klist`, `kinit`, `kvno`, `kdestroy` and `kswitch` (the bundled
 * binary) against MIT krb5 1.20's tools run live with the same arguments: the same exit status
 * (MIT: klist 1, kinit 2, kvno 1, kdestroy 2, kswitch 2), nothing on stdout, the message and
 * usage on stderr. And `klist -V` in MIT's shape (`Kerberos 5 version 1.20.1` → `tskrb5
 * version X.Y.Z`).
 *
 * In CI (CI=true) missing MIT tools are a failure; elsewhere the suite is skipped visibly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, which } from '../interop/realm.mjs';

const IN_CI = process.env.CI === 'true';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const TOOLS = ['klist', 'kinit', 'kvno', 'kdestroy', 'kswitch'];
const missing: string[] = missingPeers(TOOLS);

const CASES: [string, string[], string][] = [
  ['klist', ['-Z'], 'a bad option'],
  ['klist', ['--bogus'], 'a bad long option'],
  ['klist', ['a', 'b'], 'an extra operand'],
  ['klist', ['-n'], '-n without -a'],
  ['klist', ['-k', '-f'], 'a cache option with -k'],
  ['klist', ['-V', '-Z'], '-V with a bad option'],
  ['klist', ['-V', 'a', 'b'], '-V with an extra operand'],
  ['kinit', ['-Z'], 'a bad option'],
  ['kinit', ['--bogus'], 'a bad long option'],
  ['kinit', ['-c'], 'a missing argument'],
  ['kinit', ['-l'], 'a missing argument'],
  ['kinit', ['a', 'b'], 'an extra operand'],
  ['kinit', ['-l', 'bogus', 'x'], 'a bad lifetime'],
  ['kvno', [], 'no service'],
  ['kvno', ['-Z'], 'a bad option'],
  ['kvno', ['--bogus', 'x'], 'a bad long option'],
  ['kvno', ['-c'], 'a missing argument'],
  ['kvno', ['-e'], 'a missing argument'],
  ['kvno', ['-U'], 'a missing argument'],
  ['kvno', ['-P', 'HTTP/x'], '-P without -U or -I'],
  ['kdestroy', ['-Z'], 'a bad option'],
  ['kdestroy', ['--bogus'], 'a bad long option'],
  ['kdestroy', ['-c'], 'a missing argument'],
  ['kdestroy', ['-p'], 'a missing argument'],
  ['kdestroy', ['a'], 'an operand'],
  ['kdestroy', ['-A', '-p', 'x'], '-A with -p'],
  ['kswitch', [], 'neither -c nor -p'],
  ['kswitch', ['-Z'], 'a bad option'],
  ['kswitch', ['-c'], 'a missing argument'],
  ['kswitch', ['-p'], 'a missing argument'],
  ['kswitch', ['a'], 'an operand'],
  ['kswitch', ['-c', 'a', '-p', 'b'], 'both -c and -p'],
];

describe.skipIf(!IN_CI && missing.length > 0)('usage errors: tskrb5 against MIT krb5 1.20 (klist, kinit, kvno, kdestroy, kswitch), live', () => {
  const work = mkdtempSync(join(tmpdir(), 'tskrb5-usage-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // Nothing to find and nothing to destroy, should a case get that far.
  const env = { ...process.env, KRB5_CONFIG: join(work, 'krb5.conf'), KRB5CCNAME: `FILE:${join(work, 'cc')}`, KRB5_TRACE: '' };
  delete (env as Record<string, string | undefined>).KRB5_TRACE;
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { env, input: '', encoding: 'utf8', timeout: 10_000 });

  it('MIT tools are present', () => {
    if (missing.length) throw new Error(`MIT tools missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
  });

  it.each(CASES)('%s %j (%s): the exit status MIT gives, usage on stderr, nothing on stdout', (tool, args) => {
    const mit = run(which(tool), args);
    const ours = run(process.execPath, [BIN, tool, ...args]);
    // MIT's side, as recorded when this test was written: usage goes to stderr with a status
    expect(mit.stdout).toBe('');
    expect(mit.stderr).not.toBe('');
    expect(mit.status).not.toBe(0);
    expect({ status: ours.status, stdout: ours.stdout }).toEqual({ status: mit.status, stdout: '' });
    expect(ours.stderr).toMatch(/usage:|Usage:/);
  });

  it("klist -V: MIT's line shape (product, 'version', version), on stdout, status 0", () => {
    const mit = run(which('klist'), ['-V']);
    expect(mit.status).toBe(0);
    expect(mit.stderr).toBe('');
    const shape = /^(.+) version (\S+)\n$/;
    expect(mit.stdout).toMatch(shape);
    expect(shape.exec(mit.stdout)![1]).toBe('Kerberos 5');
    const ours = run(process.execPath, [BIN, 'klist', '-V']);
    expect({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ status: 0, stdout: `tskrb5 version ${pkg.version}\n`, stderr: '' });
    expect(ours.stdout).toMatch(shape);
  });
});
