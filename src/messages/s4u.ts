/**
 * MS-SFU's PA-S4U-X509-USER (MS-SFU §2.2.2), the protected S4U2Self request that MIT and
 * Windows send beside PA-FOR-USER (`PAForUser`, pa-data.ts), and the KDC's answer to it in the
 * TGS-REP's padata. The user-id's checksum is made over the DER of {@link S4UUserID} with the
 * TGS request's subkey (key usage 26 in the request; 27 in the reply when the request's options
 * carry {@link S4UOptions.USE_REPLY_KEY_USAGE}).
 * @module
 */
import { type Codec, field, kerberosFlags, octetString, opt, seq, uint32AsSent } from '../asn1/index.js';
import { concat, utf8 } from '../util/bytes.js';
import { Checksum } from './encryption.js';
import { type Principal, PrincipalName, Realm } from './principal.js';

/**
 * `S4UUserID ::= SEQUENCE { nonce [0] UInt32, cname [1] PrincipalName OPTIONAL,
 * crealm [2] Realm, subject-certificate [3] OCTET STRING OPTIONAL,
 * options [4] BIT STRING OPTIONAL }` (MS-SFU §2.2.2). `nonce` is the TGS-REQ's nonce; a
 * value read from the wire keeps the form it was sent in (compare with `>>> 0`).
 */
export interface S4UUserID {
  nonce: number;
  cname?: PrincipalName;
  crealm: Realm;
  subjectCertificate?: Uint8Array;
  /** {@link S4UOptions} bits, as a 32-bit KerberosFlags value (bit 0 = 0x80000000). */
  options?: number;
}

/** The S4UUserID option bits (MS-SFU §2.2.2; MIT's KRB5_S4U_OPTS_*), as masks of a 32-bit KerberosFlags value. */
export const S4UOptions = {
  /** Bit 1: the KDC checks the user's logon hours. */
  CHECK_LOGON_HOURS: 0x40000000,
  /** Bit 2 (signed-with-kun-27): the reply's checksum uses key usage 27, not 26. */
  USE_REPLY_KEY_USAGE: 0x20000000,
} as const;

/**
 * The codec of {@link S4UUserID}.
 *
 * @example
 * ```ts
 * S4UUserID.encode({ nonce, cname: { nameType: 10, nameString: ['alice'] }, crealm: 'EXAMPLE.COM', options: S4UOptions.USE_REPLY_KEY_USAGE })
 * ```
 */
export const S4UUserID: Codec<S4UUserID> = seq('S4UUserID', {
  nonce: field(0, uint32AsSent),
  cname: opt(field(1, PrincipalName, 'cname')),
  crealm: field(2, Realm, 'crealm'),
  subjectCertificate: opt(field(3, octetString, 'subject-certificate')),
  options: opt(field(4, kerberosFlags)),
});

/**
 * `PA-S4U-X509-USER ::= SEQUENCE { user-id [0] S4UUserID, checksum [1] Checksum }`
 * (MS-SFU §2.2.2), PA-S4U-X509-USER (130).
 */
export interface PAS4UX509User {
  userId: S4UUserID;
  checksum: Checksum;
}

/**
 * The codec of {@link PAS4UX509User}.
 *
 * @example
 * ```ts
 * PAS4UX509User.decode(pa.padataValue).userId.cname // the user the KDC issued the ticket for
 * ```
 */
export const PAS4UX509User: Codec<PAS4UX509User> = seq('PA-S4U-X509-USER', {
  userId: field(0, S4UUserID, 'user-id'),
  checksum: field(1, Checksum),
});

/**
 * The bytes PA-FOR-USER's checksum covers (MS-SFU §2.2.1): the name type as a little-endian
 * 32-bit integer, the name's components, the realm and the auth-package, concatenated. The
 * client makes the checksum over them (HMAC-MD5 keyed with its TGT's session key, key usage 17)
 * and the KDC checks it, as MIT's verify_for_user_checksum does.
 * @example
 * ```ts
 * forUserChecksumInput({ nameType: 1, components: ['alice'], realm: 'EXAMPLE.COM' }) // 01 00 00 00 'alice' 'EXAMPLE.COM' 'Kerberos'
 * ```
 */
export function forUserChecksumInput(user: Principal, authPackage = 'Kerberos'): Uint8Array {
  const t = user.nameType >>> 0;
  const type = Uint8Array.of(t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, t >>> 24);
  return concat(type, ...user.components.map((c) => utf8(c)), utf8(user.realm), utf8(authPackage));
}
