/**
 * The credential cache FILE format of MIT krb5 (and Heimdal), versions 1 to 4 (MIT's
 * `ccache_file_format` document, `src/lib/krb5/ccache/cc_file.c` and `ccmarshal.c`).
 *
 * A file is the two bytes 0x05 0x0N (N = version), in version 4 a 16-bit length and tagged
 * header fields (tag 1 = the KDC time offset), the default principal, then credentials up to
 * the end. Versions 1 and 2 write integers in the writer's host order (taken here as
 * little-endian, as on x86); versions 3 and 4 are big-endian. Version 1 has no principal name
 * type and counts the realm among the components; version 3 writes the key's enctype twice.
 *
 * MIT keeps cache configuration (`pa_type`, `fast_avail`, `refresh_time`, `start_realm`, …) as
 * credentials whose server is `krb5_ccache_conf_data/<key>[/<principal>]@X-CACHECONF:` with the
 * value in the ticket field: they are decoded into {@link Ccache.config}, apart from the real
 * {@link Ccache.credentials}, and {@link Ccache.order} remembers how the two interleave, so that
 * re-encoding a version 3 or 4 file gives the same bytes.
 *
 * Bytes in, objects out, no I/O. Decoding is bounded: every count and length is checked against
 * what is left before anything is read or allocated, and any fault is a `DecodeError` with the
 * offset and a path such as `ccache.credentials[2].ticket`.
 * @module
 */

import { DecodeError } from '../errors.js';
import { Ticket } from '../messages/ticket.js';
import { utf8 } from '../util/bytes.js';

declare const TextDecoder: {
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): { decode(b: Uint8Array): string };
};
/** Fatal on malformed input, and keeps a leading U+FEFF so that strings round-trip exactly. */
const utf8Exact = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A principal as the ccache stores it. Version 1 stores no name type: it decodes as 0 (NT-UNKNOWN). */
export interface CcachePrincipal {
  nameType: number;
  realm: string;
  components: string[];
}

/** An address (`addrtype` 16 bits, then the bytes) or an authorization-data element. */
export interface CcacheTypedData {
  type: number;
  data: Uint8Array;
}

/** One credential: a ticket with its session key and what the KDC said about it. */
export interface CcacheCredential {
  client: CcachePrincipal;
  server: CcachePrincipal;
  /** The session key, as `tskrb5/crypto` takes it (enctype sign-extended from 16 bits). */
  key: { etype: number; value: Uint8Array };
  /**
   * Version 3 writes the enctype twice (once as the old "key type"); set only when a version 3
   * file held a second value different from `key.etype`, so that it is written back.
   */
  keytypeV3?: number;
  authtime: Date;
  /** Zero (1970-01-01) when the KDC gave none; MIT then uses authtime. */
  starttime: Date;
  endtime: Date;
  /** Zero (1970-01-01) when the ticket is not renewable. */
  renewTill: Date;
  /** The ticket is encrypted in another ticket's session key (user-to-user). */
  isSkey: boolean;
  /** TicketFlags as MIT's 32-bit word (bit 0 of the BIT STRING = 0x80000000). */
  flags: number;
  addresses: CcacheTypedData[];
  /** Authorization data; `type` sign-extended from 16 bits. */
  authdata: CcacheTypedData[];
  /** The DER Ticket, exactly as the KDC sent it ({@link credentialTicket} decodes it). */
  ticket: Uint8Array;
  /** The second ticket (user-to-user, S4U2Proxy evidence); empty when none. */
  secondTicket: Uint8Array;
}

/** What a config entry's record holds besides its server name and value (kept for exact output). */
export type CcacheConfigRecord = Omit<CcacheCredential, 'server' | 'ticket'> & { serverNameType: number };

/** One cache configuration entry (`klist -C` lists them). */
export interface CcacheConfigEntry {
  /** e.g. `pa_type`, `fast_avail`, `refresh_time`, `start_realm`, `proxy_impersonator`. */
  key: string;
  /** The principal the setting is about (the third name component), when there is one. */
  principal?: string;
  value: Uint8Array;
  /**
   * The rest of the stored record (client, times, flags, …), as decoded. When absent it is
   * written as MIT writes one: client = the default principal, everything else zero/empty.
   */
  record?: CcacheConfigRecord;
}

