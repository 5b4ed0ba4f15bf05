/**
 * AES in CBC mode with ciphertext stealing, RFC 3962 §5 (the form RFC 8009 reuses): when the
 * input is longer than one block, the last two ciphertext blocks are swapped and the final one
 * truncated to the length of the last plaintext block. Input must be at least one block.
 *
 * These build CTS from any whole-block CBC (the native backend's path for large inputs); the
 * JavaScript AES does CTS directly (aes-js.ts).
 * @module
 */

import type { AesKey } from './backend.js';

const ZERO = new Uint8Array(16);

/** Encrypts `data` (≥ 16 bytes) into `dst` at `dstOff`; writes exactly `data.length` bytes. */
export function ctsEncryptViaCbc(aes: AesKey, iv: Uint8Array, data: Uint8Array, dst: Uint8Array, dstOff: number): void {
  const n = data.length;
  if (n === 16) {
    dst.set(aes.encryptCbc(data, iv), dstOff);
    return;
  }
  const m = (n + 15) & ~15;
  let padded = data;
  if (m !== n) {
    padded = new Uint8Array(m);
    padded.set(data);
  }
  // Plain CBC over the zero-padded input, then swap the last two blocks and cut.
  const c = aes.encryptCbc(padded, iv);
  const r = n - (m - 16);
  dst.set(c.subarray(0, m - 32), dstOff);
  dst.set(c.subarray(m - 16, m), dstOff + m - 32);
  dst.set(c.subarray(m - 32, m - 32 + r), dstOff + m - 16);
}

/** Encrypts `data` (≥ 16 bytes) with the key's own CTS, returning a new array. */
export function ctsEncrypt(aes: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  aes.encryptCtsInto(data, iv, out, 0);
  return out;
}

/** Decrypts `data` (≥ 16 bytes, checked by the caller), returning a new array. */
export function ctsDecryptViaCbc(aes: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n === 16) {
    const one = new Uint8Array(16);
    one.set(aes.decryptCbc(data, iv));
    return one;
  }
  const m = (n + 15) & ~15;
  const r = n - (m - 16);
  // The full block sent second-to-last is the real last block C_k; the partial one after it
  // is the head of C_{k-1}. D(C_k) = (P_k || 0…) ⊕ C_{k-1} gives back C_{k-1}'s tail.
  const x = aes.decryptCbc(data.subarray(m - 32, m - 16), ZERO);
  const cPrev = new Uint8Array(16);
  cPrev.set(data.subarray(m - 16, n));
  cPrev.set(x.subarray(r), r);
  const head = new Uint8Array(m - 16);
  head.set(data.subarray(0, m - 32));
  head.set(cPrev, m - 32);
  const p = aes.decryptCbc(head, iv);
  const out = new Uint8Array(n);
  out.set(p);
  for (let i = 0; i < r; i++) out[m - 16 + i] = x[i]! ^ cPrev[i]!;
  return out;
}

/** Decrypts `data` (≥ 16 bytes) with the key's own CTS, returning a new array. */
export function ctsDecrypt(aes: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  aes.decryptCtsInto(data, iv, out, 0);
  return out;
}
