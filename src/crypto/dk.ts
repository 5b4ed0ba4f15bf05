/**
 * Key derivation of the simplified profile, RFC 3961 §5.1: DR(Key, Constant) encrypts the
 * n-folded constant repeatedly; DK = random-to-key(DR) — the identity for AES. And the usage
 * constants of §5.3: usage as four big-endian bytes, then 0x99 (Kc), 0xAA (Ke) or 0x55 (Ki).
 * @module
 */

import type { AesKey } from './backend.js';
import { nfold } from './nfold.js';

const ZERO = new Uint8Array(16);

/**
 * n-fold(constant, 128) of the 5-byte usage constants, which recur with every new key (each
 * context's session key derives the same few): computed once. Bounded; the arrays are only read
 * (encryptCbc gives its input back unchanged).
 */
const FOLDED = new Map<number, Uint8Array>();

function folded(constant: Uint8Array): Uint8Array {
  if (constant.length !== 5) return nfold(constant, 128);
  const id = ((constant[0]! << 24) | (constant[1]! << 16) | (constant[2]! << 8) | constant[3]!) * 256 + constant[4]!;
  let f = FOLDED.get(id);
  if (f === undefined) {
    f = nfold(constant, 128);
    if (FOLDED.size < 512) FOLDED.set(id, f);
  }
  return f;
}

/** DR(Key, Constant) for a 16-byte-block cipher, `length` bytes long. */
export function dr(aes: AesKey, constant: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let block = constant.length === 16 ? constant : folded(constant);
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
