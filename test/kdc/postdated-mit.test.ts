/**
 * Postdated tickets and their validation (RFC 4120 §2.2, KDC option VALIDATE) on the embedded
 * KDC, beside MIT's krb5kdc doing the same in the same run: MIT `kinit -s 3s` gets a TGT marked
 * postdated and invalid; before its start time MIT kvno and `kinit -v` are refused ("Ticket not
 * yet valid"); after it, `kinit -v` gets the TGT issued again without INVALID, and kvno works.
 * Each step's output from our KDC equals MIT krb5kdc's (klist's flag letters, the errors). Under
 * CI=true a missing peer is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd, startRealm } from '../interop/realm.mjs';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';

const IN_CI = process.env.CI === 'true';
const REALM = 'POSTDATED.TSKRB5.TEST';
const missing: string[] = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno']);
const skip = !IN_CI && missing.length > 0;

describe.skipIf(skip)(`postdated tickets and VALIDATE, our KDC beside MIT krb5kdc${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let ours: RunningKdc;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let mitRealm: any;
  let dir: string;
  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-postdated-'));
    ours = await startKdc({ realm: REALM, principals: [{ name: 'alice', password: 'alice-Pa55' }, { name: 'HTTP/web' }] });
    mitRealm = await startRealm({ realm: REALM });
    await mitRealm.addPrincipal('alice', { password: 'alice-Pa55' });
    await mitRealm.addPrincipal('HTTP/web', { randkey: true });
  }, 120_000);
  afterAll(async () => {
    await ours?.stop();
    await mitRealm?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The flag letters of the krbtgt line in `klist -f`. */
  const tgtFlags = (klist: string) => /krbtgt\/\S+\n\s+Flags: (\w+)/.exec(klist)?.[1];

  it('kinit -s, kvno and kinit -v before the start, kinit -v and kvno after: the same results from both KDCs', async () => {
    const steps = async (env: Record<string, string | undefined>) => {
      const run = (cmd: string, args: string[], input?: string) => runCmd(cmd, args, { env, input });
      const out: Record<string, unknown> = {};
      const k = await run('kinit', ['-s', '4s', 'alice'], 'alice-Pa55\n');
      out.kinit = k.code;
      out.flagsBefore = tgtFlags((await run('klist', ['-f'])).stdout);
      const early = await run('kvno', ['HTTP/web']);
      out.kvnoEarly = [early.code, early.stderr.trim()];
      const v1 = await run('kinit', ['-v']);
      out.validateEarly = [v1.code, v1.stderr.trim()];
      return { out, run };
    };
    const envOf = (k: { env: Record<string, string> }, cc: string) => ({ ...process.env, ...k.env, KRB5CCNAME: `FILE:${join(dir, cc)}` });
    const [a, b] = await Promise.all([steps(envOf(ours, 'ours.cc')), steps(envOf(mitRealm, 'mit.cc'))]);
    await new Promise((r) => setTimeout(r, 4500));
    for (const s of [a, b]) {
      const v = await s.run('kinit', ['-v']);
      s.out.validate = [v.code, v.stderr.trim()];
      s.out.flagsAfter = tgtFlags((await s.run('klist', ['-f'])).stdout);
      const k = await s.run('kvno', ['HTTP/web']);
      s.out.kvno = [k.code, k.stdout.trim().replace(/kvno = \d+/, 'kvno = N')];
    }
    expect(a.out.kinit).toBe(0);
    expect(a.out.flagsBefore).toMatch(/d.*i/);
    expect(a.out.kvnoEarly).toEqual([1, 'kvno: Ticket not yet valid while getting credentials for HTTP/web@' + REALM]);
    expect(a.out.validate).toEqual([0, '']);
    expect(a.out.flagsAfter).not.toMatch(/i/);
    // our KDC's answers are MIT krb5kdc's, step by step
    expect(a.out).toEqual(b.out);
  }, 60_000);
});
