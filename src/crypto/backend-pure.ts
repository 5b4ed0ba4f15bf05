/**
 * The pure backend: AES over our own block function (aes-js.ts, aes-block.ts), HMAC-SHA1/256/384 with
 * the key's inner and outer states computed once (fast-hmac.ts), and @noble/hashes for digests,
 * PBKDF2 and the HMAC-MD5 of RC4.
 * @module
 */

import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { JsAes } from './aes-js.js';
import { prepareHmac } from './fast-hmac/index.js';
import { pbkdf2WithMac } from './pbkdf2.js';
import type { Backend, HashName, MacKey } from './backend.js';

const HASHES = { md5, sha1, sha256, sha384 } as const;
const HASH_BYTES = { sha1: 20, sha256: 32, sha384: 48 } as const;

/** HMAC-MD5 (RC4 only) through noble; the SHA family through our prepared HMAC. */
class NobleMac implements MacKey {
  readonly #keyed: ReturnType<typeof hmac.create>;

  constructor(hash: HashName, key: Uint8Array) {
    this.#keyed = hmac.create(HASHES[hash], key);
  }

  mac(data: Uint8Array, more?: Uint8Array): Uint8Array {
    const h = this.#keyed.clone().update(data);
    if (more) h.update(more);
    return h.digest();
  }
}

export const pureBackend: Backend = {
  name: 'pure',
  aesKey: (key) => new JsAes(key),
  hmacKey: (hash, key) => (hash === 'md5' ? new NobleMac(hash, key) : prepareHmac(hash, key)),
  digest: (hash, data) => HASHES[hash](data),
  pbkdf2: (hash, password, salt, iterations, length) =>
    hash === 'md5'
      ? pbkdf2(HASHES[hash], password, salt, { c: iterations, dkLen: length })
      : pbkdf2WithMac(prepareHmac(hash, password), HASH_BYTES[hash], salt, iterations, length),
};
