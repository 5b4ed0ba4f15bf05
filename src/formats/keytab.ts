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
import type { Principal } from '../messages/index.js';
import { utf8 } from '../util/bytes.js';
import { secretKey } from '../util/secret.js';

/** One key of a keytab. */
export interface KeytabEntry {
  /**
   * The principal, the one `Principal` record of `messages` (name type, components, realm):
   * version 2 stores the name type; a version 1 (0x0501) file stores none, and it reads here as 1
   * (KRB5_NT_PRINCIPAL).
   */
  principal: Principal;
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

declare const TextDecoder: {
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): { decode(b: Uint8Array): string };
};
/** Strict: fatal on malformed UTF-8. Lenient: U+FFFD for it. Both keep a leading U+FEFF (names round-trip, as MIT prints them). */
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** A keytab read as MIT's FILE keytab reads it ({@link decodeKeytab} with `lenient`). */
export interface KeytabScan extends Keytab {
  /** The entries MIT's iteration yields, in file order. */
  entries: KeytabEntry[];
  /**
   * How MIT's iteration ends: `'end'` (KRB5_KT_END: the end of the file, or one of the faults it
   * stops at quietly) or `'format'` (KRB5_KT_FORMAT, "Bad format in keytab": a size of -2^31).
   */
  end: 'end' | 'format';
  /**
   * Whether an entry has a key cut short by the end of the file: MIT keeps the bytes it read in a
   * buffer of the full length, the rest uninitialised; the entry's key holds the bytes read.
   */
  partial: boolean;
}

/** Thrown inside the lenient reading where MIT's iteration ends quietly (KRB5_KT_END). */
const END = Symbol('KRB5_KT_END');

/**
 * The one reader of keytab entries (kt_file.c, krb5_ktfileint_internal_read_entry). Strict, a
 * fault is a DecodeError; lenient, it ends the iteration where MIT's does ({@link END}): MIT reads
 * a record from the file as a stream, so its fields may run past the record's size (`limit` is
 * then the file's end) and the next record is at the record's start plus its size regardless.
 */
