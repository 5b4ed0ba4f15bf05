/**
 * PBKDF2 iteration counts from s2kparams (RFC 3962 §4: four bytes, big-endian).
 * @module
 */

import { UnsupportedError } from '../errors.js';

// MIT refuses counts of 2^24 and above (and 0, which RFC 3962 reads as 2^32): a KDC that
// asks for more is either broken or trying to make us spin.
const MAX_ITERATIONS = 0x1000000;

export function iterationCount(params: Uint8Array | undefined, fallback: number): number {
  if (params === undefined) return fallback;
  if (params.length !== 4) throw new UnsupportedError(`s2kparams must be 4 bytes, got ${params.length}`, { code: 'ERR_BAD_S2K_PARAMS' });
  const n = ((params[0]! << 24) | (params[1]! << 16) | (params[2]! << 8) | params[3]!) >>> 0;
  if (n === 0 || n >= MAX_ITERATIONS) {
    throw new UnsupportedError(`PBKDF2 iteration count ${n === 0 ? '2^32' : n} is beyond the limit of ${MAX_ITERATIONS - 1}`, {
      code: 'ERR_BAD_S2K_PARAMS',
    });
  }
  return n;
}
