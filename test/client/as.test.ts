/**
 * The AS exchange against a scripted KDC: every reply field comes from the test, and every
 * expectation from the test's own inputs.
 */
import { describe, expect, it } from 'vitest';
import { getInitialCredentials, kdcErrorFromKrbError } from '../../src/client/index.js';
import { sameNonce } from '../../src/client/exchange.js';
import { decrypt } from '../../src/crypto/index.js';
import { KdcError, KerberosError, ProtocolError, UnsupportedError } from '../../src/errors.js';
import { EncryptedData, ETypeInfo2, KRBError, MethodData, PAEncTsEnc, PAPacRequest } from '../../src/messages/index.js';
import { T0, asRep, decodeAsReq, krbError, krbtgt, name, part, scripted, stringToKey, KEY17 } from './fake-kdc.js';

const R = 'EXAMPLE.COM';
const PW = 'correct horse';
const SESSION = { keytype: 18, keyvalue: new Uint8Array(32).fill(0x5a) };
const now = () => T0;
const rnd = (n: number) => new Uint8Array(n).fill(0x11);
const NONCE = 0x11111111; // what rnd gives, below 2^31

/** The password key with the default salt of alice@EXAMPLE.COM, as the KDC holds it. */
const aliceKey = stringToKey(18, PW, 'EXAMPLE.COMalice');

function okReply(
  req: Uint8Array,
  over: { nonce?: number; cname?: string[]; crealm?: string; sname?: string[]; authtime?: Date; key?: { keytype: number; keyvalue: Uint8Array } } = {},
) {
  const r = decodeAsReq(req);
  return asRep(aliceKey, {
    crealm: over.crealm ?? R,
    cname: name(...(over.cname ?? ['alice'])),
    // With another cname the KDC must say the salt, else the client derives it from that name.
    ...(over.cname ? { padata: [{ padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 18, salt: 'EXAMPLE.COMalice' }]) }] } : {}),
    part: part({
      key: over.key ?? SESSION,
      nonce: over.nonce ?? r.reqBody.nonce,
      srealm: R,
      sname: over.sname ? { nameType: 2, nameString: over.sname } : krbtgt(R),
      ...(over.authtime ? { authtime: over.authtime, starttime: over.authtime, endtime: new Date(over.authtime.getTime() + 3600_000) } : {}),
    }),
  });
}

describe('getInitialCredentials: request', () => {
  it('asks for the default enctypes 18, 17, 20, 19 with a nonce < 2^31, PA-PAC-REQUEST, and the requested options', async () => {
    const t = scripted((_, req) => okReply(req));
    await getInitialCredentials({
      transport: t,
      client: 'alice@EXAMPLE.COM',
      password: PW,
      now,
      random: () => new Uint8Array([0xff, 0xff, 0xff, 0xff]),
      options: { forwardable: true, proxiable: true, renewLifetimeSec: 7200, canonicalize: true, lifetimeSec: 3600 },
    }).catch(() => undefined);
    const req = decodeAsReq(t.sent[0]!.bytes);
    expect(t.sent[0]!.realm).toBe(R);
    expect(req.msgType).toBe(10);
    expect(req.reqBody.etype).toEqual([18, 17, 20, 19]);
    expect(req.reqBody.nonce).toBe(0x7fffffff);
    // forwardable (bit 1), proxiable (3), renewable (8), canonicalize (15)
    expect(req.reqBody.kdcOptions >>> 0).toBe((0x40000000 | 0x10000000 | 0x00800000 | 0x00010000) >>> 0);
    expect(req.reqBody.till.getTime()).toBe(T0.getTime() + 3600_000);
    expect(req.reqBody.rtime!.getTime()).toBe(T0.getTime() + 7200_000);
    expect(req.reqBody.cname).toEqual({ nameType: 1, nameString: ['alice'] });
    expect(req.reqBody.sname).toEqual({ nameType: 2, nameString: ['krbtgt', R] });
    // PA-REQ-ENC-PA-REP (149, empty, RFC 6806 §11) and PA-PAC-REQUEST, as MIT 1.20 sends them.
    expect(req.padata!.map((p) => p.padataType)).toEqual([149, 128]);
    expect(req.padata![0]!.padataValue.length).toBe(0);
    expect(PAPacRequest.decode(req.padata![1]!.padataValue)).toEqual({ includePac: true });
  });

  it('RC4 only with allowWeakCrypto; an empty usable list is a RangeError', async () => {
    const t = scripted((_, req) => okReply(req));
    await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, options: { etypes: [23, 18], allowWeakCrypto: true } });
    expect(decodeAsReq(t.sent[0]!.bytes).reqBody.etype).toEqual([23, 18]);
    await expect(getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, options: { etypes: [23] } })).rejects.toThrow(RangeError);
  });
});

