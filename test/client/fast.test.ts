/**
 * The FAST paths of the AS and TGS exchanges that a real KDC does not take on demand, with a
 * scripted KDC (test/client/fake-kdc.ts): an armored AS-REQ answered without FAST is refused
 * (MIT: KRB5_ERR_FAST_REQUIRED), a TGS reply without FAST is read as a plain one (as MIT), the
 * upgrade happens once, and no armor means no FAST. What real KDCs answer is in fast-mit.test.ts,
 * fast-samba.test.ts and test/messages/fast-fixture.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { getInitialCredentials, getServiceTicket } from '../../src/client/index.js';
import { ProtocolError } from '../../src/errors.js';
import { ETypeInfo2, type KrbFastArmoredReq, MethodData, PAFxFastRequest, TGSReq } from '../../src/messages/index.js';
import { KEY18, T0, asRep, decodeAsReq, krbError, krbtgt, name, openTgsReq, part, scripted, stringToKey, tgsRep, tgtCred } from './fake-kdc.js';

const R = 'EXAMPLE.COM';
const PW = 'pw';
const now = () => T0;
let r = 0;
const rnd = (n: number) => new Uint8Array(n).map(() => (r = (r * 1103515245 + 12345) & 0xff));
const aliceKey = stringToKey(18, PW, 'EXAMPLE.COMalice');
const armor = { tgt: tgtCred('EXAMPLE.COM', name('host', 'ws1.example.com')) };
const types = (pa: { padataType: number }[] | undefined) => (pa ?? []).map((p) => p.padataType);

describe('FAST in the AS exchange (scripted KDC)', () => {
  it('armored from the start with fastAvailable; an AS-REP without PA-FX-FAST is refused (a downgrade)', async () => {
    const t = scripted(() =>
      asRep(aliceKey, { crealm: R, cname: name('alice'), part: part({ key: { keytype: 18, keyvalue: KEY18.value }, nonce: 0, srealm: R, sname: krbtgt(R) }) }),
    );
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, armor: { ...armor, fastAvailable: true } }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_FAST_REQUIRED');
    const req = decodeAsReq(t.sent[0]!.bytes);
    expect(types(req.padata)).toEqual([136]);
    const armored: KrbFastArmoredReq = PAFxFastRequest.decode(req.padata![0]!.padataValue);
    expect(armored.armor?.armorType).toBe(1);
  });

  it('without fastAvailable: plain first; PREAUTH_REQUIRED offering PA-FX-FAST starts FAST once (a second offer is not a second restart)', async () => {
    const eData = MethodData.encode([
      { padataType: 136, padataValue: new Uint8Array(0) },
      { padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 18 }]) },
    ]);
    // The scripted KDC never speaks FAST: its plain errors cannot be unwrapped and stand as they are.
    const t = scripted(
      () => krbError(25, { eData }),
      () => krbError(25, { eData }),
    );
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, armor }).catch((x) => x);
    expect(t.sent.length).toBe(2);
    expect(types(decodeAsReq(t.sent[0]!.bytes).padata)).not.toContain(136);
    expect(types(decodeAsReq(t.sent[1]!.bytes).padata)).toEqual([136]);
    // Inside FAST with only the outer (plain) methods, no encrypted challenge was offered: named.
    expect(e.code).toBe('ERR_PREAUTH_UNSUPPORTED');
  });

  it('no armor: no FAST, whatever the KDC offers', async () => {
    const t = scripted((_, req) =>
      asRep(aliceKey, {
        crealm: R,
        cname: name('alice'),
        part: part({ key: { keytype: 18, keyvalue: KEY18.value }, nonce: decodeAsReq(req).reqBody.nonce, srealm: R, sname: krbtgt(R) }),
      }),
    );
    const res = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(res.fast).toBe(false);
    expect(res.fastAvailable).toBe(false);
    expect(types(decodeAsReq(t.sent[0]!.bytes).padata)).toEqual([149, 128]);
  });
});

describe('FAST in the TGS exchange (scripted KDC)', () => {
  const tgt = tgtCred(R);
  it('armored by default (PA-TGS-REQ, PA-FX-FAST; no explicit armor); a reply without FAST is read as plain, as MIT', async () => {
    const t = scripted((_, req) => {
      const { req: r2, auth } = openTgsReq(req, KEY18);
      return tgsRep({ etype: auth.subkey!.keytype, value: auth.subkey!.keyvalue }, 9, {
        crealm: R,
        cname: name('alice'),
        part: part({ key: { keytype: 18, keyvalue: KEY18.value }, nonce: r2.reqBody.nonce, srealm: R, sname: name('HTTP', 'www.example.com') }),
      });
    });
    const s = await getServiceTicket({ transport: t, tgt, server: `HTTP/www.example.com@${R}`, now, random: rnd });
    expect(s.credential.server.components).toEqual(['HTTP', 'www.example.com']);
    const req = TGSReq.decode(t.sent[0]!.bytes);
    expect(types(req.padata)).toEqual([1, 136]);
    expect(PAFxFastRequest.decode(req.padata![1]!.padataValue).armor).toBeUndefined();
  });

  it('fast: false sends PA-TGS-REQ alone', async () => {
    const t = scripted((_, req) => {
      const { req: r2, auth } = openTgsReq(req, KEY18);
      return tgsRep({ etype: auth.subkey!.keytype, value: auth.subkey!.keyvalue }, 9, {
        crealm: R,
        cname: name('alice'),
        part: part({ key: { keytype: 18, keyvalue: KEY18.value }, nonce: r2.reqBody.nonce, srealm: R, sname: name('HTTP', 'www.example.com') }),
      });
    });
    await getServiceTicket({ transport: t, tgt, server: `HTTP/www.example.com@${R}`, now, random: rnd, options: { fast: false } });
    expect(types(TGSReq.decode(t.sent[0]!.bytes).padata)).toEqual([1]);
  });
});
