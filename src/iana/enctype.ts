/**
 * Encryption types. Names and numbers as in the IANA "Kerberos Encryption Type Numbers"
 * registry (RFC 3961 §8, RFC 3962, RFC 4757, RFC 8009), with MIT's spellings for the
 * human-readable names used by krb5.conf and klist.
 */
export const EncType = {
  DES_CBC_CRC: 1,
  DES_CBC_MD4: 2,
  DES_CBC_MD5: 3,
  DES3_CBC_SHA1: 16,
  AES128_CTS_HMAC_SHA1_96: 17, // RFC 3962
  AES256_CTS_HMAC_SHA1_96: 18, // RFC 3962
  AES128_CTS_HMAC_SHA256_128: 19, // RFC 8009
  AES256_CTS_HMAC_SHA384_192: 20, // RFC 8009
  RC4_HMAC: 23, // RFC 4757
  RC4_HMAC_EXP: 24, // RFC 4757
  CAMELLIA128_CTS_CMAC: 25, // RFC 6803
  CAMELLIA256_CTS_CMAC: 26, // RFC 6803
} as const;
export type EncType = (typeof EncType)[keyof typeof EncType];

/**
 * Whether `etype` is one of RFC 4757's RC4-HMAC enctypes (`RC4_HMAC`, 23, or `RC4_HMAC_EXP`, 24):
 * weak crypto, and GSS per-message tokens of their own (RFC 4757 §7) that tskrb5 does not make.
 * @example
 * ```ts
 * isRc4(EncType.RC4_HMAC) // true
 * isRc4(EncType.AES256_CTS_HMAC_SHA1_96) // false
 * ```
 */
export function isRc4(etype: number): boolean {
  return etype === EncType.RC4_HMAC || etype === EncType.RC4_HMAC_EXP;
}

/** MIT's canonical names (krb5.conf, `klist -e`), by number. */
export const ENCTYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'des-cbc-crc',
  2: 'des-cbc-md4',
  3: 'des-cbc-md5',
  16: 'des3-cbc-sha1',
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
  23: 'arcfour-hmac',
  24: 'arcfour-hmac-exp',
  25: 'camellia128-cts-cmac',
  26: 'camellia256-cts-cmac',
};

/** Name of an enctype as MIT prints it, or `etype N` when unknown. */
export function enctypeName(etype: number): string {
  return ENCTYPE_NAMES[etype] ?? `etype ${etype}`;
}

/**
 * Key lengths in bytes (RFC 3961 §6, RFC 3962, RFC 4757, RFC 6803, RFC 8009), by enctype: what a
 * key of that enctype must be when it arrives on the wire (MIT's keylength per enctype).
 */
export const ENCTYPE_KEY_BYTES: Readonly<Record<number, number>> = {
  1: 8,
  2: 8,
  3: 8,
  16: 24,
  17: 16,
  18: 32,
  19: 16,
  20: 32,
  23: 16,
  24: 16,
  25: 16,
  26: 32,
};

/**
 * Why a key of `etype` with `length` bytes cannot be one (a known enctype, another length), or
 * undefined when it can (or the enctype is unknown here: its user refuses it).
 * @example
 * ```ts
 * keyLengthProblem(18, 16) // "a key of aes256-cts-hmac-sha1-96 (18) must be 32 bytes, got 16"
 * ```
 */
export function keyLengthProblem(etype: number, length: number): string | undefined {
  const want = ENCTYPE_KEY_BYTES[etype];
  if (want === undefined || want === length) return undefined;
  return `a key of ${enctypeName(etype)} (${etype}) must be ${want} bytes, got ${length}`;
}
