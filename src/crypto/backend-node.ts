/**
 * The node:crypto backend (OpenSSL), found at run time through `process.getBuiltinModule`, so
 * that this layer has no static `node:` import and still compiles and runs anywhere: where the
 * runtime has no such function, this module exports `undefined` and the pure backend is used.
 *
 * Per-message overhead matters more than bulk speed for Kerberos (most messages are small, and
 * most keys — a context's session key, subkeys and the keys derived from them — encrypt one or
 * two messages in their life), so:
 *
 * - AES: small messages run in JavaScript (our AES, aes-js.ts); a key gets an OpenSSL CBC
 *   context for a direction only when a message in that direction is large enough to go native
 *   (creating one costs 2–5 µs and a stream object's garbage, and most keys — a session key's
 *   derivation base, the key of a 60-byte AP-REP — never need one). Each context is long-lived: a CBC context carries its chaining block from one `update` to the
 *   next; we know that block (the last ciphertext block it saw), so a new message with its own
 *   IV is done by XOR-ing (IV ⊕ chaining block) into the first input block (encrypt) or output
 *   block (decrypt). Same bytes as a fresh context, minus the context set-up and key schedule.
 * - HMAC: small messages in JavaScript over key states prepared once (fast-hmac/); larger ones as
 *   one native one-shot hash (`crypto.hash`, no Hash object) of the prepared K ⊕ ipad block and
 *   the message, then the outer step in JavaScript from the prepared K ⊕ opad state. Without
 *   `crypto.hash` (older runtimes), `createHmac`.
 * @module
 */

import { JsAes } from './aes-js.js';
import type { AesKey, Backend, HashName, MacKey } from './backend.js';
import { prepareHmac, type PreparedHmac } from './fast-hmac/index.js';

/**
 * Below this much CBC work (the CTS bulk: whole blocks before the last two) a message goes
 * through JavaScript. With a key's OpenSSL context made, the native call and its result buffer
 * cost ~0.8 µs and JavaScript ~0.15 µs a block, so from ~100 bytes native would win — but the
 * context costs 2–5 µs and a stream object's garbage to make, and the keys that see messages of
 * 100–256 bytes are mostly used once: a session key opening one authenticator (~190 bytes), a
 * reply key opening one KDC reply. bench/handshake.mjs: the acceptor is faster with 256.
 */
export const NATIVE_AES_MIN_BYTES = 256;

interface NodeCipher {
  update(data: Uint8Array): Uint8Array;
  setAutoPadding(on: boolean): NodeCipher;
}
interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
interface NodeCrypto {
  createCipheriv(alg: string, key: Uint8Array, iv: Uint8Array): NodeCipher;
  createDecipheriv(alg: string, key: Uint8Array, iv: Uint8Array): NodeCipher;
  createHmac(alg: string, key: Uint8Array): NodeHash;
  createHash(alg: string): NodeHash;
  /** One-shot digest (Node ≥ 20.12 / 21.7); absent in older runtimes. */
  hash?: (alg: string, data: Uint8Array, outputEncoding: 'buffer') => Uint8Array;
  pbkdf2Sync(password: Uint8Array, salt: Uint8Array, iterations: number, length: number, digest: string): Uint8Array;
}

declare const process: { getBuiltinModule?: (id: string) => unknown } | undefined;

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
    const mod = typeof get === 'function' ? (get('node:crypto') as NodeCrypto | undefined) : undefined;
    return mod && typeof mod.createCipheriv === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** A plain Uint8Array copy of (a prefix of) a Node buffer, so host buffers never leak out. */
function plain(buf: Uint8Array, length = buf.length): Uint8Array {
  const out = new Uint8Array(length);
  out.set(buf.length === length ? buf : buf.subarray(0, length));
  return out;
}

const ZERO_IV = new Uint8Array(16);

/**
 * A plain Uint8Array over the first `length` bytes of a native result (a Node buffer): a view of
 * its memory when the buffer owns its whole ArrayBuffer (OpenSSL's results do), else a copy — so
 * that no result ever shares memory with unrelated data (a pooled buffer's neighbours).
 */
