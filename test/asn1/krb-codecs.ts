/**
 * Test-local Kerberos structures (RFC 4120 §5), declared with the combinators the way the
 * messages layer will. They exist to exercise src/asn1 against MIT's reference encodings; the
 * real message codecs belong to src/messages.
 */
import {
  type Codec,
  type Infer,
  app,
  field,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  octetString,
  opt,
  seq,
  seqOf,
  uint32,
} from '../../src/asn1/index.js';

// RFC 4120 §5.2.2
export const PrincipalName = seq('PrincipalName', {
  nameType: field(0, int32),
  nameString: field(1, seqOf(kerberosString)),
});

// RFC 4120 §5.2.9
export const EncryptedData = seq('EncryptedData', {
  etype: field(0, int32),
  kvno: opt(field(1, uint32)),
  cipher: field(2, octetString),
});
export const EncryptionKey = seq('EncryptionKey', { keytype: field(0, int32), keyvalue: field(1, octetString) });
export const Checksum = seq('Checksum', { cksumtype: field(0, int32), checksum: field(1, octetString) });

// RFC 4120 §5.2.5, §5.2.6
export const HostAddress = seq('HostAddress', { addrType: field(0, int32), address: field(1, octetString) });
export const AuthorizationData = seqOf(seq('AuthorizationData', { adType: field(0, int32), adData: field(1, octetString) }), 'AuthorizationData');

// RFC 4120 §5.3
export const Ticket = app(1, seq('Ticket', {
  tktVno: field(0, int32),
  realm: field(1, kerberosString),
  sname: field(2, PrincipalName),
  encPart: field(3, EncryptedData),
}));
export type Ticket = Infer<typeof Ticket>;

export const EncTicketPart = app(3, seq('EncTicketPart', {
  flags: field(0, kerberosFlags),
  key: field(1, EncryptionKey),
  crealm: field(2, kerberosString),
  cname: field(3, PrincipalName),
  transited: field(4, seq('TransitedEncoding', { trType: field(0, int32), contents: field(1, octetString) })),
  authtime: field(5, kerberosTime),
  starttime: opt(field(6, kerberosTime)),
  endtime: field(7, kerberosTime),
  renewTill: opt(field(8, kerberosTime)),
  caddr: opt(field(9, seqOf(HostAddress))),
  authorizationData: opt(field(10, AuthorizationData)),
}));

// RFC 4120 §5.5.1, declared against a separately written interface (the codec is checked against it).
export interface APReq {
  pvno: number;
  msgType: number;
  apOptions: number;
  ticket: Ticket;
  authenticator: Infer<typeof EncryptedData>;
}
export const APReq: Codec<APReq> = app(14, seq('AP-REQ', {
  pvno: field(0, int32),
  msgType: field(1, int32),
  apOptions: field(2, kerberosFlags),
  ticket: field(3, Ticket),
  authenticator: field(4, EncryptedData),
}));

export const Authenticator = app(2, seq('Authenticator', {
  authenticatorVno: field(0, int32),
  crealm: field(1, kerberosString),
  cname: field(2, PrincipalName),
  cksum: opt(field(3, Checksum)),
  cusec: field(4, int32),
  ctime: field(5, kerberosTime),
  subkey: opt(field(6, EncryptionKey)),
  seqNumber: opt(field(7, uint32)),
  authorizationData: opt(field(8, AuthorizationData)),
}));

// RFC 4120 §5.4.1 (note: KDC-REQ and PA-DATA number their fields from 1)
export const PAData = seq('PA-DATA', { padataType: field(1, int32), padataValue: field(2, octetString) });
export const KDCReqBody = seq('KDC-REQ-BODY', {
  kdcOptions: field(0, kerberosFlags),
  cname: opt(field(1, PrincipalName)),
  realm: field(2, kerberosString),
  sname: opt(field(3, PrincipalName)),
  from: opt(field(4, kerberosTime)),
  till: field(5, kerberosTime),
  rtime: opt(field(6, kerberosTime)),
  nonce: field(7, uint32),
  etype: field(8, seqOf(int32)),
  addresses: opt(field(9, seqOf(HostAddress))),
  encAuthorizationData: opt(field(10, EncryptedData)),
  additionalTickets: opt(field(11, seqOf(Ticket))),
});
export const ASReq = app(10, seq('AS-REQ', {
  pvno: field(1, int32),
  msgType: field(2, int32),
  padata: opt(field(3, seqOf(PAData))),
  reqBody: field(4, KDCReqBody),
}));

// RFC 4120 §5.9.1
export const KRBError = app(30, seq('KRB-ERROR', {
  pvno: field(0, int32),
  msgType: field(1, int32),
  ctime: opt(field(2, kerberosTime)),
  cusec: opt(field(3, int32)),
  stime: field(4, kerberosTime),
  susec: field(5, int32),
  errorCode: field(6, int32),
  crealm: opt(field(7, kerberosString)),
  cname: opt(field(8, PrincipalName)),
  realm: field(9, kerberosString),
  sname: field(10, PrincipalName),
  eText: opt(field(11, kerberosString)),
  eData: opt(field(12, octetString)),
}));
