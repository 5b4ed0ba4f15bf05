/**
 * Building an AP-REQ (RFC 4120 §3.2.2, §5.5.1): the ticket, and an authenticator naming the
 * client, stamped with ctime/cusec, optionally carrying a subkey, a sequence number, a checksum
 * and authorization data, encrypted in the ticket's session key — key usage 11 for an AP-REQ of
 * its own (GSS-API, RFC 4121 §4.1), 7 inside a PA-TGS-REQ (RFC 4120 §5.4.1). The one place both
 * the TGS exchange and the GSS-API initiator make theirs.
 *
 * What goes in is the caller's policy (how the time is read, whether there is a subkey, what the
 * checksum covers); this only lays it out and encrypts it.
 * @module
 */
import { encrypt, type Key } from '../crypto/index.js';
import { KeyUsage, MessageType } from '../iana/index.js';
import { Authenticator, type APReq, type AuthorizationData, type Checksum, type Principal, type Ticket } from '../messages/index.js';

/** What {@link buildApReq} puts in the AP-REQ and its authenticator. */
export interface BuildApReqParams {
  /** The ticket, as the KDC issued it. */
  ticket: Ticket;
  /** The ticket's session key: the authenticator is encrypted in it. */
  sessionKey: Key;
  /** The client (cname/crealm): the ticket's client. */
  client: Principal;
  /** The client's time, whole seconds (KerberosTime has no fraction). */
  ctime: Date;
  /** The microseconds part of the client's time (0–999999). */
  cusec: number;
  /** A subkey for the session that follows (RFC 4120 §5.5.1 subkey). */
  subkey?: Key;
  /** The initial sequence number (RFC 4120 §5.5.1 seq-number). */
  seqNumber?: number;
  /** The authenticator's checksum: the GSS 0x8003 one, or a PA-TGS-REQ's over the KDC-REQ-BODY. */
  cksum?: Checksum;
  authorizationData?: AuthorizationData;
  /** AP options (APOptions flag bits, e.g. `flagMask(APOptions.MUTUAL_REQUIRED)`; default none). */
  apOptions?: number;
  /** Key usage of the authenticator: `KeyUsage.AP_REQ_AUTH` (11, the default) or `KeyUsage.TGS_REQ_AUTH` (7). */
  usage?: number;
  allowWeakCrypto?: boolean;
}

/**
 * An AP-REQ (the message value: encode it with `APReq.encode`, or frame it as a GSS-API token).
 * @example
 * ```ts
 * const apReq = buildApReq({ ticket: Ticket.decode(tgt.ticket), sessionKey, client: tgt.client,
 *   ctime, cusec, cksum, usage: KeyUsage.TGS_REQ_AUTH })
 * const padata = { padataType: PaDataType.PA_TGS_REQ, padataValue: APReq.encode(apReq) }
 * ```
 */
export function buildApReq(p: BuildApReqParams): APReq {
  const plain = Authenticator.encode({
    authenticatorVno: 5,
    crealm: p.client.realm,
    cname: { nameType: p.client.nameType, nameString: [...p.client.components] },
    ...(p.cksum ? { cksum: p.cksum } : {}),
    cusec: p.cusec,
    ctime: p.ctime,
    ...(p.subkey ? { subkey: { keytype: p.subkey.etype, keyvalue: p.subkey.value } } : {}),
    ...(p.seqNumber !== undefined ? { seqNumber: p.seqNumber } : {}),
    ...(p.authorizationData ? { authorizationData: p.authorizationData } : {}),
  });
  return {
    pvno: 5,
    msgType: MessageType.KRB_AP_REQ,
    apOptions: (p.apOptions ?? 0) >>> 0,
    ticket: p.ticket,
    authenticator: {
      etype: p.sessionKey.etype,
      cipher: encrypt(p.sessionKey, p.usage ?? KeyUsage.AP_REQ_AUTH, plain, { allowWeakCrypto: p.allowWeakCrypto === true }),
    },
  };
}