function own(buf: Uint8Array, length: number): Uint8Array {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) return new Uint8Array(buf.buffer, 0, length);
  return plain(buf, length);
}

/** Where a ciphertext whose last block is partial is padded for OpenSSL (ciphertext only: not secret). */
let cipherBuf = new Uint8Array(2048);
function cipherScratch(n: number): Uint8Array {
  if (n > cipherBuf.length) {
    if (n > 64 * 1024) return new Uint8Array(n);
    let size = cipherBuf.length;
    while (size < n) size *= 2;
    cipherBuf = new Uint8Array(size);
  }
  return cipherBuf;
}

/** The whole blocks before CTS's last two (the last of which may be partial). */
function bulkBytes(n: number): number {
  return n <= 32 ? 0 : 16 * (((n + 15) >>> 4) - 2);
}

function xor16(dst: Uint8Array, off: number, a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < 16; i++) dst[off + i]! ^= a[i]! ^ b[i]!;
}

class NodeAes implements AesKey {
  readonly #nc: NodeCrypto;
  readonly #alg: string;
  readonly #key: Uint8Array;
  // Made on first need, one per direction, then kept for the key's life.
  #enc: NodeCipher | undefined;
  #dec: NodeCipher | undefined;
  // The chaining block each context holds now: the last ciphertext block it processed.
  readonly #encState = new Uint8Array(16);
  readonly #decState = new Uint8Array(16);
  // Small messages go through JavaScript: cheaper than the native call.
  readonly #js: JsAes;

  constructor(nc: NodeCrypto, key: Uint8Array) {
    const alg = key.length === 16 ? 'aes-128-cbc' : key.length === 32 ? 'aes-256-cbc' : '';
    if (!alg) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
    this.#nc = nc;
    this.#alg = alg;
    this.#key = key.slice();
    this.#js = new JsAes(key);
  }

