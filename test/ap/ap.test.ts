/**
 * src/ap: buildApReq → checkApReq on tickets MIT's KDC issued (fixtures/mit/ccache, opened with
 * the service keys MIT's kadmin recorded in ccaches.json), for both key usages (11, the GSS-API
 * AP-REQ; 7, the PA-TGS-REQ), the TGS client's and the initiator's own AP-REQs, and each refusal
 * with its stable code, the KRB-ERROR code and the message.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ApReqError,
  buildApReq,
  checkApReq,
  ReplayCache,
  type ReplayEntry,
  type ApReqRefusal,
  type BuildApReqParams,
  type CheckApReqOptions,
  type ServiceKey,
} from '../../src/ap/index.js';
import { getServiceTicket } from '../../src/client/index.js';
import { decrypt, encrypt, verifyChecksum, type Key } from '../../src/crypto/index.js';
import { DecodeError, IntegrityError, KerberosError, ProtocolError, ReplayCacheError } from '../../src/errors.js';
import { decodeCcache, type CcacheCredential } from '../../src/formats/index.js';
import { decodeKrb5Message, Krb5Initiator, GSS_CHECKSUM_TYPE } from '../../src/gssapi/index.js';
import { APOptions, AdType, EncType, ErrorCode, KeyUsage, TicketFlags, flagMask, isRc4 } from '../../src/iana/index.js';
import { ctsDecrypt, dk, hmac } from '../crypto/openssl-reference.js';
import { APReq, EncTicketPart, KDCReqBody, TGSReq, Ticket, type EncTicketPart as EncTicketPartT } from '../../src/messages/index.js';

const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);
const ccache = (name: string) => decodeCcache(new Uint8Array(readFileSync(new URL(name, dir))));
const kvnoCache = ccache('v4-kvno.ccache');
const cred = (cc: ReturnType<typeof ccache>, first: string): CcacheCredential => cc.credentials.find((c) => c.server.components[0] === first)!;
const http = cred(kvnoCache, 'HTTP');
const tgt = cred(kvnoCache, 'krbtgt');
const svc384 = cred(kvnoCache, 'svc384');
const rc4Ticket = cred(ccache('v4-rc4.ccache'), 'svcrc4');

const meta = JSON.parse(readFileSync(new URL('ccaches.json', dir), 'utf8')) as {
  keys: { services: Record<string, { principal: string; kvno: number; etype: number; key: string }[]> };
};
const keys: ServiceKey[] = Object.values(meta.keys.services)
  .flat()
  .map((k) => {
    const [name, realm] = k.principal.split('@') as [string, string];
    return { principal: { realm, components: name.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
  });
const keyOf = (principal: string, etype: number): Key => keys.find((k) => k.principal.components.join('/') === principal && k.key.etype === etype)!.key;

const NOW = http.authtime.getTime();
const session = (c: CcacheCredential): Key => ({ etype: c.key.etype, value: c.key.value });

/** An AP-REQ for `c`'s ticket, made at NOW + 250 ms. */
function build(c: CcacheCredential, over: Partial<BuildApReqParams> = {}) {
  return buildApReq({ ticket: Ticket.decode(c.ticket), sessionKey: session(c), client: c.client, ctime: new Date(NOW), cusec: 250_000, ...over });
}
const check = (ap: APReq, o: Partial<CheckApReqOptions> = {}) => checkApReq(ap, { keys, now: NOW, ...o });

/** `c`'s ticket with its EncTicketPart changed (re-sealed under the service key MIT used). */
function reseal(c: CcacheCredential, change: (p: EncTicketPartT) => EncTicketPartT | Uint8Array): Ticket {
  const t = Ticket.decode(c.ticket);
  const key = keyOf(c.server.components.join('/'), t.encPart.etype);
  const next = change(EncTicketPart.decode(decrypt(key, KeyUsage.KDC_REP_TICKET, t.encPart.cipher, { allowWeakCrypto: true })));
  const plain = next instanceof Uint8Array ? next : EncTicketPart.encode(next);
  return { ...t, encPart: { ...t.encPart, cipher: encrypt(key, KeyUsage.KDC_REP_TICKET, plain, { allowWeakCrypto: true }) } };
}

