/**
 * The node:crypto backend (OpenSSL), found at run time through `process.getBuiltinModule`, so
 * that this layer has no static `node:` import and still compiles and runs anywhere: where the
 * runtime has no such function, this module exports `undefined` and the pure backend is used.
 *
 * Per-message overhead matters more than bulk speed for Kerberos (most messages are small), so
 * each AES key keeps ONE long-lived OpenSSL CBC context per direction instead of creating a
 * cipher per message. A CBC context carries its chaining block from one `update` to the next;
 * we know that block (the last ciphertext block it saw), so a new message with its own IV is
 * done by XOR-ing (IV ⊕ chaining block) into the first input block (encrypt) or output block
 * (decrypt). Same bytes as a fresh context, minus the context set-up and key schedule.
 * @module
 */

import { JsAes } from './aes-js.js';
import type { AesKey, Backend, HashName, MacKey } from './backend.js';
import { prepareHmac, type PreparedHmac } from './fast-hmac/index.js';

/**
 * Below this many bytes a message is cheaper in JavaScript than one native call (measured with
 * bench/crypto.mjs on the reference machine: the native call and its result buffer cost ~0.6 µs,
 * the JavaScript AES ~0.13 µs a block).
 */
export const NATIVE_AES_MIN_BYTES = 128;

interface NodeCipher {
  update(data: Uint8Array): Uint8Array;
  setAutoPadding(on: boolean): NodeCipher;
}
interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
interface NodeCrypto {
  createCipheriv(alg: string, key: Uint8Array, iv: Uint8Array): NodeCipher;
  createDecipheriv(alg: string, key: Uint8Array, iv: Uint8Array): NodeCipher;
  createHmac(alg: string, key: Uint8Array): NodeHash;
  createHash(alg: string): NodeHash;
  pbkdf2Sync(password: Uint8Array, salt: Uint8Array, iterations: number, length: number, digest: string): Uint8Array;
}

declare const process: { getBuiltinModule?: (id: string) => unknown } | undefined;

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
    const mod = typeof get === 'function' ? (get('node:crypto') as NodeCrypto | undefined) : undefined;
    return mod && typeof mod.createCipheriv === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** A plain Uint8Array copy of (a prefix of) a Node buffer, so host buffers never leak out. */
function plain(buf: Uint8Array, length = buf.length): Uint8Array {
  const out = new Uint8Array(length);
  out.set(buf.length === length ? buf : buf.subarray(0, length));
  return out;
}

const ZERO_IV = new Uint8Array(16);

/** The whole blocks before CTS's last two (the last of which may be partial). */
function bulkBytes(n: number): number {
  return n <= 32 ? 0 : 16 * (((n + 15) >>> 4) - 2);
}

function xor16(dst: Uint8Array, off: number, a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < 16; i++) dst[off + i]! ^= a[i]! ^ b[i]!;
}

class NodeAes implements AesKey {
  readonly #enc: NodeCipher;
  readonly #dec: NodeCipher;
  // The chaining block each context holds now: the last ciphertext block it processed.
  readonly #encState = new Uint8Array(16);
  readonly #decState = new Uint8Array(16);
  // Small messages go through JavaScript: cheaper than the native call.
  readonly #js: JsAes;

  constructor(nc: NodeCrypto, key: Uint8Array) {
    const alg = key.length === 16 ? 'aes-128-cbc' : key.length === 32 ? 'aes-256-cbc' : '';
    if (!alg) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
    this.#enc = nc.createCipheriv(alg, key, ZERO_IV).setAutoPadding(false);
    this.#dec = nc.createDecipheriv(alg, key, ZERO_IV).setAutoPadding(false);
    this.#js = new JsAes(key);
  }