  /** The encryption context when `bytes` of CBC work should go native (made on first need), else undefined. */
  #encCtx(bytes: number): NodeCipher | undefined {
    if (bytes < NATIVE_AES_MIN_BYTES) return undefined;
    this.#enc ??= this.#nc.createCipheriv(this.#alg, this.#key, ZERO_IV).setAutoPadding(false);
    return this.#enc;
  }

  #decCtx(bytes: number): NodeCipher | undefined {
    if (bytes < NATIVE_AES_MIN_BYTES) return undefined;
    this.#dec ??= this.#nc.createDecipheriv(this.#alg, this.#key, ZERO_IV).setAutoPadding(false);
    return this.#dec;
  }

  // Large inputs: OpenSSL does the whole blocks up to the last two as plain CBC, then the
  // JavaScript CTS does those two (with the last ciphertext block so far as its IV): no padded
  // copy, no reordering pass, one native call.
  encryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void {
    const bulk = bulkBytes(data.length);
    const ctx = this.#encCtx(bulk);
    if (!ctx) {
      this.#js.encryptCtsInto(data, iv, dst, off);
      return;
    }
    dst.set(this.#nativeEncrypt(ctx, data.subarray(0, bulk), iv), off);
    this.#js.encryptCtsInto(data.subarray(bulk), dst.subarray(off + bulk - 16, off + bulk), dst, off + bulk);
  }

  decryptCtsInto(data: Uint8Array, iv: Uint8Array, dst: Uint8Array, off: number): void {
    const bulk = bulkBytes(data.length);
    const ctx = this.#decCtx(bulk);
    if (!ctx) {
      this.#js.decryptCtsInto(data, iv, dst, off);
      return;
    }
    dst.set(this.#nativeDecrypt(ctx, data.subarray(0, bulk), iv), off);
    this.#js.decryptCtsInto(data.subarray(bulk), data.subarray(bulk - 16, bulk), dst, off + bulk);
  }

  // Whole messages: one native call over every block, its result buffer is the message's (no
  // second array, no copy). CTS from CBC: over the zero-padded input, CBC's last two blocks are
  // CTS's in the other order, the last one cut (RFC 3962 §5, as in RFC 2040's CBC-CTS).
  encryptCts(buf: Uint8Array, n: number, iv: Uint8Array, room: number): Uint8Array {
    const ctx = this.#encCtx(bulkBytes(n));
    if (!ctx) return this.#js.encryptCts(buf, n, iv, room);
    const k = (n + 15) >>> 4;
    const r = n - 16 * (k - 1);
    const len = (n + room + 15) & ~15;
    buf.fill(0, n, len);
    const c = this.#nativeEncrypt(ctx, buf.subarray(0, len), iv);
    // swap: C_k takes C_{k-1}'s place, and C_{k-1}, cut to r bytes, goes last
    const a = 16 * (k - 2);
    const b = a + 16;
    for (let i = 0; i < 16; i++) {
      const x = c[a + i]!;
      c[a + i] = c[b + i]!;
      if (i < r) c[b + i] = x;
    }
    c.fill(0, n, len);
    return own(c, n + room);
  }

  // One native call over every block (the last, partial one zero-padded: the ciphertext is not
  // secret, so the module's scratch holds the copy); OpenSSL's last two blocks are then
  // overwritten with CTS's, which JavaScript decrypts from the ciphertext.
  decryptCts(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const n = data.length;
    const bulk = bulkBytes(n);
    const ctx = this.#decCtx(bulk);
    if (!ctx) return this.#js.decryptCts(data, iv);
    const len = (n + 15) & ~15;
    let input = data;
    if (len !== n) {
      input = cipherScratch(len);
      input.set(data);
      input.fill(0, n, len);
    }
    const p = own(this.#nativeDecrypt(ctx, input.subarray(0, len), iv), len);
    this.#js.decryptCtsInto(data.subarray(bulk), data.subarray(bulk - 16, bulk), p, bulk);
    p.fill(0, n, len);
    return len === n ? p : p.subarray(0, n);
  }

  encryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    if (data.length === 0) return new Uint8Array(0);
    const ctx = this.#encCtx(data.length);
    return ctx ? this.#nativeEncrypt(ctx, data, iv) : this.#js.encryptCbc(data, iv);
  }

  decryptCbc(data: Uint8Array, iv: Uint8Array): Uint8Array {
    if (data.length === 0) return new Uint8Array(0);
    const ctx = this.#decCtx(data.length);
    return ctx ? this.#nativeDecrypt(ctx, data, iv) : this.#js.decryptCbc(data, iv);
  }

  #nativeEncrypt(ctx: NodeCipher, data: Uint8Array, iv: Uint8Array): Uint8Array {
    const n = data.length;
    // XOR the first block in place and put it back afterwards: no copy of the input.
    const state = this.#encState;
    xor16(data, 0, iv, state);
    let out: Uint8Array;
    try {
      out = ctx.update(data);
    } finally {
      xor16(data, 0, iv, state);
    }
    state.set(out.subarray(n - 16, n));
    return out;
  }

  #nativeDecrypt(ctx: NodeCipher, data: Uint8Array, iv: Uint8Array): Uint8Array {
    const n = data.length;
    const out = ctx.update(data);
    xor16(out, 0, iv, this.#decState);
    this.#decState.set(data.subarray(n - 16, n));
    return out;
  }
}

const NODE_HASH: Record<HashName, string> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384' };

/**
 * Below these many bytes (of message) an HMAC is cheaper in JavaScript with prepared states
 * (fast-hmac/) than through one native one-shot hash, measured with bench/hmac-micro.mjs.
 * SHA-384 in 32-bit JavaScript is slower than the native call at every size.
 */
export const NATIVE_HMAC_MIN_BYTES: Readonly<Record<HashName, number>> = { md5: 0, sha1: 1536, sha256: 448, sha384: 0 };

/** Messages up to this size are hashed from one reused buffer (the ipad block, then the message). */
const MAC_SCRATCH_MAX = 64 * 1024;
let macBuf = new Uint8Array(2048);

function macScratch(n: number): Uint8Array {
  if (n > macBuf.length) {
    let size = macBuf.length;
    while (size < n) size *= 2;
    macBuf = new Uint8Array(size);
  }
  return macBuf;
}

const BLOCK_BYTES: Record<HashName, number> = { md5: 64, sha1: 64, sha256: 64, sha384: 128 };

