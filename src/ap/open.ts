/**
 * Opening the encrypted parts of the AP exchange (RFC 4120 §3.2), each with its key usage
 * (RFC 4120 §7.5.1): the ticket with the service key (2), the authenticator with the ticket's
 * session key (11, or 7 inside a TGS-REQ), the AP-REP with the session key (12). A wrong key is
 * an `IntegrityError`; bytes that do not decode after decryption are a `DecodeError`.
 * (`tskrb5/gssapi` exports these under the same names.)
 * @module
 */
import { decrypt, type CryptoOptions, type Key } from '../crypto/index.js';
import { KeyUsage } from '../iana/index.js';
import { Authenticator, EncAPRepPart, EncTicketPart, type APRep, type APReq, type Ticket } from '../messages/index.js';
import { secretKey } from '../util/secret.js';

/**
 * The ticket's EncTicketPart, with the service's long-term key.
 * @example
 * ```ts
 * const part = openTicket(apReq.ticket, serviceKey)   // part.key is the session key
 * ```
 */
export function openTicket(ticket: Ticket, serviceKey: Key, options?: CryptoOptions): EncTicketPart {
  return EncTicketPart.decode(decrypt(serviceKey, KeyUsage.KDC_REP_TICKET, ticket.encPart.cipher, options));
}

/** The AP-REQ's authenticator, with the ticket's session key (usage 11; 7 in a PA-TGS-REQ). */
export function openAuthenticator(apReq: APReq, sessionKey: Key, usage: number = KeyUsage.AP_REQ_AUTH, options?: CryptoOptions): Authenticator {
  return Authenticator.decode(decrypt(sessionKey, usage, apReq.authenticator.cipher, options));
}

/** The AP-REP's EncAPRepPart, with the session key the AP-REQ used. */
export function openApRepPart(apRep: APRep, sessionKey: Key, options?: CryptoOptions): EncAPRepPart {
  return EncAPRepPart.decode(decrypt(sessionKey, KeyUsage.AP_REP_ENCPART, apRep.encPart.cipher, options));
}

/** The session key an EncTicketPart or EncKDCRepPart carries, as `tskrb5/crypto` takes keys. */
export function sessionKeyOf(part: { key: { keytype: number; keyvalue: Uint8Array } }): Key {
  return secretKey(part.key.keytype, part.key.keyvalue);
}
