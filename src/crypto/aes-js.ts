/**
 * AES-CBC and AES-CBC-CTS (RFC 3962 §5) in JavaScript over our AES block function (aes-block.ts),
 * with the key schedules expanded once per key. CTS is done block by block straight into the
 * destination — no padded copy, no swap pass — which is what makes small Kerberos messages
 * cheap: for a few blocks, this beats a native call into OpenSSL.
 *
 * Blocks are handled as four 32-bit little-endian words (one per column); bytes are read and
 * written with shifts, so any alignment and either host byte order work.
 * @module
 */

import { AES_OUT, decryptBlock, encryptBlock, expandKeyDec, expandKeyEnc } from './aes-block.js';
import type { AesKey } from './backend.js';

function le32(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

/** Little-endian word at `o` of `b`, treating bytes at or past `end` as zero. */
function le32z(b: Uint8Array, o: number, end: number): number {
  if (o + 4 <= end) return le32(b, o);
  let x = 0;
  for (let i = 0; i < 4 && o + i < end; i++) x |= b[o + i]! << (8 * i);
  return x;
}

function put32(b: Uint8Array, o: number, x: number): void {
  b[o] = x;
  b[o + 1] = x >>> 8;
  b[o + 2] = x >>> 16;
  b[o + 3] = x >>> 24;
}

/** Writes the first `len` (≤ 16) bytes of the block (w0..w3) at `o`. */
function putBlock(b: Uint8Array, o: number, w0: number, w1: number, w2: number, w3: number, len = 16): void {
  if (len === 16) {
    put32(b, o, w0);
    put32(b, o + 4, w1);
    put32(b, o + 8, w2);
    put32(b, o + 12, w3);
    return;
  }
  const w = [w0, w1, w2, w3];
  for (let i = 0; i < len; i++) b[o + i] = w[i >>> 2]! >>> (8 * (i & 3));
}

/** CTS decryption's C_{k-1} under reconstruction (one block, reused: the calls are synchronous; wiped after use). */
const CTS_TAIL = new Uint8Array(16);

export class JsAes implements AesKey {
  readonly #enc: Uint32Array;
  #decKey: Uint32Array | undefined;
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
    this.#key = key.slice();
    this.#enc = expandKeyEnc(this.#key);
  }

  get #dec(): Uint32Array {
    this.#decKey ??= expandKeyDec(this.#key, this.#enc);
    return this.#decKey;
  }

  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const xk = this.#enc;
    let s0 = le32(iv, 0),
      s1 = le32(iv, 4),
      s2 = le32(iv, 8),
      s3 = le32(iv, 12);
    for (let o = 0; o < data.length; o += 16) {
      encryptBlock(xk, s0 ^ le32(data, o), s1 ^ le32(data, o + 4), s2 ^ le32(data, o + 8), s3 ^ le32(data, o + 12));
      s0 = AES_OUT[0]!;
      s1 = AES_OUT[1]!;
      s2 = AES_OUT[2]!;
      s3 = AES_OUT[3]!;
      putBlock(out, o, s0, s1, s2, s3);
    }
    return out;
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const xk = this.#dec;
    let p0 = le32(iv, 0),
      p1 = le32(iv, 4),
      p2 = le32(iv, 8),
      p3 = le32(iv, 12);
    for (let o = 0; o < data.length; o += 16) {
      const c0 = le32(data, o),
        c1 = le32(data, o + 4),
        c2 = le32(data, o + 8),
        c3 = le32(data, o + 12);
      decryptBlock(xk, c0, c1, c2, c3);
      putBlock(out, o, AES_OUT[0]! ^ p0, AES_OUT[1]! ^ p1, AES_OUT[2]! ^ p2, AES_OUT[3]! ^ p3);
      p0 = c0;
      p1 = c1;
      p2 = c2;
      p3 = c3;
    }
    return out;
  }

  encryptCts(buf: Uint8Array, n: number, iv: Uint8Array, room: number): Uint8Array {
    const out = new Uint8Array(n + room);
    this.encryptCtsInto(buf.subarray(0, n), iv, out, 0);
    return out;
  }

  decryptCts(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    this.decryptCtsInto(data, iv, out, 0);
    return out;
  }

  /**
   * CBC-CTS encryption of `data` (≥ 16 bytes) into `dst` at `off`: CBC over the zero-padded
   * input, where the second-to-last ciphertext block is written last, cut to the length of the
   * final plaintext block, and the last one takes its place.
   */
  encryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void {
    const n = data.length;
    const xk = this.#enc;
    const k = (n + 15) >>> 4; // blocks
    const r = n - 16 * (k - 1); // bytes in the last block, 1..16
    let s0 = le32(iv, 0),
      s1 = le32(iv, 4),
      s2 = le32(iv, 8),
      s3 = le32(iv, 12);
    for (let j = 0; j < k; j++) {
      const o = 16 * j;
      const last = j === k - 1;
      const x0 = last ? le32z(data, o, n) : le32(data, o);
      const x1 = last ? le32z(data, o + 4, n) : le32(data, o + 4);
      const x2 = last ? le32z(data, o + 8, n) : le32(data, o + 8);
      const x3 = last ? le32z(data, o + 12, n) : le32(data, o + 12);
      encryptBlock(xk, s0 ^ x0, s1 ^ x1, s2 ^ x2, s3 ^ x3);
      s0 = AES_OUT[0]!;
      s1 = AES_OUT[1]!;
      s2 = AES_OUT[2]!;
      s3 = AES_OUT[3]!;
      if (k === 1 || j < k - 2) putBlock(dst, off + o, s0, s1, s2, s3);
      else if (j === k - 2)
        putBlock(dst, off + o + 16, s0, s1, s2, s3, r); // C_{k-1}, cut, goes last
      else putBlock(dst, off + o - 16, s0, s1, s2, s3); // C_k takes C_{k-1}'s place
    }
  }

  /** CBC-CTS decryption of `data` (≥ 16 bytes) into `dst` at `off`. */
  decryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void {
    const n = data.length;
    const xk = this.#dec;
    const k = (n + 15) >>> 4;
    const r = n - 16 * (k - 1);
    let p0 = le32(iv, 0),
      p1 = le32(iv, 4),
      p2 = le32(iv, 8),
      p3 = le32(iv, 12);
    const full = k === 1 ? 1 : k - 2; // blocks decrypted as plain CBC
    for (let j = 0; j < full; j++) {
      const o = 16 * j;
      const c0 = le32(data, o),
        c1 = le32(data, o + 4),
        c2 = le32(data, o + 8),
        c3 = le32(data, o + 12);
      decryptBlock(xk, c0, c1, c2, c3);
      putBlock(dst, off + o, AES_OUT[0]! ^ p0, AES_OUT[1]! ^ p1, AES_OUT[2]! ^ p2, AES_OUT[3]! ^ p3);
      p0 = c0;
      p1 = c1;
      p2 = c2;
      p3 = c3;
    }
    if (k === 1) return;
    // Wire order: … C_{k-2}, C_k (full), head of C_{k-1} (r bytes). D(C_k) = (P_k ‖ 0…) ⊕ C_{k-1}
    // gives the missing tail of C_{k-1}; then P_{k-1} = D(C_{k-1}) ⊕ C_{k-2}.
    const o = 16 * (k - 2);
    decryptBlock(xk, le32(data, o), le32(data, o + 4), le32(data, o + 8), le32(data, o + 12));
    const tail = CTS_TAIL;
    putBlock(tail, 0, AES_OUT[0]!, AES_OUT[1]!, AES_OUT[2]!, AES_OUT[3]!);
    for (let i = 0; i < r; i++) tail[i] = data[o + 16 + i]!; // tail now holds C_{k-1}
    const c0 = le32(tail, 0),
      c1 = le32(tail, 4),
      c2 = le32(tail, 8),
      c3 = le32(tail, 12);
    putBlock(dst, off + o + 16, AES_OUT[0]! ^ c0, AES_OUT[1]! ^ c1, AES_OUT[2]! ^ c2, AES_OUT[3]! ^ c3, r);
    tail.fill(0);
    decryptBlock(xk, c0, c1, c2, c3);
    putBlock(dst, off + o, AES_OUT[0]! ^ p0, AES_OUT[1]! ^ p1, AES_OUT[2]! ^ p2, AES_OUT[3]! ^ p3);
  }
}