class NodeMac implements MacKey {
  readonly #nc: NodeCrypto;
  readonly #alg: string;
  readonly #key: Uint8Array;
  /** The prepared JavaScript HMAC (SHA-1, SHA-256): messages below #jsBelow, and the outer step of the one-shot path. */
  readonly #js: PreparedHmac | undefined;
  readonly #jsBelow: number;
  /** K ⊕ ipad and K ⊕ opad, one block each (the key hashed first when longer than a block); made on first need. */
  #pads: [Uint8Array, Uint8Array] | undefined;
  readonly #blockBytes: number;

  constructor(nc: NodeCrypto, hash: HashName, key: Uint8Array) {
    this.#nc = nc;
    this.#alg = NODE_HASH[hash];
    this.#key = key.slice();
    this.#jsBelow = NATIVE_HMAC_MIN_BYTES[hash];
    // SHA-384 in 32-bit JavaScript costs more than a native call even for one block (the outer
    // step alone ~2.5 µs against ~1 µs), so its key gets no JavaScript states at all.
    this.#js = hash === 'sha1' || hash === 'sha256' ? prepareHmac(hash, key) : undefined;
    this.#blockBytes = BLOCK_BYTES[hash];
  }

  /** The pad blocks for the one-shot path, or undefined where the runtime has no `crypto.hash`. */
  #padBlocks(): [Uint8Array, Uint8Array] | undefined {
    if (this.#pads || !this.#nc.hash) return this.#pads;
    const block = this.#blockBytes;
    const key = this.#key;
    const k = key.length > block ? this.#nc.hash(this.#alg, key, 'buffer') : key;
    const ipad = new Uint8Array(block);
    const opad = new Uint8Array(block);
    for (let i = 0; i < block; i++) {
      ipad[i] = (k[i] ?? 0) ^ 0x36;
      opad[i] = (k[i] ?? 0) ^ 0x5c;
    }
    if (k !== key) k.fill(0);
    this.#pads = [ipad, opad];
    return this.#pads;
  }

  mac(data: Uint8Array, more?: Uint8Array): Uint8Array {
    const n = data.length + (more ? more.length : 0);
    const js = this.#js;
    if (js && n < this.#jsBelow) return js.mac(data, more);
    const pads = n <= MAC_SCRATCH_MAX && this.#alg !== 'md5' ? this.#padBlocks() : undefined;
    if (pads) {
      // RFC 2104 as one-shot native hashes over one reused buffer: inner = H(K ⊕ ipad ‖ message),
      // then H(K ⊕ opad ‖ inner) — in JavaScript from the prepared state for SHA-1 and SHA-256
      const hash = this.#nc.hash as NonNullable<NodeCrypto['hash']>;
      const [ipad, opad] = pads;
      const b = ipad.length;
      const buf = macScratch(b + n);
      buf.set(ipad);
      buf.set(data, b);
      if (more) buf.set(more, b + data.length);
      let view = buf.subarray(0, b + n);
      let inner: Uint8Array;
      try {
        inner = hash(this.#alg, view, 'buffer');
      } finally {
        view.fill(0); // the key block and, for RFC 3962, plaintext
      }
      if (js) return js.outer(inner);
      buf.set(opad);
      buf.set(inner, b);
      view = buf.subarray(0, b + inner.length);
      try {
        return plain(hash(this.#alg, view, 'buffer'));
      } finally {
        view.fill(0);
      }
    }
    const h = this.#nc.createHmac(this.#alg, this.#key).update(data);
    if (more) h.update(more);
    return plain(h.digest());
  }
}

function makeNodeBackend(nc: NodeCrypto): Backend {
  return {
    name: 'node',
    aesKey: (key) => new NodeAes(nc, key),
    hmacKey: (hash, key) => new NodeMac(nc, hash, key),
    digest: (hash, data) => plain(nc.createHash(NODE_HASH[hash]).update(data).digest()),
    pbkdf2: (hash, password, salt, iterations, length) => plain(nc.pbkdf2Sync(password, salt, iterations, length, NODE_HASH[hash])),
  };
}

const nc = loadNodeCrypto();

/** The node:crypto backend, or `undefined` where the runtime has no node:crypto. */
export const nodeBackend: Backend | undefined = nc ? makeNodeBackend(nc) : undefined;
