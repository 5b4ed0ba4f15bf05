/**
 * Character strings: GeneralString / KerberosString (RFC 4120 §5.2.1), UTF8String, IA5String.
 * @module
 */
import { PrimitiveCodec } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';

// TextDecoder / TextEncoder are globals in every runtime we target, but not in the ES library
// typings this layer compiles against ("types": [], no DOM), hence the narrow local types.
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface Utf8Encoder {
  encode(input: string): Uint8Array;
}
const g = globalThis as unknown as {
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
};
// fatal: invalid UTF-8 throws instead of becoming U+FFFD; ignoreBOM: a leading EF BB BF is kept
// as U+FEFF rather than silently dropped, so that decoding then encoding gives the same bytes.
const utf8Decoder = new g.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new g.TextEncoder();

/** Strings up to this length that are pure ASCII skip TextDecoder (the common case: realms, names). */
const ASCII_FAST_MAX = 64;

function readUtf8(r: DerReader, len: number): string {
  const buf = r.buf;
  const start = r.pos;
  const end = start + len;
  if (len <= ASCII_FAST_MAX) {
    let s = '';
    let p = start;
    for (; p < end; p++) {
      const c = buf[p]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (p === end) {
      r.pos = end;
      return s;
    }
  }
  let s: string;
  try {
    s = utf8Decoder.decode(buf.subarray(start, end));
  } catch {
    return r.fail('invalid UTF-8', start);
  }
  r.pos = end;
  return s;
}

// A lone surrogate cannot be encoded as UTF-8 (TextEncoder would replace it with U+FFFD).
const LONE_SURROGATE = /\p{Cs}/u;

function writeUtf8(w: DerWriter, v: string, what: string): void {
  if (typeof v !== 'string') throw w.typeError(`${what}: expected a string, got ${typeof v}`);
  const n = v.length;
  if (n <= ASCII_FAST_MAX) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (v.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const at = w.reserve(n);
      const buf = w.buffer;
      for (let i = 0; i < n; i++) buf[at + i] = v.charCodeAt(i);
      return;
    }
  }
  if (LONE_SURROGATE.test(v)) throw w.typeError(`${what}: string contains a lone surrogate`);
  w.bytes(utf8Encoder.encode(v));
}

/**
 * GeneralString decoded as UTF-8. RFC 4120 §5.2.1 restricts KerberosString to IA5 characters,
 * but peers do send UTF-8 (MIT, Heimdal and Windows pass names through as bytes), so this
 * accepts any valid UTF-8; invalid UTF-8 is a `DecodeError`. Encoding writes UTF-8.
 *
 * @example
 * ```ts
 * generalString.encode('ATHENA.MIT.EDU') // 1b 0e 41 54 48 ...
 * ```
 */
export const generalString = new PrimitiveCodec<string>(0x1b, 'GeneralString', readUtf8, (w, v) => writeUtf8(w, v, 'GeneralString'));

/**
 * `KerberosString ::= GeneralString (IA5String)` (RFC 4120 §5.2.1): the same codec as
 * {@link generalString}, named as the RFC names it.
 *
 * @example
 * ```ts
 * kerberosString.decode(Uint8Array.of(0x1b, 0x02, 0x68, 0x69)) // 'hi'
 * ```
 */
export const kerberosString = generalString;

/**
 * UTF8String (X.680 §41), decoded with a fatal UTF-8 decoder.
 *
 * @example
 * ```ts
 * utf8String.encode('é') // 0c 02 c3 a9
 * ```
 */
export const utf8String = new PrimitiveCodec<string>(0x0c, 'UTF8String', readUtf8, (w, v) => writeUtf8(w, v, 'UTF8String'));

/**
 * IA5String (X.680 §41: International Alphabet No. 5, i.e. 7-bit ASCII). An octet >= 0x80 is a
 * `DecodeError`; encoding a character >= U+0080 is a `RangeError`.
 *
 * @example
 * ```ts
 * ia5String.encode('a') // 16 01 61
 * ```
 */
export const ia5String = new PrimitiveCodec<string>(
  0x16,
  'IA5String',
  (r, len) => {
    const buf = r.buf;
    const end = r.pos + len;
    let s = '';
    for (let p = r.pos; p < end; p++) {
      const c = buf[p]!;
      if (c >= 0x80) r.fail('IA5String octet outside 0x00..0x7F', p);
      s += String.fromCharCode(c);
    }
    r.pos = end;
    return s;
  },
  (w, v) => {
    if (typeof v !== 'string') throw w.typeError(`IA5String: expected a string, got ${typeof v}`);
    const n = v.length;
    for (let i = 0; i < n; i++) if (v.charCodeAt(i) >= 0x80) throw w.rangeError('IA5String: character outside U+0000..U+007F');
    const at = w.reserve(n);
    const buf = w.buffer;
    for (let i = 0; i < n; i++) buf[at + i] = v.charCodeAt(i);
  },
);