/** Header field of a version 4 file: tag 1 is the KDC time offset; other tags are kept verbatim. */
export type CcacheHeaderField =
  | { tag: 1; kdcOffset: { seconds: number; microseconds: number } }
  | { tag: number; value: Uint8Array };

export interface Ccache {
  version: 1 | 2 | 3 | 4;
  /** Version 4 header fields, in file order; empty otherwise (MIT writes none unless it knows a KDC offset). */
  header: CcacheHeaderField[];
  defaultPrincipal: CcachePrincipal;
  /** The credentials, in file order, config entries excluded. */
  credentials: CcacheCredential[];
  /** The configuration entries, in file order. */
  config: CcacheConfigEntry[];
  /**
   * How credentials and config entries interleave in the file: the encoder takes the next item
   * of the named list for each element, then appends what is left (credentials, then config).
   * Absent: credentials first.
   */
  order?: ('cred' | 'config')[];
}

/** The realm of MIT's (and Heimdal's) cache configuration principals. */
export const CONFIG_REALM = 'X-CACHECONF:';
/** The first name component of a cache configuration principal. */
export const CONFIG_NAME = 'krb5_ccache_conf_data';

/**
 * Whether a principal names a cache configuration entry
 * (`krb5_ccache_conf_data/<key>[/<principal>]@X-CACHECONF:`).
 */
export function isConfigPrincipal(p: CcachePrincipal): boolean {
  return p.realm === CONFIG_REALM && p.components[0] === CONFIG_NAME && (p.components.length === 2 || p.components.length === 3);
}

/**
 * A config entry to put in {@link Ccache.config}; `principal` is the unparsed name it is about.
 * @example
 * ```ts
 * cache.config.push(configEntry('fast_avail', utf8('yes'), 'krbtgt/EXAMPLE.COM@EXAMPLE.COM'))
 * ```
 */
export function configEntry(key: string, value: Uint8Array, principal?: string): CcacheConfigEntry {
  return principal === undefined ? { key, value } : { key, principal, value };
}

/** Decodes a credential's ticket (the DER `Ticket`; its enc-part opens with the service key, usage 2). */
export function credentialTicket(cred: CcacheCredential, options: { views?: boolean } = {}): Ticket {
  return Ticket.decode(cred.ticket, options);
}

// ---------------------------------------------------------------------------------- decoding

/** The labels of a principal's fields in error paths. */
interface PrincipalPath {
  readonly self: string;
  readonly realm: string;
  readonly components: string;
}
const pp = (self: string): PrincipalPath => ({ self, realm: `${self}.realm`, components: `${self}.components` });
const DEFAULT_PRINCIPAL = pp('');
/**
 * The code of a DecodeError for a cache that ends early — a short read in MIT's terms, which
 * ends MIT's credential iteration as the end of the cache does (klist then exits 0).
 */
export const CCACHE_TRUNCATED = 'ERR_TRUNCATED';
const TRUNCATED = CCACHE_TRUNCATED;
const CLIENT = pp('.client');
const SERVER = pp('.server');