  // Large inputs: OpenSSL does the whole blocks up to the last two as plain CBC, then the
  // JavaScript CTS does those two (with the last ciphertext block so far as its IV): no padded
  // copy, no reordering pass, one native call.
  encryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void {
    const bulk = bulkBytes(data.length);
    if (bulk < NATIVE_AES_MIN_BYTES) {
      this.#js.encryptCtsInto(data, iv, dst, off);
      return;
    }
    dst.set(this.encryptCbc(data.subarray(0, bulk), iv), off);
    this.#js.encryptCtsInto(data.subarray(bulk), dst.subarray(off + bulk - 16, off + bulk), dst, off + bulk);
  }

  decryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void {
    const bulk = bulkBytes(data.length);
    if (bulk < NATIVE_AES_MIN_BYTES) {
      this.#js.decryptCtsInto(data, iv, dst, off);
      return;
    }
    dst.set(this.decryptCbc(data.subarray(0, bulk), iv), off);
    this.#js.decryptCtsInto(data.subarray(bulk), data.subarray(bulk - 16, bulk), dst, off + bulk);
  }

  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const n = data.length;
    if (n === 0) return new Uint8Array(0);
    // XOR the first block in place and put it back afterwards: no copy of the input.
    const state = this.#encState;
    xor16(data, 0, iv, state);
    let out: Uint8Array;
    try {
      out = this.#enc.update(data);
    } finally {
      xor16(data, 0, iv, state);
    }
    state.set(out.subarray(n - 16, n));
    return out;
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const n = data.length;
    if (n === 0) return new Uint8Array(0);
    const out = this.#dec.update(data);
    xor16(out, 0, iv, this.#decState);
    this.#decState.set(data.subarray(n - 16, n));
    return out;
  }
}

const NODE_HASH: Record<HashName, string> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384' };

/**
 * Below these many bytes an HMAC is cheaper in JavaScript with prepared states (fast-hmac.ts)
 * than through one native call, measured with bench/hmac-micro.mjs: SHA-1 crosses over near
 * 1.5 KiB, SHA-256 near 500 bytes; SHA-384 in 32-bit JavaScript only ties OpenSSL on one block.
 */
export const NATIVE_HMAC_MIN_BYTES: Readonly<Record<HashName, number>> = { md5: 0, sha1: 1536, sha256: 448, sha384: 0 };

class NodeMac implements MacKey {
  readonly #nc: NodeCrypto;
  readonly #alg: string;
  readonly #key: Uint8Array;
  readonly #js: PreparedHmac | undefined;
  readonly #jsBelow: number;

  constructor(nc: NodeCrypto, hash: HashName, key: Uint8Array) {
    this.#nc = nc;
    this.#alg = NODE_HASH[hash];
    this.#key = key.slice();
    this.#jsBelow = NATIVE_HMAC_MIN_BYTES[hash];
    this.#js = this.#jsBelow > 0 && hash !== 'md5' ? prepareHmac(hash, key) : undefined;
  }

  mac(data: Uint8Array, more?: Uint8Array): Uint8Array {
    if (this.#js && data.length + (more ? more.length : 0) < this.#jsBelow) return this.#js.mac(data, more);
    const h = this.#nc.createHmac(this.#alg, this.#key).update(data);
    if (more) h.update(more);
    return plain(h.digest());
  }
}

function makeNodeBackend(nc: NodeCrypto): Backend {
  return {
    name: 'node',
    aesKey: (key) => new NodeAes(nc, key),
    hmacKey: (hash, key) => new NodeMac(nc, hash, key),
    digest: (hash, data) => plain(nc.createHash(NODE_HASH[hash]).update(data).digest()),
    pbkdf2: (hash, password, salt, iterations, length) => plain(nc.pbkdf2Sync(password, salt, iterations, length, NODE_HASH[hash])),
  };
}

const nc = loadNodeCrypto();

/** The node:crypto backend, or `undefined` where the runtime has no node:crypto. */
export const nodeBackend: Backend | undefined = nc ? makeNodeBackend(nc) : undefined;
