/**
 * Kerberos cryptography, RFC 3961 and its profiles: AES-CTS with HMAC-SHA1 (RFC 3962), AES-CTS
 * with HMAC-SHA2 (RFC 8009), and RC4-HMAC (RFC 4757) behind `allowWeakCrypto`.
 *
 * Runtime-neutral: node:crypto (OpenSSL) is used automatically where the runtime has it, the
 * pure @noble primitives elsewhere; both give the same bytes.
 *
 * @example
 * ```ts
 * import { stringToKey, encrypt, decrypt } from 'tskrb5/crypto'
 * const key = stringToKey(18, 'password', 'ATHENA.MIT.EDUraeburn')
 * const ct = encrypt(key, 11, new TextEncoder().encode('hello'))
 * decrypt(key, 11, ct) // Uint8Array [104, 101, 108, 108, 111]
 * ```
 * @module
 */

import { IntegrityError, UnsupportedError } from '../errors.js';
import { constantTimeEqual, u32be, utf8 } from '../util/bytes.js';
import { backend, randomBytes, type HashName } from './backend.js';
import { checksumProfileOf, profileOf, type CryptoOptions } from './enctypes.js';
import { rc4Hmac } from './legacy/rfc4757.js';
import { secretKey } from '../util/secret.js';

export { setCryptoBackend, cryptoBackend, randomBytes, type BackendChoice } from './backend.js';
export { nfold } from './nfold.js';
export { prfPlus, cf2 } from './cf2.js';
export { SUPPORTED_ENCTYPES, isSupportedEnctype, enctypeRefusal, mandatoryChecksumType, type CryptoOptions } from './enctypes.js';

/** A Kerberos key: its enctype and its bytes. Treat `value` as immutable once used. */
export interface Key {
  etype: number;
  value: Uint8Array;
}

/** s2kparams as bytes (ETYPE-INFO2), or as an iteration count. */
export type S2KParams = Uint8Array | { iterations: number };

function bytesOf(value: string | Uint8Array, what: string): Uint8Array {
  if (typeof value === 'string') return utf8(value);
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`${what} must be a string or a Uint8Array`);
}

function checkUsage(usage: number): void {
  if (!Number.isInteger(usage) || usage < 0 || usage > 0xffffffff) throw new RangeError(`key usage must be a 32-bit unsigned integer, got ${usage}`);
}

function checkKey(key: Key, options?: CryptoOptions) {
  if (typeof key !== 'object' || key === null || !(key.value instanceof Uint8Array)) {
    throw new TypeError('key must be { etype: number, value: Uint8Array }');
  }
  const p = profileOf(key.etype, options);
  if (key.value.length !== p.keyBytes) {
    throw new RangeError(`${p.name} key must be ${p.keyBytes} bytes, got ${key.value.length}`);
  }
  return p;
}

function checkData(data: unknown, what: string): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
}

/**
 * Derives a key from a password (RFC 3961 §3 string-to-key). `salt` is usually the realm
 * followed by the principal's name components; `params` the s2kparams from ETYPE-INFO2.
 * @example
 * ```ts
 * stringToKey(17, 'password', 'ATHENA.MIT.EDUraeburn', { iterations: 1200 })
 * ```
 */
export function stringToKey(etype: number, password: string | Uint8Array, salt: string | Uint8Array, params?: S2KParams, options?: CryptoOptions): Key {
  const p = profileOf(etype, options);
  let raw: Uint8Array | undefined;
  if (params instanceof Uint8Array) raw = params;
  else if (params !== undefined) {
    if (!Number.isInteger(params.iterations) || params.iterations < 1 || params.iterations > 0xffffffff) {
      throw new RangeError('iterations must be a positive 32-bit integer');
    }
    raw = u32be(params.iterations);
  }
  return secretKey(etype, p.stringToKey(bytesOf(password, 'password'), bytesOf(salt, 'salt'), raw));
}

/**
 * Turns random bytes into a key (RFC 3961 random-to-key); for AES and RC4 the identity on
 * the first key-length bytes.
 */
export function randomToKey(etype: number, bytes: Uint8Array, options?: CryptoOptions): Key {
  const p = profileOf(etype, options);
  checkData(bytes, 'bytes');
  if (bytes.length < p.keyBytes) throw new RangeError(`${p.name} random-to-key needs ${p.keyBytes} bytes, got ${bytes.length}`);
  return secretKey(etype, p.randomToKey(bytes));
}

/** A fresh random key of `etype` (session keys, subkeys). */
export function randomKey(etype: number, options?: CryptoOptions): Key {
  const p = profileOf(etype, options);
  return secretKey(etype, p.randomToKey(randomBytes(p.keyBytes)));
}

/**
 * Encrypts with a fresh confounder and integrity tag (RFC 3961 §5.3), for a key usage.
 * @example
 * ```ts
 * const ct = encrypt(sessionKey, 11, authenticatorBytes) // KeyUsage.AP_REQ_AUTH
 * ```
 */
