/**
 * fast-check arbitraries for every RFC 4120 type of src/messages, for the round-trip and fuzz
 * tests here and for later layers' tests (client, KDC, GSS-API) to reuse.
 */
import fc from 'fast-check';
import { ENCTYPE_KEY_BYTES } from '../../src/iana/index.js';
import type {
  ADAndOr,
  ADKDCIssued,
  APRep,
  APReq,
  Authenticator,
  AuthorizationData,
  Checksum,
  EncAPRepPart,
  EncKDCRepPart,
  EncKrbCredPart,
  EncKrbPrivPart,
  EncTicketPart,
  EncryptedData,
  EncryptionKey,
  ETypeInfo2Entry,
  ETypeInfoEntry,
  HostAddress,
  KDCRep,
  KDCReq,
  KDCReqBody,
  KRBCred,
  KRBError,
  KRBPriv,
  KRBSafe,
  KRBSafeBody,
  KrbCredInfo,
  LastReqEntry,
  PAData,
  PAEncTsEnc,
  PAForUser,
  PAPacOptions,
  PAS4UX509User,
  S4UUserID,
  PAPacRequest,
  PrincipalName,
  Ticket,
  TransitedEncoding,
  TypedDataEntry,
} from '../../src/messages/index.js';

const opt = { nil: undefined } as const;

export const int32Arb = fc.integer({ min: -0x80000000, max: 0x7fffffff });
export const uint32Arb = fc.integer({ min: 0, max: 0xffffffff });
/** UInt32 fields as peers send them: the UInt32 form, or the Int32 form (negative) MIT and Heimdal use. */
export const uint32AsSentArb = fc.integer({ min: -0x80000000, max: 0xffffffff });
export const usecArb = fc.integer({ min: 0, max: 999_999 });
/** Small protocol numbers (pvno, msg-type, etype…) mixed with the whole Int32 range. */
export const smallIntArb = fc.oneof(fc.integer({ min: -200, max: 200 }), int32Arb);
/** KerberosString: any Unicode text (peers send UTF-8), no lone surrogates. */
export const strArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('ATHENA.MIT.EDU', 'EXAMPLE.COM', 'krbtgt', 'HTTP', 'host.example.com'));
export const realmArb = strArb;
/** KerberosTime: whole seconds, years 0000..9999. */
export const timeArb = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
export const bytesArb = fc.uint8Array({ maxLength: 200 });
export const flagsArb = uint32Arb;

export const principalNameArb: fc.Arbitrary<PrincipalName> = fc.record({
  nameType: smallIntArb,
  nameString: fc.array(strArb, { maxLength: 4 }),
});
export const encryptedDataArb: fc.Arbitrary<EncryptedData> = fc.record({ etype: smallIntArb, kvno: fc.option(uint32AsSentArb, opt), cipher: bytesArb });
/** A key as the wire may carry one: a known enctype with its key length, or an unknown enctype with any bytes. */
export const encryptionKeyArb: fc.Arbitrary<EncryptionKey> = fc.oneof(
  fc.constantFrom(...Object.entries(ENCTYPE_KEY_BYTES)).chain(([t, n]) => fc.record({ keytype: fc.constant(Number(t)), keyvalue: fc.uint8Array({ minLength: n, maxLength: n }) })),
  fc.record({ keytype: smallIntArb.filter((t) => ENCTYPE_KEY_BYTES[t] === undefined), keyvalue: bytesArb }),
);
export const checksumArb: fc.Arbitrary<Checksum> = fc.record({ cksumtype: smallIntArb, checksum: bytesArb });
export const hostAddressArb: fc.Arbitrary<HostAddress> = fc.record({ addrType: smallIntArb, address: fc.uint8Array({ maxLength: 16 }) });
export const hostAddressesArb = fc.array(hostAddressArb, { maxLength: 3 });
export const authorizationDataArb: fc.Arbitrary<AuthorizationData> = fc.array(fc.record({ adType: smallIntArb, adData: bytesArb }), { maxLength: 3 });
export const adKdcIssuedArb: fc.Arbitrary<ADKDCIssued> = fc.record(
  { adChecksum: checksumArb, iRealm: realmArb, iSname: principalNameArb, elements: authorizationDataArb },
  { requiredKeys: ['adChecksum', 'elements'] },
);
export const adAndOrArb: fc.Arbitrary<ADAndOr> = fc.record({ conditionCount: int32Arb, elements: authorizationDataArb });

export const ticketArb: fc.Arbitrary<Ticket> = fc.record({ tktVno: smallIntArb, realm: realmArb, sname: principalNameArb, encPart: encryptedDataArb });
export const transitedArb: fc.Arbitrary<TransitedEncoding> = fc.record({ trType: smallIntArb, contents: bytesArb });
export const encTicketPartArb: fc.Arbitrary<EncTicketPart> = fc.record(
  {
    flags: flagsArb,
    key: encryptionKeyArb,
    crealm: realmArb,
    cname: principalNameArb,
    transited: transitedArb,
    authtime: timeArb,
    starttime: timeArb,
    endtime: timeArb,
    renewTill: timeArb,
    caddr: hostAddressesArb,
    authorizationData: authorizationDataArb,
  },
  { requiredKeys: ['flags', 'key', 'crealm', 'cname', 'transited', 'authtime', 'endtime'] },
);

