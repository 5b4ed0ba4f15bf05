/**
 * The little of MS-RPCE NDR (NDR20, little-endian) that the MS-PAC needs: a bounded reader and a
 * writer for primitives, alignment, unique pointers (referent ids), conformant and
 * conformant-varying arrays, RPC_UNICODE_STRING, RPC_SID, and the type-serialization-1 headers
 * (MS-RPCE 2.2.6) that wrap every NDR buffer of a PAC.
 *
 * Every length and count read is checked against the bytes that remain before anything is
 * allocated for it; every fault is a {@link DecodeError} with the field path and byte offset.
 * @module
 */
import { DecodeError } from '../../errors.js';

/**
 * A FILETIME (MS-DTYP 2.3.3): 100-ns ticks since 1601-01-01 UTC, as decimal text — exact (a
 * `number` is not), and JSON-safe (a `bigint` is not). `'9223372036854775807'` (0x7fff…) is
 * "never", `'0'` "not set". {@link fileTimeToDate} gives the `Date`.
 */
export type FileTime = string;

const FILETIME_UNIX_EPOCH = 116444736000000000n;

/**
 * A {@link FileTime} as a `Date` (to the millisecond), or undefined for 0 and "never"
 * (0x7fffffffffffffff) and times a `Date` cannot hold.
 * @example
 * ```ts
 * fileTimeToDate(logonInfo.logonTime) // 2026-12-07T04:50:00.123Z
 * ```
 */
