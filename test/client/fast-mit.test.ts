/**
 * FAST (RFC 6113) against MIT krb5kdc 1.20 where the only pre-authentication is encrypted
 * challenge, which exists only inside FAST: the KDC's encrypted_timestamp module is disabled
 * (kdc.conf `[plugins] kdcpreauth = { disable = encrypted_timestamp }`), and the clients' krb5.conf
 * has MIT's `disable_encrypted_timestamp = true` for the realm (in MIT 1.20 that is a client
 * setting — "This flag does not prevent the KDC from offering encrypted timestamp", krb5.conf(5) —
 * so alone it proves nothing about the KDC; with it alone MIT's KDC still takes PA-ENC-TIMESTAMP). The
 * armor is a TGT of `host/localhost` (a principal without requires_preauth, logged in from its
 * keytab by MIT's kinit: the usual way to armor without anonymous PKINIT). Judged by MIT's tools:
 * plain kinit is refused for tskrb5 and for MIT alike, `kinit -T` works for both, MIT klist lists
 * our cache (with the `fast_avail` and `pa_type` config entries), MIT kvno uses it, a wrong password
 * gets the KDC's PREAUTH_FAILED from inside FAST as MIT's kinit does, and our FAST-armored TGS-REQ
 * gives a ticket that MIT's `kvno -k` opens with the service keytab.
 *
 * In CI (CI=true) a missing MIT peer is a failure; elsewhere the suite is skipped visibly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, runCmd } from '../interop/realm.mjs';
import { getInitialCredentials, getServiceTicket, type Transport } from '../../src/client/index.js';
import { KdcError, UnsupportedError } from '../../src/errors.js';
import { decodeCcache, encodeCcache } from '../../src/formats/index.js';
import { PaDataType } from '../../src/iana/index.js';
import { ASRep, ASReq, KRBError, KrbFastArmoredReq, PAFxFastRequest, TGSRep, TGSReq, decodeMethodData } from '../../src/messages/index.js';
import { createKrb5Context, getServiceCredential, kinit } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers();
const skip = !IN_CI && missing.length > 0;
if (skip) console.warn(`[fast-mit] SKIPPING: MIT peers missing (${missing.join(', ')})`);

const R = 'TSKRB5.TEST';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const PW = 'Fast-Pa55word!';

/** A transport over the context's, keeping every request and reply. */
function recording(t: Transport): Transport & { log: { req: Uint8Array; rep: Uint8Array }[] } {
  const log: { req: Uint8Array; rep: Uint8Array }[] = [];
  return {
    log,
    async send(realm, req, o) {
      const rep = await t.send(realm, req, o);
      log.push({ req, rep });
      return rep;
    },
  };
}

const padataTypes = (pa: { padataType: number }[] | undefined) => (pa ?? []).map((p) => p.padataType);

