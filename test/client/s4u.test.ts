/**
 * The S4U exchanges' checks with a scripted KDC (test/client/fake-kdc.ts): every way a reply can
 * be wrong that MIT's verify_s4u2self_reply and krb5_get_credentials_for_proxy refuse, and the
 * refusals explained. (What MIT sends and what MIT's KDC answers: s4u-fixture.test.ts; live
 * against MIT and Samba: test/node/s4u-*.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { checksum, type Key } from '../../src/crypto/index.js';
import { KdcError, ProtocolError } from '../../src/errors.js';
import { forUserChecksumInput, getS4U2ProxyTicket, getS4U2SelfTicket } from '../../src/client/index.js';
import { EncTGSRepPart, PAForUser, PAPacOptions, PAS4UX509User, S4UUserID, TGSRep, Ticket, type PAData, type PrincipalName } from '../../src/messages/index.js';
import { KEY18, T0, krbError, name, openTgsReq, part, scripted, tgtCred, ticket } from './fake-kdc.js';
import { encrypt } from '../../src/crypto/index.js';

const R = 'EXAMPLE.COM';
const svc = name('web', 'www.example.com');
const tgt = tgtCred(R, svc);
const now = () => T0;

interface Reply {
  cname?: PrincipalName;
  /** The PA-S4U-X509-USER the KDC returns: 'good', none, or changed. */
  x509?: 'good' | 'none' | 'wrong-nonce' | 'usage-26' | 'unkeyed' | 'mallory' | 'enc-only';
  protectedName?: PrincipalName;
  sname?: PrincipalName;
  flags?: number;
}

/** A KDC step answering an S4U2Self request: reply under the request's subkey (usage 9). */
function selfKdc(r: Reply = {}) {
  return (_realm: string, bytes: Uint8Array) => {
    const { req, auth } = openTgsReq(bytes, KEY18);
    const subkey: Key = { etype: auth.subkey!.keytype, value: auth.subkey!.keyvalue };
    const sent = PAS4UX509User.decode(req.padata!.find((p) => p.padataType === 130)!.padataValue);
    const nonce = r.x509 === 'wrong-nonce' ? (req.reqBody.nonce + 1) >>> 0 : req.reqBody.nonce;
    const userId = { nonce, cname: r.protectedName ?? sent.userId.cname!, crealm: R, options: 0x20000000 };
    const usage = r.x509 === 'usage-26' ? 26 : 27;
    const ck = r.x509 === 'unkeyed' ? { cksumtype: 7, checksum: new Uint8Array(16) } : { cksumtype: 16, checksum: checksum(subkey, usage, S4UUserID.encode(userId)) };
    const x509: PAData = { padataType: 130, padataValue: PAS4UX509User.encode({ userId: r.x509 === 'mallory' ? { ...userId, cname: name('mallory') } : userId, checksum: ck }) };
    const p = part({
      nonce: req.reqBody.nonce,
      srealm: R,
      sname: r.sname ?? svc,
      key: { keytype: 18, keyvalue: new Uint8Array(32).fill(9) },
      flags: r.flags ?? 0x00a10000,
      ...(r.x509 === 'enc-only' ? { encryptedPaData: [x509] } : {}),
    });
    return TGSRep.encode({
      pvno: 5,
      msgType: 13,
      ...(r.x509 === undefined || r.x509 === 'good' || r.x509 === 'wrong-nonce' || r.x509 === 'usage-26' || r.x509 === 'unkeyed' || r.x509 === 'mallory' ? { padata: [x509] } : {}),
      crealm: R,
      cname: r.cname ?? name('alice'),
      ticket: ticket(R, r.sname ?? svc),
      encPart: { etype: 18, cipher: encrypt(subkey, 9, EncTGSRepPart.encode(p)) },
    });
  };
}