describe('getInitialCredentials: pre-authentication', () => {
  it('PREAUTH_REQUIRED: ETYPE-INFO2 salt and s2kparams → PA-ENC-TIMESTAMP in the KDC time; then the reply', async () => {
    const salt = 'EXAMPLE.COMsomething-else';
    const key = stringToKey(17, PW, salt, { iterations: 5000 });
    const kdcTime = new Date(T0.getTime() + 120_000); // the KDC's clock is 2 minutes ahead
    const eData = MethodData.encode([
      { padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 17, salt, s2kparams: Uint8Array.of(0, 0, 0x13, 0x88) }]) },
      { padataType: 2, padataValue: new Uint8Array(0) },
    ]);
    let stamp: Date | undefined;
    const t = scripted(
      () => krbError(25, { eData, stime: kdcTime }),
      (_, req) => {
        const r = decodeAsReq(req);
        const pa = r.padata!.find((p) => p.padataType === 2)!;
        const enc = EncryptedData.decode(pa.padataValue);
        expect(enc.etype).toBe(17);
        stamp = PAEncTsEnc.decode(decrypt(key, 1, enc.cipher)).patimestamp;
        return asRep(key, {
          crealm: R,
          cname: name('alice'),
          part: part({ key: SESSION, nonce: r.reqBody.nonce, srealm: R, sname: krbtgt(R), authtime: kdcTime, starttime: kdcTime }),
        });
      },
    );
    const res = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(stamp!.getTime()).toBe(kdcTime.getTime());
    expect(decodeAsReq(t.sent[0]!.bytes).padata!.some((p) => p.padataType === 2)).toBe(false);
    expect(decodeAsReq(t.sent[1]!.bytes).padata!.map((p) => p.padataType)).toEqual([2, 149, 128]);
    expect(res.preauthType).toBe(2);
    expect(res.kdcOffset).toEqual({ seconds: 120, microseconds: 0 });
    expect(res.credential.key).toEqual({ etype: 18, value: SESSION.keyvalue });
    expect(res.credential.client).toEqual({ nameType: 1, realm: R, components: ['alice'] });
    expect(res.credential.server).toEqual({ nameType: 2, realm: R, components: ['krbtgt', R] });
    expect(res.credential.authtime).toEqual(kdcTime);
    expect(res.credential.flags).toBe(0x40e00000);
  });

  it('no pre-authentication: the salt from the reply PA-ETYPE-INFO2; else the default salt', async () => {
    const salt = 'EXAMPLE.COMfrom-reply';
    const key = stringToKey(18, PW, salt);
    const t = scripted((_, req) =>
      asRep(key, {
        crealm: R,
        cname: name('alice'),
        padata: [{ padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 18, salt }]) }],
        part: part({ key: SESSION, nonce: decodeAsReq(req).reqBody.nonce, srealm: R, sname: krbtgt(R) }),
      }),
    );
    const res = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(res.preauthType).toBeUndefined();
    expect(res.credential.key.value).toEqual(SESSION.keyvalue);
    const t2 = scripted((_, req) => okReply(req));
    expect((await getInitialCredentials({ transport: t2, client: `alice@${R}`, password: PW, now, random: rnd })).credential.client.components).toEqual(['alice']);
  });

  it('an EncTGSRepPart (tag 26, as MIT sends) in an AS-REP is accepted', async () => {
    const t = scripted((_, req) =>
      asRep(aliceKey, { crealm: R, cname: name('alice'), part: part({ key: SESSION, nonce: decodeAsReq(req).reqBody.nonce, srealm: R, sname: krbtgt(R) }) }, 3, 26),
    );
    const res = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(res.encPart.applicationTag).toBe(26);
  });

  it('a wrong password (reply does not decrypt) is ERR_PASSWORD_INCORRECT', async () => {
    const t = scripted((_, req) => okReply(req));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: 'wrong', now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.code).toBe('ERR_PASSWORD_INCORRECT');
  });

  it('only non-timestamp preauth offered is an UnsupportedError naming the types', async () => {
    const eData = MethodData.encode([
      { padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 18 }]) },
      { padataType: 136, padataValue: new Uint8Array(0) },
    ]);
    const t = scripted(() => krbError(25, { eData }));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(UnsupportedError);
    // PA-FX-FAST without PA-ENC-TIMESTAMP: only FAST pre-authentication would do, and no armor was given.
    expect(e.code).toBe('ERR_FAST_NEEDED');
    expect(e.message).toContain('19, 136');
    expect(e.message).toContain('kinit -T');
    // A type we do not do at all (SPAKE, 151) is named as such.
    const spake = MethodData.encode([
      { padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 18 }]) },
      { padataType: 151, padataValue: new Uint8Array(0) },
    ]);
    const e2 = await getInitialCredentials({ transport: scripted(() => krbError(25, { eData: spake })), client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e2.code).toBe('ERR_PREAUTH_UNSUPPORTED');
    expect(e2.message).toContain('19, 151');
  });

  it("disableEncryptedTimestamp (MIT's krb5.conf disable_encrypted_timestamp): PA-ENC-TIMESTAMP offered but never sent", async () => {
    const eData = MethodData.encode([
      { padataType: 19, padataValue: ETypeInfo2.encode([{ etype: 18 }]) },
      { padataType: 2, padataValue: new Uint8Array(0) },
    ]);
    const t = scripted(() => krbError(25, { eData }));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, options: { disableEncryptedTimestamp: true } }).catch((x) => x);
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.code).toBe('ERR_ENCTS_DISABLED');
    expect(e.message).toContain('Encrypted timestamp is disabled');
    expect(t.sent.length).toBe(1);
    // Without the setting the same KDC gets the timestamp.
    const t2 = scripted(() => krbError(25, { eData }));
    await getInitialCredentials({ transport: t2, client: `alice@${R}`, password: PW, now, random: rnd }).catch(() => undefined);
    expect(decodeAsReq(t2.sent[1]!.bytes).padata!.map((p) => p.padataType)).toContain(2);
  });

  it("a KDC refusing PA-REQ-ENC-PA-REP (PREAUTH_FAILED before any pre-authentication): asked again without it, as MIT's client does", async () => {
    const t = scripted(
      () => krbError(24),
      (_, req) => okReply(req),
    );
    await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(decodeAsReq(t.sent[0]!.bytes).padata!.map((p) => p.padataType)).toEqual([149, 128]);
    expect(decodeAsReq(t.sent[1]!.bytes).padata!.map((p) => p.padataType)).toEqual([128]);
  });

  it('keytab keys: only their enctypes requested; the key of the reply kvno chosen', async () => {
    const old = { etype: 17, value: new Uint8Array(16).fill(1), kvno: 1 };
    const cur = { ...KEY17, kvno: 2 };
    const t = scripted((_, req) =>
      asRep(cur, { crealm: R, cname: name('svc'), encKvno: 2, part: part({ key: SESSION, nonce: decodeAsReq(req).reqBody.nonce, srealm: R, sname: krbtgt(R) }) }),
    );
    const res = await getInitialCredentials({ transport: t, client: `svc@${R}`, keys: [cur, old], now, random: rnd });
    expect(decodeAsReq(t.sent[0]!.bytes).reqBody.etype).toEqual([17]);
    expect(res.credential.client.components).toEqual(['svc']);
  });
});

