/**
 * src/messages against MIT krb5's reference encodings (fixtures/mit/asn1-reference-encode.json,
 * from src/tests/asn.1/reference_encode.out): each decodes to the sample values of MIT's
 * src/tests/asn.1/ktest.c, written out here by hand, and encodes back to MIT's exact bytes.
 */
import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/mit/asn1-reference-encode.json' with { type: 'json' };
import type { Codec } from '../../src/asn1/index.js';
import * as M from '../../src/messages/index.js';
import { hex, toHex } from '../asn1/helpers.js';

function vector(name: string): Uint8Array {
  const v = vectors.vectors.find((x) => x.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return hex(v.hex);
}

const te = new TextEncoder();
const bytes = (s: string) => te.encode(s);

// ktest.c sample values
const T = new Date('1994-06-10T06:03:17Z'); // SAMPLE_TIME 771228197
const USEC = 123456; // SAMPLE_USEC
const SEQ = 17; // SAMPLE_SEQ_NUMBER
const NONCE = 42; // SAMPLE_NONCE
const FLAGS = 0xfedcba98; // SAMPLE_FLAGS
const REALM = 'ATHENA.MIT.EDU';
const PRINCIPAL = { nameType: 1, nameString: ['hftsai', 'extra'] }; // hftsai/extra@ATHENA.MIT.EDU, KRB5_NT_PRINCIPAL
const ENC_DATA = { etype: 0, kvno: 5, cipher: bytes('krbASN.1 test message') };
const TICKET = { tktVno: 5, realm: REALM, sname: PRINCIPAL, encPart: ENC_DATA };
const KEYBLOCK = { keytype: 1, keyvalue: bytes('12345678') };
const CHECKSUM = { cksumtype: 1, checksum: bytes('1234') };
const ADDRESS = { addrType: 2, address: hex('12d00023') }; // ADDRTYPE_INET 18.208.0.35
const ADDRESSES = [ADDRESS, ADDRESS];
const AUTHDATA = [
  { adType: 1, adData: bytes('foobar') },
  { adType: 1, adData: bytes('foobar') },
];
const PA_DATA = { padataType: 13, padataValue: bytes('pa-data') };
const LAST_REQ = [
  { lrType: -5, lrValue: T },
  { lrType: -5, lrValue: T },
];
const KRB5DATA = bytes('krb5data');

const REQ_BODY_FULL = {
  kdcOptions: 0xfedcba90,
  cname: PRINCIPAL,
  realm: REALM,
  sname: PRINCIPAL,
  from: T,
  till: T,
  rtime: T,
  nonce: NONCE,
  etype: [0, 1],
  addresses: ADDRESSES,
  encAuthorizationData: ENC_DATA,
  additionalTickets: [TICKET, TICKET],
};
const REQ_BODY_SECOND_TICKET = { kdcOptions: FLAGS, realm: REALM, till: T, nonce: NONCE, etype: [0, 1], additionalTickets: [TICKET, TICKET] };
const REQ_BODY_SERVER = { kdcOptions: 0xfedcba90, realm: REALM, sname: PRINCIPAL, till: T, nonce: NONCE, etype: [0, 1] };

const CRED_INFO = {
  key: KEYBLOCK,
  prealm: REALM,
  pname: PRINCIPAL,
  flags: FLAGS,
  authtime: T,
  starttime: T,
  endtime: T,
  renewTill: T,
  srealm: REALM,
  sname: PRINCIPAL,
  caddr: ADDRESSES,
};
const SAFE_BODY = { userData: KRB5DATA, timestamp: T, usec: USEC, seqNumber: SEQ, sAddress: ADDRESS, rAddress: ADDRESS };

const AUTHENTICATOR_MIN = { authenticatorVno: 5, crealm: REALM, cname: PRINCIPAL, cusec: USEC, ctime: T };
const ENC_TKT_PART_MIN = {
  flags: FLAGS,
  key: KEYBLOCK,
  crealm: REALM,
  cname: PRINCIPAL,
  transited: { trType: 1, contents: bytes('EDU,MIT.,ATHENA.,WASHINGTON.EDU,CS.') },
  authtime: T,
  endtime: T,
};

const cases: { name: string; codec: Codec<any>; value: unknown }[] = [
  { name: 'encode_krb5_ticket', codec: M.Ticket, value: TICKET },
  { name: 'encode_krb5_keyblock', codec: M.EncryptionKey, value: KEYBLOCK },
  { name: 'encode_krb5_enc_data', codec: M.EncryptedData, value: ENC_DATA },
  { name: 'encode_krb5_authorization_data', codec: M.AuthorizationData, value: AUTHDATA },
  { name: 'encode_krb5_authorization_data', codec: M.ADIfRelevant, value: AUTHDATA },
  {
    name: 'encode_krb5_ad_kdcissued',
    codec: M.ADKDCIssued,
    value: { adChecksum: CHECKSUM, iRealm: REALM, iSname: PRINCIPAL, elements: AUTHDATA },
  },
  { name: 'encode_krb5_ap_req', codec: M.APReq, value: { pvno: 5, msgType: 14, apOptions: FLAGS, ticket: TICKET, authenticator: ENC_DATA } },
  {
    name: 'encode_krb5_authenticator',
    codec: M.Authenticator,
    value: { ...AUTHENTICATOR_MIN, cksum: CHECKSUM, subkey: KEYBLOCK, seqNumber: SEQ, authorizationData: AUTHDATA },
  },
  { name: 'encode_krb5_authenticator(optionals empty)', codec: M.Authenticator, value: AUTHENTICATOR_MIN },
  { name: 'encode_krb5_authenticator(optionals NULL)', codec: M.Authenticator, value: AUTHENTICATOR_MIN },
  { name: 'encode_krb5_ap_rep', codec: M.APRep, value: { pvno: 5, msgType: 15, encPart: ENC_DATA } },
  { name: 'encode_krb5_ap_rep_enc_part', codec: M.EncAPRepPart, value: { ctime: T, cusec: USEC, subkey: KEYBLOCK, seqNumber: SEQ } },
  { name: 'encode_krb5_ap_rep_enc_part(optionals NULL)', codec: M.EncAPRepPart, value: { ctime: T, cusec: USEC } },
  {
    name: 'encode_krb5_enc_tkt_part',
    codec: M.EncTicketPart,
    value: { ...ENC_TKT_PART_MIN, starttime: T, renewTill: T, caddr: ADDRESSES, authorizationData: AUTHDATA },
  },
  { name: 'encode_krb5_enc_tkt_part(optionals NULL)', codec: M.EncTicketPart, value: ENC_TKT_PART_MIN },
  { name: 'encode_krb5_kdc_req_body(optionals NULL except server)', codec: M.KDCReqBody, value: REQ_BODY_SERVER },
  { name: 'encode_krb5_as_req', codec: M.ASReq, value: { pvno: 5, msgType: 10, padata: [PA_DATA, PA_DATA], reqBody: REQ_BODY_FULL } },
  { name: 'encode_krb5_as_req(optionals NULL except second_ticket)', codec: M.ASReq, value: { pvno: 5, msgType: 10, reqBody: REQ_BODY_SECOND_TICKET } },
  { name: 'encode_krb5_as_req(optionals NULL except server)', codec: M.ASReq, value: { pvno: 5, msgType: 10, reqBody: REQ_BODY_SERVER } },
  { name: 'encode_krb5_tgs_req', codec: M.TGSReq, value: { pvno: 5, msgType: 12, padata: [PA_DATA, PA_DATA], reqBody: REQ_BODY_FULL } },
  { name: 'encode_krb5_tgs_req(optionals NULL except second_ticket)', codec: M.TGSReq, value: { pvno: 5, msgType: 12, reqBody: REQ_BODY_SECOND_TICKET } },
  { name: 'encode_krb5_tgs_req(optionals NULL except server)', codec: M.TGSReq, value: { pvno: 5, msgType: 12, reqBody: REQ_BODY_SERVER } },
  {
    name: 'encode_krb5_as_rep',
    codec: M.ASRep,
    value: { pvno: 5, msgType: 11, padata: [PA_DATA, PA_DATA], crealm: REALM, cname: PRINCIPAL, ticket: TICKET, encPart: ENC_DATA },
  },
  { name: 'encode_krb5_as_rep(optionals NULL)', codec: M.ASRep, value: { pvno: 5, msgType: 11, crealm: REALM, cname: PRINCIPAL, ticket: TICKET, encPart: ENC_DATA } },
  {
    name: 'encode_krb5_tgs_rep',
    codec: M.TGSRep,
    value: { pvno: 5, msgType: 13, padata: [PA_DATA, PA_DATA], crealm: REALM, cname: PRINCIPAL, ticket: TICKET, encPart: ENC_DATA },
  },
  { name: 'encode_krb5_tgs_rep(optionals NULL)', codec: M.TGSRep, value: { pvno: 5, msgType: 13, crealm: REALM, cname: PRINCIPAL, ticket: TICKET, encPart: ENC_DATA } },
  {
    // MIT writes EncKDCRepPart as [APPLICATION 26] (EncTGSRepPart) whatever the reply.
    name: 'encode_krb5_enc_kdc_rep_part',
    codec: M.EncKDCRepPart,
    value: {
      key: KEYBLOCK,
      lastReq: LAST_REQ,
      nonce: NONCE,
      keyExpiration: T,
      flags: FLAGS,
      authtime: T,
      starttime: T,
      endtime: T,
      renewTill: T,
      srealm: REALM,
      sname: PRINCIPAL,
      caddr: ADDRESSES,
      applicationTag: 26,
    },
  },
  {
    name: 'encode_krb5_enc_kdc_rep_part(optionals NULL)',
    codec: M.EncKDCRepPart,
    value: { key: KEYBLOCK, lastReq: LAST_REQ, nonce: NONCE, flags: 0xfe5cba98, authtime: T, endtime: T, srealm: REALM, sname: PRINCIPAL, applicationTag: 26 },
  },
  {
    name: 'encode_krb5_enc_kdc_rep_part(optionals NULL)',
    codec: M.EncTGSRepPart,
    value: { key: KEYBLOCK, lastReq: LAST_REQ, nonce: NONCE, flags: 0xfe5cba98, authtime: T, endtime: T, srealm: REALM, sname: PRINCIPAL },
  },
  { name: 'encode_krb5_safe', codec: M.KRBSafe, value: { pvno: 5, msgType: 20, safeBody: SAFE_BODY, cksum: CHECKSUM } },
  { name: 'encode_krb5_safe(optionals NULL)', codec: M.KRBSafe, value: { pvno: 5, msgType: 20, safeBody: { userData: KRB5DATA, sAddress: ADDRESS }, cksum: CHECKSUM } },
  { name: 'encode_krb5_priv', codec: M.KRBPriv, value: { pvno: 5, msgType: 21, encPart: ENC_DATA } },
  { name: 'encode_krb5_enc_priv_part', codec: M.EncKrbPrivPart, value: SAFE_BODY },
  { name: 'encode_krb5_enc_priv_part(optionals NULL)', codec: M.EncKrbPrivPart, value: { userData: KRB5DATA, sAddress: ADDRESS } },
  { name: 'encode_krb5_cred', codec: M.KRBCred, value: { pvno: 5, msgType: 22, tickets: [TICKET, TICKET], encPart: ENC_DATA } },
  {
    name: 'encode_krb5_enc_cred_part',
    codec: M.EncKrbCredPart,
    value: { ticketInfo: [CRED_INFO, CRED_INFO], nonce: NONCE, timestamp: T, usec: USEC, sAddress: ADDRESS, rAddress: ADDRESS },
  },
  { name: 'encode_krb5_enc_cred_part(optionals NULL)', codec: M.EncKrbCredPart, value: { ticketInfo: [{ key: KEYBLOCK }, CRED_INFO] } },
  {
    name: 'encode_krb5_error',
    codec: M.KRBError,
    value: {
      pvno: 5,
      msgType: 30,
      ctime: T,
      cusec: USEC,
      stime: T,
      susec: USEC,
      errorCode: 60,
      crealm: REALM,
      cname: PRINCIPAL,
      realm: REALM,
      sname: PRINCIPAL,
      eText: 'krb5data',
      eData: KRB5DATA,
    },
  },
  {
    name: 'encode_krb5_error(optionals NULL)',
    codec: M.KRBError,
    value: { pvno: 5, msgType: 30, cusec: USEC, stime: T, susec: USEC, errorCode: 60, realm: REALM, sname: PRINCIPAL },
  },
  { name: 'encode_krb5_padata_sequence', codec: M.MethodData, value: [PA_DATA, PA_DATA] },
  { name: 'encode_krb5_padata_sequence(empty)', codec: M.MethodData, value: [] },
  {
    name: 'encode_krb5_etype_info',
    codec: M.ETypeInfo,
    value: [{ etype: 0, salt: bytes("Morton's #0") }, { etype: 1 }, { etype: 2, salt: bytes("Morton's #2") }],
  },
  { name: 'encode_krb5_etype_info (only 1)', codec: M.ETypeInfo, value: [{ etype: 0, salt: bytes("Morton's #0") }] },
  { name: 'encode_krb5_etype_info (no info)', codec: M.ETypeInfo, value: [] },
  {
    name: 'encode_krb5_etype_info2',
    codec: M.ETypeInfo2,
    value: [
      { etype: 0, salt: "Morton's #0", s2kparams: bytes('s2k: 0') },
      { etype: 1, s2kparams: bytes('s2k: 1') },
      { etype: 2, salt: "Morton's #2", s2kparams: bytes('s2k: 2') },
    ],
  },
  { name: 'encode_krb5_etype_info2 (only 1)', codec: M.ETypeInfo2, value: [{ etype: 0, salt: "Morton's #0", s2kparams: bytes('s2k: 0') }] },
  { name: 'encode_krb5_pa_enc_ts', codec: M.PAEncTsEnc, value: { patimestamp: T, pausec: USEC } },
  { name: 'encode_krb5_pa_enc_ts (no usec)', codec: M.PAEncTsEnc, value: { patimestamp: T } },
];

describe('MIT krb5 reference encodings through src/messages', () => {
  for (const c of cases) {
    it(`${c.name} as ${c.codec.name}: decodes to the ktest.c values`, () => {
      expect(c.codec.decode(vector(c.name))).toEqual(c.value);
    });
    it(`${c.name} as ${c.codec.name}: encodes to MIT's bytes`, () => {
      expect(toHex(c.codec.encode(c.value))).toBe(toHex(vector(c.name)));
    });
  }

  it('every MIT vector of an RFC 4120 type is covered', () => {
    const covered = new Set(cases.map((c) => c.name));
    const notOurs = new Set(['encode_krb5_sam_challenge']);
    for (const v of vectors.vectors) if (!notOurs.has(v.name)) expect(covered, v.name).toContain(v.name);
  });

  it('absent OPTIONAL fields are undefined, and the hand-checked values are what they look like', () => {
    const e = M.KRBError.decode(vector('encode_krb5_error(optionals NULL)'));
    expect(e.ctime).toBeUndefined();
    expect(e.cusec).toBe(123456);
    expect(e.stime.toISOString()).toBe('1994-06-10T06:03:17.000Z');
    const ap = M.APReq.decode(vector('encode_krb5_ap_req'));
    expect(M.unparsePrincipal({ components: ap.ticket.sname.nameString, realm: ap.ticket.realm })).toBe('hftsai/extra@ATHENA.MIT.EDU');
    expect(ap.apOptions >>> 0).toBe(0xfedcba98);
  });

  it("EncKDCRepPart reads MIT's [APPLICATION 26] and a [APPLICATION 25] alike, and re-encodes each with its own tag", () => {
    const mit = vector('encode_krb5_enc_kdc_rep_part');
    expect(mit[0]).toBe(0x7a);
    const as = mit.slice();
    as[0] = 0x79;
    const v26 = M.EncKDCRepPart.decode(mit);
    const v25 = M.EncKDCRepPart.decode(as);
    expect(v26.applicationTag).toBe(26);
    expect(v25.applicationTag).toBe(25);
    expect(M.EncKDCRepPart.encode(v26)).toEqual(mit);
    expect(M.EncKDCRepPart.encode(v25)).toEqual(as);
    // The fixed-tag codecs read their own tag only, and write it whatever applicationTag says.
    expect(M.EncASRepPart.decode(as)).toEqual({ ...v25, applicationTag: undefined });
    expect(() => M.EncASRepPart.decode(mit)).toThrow(/expected \[APPLICATION 25\], found \[APPLICATION 26\]/);
    expect(M.EncASRepPart.encode(v26)).toEqual(as);
    expect(M.EncTGSRepPart.encode(v25)).toEqual(mit);
    const { applicationTag: _, ...untagged } = v26;
    expect(M.EncKDCRepPart.encode(untagged)[0]).toBe(0x79);
  });

  it('decodeKerberosMessage names each MIT message by its APPLICATION tag', () => {
    const expected: Record<string, string> = {
      encode_krb5_ticket: 'Ticket',
      encode_krb5_authenticator: 'Authenticator',
      encode_krb5_enc_tkt_part: 'EncTicketPart',
      encode_krb5_as_req: 'AS-REQ',
      encode_krb5_as_rep: 'AS-REP',
      encode_krb5_tgs_req: 'TGS-REQ',
      encode_krb5_tgs_rep: 'TGS-REP',
      encode_krb5_ap_req: 'AP-REQ',
      encode_krb5_ap_rep: 'AP-REP',
      encode_krb5_safe: 'KRB-SAFE',
      encode_krb5_priv: 'KRB-PRIV',
      encode_krb5_cred: 'KRB-CRED',
      encode_krb5_enc_kdc_rep_part: 'EncTGSRepPart',
      encode_krb5_ap_rep_enc_part: 'EncAPRepPart',
      encode_krb5_enc_priv_part: 'EncKrbPrivPart',
      encode_krb5_enc_cred_part: 'EncKrbCredPart',
      encode_krb5_error: 'KRB-ERROR',
    };
    for (const [name, type] of Object.entries(expected)) {
      const m = M.decodeKerberosMessage(vector(name));
      expect(m.type, name).toBe(type);
      // the ktest.c values written out above (not our own codec's reading of the same bytes)
      const same = cases.filter((c) => c.name === name);
      expect(same, name).toHaveLength(1);
      expect(m.value, name).toEqual(same[0]!.value);
    }
  });
});
