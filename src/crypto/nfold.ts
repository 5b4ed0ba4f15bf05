/**
 * n-fold, RFC 3961 §5.1: stretch or shrink a byte string to n bits by concatenating copies of
 * it, each rotated 13 bits further right, to the least common multiple of the two lengths, then
 * adding the n-bit chunks together in ones'-complement arithmetic.
 * @module
 */

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Rotates the whole byte string right by `bits` bits (bit 0 is the MSB of byte 0). */
function rotateRight(input: Uint8Array, bits: number): Uint8Array {
  const len = input.length;
  const total = len * 8;
  const shift = bits % total;
  const out = new Uint8Array(len);
  for (let j = 0; j < total; j++) {
    const src = (j - shift + total) % total;
    if ((input[src >>> 3]! >>> (7 - (src & 7))) & 1) out[j >>> 3]! |= 0x80 >>> (j & 7);
  }
  return out;
}

/** Adds `b` into `acc` (same length, big-endian) with end-around carry. */
function onesComplementAdd(acc: Uint8Array, b: Uint8Array): void {
  let carry = 0;
  for (let i = acc.length - 1; i >= 0; i--) {
    const s = acc[i]! + b[i]! + carry;
    acc[i] = s & 0xff;
    carry = s >>> 8;
  }
  for (let i = acc.length - 1; carry && i >= 0; i--) {
    const s = acc[i]! + carry;
    acc[i] = s & 0xff;
    carry = s >>> 8;
  }
}

/**
 * n-fold of `input` to `nbits` bits (a multiple of 8).
 * @example
 * ```ts
 * toHex(nfold(utf8('012345'), 64)) // 'be072631276b1955' (RFC 3961 A.1)
 * ```
 */
export function nfold(input: Uint8Array, nbits: number): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new TypeError('nfold input must be a Uint8Array');
  if (!Number.isInteger(nbits) || nbits <= 0 || nbits % 8 !== 0) throw new RangeError('nbits must be a positive multiple of 8');
  if (input.length === 0) throw new RangeError('nfold input must not be empty');
  const inLen = input.length;
  const outLen = nbits / 8;
  const lcm = (inLen * outLen) / gcd(inLen, outLen);
  const out = new Uint8Array(outLen);
  const chunk = new Uint8Array(outLen);
  // The stream of rotated copies, consumed outLen bytes at a time.
  let copy = input;
  let copyIndex = 0;
  let pos = 0;
  for (let off = 0; off < lcm; off += outLen) {
    for (let i = 0; i < outLen; i++) {
      if (pos === inLen) {
        copyIndex++;
        copy = rotateRight(input, 13 * copyIndex);
        pos = 0;
      }
      chunk[i] = copy[pos++]!;
    }
    onesComplementAdd(out, chunk);
  }
  return out;
}