describe('S4U2Self with a scripted KDC', () => {
  it("PA-FOR-USER's checksum input is MS-SFU §2.2.1's: the name type (32-bit little-endian), the components, the realm, 'Kerberos'", () => {
    const got = Buffer.from(forUserChecksumInput({ nameType: 10, components: ['alice'], realm: 'EXAMPLE.COM' })).toString('hex');
    expect(got).toBe(`0a000000${Buffer.from('aliceEXAMPLE.COMKerberos').toString('hex')}`);
    expect(Buffer.from(forUserChecksumInput({ nameType: 1, components: ['a', 'b'], realm: 'R' })).toString('hex')).toBe(`01000000${Buffer.from('abRKerberos').toString('hex')}`);
  });

  it('sends PA-TGS-REQ, PA-S4U-X509-USER, PA-FOR-USER for the service itself; the reply names the user', async () => {
    const t = scripted(selfKdc());
    const r = await getS4U2SelfTicket({ transport: t, tgt, user: 'alice', now });
    const { req } = openTgsReq(t.sent[0]!.bytes, KEY18);
    // outer padata as MIT 1.20 sends them: PA-TGS-REQ, PA-FX-FAST (implicit TGS armor), then copies of S4U's
    expect(req.padata!.map((p) => p.padataType)).toEqual([1, 136, 130, 129]);
    expect(req.reqBody.sname).toEqual(svc);
    const fu = PAForUser.decode(req.padata!.find((p) => p.padataType === 129)!.padataValue);
    expect(fu).toMatchObject({ userName: name('alice'), userRealm: R, authPackage: 'Kerberos', cksum: { cksumtype: -138 } });
    // canonicalize, and the TGT's forwardable (0x40) and renewable (0x00800000) flags
    expect(req.reqBody.kdcOptions >>> 0).toBe((0x00010000 | 0x40000000 | 0x00800000) >>> 0);
    expect(r.user).toMatchObject({ components: ['alice'], realm: R });
    expect(r.credential.client).toMatchObject({ components: ['alice'], realm: R });
    expect(r.forwardable).toBe(false);
  });

  it('a forwardable ticket says so', async () => {
    const r = await getS4U2SelfTicket({ transport: scripted(selfKdc({ flags: 0x40a10000 })), tgt, user: 'alice', now });
    expect(r.forwardable).toBe(true);
  });

  it.each([
    ['a reply for another client', { cname: name('bob') }, 'ERR_CLIENT_MISMATCH'],
    ['a PA-S4U-X509-USER with another nonce', { x509: 'wrong-nonce' }, 'ERR_S4U_REPLY_MODIFIED'],
    ['a checksum under usage 26 although the options say 27', { x509: 'usage-26' }, 'ERR_S4U_REPLY_MODIFIED'],
    ['an unkeyed checksum', { x509: 'unkeyed' }, 'ERR_S4U_REPLY_MODIFIED'],
    ['another user under the original checksum', { x509: 'mallory' }, 'ERR_S4U_REPLY_MODIFIED'],
    ['PA-S4U-X509-USER only in the encrypted padata', { x509: 'enc-only' }, 'ERR_S4U_REPLY_MODIFIED'],
    ['a ticket for another server', { sname: name('other', 'x') }, 'ERR_SERVER_MISMATCH'],
  ] as const)('refuses %s (as MIT)', async (_what, reply, code) => {
    const e = await getS4U2SelfTicket({ transport: scripted(selfKdc(reply as Reply)), tgt, user: 'alice', now }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe(code);
  });

  it('takes the name the KDC protects (canonical), and checks the ticket against it', async () => {
    const user = { nameType: 10, components: ['alice@example.com'], realm: R };
    const r = await getS4U2SelfTicket({ transport: scripted(selfKdc({ protectedName: name('alice') })), tgt, user, now });
    expect(r.user.components).toEqual(['alice']);
    const e = await getS4U2SelfTicket({ transport: scripted(selfKdc({ protectedName: name('alice'), cname: name('alice@example.com') })), tgt, user, now }).catch((x) => x);
    expect(e.code).toBe('ERR_CLIENT_MISMATCH');
  });

  it('an unknown user and a refused service are KdcErrors that say so', async () => {
    const e = await getS4U2SelfTicket({ transport: scripted(() => krbError(6, { eText: 'UNKNOWN_S4U2SELF_PRINCIPAL' })), tgt, user: 'nobody', now }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e).toMatchObject({ code: 'ERR_S4U2SELF_REFUSED', errorCode: 6 });
    expect(e.message).toMatch(/knows no user nobody@EXAMPLE.COM/);
    const p = await getS4U2SelfTicket({ transport: scripted(() => krbError(13)), tgt, user: 'alice', now }).catch((x) => x);
    expect(p.message).toMatch(/policy does not let web\/www.example.com@EXAMPLE.COM ask for tickets in a user's name/);
    expect(p.code).toBe('ERR_S4U2SELF_REFUSED');
  });
});

describe('S4U2Proxy with a scripted KDC', () => {
  const evidence = (flags: number) => ({ ticket: Ticket.encode(ticket(R, svc)), client: { nameType: 1, components: ['alice'], realm: R }, flags });
  const backend = name('HTTP', 'db.example.com');
  const proxyKdc =
    (f: { cname?: PrincipalName; sname?: PrincipalName } = {}) =>
    (_realm: string, bytes: Uint8Array) => {
      const { req, auth } = openTgsReq(bytes, KEY18);
      const subkey: Key = { etype: auth.subkey!.keytype, value: auth.subkey!.keyvalue };
      const p = part({ nonce: req.reqBody.nonce, srealm: R, sname: f.sname ?? backend, key: { keytype: 18, keyvalue: new Uint8Array(32).fill(3) } });
      return TGSRep.encode({
        pvno: 5,
        msgType: 13,
        crealm: R,
        cname: f.cname ?? name('alice'),
        ticket: ticket(R, f.sname ?? backend),
        encPart: { etype: 18, cipher: encrypt(subkey, 9, EncTGSRepPart.encode(p)) },
      });
    };

  it('sends the evidence in additional-tickets with cname-in-addl-tkt and PA-PAC-OPTIONS (RBCD), and keeps the evidence as second ticket', async () => {
    const t = scripted(proxyKdc());
    const ev = evidence(0x40000000);
    const r = await getS4U2ProxyTicket({ transport: t, tgt, evidence: ev, server: 'HTTP/db.example.com', now });
    const { req } = openTgsReq(t.sent[0]!.bytes, KEY18);
    expect(req.padata!.map((p) => p.padataType)).toEqual([1, 136, 167]);
    expect(PAPacOptions.decode(req.padata!.find((p) => p.padataType === 167)!.padataValue).flags >>> 0).toBe(0x10000000);
    expect(req.reqBody.kdcOptions & 0x00020000).toBe(0x00020000);
    expect(Ticket.encode(req.reqBody.additionalTickets![0]!)).toEqual(ev.ticket);
    expect(r.credential.client).toMatchObject({ components: ['alice'] });
    expect(r.credential.secondTicket).toEqual(ev.ticket);
    expect(r.credential.isSkey).toBe(false);
    const t2 = scripted(proxyKdc());
    await getS4U2ProxyTicket({ transport: t2, tgt, evidence: ev, server: 'HTTP/db.example.com', now, options: { resourceBased: false } });
    expect(openTgsReq(t2.sent[0]!.bytes, KEY18).req.padata!.map((p) => p.padataType)).toEqual([1, 136]);
  });

  it("refuses a ticket for another client than the evidence's, or a referral (cross-realm S4U2Proxy is not done)", async () => {
    const a = await getS4U2ProxyTicket({ transport: scripted(proxyKdc({ cname: name('bob') })), tgt, evidence: evidence(0x40000000), server: 'HTTP/db.example.com', now }).catch(
      (x) => x,
    );
    expect(a.code).toBe('ERR_CLIENT_MISMATCH');
    const b = await getS4U2ProxyTicket({
      transport: scripted(proxyKdc({ sname: { nameType: 2, nameString: ['krbtgt', 'OTHER.COM'] } })),
      tgt,
      evidence: evidence(0x40000000),
      server: 'HTTP/db.example.com',
      now,
    }).catch((x) => x);
    expect(b.code).toBe('ERR_SERVER_MISMATCH');
  });

  it('explains BADOPTION by the evidence: not forwardable, or not allowed; other KDC errors stay as they are', async () => {
    const nf = await getS4U2ProxyTicket({ transport: scripted(() => krbError(13)), tgt, evidence: evidence(0), server: 'HTTP/db.example.com', now }).catch((x) => x);
    expect(nf).toBeInstanceOf(KdcError);
    expect(nf).toMatchObject({ code: 'ERR_S4U_EVIDENCE_NOT_FORWARDABLE', errorCode: 13 });
    const na = await getS4U2ProxyTicket({ transport: scripted(() => krbError(13)), tgt, evidence: evidence(0x40000000), server: 'HTTP/db.example.com', now }).catch((x) => x);
    expect(na).toMatchObject({ code: 'ERR_S4U2PROXY_REFUSED', errorCode: 13 });
    expect(na.message).toMatch(/msDS-AllowedToDelegateTo/);
    const other = await getS4U2ProxyTicket({ transport: scripted(() => krbError(7)), tgt, evidence: evidence(0x40000000), server: 'HTTP/db.example.com', now }).catch((x) => x);
    expect(other).toMatchObject({ code: 'ERR_KDC', errorCode: 7 });
  });
});