class Reader {
  pos = 2;
  /** Fields are read up to here: the record's end (strict), the file's (lenient). */
  limit: number;
  /** The last entry read has a key cut short by the end of the file (lenient). */
  cut = false;
  constructor(
    readonly b: Uint8Array,
    readonly little: boolean,
    readonly lenient: boolean,
  ) {
    this.limit = b.length;
  }
  need(n: number, what: string): void {
    if (n < 0 || n > this.limit - this.pos) {
      if (this.lenient) throw END;
      throw new DecodeError(`keytab: ${what} runs past the end of the data`, { path: 'keytab', offset: this.pos });
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const b = this.b,
      p = this.pos;
    this.pos = p + 2;
    return this.little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.b,
      p = this.pos;
    this.pos = p + 4;
    return this.little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  /**
   * A 16-bit length. MIT reads it as a signed 16-bit integer and ends its iteration at zero or
   * less (lenient); strict reads it unsigned, zero allowed (what `encodeKeytab` writes).
   */
  length16(what: string): number {
    const n = this.u16(what);
    if (!this.lenient) return n;
    if (n === 0 || n >= 0x8000) throw END;
    return n;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  text(what: string): string {
    const n = this.length16(`${what} length`);
    const at = this.pos;
    this.need(n, what);
    const raw = this.b.subarray(at, at + n);
    this.pos = at + n;
    if (this.lenient) return utf8Lenient.decode(raw);
    try {
      return utf8Strict.decode(raw);
    } catch {
      throw new DecodeError(`keytab: ${what} is not valid UTF-8`, { path: 'keytab', offset: at });
    }
  }
  /** One entry's record, which starts at `pos` and ends at `end` (its start plus its size). */
  entry(version: 1 | 2, end: number): KeytabEntry {
    this.cut = false;
    let count = this.u16('component count');
    if (this.lenient) {
      // a signed 16-bit count, one less in version 1 (the realm is counted), as MIT's krb5_int16
      count = ((((count << 16) >> 16) - (version === 1 ? 1 : 0)) << 16) >> 16;
      if (count <= 0) throw END;
    } else {
      if (version === 1) count -= 1; // v1 counts the realm as a component
      if (count < 0) throw new DecodeError('keytab: component count is zero', { path: 'keytab.entry', offset: this.pos });
    }
    const realm = this.text('realm');
    const components: string[] = [];
    for (let i = 0; i < count; i++) components.push(this.text('component'));
    const nameType = version === 1 ? 1 : this.u32('name type') | 0;
    const timestamp = new Date(this.u32('timestamp') * 1000);
    const vno8 = this.u8('kvno');
    const etype = this.u16('key type');
    const keyLength = this.length16('key length');
    let value: Uint8Array;
    if (this.lenient && keyLength > this.limit - this.pos) {
      // cut short by the end of the file: MIT keeps what it read (none read ends the iteration)
      this.need(1, 'key');
      value = this.bytes(this.limit - this.pos, 'key');
      this.cut = true;
    } else value = this.bytes(keyLength, 'key');
    let kvno = vno8;
    let kvno32 = false;
    // MIT: a 32-bit kvno when four or more bytes of the record remain
    if (end - this.pos >= 4) {
      const v = this.u32('32-bit kvno');
      kvno32 = true;
      if (v !== 0) kvno = v; // a zero 32-bit kvno means "use the 8-bit one"
    }
    const entry: KeytabEntry = { principal: { realm, components, nameType }, timestamp, kvno, key: secretKey((etype << 16) >> 16, value), kvno32 };
    // Heimdal's flags word and anything else after it; MIT ignores them
    if (end > this.pos && end <= this.limit) entry.extra = this.bytes(end - this.pos, 'trailing record bytes');
    return entry;
  }
}

/**
 * Decodes a keytab file's bytes. Deleted entries (negative sizes, "holes") are skipped; a zero
 * size ends the keytab (unused space at the end), as MIT reads it. Any other fault is a
 * DecodeError with its offset.
 *
 * With `lenient`, the bytes are read as MIT's FILE keytab reads them (kt_file.c), for listings
 * that must say what MIT's tools say (`tskrb5 klist -k`): the entries before a fault are kept,
 * and most faults end the iteration quietly (`end: 'end'`) — a size or field that runs past the
 * end of the file, a count or length of zero or less (they are signed 16-bit integers); a size
 * of -2^31 ends it as a bad format (`end: 'format'`); fields may run past their record's size
 * (the next entry is at the record's start plus its size, whatever they took), and a key cut
 * short by the end of the file is kept as far as it goes (`partial`). Only a version header
 * other than 0x0501/0x0502 is a DecodeError then (MIT: "Unsupported key table format version
 * number", before any entry); names that are not UTF-8 are decoded with U+FFFD.
 * @example
 * ```ts
 * const kt = decodeKeytab(readFileSync('/etc/krb5.keytab'))
 * for (const e of kt.entries) console.log(e.kvno, unparsePrincipal(e.principal), e.key.etype)
 * const mit = decodeKeytab(damaged, { lenient: true })   // { entries, end: 'end' | 'format', partial }
 * ```
 */
export function decodeKeytab(bytes: Uint8Array, options?: { lenient?: false }): Keytab;
export function decodeKeytab(bytes: Uint8Array, options: { lenient: true }): KeytabScan;
export function decodeKeytab(bytes: Uint8Array, options: { lenient?: boolean } = {}): Keytab | KeytabScan {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('keytab bytes must be a Uint8Array');
  if (bytes.length < 2 || bytes[0] !== 0x05 || (bytes[1] !== 0x01 && bytes[1] !== 0x02)) {
    throw new DecodeError('not a keytab: it must start with 0x0501 or 0x0502', { path: 'keytab', offset: 0 });
  }
  const lenient = options.lenient === true;
  const version = bytes[1] === 0x01 ? 1 : 2;
  const n = bytes.length;
  const r = new Reader(bytes, version === 1, lenient);
  const entries: KeytabEntry[] = [];
  let partial = false;
  const done = (end: 'end' | 'format'): Keytab | KeytabScan => (lenient ? { version, entries, end, partial } : { version, entries });
  while (r.pos < n) {
    const sizeAt = r.pos;
    r.limit = n;
    let size: number;
    try {
      size = r.u32('entry size') | 0;
    } catch (e) {
      if (e === END) break;
      throw e;
    }
    if (size === 0) break; // unused space at the end
    if (lenient) {
      if (size === -0x80000000) return done('format');
      if (size < 0) {
        r.pos += -size; // a deleted entry (past the end: the iteration ends there)
        continue;
      }
    } else {
      const length = Math.abs(size);
      r.need(length, 'entry');
      if (size < 0) {
        r.pos += length; // a deleted entry
        continue;
      }
    }
    const end = r.pos + size;
    if (!lenient) r.limit = end;
    try {
      entries.push(r.entry(version, end));
    } catch (e) {
      if (e === END) break;
      if (e instanceof DecodeError) throw new DecodeError(`keytab entry at offset ${sizeAt}: ${e.message}`, { path: 'keytab.entry', offset: r.pos, cause: e });
      throw e;
    }
    if (r.cut) partial = true;
    r.pos = end;
  }
  return done('end');
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