class Reader {
  pos: number;
  /** Return byte fields as views into the input instead of copies (see decodeCcache). */
  views = false;
  /**
   * Where the reader is, for an error's path — `base` (`ccache.header`, `ccache.defaultPrincipal`,
   * or `ccache.credentials` with `record` ≥ 0), then `field` and an optional `[index]`. Plain
   * fields, so that the happy path builds no strings and no closures.
   */
  base = 'ccache';
  record = -1;
  field = '';
  index = -1;
  /** The name cache of {@link text}: where each slot's bytes are, their length, their string. */
  private readonly nameAt = new Int32Array(64).fill(-1);
  private readonly nameLen = new Int32Array(64);
  private readonly names: string[] = new Array<string>(64).fill('');
  constructor(readonly b: Uint8Array, readonly little: boolean, pos: number) {
    this.pos = pos;
  }
  path(): string {
    const base = this.record >= 0 ? `${this.base}[${this.record}]` : this.base;
    return `${base}${this.field}${this.index >= 0 ? `[${this.index}]` : ''}`;
  }
  fail(message: string, at = this.pos, code?: string): never {
    throw new DecodeError(`ccache: ${message}`, { path: this.path(), offset: at, ...(code === undefined ? {} : { code }) });
  }
  get left(): number {
    return this.b.length - this.pos;
  }
  /**
   * A length or count of `n` bytes where fewer are left: the file ends early (a short read,
   * `ERR_TRUNCATED`) unless `n` exceeds the whole file, which is malformed — the line MIT's
   * FILE cache draws between the end of its records and a corrupt one.
   */
  tooLong(n: number, message: string, at: number): never {
    return this.fail(message, at, n <= this.b.length ? TRUNCATED : undefined);
  }
  need(n: number, what: string): void {
    if (n > this.b.length - this.pos) this.fail(`${what} runs past the end of the data (${n} bytes needed, ${this.left} left)`, this.pos, TRUNCATED);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const x = this.b[this.pos]!, y = this.b[this.pos + 1]!;
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
    const out = this.views ? this.b.subarray(this.pos, this.pos + n) : this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** data ::= length (32 bits) value */
  data(what: string): Uint8Array {
    const at = this.pos;
    const n = this.u32(`${what} length`);
    if (n > this.b.length - this.pos) this.tooLong(n, `${what} length ${n} exceeds the ${this.left} bytes left`, at);
    return this.bytes(n, what);
  }
  text(what: string): string {
    const at = this.pos;
    const n = this.u32(`${what} length`);
    if (n > this.b.length - this.pos) this.tooLong(n, `${what} length ${n} exceeds the ${this.left} bytes left`, at);
    const b = this.b, start = this.pos, end = start + n;
    this.pos = end;
    // Names are short, repeat from record to record (realms, `krbtgt`, the client) and are nearly
    // always ASCII: a repeat is found in a small cache of earlier names by comparing bytes, and
    // other ASCII names are made without the decoder's round trip.
    if (n <= 64) {
      const slot = (n * 31 + (n ? b[start]! * 7 + b[end - 1]! : 0)) & 63;
      const at0 = this.nameAt[slot]!;
      if (at0 >= 0 && this.nameLen[slot] === n) {
        let same = true;
        for (let i = 0; i < n; i++) if (b[at0 + i] !== b[start + i]) { same = false; break; }
        if (same) return this.names[slot]!;
      }
      let ascii = true;
      for (let i = start; i < end; i++) if (b[i]! > 0x7f) { ascii = false; break; }
      if (ascii) {
        const str = String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
        this.nameAt[slot] = start;
        this.nameLen[slot] = n;
        this.names[slot] = str;
        return str;
      }
    }
    try {
      return utf8Exact.decode(b.subarray(start, end));
    } catch {
      return this.fail(`${what} is not valid UTF-8`, at + 4);
    }
  }
  /** A 32-bit count of items each at least `min` bytes long, checked against what is left. */
  count(what: string, min: number): number {
    const at = this.pos;
    const n = this.u32(what);
    if (n * min > this.left) this.tooLong(n * min, `${what} ${n} cannot fit in the ${this.left} bytes left`, at);
    return n;
  }
}

function readPrincipal(r: Reader, version: number, path: PrincipalPath): CcachePrincipal {
  r.field = path.self;
  const nameType = version === 1 ? 0 : r.u32('name type') | 0;
  const countAt = r.pos;
  let n = r.count('component count', 4);
  if (version === 1) {
    if (n === 0) r.fail('component count is zero (version 1 counts the realm)', countAt);
    n -= 1;
  }
  // each component needs at least its 4-byte length, and so does the realm
  if ((n + 1) * 4 > r.left) r.tooLong((n + 1) * 4, `component count ${n} cannot fit in the ${r.left} bytes left`, countAt);
  r.field = path.realm;
  const realm = r.text('realm');
  r.field = path.components;
  const components: string[] = [];
  for (let i = 0; i < n; i++) {
    r.index = i;
    components.push(r.text('component'));
  }
  r.index = -1;
  return { nameType, realm, components };
}

function readTypedList(r: Reader, field: string, signed: boolean): CcacheTypedData[] {
  r.field = field;
  const n = r.count('count', 6);
  const out: CcacheTypedData[] = [];
  for (let i = 0; i < n; i++) {
    r.index = i;
    const t = r.u16('type');
    out.push({ type: signed ? (t << 16) >> 16 : t, data: r.data('data') });
  }
  r.index = -1;
  return out;
}

/** 32-bit unsigned seconds as a Date. */
function time(r: Reader, field: string, what: string): Date {
  r.field = field;
  return new Date(r.u32(what) * 1000);
}

function readCredential(r: Reader, version: number): CcacheCredential {
  const client = readPrincipal(r, version, CLIENT);
  const server = readPrincipal(r, version, SERVER);
  r.field = '.key';
  const etype = (r.u16('enctype') << 16) >> 16;
  const second = version === 3 ? (r.u16('second enctype') << 16) >> 16 : etype;
  const key = { etype, value: r.data('key') };
  const authtime = time(r, '.authtime', 'authtime');
  const starttime = time(r, '.starttime', 'starttime');
  const endtime = time(r, '.endtime', 'endtime');
  const renewTill = time(r, '.renewTill', 'renew_till');
  r.field = '.isSkey';
  const at = r.pos;
  const skey = r.u8('is_skey');
  if (skey > 1) r.fail(`is_skey is ${skey}, not 0 or 1`, at);
  r.field = '.flags';
  const flags = r.u32('ticket flags');
  const addresses = readTypedList(r, '.addresses', false);
  const authdata = readTypedList(r, '.authdata', true);
  r.field = '.ticket';
  const ticket = r.data('ticket');
  r.field = '.secondTicket';
  const secondTicket = r.data('second ticket');
  r.field = '';
  const out: CcacheCredential = {
    client, server, key, authtime, starttime, endtime, renewTill, isSkey: skey === 1, flags, addresses, authdata, ticket, secondTicket,
  };
  if (second !== etype) out.keytypeV3 = second;
  return out;
}

function readHeader(r: Reader): CcacheHeaderField[] {
  r.base = 'ccache.header';
  const lenAt = r.pos;
  const length = r.u16('header length');
  if (length > r.left) r.fail(`header length ${length} exceeds the ${r.left} bytes left`, lenAt);
  const end = r.pos + length;
  const fields: CcacheHeaderField[] = [];
  while (r.pos < end) {
    const at = r.pos;
    if (end - r.pos < 4) r.fail('truncated header field');
    const tag = r.u16('header tag');
    const n = r.u16('header field length');
    if (n > end - r.pos) r.fail(`header field length ${n} exceeds the header`, at);
    if (tag === 1) {
      if (n !== 8) r.fail(`KDC time offset field has length ${n}, not 8`, at);
      const seconds = r.u32('time offset') | 0;
      const microseconds = r.u32('time offset microseconds') | 0;
      fields.push({ tag: 1, kdcOffset: { seconds, microseconds } });
    } else {
      fields.push({ tag, value: r.bytes(n, 'header field') });
    }
  }
  return fields;
}

/** A cache file read up to its first record; {@link CcacheRecords.records} reads the rest. */
export interface CcacheRecords {
  version: 1 | 2 | 3 | 4;
  header: CcacheHeaderField[];
  defaultPrincipal: CcachePrincipal;
  /**
   * Every record in file order, config entries included as the credentials MIT stores them as
   * (server `krb5_ccache_conf_data/…@X-CACHECONF:`), each decoded only when it is reached — a
   * reader that looks at one record at a time holds one. A fault is a `DecodeError` thrown by
   * the iteration, once the records before it have been yielded.
   */
  records: Iterable<CcacheCredential>;
}

/**
 * Reads a credential cache's header and default principal at once and its records lazily
 * (what klist and a lookup need: no array of every credential, nothing kept once looked at).
 * @example
 * ```ts
 * const cc = ccacheRecords(readFileSync('/tmp/krb5cc_1000'))
 * for (const c of cc.records) if (!isConfigPrincipal(c.server)) console.log(c.server.components.join('/'))
 * ```
 */
export function ccacheRecords(bytes: Uint8Array, options: { views?: boolean } = {}): CcacheRecords {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('ccache bytes must be a Uint8Array');
  // A host subclass (Node's buffer) would make views of its own class: read a plain view of it.
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 2 || bytes[0] !== 0x05 || bytes[1]! < 1 || bytes[1]! > 4) {
    throw new DecodeError('not a credential cache: it must start with 0x0501…0x0504', { path: 'ccache', offset: 0 });
  }
  const version = bytes[1] as 1 | 2 | 3 | 4;
  const r = new Reader(bytes, version < 3, 2);
  // With views, tickets and keys alias `bytes`: for readers that own the file's bytes (klist).
  r.views = options.views === true;
  const header = version === 4 ? readHeader(r) : [];
  r.base = 'ccache.defaultPrincipal';
  const defaultPrincipal = readPrincipal(r, version, DEFAULT_PRINCIPAL);
  r.field = '';
  const start = r.pos;
  const records: Iterable<CcacheCredential> = {
    *[Symbol.iterator]() {
      // Each iteration reads from the start with a reader of its own.
      const rr = new Reader(bytes, version < 3, start);
      rr.views = r.views;
      rr.base = 'ccache.credentials';
      for (let i = 0; rr.pos < bytes.length; i++) {
        rr.record = i;
        yield readCredential(rr, version);
      }
    },
  };
  return { version, header, defaultPrincipal, records };
}