export function fileTimeToDate(t: FileTime): Date | undefined {
  if (!/^\d{1,20}$/.test(t)) return undefined;
  const v = BigInt(t);
  if (v === 0n || v >= 0x7fffffffffffffffn) return undefined;
  const ms = Number((v - FILETIME_UNIX_EPOCH) / 10_000n);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A `Date` (or seconds since 1970) as a {@link FileTime}.
 * @example
 * ```ts
 * dateToFileTime(new Date(0)) // '116444736000000000'
 * ```
 */
export function dateToFileTime(d: Date | number): FileTime {
  const ms = typeof d === 'number' ? d * 1000 : d.getTime();
  return (BigInt(Math.round(ms)) * 10_000n + FILETIME_UNIX_EPOCH).toString();
}

/** A bounded little-endian reader over one NDR stream. */
export class NdrReader {
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(message: string, path: string, offset = this.pos): never {
    throw new DecodeError(message, { path: `${this.what}.${path}`, offset });
  }

  need(n: number, path: string): void {
    if (n > this.remaining) this.fail(`needs ${n} bytes, ${this.remaining} remain`, path);
  }

  /** Skips to the next multiple of `n`; NDR padding must be within the data. */
  align(n: number, path: string): void {
    const pad = (n - (this.pos % n)) % n;
    this.need(pad, path);
    this.pos += pad;
  }

  u8(path: string): number {
    this.need(1, path);
    return this.bytes[this.pos++]!;
  }

  u16(path: string): number {
    this.align(2, path);
    this.need(2, path);
    const b = this.bytes;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(path: string): number {
    this.align(4, path);
    this.need(4, path);
    const b = this.bytes;
    const p = this.pos;
    const v = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.pos = p + 4;
    return v;
  }

  /** A FILETIME (two ULONGs, aligned to 4): 100-ns ticks, in decimal. */
  filetime(path: string): FileTime {
    const lo = this.u32(path);
    const hi = this.u32(path);
    // Exact as a number below 2^53; BigInt only above (0x7fff… "never", far times).
    return hi < 0x200000 ? String(hi * 0x100000000 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  raw(n: number, path: string): Uint8Array {
    this.need(n, path);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A count of elements of `size` bytes each, checked against what remains. */
  count(size: number, path: string): number {
    const at = this.pos;
    const n = this.u32(path);
    if (n * size > this.remaining) this.fail(`count ${n} exceeds the remaining ${this.remaining} bytes`, path, at);
    return n;
  }

  /** The referent ids read so far, in order (0 for null pointers). */
  readonly referents: number[] = [];

  /** A unique/ref pointer's referent id: 0 is null. */
  pointer(path: string): boolean {
    const id = this.u32(path);
    this.referents.push(id);
    return id !== 0;
  }

  /** The deferred body of an RPC_UNICODE_STRING whose header said `length`/`maximumLength` bytes. */
  unicodeBody(length: number, maximumLength: number, path: string): string {
    const at = this.pos;
    const max = this.u32(path);
    const offset = this.u32(path);
    const actual = this.u32(path);
    if (offset !== 0 || max * 2 !== maximumLength || actual * 2 !== length) {
      this.fail(`conformant-varying string (max ${max}, offset ${offset}, actual ${actual}) disagrees with its header (${length}/${maximumLength})`, path, at);
    }
    this.need(length, path);
    const s = utf16le(this.bytes.subarray(this.pos, this.pos + length), this, path);
    this.pos += length;
    return s;
  }

  /** An NDR RPC_SID (conformance first): the SID as text. */
  sid(path: string): string {
    const at = this.pos;
    const max = this.count(4, path);
    const revision = this.u8(path);
    const n = this.u8(path);
    if (n !== max) this.fail(`SubAuthorityCount ${n} differs from the conformance ${max}`, path, at);
    this.need(6, path);
    const sid = sidFromParts(revision, this.bytes.subarray(this.pos, this.pos + 6), readSubs(this, n, path), this, path);
    return sid;
  }
}

function readSubs(r: NdrReader, n: number, path: string): number[] {
  r.pos += 6;
  const subs: number[] = [];
  for (let i = 0; i < n; i++) subs.push(r.u32(path));
  return subs;
}

/** UTF-16LE to text; unpaired surrogates are kept as they are (as Windows names may hold them). */
export function utf16le(b: Uint8Array, r: { fail(m: string, p: string): never }, path: string): string {
  if (b.length % 2 !== 0) r.fail('odd UTF-16 length', path);
  let s = '';
  for (let i = 0; i < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
  return s;
}

/** Text to UTF-16LE code units. */
export function toUtf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

function sidFromParts(revision: number, auth: Uint8Array, subs: readonly number[], r: { fail(m: string, p: string): never }, path: string): string {
  if (revision !== 1) r.fail(`SID revision ${revision} is not 1`, path);
  let a = 0; // 48 bits: exact as a number
  for (let i = 0; i < 6; i++) a = a * 256 + auth[i]!;
  let out = a < 0x1_0000_0000 ? `S-1-${a}` : `S-1-0x${a.toString(16).toUpperCase().padStart(12, '0')}`;
  for (const x of subs) out += `-${x}`;
  return out;
}

/**
 * A SID in its binary form (MS-DTYP 2.4.2.2: Revision, SubAuthorityCount, IdentifierAuthority,
 * SubAuthority[]), as UPN_DNS_INFO and PAC_REQUESTOR carry it, to its text `S-1-5-21-…`.
 * @example
 * ```ts
 * sidToString(bytes) // 'S-1-5-21-3047649041-3961193616-3706469200-1104'
 * ```
 */
export function sidToString(bytes: Uint8Array): string {
  const r = new NdrReader(bytes, 'SID');
  const revision = r.u8('Revision');
  const n = r.u8('SubAuthorityCount');
  if (bytes.length !== 8 + 4 * n) r.fail(`${bytes.length} bytes for ${n} sub-authorities`, 'SubAuthority');
  return sidFromParts(revision, bytes.subarray(2, 8), readSubs(r, n, 'SubAuthority'), r, 'SID');
}

const SID_TEXT = /^S-1-(0x[0-9A-Fa-f]{1,12}|\d{1,15})((?:-\d{1,10}){0,15})$/;

/** Parses `S-1-5-21-…` into its authority and sub-authorities; a `TypeError` for any other text. */
function parseSidText(sid: string): { authority: number; subs: number[] } {
  const m = typeof sid === 'string' ? SID_TEXT.exec(sid) : null;
  if (!m) throw new TypeError(`not a SID: ${JSON.stringify(sid)}`);
  const authority = Number(m[1]!);
  if (!(authority < 2 ** 48)) throw new TypeError(`SID authority out of range: ${sid}`);
  const subs = m[2] ? m[2].slice(1).split('-').map(Number) : [];
  if (subs.some((x) => x > 0xffffffff)) throw new TypeError(`SID sub-authority out of range: ${sid}`);
  return { authority, subs };
}

/**
 * A SID's text `S-1-5-21-…` to its binary form (MS-DTYP 2.4.2.2). A `TypeError` when the text
 * is not a SID.
 * @example
 * ```ts
 * sidFromString('S-1-5-32-544') // 01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00
 * ```
 */
export function sidFromString(sid: string): Uint8Array {
  const { authority, subs } = parseSidText(sid);
  const out = new Uint8Array(8 + 4 * subs.length);
  out[0] = 1;
  out[1] = subs.length;
  for (let i = 0, a = authority; i < 6; i++, a = Math.floor(a / 256)) out[7 - i] = a % 256;
  const v = new DataView(out.buffer);
  for (const [i, x] of subs.entries()) v.setUint32(8 + 4 * i, x, true);
  return out;
}

/** The length of a SID's binary form (8 bytes and 4 a sub-authority), from its text. */
export function sidLength(sid: string): number {
  let dashes = 0;
  for (let i = 0; i < sid.length; i++) if (sid.charCodeAt(i) === 0x2d) dashes++;
  return 8 + 4 * (dashes - 2);
}

/** A growable little-endian NDR writer; referent ids as Windows and Samba number them. */
export class NdrWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  pos = 0;
  private nextReferent = 0x20000;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  align(n: number): void {
    const pad = (n - (this.pos % n)) % n;
    this.ensure(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.align(2);
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.align(4);
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  filetime(t: FileTime): void {
    if (typeof t !== 'string' || !/^\d{1,20}$/.test(t) || BigInt(t) >= 1n << 64n) throw new RangeError(`not a FILETIME (decimal 100-ns ticks): ${String(t)}`);
    const v = BigInt(t);
    this.u32(Number(v & 0xffffffffn));
    this.u32(Number(v >> 32n));
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A pointer: a fresh referent id when `present`, else null. */
  pointer(present: boolean): void {
    this.u32(present ? this.reserve() : 0);
  }

  /** Takes the next referent id without writing it (for a pointer written later). */
  reserve(): number {
    const id = this.nextReferent;
    this.nextReferent += 4;
    return id;
  }

  /** The deferred conformant-varying body of an RPC_UNICODE_STRING. */
  unicodeBody(units: Uint8Array, maximumLength: number): void {
    this.u32(maximumLength / 2);
    this.u32(0);
    this.u32(units.length / 2);
    this.raw(units);
  }

  /** An NDR RPC_SID (conformance first). */
  sid(sid: string): void {
    const b = sidFromString(sid);
    this.u32(b[1]!);
    this.u8(b[0]!);
    this.u8(b[1]!);
    this.raw(b.subarray(2, 8));
    for (let i = 8; i < b.length; i += 4) this.u32(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! * 0x1000000));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/**
 * Opens a type-serialization-1 stream (MS-RPCE 2.2.6): the common header (version 1,
 * little-endian, length 8, filler 0xcccccccc) and the private header (object buffer length,
 * filler 0). Returns a reader over the object buffer.
 */
export function openSerialized(bytes: Uint8Array, what: string): NdrReader {
  const fail = (m: string, path: string, offset: number): never => {
    throw new DecodeError(m, { path: `${what}.${path}`, offset });
  };
  if (bytes.length < 16) fail(`${bytes.length} bytes: too short for the serialization headers`, 'CommonHeader', 0);
  const u32 = (at: number): number => (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const version = bytes[0]!;
  const endian = bytes[1]!;
  const length = bytes[2]! | (bytes[3]! << 8);
  if (version !== 1 || endian !== 0x10 || length !== 8)
    fail(`unsupported serialization header (version ${version}, endianness 0x${endian.toString(16)}, length ${length})`, 'CommonHeader', 0);
  if (u32(4) !== 0xcccccccc) fail(`common header filler 0x${u32(4).toString(16)}`, 'CommonHeader.Filler', 4);
  const objectLength = u32(8);
  if (u32(12) !== 0) fail(`private header filler 0x${u32(12).toString(16)}`, 'PrivateHeader.Filler', 12);
  const rest = bytes.length - 16;
  if (objectLength > rest || objectLength % 8 !== 0) fail(`object buffer length ${objectLength} (${rest} bytes follow)`, 'PrivateHeader.ObjectBufferLength', 8);
  if (objectLength !== rest) fail(`${rest - objectLength} bytes after the object buffer`, 'PrivateHeader.ObjectBufferLength', 8);
  return new NdrReader(bytes.subarray(16, 16 + objectLength), what);
}

/** Checks that a serialized object was read to its end, padding (zeros, to 8) aside. */
export function closeSerialized(r: NdrReader): void {
  const end = r.pos;
  if (r.remaining >= 8) r.fail(`${r.remaining} bytes left over`, 'end');
  for (let i = end; i < r.bytes.length; i++) if (r.bytes[i] !== 0) r.fail('non-zero padding', 'end', i);
}

/** Wraps an NDR object body in the type-serialization-1 headers, padding it to 8. */
export function serialize(w: NdrWriter): Uint8Array {
  w.align(8);
  const body = w.finish();
  const out = new Uint8Array(16 + body.length);
  const v = new DataView(out.buffer);
  out[0] = 1;
  out[1] = 0x10;
  v.setUint16(2, 8, true);
  v.setUint32(4, 0xcccccccc, true);
  v.setUint32(8, body.length, true);
  out.set(body, 16);
  return out;
}
