/**
 * Real MIT FAST exchanges (fixtures/mit/fast/fast-exchanges.json, recorded by
 * fixtures/mit/fast/generate.mjs: MIT kinit -T and kvno 1.20 against an MIT KDC that takes only
 * FAST pre-authentication) decoded, re-encoded byte for byte, and opened with the recorded keys
 * only — the krbtgt key opens the armor TGT, alice's password gives her key — down to every FAST
 * layer: the armor AP-REQ, the armor key (its SHA-1 fingerprint equal to the one MIT's KRB5_TRACE
 * printed), req-checksum, KrbFastReq, the encrypted challenge, KrbFastResponse, the finished
 * ticket checksum, the strengthened reply key (fingerprint from the trace again), the KDC's
 * challenge, the enc-part; the TGS's implicit armor; the wrong password's error inside FAST. Then
 * our client's FAST functions on the same bytes, and on the bytes tampered with.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openAuthenticator, openTicket, sessionKeyOf } from '../../src/ap/index.js';
import { processFastReply, unwrapFastError } from '../../src/client/fast.js';
import { cf2, decrypt, digest, stringToKey, verifyChecksum, type Key } from '../../src/crypto/index.js';
import { ProtocolError } from '../../src/errors.js';
import { decodeCcache } from '../../src/formats/index.js';
import { KeyUsage, PaDataType } from '../../src/iana/index.js';
import {
  APReq,
  ASRep,
  ASReq,
  EncKDCRepPart,
  EncryptedData,
  KDCReqBody,
  KRBError,
  KrbFastReq,
  KrbFastResponse,
  PAEncTsEnc,
  PAFxFastReply,
  PAFxFastRequest,
  TGSRep,
  TGSReq,
  Ticket,
  decodeMethodData,
  type KDCReq,
  type PAData,
} from '../../src/messages/index.js';

interface Fixture {
  realm: string;
  client: { password: string; salt: string; etype: number };
  keys: { principal: string; etype: number; keyHex: string }[];
  armorCcacheBase64: string;
  cases: { name: string; exit: number; stderr: string; trace: string[]; exchanges: { requestHex: string; responseHex: string }[] }[];
}
const fx = JSON.parse(readFileSync(new URL('../../fixtures/mit/fast/fast-exchanges.json', import.meta.url), 'utf8')) as Fixture;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const caseOf = (name: string) => fx.cases.find((c) => c.name === name)!;
const keyOf = (principal: string, etype = 18): Key => {
  const k = fx.keys.find((x) => x.principal === principal && x.etype === etype)!;
  return { etype, value: hex(k.keyHex) };
};
const krbtgt = keyOf(`krbtgt/${fx.realm}@${fx.realm}`);
const aliceKey = stringToKey(fx.client.etype, fx.client.password, fx.client.salt);
/** MIT's trace fingerprint of a key: the first two bytes of SHA-1 of its bytes, upper-case hex (os/trace.c hash_bytes). */
const fingerprint = (k: Key) => toHex(digest('sha1', k.value).subarray(0, 2)).toUpperCase();
const traced = (c: { trace: string[] }, prefix: string) => c.trace.filter((l) => l.startsWith(prefix)).map((l) => /\/([0-9A-F]{4})$/.exec(l)![1]!);
const find = (pa: PAData[] | undefined, t: number) => pa?.find((p) => p.padataType === t);

/** Opens an armored AS-REQ: the armor ticket and authenticator, the armor key, the KrbFastReq. */
function openArmoredAsReq(req: KDCReq) {
  const armored = PAFxFastRequest.decode(find(req.padata, PaDataType.PA_FX_FAST)!.padataValue);
  expect(armored.armor!.armorType).toBe(1);
  const apReq = APReq.decode(armored.armor!.armorValue);
  const tkt = openTicket(apReq.ticket, krbtgt);
  const session = sessionKeyOf(tkt);
  const auth = openAuthenticator(apReq, session, KeyUsage.AP_REQ_AUTH);
  const subkey = sessionKeyOf({ key: auth.subkey! });
  const armorKey = cf2(subkey, 'subkeyarmor', session, 'ticketarmor');
  const plain = decrypt(armorKey, KeyUsage.FAST_ENC, armored.encFastReq.cipher);
  const fastReq = KrbFastReq.decode(plain);
  expect(toHex(KrbFastReq.encode(fastReq))).toBe(toHex(plain));
  return { armored, apReq, auth, session, subkey, armorKey, fastReq };
}

