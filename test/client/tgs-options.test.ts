/**
 * The KDC options of our TGS requests, read back from the wire: as MIT's get_creds.c
 * (`kdcopt = extra_options | FLAGS2OPTS(tgt->ticket_flags)`, KDC_TKT_COMMON_MASK 0x54800000),
 * every request made with a TGT asks for what the TGT has of FORWARDABLE, PROXIABLE,
 * MAY-POSTDATE (as ALLOW-POSTDATE) and RENEWABLE, the latter with the TGT's renew-till; a
 * renewal (val_renew.c) too. The live proof against MIT's and Samba's KDCs, by MIT klist -f, is in
 * test/cli/tgs-options-interop.test.ts and test/interop/samba.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { getServiceTicket, renewCredential } from '../../src/client/index.js';
import { KEY18, T0, krbError, openTgsReq, scripted, tgtCred } from './fake-kdc.js';

const R = 'EXAMPLE.COM';
const FORWARDABLE = 0x40000000;
const PROXIABLE = 0x10000000;
const MAY_POSTDATE = 0x04000000; // ticket flag 5; KDC option 5 is ALLOW-POSTDATE, the same bit
const RENEWABLE = 0x00800000;
const INITIAL_PREAUTH = 0x00600000;
const CANONICALIZE = 0x00010000;
const RENEW = 0x00000002;

async function sent(flags: number, o: { forwardable?: boolean; proxiable?: boolean; renew?: boolean } = {}) {
  const tgt = { ...tgtCred(R), flags };
  const t = scripted(() => krbError(7));
  const p = { transport: t, tgt, server: `HTTP/www.example.com@${R}`, now: () => T0 };
  const opts = { ...(o.forwardable !== undefined ? { forwardable: o.forwardable } : {}), ...(o.proxiable !== undefined ? { proxiable: o.proxiable } : {}) };
  await (o.renew ? renewCredential({ ...p, options: opts }) : getServiceTicket({ ...p, options: opts })).catch(() => undefined);
  const { req } = openTgsReq(t.sent[0]!.bytes, KEY18);
  return { options: req.reqBody.kdcOptions >>> 0, rtime: req.reqBody.rtime, tgt };
}

describe('TGS-REQ options from the TGT, as MIT', () => {
  it('a forwardable, renewable TGT: FORWARDABLE and RENEWABLE (rtime = its renew-till) with CANONICALIZE', async () => {
    const s = await sent(FORWARDABLE | RENEWABLE | INITIAL_PREAUTH);
    expect(s.options).toBe((FORWARDABLE | RENEWABLE | CANONICALIZE) >>> 0);
    expect(s.rtime?.getTime()).toBe(s.tgt.renewTill.getTime());
  });

  it('PROXIABLE and MAY-POSTDATE are asked for again; INITIAL and PRE-AUTHENT are not options', async () => {
    const s = await sent(PROXIABLE | MAY_POSTDATE | INITIAL_PREAUTH);
    expect(s.options).toBe((PROXIABLE | MAY_POSTDATE | CANONICALIZE) >>> 0);
    expect(s.rtime).toBeUndefined();
  });

  it('a TGT without those flags: CANONICALIZE alone (no rtime)', async () => {
    const s = await sent(INITIAL_PREAUTH);
    expect(s.options).toBe(CANONICALIZE);
    expect(s.rtime).toBeUndefined();
  });

  it('forwardable: false and proxiable: false keep those bits out', async () => {
    const s = await sent(FORWARDABLE | PROXIABLE | RENEWABLE, { forwardable: false, proxiable: false });
    expect(s.options).toBe((RENEWABLE | CANONICALIZE) >>> 0);
  });

  it('a renewal: RENEW with the ticket’s own FORWARDABLE and RENEWABLE (MIT val_renew.c)', async () => {
    const s = await sent(FORWARDABLE | RENEWABLE | INITIAL_PREAUTH, { renew: true });
    expect(s.options).toBe((FORWARDABLE | RENEWABLE | RENEW) >>> 0);
  });
});
