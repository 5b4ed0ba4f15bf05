/**
 * KRB-CRED, EncKrbCredPart and KrbCredInfo (RFC 4120 §5.8): forwarded credentials, as in a
 * GSS-API delegation (RFC 4121 §4.1.1).
 * @module
 */
import { type Codec, app, field, int32, kerberosTime, opt, seq, seqOf, uint32AsSent } from '../asn1/index.js';
import { EncryptedData, EncryptionKey } from './encryption.js';
import { TicketFlags } from './flags.js';
import { HostAddress, HostAddresses } from './host-address.js';
import { Microseconds } from './microseconds.js';
import { PrincipalName, Realm } from './principal.js';
import { Ticket } from './ticket.js';

/**
 * `KRB-CRED ::= [APPLICATION 22] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (22),
 * tickets [2] SEQUENCE OF Ticket, enc-part [3] EncryptedData }` (RFC 4120 §5.8.1).
 */
export interface KRBCred {
  pvno: number;
  msgType: number;
  tickets: Ticket[];
  /** An EncKrbCredPart (key usage 14; etype 0 with the plaintext as cipher, as GSS-API often sends it). */
  encPart: EncryptedData;
}

/**
 * The codec of {@link KRBCred}.
 *
 * @example
 * ```ts
 * const cred = KRBCred.decode(delegationBytes) // cred.tickets[0], cred.encPart
 * ```
 */
export const KRBCred: Codec<KRBCred> = app(
  22,
  seq('KRB-CRED', {
    pvno: field(0, int32),
    msgType: field(1, int32),
    tickets: field(2, seqOf(Ticket, 'SEQUENCE OF Ticket')),
    encPart: field(3, EncryptedData),
  }),
);

/**
 * `KrbCredInfo ::= SEQUENCE { key [0] EncryptionKey, prealm [1] Realm OPTIONAL,
 * pname [2] PrincipalName OPTIONAL, flags [3] TicketFlags OPTIONAL,
 * authtime [4] KerberosTime OPTIONAL, starttime [5] KerberosTime OPTIONAL,
 * endtime [6] KerberosTime OPTIONAL, renew-till [7] KerberosTime OPTIONAL,
 * srealm [8] Realm OPTIONAL, sname [9] PrincipalName OPTIONAL, caddr [10] HostAddresses OPTIONAL }`
 * (RFC 4120 §5.8.1).
 */
export interface KrbCredInfo {
  key: EncryptionKey;
  prealm?: Realm;
  pname?: PrincipalName;
  flags?: TicketFlags;
  authtime?: Date;
  starttime?: Date;
  endtime?: Date;
  renewTill?: Date;
  srealm?: Realm;
  sname?: PrincipalName;
  caddr?: HostAddresses;
}

/**
 * The codec of {@link KrbCredInfo}.
 *
 * @example
 * ```ts
 * KrbCredInfo.encode({ key: sessionKey, prealm: 'EXAMPLE.COM', pname })
 * ```
 */
export const KrbCredInfo: Codec<KrbCredInfo> = seq('KrbCredInfo', {
  key: field(0, EncryptionKey),
  prealm: opt(field(1, Realm)),
  pname: opt(field(2, PrincipalName)),
  flags: opt(field(3, TicketFlags)),
  authtime: opt(field(4, kerberosTime)),
  starttime: opt(field(5, kerberosTime)),
  endtime: opt(field(6, kerberosTime)),
  renewTill: opt(field(7, kerberosTime)),
  srealm: opt(field(8, Realm)),
  sname: opt(field(9, PrincipalName)),
  caddr: opt(field(10, HostAddresses)),
});

/**
 * `EncKrbCredPart ::= [APPLICATION 29] SEQUENCE { ticket-info [0] SEQUENCE OF KrbCredInfo,
 * nonce [1] UInt32 OPTIONAL, timestamp [2] KerberosTime OPTIONAL, usec [3] Microseconds OPTIONAL,
 * s-address [4] HostAddress OPTIONAL, r-address [5] HostAddress OPTIONAL }` (RFC 4120 §5.8.1).
 */
export interface EncKrbCredPart {
  ticketInfo: KrbCredInfo[];
  nonce?: number;
  timestamp?: Date;
  usec?: number;
  sAddress?: HostAddress;
  rAddress?: HostAddress;
}

/**
 * The codec of {@link EncKrbCredPart}.
 *
 * @example
 * ```ts
 * EncKrbCredPart.decode(cred.encPart.cipher).ticketInfo[0].key // etype 0: the cipher is the plaintext
 * ```
 */
export const EncKrbCredPart: Codec<EncKrbCredPart> = app(
  29,
  seq('EncKrbCredPart', {
    ticketInfo: field(0, seqOf(KrbCredInfo, 'SEQUENCE OF KrbCredInfo')),
    nonce: opt(field(1, uint32AsSent)),
    timestamp: opt(field(2, kerberosTime)),
    usec: opt(field(3, Microseconds)),
    sAddress: opt(field(4, HostAddress)),
    rAddress: opt(field(5, HostAddress)),
  }),
);
