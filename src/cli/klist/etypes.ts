/**
 * klist's enctype names (`etype_string`): MIT 1.20's names, `DEPRECATED:` for weak ones.
 * @module
 */

/**
 * The names MIT 1.20's krb5_enctype_to_name gives (the single-DES and raw enctypes it no longer
 * implements keep their names), checked against MIT klist -k -e for every enctype -140…30.
 */
const MIT_ENCTYPES: Readonly<Record<number, string>> = {
  1: 'des-cbc-crc',
  2: 'des-cbc-md4',
  3: 'des-cbc-md5',
  4: 'des-cbc-raw',
  6: 'des3-cbc-raw',
  8: 'des-hmac-sha1',
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
/** Deprecated (or weak) in MIT 1.20: everything but AES and Camellia. */
const DEPRECATED = new Set([1, 2, 3, 4, 6, 8, 16, 23, 24]);

/** klist's etype_string: `DEPRECATED:` for weak or deprecated enctypes (unknown ones included), MIT's name or `etype N`. */
export function etypeString(etype: number): string {
  const known = MIT_ENCTYPES[etype];
  return `${known === undefined || DEPRECATED.has(etype) ? 'DEPRECATED:' : ''}${known ?? `etype ${etype}`}`;
}
