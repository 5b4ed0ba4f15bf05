/**
 * The keytab file format of MIT krb5 (and Heimdal): a version word, then entries, each a
 * 32-bit size and a record — principal (realm, components, name type), timestamp, an 8-bit
 * kvno, the key (enctype, bytes) and, in what MIT writes, a trailing 32-bit kvno that wins over
 * the 8-bit one. Version 0x0502 is big-endian; 0x0501 (very old) is in the writer's host order,
 * taken here as little-endian, and counts the realm among its components with no name type.
 *
 * Bytes in, objects out, no I/O. Decoding is bounded: every length is checked against what is
 * left before anything is read or allocated, and any fault is a `DecodeError` with the offset.
 * @module
 */

import { DecodeError } from '../errors.js';
import { fromUtf8, utf8 } from '../util/bytes.js';
import { secretKey } from '../util/secret.js';

/** One key of a keytab. */
export interface KeytabEntry {
  /** The principal: realm, name components, and name type (KRB5_NT_PRINCIPAL = 1 by default). */
  principal: { realm: string; components: string[]; nameType: number };
  /** When the entry was written (whole seconds). */
  timestamp: Date;
  /** The key version number: the 32-bit one when present, else the 8-bit one. */
  kvno: number;
  /** The key, as `tskrb5/crypto` takes it. */
  key: { etype: number; value: Uint8Array };
  /** Whether the record carries the 32-bit kvno (MIT always writes it); kept for exact output. */
  kvno32?: boolean;
  /**
   * Bytes of the record after the 32-bit kvno, kept for exact output: Heimdal writes a 32-bit
   * flags word there; MIT writes nothing and ignores what it finds.
   */
  extra?: Uint8Array;
}

export interface Keytab {
  version: 1 | 2;
  entries: KeytabEntry[];
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly little: boolean) {}
  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.b.length) throw new DecodeError(`keytab: ${what} runs past the end of the data`, { path: 'keytab', offset: this.pos });
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const [x, y] = [this.b[this.pos]!, this.b[this.pos + 1]!];
    this.pos += 2;
    return this.little ? x | (y << 8) : (x << 8) | y;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.b, p = this.pos;
    this.pos += 4;
    return this.little
      ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
      : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  text(what: string): string {
    const n = this.u16(`${what} length`);
    const at = this.pos;
    const raw = this.bytes(n, what);
    try {
      return fromUtf8(raw);
    } catch {
      throw new DecodeError(`keytab: ${what} is not valid UTF-8`, { path: 'keytab', offset: at });
    }
  }
}

/**
 * Decodes a keytab file's bytes. Deleted entries (negative sizes, "holes") are skipped.
 * @example
 * ```ts
 * const kt = decodeKeytab(readFileSync('/etc/krb5.keytab'))
 * for (const e of kt.entries) console.log(e.kvno, unparsePrincipal(e.principal), e.key.etype)
 * ```
 */
export function decodeKeytab(bytes: Uint8Array): Keytab {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('keytab bytes must be a Uint8Array');
  if (bytes.length < 2 || bytes[0] !== 0x05 || (bytes[1] !== 0x01 && bytes[1] !== 0x02)) {
    throw new DecodeError('not a keytab: it must start with 0x0501 or 0x0502', { path: 'keytab', offset: 0 });
  }
  const version = bytes[1] === 0x01 ? 1 : 2;
  const r = new Reader(bytes, version === 1);
  r.pos = 2;
  const entries: KeytabEntry[] = [];
  while (r.pos < bytes.length) {
    const sizeAt = r.pos;
    const size = r.u32('entry size') | 0;
    if (size === 0) break; // MIT stops at a zero size (unused space at the end)
    const length = Math.abs(size);
    r.need(length, 'entry');
    if (size < 0) {
      r.pos += length; // a deleted entry
      continue;
    }
    const end = r.pos + length;
    const sub = new Reader(bytes.subarray(0, end), r.little);
    sub.pos = r.pos;
    try {
      entries.push(readEntry(sub, version, end));
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(`keytab entry at offset ${sizeAt}: ${e.message}`, { path: 'keytab.entry', offset: sub.pos, cause: e });
      throw e;
    }
    r.pos = end;
  }
  return { version, entries };
}

function readEntry(r: Reader, version: 1 | 2, end: number): KeytabEntry {
  let count = r.u16('component count');
  if (version === 1) count -= 1; // v1 counts the realm as a component
  if (count < 0) throw new DecodeError('keytab: component count is zero', { path: 'keytab.entry', offset: r.pos });
  const realm = r.text('realm');
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(r.text('component'));
  const nameType = version === 1 ? 1 : r.u32('name type') | 0;
  const timestamp = new Date(r.u32('timestamp') * 1000);
  const vno8 = r.u8('kvno');
  const etype = r.u16('key type');
  const keyLength = r.u16('key length');
  const value = r.bytes(keyLength, 'key');
  let kvno = vno8;
  let kvno32 = false;
  if (end - r.pos >= 4) {
    const v = r.u32('32-bit kvno');
    kvno32 = true;
    if (v !== 0) kvno = v; // MIT: a zero 32-bit kvno means "use the 8-bit one"
  }
  const entry: KeytabEntry = { principal: { realm, components, nameType }, timestamp, kvno, key: secretKey((etype << 16) >> 16, value), kvno32 };
  if (end > r.pos) entry.extra = r.bytes(end - r.pos, 'trailing record bytes');
  return entry;
}

/**
 * Encodes a keytab (version 2, big-endian, with the 32-bit kvno trailer as MIT writes it).
 * @example
 * ```ts
 * const bytes = encodeKeytab({ version: 2, entries: [{ principal: { realm: 'EXAMPLE.COM', components: ['HTTP', 'www.example.com'], nameType: 1 }, timestamp: new Date(), kvno: 2, key }] })
 * ```
 */
export function encodeKeytab(keytab: Keytab): Uint8Array {
  if (keytab.version !== 2) throw new RangeError('only keytab version 2 is written');
  const parts: number[] = [0x05, 0x02];
  const u16 = (out: number[], n: number) => out.push((n >>> 8) & 0xff, n & 0xff);
  const u32 = (out: number[], n: number) => out.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const text = (out: number[], s: string) => {
    const b = utf8(s);
    if (b.length > 0xffff) throw new RangeError('keytab string longer than 65535 bytes');
    u16(out, b.length);
    for (const x of b) out.push(x);
  };
  for (const e of keytab.entries) {
    const rec: number[] = [];
    if (e.principal.components.length > 0xffff) throw new RangeError('too many name components');
    u16(rec, e.principal.components.length);
    text(rec, e.principal.realm);
    for (const c of e.principal.components) text(rec, c);
    u32(rec, e.principal.nameType >>> 0);
    u32(rec, Math.floor(e.timestamp.getTime() / 1000) >>> 0);
    if (!Number.isInteger(e.kvno) || e.kvno < 0 || e.kvno > 0xffffffff) throw new RangeError(`bad kvno ${e.kvno}`);
    rec.push(e.kvno & 0xff);
    u16(rec, e.key.etype & 0xffff);
    if (e.key.value.length > 0xffff) throw new RangeError('key longer than 65535 bytes');
    u16(rec, e.key.value.length);
    for (const x of e.key.value) rec.push(x);
    if (e.kvno32 !== false) u32(rec, e.kvno);
    if (e.extra) for (const x of e.extra) rec.push(x);
    u32(parts, rec.length);
    for (const x of rec) parts.push(x);
  }
  return Uint8Array.from(parts);
}