describe('getInitialCredentials: reply checks', () => {
  it('a wrong nonce is a ProtocolError', async () => {
    const t = scripted((_, req) => okReply(req, { nonce: 1234 }));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_NONCE_MISMATCH');
    expect(e.message).toContain(`1234 does not match the request's ${NONCE}`);
  });

  it('a wrong cname is a ProtocolError, unless canonicalize (then the KDC name is kept)', async () => {
    const t = scripted((_, req) => okReply(req, { cname: ['mallory'] }));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_CLIENT_MISMATCH');
    expect(e.message).toContain('mallory@EXAMPLE.COM');
    const t2 = scripted((_, req) => okReply(req, { cname: ['Alice'] }));
    const ok = await getInitialCredentials({ transport: t2, client: `alice@${R}`, password: PW, now, random: rnd, options: { canonicalize: true } });
    expect(ok.credential.client.components).toEqual(['Alice']);
  });

  it('a wrong sname is a ProtocolError', async () => {
    const t = scripted((_, req) => okReply(req, { sname: ['krbtgt', 'EVIL.COM'] }));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_SERVER_MISMATCH');
  });

  it('a session key of an enctype not requested (RC4 with weak crypto off) is a ProtocolError, as in the TGS path', async () => {
    const rc4 = { keytype: 23, keyvalue: new Uint8Array(16).fill(3) };
    const t = scripted((_, req) => okReply(req, { key: rc4 }));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_ETYPE_MISMATCH');
    expect(e.message).toMatch(/session key is of enctype 23/);
    // a requested enctype other than the reply's own is fine (MIT gives aes256 session keys to aes128 users)
    const t2 = scripted((_, req) => okReply(req, { key: { keytype: 17, keyvalue: new Uint8Array(16).fill(4) } }));
    const ok = await getInitialCredentials({ transport: t2, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(ok.credential.key.etype).toBe(17);
  });

  it('an enc-part in an enctype not requested is a ProtocolError', async () => {
    const t = scripted((_, req) => okReply(req));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, options: { etypes: [17] } }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_ETYPE_MISMATCH');
  });

  it('clock skew: 600 s ahead is the kdcOffset with kdcTimesync, a ProtocolError stating 600 s without', async () => {
    const ahead = new Date(T0.getTime() + 600_000);
    const t = scripted((_, req) => okReply(req, { authtime: ahead }));
    const ok = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd });
    expect(ok.kdcOffset.seconds).toBe(600);
    const t2 = scripted((_, req) => okReply(req, { authtime: ahead }));
    const e = await getInitialCredentials({ transport: t2, client: `alice@${R}`, password: PW, now, random: rnd, options: { kdcTimesync: false } }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_CLOCK_SKEW');
    expect(e.message).toContain('600 s ahead');
    // Within the skew it passes.
    const t3 = scripted((_, req) => okReply(req, { authtime: new Date(T0.getTime() + 200_000) }));
    const ok3 = await getInitialCredentials({ transport: t3, client: `alice@${R}`, password: PW, now, random: rnd, options: { kdcTimesync: false } });
    expect(ok3.kdcOffset.seconds).toBe(200);
  });

  it('nonces compare as unsigned 32-bit', () => {
    expect(sameNonce(-1, 0xffffffff)).toBe(true);
    expect(sameNonce(-2147483648, 0x80000000)).toBe(true);
    expect(sameNonce(1, 2)).toBe(false);
  });
});

