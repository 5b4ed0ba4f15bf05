/**
 * The one reader of the credential cache FILE format (see ccache.ts for the format). It walks a
 * file record by record, checks every length against what is left before it moves (a count
 * is not checked ahead: its items are read one by one, as MIT reads them, each taking at least
 * four bytes), and notes where each field lies without building anything: a {@link CcacheRecordView} is
 * numbers and offsets, reused from record to record. `decodeCcache` and `ccacheRecords` build
 * objects from the views; a listing of a large cache (`tskrb5 klist`) can read them directly.
 *
 * Faults are `DecodeError`s with the offset and a path such as `ccache.credentials[2].ticket`.
 * A field that runs past the end of the file, or a length that does but not past the file's
 * size, is a short read, code {@link CCACHE_TRUNCATED}: MIT's FILE cache ends its iteration
 * there as at the end of the cache; a length beyond the file's size is a malformed cache (MIT's
 * load_data: `count > maxsize`).
 * @module
 */

import { DecodeError } from '../errors.js';

declare const TextDecoder: {
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): { decode(b: Uint8Array): string };
};
/** Fatal on malformed input, and keeps a leading U+FEFF so that strings round-trip exactly. */
const utf8Exact = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The code of a DecodeError for a cache that ends early (a short read, in MIT's terms). */
export const CCACHE_TRUNCATED = 'ERR_TRUNCATED';

/** The realm of MIT's (and Heimdal's) cache configuration principals. */
export const CONFIG_REALM = 'X-CACHECONF:';
/** The first name component of a cache configuration principal. */
export const CONFIG_NAME = 'krb5_ccache_conf_data';

/**
 * Whether the principal at `span` of `bytes` names a cache configuration entry
 * (`krb5_ccache_conf_data/<key>[/<principal>]@X-CACHECONF:`), compared in the bytes: what
 * `isConfigPrincipal` says of the decoded principal.
 */
export function isConfigSpan(bytes: Uint8Array, span: PrincipalSpan): boolean {
  const s = span.spans;
  if ((span.count !== 2 && span.count !== 3) || s[1] !== CONFIG_REALM.length || s[3] !== CONFIG_NAME.length) return false;
  for (let i = 0, at = s[0]!; i < CONFIG_REALM.length; i++) if (bytes[at + i] !== CONFIG_REALM.charCodeAt(i)) return false;
  for (let i = 0, at = s[2]!; i < CONFIG_NAME.length; i++) if (bytes[at + i] !== CONFIG_NAME.charCodeAt(i)) return false;
  return true;
}

/** A principal located in a cache file: its name type and where its realm and components are. */
export class PrincipalSpan {
  nameType = 0;
  /** The number of name components (the realm not counted). */
  count = 0;
  /** Offset and length of the realm, then of each component: `[realmAt, realmLen, c0At, c0Len, …]`. */
  spans: Int32Array = new Int32Array(8);
}

/** One record of a cache file, located but not decoded. Times are 32-bit unsigned seconds. */
export class CcacheRecordView {
  /** The record's place in the file (config entries counted), from 0, and its first byte. */
  index = -1;
  at = 0;
  readonly client = new PrincipalSpan();
  readonly server = new PrincipalSpan();
  /** The session key's enctype (sign-extended from 16 bits); version 3's second copy. */
  keyEtype = 0;
  keytypeV3 = 0;
  keyAt = 0;
  keyLen = 0;
  authtime = 0;
  starttime = 0;
  endtime = 0;
  renewTill = 0;
  /** The byte as stored: MIT reads any non-zero byte as true. */
  isSkey = 0;
  flags = 0;
  /** Where each list's first element starts, and how many there are. */
  addressesAt = 0;
  addressCount = 0;
  authdataAt = 0;
  authdataCount = 0;
  ticketAt = 0;
  ticketLen = 0;
  secondAt = 0;
  secondLen = 0;
}

/** Field labels of a principal in error paths. */
interface PrincipalPath {
  readonly self: string;
  readonly realm: string;
  readonly components: string;
}
const pp = (self: string): PrincipalPath => ({ self, realm: `${self}.realm`, components: `${self}.components` });
const DEFAULT_PRINCIPAL = pp('');
const CLIENT = pp('.client');
const SERVER = pp('.server');

/**
 * A cursor over a cache file's bytes. The constructor reads the header and the default
 * principal's location; {@link next} reads one record into a view.
 */
export class CcacheScanner {
  readonly version: 1 | 2 | 3 | 4;
  /** Integers are little-endian in versions 1 and 2 (written in x86 host order), big-endian after. */
  readonly little: boolean;
  /** Where the version 4 header's fields are (`[tag, at, length]` triples), empty otherwise. */
  readonly headerFields: number[] = [];
  readonly defaultPrincipal = new PrincipalSpan();
  /** The offset of the first record. */
  readonly start: number;
  pos: number;
  /**
   * Where the scanner is, for an error's path: `base`, the record index when ≥ 0, `field`, and
   * an element index when ≥ 0. Plain fields, so that the happy path builds no strings.
   */
  base = 'ccache';
  record = -1;
  field = '';
  index = -1;

  /** Every record read field by field (the quick reading of common records off): tests compare the two. */
  private readonly fieldByField: boolean;

  /**
   * A scanner over a cache file; with `marshalled`, over bare records of that version with no
   * file header and no default principal (what MIT's `k5_marshal_cred` / `k5_marshal_princ`
   * give, as the KCM protocol carries them): {@link next} reads a credential,
   * {@link principal} a principal, from {@link pos}; `base` names them in errors.
   */
  constructor(
    readonly bytes: Uint8Array,
    options: { fieldByField?: boolean; marshalled?: 1 | 2 | 3 | 4; base?: string } = {},
  ) {
    this.fieldByField = options.fieldByField === true;
    if (options.marshalled !== undefined) {
      const v = options.marshalled;
      if (v !== 1 && v !== 2 && v !== 3 && v !== 4) throw new RangeError(`no ccache version ${String(v)}`);
      this.version = v;
      this.little = v < 3;
      this.pos = this.start = 0;
      this.base = options.base ?? 'ccache';
      return;
    }
    if (bytes.length < 2 || bytes[0] !== 0x05 || bytes[1]! < 1 || bytes[1]! > 4) {
      throw new DecodeError('not a credential cache: it must start with 0x0501…0x0504', { path: 'ccache', offset: 0 });
    }
    this.version = bytes[1] as 1 | 2 | 3 | 4;
    this.little = this.version < 3;
    this.pos = 2;
    if (this.version === 4) this.scanHeader();
    this.base = 'ccache.defaultPrincipal';
    this.principal(this.defaultPrincipal, DEFAULT_PRINCIPAL);
    this.field = '';
    this.base = 'ccache.credentials';
    this.start = this.pos;
  }

  /** Reads the next record into `view`; false at the end of the file. */
  next(view: CcacheRecordView): boolean {
    if (this.pos >= this.bytes.length) return false;
    if (this.version === 4 && !this.fieldByField && this.quick(view)) return true;
    this.record = view.index = view.index + 1;
    view.at = this.pos;
    this.principal(view.client, CLIENT);
    this.principal(view.server, SERVER);
    this.field = '.key';
    view.keyEtype = (this.u16('enctype') << 16) >> 16;
    view.keytypeV3 = this.version === 3 ? (this.u16('second enctype') << 16) >> 16 : view.keyEtype;
    view.keyLen = this.data('key');
    view.keyAt = this.pos - view.keyLen;
    if (this.bytes.length - this.pos >= 21) {
      // The fixed part (four times, is_skey, flags) in one step when it is all there.
      const p = this.pos;
      view.authtime = this.at32(p);
      view.starttime = this.at32(p + 4);
      view.endtime = this.at32(p + 8);
      view.renewTill = this.at32(p + 12);
      view.isSkey = this.bytes[p + 16]!;
      view.flags = this.at32(p + 17);
      this.pos = p + 21;
    } else {
      this.field = '.authtime';
      view.authtime = this.u32('authtime');
      this.field = '.starttime';
      view.starttime = this.u32('starttime');
      this.field = '.endtime';
      view.endtime = this.u32('endtime');
      this.field = '.renewTill';
      view.renewTill = this.u32('renew_till');
      this.field = '.isSkey';
      view.isSkey = this.u8('is_skey');
      this.field = '.flags';
      view.flags = this.u32('ticket flags');
    }
    view.addressCount = this.typedList('.addresses');
    view.addressesAt = this.listAt;
    view.authdataCount = this.typedList('.authdata');
    view.authdataAt = this.listAt;
    this.field = '.ticket';
    view.ticketLen = this.data('ticket');
    view.ticketAt = this.pos - view.ticketLen;
    this.field = '.secondTicket';
    view.secondLen = this.data('second ticket');
    view.secondAt = this.pos - view.secondLen;
    this.field = '';
    return true;
  }

  /**
   * The common record — version 4, every field whole, no address or authdata, principals of at
   * most three components — read with local variables only (a listing of a large cache runs this
   * loop before the JIT has warmed up). Anything else returns false with the scanner where it was,
   * and {@link next} reads the record field by field, with its errors.
   */
  private quick(view: CcacheRecordView): boolean {
    const b = this.bytes;
    const end = b.length;
    let p = this.pos;
    p = quickPrincipal(b, p, end, view.client);
    if (p < 0) return false;
    p = quickPrincipal(b, p, end, view.server);
    // key: enctype (2), length (4), value; then four times, is_skey, flags (21), two counts (8)
    if (p < 0 || end - p < 6) return false;
    const keyLen = ((b[p + 2]! << 24) | (b[p + 3]! << 16) | (b[p + 4]! << 8) | b[p + 5]!) >>> 0;
    const k = p + 6;
    if (keyLen > end - k - 29) return false;
    p = k + keyLen;
    if (b[p + 21] !== 0 || b[p + 22] !== 0 || b[p + 23] !== 0 || b[p + 24] !== 0 || b[p + 25] !== 0 || b[p + 26] !== 0 || b[p + 27] !== 0 || b[p + 28] !== 0) return false;
    const t = p + 29;
    if (end - t < 4) return false;
    const ticketLen = ((b[t]! << 24) | (b[t + 1]! << 16) | (b[t + 2]! << 8) | b[t + 3]!) >>> 0;
    if (ticketLen > end - t - 8) return false;
    const s = t + 4 + ticketLen;
    const secondLen = ((b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!) >>> 0;
    if (secondLen > end - s - 4) return false;
    this.record = view.index = view.index + 1;
    view.at = this.pos;
    view.keyEtype = view.keytypeV3 = (((b[k - 6]! << 8) | b[k - 5]!) << 16) >> 16;
    view.keyAt = k;
    view.keyLen = keyLen;
    view.authtime = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    view.starttime = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
    view.endtime = ((b[p + 8]! << 24) | (b[p + 9]! << 16) | (b[p + 10]! << 8) | b[p + 11]!) >>> 0;
    view.renewTill = ((b[p + 12]! << 24) | (b[p + 13]! << 16) | (b[p + 14]! << 8) | b[p + 15]!) >>> 0;
    view.isSkey = b[p + 16]!;
    view.flags = ((b[p + 17]! << 24) | (b[p + 18]! << 16) | (b[p + 19]! << 8) | b[p + 20]!) >>> 0;
    view.addressCount = view.authdataCount = 0;
    view.addressesAt = p + 25;
    view.authdataAt = p + 29;
    view.ticketAt = t + 4;
    view.ticketLen = ticketLen;
    view.secondAt = s + 4;
    view.secondLen = secondLen;
    this.pos = s + 4 + secondLen;
    return true;
  }

  // ------------------------------------------------------------------------------ fields

  path(): string {
    const base = this.record >= 0 ? `${this.base}[${this.record}]` : this.base;
    return `${base}${this.field}${this.index >= 0 ? `[${this.index}]` : ''}`;
  }
  fail(message: string, at = this.pos, code?: string): never {
    throw new DecodeError(`ccache: ${message}`, { path: this.path(), offset: at, ...(code === undefined ? {} : { code }) });
  }
  get left(): number {
    return this.bytes.length - this.pos;
  }
  /** `n` bytes wanted where fewer are left: a short read unless `n` exceeds the whole file. */
  private tooLong(n: number, message: string, at: number): never {
    return this.fail(message, at, n <= this.bytes.length ? CCACHE_TRUNCATED : undefined);
  }
  need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) this.fail(`${what} runs past the end of the data (${n} bytes needed, ${this.left} left)`, this.pos, CCACHE_TRUNCATED);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const b = this.bytes,
      p = this.pos;
    this.pos = p + 2;
    return this.little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }
  /** The 32-bit integer at `p` (bounds checked by the caller). */
  at32(p: number): number {
    const b = this.bytes;
    return this.little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes,
      p = this.pos;
    this.pos = p + 4;
    return this.little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  /** data ::= length (32 bits) value: skips it and returns its length (it ends at `pos`). */
  data(what: string): number {
    const at = this.pos;
    const n = this.u32(`${what} length`);
    if (n > this.bytes.length - this.pos) this.tooLong(n, `${what} length ${n} exceeds the ${this.left} bytes left`, at);
    this.pos += n;
    return n;
  }
  /**
   * A principal: name type (from version 2), component count, realm, components. As MIT's
   * load_principal, the count is not checked against what is left: the components are read
   * one by one, so a count too large for the file is a short read where the bytes run out, or a
   * malformed cache where a length read on the way exceeds the file. Each component takes at
   * least four bytes, so the loop and the span table are bounded by the input, not the count.
   */
  principal(span: PrincipalSpan, path: PrincipalPath = DEFAULT_PRINCIPAL): void {
    this.field = path.self;
    span.nameType = this.version === 1 ? 0 : this.u32('name type') | 0;
    const countAt = this.pos;
    let n = this.u32('component count');
    if (this.version === 1) {
      if (n === 0) this.fail('component count is zero (version 1 counts the realm)', countAt);
      n -= 1;
    }
    let s = span.spans;
    this.field = path.realm;
    s[1] = this.data('realm');
    s[0] = this.pos - s[1];
    this.field = path.components;
    for (let i = 1; i <= n; i++) {
      this.index = i - 1;
      const len = this.data('component');
      if (s.length < 2 * (i + 1)) {
        const grown = new Int32Array(2 * s.length);
        grown.set(s);
        s = span.spans = grown;
      }
      s[2 * i] = this.pos - len;
      s[2 * i + 1] = len;
    }
    span.count = n;
    this.index = -1;
  }

  /** Where the last {@link typedList}'s first element starts. */
  private listAt = 0;
  /**
   * A counted list of (16-bit type, data), skipped; returns the count. As MIT's load_cred, the
   * items are read one by one (each takes at least six bytes: bounded by the input).
   */
  private typedList(field: string): number {
    this.field = field;
    const n = this.u32('count');
    this.listAt = this.pos;
    for (let i = 0; i < n; i++) {
      this.index = i;
      this.u16('type');
      this.data('data');
    }
    this.index = -1;
    return n;
  }

  private scanHeader(): void {
    this.base = 'ccache.header';
    const lenAt = this.pos;
    const length = this.u16('header length');
    if (length > this.left) this.fail(`header length ${length} exceeds the ${this.left} bytes left`, lenAt);
    const end = this.pos + length;
    while (this.pos < end) {
      const at = this.pos;
      if (end - this.pos < 4) this.fail('truncated header field');
      const tag = this.u16('header tag');
      const n = this.u16('header field length');
      if (n > end - this.pos) this.fail(`header field length ${n} exceeds the header`, at);
      if (tag === 1 && n !== 8) this.fail(`KDC time offset field has length ${n}, not 8`, at);
      this.headerFields.push(tag, this.pos, n);
      this.pos += n;
    }
  }
}

/**
 * A version 3/4 principal at `p` (name type, count, realm, components), located into `span`
 * when it is whole and has at most 7 components; the offset after it, or -1 (nothing trusted).
 */
function quickPrincipal(b: Uint8Array, p: number, end: number, span: PrincipalSpan): number {
  if (end - p < 12) return -1;
  const n = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
  if (n > 7) return -1;
  const s = span.spans;
  if (s.length < 2 * (n + 1)) return -1;
  span.nameType = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  p += 8;
  for (let i = 0; i <= n; i++) {
    if (end - p < 4) return -1;
    const len = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    p += 4;
    if (len > end - p) return -1;
    s[2 * i] = p;
    s[2 * i + 1] = len;
    p += len;
  }
  span.count = n;
  return p;
}

/**
 * Strings of a cache file, decoded strictly (UTF-8, fatal) with a small cache: names repeat from
 * record to record (realms, `krbtgt`, the client), and a repeat is found by comparing bytes.
 */
export class NameDecoder {
  private readonly at = new Int32Array(64).fill(-1);
  private readonly len = new Int32Array(64);
  private readonly names: string[] = new Array<string>(64).fill('');
  constructor(readonly bytes: Uint8Array) {}

  /** The text at `[start, start + n)` when it is short ASCII (from the cache when it repeats), else null. */
  ascii(start: number, n: number): string | null {
    if (n > 64) return null;
    const b = this.bytes,
      end = start + n;
    const slot = (n * 31 + (n ? b[start]! * 7 + b[end - 1]! : 0)) & 63;
    const at0 = this.at[slot]!;
    if (at0 >= 0 && this.len[slot] === n) {
      let same = true;
      for (let i = 0; i < n; i++)
        if (b[at0 + i] !== b[start + i]) {
          same = false;
          break;
        }
      if (same) return this.names[slot]!;
    }
    for (let i = start; i < end; i++) if (b[i]! > 0x7f) return null;
    const s = String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
    this.at[slot] = start;
    this.len[slot] = n;
    this.names[slot] = s;
    return s;
  }

  /**
   * The text at `[start, start + n)`, strict UTF-8; `what`, `path` and `index` (≥ 0: a list
   * element) name the field for the error on invalid UTF-8.
   */
  text(start: number, n: number, what: string, path: string, index = -1): string {
    const s = this.ascii(start, n);
    if (s !== null) return s;
    try {
      return utf8Exact.decode(this.bytes.subarray(start, start + n));
    } catch {
      throw new DecodeError(`ccache: ${what} is not valid UTF-8`, { path: index >= 0 ? `${path}[${index}]` : path, offset: start });
    }
  }
}
