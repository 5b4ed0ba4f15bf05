/**
 * The built CLI's `tskrb5 demo` (what `npm start` runs) and `tskrb5 kdc`. The demo runs with no
 * Kerberos program on PATH and no krb5.conf, and must leave the user's cache alone; `tskrb5 kdc`
 * is judged by MIT kinit and kvno -k, using the krb5.conf and keytab it writes. Needs `npm run
 * build`. Under CI=true a missing MIT tool is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd } from '../interop/realm.mjs';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'dist/cli/tskrb5.cjs');
const work = mkdtempSync(join(tmpdir(), 'tskrb5-cli-kdc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('tskrb5 demo (npm start)', () => {
  it('npm start runs the demo', () => {
    expect(pkg.scripts.start).toMatch(/&& node dist\/cli\/tskrb5\.cjs demo$/);
  });

  it('runs the whole flow with no Kerberos installed (PATH: node alone, no krb5.conf), exits 0, and leaves the user cache alone', () => {
    const userCache = join(work, 'user-cache');
    const r = spawnSync(process.execPath, [bin, 'demo'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: dirname(process.execPath), HOME: work, TMPDIR: work, KRB5CCNAME: `FILE:${userCache}`, KRB5_CONFIG: join(work, 'no-such-krb5.conf') },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const o = r.stdout;
    expect(o).toMatch(/1\. KDC for DEMO\.TSKRB5\.TEST on 127\.0\.0\.1:\d+ \(UDP and TCP\)/);
    expect(o).toMatch(/Default principal: alice@DEMO\.TSKRB5\.TEST/);
    expect(o).toMatch(/krbtgt\/DEMO\.TSKRB5\.TEST@DEMO\.TSKRB5\.TEST\n\s+Flags: FIA, Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96/);
    expect(o).toContain('← 401  WWW-Authenticate: Negotiate\n');
    expect(o).toMatch(
      /Authorization: Negotiate SPNEGO NegTokenInit mechs \[krb5, krb5 \(MS\)\]; AP-REQ: ticket for HTTP\/localhost@DEMO\.TSKRB5\.TEST \(aes256-cts-hmac-sha1-96, kvno 1\), mutual-required/,
    );
    expect(o).toContain('web server saw alice@DEMO.TSKRB5.TEST (local user alice); delegated credentials: yes');
    expect(o).toMatch(/groups \(from the ticket's PAC, verified\): Domain Users \(…-513\), staff \(…-1100\), developers \(…-1101\)/);
    expect(o).toMatch(/backend saw alice@DEMO\.TSKRB5\.TEST \(local user alice\), GET \/orders/);
    expect(o).toMatch(/← 200 {2}WWW-Authenticate: Negotiate SPNEGO NegTokenResp accept-completed, mech krb5; AP-REP/);
    expect(o).toContain('mutual authentication: verified');
    expect(o).toMatch(/TGS_REQ 127\.0\.0\.1: ISSUE: .* for HTTP\/127\.0\.0\.1@DEMO\.TSKRB5\.TEST/);
    expect(o).toMatch(/7\. stopped the KDC and both servers, removed (\S+) — total \d+ ms/);
    const removed = /removed (\S+) —/.exec(o)![1]!;
    expect(existsSync(removed)).toBe(false);
    expect(existsSync(userCache)).toBe(false);
  }, 90_000);
});

const missing: string[] = missingPeers(['kinit', 'kvno', 'klist']);
const skip = process.env.CI !== 'true' && missing.length > 0;

describe.skipIf(skip)(`tskrb5 kdc${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  it('usage errors exit 2 with the usage', () => {
    for (const args of [[], ['--realm'], ['--realm', 'R', '--user', 'nocolon'], ['--realm', 'R', '--listen', 'x'], ['--realm', 'R', '--bogus']]) {
      const r = spawnSync(process.execPath, [bin, 'kdc', ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^tskrb5 kdc: .*\nUsage: tskrb5 kdc --realm REALM/);
    }
  });

  it('--config: a JSON description (realm, users with groups, services, no-preauth flag) served to MIT kinit; its services in the keytab', async () => {
    const cfg = join(work, 'kdc.json');
    const conf = join(work, 'json-krb5.conf');
    const kt = join(work, 'json.keytab');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      cfg,
      JSON.stringify({ realm: 'JSON.TSKRB5.TEST', principals: [{ name: 'carol', password: 'carol-pw', requiresPreauth: false, groups: ['ops'] }, { name: 'host/json.test' }] }),
    );
    const child = spawn(process.execPath, [bin, 'kdc', '--config', cfg, '--keytab', kt, '--write-krb5-conf', conf, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('tskrb5 kdc --config did not start')), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/keytab: /.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    try {
      expect(out).toContain('realm JSON.TSKRB5.TEST listening on 127.0.0.1:');
      expect(out).toContain(`keytab: ${kt} (host/json.test)`);
      const env = { ...process.env, KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${join(work, 'json.cc')}` };
      const k = await runCmd('kinit', ['carol'], { env, input: 'carol-pw\n' });
      expect(k.code, k.stderr).toBe(0);
      const v = await runCmd('kvno', ['-k', kt, 'host/json.test@JSON.TSKRB5.TEST'], { env });
      expect(v.stdout).toContain('host/json.test@JSON.TSKRB5.TEST: kvno = 1, keytab entry valid');
      const l = await runCmd('klist', ['-f'], { env });
      expect(l.stdout).toMatch(/Flags: FI\b/); // no pre-authentication, as the JSON says
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((r) => child.once('exit', (c) => r(c)))).toBe(0);
  }, 60_000);

  it('serves MIT kinit and kvno -k with the krb5.conf and keytab it writes; a log line per exchange; SIGTERM stops it (exit 0)', async () => {
    const conf = join(work, 'krb5.conf');
    const kt = join(work, 'services.keytab');
    const child = spawn(
      process.execPath,
      [bin, 'kdc', '--realm', 'CLI.TSKRB5.TEST', '--user', 'alice:al:ice-pw', '--service', 'HTTP/web.cli.test', '--keytab', kt, '--write-krb5-conf', conf],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let errText = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (errText += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tskrb5 kdc did not start: ${errText}`)), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/keytab: /.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    try {
      expect(out).toMatch(/^tskrb5 kdc: realm CLI\.TSKRB5\.TEST listening on 127\.0\.0\.1:\d+ \(UDP and TCP\)\n/);
      const env = { ...process.env, KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${join(work, 'cli.cc')}` };
      const k = await runCmd('kinit', ['alice'], { env, input: 'al:ice-pw\n' });
      expect(k.stderr).toBe('');
      expect(k.code).toBe(0);
      const v = await runCmd('kvno', ['-k', kt, 'HTTP/web.cli.test@CLI.TSKRB5.TEST'], { env });
      expect(v.stderr).toBe('');
      expect(v.stdout).toContain('HTTP/web.cli.test@CLI.TSKRB5.TEST: kvno = 1, keytab entry valid');
      expect(errText).toMatch(/udp AS_REQ .*KDC_ERR_PREAUTH_REQUIRED, alice@CLI\.TSKRB5\.TEST/);
      expect(errText).toMatch(/(?:udp|tcp) TGS_REQ .*ISSUE: .*alice@CLI\.TSKRB5\.TEST for HTTP\/web\.cli\.test@CLI\.TSKRB5\.TEST/);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(out).toMatch(/tskrb5 kdc: stopped\n$/);
  }, 60_000);
});