/**
 * Decodes a credential cache file's bytes (versions 1 to 4).
 * @example
 * ```ts
 * const cc = decodeCcache(readFileSync('/tmp/krb5cc_1000'))
 * console.log(principalToString(cc.defaultPrincipal))
 * for (const c of cc.credentials) console.log(c.server.components.join('/'), c.endtime)
 * for (const e of cc.config) console.log(e.key, e.principal, new TextDecoder().decode(e.value))
 * ```
 */
export function decodeCcache(bytes: Uint8Array, options: { views?: boolean } = {}): Ccache {
  const { version, header, defaultPrincipal, records } = ccacheRecords(bytes, options);
  const credentials: CcacheCredential[] = [];
  const config: CcacheConfigEntry[] = [];
  const order: ('cred' | 'config')[] = [];
  for (const c of records) {
    if (isConfigPrincipal(c.server)) {
      const { server, ticket, ...rest } = c;
      const entry: CcacheConfigEntry = { key: server.components[1]!, value: ticket };
      if (server.components.length === 3) entry.principal = server.components[2]!;
      entry.record = { ...rest, serverNameType: server.nameType };
      config.push(entry);
      order.push('config');
    } else {
      credentials.push(c);
      order.push('cred');
    }
  }
  return { version, header, defaultPrincipal, credentials, config, order };
}