function refused(f: () => unknown, code: ApReqRefusal, krb: number, message?: RegExp): ApReqError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'accepted').toBeInstanceOf(ApReqError);
  const e = err as ApReqError;
  expect(e.code, e.message).toBe(code);
  expect(e.krbErrorCode, e.message).toBe(krb);
  if (message) expect(e.message).toMatch(message);
  return e;
}

describe('buildApReq → checkApReq on MIT-issued tickets', () => {
  it('a GSS-API AP-REQ (usage 11) with every authenticator field: the opened parts are what was sent and what MIT issued', () => {
    const subkey = { etype: 18, value: new Uint8Array(32).fill(0x5a) };
    const authorizationData = [{ adType: AdType.AD_IF_RELEVANT, adData: new Uint8Array([0x30, 0]) }];
    const cksum = { cksumtype: GSS_CHECKSUM_TYPE, checksum: new Uint8Array(24) };
    const ap = build(http, { subkey, seqNumber: 0x12345678, cksum, authorizationData, apOptions: flagMask(APOptions.MUTUAL_REQUIRED) });
    expect(ap).toMatchObject({ pvno: 5, msgType: 14, apOptions: flagMask(APOptions.MUTUAL_REQUIRED) >>> 0, authenticator: { etype: 18 } });
    const r = check(APReq.decode(APReq.encode(ap)));
    expect(r.client).toEqual({ nameType: 1, realm: 'TSKRB5.TEST', components: ['alice'] });
    expect(r.server).toEqual({ nameType: 1, realm: 'TSKRB5.TEST', components: ['HTTP', 'localhost'] });
    expect(r.serviceKey).toBe(keys.find((k) => k.principal.components.join('/') === 'HTTP/localhost' && k.key.etype === 18));
    expect(r.sessionKey.etype).toBe(18);
    expect(Buffer.from(r.sessionKey.value).equals(Buffer.from(http.key.value))).toBe(true);
    expect(r.ticket.cname.nameString).toEqual(['alice']);
    expect(r.ticket.endtime).toEqual(http.endtime);
    expect(r.time).toBe(NOW + 250);
    expect(r.authenticator).toMatchObject({ authenticatorVno: 5, crealm: 'TSKRB5.TEST', cusec: 250_000, seqNumber: 0x12345678, authorizationData });
    expect(r.authenticator.cksum).toEqual(cksum);
    expect(r.subkey).toEqual({ etype: 18, value: subkey.value });
    // keys never print
    expect(JSON.stringify(r.sessionKey)).not.toMatch(/value":\[|"0":/);
  });

  it('aes256-cts-hmac-sha384-192 (an MIT ticket and session key of etype 20), no optional fields', () => {
    const r = check(build(svc384));
    expect(r.server.components).toEqual(['svc384', 'localhost']);
    expect(r.sessionKey.etype).toBe(EncType.AES256_CTS_HMAC_SHA384_192);
    expect(r.subkey).toBeUndefined();
    expect(r.authenticator.cksum).toBeUndefined();
    expect(r.authenticator.seqNumber).toBeUndefined();
  });

  it("usage 7 (a PA-TGS-REQ) with MIT's TGT opens only with usage 7", () => {
    const ap = build(tgt, { usage: KeyUsage.TGS_REQ_AUTH });
    expect(check(ap, { usage: KeyUsage.TGS_REQ_AUTH }).server.components).toEqual(['krbtgt', 'TSKRB5.TEST']);
    const e = refused(() => check(ap), 'ERR_AP_AUTHENTICATOR_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, /does not decrypt with the session key/);
    expect(e.cause).toBeInstanceOf(IntegrityError);
    refused(() => check(build(http), { usage: KeyUsage.TGS_REQ_AUTH }), 'ERR_AP_AUTHENTICATOR_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  });

  it("the TGS client's PA-TGS-REQ is built here: a KDC opens it with usage 7 and its checksum covers the request body (usage 6)", async () => {
    let sent: Uint8Array | undefined;
    const transport = {
      async send(_realm: string, bytes: Uint8Array): Promise<Uint8Array> {
        sent = bytes;
        throw new Error('captured');
      },
    };
    await expect(getServiceTicket({ transport, tgt, server: 'HTTP/localhost@TSKRB5.TEST', now: () => new Date(NOW) })).rejects.toThrow('captured');
    const req = TGSReq.decode(sent!);
    const ap = APReq.decode(req.padata![0]!.padataValue);
    const r = check(ap, { usage: KeyUsage.TGS_REQ_AUTH });
    expect(r.client.components).toEqual(['alice']);
    expect(r.subkey?.etype).toBe(18); // MIT sends one; so do we
    const ck = r.authenticator.cksum!;
    expect(verifyChecksum(r.sessionKey, KeyUsage.TGS_REQ_AUTH_CKSUM, KDCReqBody.encode(req.reqBody), ck.checksum, ck.cksumtype)).toBe(true);
    refused(() => check(ap), 'ERR_AP_AUTHENTICATOR_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  });

  it("the GSS initiator's AP-REQ is built here: usage 11, the 0x8003 checksum, a subkey and a sequence number", () => {
    const i = new Krb5Initiator({ credential: http, now: () => new Date(NOW) });
    const m = decodeKrb5Message(i.token);
    if (m.message.type !== 'AP-REQ') throw new Error(m.message.type);
    const r = check(m.message.value);
    expect(r.authenticator.cksum?.cksumtype).toBe(GSS_CHECKSUM_TYPE);
    expect(r.subkey?.etype).toBe(http.key.etype);
    expect(r.authenticator.seqNumber).toBeTypeOf('number');
    refused(() => check(m.message.value as APReq, { usage: KeyUsage.TGS_REQ_AUTH }), 'ERR_AP_AUTHENTICATOR_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  });

  it("the kvno: any key of the principal, the ticket's kvno first, then newest first; strict on request", () => {
    const right = keys.find((k) => k.principal.components.join('/') === 'HTTP/localhost' && k.key.etype === 18)!;
    const wrongAtKvno: ServiceKey = { ...right, key: { etype: 18, value: new Uint8Array(32).fill(1) } };
    const older: ServiceKey = { ...right, kvno: right.kvno + 5 };
    const newer: ServiceKey = { ...right, kvno: right.kvno + 9 };
    // the ticket's kvno first: the right key there is the one used, whatever else is listed
    expect(check(build(http), { keys: [older, newer, right] }).serviceKey).toBe(right);
    // a wrong key at the ticket's kvno: then the principal's other keys, newest first
    expect(check(build(http), { keys: [older, wrongAtKvno, newer] }).serviceKey).toBe(newer);
    expect(check(build(http), { keys: [newer, wrongAtKvno, older] }).serviceKey).toBe(newer);
    expect(check(build(http), { keys: [wrongAtKvno, older] }).serviceKey).toBe(older);
    refused(() => check(build(http), { keys: [wrongAtKvno, newer], strictKvno: true }), 'ERR_AP_TICKET_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, /stale keytab/);
    refused(() => check(build(http), { keys: [newer], strictKvno: true }), 'ERR_AP_NO_KEY_OF_KVNO', ErrorCode.KRB_AP_ERR_BADKEYVER, /no key of kvno 1 /);
  });

  it("RC4: MIT's arcfour-hmac ticket is refused by name with how to allow it, and opens with allowWeakCrypto", () => {
    const ap = build(rc4Ticket);
    const e = refused(() => check(ap), 'ERR_AP_TICKET_ETYPE', ErrorCode.KDC_ERR_ETYPE_NOSUPP);
    expect(e.message).toMatch(/the ticket is encrypted with arcfour-hmac \(RC4, etype 23\), a weak enctype/);
    expect(e.message).toMatch(/msDS-SupportedEncryptionTypes.*allowWeakCrypto: true/);
    const r = check(ap, { allowWeakCrypto: true });
    expect(r.client.components).toEqual(['rc4user']);
    expect(isRc4(r.serviceKey.key.etype)).toBe(true);
    expect([isRc4(EncType.RC4_HMAC), isRc4(EncType.RC4_HMAC_EXP), isRc4(17), isRc4(18), isRc4(-138)]).toEqual([true, true, false, false, false]);
  });

  it("the replay cache hook: asked with the authenticator's tag (its HMAC's last 12 bytes, as MIT's rcache2), time, expiry (time + skew) and service; a second sight is a replay", () => {
    const calls: [ReplayEntry, number][] = [];
    const rc = new ReplayCache();
    const hook = {
      check: (entry: ReplayEntry, now: number) => {
        calls.push([entry, now]);
        return rc.check(entry, now);
      },
    };
    const ap = build(http);
    check(ap, { replayCache: hook });
    expect(calls).toHaveLength(1);
    const [entry, now] = calls[0]!;
    // the tag: the HMAC-SHA1-96 that ends the aes256-cts ciphertext (RFC 3962), here recomputed
    // by OpenSSL over the decrypted confounder and authenticator with Ki = DK(session key, usage 11 | 0x55)
    const cipher = ap.authenticator.cipher;
    expect(ap.authenticator.etype).toBe(18);
    const key = session(http).value;
    const plain = ctsDecrypt(dk(key, Uint8Array.of(0, 0, 0, 11, 0xaa)), new Uint8Array(16), cipher.subarray(0, -12));
    expect(Buffer.from(entry.tag).toString('hex')).toBe(Buffer.from(hmac('sha1', dk(key, Uint8Array.of(0, 0, 0, 11, 0x55)), plain).subarray(0, 12)).toString('hex'));
    expect(Buffer.from(entry.tag).toString('hex')).toBe(Buffer.from(cipher.subarray(-12)).toString('hex'));
    expect(entry).toMatchObject({ time: NOW + 250, expires: NOW + 250 + 300_000, server: 'HTTP/localhost@TSKRB5.TEST' });
    expect(now).toBe(NOW);
    refused(() => check(ap, { replayCache: hook }), 'ERR_AP_REPLAY', ErrorCode.KRB_AP_ERR_REPEAT, /seen before: a replay/);
    // another authenticator of the same client at the same time is not a replay
    expect(check(build(http), { replayCache: hook }).client.components).toEqual(['alice']);
    // no cache: no such check
    expect(check(ap, { replayCache: false }).client.components).toEqual(['alice']);
    // a store that cannot record it: its error, not an ApReqError (the caller refuses)
    const full = {
      check: () => {
        throw new ReplayCacheError('full', { code: 'ERR_REPLAY_CACHE_FULL' });
      },
    };
    expect(() => check(build(http), { replayCache: full })).toThrow(ReplayCacheError);
  });

  it('the clock skew: 300 s either way passes, a millisecond more is refused stating the offset', () => {
    const at = (ms: number) => build(http, { ctime: new Date(Math.floor(ms / 1000) * 1000), cusec: (ms % 1000) * 1000 });
    expect(check(at(NOW + 300_000)).time).toBe(NOW + 300_000);
    expect(check(at(NOW - 300_000)).time).toBe(NOW - 300_000);
    refused(() => check(at(NOW + 300_001)), 'ERR_AP_SKEW', ErrorCode.KRB_AP_ERR_SKEW, /clock is 300 s off \(more than 300 s\)/);
    refused(() => check(at(NOW - 301_000)), 'ERR_AP_SKEW', ErrorCode.KRB_AP_ERR_SKEW, /clock is -301 s off/);
    expect(check(at(NOW - 301_000), { clockSkewSec: 400 }).client.components).toEqual(['alice']);
  });
});

describe('checkApReq refuses as krb5_rd_req does: each refusal, its code and KRB-ERROR code', () => {
  it('the header: pvno, msg-type, user-to-user (no server named yet)', () => {
    const ap = build(http);
    expect(refused(() => check({ ...ap, pvno: 4 }), 'ERR_AP_BAD_VERSION', ErrorCode.KRB_AP_ERR_BADVERSION, /pvno 4/).server).toBeUndefined();
    expect(refused(() => check({ ...ap, msgType: 15 }), 'ERR_AP_MSG_TYPE', ErrorCode.KRB_AP_ERR_MSG_TYPE, /msg-type 15/).server).toBeUndefined();
    expect(
      refused(() => check({ ...ap, apOptions: flagMask(APOptions.USE_SESSION_KEY) }), 'ERR_AP_USER_TO_USER', ErrorCode.KRB_AP_ERR_METHOD, /user-to-user/).server,
    ).toBeUndefined();
  });

  it("the service: another one than asked for, or none of ours (the refusal names the ticket's server)", () => {
    const ap = build(http);
    const e = refused(
      () => check(ap, { service: { components: ['HTTP', 'other'] } }),
      'ERR_AP_WRONG_SERVICE',
      ErrorCode.KRB_AP_ERR_NOT_US,
      /for HTTP\/localhost@TSKRB5\.TEST, not this service/,
    );
    expect(e.server).toEqual({ nameType: 1, realm: 'TSKRB5.TEST', components: ['HTTP', 'localhost'] });
    refused(() => check(ap, { service: { components: ['HTTP', 'localhost'], realm: 'OTHER.TEST' } }), 'ERR_AP_WRONG_SERVICE', ErrorCode.KRB_AP_ERR_NOT_US);
    expect(check(ap, { service: { components: ['HTTP', 'localhost'], realm: 'TSKRB5.TEST' } }).client.components).toEqual(['alice']);
    refused(
      () => check(ap, { keys: keys.filter((k) => k.principal.components[0] !== 'HTTP') }),
      'ERR_AP_NO_SERVICE_KEY',
      ErrorCode.KRB_AP_ERR_NOT_US,
      /no key for HTTP\/localhost@TSKRB5\.TEST in the keytab/,
    );
  });

  it("the service key: an unknown enctype, no key of the ticket's enctype, no key of its kvno (strict)", () => {
    const ap = build(http);
    refused(
      () => check({ ...ap, ticket: { ...ap.ticket, encPart: { ...ap.ticket.encPart, etype: 99 } } }),
      'ERR_AP_TICKET_ETYPE',
      ErrorCode.KDC_ERR_ETYPE_NOSUPP,
      /enctype 99 \(etype 99\), which is not supported/,
    );
    refused(() => check(ap, { keys: keys.filter((k) => k.key.etype !== 18) }), 'ERR_AP_NO_KEY_OF_ETYPE', ErrorCode.KRB_AP_ERR_NOKEY, /no key of enctype 18/);
    refused(() => check(ap, { keys: keys.map((k) => ({ ...k, kvno: 7 })), strictKvno: true }), 'ERR_AP_NO_KEY_OF_KVNO', ErrorCode.KRB_AP_ERR_BADKEYVER);
  });

  it('the ticket: sealed under another key (a stale keytab), or not an EncTicketPart inside', () => {
    const stale = keys.map((k) => ({ ...k, key: { ...k.key, value: k.key.value.map((b) => b ^ 0xff) } }));
    const e = refused(
      () => check(build(http), { keys: stale }),
      'ERR_AP_TICKET_INTEGRITY',
      ErrorCode.KRB_AP_ERR_BAD_INTEGRITY,
      /does not decrypt with the service key \(a stale keytab\?\)/,
    );
    expect(e.cause).toBeUndefined();
    const junk = reseal(http, () => new Uint8Array([0x30, 0x00]));
    const m = refused(() => check(build(http, { ticket: junk })), 'ERR_AP_TICKET_MALFORMED', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, /the ticket's encrypted part is malformed/);
    expect(m.cause).toBeInstanceOf(DecodeError);
  });

  it('the session key: RC4 inside an AES ticket is refused by name unless allowed', () => {
    const rc4: Key = { etype: EncType.RC4_HMAC, value: new Uint8Array(16).fill(7) };
    const ticket = reseal(http, (p) => ({ ...p, key: { keytype: rc4.etype, keyvalue: rc4.value } }));
    const ap = build(http, { ticket, sessionKey: rc4, allowWeakCrypto: true });
    refused(() => check(ap), 'ERR_AP_SESSION_KEY_ETYPE', ErrorCode.KDC_ERR_ETYPE_NOSUPP, /the ticket's session key is of arcfour-hmac \(RC4, etype 23\).*allowWeakCrypto: true/);
    expect(check(ap, { allowWeakCrypto: true }).sessionKey.etype).toBe(EncType.RC4_HMAC);
  });

  it("the ticket's times and flags: not valid yet, expired (both beyond the skew), INVALID", () => {
    const start = http.starttime.getTime() || NOW;
    refused(() => check(build(http), { now: start - 300_001 }), 'ERR_AP_TICKET_NYV', ErrorCode.KRB_AP_ERR_TKT_NYV, /not valid yet/);
    refused(() => check(build(http), { now: http.endtime.getTime() + 300_001 }), 'ERR_AP_TICKET_EXPIRED', ErrorCode.KRB_AP_ERR_TKT_EXPIRED, /has expired/);
    // within the skew of either end: the ticket's times pass (the authenticator's time is checked apart)
    const atEnd = http.endtime.getTime() + 300_000;
    expect(check(build(http, { ctime: new Date(atEnd), cusec: 0 }), { now: atEnd }).client.components).toEqual(['alice']);
    const invalid = reseal(http, (p) => ({ ...p, flags: (p.flags | flagMask(TicketFlags.INVALID)) >>> 0 }));
    refused(() => check(build(http, { ticket: invalid })), 'ERR_AP_TICKET_INVALID', ErrorCode.KRB_AP_ERR_TKT_NYV, /marked invalid \(postdated, not validated\)/);
  });

  it('the authenticator: another key, not an Authenticator inside, an RC4 or unknown subkey, another client', () => {
    const other: Key = { etype: 18, value: new Uint8Array(32).fill(9) };
    refused(() => check(build(http, { sessionKey: other })), 'ERR_AP_AUTHENTICATOR_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
    const ap = build(http);
    const junk = { ...ap, authenticator: { etype: 18, cipher: encrypt(session(http), KeyUsage.AP_REQ_AUTH, new Uint8Array([0x62, 0x02, 0x30, 0x00])) } };
    const m = refused(() => check(junk), 'ERR_AP_AUTHENTICATOR_MALFORMED', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, /the authenticator is malformed/);
    expect(m.cause).toBeInstanceOf(DecodeError);
    refused(
      () => check(build(http, { subkey: { etype: 23, value: new Uint8Array(16) } })),
      'ERR_AP_SUBKEY_ETYPE',
      ErrorCode.KDC_ERR_ETYPE_NOSUPP,
      /the authenticator's subkey is of arcfour-hmac \(RC4, etype 23\)/,
    );
    refused(() => check(build(http, { subkey: { etype: 99, value: new Uint8Array(5) } })), 'ERR_AP_SUBKEY_ETYPE', ErrorCode.KDC_ERR_ETYPE_NOSUPP, /which is not supported/);
    refused(
      () => check(build(http, { client: { ...http.client, components: ['mallory'] } })),
      'ERR_AP_CLIENT_MISMATCH',
      ErrorCode.KRB_AP_ERR_BADMATCH,
      /another client than the ticket/,
    );
    refused(() => check(build(http, { client: { ...http.client, realm: 'EVIL.TEST' } })), 'ERR_AP_CLIENT_MISMATCH', ErrorCode.KRB_AP_ERR_BADMATCH);
  });

  it("refusals are ProtocolErrors with a stable code; a caller's mistake is a TypeError", () => {
    const e = refused(() => check(build(http), { keys: [] }), 'ERR_AP_NO_SERVICE_KEY', ErrorCode.KRB_AP_ERR_NOT_US);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.name).toBe('ApReqError');
    expect(() => checkApReq(build(http), { keys: undefined as unknown as ServiceKey[] })).toThrow(TypeError);
  });
});