export function encrypt(key: Key, usage: number, plaintext: Uint8Array, options?: CryptoOptions): Uint8Array {
  const p = checkKey(key, options);
  checkUsage(usage);
  checkData(plaintext, 'plaintext');
  return p.encrypt(key.value, usage, plaintext);
}

/**
 * Decrypts and checks integrity. A short, tampered or wrongly-keyed ciphertext, or the wrong
 * usage, throws `IntegrityError` with one and the same message. The plaintext is a new array of
 * its own; one over 64 bytes may be a view past the confounder of the buffer it was decrypted
 * into (mind `byteOffset` when reaching for `.buffer`).
 */
export function decrypt(key: Key, usage: number, ciphertext: Uint8Array, options?: CryptoOptions): Uint8Array {
  const p = checkKey(key, options);
  checkUsage(usage);
  checkData(ciphertext, 'ciphertext');
  return p.decrypt(key.value, usage, ciphertext);
}

/** The length of the ciphertext `encrypt` gives for `plaintextLength` bytes. */
export function encryptedLength(etype: number, plaintextLength: number, options?: CryptoOptions): number {
  return plaintextLength + profileOf(etype, options).overhead;
}

/**
 * A keyed checksum (RFC 3961 §4 get_mic) of `data`, by default the key's mandatory type
 * (15/16 for AES-SHA1, 19/20 for AES-SHA2, -138 for RC4).
 */
export function checksum(key: Key, usage: number, data: Uint8Array, cksumtype?: number, options?: CryptoOptions): Uint8Array {
  const kp = checkKey(key, options);
  checkUsage(usage);
  checkData(data, 'data');
  const cp = cksumtype === undefined ? kp : checksumProfileOf(cksumtype, options);
  if (cp !== kp) {
    // MIT's KRB5_BAD_ENCTYPE: the type usually comes from the wire, so a typed error.
    throw new UnsupportedError(`checksum type ${cksumtype} does not take ${kp.name} keys`, { code: 'ERR_CKSUMTYPE_KEY_MISMATCH' });
  }
  return cp.checksum(key.value, usage, data);
}

/** Whether `cksum` is the keyed checksum of `data`; compared in constant time. */
export function verifyChecksum(key: Key, usage: number, data: Uint8Array, cksum: Uint8Array, cksumtype?: number, options?: CryptoOptions): boolean {
  checkData(cksum, 'checksum');
  return constantTimeEqual(checksum(key, usage, data, cksumtype, options), cksum);
}

/**
 * KERB_CHECKSUM_HMAC_MD5 (-138, RFC 4757 §4) keyed with the bytes of a key of any enctype: the
 * checksum MS-SFU §2.2.1 prescribes for PA-FOR-USER "regardless of key type" (MIT's
 * make_pa_for_user_checksum; its hmac-md5 takes any key up to MD5's 64-byte block). Not gated
 * by `allowWeakCrypto`: the protocol offers no other checksum there, and the key is the TGT's
 * session key whatever its enctype.
 * @example
 * ```ts
 * hmacMd5Checksum(tgt.key, KeyUsage.APP_DATA_CKSUM, forUserBytes) // 16 bytes
 * ```
 */
export function hmacMd5Checksum(key: Key, usage: number, data: Uint8Array): Uint8Array {
  if (typeof key !== 'object' || key === null || !(key.value instanceof Uint8Array)) throw new TypeError('key must be { etype: number, value: Uint8Array }');
  if (key.value.length === 0 || key.value.length > 64) throw new RangeError(`an HMAC-MD5 key must be 1 to 64 bytes, got ${key.value.length}`);
  checkUsage(usage);
  checkData(data, 'data');
  return rc4Hmac.checksum(key.value, usage, data);
}

/** The enctype's pseudo-random function (RFC 3961 §3 PRF; RFC 3962 §6, RFC 8009 §5). */
export function prf(key: Key, input: Uint8Array, options?: CryptoOptions): Uint8Array {
  const p = checkKey(key, options);
  checkData(input, 'input');
  return p.prf(key.value, input);
}

/** Throws `IntegrityError` unless `ok`: for callers that check a MAC of their own. */
export function assertIntegrity(ok: boolean): asserts ok {
  if (!ok) throw new IntegrityError();
}

/**
 * An unkeyed digest, for protocol fields that call for one: the MD5 of GSS channel bindings
 * (RFC 4121 §4.1.1.2), certificate hashes for tls-server-end-point (RFC 5929).
 * @example
 * ```ts
 * const bindingsHash = digest('md5', channelBindingsBytes)
 * ```
 */
export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  if (hash !== 'md5' && hash !== 'sha1' && hash !== 'sha256' && hash !== 'sha384') throw new TypeError(`unknown hash ${String(hash)}`);
  checkData(data, 'data');
  return backend().digest(hash, data);
}

export type { HashName } from './backend.js';
