/**
 * KDC-REQ-BODY, AS-REQ and TGS-REQ (RFC 4120 §5.4.1).
 * @module
 */
import { type Codec, app, field, int32, kerberosTime, opt, seq, seqOf, uint32AsSent } from '../asn1/index.js';
import { EncryptedData } from './encryption.js';
import { KDCOptions } from './flags.js';
import { HostAddresses } from './host-address.js';
import { PAData } from './pa-data.js';
import { PrincipalName, Realm } from './principal.js';
import { Ticket } from './ticket.js';

/**
 * `KDC-REQ-BODY ::= SEQUENCE { kdc-options [0] KDCOptions, cname [1] PrincipalName OPTIONAL,
 * realm [2] Realm, sname [3] PrincipalName OPTIONAL, from [4] KerberosTime OPTIONAL,
 * till [5] KerberosTime, rtime [6] KerberosTime OPTIONAL, nonce [7] UInt32,
 * etype [8] SEQUENCE OF Int32, addresses [9] HostAddresses OPTIONAL,
 * enc-authorization-data [10] EncryptedData OPTIONAL,
 * additional-tickets [11] SEQUENCE OF Ticket OPTIONAL }` (RFC 4120 §5.4.1).
 *
 * The PA-TGS-REQ authenticator's checksum covers these bytes as sent; since every codec here is
 * strict DER, `KDCReqBody.encode(req.reqBody)` gives back exactly the bytes received.
 */
export interface KDCReqBody {
  kdcOptions: KDCOptions;
  cname?: PrincipalName;
  /** The server's realm (and the client's, in an AS-REQ). */
  realm: Realm;
  sname?: PrincipalName;
  from?: Date;
  till: Date;
  rtime?: Date;
  /** UInt32 (MIT's historical negative encodings are read as their unsigned value). */
  nonce: number;
  /** Enctypes in order of preference. */
  etype: number[];
  addresses?: HostAddresses;
  encAuthorizationData?: EncryptedData;
  additionalTickets?: Ticket[];
}

/**
 * The codec of {@link KDCReqBody}.
 *
 * @example
 * ```ts
 * const checksummed = KDCReqBody.encode(tgsReq.reqBody)
 * ```
 */
export const KDCReqBody: Codec<KDCReqBody> = seq('KDC-REQ-BODY', {
  kdcOptions: field(0, KDCOptions),
  cname: opt(field(1, PrincipalName)),
  realm: field(2, Realm),
  sname: opt(field(3, PrincipalName)),
  from: opt(field(4, kerberosTime)),
  till: field(5, kerberosTime),
  rtime: opt(field(6, kerberosTime)),
  nonce: field(7, uint32AsSent),
  etype: field(8, seqOf(int32, 'SEQUENCE OF Int32')),
  addresses: opt(field(9, HostAddresses)),
  encAuthorizationData: opt(field(10, EncryptedData)),
  additionalTickets: opt(field(11, seqOf(Ticket, 'SEQUENCE OF Ticket'))),
});

/**
 * `KDC-REQ ::= SEQUENCE { pvno [1] INTEGER (5), msg-type [2] INTEGER (10 -- AS -- | 12 -- TGS --),
 * padata [3] SEQUENCE OF PA-DATA OPTIONAL, req-body [4] KDC-REQ-BODY }` (RFC 4120 §5.4.1;
 * the tags start at 1). `AS-REQ ::= [APPLICATION 10] KDC-REQ`, `TGS-REQ ::= [APPLICATION 12] KDC-REQ`.
 */
export interface KDCReq {
  pvno: number;
  /** 10 (AS-REQ) or 12 (TGS-REQ); not checked by the codec. */
  msgType: number;
  padata?: PAData[];
  reqBody: KDCReqBody;
}

function kdcReq(tag: number, name: string): Codec<KDCReq> {
  return app(
    tag,
    seq(name, {
      pvno: field(1, int32),
      msgType: field(2, int32),
      padata: opt(field(3, seqOf(PAData, 'SEQUENCE OF PA-DATA'))),
      reqBody: field(4, KDCReqBody),
    }),
  );
}

/** `AS-REQ ::= [APPLICATION 10] KDC-REQ` (RFC 4120 §5.4.1). */
export type ASReq = KDCReq;

/**
 * The codec of {@link ASReq}.
 *
 * @example
 * ```ts
 * ASReq.encode({ pvno: 5, msgType: MessageType.KRB_AS_REQ, padata: [], reqBody })
 * ```
 */
export const ASReq: Codec<ASReq> = kdcReq(10, 'AS-REQ');

/** `TGS-REQ ::= [APPLICATION 12] KDC-REQ` (RFC 4120 §5.4.1); padata holds PA-TGS-REQ (an AP-REQ). */
export type TGSReq = KDCReq;

/**
 * The codec of {@link TGSReq}.
 *
 * @example
 * ```ts
 * const apReq = APReq.decode(TGSReq.decode(bytes).padata!.find((p) => p.padataType === PaDataType.PA_TGS_REQ)!.padataValue)
 * ```
 */
export const TGSReq: Codec<TGSReq> = kdcReq(12, 'TGS-REQ');
