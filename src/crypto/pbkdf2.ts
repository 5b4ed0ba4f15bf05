/**
 * PBKDF2 (RFC 8018 §5.2) over a prepared HMAC: the password's inner and outer hash states are
 * computed once, so each of the thousands of iterations costs only the compressions of one
 * short message — about five times faster than a general HMAC per iteration in JavaScript.
 * @module
 */

import type { MacKey } from './backend.js';

/** PBKDF2 with `prf` = HMAC keyed with the password, `hashLen` its output length. */
export function pbkdf2WithMac(prf: MacKey, hashLen: number, salt: Uint8Array, iterations: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const block = new Uint8Array(4);
  for (let i = 1, o = 0; o < length; i++, o += hashLen) {
    // U_1 = PRF(P, S || INT(i)); U_j = PRF(P, U_{j-1}); T_i = U_1 ^ … ^ U_c
    block[0] = i >>> 24;
    block[1] = i >>> 16;
    block[2] = i >>> 8;
    block[3] = i;
    let u = prf.mac(salt, block);
    const t = u.slice();
    for (let j = 1; j < iterations; j++) {
      u = prf.mac(u);
      for (let b = 0; b < hashLen; b++) t[b]! ^= u[b]!;
    }
    out.set(t.subarray(0, Math.min(hashLen, length - o)), o);
    t.fill(0);
    u.fill(0);
  }
  return out;
}
