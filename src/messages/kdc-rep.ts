/**
 * AS-REP and TGS-REP (RFC 4120 §5.4.2), their encrypted part EncKDCRepPart, and LastReq.
 * @module
 */
import { BaseCodec, type Codec, type DerReader, type DerWriter, app, describeTag, field, int32, kerberosTime, opt, seq, seqOf, uint32AsSent } from '../asn1/index.js';
import { EncryptedData, EncryptionKey } from './encryption.js';
import { TicketFlags } from './flags.js';
import { HostAddresses } from './host-address.js';
import { MethodData, PAData } from './pa-data.js';
import { PrincipalName, Realm } from './principal.js';
import { Ticket } from './ticket.js';

/**
 * `KDC-REP ::= SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (11 -- AS -- | 13 -- TGS --),
 * padata [2] SEQUENCE OF PA-DATA OPTIONAL, crealm [3] Realm, cname [4] PrincipalName,
 * ticket [5] Ticket, enc-part [6] EncryptedData }` (RFC 4120 §5.4.2).
 */
export interface KDCRep {
  pvno: number;
  /** 11 (AS-REP) or 13 (TGS-REP); not checked by the codec. */
  msgType: number;
  padata?: PAData[];
  crealm: Realm;
  cname: PrincipalName;
  ticket: Ticket;
  /** An EncASRepPart / EncTGSRepPart (key usage 3, or 8 / 9 for a TGS-REP). */
  encPart: EncryptedData;
}

function kdcRep(tag: number, name: string): Codec<KDCRep> {
  return app(
    tag,
    seq(name, {
      pvno: field(0, int32),
      msgType: field(1, int32),
      padata: opt(field(2, seqOf(PAData, 'SEQUENCE OF PA-DATA'))),
      crealm: field(3, Realm),
      cname: field(4, PrincipalName),
      ticket: field(5, Ticket),
      encPart: field(6, EncryptedData),
    }),
  );
}

/** `AS-REP ::= [APPLICATION 11] KDC-REP` (RFC 4120 §5.4.2). */
export type ASRep = KDCRep;

/**
 * The codec of {@link ASRep}.
 *
 * @example
 * ```ts
 * const rep = ASRep.decode(bytes) // rep.ticket, rep.encPart.cipher
 * ```
 */
export const ASRep: Codec<ASRep> = kdcRep(11, 'AS-REP');

/** `TGS-REP ::= [APPLICATION 13] KDC-REP` (RFC 4120 §5.4.2). */
export type TGSRep = KDCRep;

/**
 * The codec of {@link TGSRep}.
 *
 * @example
 * ```ts
 * TGSRep.decode(bytes).ticket.sname
 * ```
 */
export const TGSRep: Codec<TGSRep> = kdcRep(13, 'TGS-REP');

/** One element of {@link LastReq}: `SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime }`. */
export interface LastReqEntry {
  lrType: number;
  lrValue: Date;
}

const LastReqEntry: Codec<LastReqEntry> = seq('LastReq', {
  lrType: field(0, int32),
  lrValue: field(1, kerberosTime),
});

/** `LastReq ::= SEQUENCE OF SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime }` (RFC 4120 §5.4.2). */
export type LastReq = LastReqEntry[];

/**
 * The codec of {@link LastReq}.
 *
 * @example
 * ```ts
 * LastReq.encode([{ lrType: 0, lrValue: new Date() }])
 * ```
 */
export const LastReq: Codec<LastReq> = seqOf(LastReqEntry, 'LastReq');

/**
 * `EncKDCRepPart ::= SEQUENCE { key [0] EncryptionKey, last-req [1] LastReq, nonce [2] UInt32,
 * key-expiration [3] KerberosTime OPTIONAL, flags [4] TicketFlags, authtime [5] KerberosTime,
 * starttime [6] KerberosTime OPTIONAL, endtime [7] KerberosTime,
 * renew-till [8] KerberosTime OPTIONAL, srealm [9] Realm, sname [10] PrincipalName,
 * caddr [11] HostAddresses OPTIONAL, encrypted-pa-data [12] METHOD-DATA OPTIONAL }`
 * (RFC 4120 §5.4.2; encrypted-pa-data from RFC 6806 §11).
 */
