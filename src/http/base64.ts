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
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new DecodeError(`invalid base64 character ${JSON.stringify(text[i])}`, { path: 'base64', offset: i });
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new DecodeError('base64 has non-zero bits after the last byte (not canonical)', { path: 'base64', offset: end - 1 });
  return out;
}