describe.skipIf(skip)('FAST against MIT krb5kdc 1.20 with disable_encrypted_timestamp', () => {
  let realm: any;
  let armorCc: string;
  let n = 0;

  beforeAll(async () => {
    if (missing.length) throw new Error(`MIT peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({
      realm: R,
      extraRealmConf: '    disable_encrypted_timestamp = true',
      extraKdcConf: '[plugins]\n  kdcpreauth = {\n    disable = encrypted_timestamp\n  }\n',
    });
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('host/localhost', { requiresPreauth: false });
    await realm.addPrincipal('HTTP/localhost');
    await realm.ktadd(`host/localhost@${R}`, `${realm.dir}/host.keytab`);
    await realm.ktadd(`HTTP/localhost@${R}`, `${realm.dir}/http.keytab`);
    armorCc = `FILE:${realm.dir}/armor.cc`;
    const k = await realm.run('kinit', ['-k', '-t', `${realm.dir}/host.keytab`, '-c', armorCc, `host/localhost@${R}`]);
    if (k.code !== 0) throw new Error(`MIT kinit -k for the armor failed: ${k.stderr}`);
    // The same armor without MIT's fast_avail config entry: FAST only once the KDC offers it.
    const a = decodeCcache(readFileSync(`${realm.dir}/armor.cc`));
    writeFileSync(`${realm.dir}/armor-noconf.cc`, encodeCcache({ ...a, config: [], order: undefined }));
  }, 60_000);
  afterAll(async () => realm?.stop());

  const ctx = () => {
    const c = createKrb5Context({ env: realm.env, trace: false });
    const t = recording(c.transport);
    return { ctx: { ...c, transport: t }, log: t.log };
  };
  const armorTgt = () => {
    const cc = decodeCcache(readFileSync(`${realm.dir}/armor.cc`));
    return { tgt: cc.credentials.find((c) => c.server.components[0] === 'krbtgt')!, cc };
  };

  it("plain encrypted timestamp is refused: MIT's kinit fails, and ours says FAST is needed (the KDC offers PA-FX-FAST, no PA-ENC-TIMESTAMP)", async () => {
    const mit = await realm.kinit(`alice@${R}`, PW, ['-c', `FILE:${realm.dir}/mit-plain.cc`]);
    expect(mit.code).toBe(1);
    expect(mit.stderr).toMatch(/^kinit: .* while getting initial credentials\n$/);
    const { ctx: c, log } = ctx();
    const e = await getInitialCredentials({ transport: c.transport, client: `alice@${R}`, password: PW }).catch((x) => x);
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.code).toBe('ERR_FAST_NEEDED');
    const err = KRBError.decode(log[0]!.rep);
    const offered = padataTypes(decodeMethodData(err.eData!));
    expect(offered).toContain(PaDataType.PA_FX_FAST);
    expect(offered).not.toContain(PaDataType.PA_ENC_TIMESTAMP);
  });

  it("MIT's kinit -T works (sanity), and writes fast_avail", async () => {
    const cc = `FILE:${realm.dir}/mit-fast.cc`;
    const r = await realm.kinit(`alice@${R}`, PW, ['-T', armorCc, '-c', cc]);
    expect(r.code, r.stderr).toBe(0);
    // With the armor cache that lacks fast_avail MIT upgrades on the KDC's offer too.
    const r2 = await realm.kinit(`alice@${R}`, PW, ['-T', `FILE:${realm.dir}/armor-noconf.cc`, '-c', `FILE:${realm.dir}/mit-fast2.cc`]);
    expect(r2.code, r2.stderr).toBe(0);
    const l = await realm.run('klist', ['-C', '-c', cc]);
    expect(l.stdout).toContain('fast_avail');
  });

  it("MIT's armor cache has fast_avail (its kinit -k negotiated FAST, RFC 6806 §11)", async () => {
    const l = await realm.run('klist', ['-C', '-c', armorCc]);
    expect(l.stdout).toMatch(/config: fast_avail\(krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST\) = yes/);
    const m = await realm.run('klist', ['-C', '-c', `FILE:${realm.dir}/armor-noconf.cc`]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).not.toContain('fast_avail');
  });

  it("ours with armor, the armor cache without fast_avail: plain request, then armored on the KDC's offer, encrypted challenge; MIT klist -C lists our cache with fast_avail and pa_type 138; MIT kvno uses it", async () => {
    const { ctx: c, log } = ctx();
    const cc = `FILE:${realm.dir}/ours-${++n}.cc`;
    const r = await kinit({ principal: `alice@${R}`, password: PW, ccache: cc, armorCcache: `FILE:${realm.dir}/armor-noconf.cc`, context: c });
    expect(r.initial?.fast).toBe(true);
    expect(r.initial?.preauthType).toBe(PaDataType.PA_ENCRYPTED_CHALLENGE);
    expect(r.initial?.fastAvailable).toBe(true);
    // 1: plain → PREAUTH_REQUIRED offering FAST; 2: armored, no preauth → FAST error with the
    // methods; 3: armored with PA-ENCRYPTED-CHALLENGE → AS-REP with PA-FX-FAST.
    expect(log.length).toBe(3);
    expect(padataTypes(ASReq.decode(log[0]!.req).padata)).not.toContain(PaDataType.PA_FX_FAST);
    for (const i of [1, 2]) {
      const req = ASReq.decode(log[i]!.req);
      expect(padataTypes(req.padata)).toEqual([PaDataType.PA_FX_FAST]);
      const armored = PAFxFastRequest.decode(req.padata![0]!.padataValue);
      expect(armored.armor?.armorType).toBe(1);
    }
    expect(log[1]!.rep[0]).toBe(0x7e);
    expect(padataTypes(ASRep.decode(log[2]!.rep).padata)).toContain(PaDataType.PA_FX_FAST);

    const l = await realm.run('klist', ['-C', '-c', cc]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toMatch(/config: fast_avail\(krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST\) = yes/);
    expect(l.stdout).toMatch(/config: pa_type\(krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST\) = 138/);
    const mitCc = decodeCcache(readFileSync(`${realm.dir}/mit-fast.cc`));
    const ours = decodeCcache(readFileSync(cc.slice(5)));
    // The same config entries as MIT's kinit -T wrote, in the same order.
    const keys = (x: typeof ours) => x.config.map((e) => `${e.key} ${e.principal} ${new TextDecoder().decode(e.value)}`);
    expect(keys(ours)).toEqual(keys(mitCc));
    const v = await realm.run('kvno', ['-c', cc, `HTTP/localhost@${R}`]);
    expect(v.code, v.stderr).toBe(0);
  });

  it('with fast_avail in the armor cache the first request is armored (two exchanges, as MIT)', async () => {
    // MIT's kinit -T on a cache with fast_avail: use MIT's own cache as the armor.
    const { ctx: c, log } = ctx();
    const cc = `FILE:${realm.dir}/ours-${++n}.cc`;
    const r = await kinit({ principal: `alice@${R}`, password: PW, ccache: cc, armorCcache: `FILE:${realm.dir}/mit-fast.cc`, context: c });
    expect(r.initial?.fast).toBe(true);
    expect(log.length).toBe(2);
    expect(padataTypes(ASReq.decode(log[0]!.req).padata)).toEqual([PaDataType.PA_FX_FAST]);
  });

  it("a wrong password: the KDC's PREAUTH_FAILED comes from inside FAST; MIT's kinit -T says Password incorrect", async () => {
    const mit = await realm.kinit(`alice@${R}`, 'not-the-password', ['-T', armorCc, '-c', `FILE:${realm.dir}/mit-wrong.cc`]);
    expect(mit.code).toBe(1);
    expect(mit.stderr).toBe('kinit: Password incorrect while getting initial credentials\n');
    const { ctx: c, log } = ctx();
    const e = await kinit({ principal: `alice@${R}`, password: 'not-the-password', ccache: `MEMORY:w${++n}`, armorCcache: armorCc, context: c }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(24);
    expect(e.message).toMatch(/password incorrect/i);
    // The outer error's e-data is only the PA-FX-FAST wrapper of the real one.
    const outer = KRBError.decode(log.at(-1)!.rep);
    expect(padataTypes(decodeMethodData(outer.eData!))).toContain(PaDataType.PA_FX_FAST);
  });

  it('armored TGS (implicit armor, as MIT): our TGS-REQ carries PA-FX-FAST, the KDC answers in FAST, MIT kvno -k opens the ticket', async () => {
    const { ctx: c } = ctx();
    const cc = `FILE:${realm.dir}/ours-${++n}.cc`;
    const r = await kinit({ principal: `alice@${R}`, password: PW, ccache: cc, armorCcache: armorCc, context: c });
    const { ctx: c2, log } = ctx();
    const s = await getServiceTicket({ transport: c2.transport, tgt: r.credential, server: `HTTP/localhost@${R}` });
    expect(s.credential.server.components).toEqual(['HTTP', 'localhost']);
    const req = TGSReq.decode(log[0]!.req);
    expect(padataTypes(req.padata)).toEqual([PaDataType.PA_TGS_REQ, PaDataType.PA_FX_FAST]);
    expect(KrbFastArmoredReq).toBeDefined();
    expect(PAFxFastRequest.decode(req.padata![1]!.padataValue).armor).toBeUndefined();
    expect(padataTypes(TGSRep.decode(log[0]!.rep).padata)).toEqual([PaDataType.PA_FX_FAST]);
    // Through the node layer too, then MIT's kvno -k checks the stored ticket with the keytab.
    const g = await getServiceCredential({ server: `HTTP/localhost@${R}`, ccache: cc, context: c, noCache: true });
    expect(g.cached).toBe(false);
    const v = await realm.run('kvno', ['-c', cc, '-k', `${realm.dir}/http.keytab`, `HTTP/localhost@${R}`]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('keytab entry valid');
  });

  it("the CLI: tskrb5 kinit -T as MIT's (password on stdin), MIT klist -C lists the cache; without -T MIT's kinit and ours both fail", async () => {
    const cc = `FILE:${realm.dir}/cli.cc`;
    const r = await runCmd('node', [BIN, 'kinit', '-T', armorCc, '-c', cc, `alice@${R}`], { env: realm.env, input: `${PW}\n` });
    expect(r.code, r.stderr).toBe(0);
    const l = await realm.run('klist', ['-C', '-c', cc]);
    expect(l.stdout).toContain(`config: pa_type(krbtgt/${R}@${R}) = 138`);
    expect(l.stdout).toContain(`config: fast_avail(krbtgt/${R}@${R}) = yes`);
    const plain = await runCmd('node', [BIN, 'kinit', '-c', `FILE:${realm.dir}/cli-plain.cc`, `alice@${R}`], { env: realm.env, input: `${PW}\n` });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^kinit: .*FAST.* while getting initial credentials\n$/);
    const two = await runCmd('node', [BIN, 'kinit', '-T', armorCc, '-T', armorCc, `alice@${R}`], { env: realm.env, input: `${PW}\n` });
    expect(two.stderr).toContain('Only one armor_ccache');
    expect(two.code).toBe((await realm.run('kinit', ['-T', armorCc, '-T', armorCc, `alice@${R}`], { input: `${PW}\n` })).code);
  });

  it('a keytab login with armor (kinit -k -t -T): encrypted challenge with the keytab key', async () => {
    const { ctx: c } = ctx();
    const r = await kinit({ principal: `HTTP/localhost@${R}`, keytab: `FILE:${realm.dir}/http.keytab`, ccache: `MEMORY:k${++n}`, armorCcache: armorCc, context: c });
    expect(r.initial?.preauthType).toBe(PaDataType.PA_ENCRYPTED_CHALLENGE);
    // Without armor the KDC's only pre-authentication cannot be done.
    const e = await kinit({ principal: `HTTP/localhost@${R}`, keytab: `FILE:${realm.dir}/http.keytab`, ccache: `MEMORY:k${++n}`, context: c }).catch((x) => x);
    expect(e.code).toBe('ERR_FAST_NEEDED');
  });

  it("an error inside an armored TGS exchange is the KDC's real error (unknown server)", async () => {
    const { ctx: c } = ctx();
    const r = await kinit({ principal: `alice@${R}`, password: PW, ccache: `MEMORY:t${++n}`, armorCcache: armorCc, context: c });
    const e = await getServiceTicket({ transport: c.transport, tgt: r.credential, server: `nosuch/localhost@${R}` }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(7);
  });

  it("our TGS from MIT kinit -T's TGT, and MIT kvno from ours", async () => {
    const { tgt } = armorTgt();
    expect(tgt).toBeDefined();
    const mitCc = decodeCcache(readFileSync(`${realm.dir}/mit-fast.cc`));
    const aliceTgt = mitCc.credentials.find((x) => x.server.components[0] === 'krbtgt')!;
    const { ctx: c } = ctx();
    const s = await getServiceTicket({ transport: c.transport, tgt: aliceTgt, server: `HTTP/localhost@${R}` });
    expect(s.credential.client.components).toEqual(['alice']);
    expect(mitCc.config.map((e) => e.key)).toContain('fast_avail');
  });
});
