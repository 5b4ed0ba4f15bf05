/**
 * An enctype as a small record of constants and functions (RFC 3961 §3), not an interface of
 * getters. Functions take raw key bytes; the public API in index.ts checks and unwraps `Key`.
 * @module
 */

export interface EncTypeProfile {
  readonly etype: number;
  /** MIT's name, e.g. `aes256-cts-hmac-sha1-96`. */
  readonly name: string;
  readonly keyBytes: number;
  /** The mandatory checksum type (RFC 3961 §4 "required checksum mechanism"). */
  readonly cksumtype: number;
  /** Length of that checksum in bytes. */
  readonly checksumBytes: number;
  /** Bytes added by encryption (confounder + integrity tag); CTS adds no padding. */
  readonly overhead: number;
  /** Weak enctypes need an explicit `allowWeakCrypto`. */
  readonly weak: boolean;
  /** Default s2kparams (RFC 3962: 4-byte big-endian iteration count). */
  readonly defaultParams: Uint8Array;
  stringToKey(password: Uint8Array, salt: Uint8Array, params: Uint8Array | undefined): Uint8Array;
  randomToKey(bytes: Uint8Array): Uint8Array;
  encrypt(key: Uint8Array, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Uint8Array;
  checksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array;
  prf(key: Uint8Array, input: Uint8Array): Uint8Array;
}
