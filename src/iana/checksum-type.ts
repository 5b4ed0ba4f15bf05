/**
 * Checksum types. Names and numbers as in the IANA "Kerberos Checksum Type Numbers" registry
 * (RFC 3961 §8, RFC 3962, RFC 4757, RFC 8009; RFC 4121 for the GSS 0x8003 pseudo-type).
 */
export const ChecksumType = {
  CRC32: 1,
  RSA_MD4: 2,
  RSA_MD4_DES: 3,
  DES_MAC: 4,
  DES_MAC_K: 5,
  RSA_MD4_DES_K: 6,
  RSA_MD5: 7,
  RSA_MD5_DES: 8,
  RSA_MD5_DES3: 9,
  SHA1: 14,
  HMAC_SHA1_DES3_KD: 12,
  HMAC_SHA1_96_AES128: 15, // RFC 3962
  HMAC_SHA1_96_AES256: 16, // RFC 3962
  CMAC_CAMELLIA128: 17, // RFC 6803
  CMAC_CAMELLIA256: 18, // RFC 6803
  HMAC_SHA256_128_AES128: 19, // RFC 8009
  HMAC_SHA384_192_AES256: 20, // RFC 8009
  GSSAPI: 0x8003, // RFC 4121 §4.1.1
  HMAC_MD5: -138, // RFC 4757 (KERB_CHECKSUM_HMAC_MD5)
} as const;
export type ChecksumType = (typeof ChecksumType)[keyof typeof ChecksumType];

export const CHECKSUM_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'crc32',
  2: 'md4',
  3: 'md4-des',
  4: 'des-cbc',
  7: 'md5',
  8: 'md5-des',
  9: 'md5-des3',
  12: 'hmac-sha1-des3-kd',
  14: 'sha1',
  15: 'hmac-sha1-96-aes128',
  16: 'hmac-sha1-96-aes256',
  17: 'cmac-camellia128',
  18: 'cmac-camellia256',
  19: 'hmac-sha256-128-aes128',
  20: 'hmac-sha384-192-aes256',
  32771: 'gssapi',
  [-138]: 'hmac-md5-arcfour',
};
