/**
 * Key derivation of the simplified profile, RFC 3961 §5.1: DR(Key, Constant) encrypts the
 * n-folded constant repeatedly; DK = random-to-key(DR) — the identity for AES. And the usage
 * constants of §5.3: usage as four big-endian bytes, then 0x99 (Kc), 0xAA (Ke) or 0x55 (Ki).
 * @module
 */

import type { AesKey } from './backend.js';
import { nfold } from './nfold.js';

const ZERO = new Uint8Array(16);

/** DR(Key, Constant) for a 16-byte-block cipher, `length` bytes long. */
export function dr(aes: AesKey, constant: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let block = constant.length === 16 ? constant : nfold(constant, 128);
  for (let o = 0; o < length; o += 16) {
    block = aes.encryptCbc(block, ZERO);
    out.set(block.subarray(0, Math.min(16, length - o)), o);
  }
  return out;
}

export const KC = 0x99;
export const KE = 0xaa;
export const KI = 0x55;

/** The 5-byte well-known constant for `usage` and a key kind (Kc/Ke/Ki). */
export function usageConstant(usage: number, kind: number): Uint8Array {
  return new Uint8Array([(usage >>> 24) & 0xff, (usage >>> 16) & 0xff, (usage >>> 8) & 0xff, usage & 0xff, kind]);
}
