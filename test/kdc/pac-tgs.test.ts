/**
 * The TGS exchange's PAC handling in the KDC core: a TGT whose PAC was changed after the KDC
 * signed it (a byte of LOGON_INFO, the server or the KDC signature) is refused with
 * KRB_AP_ERR_MODIFIED; an untouched one is signed again for the service, its buffers kept byte
 * for byte. (MIT's verdict on the result is test/kdc/pac.test.ts's.)
 */
import { describe, expect, it } from 'vitest';
import { buildApReq, findPac, verifyPac } from '../../src/ap/index.js';
import { checksum, decrypt, encrypt, stringToKey } from '../../src/crypto/index.js';
import { Kdc, KdcDatabase } from '../../src/kdc/index.js';
import {
  ADIfRelevant,
  APReq,
  ASRep,
  ASReq,
  EncKDCRepPart,
  EncTicketPart,
  KDCReqBody,
  type KRBError,
  TGSRep,
  TGSReq,
  parsePacHeader,
  decodeKerberosMessage,
  type Ticket,
} from '../../src/messages/index.js';

const R = 'PACTGS.TEST';
const db = new KdcDatabase({
  realm: R,
  principals: [
    { name: 'alice', password: 'pw', requiresPreauth: false, groups: ['g1'] },
    { name: 'HTTP/web', enctypes: [17] },
  ],
});
const kdc = new Kdc(db);
const client = { nameType: 1, nameString: ['alice'] };

function tgt(): { ticket: Ticket; key: { etype: number; value: Uint8Array } } {
  const req = ASReq.encode({
    pvno: 5,
    msgType: 10,
    reqBody: { kdcOptions: 0, cname: client, realm: R, sname: { nameType: 2, nameString: ['krbtgt', R] }, till: new Date(Date.now() + 3600e3), nonce: 7, etype: [18] },
  });
  const rep = ASRep.decode(kdc.handle(req).reply!);
  const part = EncKDCRepPart.decode(decrypt(stringToKey(18, 'pw', `${R}alice`), 3, rep.encPart.cipher));
  return { ticket: rep.ticket, key: { etype: part.key.keytype, value: part.key.keyvalue } };
}

function tgsWith(ticket: Ticket, key: { etype: number; value: Uint8Array }) {
  const body = { kdcOptions: 0, realm: R, sname: { nameType: 1, nameString: ['HTTP', 'web'] }, till: new Date(Date.now() + 3600e3), nonce: 9, etype: [18] };
  const cksum = { cksumtype: 16, checksum: checksum(key, 6, KDCReqBody.encode(body)) };
  const now = Date.now();
  const ap = buildApReq({
    ticket,
    sessionKey: key,
    client: { nameType: 1, components: ['alice'], realm: R },
    ctime: new Date(Math.floor(now / 1000) * 1000),
    cusec: 1,
    cksum,
    usage: 7,
  });
  return kdc.handle(TGSReq.encode({ pvno: 5, msgType: 12, padata: [{ padataType: 1, padataValue: APReq.encode(ap) }], reqBody: body })).reply!;
}

/** The TGT with its PAC changed by `edit`, re-encrypted with the krbtgt key. */
function tampered(ticket: Ticket, edit: (pac: Uint8Array) => void): Ticket {
  const k = db.tgs.keys[0]!.key;
  const part = EncTicketPart.decode(decrypt(k, 2, ticket.encPart.cipher));
  const ad = part.authorizationData!.map((e) => ({
    adType: e.adType,
    adData: ADIfRelevant.encode(
      ADIfRelevant.decode(e.adData).map((i) => {
        const pac = i.adData.slice();
        edit(pac);
        return { adType: i.adType, adData: pac };
      }),
    ),
  }));
  return { ...ticket, encPart: { ...ticket.encPart, cipher: encrypt(k, 2, EncTicketPart.encode({ ...part, authorizationData: ad })) } };
}

describe('the TGT PAC in the TGS exchange', () => {
  it('signed again for the service (aes128 key: its checksum type), every other buffer byte for byte', () => {
    const t = tgt();
    const rep = TGSRep.decode(tgsWith(t.ticket, t.key));
    const svc = db.lookup(['HTTP', 'web'], R)!.keys[0]!.key;
    const part = EncTicketPart.decode(decrypt(svc, 2, rep.ticket.encPart.cipher));
    const pac = findPac(part.authorizationData)!;
    verifyPac(pac, { serverKey: svc, kdcKey: db.tgs.keys[0]!.key, client: { components: ['alice'], realm: R }, authtime: part.authtime });
    const tgtPac = findPac(EncTicketPart.decode(decrypt(db.tgs.keys[0]!.key, 2, t.ticket.encPart.cipher)).authorizationData)!;
    const h = parsePacHeader(pac);
    const th = parsePacHeader(tgtPac);
    // the TGT's buffers in their order, then the service ticket's signature (16), server and KDC checksums
    expect(h.map((x) => x.type)).toEqual([...th.filter((x) => x.type !== 6 && x.type !== 7).map((x) => x.type), 16, 6, 7]);
    for (const b of th.filter((x) => x.type !== 6 && x.type !== 7)) {
      const at = h.find((x) => x.type === b.type)!;
      expect(pac.subarray(at.offset, at.offset + at.size)).toEqual(tgtPac.subarray(b.offset, b.offset + b.size));
    }
    expect(new DataView(pac.buffer, pac.byteOffset).getUint32(h.find((x) => x.type === 6)!.offset, true)).toBe(15);
  });

  for (const [what, at] of [
    ['a byte of LOGON_INFO', (h: { type: number; offset: number }[]) => h.find((x) => x.type === 1)!.offset + 40],
    ['the server signature', (h: { type: number; offset: number }[]) => h.find((x) => x.type === 6)!.offset + 5],
    ['the KDC signature', (h: { type: number; offset: number }[]) => h.find((x) => x.type === 7)!.offset + 5],
  ] as const) {
    it(`a TGT whose PAC has ${what} changed: KRB_AP_ERR_MODIFIED`, () => {
      const t = tgt();
      const bad = tampered(t.ticket, (pac) => {
        pac[at(parsePacHeader(pac))]! ^= 1;
      });
      const m = decodeKerberosMessage(tgsWith(bad, t.key));
      expect(m.type).toBe('KRB-ERROR');
      expect((m.value as KRBError).errorCode).toBe(41);
    });
  }
});
