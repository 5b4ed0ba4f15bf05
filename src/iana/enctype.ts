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
