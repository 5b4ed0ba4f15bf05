/**
 * Opening what a KDC sends a client (RFC 4120 §7.5.1 key usages): the AS-REP enc-part with the
 * client's long-term key (3), the TGS-REP enc-part with the TGT session key (8) or the
 * authenticator subkey (9), and, on the KDC's side of the same exchange, the PA-ENC-TIMESTAMP
 * (1). A wrong key is an `IntegrityError`; bytes that do not decode are a `DecodeError`.
 * @module
 */

import { decrypt, type CryptoOptions, type Key } from '../crypto/index.js';
import { KeyUsage } from '../iana/index.js';
import { EncKDCRepPart, EncryptedData, PAEncTsEnc, type KDCRep } from '../messages/index.js';

/**
 * The EncASRepPart / EncTGSRepPart of a KDC reply. `usage` is AS_REP_ENCPART (3) for an AS-REP,
 * TGS_REP_ENCPART_SESSKEY (8) or TGS_REP_ENCPART_SUBKEY (9) for a TGS-REP.
 * @example
 * ```ts
 * const part = openKdcRepPart(asRep, stringToKey(18, password, salt), KeyUsage.AS_REP_ENCPART)
 * ```
 */
export function openKdcRepPart(rep: KDCRep, key: Key, usage: number, options?: CryptoOptions): EncKDCRepPart {
  return EncKDCRepPart.decode(decrypt(key, usage, rep.encPart.cipher, options));
}

/** A PA-ENC-TIMESTAMP's PA-ENC-TS-ENC (its padata-value is an EncryptedData), with the client key. */
export function openPaEncTimestamp(padataValue: Uint8Array, clientKey: Key, options?: CryptoOptions): PAEncTsEnc {
  const enc = EncryptedData.decode(padataValue);
  return PAEncTsEnc.decode(decrypt(clientKey, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, enc.cipher, options));
}
