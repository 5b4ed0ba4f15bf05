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

/**
 * V8 keeps a typed array of up to 64 bytes on its heap (cheap); a larger one gets an off-heap
 * backing store (~1 µs). A plaintext up to this size is copied out of the shared buffer; a
 * larger one is returned where it was decrypted.
 */
export const SMALL_PLAINTEXT = 64;
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
 * confounder ahead of the message; a given one only for known-answer tests), in a view of the
 * shared buffer `16 + plaintext.length + room` bytes long rounded up to a block (the room
 * AesKey.encryptCts may use). The caller wipes it with `fill(0)` when done.
 */
export function confounded(plaintext: Uint8Array, confounder?: Uint8Array, room = 0): Uint8Array {
  const n = 16 + plaintext.length;
  // capacity for AesKey.encryptCts: n + room rounded up to a block
  const p = scratch((n + room + 15) & ~15);
  if (confounder) p.set(confounder);
  else randomInto(p, 0, 16);
  p.set(plaintext, 16);
  return p;
}
