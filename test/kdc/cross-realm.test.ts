/**
 * A two-way direct trust between the embedded KDC's realm and a real MIT krb5kdc 1.20 realm,
 * both KDCs holding krbtgt/OURS@MIT and krbtgt/MIT@OURS from the same password (MIT's through
 * `kadmin addprinc -pw`, ours through `trusts`). Judged by MIT's tools only: a user of our realm
 * gets a service ticket in MIT's realm (MIT kvno through our cross-realm TGT; MIT's KDC accepts
 * it and its PAC), and a user of MIT's realm gets one in ours (our KDC accepts MIT's cross-realm
 * TGT and PAC); each service ticket checked with its service's keytab (kvno -k).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd, startRealm } from '../interop/realm.mjs';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno']);
const skip = !IN_CI && missing.length > 0;
const OURS = 'OURS.TSKRB5.TEST';
const MIT = 'MITX.TSKRB5.TEST';
const TRUST = 'Trust-Pa55word-both-ways';

describe.skipIf(skip)(`a two-way trust with an MIT realm${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let kdc: RunningKdc;
  let mit: any;
  let dir: string;
  let conf: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-xrealm-'));
    mit = await startRealm({ realm: MIT });
    for (const p of [`krbtgt/${OURS}@${MIT}`, `krbtgt/${MIT}@${OURS}`]) {
      await mit.addPrincipal(p, { password: TRUST, enctypes: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'] });
    }
    await mit.addPrincipal('mia', { password: 'mia-Pa55' });
    await mit.addPrincipal('HTTP/web.mitx.test', { randkey: true });
    kdc = await startKdc({
      realm: OURS,
      principals: [{ name: 'alice', password: 'alice-Pa55', groups: ['staff'] }, { name: 'HTTP/web.ours.test' }],
      trusts: [{ realm: MIT, password: TRUST, enctypes: [18, 17] }],
      domainRealms: { '.mitx.test': MIT },
    });
    conf = join(dir, 'krb5.conf');
    writeFileSync(
      conf,
      `[libdefaults]
  default_realm = ${OURS}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
[realms]
  ${OURS} = {
    kdc = 127.0.0.1:${kdc.port}
  }
  ${MIT} = {
    kdc = 127.0.0.1:${mit.kdcPort}
  }
`,
    );
  }, 60_000);
  afterAll(async () => {
    await kdc?.stop();
    await mit?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = (cc: string) => ({ ...process.env, KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${join(dir, cc)}` });

  it('ours → MIT: alice@OURS gets krbtgt/MIT@OURS from our KDC and HTTP/web.mitx.test@MIT from MIT krb5kdc (its keytab opens it)', async () => {
    expect((await runCmd('kinit', [`alice@${OURS}`], { env: env('a.cc'), input: 'alice-Pa55\n' })).code).toBe(0);
    const kt = await mit.ktadd(`HTTP/web.mitx.test@${MIT}`, join(dir, 'mit-http.keytab'));
    const v = await runCmd('kvno', ['-k', kt, `HTTP/web.mitx.test@${MIT}`], { env: env('a.cc') });
    expect(v.stderr, kdc.logs.join('\n')).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`HTTP/web.mitx.test@${MIT}: kvno = 1, keytab entry valid`);
    const l = await runCmd('klist', [], { env: env('a.cc') });
    expect(l.stdout).toContain(`krbtgt/${MIT}@${OURS}`);
    expect(kdc.logs.some((x) => new RegExp(`TGS_REQ .*ISSUE.*alice@${OURS} for krbtgt/${MIT}@${OURS}`).test(x))).toBe(true);
  });

  it('referrals: MIT kvno -S HTTP web.mitx.test (a host-based name, no realm: asked of our KDC with CANONICALIZE) is referred to MIT by our [domain_realm], and MIT krb5kdc issues the ticket', async () => {
    expect((await runCmd('kinit', [`alice@${OURS}`], { env: env('r.cc'), input: 'alice-Pa55\n' })).code).toBe(0);
    const kt = await mit.ktadd(`HTTP/web.mitx.test@${MIT}`, join(dir, 'mit-http-r.keytab'));
    const v = await runCmd('kvno', ['-k', kt, '-S', 'HTTP', 'web.mitx.test'], { env: env('r.cc') });
    expect(v.stderr, kdc.logs.join('\n')).toBe('');
    expect(v.code).toBe(0);
    // MIT prints the name as asked, in the referral (empty) realm; the keytab of MIT's realm opened it
    expect(v.stdout).toContain('HTTP/web.mitx.test@: kvno = 1, keytab entry valid');
    // MIT's cache keeps the ticket under the name asked, with the real server beside it
    expect((await runCmd('klist', [], { env: env('r.cc') })).stdout).toContain(`Ticket server: HTTP/web.mitx.test@${MIT}`);
    expect(
      kdc.logs.some((x) => new RegExp(`TGS_REQ .*ISSUE.*alice@${OURS} for krbtgt/${MIT}@${OURS}.*referral: HTTP/web\\.mitx\\.test is in ${MIT}`).test(x)),
      kdc.logs.join('\n'),
    ).toBe(true);
    // a host our [domain_realm] maps nowhere we trust: no referral, MIT's "not found" (as krb5kdc answers)
    const n = await runCmd('kvno', ['-S', 'HTTP', 'web.nowhere.test'], { env: env('r.cc') });
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(/not found in Kerberos database/);
  });

  it("MIT → ours: mia@MIT's cross-realm TGT (krbtgt/OURS@MIT, from MIT krb5kdc) is accepted by our KDC, with its PAC; our keytab opens the ticket", async () => {
    expect((await runCmd('kinit', [`mia@${MIT}`], { env: env('m.cc'), input: 'mia-Pa55\n' })).code).toBe(0);
    const kt = join(dir, 'ours-http.keytab');
    kdc.keytab('HTTP/web.ours.test', kt);
    const v = await runCmd('kvno', ['-k', kt, `HTTP/web.ours.test@${OURS}`], { env: env('m.cc') });
    expect(v.stderr, kdc.logs.join('\n')).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`HTTP/web.ours.test@${OURS}: kvno = 1, keytab entry valid`);
    expect(kdc.logs.some((x) => new RegExp(`TGS_REQ .*ISSUE.*mia@${MIT} for HTTP/web\\.ours\\.test@${OURS}`).test(x))).toBe(true);
    expect(readFileSync(conf, 'utf8')).toContain(MIT);
  });
});
