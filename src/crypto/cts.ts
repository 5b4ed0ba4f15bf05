/**
 * AES in CBC mode with ciphertext stealing, RFC 3962 §5 (the form RFC 8009 reuses): when the
 * input is longer than one block, the last two ciphertext blocks are swapped and the final one
 * truncated to the length of the last plaintext block. Input must be at least one block.
 *
 * Each AesKey does CTS itself (aes-js.ts block by block; backend-node.ts OpenSSL CBC for the bulk
 * and JavaScript for the last two blocks); these are the one-shot forms tests and tools use.
 * @module
 */

import type { AesKey } from './backend.js';

/** Encrypts `data` (≥ 16 bytes) with the key's own CTS, returning a new array. */
export function ctsEncrypt(aes: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  aes.encryptCtsInto(data, iv, out, 0);
  return out;
}

/** Decrypts `data` (≥ 16 bytes) with the key's own CTS, returning a new array. */
export function ctsDecrypt(aes: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  aes.decryptCtsInto(data, iv, out, 0);
  return out;
}
