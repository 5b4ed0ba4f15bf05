/**
 * FAST (RFC 6113) on the embedded KDC's side (`fast: true`), judged by MIT krb5 1.20's client:
 * `kinit -T` with an armor cache from a keytab login is armored, pre-authenticated by encrypted
 * challenge inside the armor, and takes our KDC's challenge, strengthened reply key and
 * `finished` (MIT's trace says each step); FAST negotiation through PA-REQ-ENC-PA-REP leaves
 * `fast_avail` in the caches; MIT kvno's TGS requests are armored implicitly and its tickets open
 * with the service's keytab; a wrong password inside the armor is MIT's "Password incorrect";
 * a PREAUTH_REQUIRED outside the armor offers PA-FX-FAST and MIT upgrades to it. Without
 * `fast`, nothing of FAST is offered. Under CI=true a missing peer is a failure.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd } from '../interop/realm.mjs';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';

const IN_CI = process.env.CI === 'true';
const REALM = 'FAST.TSKRB5.TEST';
const missing: string[] = missingPeers(['kinit', 'klist', 'kvno']);
const skip = !IN_CI && missing.length > 0;

describe.skipIf(skip)(`FAST on the embedded KDC, with MIT's client${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let kdc: RunningKdc;
  let plain: RunningKdc;
  let dir: string;
  let n = 0;
  /** Runs an MIT tool with a cache of its own and a KRB5_TRACE file; returns the result and the trace. */
  const mit = async (k: RunningKdc, cmd: string, args: string[], cc: string, input?: string) => {
    const trace = join(dir, `trace-${++n}`);
    const r = await runCmd(cmd, args, { env: { ...process.env, ...k.env, KRB5CCNAME: `FILE:${join(dir, cc)}`, KRB5_TRACE: trace }, input });
    let t = '';
    try {
      t = readFileSync(trace, 'utf8');
    } catch {
      t = '';
    }
    return { ...r, trace: t };
  };
  const armorFor = async (k: RunningKdc, name: string) => {
    const kt = join(dir, `${name}.keytab`);
    k.keytab('host/ws', kt);
    const a = await mit(k, 'kinit', ['-k', '-t', kt, 'host/ws'], `${name}.armor`);
    expect(a.code, a.stderr).toBe(0);
    return `FILE:${join(dir, `${name}.armor`)}`;
  };

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-fast-'));
    chmodSync(dir, 0o755);
    const principals = [{ name: 'alice', password: 'alice-Pa55' }, { name: 'host/ws' }, { name: 'HTTP/web' }];
    kdc = await startKdc({ realm: REALM, fast: true, principals });
    plain = await startKdc({ realm: `PLAIN.${REALM}`, principals });
  });
  afterAll(async () => {
    await kdc?.stop();
    await plain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('MIT kinit -T: armored, encrypted challenge inside the armor, our KDC challenge and strengthened reply key taken; fast_avail stored', async () => {
    const armor = await armorFor(kdc, 'a');
    const r = await mit(kdc, 'kinit', ['-T', armor, 'alice'], 'alice.cc', 'alice-Pa55\n');
    expect(r.code, r.stderr + r.trace.slice(-3000)).toBe(0);
    expect(r.trace).toContain('Encoding request body and padata into FAST request');
    expect(r.trace).toMatch(/Preauth module encrypted_challenge \(138\) \(real\) returned: 0\/Success/);
    expect(r.trace).toContain('FAST reply key');
    expect(r.trace).toContain('FAST negotiation: available');
    expect(r.trace).toMatch(/Storing config in \S+ for krbtgt\/FAST\.TSKRB5\.TEST@FAST\.TSKRB5\.TEST: fast_avail: yes/);
    const l = await mit(kdc, 'klist', ['-f'], 'alice.cc');
    expect(l.stdout).toContain(`Default principal: alice@${REALM}`);
    expect(l.stdout).toMatch(new RegExp(`krbtgt/${REALM.replace(/\./g, '\\.')}@${REALM.replace(/\./g, '\\.')}\\n\\s+Flags: \\w*I`));
  });

  it("MIT kvno with that cache: its TGS request armored implicitly, our FAST reply taken, the ticket opens with the service's keytab", async () => {
    const kt = join(dir, 'web.keytab');
    kdc.keytab('HTTP/web', kt);
    const r = await mit(kdc, 'kvno', ['-k', kt, 'HTTP/web'], 'alice.cc');
    expect(r.code, r.stderr + r.trace.slice(-3000)).toBe(0);
    expect(r.stdout).toContain(`HTTP/web@${REALM}: kvno = 1, keytab entry valid`);
    expect(r.trace).toContain('Encoding request body and padata into FAST request');
    expect(r.trace).toContain('Decoding FAST response');
    expect(r.trace).toContain('FAST reply key');
  });

  it('a wrong password inside the armor: the PREAUTH_FAILED inside PA-FX-ERROR, MIT says "Password incorrect"', async () => {
    const armor = await armorFor(kdc, 'b');
    const r = await mit(kdc, 'kinit', ['-T', armor, 'alice'], 'wrong.cc', 'not-the-password\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Password incorrect');
    expect(r.trace).toContain('Decoding FAST response');
  });

  it('a plain MIT kinit (no armor cache): FAST offered in PREAUTH_REQUIRED, encrypted timestamp still works; then kvno armors its TGS', async () => {
    const r = await mit(kdc, 'kinit', ['alice'], 'plain-alice.cc', 'alice-Pa55\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.trace).toMatch(/Processing preauth types: .*PA-FX-FAST \(136\)/);
    expect(r.trace).toContain('FAST negotiation: available');
    const v = await mit(kdc, 'kvno', ['HTTP/web'], 'plain-alice.cc');
    expect(v.code, v.stderr).toBe(0);
    expect(v.trace).toContain('FAST reply key');
  });

  it('without fast: nothing of FAST offered (no PA-FX-FAST in PREAUTH_REQUIRED, FAST negotiation unavailable)', async () => {
    const r = await mit(plain, 'kinit', ['alice'], 'noffast.cc', 'alice-Pa55\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.trace).toMatch(/Processing preauth types: /);
    expect(r.trace).not.toMatch(/Processing preauth types: .*PA-FX-FAST/);
    expect(r.trace).toContain('FAST negotiation: unavailable');
  });
});
