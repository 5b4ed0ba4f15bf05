/**
 * The pure backend: @noble/ciphers AES (key schedule expanded once per key, CBC done here
 * over 32-bit words) and @noble/hashes HMAC (keyed state prepared once, cloned per message).
 * @module
 */

import { unsafe } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import type { AesKey, Backend, HashName, MacKey } from './backend.js';

const HASHES = { md5, sha1, sha256, sha384 } as const;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function u32(b: Uint8Array): Uint32Array {
  return new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
}

function swapIfBE(w: Uint32Array): void {
  if (littleEndian) return;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    w[i] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  }
}

class PureAes implements AesKey {
  readonly #enc: Uint32Array;
  readonly #dec: Uint32Array;

  constructor(key: Uint8Array) {
    this.#enc = unsafe.expandKeyLE(key);
    this.#dec = unsafe.expandKeyDecLE(key);
  }

  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const out = data.slice(); // fresh, aligned
    const w = u32(out);
    const v = u32(iv.slice(0, 16));
    swapIfBE(w);
    swapIfBE(v);
    let s0 = v[0]!, s1 = v[1]!, s2 = v[2]!, s3 = v[3]!;
    const xk = this.#enc;
    for (let i = 0; i < w.length; i += 4) {
      const r = unsafe.encrypt(xk, s0 ^ w[i]!, s1 ^ w[i + 1]!, s2 ^ w[i + 2]!, s3 ^ w[i + 3]!);
      w[i] = s0 = r.s0;
      w[i + 1] = s1 = r.s1;
      w[i + 2] = s2 = r.s2;
      w[i + 3] = s3 = r.s3;
    }
    swapIfBE(w);
    return out;
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const out = data.slice();
    const w = u32(out);
    const v = u32(iv.slice(0, 16));
    swapIfBE(w);
    swapIfBE(v);
    let p0 = v[0]!, p1 = v[1]!, p2 = v[2]!, p3 = v[3]!;
    const xk = this.#dec;
    for (let i = 0; i < w.length; i += 4) {
      const c0 = w[i]!, c1 = w[i + 1]!, c2 = w[i + 2]!, c3 = w[i + 3]!;
      const r = unsafe.decrypt(xk, c0, c1, c2, c3);
      w[i] = r.s0 ^ p0;
      w[i + 1] = r.s1 ^ p1;
      w[i + 2] = r.s2 ^ p2;
      w[i + 3] = r.s3 ^ p3;
      p0 = c0; p1 = c1; p2 = c2; p3 = c3;
    }
    swapIfBE(w);
    return out;
  }
}

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
  aesKey: (key) => new PureAes(key),
  hmacKey: (hash, key) => new PureMac(hash, key),
  digest: (hash, data) => HASHES[hash](data),
  pbkdf2: (hash, password, salt, iterations, length) =>
    pbkdf2(HASHES[hash], password, salt, { c: iterations, dkLen: length }),
};
