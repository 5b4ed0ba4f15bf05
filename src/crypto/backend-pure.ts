/**
 * The pure backend: AES over @noble/ciphers' block function (aes-js.ts) and @noble/hashes HMAC
 * (keyed state prepared once, cloned per message).
 * @module
 */

import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { JsAes } from './aes-js.js';
import type { Backend, HashName, MacKey } from './backend.js';

const HASHES = { md5, sha1, sha256, sha384 } as const;

class PureMac implements MacKey {
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
  hmacKey: (hash, key) => new PureMac(hash, key),
  digest: (hash, data) => HASHES[hash](data),
  pbkdf2: (hash, password, salt, iterations, length) =>
    pbkdf2(HASHES[hash], password, salt, { c: iterations, dkLen: length }),
};
