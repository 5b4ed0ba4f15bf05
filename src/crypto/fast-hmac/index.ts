/**
 * Prepared HMAC-SHA1/256/384 for many small messages under one key: see common.ts for why and how.
 * @module
 */
import { wordsToBytes, type FastHmacHash, type PreparedHmac } from './common.js';
import { SHA1_BUF, SHA1_IV, Sha1Hmac, sha1Blocks, sha1Finish } from './sha1.js';
import { SHA256_BUF, SHA256_IV, Sha256Hmac, sha256Blocks, sha256Finish } from './sha256.js';
import { SHA384_IV, SHA512_BUF, SHA512_W, Sha384Hmac, sha512Blocks, sha512Finish } from './sha512.js';

export type { FastHmacHash, PreparedHmac } from './common.js';

// ---------------------------------------------------------------------------------------------
// Key preparation (RFC 2104 section 2)

type Blocks = (h: Int32Array, b: Uint8Array, off: number, end: number) => void;
type Finish = (h: Int32Array, prefix: number, data: Uint8Array, more: Uint8Array | undefined) => void;

/**
 * Returns the hash values after compressing the single block K ⊕ ipad and the single block
 * K ⊕ opad, with K the key zero-padded to the block length `B` (RFC 2104 section 2, steps (1),
 * (2) and (5)), hashing a key longer than `B` bytes first (same section: "Applications that use
 * keys longer than B bytes will first hash the key using H"). Then zeroes the `scratch` arrays
 * that held key-derived bytes.
 */
function keyStates(
  key: Uint8Array,
  blockLen: number,
  digestWords: number,
  iv: Int32Array,
  blocks: Blocks,
  finish: Finish,
  scratch: (Uint8Array | Int32Array)[],
): [Int32Array, Int32Array] {
  let k = key;
  if (k.length > blockLen) {
    const h = iv.slice();
    finish(h, 0, k, undefined);
    k = wordsToBytes(h, digestWords);
    h.fill(0);
  }
  const pad = new Uint8Array(blockLen);
  const inner = iv.slice();
  const outer = iv.slice();
  // ipad = 0x36 and opad = 0x5c, each repeated B times.
  for (let i = 0; i < blockLen; i++) pad[i] = (k[i] ?? 0) ^ 0x36;
  blocks(inner, pad, 0, blockLen);
  for (let i = 0; i < blockLen; i++) pad[i] = (k[i] ?? 0) ^ 0x5c;
  blocks(outer, pad, 0, blockLen);
  pad.fill(0);
  if (k !== key) k.fill(0);
  for (const a of scratch) a.fill(0);
  return [inner, outer];
}

/**
 * Prepares HMAC (RFC 2104) under `key` with SHA-1, SHA-256 or SHA-384: computes the hash states
 * after the ipad and opad blocks once, so that each {@link PreparedHmac.mac} call compresses only
 * the message, its padding, and the one outer block. The key bytes are not retained (only the two
 * derived hash states are).
 *
 * The returned object shares scratch buffers with every other prepared key of the same hash; that
 * is safe because `mac` is synchronous and JavaScript runs one call at a time per realm. Each
 * call wipes the message bytes it left in them; key-derived bytes are wiped here.
 *
 * @example
 * ```ts
 * // RFC 8009 section 5, aes128-cts-hmac-sha256-128: H = HMAC-SHA-256(Ki, IV | C), first 128 bits.
 * const ki = prepareHmac('sha256', kiBytes); // once per (session key, usage)
 * const h = ki.mac(iv, ciphertext).slice(0, 16);
 * ```
 */
export function prepareHmac(hash: FastHmacHash, key: Uint8Array): PreparedHmac {
  switch (hash) {
    case 'sha1': {
      const [i, o] = keyStates(key, 64, 5, SHA1_IV, sha1Blocks, sha1Finish, [SHA1_BUF]);
      return new Sha1Hmac(i, o);
    }
    case 'sha256': {
      const [i, o] = keyStates(key, 64, 8, SHA256_IV, sha256Blocks, sha256Finish, [SHA256_BUF]);
      return new Sha256Hmac(i, o);
    }
    case 'sha384': {
      const [i, o] = keyStates(key, 128, 12, SHA384_IV, sha512Blocks, sha512Finish, [SHA512_BUF, SHA512_W]);
      return new Sha384Hmac(i, o);
    }
    default:
      throw new TypeError(`prepareHmac: unsupported hash ${String(hash)}`);
  }
}
