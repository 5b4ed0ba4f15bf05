/**
 * `tskrb5 kinit` and `tskrb5 kvno` (the bundled binary, as a user runs it) against MIT krb5 1.20
 * in a throwaway realm, judged by MIT's own tools: MIT `klist` lists what our kinit wrote, MIT
 * `kvno` and `curl --negotiate` (libcurl → MIT GSS-API → Apache mod_auth_gssapi) work from our
 * cache, our kvno works from MIT kinit's cache and its ticket decrypts with the service's MIT
 * keytab; keytab login, renewal, DIR collections (the new member and the switch MIT's kinit
 * makes), and the errors a person meets.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, runCmd, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startApache, apacheMissing } from '../interop/apache.mjs';
import { decodeCcache } from '../../src/formats/index.js';

const IN_CI = process.env.CI === 'true';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;

function curlMissing(): string[] {
  const curl = which('curl');
  if (!curl) return ['curl'];
  const v = execFileSync(curl, ['-V'], { encoding: 'utf8' });
  return /\bSPNEGO\b/.test(v) ? [] : ['curl with SPNEGO'];
}
const missing: string[] = [...missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno']), ...apacheMissing(), ...curlMissing()];

describe.skipIf(!IN_CI && missing.length > 0)('tskrb5 kinit / kvno against MIT krb5kdc, klist, kvno, curl and Apache', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any, apache: any;
  const R = 'TSKRB5.TEST';
  const PW = 'Kinit-Pa55word!';
  let n = 0;

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R, extraLibdefaults: '  renew_lifetime = 2h\n' });
    for (const u of ['alice', 'bob', 'carol']) await realm.addPrincipal(u, { password: PW });
    apache = await startApache({ realm });
  }, 60_000);
  afterAll(async () => {
    await apache?.stop();
    await realm?.stop();
  });

  const cache = () => `FILE:${realm.dir}/cc-${++n}`;
  /** Our binary, with the realm's environment plus `env`. */
  const ours = (args: string[], o: { input?: string; env?: Record<string, string> } = {}) =>
    runCmd('node', [BIN, ...args], { env: { ...realm.env, ...(o.env ?? {}) }, input: o.input });
  const mit = (cmd: string, args: string[], env: Record<string, string> = {}) => realm.run(cmd, args, { env });

  it('our kinit (password on stdin) → MIT klist lists the TGT and the pa_type config entry', async () => {
    const cc = cache();
    const k = await ours(['kinit', '-c', cc, 'alice'], { input: `${PW}\n` });
    expect(k.code, k.stderr).toBe(0);
    const l = await mit('klist', ['-e', '-f', '-C', '-c', cc]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`Default principal: alice@${R}`);
    expect(l.stdout).toContain(`config: pa_type(krbtgt/${R}@${R}) = 2`);
    // forwardable = true in the realm's krb5.conf; renew_lifetime = 2h: as MIT's kinit would ask.
    const row = new RegExp(`krbtgt/${R}@${R}\\n\\trenew until [^\\n]+, Flags: FRIA\\n\\tEtype \\(skey, tkt\\): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96`);
    expect(l.stdout).toMatch(row);
    // MIT's kinit, same krb5.conf: the same flags and enctypes.
    const mcc = cache();
    expect((await realm.kinit('alice', PW, ['-c', mcc])).code).toBe(0);
    expect((await mit('klist', ['-e', '-f', '-c', mcc])).stdout).toMatch(row);
  });

  it('MIT kvno and curl --negotiate (Apache mod_auth_gssapi) work from the cache our kinit wrote', async () => {
    const cc = cache();
    expect((await ours(['kinit', '-c', cc, 'bob'], { input: `${PW}\n` })).code).toBe(0);
    const v = await mit('kvno', ['-c', cc, apache.principal]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/HTTP\/localhost@TSKRB5\.TEST: kvno = \d+/);
    const c = await mit('curl', ['-sS', '-w', '\n%{http_code}', '--negotiate', '-u', ':', apache.httpUrl], { KRB5CCNAME: cc });
    expect(c.code, c.stderr).toBe(0);
    const lines = c.stdout.trim().split('\n');
    expect(lines.pop()).toBe('200');
    expect(lines.join('\n')).toContain(`user=bob@${R}`);
  });

  it('MIT kinit → our kvno gets and caches the ticket; -k checks it against the MIT keytab; MIT klist sees it', async () => {
    const cc = cache();
    expect((await realm.kinit('carol', PW, ['-c', cc])).code).toBe(0);
    await realm.addPrincipal('HTTP/kvno.tskrb5.test', { randkey: true, enctypes: ['aes128-cts-hmac-sha256-128'] });
    const kt = join(realm.dir, 'kvno.keytab');
    await realm.ktadd(`HTTP/kvno.tskrb5.test@${R}`, kt);
    const v = await ours(['kvno', '-c', cc, '-k', kt, 'HTTP/kvno.tskrb5.test']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`HTTP/kvno.tskrb5.test@${R}: kvno = 1, keytab entry valid\n`);
    const l = await mit('klist', ['-e', '-c', cc]);
    expect(l.stdout).toMatch(/HTTP\/kvno\.tskrb5\.test@TSKRB5\.TEST\n\t(?:renew until [^\n]+, )?Etype \(skey, tkt\): [a-z0-9-]+, aes128-cts-hmac-sha256-128/);
    // MIT kvno finds our stored ticket and checks it with the keytab too.
    const m = await mit('kvno', ['-c', cc, '-k', kt, 'HTTP/kvno.tskrb5.test']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('keytab entry valid');
    // -e asks for the session-key enctype.
    const e = await ours(['kvno', '-c', cc, '-e', 'aes128-cts-hmac-sha256-128', apache.principal]);
    expect(e.code, e.stderr).toBe(0);
    const l2 = await mit('klist', ['-e', '-c', cc]);
    expect(l2.stdout).toMatch(/HTTP\/localhost@TSKRB5\.TEST\n\t(?:renew until [^\n]+, )?Etype \(skey, tkt\): aes128-cts-hmac-sha256-128, /);
  });

  it('keytab login: kinit -k -t with a kadmin.local ktadd keytab', async () => {
    await realm.addPrincipal('svc/batch.tskrb5.test', { randkey: true });
    const kt = join(realm.dir, 'svc.keytab');
    await realm.ktadd(`svc/batch.tskrb5.test@${R}`, kt);
    const cc = cache();
    const k = await ours(['kinit', '-k', '-t', kt, '-c', cc, `svc/batch.tskrb5.test@${R}`]);
    expect(k.code, k.stderr).toBe(0);
    const l = await mit('klist', ['-c', cc]);
    expect(l.stdout).toContain(`Default principal: svc/batch.tskrb5.test@${R}`);
    const v = await mit('kvno', ['-c', cc, apache.principal]);
    expect(v.code, v.stderr).toBe(0);
    // A keytab without the principal: a clear error.
    const e = await ours(['kinit', '-k', '-t', kt, '-c', cache(), `alice@${R}`]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`kinit: keytab ${kt} has no key for alice@${R}`);
  });

  it('kinit -R renews: MIT klist shows a later expiry, the same renew-until', async () => {
    const cc = cache();
    expect((await ours(['kinit', '-c', cc, '-l', '10m', '-r', '1h', 'alice'], { input: `${PW}\n` })).code).toBe(0);
    const before = decodeCcache(new Uint8Array(readFileSync(cc.slice(5)))).credentials[0]!;
    await new Promise((r) => setTimeout(r, 1100));
    const k = await ours(['kinit', '-R', '-c', cc]);
    expect(k.code, k.stderr).toBe(0);
    const after = decodeCcache(new Uint8Array(readFileSync(cc.slice(5)))).credentials[0]!;
    expect(after.starttime.getTime()).toBeGreaterThan(before.starttime.getTime());
    expect(after.renewTill.getTime()).toBe(before.renewTill.getTime());
    expect(after.authtime.getTime()).toBe(before.authtime.getTime());
    const l = await mit('klist', ['-c', cc]);
    expect(l.code, l.stderr).toBe(0);
    expect((await mit('kvno', ['-c', cc, apache.principal])).code).toBe(0);
  });

  it('a DIR collection: our kinit of a second user adds a member and switches to it, as MIT kinit does', async () => {
    const dir = join(realm.dir, `dircol-${++n}`);
    mkdirSync(dir, { mode: 0o700 });
    const env = { KRB5CCNAME: `DIR:${dir}` };
    expect((await realm.kinit('alice', PW, [], { env })).code).toBe(0);
    const k = await ours(['kinit', 'bob'], { input: `${PW}\n`, env });
    expect(k.code, k.stderr).toBe(0);
    const l = await mit('klist', ['-l'], env);
    expect(l.code, l.stderr).toBe(0);
    const rows = l.stdout.split('\n').filter((x: string) => /@TSKRB5\.TEST/.test(x));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^bob@TSKRB5\.TEST\s+DIR::/); // the primary, listed first
    expect(rows[1]).toMatch(/^alice@TSKRB5\.TEST\s+DIR::/);
    // kinit alice again reuses alice's member (no third cache) and switches back.
    expect((await ours(['kinit', 'alice'], { input: `${PW}\n`, env })).code).toBe(0);
    const l2 = await mit('klist', ['-l'], env);
    const rows2 = l2.stdout.split('\n').filter((x: string) => /@TSKRB5\.TEST/.test(x));
    expect(rows2).toHaveLength(2);
    expect(rows2[0]).toMatch(/^alice@TSKRB5\.TEST/);
    // MIT kvno uses the primary (ours) without -c.
    expect((await mit('kvno', [apache.principal], env)).code).toBe(0);
  });

  it('kinit -S: an initial ticket for a service instead of krbtgt; MIT klist lists just that', async () => {
    const cc = cache();
    const k = await ours(['kinit', '-S', apache.principal, '-c', cc, 'alice'], { input: `${PW}\n` });
    expect(k.code, k.stderr).toBe(0);
    const l = await mit('klist', ['-c', cc]);
    expect(l.stdout).toContain(apache.principal);
    expect(l.stdout).not.toContain('krbtgt/');
  });

  it('the password prompt on a terminal does not echo (a pseudo-terminal from python pty)', async () => {
    const cc = cache();
    const py = [
      'import os, pty, sys, time',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      `    os.execvp("node", ["node", ${JSON.stringify(BIN)}, "kinit", "-c", ${JSON.stringify(cc)}, "alice"])`,
      'out = b""',
      'while b"Password for" not in out:',
      '    out += os.read(fd, 1024)',
      'time.sleep(0.2)',
      `os.write(fd, ${JSON.stringify(PW)}.encode() + b"\\r")`,
      'while True:',
      '    try:',
      '        d = os.read(fd, 1024)',
      '    except OSError:',
      '        break',
      '    if not d: break',
      '    out += d',
      '_, st = os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode(errors="replace"))',
      'sys.exit(os.WEXITSTATUS(st))',
    ].join('\n');
    const r = await runCmd('/usr/bin/python3', ['-c', py], { env: realm.env, timeout: 20_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`Password for alice@${R}: `);
    expect(r.stdout).not.toContain(PW);
    expect((await mit('klist', ['-c', cc])).stdout).toContain(`Default principal: alice@${R}`);
  });

  it('kvno -S SERVICE HOST canonicalizes the host as MIT kvno -S does (rdns on and off)', async () => {
    const cc = cache();
    expect((await ours(['kinit', '-c', cc, 'alice'], { input: `${PW}\n` })).code).toBe(0);
    const name = (text: string) => /while getting credentials for (\S+)/.exec(text)?.[1];
    for (const rdns of ['true', 'false']) {
      const conf = join(realm.dir, `rdns-${rdns}.conf`);
      writeFileSync(
        conf,
        readFileSync(realm.krb5Conf, 'utf8').replace('  rdns = false', `  rdns = ${rdns}`).replace('  dns_canonicalize_hostname = false', '  dns_canonicalize_hostname = true'),
      );
      for (const host of ['127.0.0.1', 'LOCALHOST.', 'localhost', hostname()]) {
        const env = { KRB5_CONFIG: conf };
        const m = await mit('kvno', ['-c', cc, '-S', 'nosuchsvc', host], env);
        const o = await ours(['kvno', '-c', cc, '-S', 'nosuchsvc', host], { env });
        expect(m.code).toBe(1);
        expect(o.code).toBe(1);
        const mn = name(m.stderr);
        expect(mn, m.stderr).toMatch(/^nosuchsvc\//);
        expect(name(o.stderr), `rdns=${rdns} host=${host}: ${o.stderr}`).toBe(mn);
      }
    }
  });

  it('errors a person can act on: wrong password, unknown user, unknown service, no cache, unreachable realm', async () => {
    const wrong = await ours(['kinit', '-c', cache(), 'alice'], { input: 'not-the-password\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^kinit: KDC error 24 KDC_ERR_PREAUTH_FAILED .*password incorrect for alice@TSKRB5\.TEST.* while getting initial credentials\n$/);
    const who = await ours(['kinit', '-c', cache(), 'nobody'], { input: `${PW}\n` });
    expect(who.code).toBe(1);
    expect(who.stderr).toContain('client nobody@TSKRB5.TEST not found in Kerberos database');
    const cc = cache();
    expect((await ours(['kinit', '-c', cc, 'alice'], { input: `${PW}\n` })).code).toBe(0);
    const svc = await ours(['kvno', '-c', cc, 'HTTP/nowhere.tskrb5.test']);
    expect(svc.code).toBe(1);
    expect(svc.stderr).toContain('KDC_ERR_S_PRINCIPAL_UNKNOWN');
    expect(svc.stderr).toContain('while getting credentials for HTTP/nowhere.tskrb5.test');
    const none = await ours(['kvno', '-c', `FILE:${realm.dir}/none`, apache.principal]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('run kinit');
    const far = await ours(['kinit', '-c', cache(), 'alice@NO.SUCH.REALM'], { input: `${PW}\n` });
    expect(far.code).toBe(1);
    expect(far.stderr).toContain('Cannot find KDC for realm "NO.SUCH.REALM"');
  });
});
