/**
 * Ticket, EncTicketPart and TransitedEncoding (RFC 4120 §5.3).
 * @module
 */
import { type Codec, app, field, int32, kerberosTime, octetString, opt, seq } from '../asn1/index.js';
import { AuthorizationData } from './authorization-data.js';
import { EncryptedData, EncryptionKey } from './encryption.js';
import { TicketFlags } from './flags.js';
import { HostAddresses } from './host-address.js';
import { PrincipalName, Realm } from './principal.js';

/**
 * `Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0] INTEGER (5), realm [1] Realm,
 * sname [2] PrincipalName, enc-part [3] EncryptedData }` (RFC 4120 §5.3).
 */
export interface Ticket {
  tktVno: number;
  realm: Realm;
  sname: PrincipalName;
  /** An EncTicketPart, encrypted with the service key (key usage 2). */
  encPart: EncryptedData;
}

/**
 * The codec of {@link Ticket}.
 *
 * @example
 * ```ts
 * const t = Ticket.decode(bytes) // { tktVno: 5, realm, sname, encPart: { etype, kvno, cipher } }
 * ```
 */
export const Ticket: Codec<Ticket> = app(
  1,
  seq('Ticket', {
    tktVno: field(0, int32),
    realm: field(1, Realm),
    sname: field(2, PrincipalName),
    encPart: field(3, EncryptedData),
  }),
);

/** `TransitedEncoding ::= SEQUENCE { tr-type [0] Int32, contents [1] OCTET STRING }` (RFC 4120 §5.3). */
export interface TransitedEncoding {
  /** A {@link TransitedType} value (1 = DOMAIN-X500-COMPRESS). */
  trType: number;
  contents: Uint8Array;
}

/**
 * The codec of {@link TransitedEncoding}.
 *
 * @example
 * ```ts
 * TransitedEncoding.encode({ trType: 1, contents: new Uint8Array(0) })
 * ```
 */
export const TransitedEncoding: Codec<TransitedEncoding> = seq('TransitedEncoding', {
  trType: field(0, int32),
  contents: field(1, octetString),
});

/**
 * `EncTicketPart ::= [APPLICATION 3] SEQUENCE { flags [0] TicketFlags, key [1] EncryptionKey,
 * crealm [2] Realm, cname [3] PrincipalName, transited [4] TransitedEncoding,
 * authtime [5] KerberosTime, starttime [6] KerberosTime OPTIONAL, endtime [7] KerberosTime,
 * renew-till [8] KerberosTime OPTIONAL, caddr [9] HostAddresses OPTIONAL,
 * authorization-data [10] AuthorizationData OPTIONAL }` (RFC 4120 §5.3).
 */
export interface EncTicketPart {
  flags: TicketFlags;
  key: EncryptionKey;
  crealm: Realm;
  cname: PrincipalName;
  transited: TransitedEncoding;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  caddr?: HostAddresses;
  authorizationData?: AuthorizationData;
}

/**
 * The codec of {@link EncTicketPart}.
 *
 * @example
 * ```ts
 * const part = EncTicketPart.decode(decrypt(serviceKey, KeyUsage.KDC_REP_TICKET, ticket.encPart.cipher))
 * ```
 */
export const EncTicketPart: Codec<EncTicketPart> = app(
  3,
  seq('EncTicketPart', {
    flags: field(0, TicketFlags),
    key: field(1, EncryptionKey),
    crealm: field(2, Realm),
    cname: field(3, PrincipalName),
    transited: field(4, TransitedEncoding),
    authtime: field(5, kerberosTime),
    starttime: opt(field(6, kerberosTime)),
    endtime: field(7, kerberosTime),
    renewTill: opt(field(8, kerberosTime)),
    caddr: opt(field(9, HostAddresses)),
    authorizationData: opt(field(10, AuthorizationData)),
  }),
);
