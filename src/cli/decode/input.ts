/**
 * What `tskrb5 decode` accepts: a base64 token, a whole `WWW-Authenticate:` / `Authorization:`
 * header (or just its value), hex, or a file (of DER bytes, or of any of those texts), or `-`
 * for standard input.
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';

export interface DecodeInput {
  bytes: Uint8Array;
  /** How the input was read: 'file', 'hex', 'base64', 'header'. */
  form: string;
  /** The header name when the input was a header. */
  header?: string;
}

const HEADER = /^\s*(www-authenticate|proxy-authenticate|authorization|proxy-authorization)\s*:\s*/i;

/** Reads the argument (a file name, `-`, or text) into bytes. */
export function readInput(arg: string, stdin: () => Buffer = () => readFileSync(0)): DecodeInput {
  if (arg === '-') return fromData(stdin(), 'stdin');
  if (existsSync(arg)) return fromData(readFileSync(arg), 'file');
  return fromText(arg);
}

function fromData(data: Buffer, form: string): DecodeInput {
  // A file of text (base64, hex, a header) is read as that text; anything else as DER.
  const text = data.toString('latin1');
  if (data.length > 0 && /^[\x20-\x7e\s]+$/.test(text)) {
    try {
      const r = fromText(text);
      if (r.bytes.length > 0) return r;
    } catch {
      // not text after all: fall through to bytes
    }
  }
  return { bytes: new Uint8Array(data), form };
}

/** Text: a header line, a `Negotiate <token>` value, hex, or base64. */
export function fromText(input: string): DecodeInput {
  let text = input.trim();
  let header: string | undefined;
  const h = HEADER.exec(text);
  if (h) {
    header = h[1]!;
    text = text.slice(h[0].length);
  }
  const scheme = /^(negotiate|kerberos)\s+/i.exec(text);
  if (scheme) text = text.slice(scheme[0].length);
  else if (header !== undefined && /^negotiate\s*$/i.test(text)) throw new TypeError('the header carries no Negotiate token');
  text = text.split(/[\s,]/)[0] ?? '';
  const compact = text.replace(/[\s:]/g, '');
  if (compact.length > 0 && compact.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(compact) && !scheme && header === undefined) {
    return { bytes: Uint8Array.from(Buffer.from(compact, 'hex')), form: 'hex' };
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new TypeError('input is neither a file, hex, base64 nor a Negotiate header');
  return { bytes: new Uint8Array(Buffer.from(text, 'base64')), form: header ? 'header' : 'base64', ...(header ? { header } : {}) };
}