export const paDataArb: fc.Arbitrary<PAData> = fc.record({ padataType: smallIntArb, padataValue: bytesArb });
export const methodDataArb = fc.array(paDataArb, { maxLength: 4 });
export const paEncTsEncArb: fc.Arbitrary<PAEncTsEnc> = fc.record({ patimestamp: timeArb, pausec: usecArb }, { requiredKeys: ['patimestamp'] });
export const eTypeInfoEntryArb: fc.Arbitrary<ETypeInfoEntry> = fc.record({ etype: smallIntArb, salt: bytesArb }, { requiredKeys: ['etype'] });
export const eTypeInfo2EntryArb: fc.Arbitrary<ETypeInfo2Entry> = fc.record(
  { etype: smallIntArb, salt: strArb, s2kparams: fc.uint8Array({ maxLength: 8 }) },
  { requiredKeys: ['etype'] },
);
export const paPacRequestArb: fc.Arbitrary<PAPacRequest> = fc.record({ includePac: fc.boolean() });
export const paForUserArb: fc.Arbitrary<PAForUser> = fc.record({
  userName: principalNameArb,
  userRealm: realmArb,
  cksum: checksumArb,
  authPackage: fc.constantFrom('Kerberos', ''),
});
export const paPacOptionsArb: fc.Arbitrary<PAPacOptions> = fc.record({ flags: flagsArb });
export const s4uUserIdArb: fc.Arbitrary<S4UUserID> = fc.record(
  { nonce: uint32AsSentArb, cname: principalNameArb, crealm: realmArb, subjectCertificate: bytesArb, options: flagsArb },
  { requiredKeys: ['nonce', 'crealm'] },
);
export const paS4UX509UserArb: fc.Arbitrary<PAS4UX509User> = fc.record({ userId: s4uUserIdArb, checksum: checksumArb });

export const kdcReqBodyArb: fc.Arbitrary<KDCReqBody> = fc.record(
  {
    kdcOptions: flagsArb,
    cname: principalNameArb,
    realm: realmArb,
    sname: principalNameArb,
    from: timeArb,
    till: timeArb,
    rtime: timeArb,
    nonce: uint32AsSentArb,
    etype: fc.array(smallIntArb, { maxLength: 6 }),
    addresses: hostAddressesArb,
    encAuthorizationData: encryptedDataArb,
    additionalTickets: fc.array(ticketArb, { maxLength: 2 }),
  },
  { requiredKeys: ['kdcOptions', 'realm', 'till', 'nonce', 'etype'] },
);
export const kdcReqArb: fc.Arbitrary<KDCReq> = fc.record(
  { pvno: smallIntArb, msgType: smallIntArb, padata: methodDataArb, reqBody: kdcReqBodyArb },
  { requiredKeys: ['pvno', 'msgType', 'reqBody'] },
);
export const kdcRepArb: fc.Arbitrary<KDCRep> = fc.record(
  {
    pvno: smallIntArb,
    msgType: smallIntArb,
    padata: methodDataArb,
    crealm: realmArb,
    cname: principalNameArb,
    ticket: ticketArb,
    encPart: encryptedDataArb,
  },
  { requiredKeys: ['pvno', 'msgType', 'crealm', 'cname', 'ticket', 'encPart'] },
);
export const lastReqArb = fc.array(fc.record({ lrType: smallIntArb, lrValue: timeArb }) as fc.Arbitrary<LastReqEntry>, { maxLength: 3 });
/** An EncKDCRepPart without `applicationTag` (as EncASRepPart / EncTGSRepPart read it). */
export const encKdcRepPartArb: fc.Arbitrary<EncKDCRepPart> = fc.record(
  {
    key: encryptionKeyArb,
    lastReq: lastReqArb,
    nonce: uint32AsSentArb,
    keyExpiration: timeArb,
    flags: flagsArb,
    authtime: timeArb,
    starttime: timeArb,
    endtime: timeArb,
    renewTill: timeArb,
    srealm: realmArb,
    sname: principalNameArb,
    caddr: hostAddressesArb,
    encryptedPaData: methodDataArb,
  },
  { requiredKeys: ['key', 'lastReq', 'nonce', 'flags', 'authtime', 'endtime', 'srealm', 'sname'] },
);
/** An EncKDCRepPart as EncKDCRepPart reads it: with the tag it was read with. */
export const taggedEncKdcRepPartArb: fc.Arbitrary<EncKDCRepPart> = fc
  .tuple(encKdcRepPartArb, fc.constantFrom(25 as const, 26 as const))
  .map(([v, applicationTag]) => ({ ...v, applicationTag }));

