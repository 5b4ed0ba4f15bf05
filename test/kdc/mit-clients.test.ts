/**
 * The embedded KDC (src/kdc) judged by MIT krb5 1.20's own clients: kinit (password with
 * pre-authentication, no-preauth principal, keytab, renew -R, forwardable), klist -e -f, kvno
 * (service tickets through the TGS, checked against the exported keytab with kvno -k), and the
 * KRB-ERROR codes MIT's tools report for the faults MIT's KDC refuses (unknown client, wrong
 * password, unknown service, no common enctype). Under CI=true a missing tool is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd } from '../interop/realm.mjs';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers(['kinit', 'klist', 'kvno', 'kdestroy']);
const skip = !IN_CI && missing.length > 0;
const REALM = 'KDC.TSKRB5.TEST';

describe.skipIf(skip)(`MIT clients against the embedded KDC${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let kdc: RunningKdc;
  let dir: string;
  const env = (cc: string, extra: Record<string, string> = {}) => ({ ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${join(dir, cc)}`, ...extra });
  const kinit = (args: string[], cc: string, input?: string) => runCmd('kinit', args, { env: env(cc), ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-mit-'));
    kdc = await startKdc({
      realm: REALM,
      principals: [
        { name: 'alice', password: 'alice-Pa55', groups: ['staff'] },
        { name: 'nopre', password: 'nopre-Pa55', requiresPreauth: false },
        { name: 'sha2', password: 'sha2-Pa55', enctypes: [20, 19] },
        { name: 'locked', password: 'x', disallowAllTix: true },
        { name: 'HTTP/web.kdc.test' },
        { name: 'host/svc.kdc.test', enctypes: [17] },
        { name: 'robot', password: 'robot-Pa55' },
        { name: 'HTTP/strict.kdc.test', requiresPreauth: true },
        { name: 'HTTP/front.kdc.test', okToAuthAsDelegate: true, allowedToDelegateTo: ['HTTP/backend.kdc.test'] },
        { name: 'HTTP/backend.kdc.test' },
        { name: 'HTTP/plain.kdc.test' },
      ],
    });
  });
  afterAll(async () => {
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kinit with a password (PREAUTH_REQUIRED, then PA-ENC-TIMESTAMP); klist -e -f lists a forwardable, pre-authenticated, initial TGT', async () => {
    const r = await kinit(['-f', 'alice'], 'a.cc', 'alice-Pa55\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const l = await runCmd('klist', ['-e', '-f'], { env: env('a.cc') });
    expect(l.code).toBe(0);
    expect(l.stdout).toContain(`Default principal: alice@${REALM}`);
    expect(l.stdout).toMatch(new RegExp(`krbtgt/${REALM.replace(/\./g, '\\.')}@${REALM.replace(/\./g, '\\.')}`));
    expect(l.stdout).toMatch(/Flags: FIA\b/);
    expect(l.stdout).toContain('Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96');
    // the KDC logged a refusal then an issue, MIT-shaped
    expect(kdc.logs.some((x) => /AS_REQ .*: NEEDED_PREAUTH|KDC_ERR_PREAUTH_REQUIRED.*alice@/.test(x))).toBe(true);
    expect(kdc.logs.some((x) => /AS_REQ .*: ISSUE: authtime \d+, etypes \{rep=18 tkt=18 ses=18\}, alice@/.test(x))).toBe(true);
  });

  it('kvno gets a service ticket through the TGS (MIT armors it with FAST; the plain reply is accepted) that decrypts with the exported keytab (kvno -k)', async () => {
    await kinit(['alice'], 'b.cc', 'alice-Pa55\n');
    const kt = join(dir, 'http.keytab');
    kdc.keytab('HTTP/web.kdc.test', kt);
    const v = await runCmd('kvno', ['-k', kt, `HTTP/web.kdc.test@${REALM}`], { env: env('b.cc') });
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/HTTP\/web\.kdc\.test@KDC\.TSKRB5\.TEST: kvno = 1, keytab entry valid/);
    const l = await runCmd('klist', ['-e'], { env: env('b.cc') });
    expect(l.stdout).toContain(`HTTP/web.kdc.test@${REALM}`);
    // a service with only aes128 keys: the ticket is aes128, the session key MIT's choice (aes256: every server supports it)
    const v2 = await runCmd('kvno', [`host/svc.kdc.test@${REALM}`], { env: env('b.cc') });
    expect(v2.code).toBe(0);
    const l2 = await runCmd('klist', ['-e'], { env: env('b.cc') });
    expect(l2.stdout).toMatch(/host\/svc\.kdc\.test@KDC\.TSKRB5\.TEST\n\s+Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96/);
  });

  it('kinit without pre-authentication for a principal that does not require it; a requires_preauth service refuses that TGT', async () => {
    const r = await kinit(['nopre'], 'c.cc', 'nopre-Pa55\n');
    expect(r.code).toBe(0);
    const l = await runCmd('klist', ['-f'], { env: env('c.cc') });
    expect(l.stdout).toMatch(/Flags: FI\b/);
    // MIT's check_tgs_svc_reqd_flags: a service marked requires_preauth refuses a TGT without PRE-AUTHENT
    const v = await runCmd('kvno', [`HTTP/strict.kdc.test@${REALM}`], { env: env('c.cc') });
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('Generic error (see e-text)');
    expect(kdc.logs.some((x) => /TGS_REQ .*KRB_ERR_GENERIC, nopre@.*NO PREAUTH/.test(x))).toBe(true);
  });

  it('aes-sha2 only user: ETYPE-INFO2 names aes256-sha384 with its salt; the reply key is aes256-sha384', async () => {
    const r = await kinit(['sha2'], 'd.cc', 'sha2-Pa55\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kdc.logs.some((x) => /ISSUE: authtime \d+, etypes \{rep=20 tkt=18 ses=18\}, sha2@/.test(x))).toBe(true);
  });

  it('kinit -k with a keytab our KDC exported', async () => {
    const kt = join(dir, 'robot.keytab');
    kdc.keytab('robot', kt);
    const r = await kinit(['-k', '-t', kt, 'robot'], 'e.cc');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const l = await runCmd('klist', [], { env: env('e.cc') });
    expect(l.stdout).toContain(`Default principal: robot@${REALM}`);
  });

  it("kinit -r then kinit -R renews the TGT (a new start time, the same renew-till, the flags kept as MIT's KDC keeps them)", async () => {
    const r = await kinit(['-r', '2d', '-l', '1h', 'alice'], 'f.cc', 'alice-Pa55\n');
    expect(r.code).toBe(0);
    const before = (await runCmd('klist', ['-f'], { env: env('f.cc') })).stdout;
    expect(before).toMatch(/Flags: FRIA\b/);
    expect(before).toMatch(/renew until/);
    await new Promise((res) => setTimeout(res, 1100));
    const rr = await kinit(['-R'], 'f.cc');
    expect(rr.stderr).toBe('');
    expect(rr.code).toBe(0);
    const after = (await runCmd('klist', ['-f'], { env: env('f.cc') })).stdout;
    // MIT krb5kdc 1.20 answers kinit -R the same way (run against it: FRIA, then FRIAT): the
    // header ticket's flags kept, INITIAL too, plus TRANSITED-POLICY-CHECKED; a new start time
    expect(after).toMatch(/Flags: FRIAT\b/);
    const start = (t: string) => t.match(/\n(\S+ \S+)\s+\S+ \S+\s+krbtgt/)![1];
    expect(start(after)).not.toBe(start(before));
    expect(after.match(/renew until (\S+ \S+)/)![1]).toBe(before.match(/renew until (\S+ \S+)/)![1]);
    expect(kdc.logs.some((x) => /TGS_REQ .*ISSUE.*alice@.* for krbtgt\//.test(x))).toBe(true);
  });

  it("user-to-user: MIT kvno --u2u gets a ticket for robot encrypted in robot's TGT session key; a mismatched second ticket is KDC_ERR_SERVER_NOMATCH", async () => {
    const kt = join(dir, 'robot2.keytab');
    kdc.keytab('robot', kt);
    expect((await kinit(['-k', '-t', kt, 'robot'], 'u2u-robot.cc')).code).toBe(0);
    expect((await kinit(['alice'], 'u2u-alice.cc', 'alice-Pa55\n')).code).toBe(0);
    const v = await runCmd('kvno', ['--u2u', `FILE:${join(dir, 'u2u-robot.cc')}`, `robot@${REALM}`], { env: env('u2u-alice.cc') });
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`robot@${REALM}: kvno = 0`);
    expect(kdc.logs.some((x) => /TGS_REQ .*ISSUE.*alice@.* for robot@/.test(x))).toBe(true);
    // the ticket MIT stored opens with the session key of robot's TGT (MIT kinit's cache), not robot's long-term key
    const { readFileSync } = await import('node:fs');
    const { decodeCcache } = await import('../../src/formats/index.js');
    const { Ticket, EncTicketPart } = await import('../../src/messages/index.js');
    const { decrypt } = await import('../../src/crypto/index.js');
    const robotTgt = decodeCcache(new Uint8Array(readFileSync(join(dir, 'u2u-robot.cc')))).credentials.find((c) => c.server.components[0] === 'krbtgt')!;
    const stored = decodeCcache(new Uint8Array(readFileSync(join(dir, 'u2u-alice.cc')))).credentials.find((c) => c.server.components[0] === 'robot')!;
    expect(stored.isSkey).toBe(true);
    const t = Ticket.decode(stored.ticket);
    expect(t.encPart.kvno).toBeUndefined();
    const opened = EncTicketPart.decode(decrypt(robotTgt.key, 2, t.encPart.cipher));
    expect(opened.cname.nameString).toEqual(['alice']);
    // the second ticket is robot's TGT, the server asked for someone else
    const bad = await runCmd('kvno', ['--u2u', `FILE:${join(dir, 'u2u-robot.cc')}`, `nopre@${REALM}`], { env: env('u2u-alice.cc') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Requested server and ticket don't match");
  });

  it("S4U2Self: MIT kvno -U alice from the service's own keytab login gets alice's ticket to the service (forwardable only with ok_to_auth_as_delegate), checked with its keytab", async () => {
    // the services' TGTs come from their keytabs without pre-authentication (services need none), so no A
    for (const [svc, flags] of [
      ['HTTP/front.kdc.test', /Flags: FT\b/],
      ['HTTP/plain.kdc.test', /Flags: T\b/],
    ] as const) {
      const kt = join(dir, `${svc.split('/')[1]}.keytab`);
      kdc.keytab(svc, kt);
      const cc = `s4u-${svc.split('/')[1]}.cc`;
      expect((await kinit(['-f', '-k', '-t', kt, svc], cc)).code).toBe(0);
      const v = await runCmd('kvno', ['-U', 'alice', '-k', kt, `${svc}@${REALM}`], { env: env(cc) });
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
      expect(v.stdout).toContain(`${svc}@${REALM}: kvno = 1, keytab entry valid`);
      const l = await runCmd('klist', ['-f'], { env: env(cc) });
      const block = l.stdout.slice(l.stdout.lastIndexOf(`${svc}@${REALM}`));
      expect(block, l.stdout).toContain(`for client alice@${REALM}`);
      expect(block).toMatch(flags);
    }
    expect(kdc.logs.some((x) => /TGS_REQ .*ISSUE.*alice@\S+ \(S4U2Self by HTTP\/front\.kdc\.test@/.test(x))).toBe(true);
    // an unknown user
    const bad = await runCmd('kvno', ['-U', 'nobody', `HTTP/front.kdc.test@${REALM}`], { env: env('s4u-front.kdc.test.cc') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not found in Kerberos database');
  });

  it("S4U2Proxy: MIT kvno -U alice -P HTTP/backend from HTTP/front (allowed to delegate to it) gets alice's ticket to the backend, checked with its keytab; a service not on the list is refused", async () => {
    const kt = join(dir, 'front2.keytab');
    kdc.keytab('HTTP/front.kdc.test', kt);
    expect((await kinit(['-f', '-k', '-t', kt, 'HTTP/front.kdc.test'], 'proxy.cc')).code).toBe(0);
    // kvno -k with -P opens the S4U2Self evidence ticket (front's) and the S4U2Proxy one (the backend's)
    const bkt = join(dir, 'front-backend.keytab');
    kdc.keytab(['HTTP/front.kdc.test', 'HTTP/backend.kdc.test'], bkt);
    // kvno -P: the cache's principal (front) gets alice's ticket to itself (S4U2Self), then one to each service named (S4U2Proxy)
    const v = await runCmd('kvno', ['-U', 'alice', '-P', '-k', bkt, `HTTP/backend.kdc.test@${REALM}`], { env: env('proxy.cc') });
    expect(v.stderr, kdc.logs.slice(-4).join('\n')).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`HTTP/backend.kdc.test@${REALM}: kvno = 1, keytab entry valid`);
    const l = await runCmd('klist', ['-f'], { env: env('proxy.cc') });
    const block = l.stdout.slice(l.stdout.lastIndexOf(`HTTP/backend.kdc.test@${REALM}`));
    expect(block, l.stdout).toContain(`for client alice@${REALM}`);
    expect(kdc.logs.some((x) => /TGS_REQ .*ISSUE.*alice@\S+ \(S4U2Proxy by HTTP\/front\.kdc\.test@.* for HTTP\/backend\.kdc\.test@/.test(x))).toBe(true);
    const no = await runCmd('kvno', ['-U', 'alice', '-P', `HTTP/web.kdc.test@${REALM}`], { env: env('proxy.cc') });
    expect(no.code).toBe(1);
    expect(kdc.logs.some((x) => /TGS_REQ .*KDC_ERR_BADOPTION.*NOT_ALLOWED_TO_DELEGATE/.test(x))).toBe(true);
  });

  it("MIT's messages for the faults MIT's KDC refuses: unknown client, wrong password, locked client, unknown service, no common enctype", async () => {
    const unknown = await kinit(['nobody'], 'g.cc', 'x\n');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`Client 'nobody@${REALM}' not found in Kerberos database`);
    const wrong = await kinit(['alice'], 'g.cc', 'wrong\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Password incorrect while getting initial credentials');
    const locked = await kinit(['locked'], 'g.cc', 'x\n');
    expect(locked.stderr).toContain("Client's credentials have been revoked");
    await kinit(['alice'], 'g.cc', 'alice-Pa55\n');
    const svc = await runCmd('kvno', [`HTTP/none.kdc.test@${REALM}`], { env: env('g.cc') });
    expect(svc.code).toBe(1);
    expect(svc.stderr).toContain('Server not found in Kerberos database');
    const conf = join(dir, 'rc4.conf');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      conf,
      `${kdc.krb5Conf}\n[libdefaults]\n  allow_weak_crypto = true\n  default_tkt_enctypes = rc4-hmac\n  default_tgs_enctypes = rc4-hmac\n  permitted_enctypes = rc4-hmac\n`,
    );
    const et = await runCmd('kinit', ['alice'], { env: env('h.cc', { KRB5_CONFIG: conf }), input: 'alice-Pa55\n' });
    expect(et.code).toBe(1);
    expect(et.stderr).toContain('KDC has no support for encryption type');
  });
});
