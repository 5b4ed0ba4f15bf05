/**
 * The primitives every enctype is built from, behind one small interface, and the choice of
 * implementation: `node:crypto` where the runtime has it (found without a static import, so
 * this layer stays runtime-neutral), else the pure @noble implementations. Both give
 * byte-identical results; `setCryptoBackend('pure')` forces the pure one.
 * @module
 */

import { nodeBackend } from './backend-node.js';
import { pureBackend } from './backend-pure.js';

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384';

/**
 * An AES key with its schedule prepared once, for CBC over whole blocks with a given IV.
 *
 * Results of `AesKey` (not `MacKey`) may be a host subclass of Uint8Array (a Node buffer, whose
 * `slice` is a view): callers inside this layer copy them out with `set`, never `slice`, and
 * never return them to a user as they are.
 */
export interface AesKey {
  /**
   * CBC-encrypts `data` (a multiple of 16 bytes) from `iv`; returns a new array. `data` may be
   * modified during the call but holds its original bytes again when the call returns.
   */
  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array;
  /** CBC-decrypts `data` (a multiple of 16 bytes) from `iv`; returns a new array. */
  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array;
  /** CBC-CTS (RFC 3962 §5) encryption of `data` (≥ 16 bytes) into `dst` at `off`. */
  encryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void;
  /** CBC-CTS decryption of `data` (≥ 16 bytes) into `dst` at `off`. */
  decryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void;
  /**
   * CBC-CTS encryption of `buf[0, n)` (n ≥ 16) into a new plain Uint8Array of `n + room` bytes:
   * the ciphertext, then `room` zero bytes for the caller's checksum. `buf` is the caller's
   * scratch: its bytes from `n` up to `n + room` rounded up to a block may be overwritten, so
   * it must be at least that long. (The result may view a larger buffer of its own.)
   */
  encryptCts(buf: Uint8Array, n: number, iv: Uint8Array, room: number): Uint8Array;
  /**
   * CBC-CTS decryption of `data` (≥ 16 bytes) into a new plain Uint8Array of `data.length`
   * bytes (which may view a larger buffer of its own; the caller wipes it if it refuses it).
   */
  decryptCts(data: Uint8Array, iv: Uint8Array): Uint8Array;
}

/** An HMAC key prepared once; `mac` hashes the concatenation of its arguments. */
export interface MacKey {
  mac(data: Uint8Array, more?: Uint8Array): Uint8Array;
}

export interface Backend {
  readonly name: 'node' | 'pure';
  aesKey(key: Uint8Array): AesKey;
  hmacKey(hash: HashName, key: Uint8Array): MacKey;
  digest(hash: HashName, data: Uint8Array): Uint8Array;
  pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array;
}

export type BackendChoice = 'auto' | 'node' | 'pure';

let current: Backend = nodeBackend ?? pureBackend;

/**
 * Chooses the primitive implementation for all later calls: `'auto'` (node:crypto when the
 * runtime has it), `'node'` (throws if it does not) or `'pure'`.
 * @example
 * ```ts
 * setCryptoBackend('pure') // e.g. to compare, or to run exactly what a browser runs
 * ```
 */
export function setCryptoBackend(choice: BackendChoice): void {
  if (choice === 'pure') current = pureBackend;
  else if (choice === 'node') {
    if (!nodeBackend) throw new Error('node:crypto is not available in this runtime');
    current = nodeBackend;
  } else if (choice === 'auto') current = nodeBackend ?? pureBackend;
  else throw new TypeError(`unknown crypto backend ${String(choice)}`);
}

/** The name of the backend in use. */
export function cryptoBackend(): 'node' | 'pure' {
  return current.name;
}

/** The backend in use (internal). */
export function backend(): Backend {
  return current;
}

declare const crypto: { getRandomValues<T extends Uint8Array>(a: T): T };

// Confounders are drawn from a pool refilled 4 KiB at a time: one getRandomValues call per
// hundreds of messages instead of one per message.
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolPos = 0;

/** Fills `dst[off, off + n)` with cryptographically random bytes. */
export function randomInto(dst: Uint8Array, off: number, n: number): void {
  if (n > POOL_SIZE / 4) {
    for (let o = 0; o < n; o += 65536) crypto.getRandomValues(dst.subarray(off + o, off + Math.min(n, o + 65536)));
    return;
  }
  if (poolPos + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    poolPos = 0;
  }
  for (let i = 0; i < n; i++) {
    dst[off + i] = pool[poolPos + i]!;
    pool[poolPos + i] = 0; // drawn bytes never stay behind
  }
  poolPos += n;
}

/**
 * Cryptographically random bytes (WebCrypto's getRandomValues, present in every runtime).
 * @example
 * ```ts
 * const nonce = randomBytes(4)
 * ```
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('length must be a non-negative integer');
  const out = new Uint8Array(n);
  randomInto(out, 0, n);
  return out;
}
