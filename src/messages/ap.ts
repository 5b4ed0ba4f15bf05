/**
 * AP-REQ, Authenticator, AP-REP and EncAPRepPart (RFC 4120 §5.5).
 * @module
 */
import { type Codec, app, field, int32, kerberosTime, opt, seq, uint32AsSent } from '../asn1/index.js';
import { AuthorizationData } from './authorization-data.js';
import { Checksum, EncryptedData, EncryptionKey } from './encryption.js';
import { APOptions } from './flags.js';
import { Microseconds } from './microseconds.js';
import { PrincipalName, Realm } from './principal.js';
import { Ticket } from './ticket.js';

/**
 * `AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (14),
 * ap-options [2] APOptions, ticket [3] Ticket, authenticator [4] EncryptedData }` (RFC 4120 §5.5.1).
 */
export interface APReq {
  pvno: number;
  msgType: number;
  apOptions: APOptions;
  ticket: Ticket;
  /** An Authenticator, encrypted in the session key (key usage 11, or 7 in a PA-TGS-REQ). */
  authenticator: EncryptedData;
}

/**
 * The codec of {@link APReq}.
 *
 * @example
 * ```ts
 * const ap = APReq.decode(bytes) // a DecodeError's path reads like AP-REQ.ticket.enc-part.cipher
 * ```
 */
export const APReq: Codec<APReq> = app(
  14,
  seq('AP-REQ', {
    pvno: field(0, int32),
    msgType: field(1, int32),
    apOptions: field(2, APOptions),
    ticket: field(3, Ticket),
    authenticator: field(4, EncryptedData),
  }),
);

/**
 * `Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0] INTEGER (5),
 * crealm [1] Realm, cname [2] PrincipalName, cksum [3] Checksum OPTIONAL,
 * cusec [4] Microseconds, ctime [5] KerberosTime, subkey [6] EncryptionKey OPTIONAL,
 * seq-number [7] UInt32 OPTIONAL, authorization-data [8] AuthorizationData OPTIONAL }`
 * (RFC 4120 §5.5.1).
 */
export interface Authenticator {
  authenticatorVno: number;
  crealm: Realm;
  cname: PrincipalName;
  cksum?: Checksum;
  cusec: number;
  ctime: Date;
  subkey?: EncryptionKey;
  seqNumber?: number;
  authorizationData?: AuthorizationData;
}

/**
 * The codec of {@link Authenticator}.
 *
 * @example
 * ```ts
 * Authenticator.encode({ authenticatorVno: 5, crealm, cname, cusec: 0, ctime: new Date() })
 * ```
 */
export const Authenticator: Codec<Authenticator> = app(
  2,
  seq('Authenticator', {
    authenticatorVno: field(0, int32),
    crealm: field(1, Realm),
    cname: field(2, PrincipalName),
    cksum: opt(field(3, Checksum)),
    cusec: field(4, Microseconds),
    ctime: field(5, kerberosTime),
    subkey: opt(field(6, EncryptionKey)),
    seqNumber: opt(field(7, uint32AsSent)),
    authorizationData: opt(field(8, AuthorizationData)),
  }),
);

/**
 * `AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (15),
 * enc-part [2] EncryptedData }` (RFC 4120 §5.5.2).
 */
export interface APRep {
  pvno: number;
  msgType: number;
  /** An EncAPRepPart, encrypted in the session key (key usage 12). */
  encPart: EncryptedData;
}

/**
 * The codec of {@link APRep}.
 *
 * @example
 * ```ts
 * APRep.encode({ pvno: 5, msgType: MessageType.KRB_AP_REP, encPart })
 * ```
 */
export const APRep: Codec<APRep> = app(
  15,
  seq('AP-REP', {
    pvno: field(0, int32),
    msgType: field(1, int32),
    encPart: field(2, EncryptedData),
  }),
);

/**
 * `EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0] KerberosTime, cusec [1] Microseconds,
 * subkey [2] EncryptionKey OPTIONAL, seq-number [3] UInt32 OPTIONAL }` (RFC 4120 §5.5.2).
 */
export interface EncAPRepPart {
  ctime: Date;
  cusec: number;
  subkey?: EncryptionKey;
  seqNumber?: number;
}

/**
 * The codec of {@link EncAPRepPart}.
 *
 * @example
 * ```ts
 * EncAPRepPart.decode(decrypt(sessionKey, KeyUsage.AP_REP_ENCPART, apRep.encPart.cipher)).subkey
 * ```
 */
export const EncAPRepPart: Codec<EncAPRepPart> = app(
  27,
  seq('EncAPRepPart', {
    ctime: field(0, kerberosTime),
    cusec: field(1, Microseconds),
    subkey: opt(field(2, EncryptionKey)),
    seqNumber: opt(field(3, uint32AsSent)),
  }),
);