describe('real MIT FAST exchanges (fixtures/mit/fast): decode, re-encode, open', () => {
  it('every message re-encodes byte for byte, with its PA-FX-FAST', () => {
    let n = 0;
    for (const c of fx.cases) {
      for (const e of c.exchanges) {
        const req = hex(e.requestHex);
        const rep = hex(e.responseHex);
        const reqCodec = req[0] === 0x6a ? ASReq : TGSReq;
        const r = reqCodec.decode(req);
        expect(toHex(reqCodec.encode(r))).toBe(e.requestHex);
        const fast = find(r.padata, PaDataType.PA_FX_FAST)!;
        expect(toHex(PAFxFastRequest.encode(PAFxFastRequest.decode(fast.padataValue)))).toBe(toHex(fast.padataValue));
        const repCodec = rep[0] === 0x7e ? KRBError : rep[0] === 0x6b ? ASRep : TGSRep;
        const p = repCodec.decode(rep) as { padata?: PAData[]; eData?: Uint8Array };
        expect(toHex((repCodec as typeof KRBError).encode(p as never))).toBe(e.responseHex);
        const fr = find(p.padata ?? decodeMethodData(p.eData!), PaDataType.PA_FX_FAST)!;
        expect(toHex(PAFxFastReply.encode(PAFxFastReply.decode(fr.padataValue)))).toBe(toHex(fr.padataValue));
        n++;
      }
    }
    expect(n).toBe(5);
  });

  it("kinit -T: the armor key is MIT's (trace fingerprint); req-checksum, encrypted challenge, FAST error, FAST reply, ticket checksum, strengthened reply key (MIT's fingerprint), KDC challenge, enc-part", () => {
    const c = caseOf('kinit-armored');
    expect(c.exit).toBe(0);
    const [first, second] = c.exchanges.map((e) => ({ req: ASReq.decode(hex(e.requestHex)), rep: hex(e.responseHex) }));
    // The outer request: the body and PA-FX-FAST only, as MIT's krb5int_fast_prep_req makes it.
    expect(first!.req.padata!.map((p) => p.padataType)).toEqual([PaDataType.PA_FX_FAST]);

    const a = openArmoredAsReq(first!.req);
    expect(a.auth.cksum).toBeUndefined();
    expect(fingerprint(a.session)).toBe(traced(c, 'Armor ccache sesion key:')[0]);
    expect(fingerprint(a.subkey)).toBe(/subkey aes256-cts\/([0-9A-F]{4})/.exec(c.trace.find((l) => l.startsWith('Creating authenticator'))!)![1]);
    expect(fingerprint(a.armorKey)).toBe(traced(c, 'FAST armor key:')[0]);
    // req-checksum over the outer KDC-REQ-BODY, armor key, usage 50.
    const ck = a.armored.reqChecksum;
    expect(verifyChecksum(a.armorKey, KeyUsage.FAST_REQ_CHKSUM, KDCReqBody.encode(first!.req.reqBody), ck.checksum, ck.cksumtype)).toBe(true);
    // MIT encodes the outer body once per (re)start, before it draws the nonce (get_in_tkt.c: "RFC
    // 6113 requires a new nonce for the inner request on each try"): outside nonce 0, inside a fresh one.
    expect(first!.req.reqBody.nonce).toBe(0);
    expect(a.fastReq.reqBody.nonce).not.toBe(0);
    const nonce1 = a.fastReq.reqBody.nonce;

    // The KDC's PREAUTH_REQUIRED inside FAST.
    const err = KRBError.decode(first!.rep);
    const inner = unwrapFastError({ armorKey: a.armorKey }, err, nonce1)!;
    expect(inner.error.errorCode).toBe(25);
    expect(inner.padata.map((p) => p.padataType)).toEqual([136, 19, 138, 133, 137]);

    // Second request: same armor (MIT keeps the state), PA-FX-COOKIE and PA-ENCRYPTED-CHALLENGE inside.
    const b = openArmoredAsReq(second!.req);
    expect(toHex(b.armorKey.value)).toBe(toHex(a.armorKey.value));
    const types = b.fastReq.padata.map((p) => p.padataType);
    expect(types).toContain(PaDataType.PA_FX_COOKIE);
    expect(types).toContain(PaDataType.PA_ENCRYPTED_CHALLENGE);
    expect(types).toContain(PaDataType.PA_REQ_ENC_PA_REP);
    const ec = EncryptedData.decode(find(b.fastReq.padata, PaDataType.PA_ENCRYPTED_CHALLENGE)!.padataValue);
    const clientChallenge = cf2(b.armorKey, 'clientchallengearmor', aliceKey, 'challengelongterm');
    const ts = PAEncTsEnc.decode(decrypt(clientChallenge, KeyUsage.ENC_CHALLENGE_CLIENT, ec.cipher));
    expect(Math.abs(ts.patimestamp.getTime() - err.stime.getTime())).toBeLessThan(60_000);

    // The AS-REP: KrbFastResponse (usage 52) with the request's nonce, finished, strengthen key.
    const rep = ASRep.decode(second!.rep);
    const nonce2 = b.fastReq.reqBody.nonce;
    expect(nonce2).not.toBe(nonce1);
    const fr = PAFxFastReply.decode(find(rep.padata, PaDataType.PA_FX_FAST)!.padataValue);
    const resp = KrbFastResponse.decode(decrypt(b.armorKey, KeyUsage.FAST_REP, fr.encFastRep.cipher));
    expect(resp.nonce >>> 0).toBe(nonce2 >>> 0);
    const fin = resp.finished!;
    expect(verifyChecksum(b.armorKey, KeyUsage.FAST_FINISHED, Ticket.encode(rep.ticket), fin.ticketChecksum.checksum, fin.ticketChecksum.cksumtype)).toBe(true);
    expect(fin.cname.nameString).toEqual(['alice']);
    const strengthen = sessionKeyOf({ key: resp.strengthenKey! });
    const replyKey = cf2(strengthen, 'strengthenkey', aliceKey, 'replykey');
    expect(fingerprint(aliceKey)).toBe(traced(c, 'AS key determined by preauth:')[0]);
    expect(fingerprint(replyKey)).toBe(traced(c, 'FAST reply key:')[0]);
    const kdcChallenge = cf2(b.armorKey, 'kdcchallengearmor', aliceKey, 'challengelongterm');
    PAEncTsEnc.decode(decrypt(kdcChallenge, KeyUsage.ENC_CHALLENGE_KDC, EncryptedData.decode(find(resp.padata, PaDataType.PA_ENCRYPTED_CHALLENGE)!.padataValue).cipher));
    const part = EncKDCRepPart.decode(decrypt(replyKey, KeyUsage.AS_REP_ENCPART, rep.encPart.cipher));
    expect(fingerprint(sessionKeyOf(part))).toBe(traced(c, 'Decrypted AS reply; session key is:')[0]);
    // RFC 6806 §11: PA-REQ-ENC-PA-REP over the request as sent (usage 56), and PA-FX-FAST: MIT's "FAST negotiation: available".
    const negot = find(part.encryptedPaData, PaDataType.PA_REQ_ENC_PA_REP)!;
    expect(negot).toBeDefined();
    expect(find(part.encryptedPaData, PaDataType.PA_FX_FAST)).toBeDefined();
    expect(c.trace).toContain('FAST negotiation: available');

    // Our processFastReply on the same bytes; then on a tampered ticket and a wrong nonce.
    const ours = processFastReply({ armorKey: b.armorKey }, rep, nonce2)!;
    expect(toHex(ours.strengthenKey!.value)).toBe(toHex(strengthen.value));
    const t = Ticket.decode(Ticket.encode(rep.ticket));
    t.encPart.cipher = t.encPart.cipher.slice();
    t.encPart.cipher[5]! ^= 1;
    const bad = processFastReply.bind(null, { armorKey: b.armorKey }, { ...rep, ticket: t }, nonce2);
    expect(bad).toThrow(ProtocolError);
    expect(bad).toThrow(/Ticket modified/);
    expect(() => processFastReply({ armorKey: b.armorKey }, rep, nonce2 + 1)).toThrow(/nonce modified/);
    expect(() => processFastReply({ armorKey: a.subkey }, rep, nonce2)).toThrow();
  });

  it("kvno: the TGS's implicit armor (subkey and TGT session key, MIT's fingerprints), req-checksum over the AP-REQ, the strengthened subkey opens the reply", () => {
    const c = caseOf('kvno-armored');
    expect(c.exit).toBe(0);
    const e = c.exchanges[0]!;
    const req = TGSReq.decode(hex(e.requestHex));
    expect(req.padata!.map((p) => p.padataType)).toEqual([PaDataType.PA_TGS_REQ, PaDataType.PA_FX_FAST]);
    const apBytes = find(req.padata, PaDataType.PA_TGS_REQ)!.padataValue;
    const apReq = APReq.decode(apBytes);
    const session = sessionKeyOf(openTicket(apReq.ticket, krbtgt));
    const auth = openAuthenticator(apReq, session, KeyUsage.TGS_REQ_AUTH);
    const subkey = sessionKeyOf({ key: auth.subkey! });
    expect(fingerprint(subkey)).toBe(traced(c, 'Generated subkey for TGS request:')[0]);
    const armorKey = cf2(subkey, 'subkeyarmor', session, 'ticketarmor');
    const armored = PAFxFastRequest.decode(find(req.padata, PaDataType.PA_FX_FAST)!.padataValue);
    expect(armored.armor).toBeUndefined();
    expect(verifyChecksum(armorKey, KeyUsage.FAST_REQ_CHKSUM, apBytes, armored.reqChecksum.checksum, armored.reqChecksum.cksumtype)).toBe(true);
    const fastReq = KrbFastReq.decode(decrypt(armorKey, KeyUsage.FAST_ENC, armored.encFastReq.cipher));
    expect(fastReq.padata).toEqual([]);
    const rep = TGSRep.decode(hex(e.responseHex));
    const f = processFastReply({ armorKey }, rep, req.reqBody.nonce)!;
    const replyKey = cf2(f.strengthenKey!, 'strengthenkey', subkey, 'replykey');
    expect(fingerprint(replyKey)).toBe(traced(c, 'FAST reply key:')[0]);
    const part = EncKDCRepPart.decode(decrypt(replyKey, KeyUsage.TGS_REP_ENCPART_SUBKEY, rep.encPart.cipher));
    expect(part.sname.nameString).toEqual(['HTTP', 'localhost']);
    // The service ticket opens with HTTP/localhost's key.
    expect(openTicket(rep.ticket, keyOf(`HTTP/localhost@${fx.realm}`)).cname.nameString).toEqual(['alice']);
  });

  it("the wrong password: MIT's 'Password incorrect'; the KDC's PREAUTH_FAILED is inside FAST, the outer e-data only its wrapper", () => {
    const c = caseOf('kinit-wrong-password');
    expect(c.stderr).toBe('kinit: Password incorrect while getting initial credentials\n');
    const e = c.exchanges.at(-1)!;
    const req = ASReq.decode(hex(e.requestHex));
    const { armorKey, fastReq } = openArmoredAsReq(req);
    const outer = KRBError.decode(hex(e.responseHex));
    const inner = unwrapFastError({ armorKey }, outer, fastReq.reqBody.nonce)!;
    expect(inner.error.errorCode).toBe(24);
    // MIT's KDC puts the same code outside; the e-data outside is only the PA-FX-FAST wrapper.
    expect(decodeMethodData(outer.eData!).map((p) => p.padataType)).toEqual([PaDataType.PA_FX_FAST]);
    // Not our armor key: the error stands as it came (MIT: "treating it as the fatal error indicated by the KDC").
    expect(unwrapFastError({ armorKey: aliceKey }, outer, fastReq.reqBody.nonce)).toBeUndefined();
    // Another nonce: the same (MIT's decrypt_fast_reply fails, and the error stands as it came).
    expect(unwrapFastError({ armorKey }, outer, fastReq.reqBody.nonce + 1)).toBeUndefined();
  });

  it('the armor cache MIT wrote has fast_avail for the TGT (MIT kinit -k negotiated FAST)', () => {
    const cc = decodeCcache(Uint8Array.from(Buffer.from(fx.armorCcacheBase64, 'base64')));
    expect(cc.config.map((x) => `${x.key} ${x.principal} ${new TextDecoder().decode(x.value)}`)).toContain(`fast_avail krbtgt/${fx.realm}@${fx.realm} yes`);
  });
});
