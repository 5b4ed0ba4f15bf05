/**
 * FAST (RFC 6113) against a Samba 4.17 AD DC (Debian's samba, its built-in Heimdal KDC;
 * test/interop/samba.mjs): the armor is the TGT of the workstation account ws1$, logged in from
 * its keytab (exported by `samba-tool domain exportkeytab`) by our own kinit and, as a control, by
 * MIT's. Armored AS (our kinit with armorCcache, as `kinit -T`), armored TGS (implicit armor), the
 * KDC's answers read from inside FAST; MIT's kinit -T and kvno judge the caches, MIT's `kvno -k`
 * opens our service ticket with the service's keytab.
 *
 * In CI (CI=true) a missing Samba or MIT peer is a failure; elsewhere the suite is skipped visibly.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { ACCOUNTS, WORKSTATION, missingPeers, startSamba } from '../interop/samba.mjs';
import { getServiceTicket, type Transport } from '../../src/client/index.js';
import { KdcError } from '../../src/errors.js';
import { decodeCcache } from '../../src/formats/index.js';
import { PaDataType } from '../../src/iana/index.js';
import { ASRep, ASReq, PAFxFastRequest, TGSRep, TGSReq } from '../../src/messages/index.js';
import { createKrb5Context, kinit } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers();
const skip = !IN_CI && missing.length > 0;
if (skip) console.warn(`[fast-samba] SKIPPING: Samba/MIT peers missing (${missing.join(', ')})`);

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

describe.skipIf(skip)('FAST against a Samba 4.17 AD DC (Heimdal KDC)', () => {
  let dc: any;
  let R: string;
  let armorCc: string;
  let n = 0;

  beforeAll(async () => {
    if (missing.length) throw new Error(`Samba/MIT peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    dc = await startSamba();
    R = dc.realm;
  }, 180_000);
  afterAll(async () => dc?.stop());

  const ctx = () => {
    const c = createKrb5Context({ env: dc.env, trace: false });
    const t = recording(c.transport);
    return { ctx: { ...c, transport: t }, log: t.log };
  };

  it("armor from the workstation's keytab: our kinit -k for ws1$ (MIT klist lists it)", async () => {
    armorCc = `FILE:${dc.dir}/armor-ours.cc`;
    const { ctx: c } = ctx();
    const r = await kinit({ principal: `${WORKSTATION.name}@${R}`, keytab: `FILE:${dc.keytabs.ws1}`, ccache: armorCc, context: c });
    expect(r.principal).toBe(`${WORKSTATION.name}@${R}`);
    const l = await dc.run('klist', ['-C', '-c', armorCc]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`krbtgt/${R}@${R}`);
    // Samba's Heimdal KDC answers PA-REQ-ENC-PA-REP with PA-FX-FAST (RFC 6806 §11): our kinit
    // records MIT's fast_avail config, as MIT's kinit would.
    expect(r.initial?.fastAvailable).toBe(true);
    expect(l.stdout).toContain(`config: fast_avail(krbtgt/${R}@${R}) = yes`);
  });

  it("MIT's kinit -T with that armor works (sanity)", async () => {
    const r = await dc.kinit(`${ACCOUNTS.alice.name}@${R}`, ACCOUNTS.alice.password, ['-T', armorCc, '-c', `FILE:${dc.dir}/mit-fast.cc`]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('our armored AS exchange: PA-FX-FAST outside, the KDC answers in FAST, encrypted challenge; MIT kvno uses the cache', async () => {
    const { ctx: c, log } = ctx();
    const cc = `FILE:${dc.dir}/ours-${++n}.cc`;
    const r = await kinit({ principal: `${ACCOUNTS.alice.name}@${R}`, password: ACCOUNTS.alice.password, ccache: cc, armorCcache: armorCc, context: c });
    expect(r.initial?.fast).toBe(true);
    expect(r.initial?.preauthType).toBe(PaDataType.PA_ENCRYPTED_CHALLENGE);
    const last = log.at(-1)!;
    const req = ASReq.decode(last.req);
    expect(padataTypes(req.padata)).toEqual([PaDataType.PA_FX_FAST]);
    expect(PAFxFastRequest.decode(req.padata![0]!.padataValue).armor?.armorType).toBe(1);
    expect(padataTypes(ASRep.decode(last.rep).padata)).toContain(PaDataType.PA_FX_FAST);
    // The armor cache says fast_avail: armored from the first request (FAST error, then the reply).
    expect(log.length).toBe(2);
    expect(r.initial?.fastAvailable).toBe(true);
    const v = await dc.run('kvno', ['-c', cc, `HTTP/web.samba.test@${R}`]);
    expect(v.code, v.stderr).toBe(0);
  });

  it('our armored TGS exchange (implicit armor): the KDC answers in FAST; MIT kvno -k opens the ticket with the keytab', async () => {
    const { ctx: c } = ctx();
    const cc = `FILE:${dc.dir}/ours-${++n}.cc`;
    const r = await kinit({ principal: `${ACCOUNTS.alice.name}@${R}`, password: ACCOUNTS.alice.password, ccache: cc, armorCcache: armorCc, context: c });
    const { ctx: c2, log } = ctx();
    const s = await getServiceTicket({ transport: c2.transport, tgt: r.credential, server: `HTTP/web.samba.test@${R}` });
    expect(s.credential.server.components).toEqual(['HTTP', 'web.samba.test']);
    const req = TGSReq.decode(log[0]!.req);
    expect(padataTypes(req.padata)).toEqual([PaDataType.PA_TGS_REQ, PaDataType.PA_FX_FAST]);
    expect(padataTypes(TGSRep.decode(log[0]!.rep).padata)).toContain(PaDataType.PA_FX_FAST);
    const { ctx: c3 } = ctx();
    const { getServiceCredential } = await import('../../src/node/index.js');
    await getServiceCredential({ server: `HTTP/web.samba.test@${R}`, ccache: cc, context: c3, noCache: true });
    const v = await dc.run('kvno', ['-c', cc, '-k', dc.keytabs.web, `HTTP/web.samba.test@${R}`]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('keytab entry valid');
  });

  it('a wrong password inside FAST is the KDC error from inside (PREAUTH_FAILED)', async () => {
    const { ctx: c } = ctx();
    const e = await kinit({ principal: `${ACCOUNTS.alice.name}@${R}`, password: 'wrong', ccache: `MEMORY:w${++n}`, armorCcache: armorCc, context: c }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(24);
    const mit = await dc.kinit(`${ACCOUNTS.alice.name}@${R}`, 'wrong', ['-T', armorCc, '-c', `FILE:${dc.dir}/mit-wrong.cc`]);
    expect(mit.stderr).toBe('kinit: Password incorrect while getting initial credentials\n');
    expect(e.message).toMatch(/password incorrect/i);
  });

  it("an armored TGS from MIT kinit -T's TGT; an unknown service is the KDC's real error", async () => {
    const mitCc = decodeCcache(readFileSync(`${dc.dir}/mit-fast.cc`));
    const tgt = mitCc.credentials.find((x) => x.server.components[0] === 'krbtgt')!;
    const { ctx: c } = ctx();
    const s = await getServiceTicket({ transport: c.transport, tgt, server: `HTTP/web.samba.test@${R}` });
    expect(s.credential.client.components).toEqual([ACCOUNTS.alice.name]);
    const e = await getServiceTicket({ transport: c.transport, tgt, server: `nosuch/web.samba.test@${R}` }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(7);
  });
});
