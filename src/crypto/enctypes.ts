/**
 * The enctype and checksum-type tables: which profile serves which number, and the policy on
 * weak ones.
 * @module
 */

import { UnsupportedError } from '../errors.js';
import { ChecksumType, EncType } from '../iana/index.js';
import { rc4Hmac } from './legacy/rfc4757.js';
import type { EncTypeProfile } from './profile.js';
import { aes128CtsHmacSha196, aes256CtsHmacSha196 } from './rfc3962.js';
import { aes128CtsHmacSha256128, aes256CtsHmacSha384192 } from './rfc8009.js';

/** Options every public crypto function accepts. */
export interface CryptoOptions {
  /** Allow RC4-HMAC (23) and its HMAC-MD5 checksum (-138). Off by default. */
  allowWeakCrypto?: boolean;
}

const PROFILES: ReadonlyMap<number, EncTypeProfile> = new Map(
  [aes128CtsHmacSha196, aes256CtsHmacSha196, aes128CtsHmacSha256128, aes256CtsHmacSha384192, rc4Hmac].map((p) => [p.etype, p]),
);

/** Keyed checksum types and the enctype whose keys they take. */
const CHECKSUM_ETYPE: ReadonlyMap<number, number> = new Map<number, number>([
  [ChecksumType.HMAC_SHA1_96_AES128, EncType.AES128_CTS_HMAC_SHA1_96],
  [ChecksumType.HMAC_SHA1_96_AES256, EncType.AES256_CTS_HMAC_SHA1_96],
  [ChecksumType.HMAC_SHA256_128_AES128, EncType.AES128_CTS_HMAC_SHA256_128],
  [ChecksumType.HMAC_SHA384_192_AES256, EncType.AES256_CTS_HMAC_SHA384_192],
  [ChecksumType.HMAC_MD5, EncType.RC4_HMAC],
]);

/** The enctypes this library implements, strongest first. */
export const SUPPORTED_ENCTYPES: readonly number[] = [
  EncType.AES256_CTS_HMAC_SHA384_192,
  EncType.AES128_CTS_HMAC_SHA256_128,
  EncType.AES256_CTS_HMAC_SHA1_96,
  EncType.AES128_CTS_HMAC_SHA1_96,
  EncType.RC4_HMAC,
];

/** The profile of `etype`, refusing unknown ones and weak ones without opt-in. */
export function profileOf(etype: number, options?: CryptoOptions): EncTypeProfile {
  const p = PROFILES.get(etype);
  if (!p) throw new UnsupportedError(`encryption type ${etype} is not supported`, { code: 'ERR_UNSUPPORTED_ETYPE' });
  if (p.weak && !options?.allowWeakCrypto) {
    throw new UnsupportedError(`${p.name} (${etype}) is a weak encryption type; pass { allowWeakCrypto: true } to use it`, {
      code: 'ERR_WEAK_CRYPTO',
    });
  }
  return p;
}

/** The profile that computes checksum type `cksumtype`. */
export function checksumProfileOf(cksumtype: number, options?: CryptoOptions): EncTypeProfile {
  const etype = CHECKSUM_ETYPE.get(cksumtype);
  if (etype === undefined) throw new UnsupportedError(`checksum type ${cksumtype} is not supported`, { code: 'ERR_UNSUPPORTED_CKSUMTYPE' });
  return profileOf(etype, options);
}

/**
 * The mandatory checksum type of `etype`'s keys (RFC 3961 §4's required checksum mechanism: 15
 * and 16 for aes128/aes256-cts-hmac-sha1-96, 19 and 20 for the RFC 8009 enctypes, -138 for
 * rc4-hmac) — what a PA-TGS-REQ authenticator, a PAC signature or a FAST checksum uses with
 * such a key. An enctype not implemented is `UnsupportedError` (`ERR_UNSUPPORTED_ETYPE`).
 * @example
 * ```ts
 * mandatoryChecksumType(18) // 16
 * ```
 */
export function mandatoryChecksumType(etype: number): number {
  const p = PROFILES.get(etype);
  if (!p) throw new UnsupportedError(`encryption type ${etype} is not supported`, { code: 'ERR_UNSUPPORTED_ETYPE' });
  return p.cksumtype;
}

/** Whether `etype` is implemented (weak ones included). */
export function isSupportedEnctype(etype: number): boolean {
  return PROFILES.has(etype);
}

/**
 * Why a key of `etype` cannot be used under `options` (not implemented, or weak without the
 * opt-in), or undefined when it can. For keys that arrive on the wire: say it before using them.
 * @example
 * ```ts
 * enctypeRefusal(23) // { code: 'ERR_WEAK_CRYPTO', message: 'arcfour-hmac (23) is a weak encryption type …' }
 * ```
 */
export function enctypeRefusal(etype: number, options?: CryptoOptions): { code: 'ERR_UNSUPPORTED_ETYPE' | 'ERR_WEAK_CRYPTO'; message: string } | undefined {
  try {
    profileOf(etype, options);
    return undefined;
  } catch (e) {
    const err = e as UnsupportedError;
    return { code: err.code === 'ERR_WEAK_CRYPTO' ? 'ERR_WEAK_CRYPTO' : 'ERR_UNSUPPORTED_ETYPE', message: err.message };
  }
}
