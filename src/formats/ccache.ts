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

import { Ticket } from '../messages/ticket.js';
import { utf8 } from '../util/bytes.js';
import { CCACHE_TRUNCATED, CcacheRecordView, CcacheScanner, NameDecoder, type PrincipalSpan } from './ccache-scan.js';
import { secretKey } from '../util/secret.js';
import type { Principal } from '../messages/index.js';

export { CCACHE_TRUNCATED, CcacheRecordView, CcacheScanner, PrincipalSpan } from './ccache-scan.js';

/** An address (`addrtype` 16 bits, then the bytes) or an authorization-data element. */
export interface CcacheTypedData {
  type: number;
  data: Uint8Array;
}

/** One credential: a ticket with its session key and what the KDC said about it. */
export interface CcacheCredential {
  client: Principal;
  server: Principal;
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
  defaultPrincipal: Principal;
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
export function isConfigPrincipal(p: Principal): boolean {
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

const RECORD = 'ccache.credentials';
const pathOf = (base: string, record: number, field: string) => `${base}${record >= 0 ? `[${record}]` : ''}${field}`;

/** Builds the objects of a file's records from the scanner's views (ccache-scan.ts). */
class Builder {
  readonly names: NameDecoder;
  constructor(readonly sc: CcacheScanner, readonly views: boolean) {
    this.names = new NameDecoder(sc.bytes);
  }
  bytes(at: number, n: number): Uint8Array {
    return this.views ? this.sc.bytes.subarray(at, at + n) : this.sc.bytes.slice(at, at + n);
  }
  /** The principal at `span`; for an error, the path is `base[record]field` (`ccache.credentials[3].client`). */
  principal(span: PrincipalSpan, base: string, record: number, field: string): Principal {
    const s = span.spans;
    const names = this.names;
    // ASCII names (nearly all) come from the cache; the path is built only for the others
    const realm = names.ascii(s[0]!, s[1]!) ?? names.text(s[0]!, s[1]!, 'realm', `${pathOf(base, record, field)}.realm`);
    const components: string[] = [];
    for (let i = 1; i <= span.count; i++) {
      components.push(names.ascii(s[2 * i]!, s[2 * i + 1]!) ?? names.text(s[2 * i]!, s[2 * i + 1]!, 'component', `${pathOf(base, record, field)}.components`, i - 1));
    }
    return { nameType: span.nameType, realm, components };
  }
  /** A list the scanner has checked: (16-bit type, 32-bit length, data) × count. */
  typedList(at: number, count: number, signed: boolean): CcacheTypedData[] {
    const out: CcacheTypedData[] = [];
    const b = this.sc.bytes, little = this.sc.little;
    for (let i = 0; i < count; i++) {
      const t = little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
      const p = at + 2;
      const n = little
        ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
        : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      out.push({ type: signed ? (t << 16) >> 16 : t, data: this.bytes(p + 4, n) });
      at = p + 4 + n;
    }
    return out;
  }
  credential(v: CcacheRecordView): CcacheCredential {
    const out: CcacheCredential = {
      client: this.principal(v.client, RECORD, v.index, '.client'),
      server: this.principal(v.server, RECORD, v.index, '.server'),
      key: secretKey(v.keyEtype, this.bytes(v.keyAt, v.keyLen)),
      authtime: new Date(v.authtime * 1000),
      starttime: new Date(v.starttime * 1000),
      endtime: new Date(v.endtime * 1000),
      renewTill: new Date(v.renewTill * 1000),
      isSkey: v.isSkey !== 0,
      flags: v.flags,
      addresses: this.typedList(v.addressesAt, v.addressCount, false),
      authdata: this.typedList(v.authdataAt, v.authdataCount, true),
      ticket: this.bytes(v.ticketAt, v.ticketLen),
      secondTicket: this.bytes(v.secondAt, v.secondLen),
    };
    if (v.keytypeV3 !== v.keyEtype) out.keytypeV3 = v.keytypeV3;
    return out;
  }
  header(): CcacheHeaderField[] {
    const f = this.sc.headerFields, b = this.sc.bytes;
    const out: CcacheHeaderField[] = [];
    for (let i = 0; i < f.length; i += 3) {
      const tag = f[i]!, at = f[i + 1]!, n = f[i + 2]!;
      if (tag === 1) {
        const be = (p: number) => (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
        out.push({ tag: 1, kdcOffset: { seconds: be(at), microseconds: be(at + 4) } });
      } else out.push({ tag, value: this.bytes(at, n) });
    }
    return out;
  }
}

/**
 * The credential of the record a {@link CcacheScanner} has just read into `view` (byte fields
 * copied, or aliasing the scanner's bytes with `views`). Throws a DecodeError for a name that
 * is not UTF-8.
 */
export function viewCredential(scanner: CcacheScanner, view: CcacheRecordView, options: { views?: boolean } = {}): CcacheCredential {
  return new Builder(scanner, options.views === true).credential(view);
}

/** A cache file read up to its first record; {@link CcacheRecords.records} reads the rest. */
export interface CcacheRecords {
  version: 1 | 2 | 3 | 4;
  header: CcacheHeaderField[];
  defaultPrincipal: Principal;
  /**
   * Every record in file order, config entries included as the credentials MIT stores them as
   * (server `krb5_ccache_conf_data/…@X-CACHECONF:`), each decoded only when it is reached — a
   * reader that looks at one record at a time holds one. A fault is a `DecodeError` thrown by
   * the iteration, once the records before it have been yielded (code {@link CCACHE_TRUNCATED}
   * when the file merely ends early).
   */
  records: Iterable<CcacheCredential>;
}

function plain(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('ccache bytes must be a Uint8Array');
  // A host subclass (Node's buffer) would make views of its own class: read a plain view of it.
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a credential cache's header and default principal at once and its records lazily
 * (what klist and a lookup need: no array of every credential, nothing kept once looked at).
 * With `views`, byte fields alias `bytes` (for readers that own the file's bytes).
 * @example
 * ```ts
 * const cc = ccacheRecords(readFileSync('/tmp/krb5cc_1000'))
 * for (const c of cc.records) if (!isConfigPrincipal(c.server)) console.log(unparsePrincipal(c.server))
 * ```
 */
export function ccacheRecords(bytes: Uint8Array, options: { views?: boolean } = {}): CcacheRecords {
  bytes = plain(bytes);
  const views = options.views === true;
  const sc = new CcacheScanner(bytes);
  const b = new Builder(sc, views);
  const header = b.header();
  const defaultPrincipal = b.principal(sc.defaultPrincipal, 'ccache.defaultPrincipal', -1, '');
  const records: Iterable<CcacheCredential> = {
    *[Symbol.iterator]() {
      // Each iteration reads from the start with a scanner of its own.
      const s = new CcacheScanner(bytes);
      const built = new Builder(s, views);
      const v = new CcacheRecordView();
      while (s.next(v)) yield built.credential(v);
    },
  };
  return { version: sc.version, header, defaultPrincipal, records };
}

/**
 * Decodes a credential cache file's bytes (versions 1 to 4).
 * @example
 * ```ts
 * const cc = decodeCcache(readFileSync('/tmp/krb5cc_1000'))
 * console.log(unparsePrincipal(cc.defaultPrincipal))
 * for (const c of cc.credentials) console.log(unparsePrincipal(c.server), c.endtime)
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

function writePrincipal(w: Writer, p: Principal, version: 1 | 2 | 3 | 4 = 4): void {
  // Version 1 has no name type and counts the realm among the components.
  if (version !== 1) w.u32(int32(p.nameType, 'name type'));
  w.u32(p.components.length + (version === 1 ? 1 : 0));
  w.data(utf8(p.realm));
  for (const c of p.components) w.data(utf8(c));
}

function writeCredential(w: Writer, version: 1 | 2 | 3 | 4, c: CcacheCredential): void {
  writePrincipal(w, c.client, version);
  writePrincipal(w, c.server, version);
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
function configCredential(e: CcacheConfigEntry, defaultPrincipal: Principal): CcacheCredential {
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
 * One credential record as a cache file of `version` holds it (versions 1 and 2 in little-endian
 * host order, as {@link CcacheScanner} reads them): what an append to an existing file writes
 * after its last record, as MIT's `fcc_store` does. A config entry is a credential whose server
 * is a `krb5_ccache_conf_data/…@X-CACHECONF:` principal.
 * @example
 * ```ts
 * const bytes = encodeCcacheCredential(cred, decodeCcache(file).version)
 * ```
 */
export function encodeCcacheCredential(cred: CcacheCredential, version: 1 | 2 | 3 | 4 = 4): Uint8Array {
  if (version !== 1 && version !== 2 && version !== 3 && version !== 4) throw new RangeError(`no ccache version ${String(version)}`);
  const w = new Writer(version < 3);
  writeCredential(w, version, cred);
  return w.done();
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