export const apReqArb: fc.Arbitrary<APReq> = fc.record({
  pvno: smallIntArb,
  msgType: smallIntArb,
  apOptions: flagsArb,
  ticket: ticketArb,
  authenticator: encryptedDataArb,
});
export const authenticatorArb: fc.Arbitrary<Authenticator> = fc.record(
  {
    authenticatorVno: smallIntArb,
    crealm: realmArb,
    cname: principalNameArb,
    cksum: checksumArb,
    cusec: usecArb,
    ctime: timeArb,
    subkey: encryptionKeyArb,
    seqNumber: uint32AsSentArb,
    authorizationData: authorizationDataArb,
  },
  { requiredKeys: ['authenticatorVno', 'crealm', 'cname', 'cusec', 'ctime'] },
);
export const apRepArb: fc.Arbitrary<APRep> = fc.record({ pvno: smallIntArb, msgType: smallIntArb, encPart: encryptedDataArb });
export const encApRepPartArb: fc.Arbitrary<EncAPRepPart> = fc.record(
  { ctime: timeArb, cusec: usecArb, subkey: encryptionKeyArb, seqNumber: uint32AsSentArb },
  { requiredKeys: ['ctime', 'cusec'] },
);

export const krbSafeBodyArb: fc.Arbitrary<KRBSafeBody> = fc.record(
  { userData: bytesArb, timestamp: timeArb, usec: usecArb, seqNumber: uint32AsSentArb, sAddress: hostAddressArb, rAddress: hostAddressArb },
  { requiredKeys: ['userData', 'sAddress'] },
);
export const krbSafeArb: fc.Arbitrary<KRBSafe> = fc.record({ pvno: smallIntArb, msgType: smallIntArb, safeBody: krbSafeBodyArb, cksum: checksumArb });
export const krbPrivArb: fc.Arbitrary<KRBPriv> = fc.record({ pvno: smallIntArb, msgType: smallIntArb, encPart: encryptedDataArb });
export const encKrbPrivPartArb: fc.Arbitrary<EncKrbPrivPart> = krbSafeBodyArb;
export const krbCredInfoArb: fc.Arbitrary<KrbCredInfo> = fc.record(
  {
    key: encryptionKeyArb,
    prealm: realmArb,
    pname: principalNameArb,
    flags: flagsArb,
    authtime: timeArb,
    starttime: timeArb,
    endtime: timeArb,
    renewTill: timeArb,
    srealm: realmArb,
    sname: principalNameArb,
    caddr: hostAddressesArb,
  },
  { requiredKeys: ['key'] },
);
export const krbCredArb: fc.Arbitrary<KRBCred> = fc.record({
  pvno: smallIntArb,
  msgType: smallIntArb,
  tickets: fc.array(ticketArb, { maxLength: 2 }),
  encPart: encryptedDataArb,
});
export const encKrbCredPartArb: fc.Arbitrary<EncKrbCredPart> = fc.record(
  {
    ticketInfo: fc.array(krbCredInfoArb, { maxLength: 2 }),
    nonce: uint32AsSentArb,
    timestamp: timeArb,
    usec: usecArb,
    sAddress: hostAddressArb,
    rAddress: hostAddressArb,
  },
  { requiredKeys: ['ticketInfo'] },
);
export const krbErrorArb: fc.Arbitrary<KRBError> = fc.record(
  {
    pvno: smallIntArb,
    msgType: smallIntArb,
    ctime: timeArb,
    cusec: usecArb,
    stime: timeArb,
    susec: usecArb,
    errorCode: smallIntArb,
    crealm: realmArb,
    cname: principalNameArb,
    realm: realmArb,
    sname: principalNameArb,
    eText: strArb,
    eData: bytesArb,
  },
  { requiredKeys: ['pvno', 'msgType', 'stime', 'susec', 'errorCode', 'realm', 'sname'] },
);
export const typedDataArb = fc.array(fc.record({ dataType: smallIntArb, dataValue: bytesArb }, { requiredKeys: ['dataType'] }) as fc.Arbitrary<TypedDataEntry>, {
  minLength: 1,
  maxLength: 3,
});

/** A short array of `a` (0..3 elements). */
export function arrayOf<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.array(a, { maxLength: 3 });
}
export const kdcProxyMessageArb = fc.record({ kerbMessage: bytesArb, targetDomain: realmArb, dclocatorHint: uint32AsSentArb }, { requiredKeys: ['kerbMessage'] });

// FAST (RFC 6113 §5.4)
export const krbFastArmorArb = fc.record({ armorType: int32Arb, armorValue: bytesArb });
export const krbFastArmoredReqArb = fc.record({ armor: krbFastArmorArb, reqChecksum: checksumArb, encFastReq: encryptedDataArb }, { requiredKeys: ['reqChecksum', 'encFastReq'] });
export const krbFastReqArb = fc.record({ fastOptions: flagsArb, padata: methodDataArb, reqBody: kdcReqBodyArb });
export const krbFastArmoredRepArb = fc.record({ encFastRep: encryptedDataArb });
export const krbFastFinishedArb = fc.record({ timestamp: timeArb, usec: usecArb, crealm: realmArb, cname: principalNameArb, ticketChecksum: checksumArb });
export const krbFastResponseArb = fc.record(
  { padata: methodDataArb, strengthenKey: encryptionKeyArb, finished: krbFastFinishedArb, nonce: uint32AsSentArb },
  { requiredKeys: ['padata', 'nonce'] },
);
