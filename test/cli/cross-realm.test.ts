/**
 * Our client across realms, between a real MIT krb5kdc 1.20 realm (TSKRB5.TEST) and a real
 * Heimdal 7.8 KDC realm (HEIM.TEST) that trust each other both ways (test/interop/heimdal-realm.mjs):
 * `tskrb5 kinit` at either KDC, `tskrb5 kvno` for a service in the other realm (by a named realm,
 * by `[domain_realm]`, and by a server referral from the MIT KDC), each ticket checked against the
 * service's keytab, and our caches read by MIT `klist`/`kvno` and Heimdal `klist`.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, heimdal, runCmd } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startHeimdalRealm, trustRealms, heimdalMissing } from '../interop/heimdal-realm.mjs';
import { parseKrb5Conf } from '../../src/formats/index.js';
import { NameType } from '../../src/iana/index.js';
import { createKrb5Context, getServiceCredential, type KdcTraceEvent } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...heimdalMissing().map((n: string) => `heimdal ${n}`)];
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const MIT = 'TSKRB5.TEST';
const HEIM = 'HEIM.TEST';
const PW = 'Cross-Pa55word!';

describe.skipIf(!IN_CI && missing.length > 0)('cross-realm: tskrb5 between an MIT KDC and a Heimdal KDC', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let mit: any, heim: any, trust: any;
  let n = 0;
  const cc = () => `FILE:${join(heim.dir, `cc-${++n}`)}`;

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    // The MIT KDC maps *.heim.test to HEIM.TEST: it answers a canonicalize request for a
    // host-based name there with a referral TGT.
    mit = await startRealm({ realm: MIT, extraConf: '\n[domain_realm]\n  .heim.test = HEIM.TEST\n' });
    heim = await startHeimdalRealm({ realm: HEIM, mitRealm: mit });
    await heim.addPrincipal('hal', { password: PW });
    await heim.addPrincipal('host/svc.heim.test');
    await mit.addPrincipal('mia', { password: PW });
    await mit.addPrincipal('HTTP/web.tskrb5.test', { randkey: true });
    trust = await trustRealms(mit, heim, { password: 'Trust-Pa55word-both-ways' });
  }, 90_000);
  afterAll(async () => {
    await heim?.stop();
    await mit?.stop();
  });

  const ours = (args: string[], c: string, input?: string) => runCmd('node', [BIN, ...args], { env: { ...trust.env, KRB5CCNAME: c }, input });
  const mitRun = (cmd: string, args: string[], c: string) => mit.run(cmd, args, { env: { ...trust.env, KRB5CCNAME: c } });

  it('MIT → Heimdal: our kinit at the MIT KDC, our kvno for host/svc.heim.test@HEIM.TEST; the Heimdal keytab opens the ticket', async () => {
    const c = cc();
    expect((await ours(['kinit', `mia@${MIT}`], c, PW + '\n')).code).toBe(0);
    const kt = await heim.ktadd('host/svc.heim.test', join(heim.dir, `svc-${n}.keytab`));
    const v = await ours(['kvno', '-k', kt, `host/svc.heim.test@${HEIM}`], c);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`host/svc.heim.test@${HEIM}: kvno = 1, keytab entry valid\n`);
    // MIT klist lists the cross-realm TGT we stored; Heimdal klist reads our cache too.
    const l = await mitRun('klist', [], c);
    expect(l.stdout).toContain(`krbtgt/${HEIM}@${MIT}`);
    expect(l.stdout).toContain(`host/svc.heim.test@${HEIM}`);
    const h = await heimdal('klist', [], { env: { ...trust.heimdalEnv, KRB5CCNAME: c } });
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toContain(`host/svc.heim.test@${HEIM}`);
    expect(heim.log()).toMatch(new RegExp(`TGS-REQ mia@${MIT} from IPv4:127\\.0\\.0\\.1 for host/svc\\.heim\\.test@${HEIM}`));
  });

  it('Heimdal → MIT: our kinit at the Heimdal KDC, our kvno for HTTP/web.tskrb5.test (realm from [domain_realm]); MIT kvno -k agrees', async () => {
    const c = cc();
    const k = await ours(['kinit', `hal@${HEIM}`], c, PW + '\n');
    expect(k.code, k.stderr).toBe(0);
    expect(heim.log()).toMatch(new RegExp(`AS-REQ hal@${HEIM} from IPv4:127\\.0\\.0\\.1`));
    const v = await ours(['kvno', 'HTTP/web.tskrb5.test'], c);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`HTTP/web.tskrb5.test@${MIT}: kvno = 1\n`);
    const l = await mitRun('klist', ['-e'], c);
    expect(l.stdout).toContain(`Default principal: hal@${HEIM}`);
    expect(l.stdout).toContain(`krbtgt/${MIT}@${HEIM}`);
    const kt = await mit.ktadd('HTTP/web.tskrb5.test', join(heim.dir, `web-${n}.keytab`));
    const m = await mitRun('kvno', ['-k', kt, `HTTP/web.tskrb5.test@${MIT}`], c);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('keytab entry valid');
  });

  it('a server referral: a host-based name with no realm asked at the MIT KDC, referred to HEIM.TEST, followed', async () => {
    const c = cc();
    expect((await ours(['kinit', `mia@${MIT}`], c, PW + '\n')).code).toBe(0);
    // A client profile without [domain_realm] for heim.test: only the KDC knows where it lives.
    const conf = trust.text.replace(/\n\s*\.heim\.test = HEIM\.TEST/g, '');
    expect(conf).not.toContain('.heim.test');
    const trace: KdcTraceEvent[] = [];
    const ctx = createKrb5Context({ env: { ...trust.env, KRB5CCNAME: c }, profile: [parseKrb5Conf(conf)], transportOptions: { trace: (e) => trace.push(e) } });
    const r = await getServiceCredential({ server: 'host/svc.heim.test', nameType: NameType.NT_SRV_HST, context: ctx });
    expect(r.server).toBe(`host/svc.heim.test@${HEIM}`);
    expect(trace.map((e) => e.realm)).toEqual([MIT, HEIM]);
    const l = await mitRun('klist', [], c);
    expect(l.stdout).toContain(`krbtgt/${HEIM}@${MIT}`);
    expect(l.stdout).toContain(`host/svc.heim.test@${HEIM}`);
  });
});
