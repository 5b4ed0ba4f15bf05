/**
 * The embedded KDC's S4U2Self by PA-FOR-USER alone (MS-SFU §2.2.1, what Heimdal's kgetcred
 * --impersonate sends; test/kdc/peers.test.ts has Heimdal itself): the checksum keyed with the
 * TGT's session key as MIT's kdc_process_for_user checks it. Here, in process, the refusals a
 * peer cannot be made to provoke: a checksum that does not verify (KRB_AP_ERR_MODIFIED), a user
 * of another realm or none (KDC_ERR_C_PRINCIPAL_UNKNOWN), another service than the requester
 * (KDC_ERR_BADOPTION); and an enterprise name, and PA-S4U-X509-USER taking precedence when both
 * come (its user wins, and the reply echoes it).
 */
import { describe, expect, it } from 'vitest';
import { buildApReq } from '../../src/ap/index.js';
import { buildPaForUser } from '../../src/client/index.js';
import { checksum, decrypt } from '../../src/crypto/index.js';
import { ErrorCode, KeyUsage, NameType, PaDataType } from '../../src/iana/index.js';
import { Kdc, KdcDatabase } from '../../src/kdc/index.js';
import {
  APReq,
  ASRep,
  ASReq,
  EncKDCRepPart,
  EncTicketPart,
  KDCReqBody,
  KRBError,
  PAForUser,
  PAS4UX509User,
  S4UUserID,
  TGSRep,
  TGSReq,
  type PAData,
  type Principal,
} from '../../src/messages/index.js';

const R = 'FORUSER.TEST';
const db = new KdcDatabase({
  realm: R,
  principals: [{ name: 'alice', password: 'pw' }, { name: 'bob', password: 'pw2' }, { name: 'HTTP/front', okToAuthAsDelegate: true }, { name: 'HTTP/other' }],
});
const kdc = new Kdc(db);
const front = db.lookup(['HTTP', 'front'], R)!;

/** HTTP/front's TGT, from an AS exchange with its key. */
function frontTgt() {
  const req = ASReq.encode({
    pvno: 5,
    msgType: 10,
    reqBody: {
      kdcOptions: 0x40000000,
      cname: { nameType: 1, nameString: ['HTTP', 'front'] },
      realm: R,
      sname: { nameType: 2, nameString: ['krbtgt', R] },
      till: new Date(Date.now() + 3600e3),
      nonce: 5,
      etype: [18],
    },
  });
  const reply = kdc.handle(req).reply!;
  const rep = ASRep.decode(reply);
  const part = EncKDCRepPart.decode(decrypt(front.keys[0]!.key, KeyUsage.AS_REP_ENCPART, rep.encPart.cipher));
  return { ticket: rep.ticket, key: { etype: part.key.keytype, value: part.key.keyvalue } };
}

/** A TGS-REQ from HTTP/front for `server` with the S4U padata given. */
function s4uRequest(padata: (tgtKey: { etype: number; value: Uint8Array }) => PAData[], server = ['HTTP', 'front']) {
  const tgt = frontTgt();
  const body = { kdcOptions: 0x40000000, realm: R, sname: { nameType: 1, nameString: server }, till: new Date(Date.now() + 3600e3), nonce: 9, etype: [18] };
  const now = Date.now();
  const ap = buildApReq({
    ticket: tgt.ticket,
    sessionKey: tgt.key,
    client: { nameType: 1, components: ['HTTP', 'front'], realm: R },
    ctime: new Date(Math.floor(now / 1000) * 1000),
    cusec: 1,
    cksum: { cksumtype: 16, checksum: checksum(tgt.key, KeyUsage.TGS_REQ_AUTH_CKSUM, KDCReqBody.encode(body)) },
    usage: KeyUsage.TGS_REQ_AUTH,
  });
  const bytes = kdc.handle(
    TGSReq.encode({ pvno: 5, msgType: 12, padata: [{ padataType: PaDataType.PA_TGS_REQ, padataValue: APReq.encode(ap) }, ...padata(tgt.key)], reqBody: body }),
  ).reply!;
  return { bytes, tgt };
}

function errorCode(bytes: Uint8Array): number | undefined {
  try {
    return KRBError.decode(bytes).errorCode;
  } catch {
    return undefined;
  }
}

const user = (components: string[], realm = R, nameType: number = NameType.NT_PRINCIPAL): Principal => ({ nameType, components, realm });