// ---------------------------------------------------------------------------------- encoding

class Writer {
  private buf = new Uint8Array(256);
  length = 0;
  constructor(readonly little: boolean) {}
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(n: number): void {
    this.room(1);
    this.buf[this.length++] = n & 0xff;
  }
  u16(n: number): void {
    this.room(2);
    const hi = (n >>> 8) & 0xff, lo = n & 0xff;
    this.buf[this.length++] = this.little ? lo : hi;
    this.buf[this.length++] = this.little ? hi : lo;
  }
  u32(n: number): void {
    this.room(4);
    const v = [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    if (this.little) v.reverse();
    for (const x of v) this.buf[this.length++] = x;
  }
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  data(b: Uint8Array): void {
    if (!(b instanceof Uint8Array)) throw new TypeError('ccache data must be a Uint8Array');
    if (b.length > 0xffffffff) throw new RangeError('ccache data longer than 2^32-1 bytes');
    this.u32(b.length);
    this.raw(b);
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function int16(n: number, what: string): number {
  if (!Number.isInteger(n) || n < -0x8000 || n > 0xffff) throw new RangeError(`${what} ${n} does not fit in 16 bits`);
  return n & 0xffff;
}
function int32(n: number, what: string): number {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new RangeError(`${what} ${n} does not fit in 32 bits`);
  return n >>> 0;
}
function seconds(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${what} is not a valid Date`);
  const s = Math.floor(t / 1000);
  if (s < 0 || s > 0xffffffff) throw new RangeError(`${what} ${d.toISOString()} is outside the 32-bit unsigned seconds range`);
  return s;
}

function writePrincipal(w: Writer, p: CcachePrincipal): void {
  w.u32(int32(p.nameType, 'name type'));
  w.u32(p.components.length);
  w.data(utf8(p.realm));
  for (const c of p.components) w.data(utf8(c));
}

function writeCredential(w: Writer, version: 3 | 4, c: CcacheCredential): void {
  writePrincipal(w, c.client);
  writePrincipal(w, c.server);
  w.u16(int16(c.key.etype, 'enctype'));
  if (version === 3) w.u16(int16(c.keytypeV3 ?? c.key.etype, 'key type'));
  w.data(c.key.value);
  w.u32(seconds(c.authtime, 'authtime'));
  w.u32(seconds(c.starttime, 'starttime'));
  w.u32(seconds(c.endtime, 'endtime'));
  w.u32(seconds(c.renewTill, 'renewTill'));
  w.u8(c.isSkey ? 1 : 0);
  w.u32(int32(c.flags, 'ticket flags'));
  for (const list of [c.addresses, c.authdata]) {
    w.u32(list.length);
    for (const x of list) {
      w.u16(int16(x.type, 'address/authdata type'));
      w.data(x.data);
    }
  }
  w.data(c.ticket);
  w.data(c.secondTicket);
}

const ZERO = new Date(0);

/** The credential record MIT writes for a config entry (`krb5_cc_set_config`). */
function configCredential(e: CcacheConfigEntry, defaultPrincipal: CcachePrincipal): CcacheCredential {
  const rec: CcacheConfigRecord = e.record ?? {
    client: defaultPrincipal,
    key: { etype: 0, value: new Uint8Array(0) },
    authtime: ZERO,
    starttime: ZERO,
    endtime: ZERO,
    renewTill: ZERO,
    isSkey: false,
    flags: 0,
    addresses: [],
    authdata: [],
    secondTicket: new Uint8Array(0),
    serverNameType: 1,
  };
  const { serverNameType, ...rest } = rec;
  const components = e.principal === undefined ? [CONFIG_NAME, e.key] : [CONFIG_NAME, e.key, e.principal];
  return { ...rest, server: { nameType: serverNameType, realm: CONFIG_REALM, components }, ticket: e.value };
}

/**
 * Encodes a credential cache: version 4 (what MIT writes today) unless `version: 3` is asked
 * for. Version 3 has no header, so {@link Ccache.header} is then left out.
 * @example
 * ```ts
 * writeFileSync(path, encodeCcache(cc), { mode: 0o600 })
 * ```
 */
export function encodeCcache(ccache: Ccache, options: { version?: 3 | 4 } = {}): Uint8Array {
  const version = options.version ?? 4;
  if (version !== 3 && version !== 4) throw new RangeError('only ccache versions 3 and 4 are written');
  const w = new Writer(false);
  w.u8(0x05);
  w.u8(version);
  if (version === 4) {
    const h = new Writer(false);
    for (const f of ccache.header ?? []) {
      h.u16(int16(f.tag, 'header tag'));
      if ('kdcOffset' in f) {
        h.u16(8);
        h.u32(int32(f.kdcOffset.seconds, 'KDC offset seconds'));
        h.u32(int32(f.kdcOffset.microseconds, 'KDC offset microseconds'));
      } else {
        if (f.value.length > 0xffff) throw new RangeError('header field longer than 65535 bytes');
        h.u16(f.value.length);
        h.raw(f.value);
      }
    }
    if (h.length > 0xffff) throw new RangeError('ccache header longer than 65535 bytes');
    w.u16(h.length);
    w.raw(h.done());
  }
  writePrincipal(w, ccache.defaultPrincipal);
  let ci = 0, ki = 0;
  const creds = ccache.credentials, conf = ccache.config ?? [];
  for (const kind of ccache.order ?? []) {
    if (kind === 'cred' && ci < creds.length) writeCredential(w, version, creds[ci++]!);
    else if (kind === 'config' && ki < conf.length) writeCredential(w, version, configCredential(conf[ki++]!, ccache.defaultPrincipal));
  }
  while (ci < creds.length) writeCredential(w, version, creds[ci++]!);
  while (ki < conf.length) writeCredential(w, version, configCredential(conf[ki++]!, ccache.defaultPrincipal));
  return w.done();
}