export interface EncKDCRepPart {
  key: EncryptionKey;
  lastReq: LastReq;
  nonce: number;
  keyExpiration?: Date;
  flags: TicketFlags;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  srealm: Realm;
  sname: PrincipalName;
  caddr?: HostAddresses;
  encryptedPaData?: MethodData;
  /**
   * The APPLICATION tag the part was read with (25 EncASRepPart, 26 EncTGSRepPart), kept by
   * {@link EncKDCRepPart} so that re-encoding gives the same bytes: RFC 4120 asks for 25 in an
   * AS-REP, but MIT's KDC writes 26 in both. {@link EncKDCRepPart} writes 25 when it is absent;
   * {@link EncASRepPart} and {@link EncTGSRepPart} ignore it.
   */
  applicationTag?: 25 | 26;
}

function encKdcRepPartBody(name: string) {
  return seq(name, {
    key: field(0, EncryptionKey),
    lastReq: field(1, LastReq),
    nonce: field(2, uint32AsSent),
    keyExpiration: opt(field(3, kerberosTime)),
    flags: field(4, TicketFlags),
    authtime: field(5, kerberosTime),
    starttime: opt(field(6, kerberosTime)),
    endtime: field(7, kerberosTime),
    renewTill: opt(field(8, kerberosTime)),
    srealm: field(9, Realm),
    sname: field(10, PrincipalName),
    caddr: opt(field(11, HostAddresses)),
    encryptedPaData: opt(field(12, MethodData)),
  });
}

/**
 * `EncASRepPart ::= [APPLICATION 25] EncKDCRepPart` (RFC 4120 §5.4.2): always tag 25.
 *
 * @example
 * ```ts
 * EncASRepPart.encode(part) // 79 …
 * ```
 */
export type EncASRepPart = EncKDCRepPart;
export const EncASRepPart: Codec<EncASRepPart> = app(25, encKdcRepPartBody('EncASRepPart'));

/**
 * `EncTGSRepPart ::= [APPLICATION 26] EncKDCRepPart` (RFC 4120 §5.4.2): always tag 26.
 *
 * @example
 * ```ts
 * EncTGSRepPart.encode(part) // 7a …
 * ```
 */
export type EncTGSRepPart = EncKDCRepPart;
export const EncTGSRepPart: Codec<EncTGSRepPart> = app(26, encKdcRepPartBody('EncTGSRepPart'));

const AS_TAG = 0x79; // [APPLICATION 25], constructed
const TGS_TAG = 0x7a; // [APPLICATION 26], constructed

class EncKDCRepPartCodec extends BaseCodec<EncKDCRepPart> {
  readonly name = 'EncKDCRepPart';
  readonly tags = [AS_TAG, TGS_TAG];
  private readonly as = app(25, encKdcRepPartBody('EncKDCRepPart'));
  private readonly tgs = app(26, encKdcRepPartBody('EncKDCRepPart'));

  read(r: DerReader): EncKDCRepPart {
    const tag = r.peekTag();
    if (tag === AS_TAG || tag === TGS_TAG) {
      const v = (tag === AS_TAG ? this.as : this.tgs).read(r) as EncKDCRepPart;
      v.applicationTag = tag === AS_TAG ? 25 : 26;
      return v;
    }
    return r.fail(tag === -1 ? 'unexpected end of data, expected EncKDCRepPart' : `expected [APPLICATION 25] or [APPLICATION 26], found ${describeTag(tag)}`);
  }

  write(w: DerWriter, v: EncKDCRepPart): void {
    if (typeof v !== 'object' || v === null) throw w.typeError('EncKDCRepPart: expected an object');
    const t = v.applicationTag;
    if (t !== undefined && t !== 25 && t !== 26) throw w.rangeError(`EncKDCRepPart: applicationTag must be 25 or 26, got ${String(t)}`);
    (t === 26 ? this.tgs : this.as).write(w, v);
  }
}

/**
 * The encrypted part of a KDC-REP as either tag: reads `[APPLICATION 25]` or
 * `[APPLICATION 26]` and records which in `applicationTag`; writes that tag again (25 by default).
 * Use this one to read a reply; {@link EncASRepPart} / {@link EncTGSRepPart} to write a fixed tag.
 *
 * @example
 * ```ts
 * const part = EncKDCRepPart.decode(decrypt(replyKey, KeyUsage.AS_REP_ENCPART, rep.encPart.cipher))
 * part.applicationTag // 26 from an MIT KDC, 25 from Heimdal or Active Directory
 * ```
 */
export const EncKDCRepPart: Codec<EncKDCRepPart> = new EncKDCRepPartCodec();