describe('the embedded KDC: S4U2Self by PA-FOR-USER alone', () => {
  it("a good checksum: a ticket to the service for the user, no PA-S4U-X509-USER in the reply (as MIT's)", () => {
    const { bytes, tgt } = s4uRequest((k) => [buildPaForUser(user(['alice']), k)]);
    expect(errorCode(bytes)).toBeUndefined();
    const rep = TGSRep.decode(bytes);
    expect(rep.cname.nameString).toEqual(['alice']);
    expect(rep.padata ?? []).toEqual([]);
    const part = EncTicketPart.decode(decrypt(front.keys[0]!.key, KeyUsage.KDC_REP_TICKET, rep.ticket.encPart.cipher));
    expect(part.cname.nameString).toEqual(['alice']);
    expect(part.crealm).toBe(R);
    // the reply is under the TGT's session key
    expect(() => decrypt(tgt.key, KeyUsage.TGS_REP_ENCPART_SESSKEY, rep.encPart.cipher)).not.toThrow();
  });

  it('an enterprise name (alice@FORUSER.TEST, type 10) names the same user', () => {
    const { bytes } = s4uRequest((k) => [buildPaForUser(user([`alice@${R}`], R, NameType.NT_ENTERPRISE), k)]);
    expect(errorCode(bytes)).toBeUndefined();
    const part = EncTicketPart.decode(decrypt(front.keys[0]!.key, KeyUsage.KDC_REP_TICKET, TGSRep.decode(bytes).ticket.encPart.cipher));
    expect(part.cname.nameString).toEqual([`alice@${R}`]);
  });

  it('a checksum that does not verify (a changed byte, or keyed with another key): KRB_AP_ERR_MODIFIED', () => {
    const flipped = s4uRequest((k) => {
      const pa = PAForUser.decode(buildPaForUser(user(['alice']), k).padataValue);
      pa.cksum.checksum[0]! ^= 1;
      return [{ padataType: PaDataType.PA_FOR_USER, padataValue: PAForUser.encode(pa) }];
    });
    expect(errorCode(flipped.bytes)).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
    const otherKey = s4uRequest(() => [buildPaForUser(user(['alice']), { etype: 18, value: new Uint8Array(32).fill(3) })]);
    expect(errorCode(otherKey.bytes)).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
    // the name changed after the checksum was made
    const renamed = s4uRequest((k) => {
      const pa = PAForUser.decode(buildPaForUser(user(['alice']), k).padataValue);
      return [{ padataType: PaDataType.PA_FOR_USER, padataValue: PAForUser.encode({ ...pa, userName: { nameType: 1, nameString: ['bob'] } }) }];
    });
    expect(errorCode(renamed.bytes)).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
  });

  it('an unknown user or another realm: KDC_ERR_C_PRINCIPAL_UNKNOWN; a ticket for another service: KDC_ERR_BADOPTION', () => {
    expect(errorCode(s4uRequest((k) => [buildPaForUser(user(['nobody']), k)]).bytes)).toBe(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN);
    expect(errorCode(s4uRequest((k) => [buildPaForUser(user(['alice'], 'ELSEWHERE.TEST'), k)]).bytes)).toBe(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN);
    expect(errorCode(s4uRequest((k) => [buildPaForUser(user(['alice']), k)], ['HTTP', 'other']).bytes)).toBe(ErrorCode.KDC_ERR_BADOPTION);
  });

  it('undecodable PA-FOR-USER: KRB_AP_ERR_MODIFIED', () => {
    expect(errorCode(s4uRequest(() => [{ padataType: PaDataType.PA_FOR_USER, padataValue: Uint8Array.of(0x30, 0x03, 0x02, 0x01) }]).bytes)).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
  });

  it('with PA-S4U-X509-USER beside it, that one decides (its user; its checksum echoed in the reply)', () => {
    const { bytes } = s4uRequest((k) => {
      const userId = { nonce: 9, cname: { nameType: 1, nameString: ['bob'] }, crealm: R };
      const x509: PAData = {
        padataType: PaDataType.PA_S4U_X509_USER,
        padataValue: PAS4UX509User.encode({ userId, checksum: { cksumtype: 16, checksum: checksum(k, KeyUsage.PA_S4U_X509_USER_REQUEST, S4UUserID.encode(userId)) } }),
      };
      return [buildPaForUser(user(['alice']), k), x509];
    });
    expect(errorCode(bytes)).toBeUndefined();
    const rep = TGSRep.decode(bytes);
    expect(rep.cname.nameString).toEqual(['bob']);
    expect(rep.padata?.map((p) => p.padataType)).toEqual([PaDataType.PA_S4U_X509_USER]);
  });
});
