/**
 * Base64 (RFC 4648 §4, the standard alphabet) for Negotiate headers, without any host global.
 * @module
 */
import { DecodeError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Encode bytes as padded base64.
 *
 * @example
 * ```ts
 * toBase64(Uint8Array.of(0x60, 0x82)) // 'YII='
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}${ALPHABET[(n >>> 6) & 63]!}=`;
  }
  return out;
}

let PAIRS: Int16Array | undefined;
let SCRATCH = new Uint8Array(0);
declare const TextEncoder: { new (): { encodeInto(s: string, into: Uint8Array): { read: number; written: number } } };
const encoder = new TextEncoder();

/** `full` characters (a multiple of 4) of `text` into `out`; returns the bytes written. */
function decodePairs(text: string, full: number, out: Uint8Array): number {
  if (!PAIRS) {
    // the 12 bits of every pair of alphabet characters, indexed by the two bytes; -1 elsewhere
    PAIRS = new Int16Array(65536).fill(-1);
    for (let a = 0; a < 64; a++) for (let b = 0; b < 64; b++) PAIRS[(ALPHABET.charCodeAt(a) << 8) | ALPHABET.charCodeAt(b)] = (a << 6) | b;
  }
  const P = PAIRS;
  // a character outside ASCII becomes several bytes; then the group check below fails somewhere
  if (SCRATCH.length < full * 3) SCRATCH = new Uint8Array(Math.max(full * 3, 1024));
  const s = SCRATCH;
  encoder.encodeInto(full === text.length ? text : text.slice(0, full), s);
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const x = P[(s[i]! << 8) | s[i + 1]!]!;
    const y = P[(s[i + 2]! << 8) | s[i + 3]!]!;
    if ((x | y) < 0) badChar(text, i);
    out[o] = x >>> 4;
    out[o + 1] = ((x & 15) << 4) | (y >>> 8);
    out[o + 2] = y & 0xff;
    o += 3;
  }
  return o;
}

/** The 6-bit value of the character at `i`, or -1. */
function code(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? LOOKUP[c]! : -1;
}

function badChar(text: string, from: number): never {
  let i = from;
  while (code(text, i) >= 0) i++;
  throw new DecodeError(`invalid base64 character ${JSON.stringify(text[i])}`, { path: 'base64', offset: i });
}

/**
 * Decode base64, strictly: the standard alphabet only, no whitespace, padding either complete
 * or absent, and the unused bits of the last character zero (RFC 4648 §3.5, canonical
 * encoding). Anything else is a `DecodeError` with the offset of the bad character.
 *
 * @example
 * ```ts
 * fromBase64('YII=') // Uint8Array [0x60, 0x82]
 * ```
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('expected a string');
  let end = text.length;
  let pad = 0;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */ && pad < 2) {
    end--;
    pad++;
  }
  if (pad > 0 && text.length % 4 !== 0) throw new DecodeError('base64 padding does not complete a 4-character group', { path: 'base64', offset: end });
  if (end % 4 === 1) throw new DecodeError('base64 length is not valid (one character left over)', { path: 'base64', offset: end - 1 });
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  const full = end - (end % 4);
  let o = 0;
  let i = 0;
  if (full >= 256) {
    // long tokens: the characters as bytes, then two lookups of a pair table per group of four
    // (half the time of four single lookups on charCodeAt)
    o = decodePairs(text, full, out);
    i = full;
  }
  for (; i < full; i += 4) {
    const a = code(text, i),
      b = code(text, i + 1),
      c = code(text, i + 2),
      d = code(text, i + 3);
    if ((a | b | c | d) < 0) badChar(text, i);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = n >>> 16;
    out[o + 1] = (n >>> 8) & 0xff;
    out[o + 2] = n & 0xff;
    o += 3;
  }
  const rest = end - full;
  if (rest > 0) {
    const a = code(text, i),
      b = code(text, i + 1),
      c = rest === 3 ? code(text, i + 2) : 0;
    if ((a | b | c) < 0) badChar(text, i);
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >>> 16;
    if (rest === 3) out[o++] = (n >>> 8) & 0xff;
    // the unused bits of the last character must be zero (canonical encoding)
    if ((rest === 2 ? n & 0xffff : n & 0xff) !== 0) throw new DecodeError('base64 has non-zero bits after the last byte (not canonical)', { path: 'base64', offset: end - 1 });
  }
  return out;
}
