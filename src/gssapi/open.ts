/**
 * Opening the encrypted parts a GSS-API acceptor and initiator meet, each with its key usage
 * (RFC 4120 §7.5.1): the ticket, the authenticator and the AP-REP as the AP exchange opens them
 * (src/ap/open.ts, re-exported here), and a delegated KRB-CRED with the session key (14; etype 0
 * means it was sent unencrypted, as MIT does when it has no key to use). A wrong key is an
 * `IntegrityError`; bytes that do not decode after decryption are a `DecodeError`.
 * @module
 */

import { decrypt, type CryptoOptions, type Key } from '../crypto/index.js';
import { KeyUsage } from '../iana/index.js';
import { EncKrbCredPart, type KRBCred } from '../messages/index.js';

export { openTicket, openAuthenticator, openApRepPart, sessionKeyOf } from '../ap/open.js';

/** A KRB-CRED's EncKrbCredPart (usage 14), or its plaintext when sent with etype 0. */
export function openKrbCred(cred: KRBCred, key: Key | undefined, options?: CryptoOptions): EncKrbCredPart {
  if (cred.encPart.etype === 0) return EncKrbCredPart.decode(cred.encPart.cipher);
  if (!key) throw new TypeError('this KRB-CRED is encrypted: a key is needed');
  return EncKrbCredPart.decode(decrypt(key, KeyUsage.KRB_CRED_ENCPART, cred.encPart.cipher, options));
}
