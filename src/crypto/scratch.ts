/**
 * One reusable buffer for a message's plaintext while it is being encrypted or checked, so a
 * small message costs one allocation (its result) instead of three: in V8 a typed array of more
 * than 64 bytes gets an off-heap backing store, which costs more than AES on a few blocks.
 *
 * Safe because every crypto operation is synchronous and never re-enters another profile
 * operation while it holds the buffer; the holder wipes what it wrote before returning.
 * @module
 */

import { randomInto } from './backend.js';

const MAX_REUSED = 64 * 1024;
let buf = new Uint8Array(1024);

/** A view of `n` bytes of the shared buffer (or a fresh array when `n` is large). */
export function scratch(n: number): Uint8Array {
  if (n > MAX_REUSED) return new Uint8Array(n);
  if (n > buf.length) {
    let size = buf.length;
    while (size < n) size *= 2;
    buf = new Uint8Array(size);
  }
  return buf.subarray(0, n);
}

/** Constant-time comparison of `len` bytes of `a` at `ao` and `b` at `bo` (no views made). */
export function equalAt(a: Uint8Array, ao: number, b: Uint8Array, bo: number, len: number): boolean {
  if (ao + len > a.length || bo + len > b.length) return false;
  let diff = 0;
  for (let i = 0; i < len; i++) diff |= a[ao + i]! ^ b[bo + i]!;
  return diff === 0;
}

/**
 * `confounder | plaintext` in the shared buffer (RFC 3961 §5.3: a random block-sized
 * confounder ahead of the message; a given one only for known-answer tests). The caller
 * wipes it with `fill(0)` when done.
 */
export function confounded(plaintext: Uint8Array, confounder?: Uint8Array): Uint8Array {
  const p = scratch(16 + plaintext.length);
  if (confounder) p.set(confounder);
  else randomInto(p, 0, 16);
  p.set(plaintext, 16);
  return p;
}