describe('getInitialCredentials: referrals and errors', () => {
  it('KDC_ERR_WRONG_REALM with canonicalize: asks again at the crealm of the error', async () => {
    const t = scripted(
      () => krbError(68, { crealm: 'OTHER.ORG', cname: name('alice') }),
      (_, req) => {
        const r = decodeAsReq(req);
        expect(r.reqBody.realm).toBe('OTHER.ORG');
        expect(r.reqBody.sname).toEqual(krbtgt('OTHER.ORG'));
        const key = stringToKey(18, PW, 'OTHER.ORGalice');
        return asRep(key, { crealm: 'OTHER.ORG', cname: name('alice'), part: part({ key: SESSION, nonce: r.reqBody.nonce, srealm: 'OTHER.ORG', sname: krbtgt('OTHER.ORG') }) });
      },
    );
    const res = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, options: { canonicalize: true } });
    expect(t.sent.map((s) => s.realm)).toEqual([R, 'OTHER.ORG']);
    expect(res.realm).toBe('OTHER.ORG');
    expect(res.credential.client.realm).toBe('OTHER.ORG');
    // Without canonicalize the error is the answer.
    const t2 = scripted(() => krbError(68, { crealm: 'OTHER.ORG' }));
    const e = await getInitialCredentials({ transport: t2, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(68);
  });

  it('an enterprise name is sent as NT-ENTERPRISE, with CANONICALIZE only when asked (as MIT kinit -E, -E -C)', async () => {
    // MIT 1.20's kinit -E sends 0x40000010 (FORWARDABLE, RENEWABLE-OK), kinit -E -C 0x40010010:
    // recorded from its AS-REQ to a UDP listener (see test/interop/samba.test.ts for the live check).
    for (const canonicalize of [false, true]) {
      const t = scripted(() => krbError(6));
      await getInitialCredentials({
        transport: t,
        client: 'alice@example.org',
        realm: R,
        password: PW,
        now,
        random: rnd,
        options: { enterprise: true, forwardable: true, canonicalize },
      }).catch(() => 0);
      const r = decodeAsReq(t.sent[0]!.bytes);
      expect(r.reqBody.cname).toEqual({ nameType: 10, nameString: ['alice@example.org'] });
      expect(r.reqBody.kdcOptions >>> 0).toBe(canonicalize ? 0x40010010 : 0x40000010);
    }
  });

  it('RENEWABLE-OK is sent unless a renewable ticket is asked for (MIT init_ctx.c), or renewableOk is false', async () => {
    const opts = [{}, { renewable: true }, { renewableOk: false }];
    const want = [0x00000010, 0x00800000, 0];
    for (let i = 0; i < opts.length; i++) {
      const t = scripted(() => krbError(6));
      await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd, options: opts[i]! }).catch(() => 0);
      expect(decodeAsReq(t.sent[0]!.bytes).reqBody.kdcOptions & 0x00800010).toBe(want[i]);
    }
  });

  const cases: [number, string, RegExp][] = [
    [24, 'KDC_ERR_PREAUTH_FAILED', /password incorrect for alice@EXAMPLE\.COM/],
    [6, 'KDC_ERR_C_PRINCIPAL_UNKNOWN', /client alice@EXAMPLE\.COM not found in Kerberos database/],
    [23, 'KDC_ERR_KEY_EXPIRED', /password has expired/],
    [14, 'KDC_ERR_ETYPE_NOSUPP', /KDC has no support for encryption type/],
    [7, 'KDC_ERR_S_PRINCIPAL_UNKNOWN', /server krbtgt\/EXAMPLE\.COM@EXAMPLE\.COM not found in Kerberos database/],
    [37, 'KRB_AP_ERR_SKEW', /Clock skew too great.*KDC's clock is 400 s ahead/],
    [18, 'KDC_ERR_CLIENT_REVOKED', /locked or disabled/],
  ];
  for (const [code, errName, msg] of cases) {
    it(`KRB-ERROR ${code} is a KdcError ${errName} with e-text, e-data and server time`, async () => {
      const stime = new Date(T0.getTime() + 400_000);
      const eData = Uint8Array.of(0x30, 0x00);
      // (24 before any pre-authentication is asked once more without PA-REQ-ENC-PA-REP, as MIT does.)
      const t = scripted(...[0, 1].map(() => () => krbError(code, { eText: 'from the KDC', eData, stime })));
      const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
      expect(t.sent.length).toBe(code === 24 ? 2 : 1);
      expect(e).toBeInstanceOf(KdcError);
      expect(e.code).toBe('ERR_KDC');
      expect(e.errorCode).toBe(code);
      expect(e.errorName).toBe(errName);
      expect(e.eText).toBe('from the KDC');
      expect(e.eData).toEqual(eData);
      expect(e.serverTime).toEqual(stime);
      expect(e.message).toMatch(msg);
      expect(e.message).toContain('[KDC says: from the KDC]');
    });
  }

  it('kdcErrorFromKrbError names unknown codes by number', () => {
    const e = kdcErrorFromKrbError(KRBError.decode(krbError(99)));
    expect(e.errorName).toBe('error 99');
    expect(e.message).toBe('KDC error 99 error 99');
  });

  it('a reply that is neither AS-REP nor KRB-ERROR is a ProtocolError', async () => {
    const t = scripted(() => Uint8Array.of(0x6d, 0x00));
    const e = await getInitialCredentials({ transport: t, client: `alice@${R}`, password: PW, now, random: rnd }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_UNEXPECTED_REPLY');
  });
});
