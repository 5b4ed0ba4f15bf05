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
import { DecodeError } from '../errors.js';
import { CCACHE_TRUNCATED, CONFIG_NAME, CONFIG_REALM, CcacheRecordView, CcacheScanner, NameDecoder, PrincipalSpan } from './ccache-scan.js';
import { secretKey } from '../util/secret.js';
import type { Principal } from '../messages/index.js';

export { CCACHE_TRUNCATED, CONFIG_NAME, CONFIG_REALM, CcacheRecordView, CcacheScanner, PrincipalSpan, isConfigSpan } from './ccache-scan.js';

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
export type CcacheHeaderField = { tag: 1; kdcOffset: { seconds: number; microseconds: number } } | { tag: number; value: Uint8Array };

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
/**
 * Whether a principal names a cache configuration entry
 * (`krb5_ccache_conf_data/<key>[/<principal>]@X-CACHECONF:`); `isConfigSpan` says the same of
 * a principal located in a file's bytes.
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

const ZERO = new Date(0);

/**
 * The credential record a config entry is stored as: the record it was decoded from, else the
 * one MIT's `krb5_cc_set_config` writes (client = `defaultPrincipal`, everything else zero or
 * empty, the value in the ticket field).
 * @example
 * ```ts
 * await store.store(configToCredential(configEntry('pa_type', utf8('2'), 'krbtgt/EX.COM@EX.COM'), client))
 * ```
 */
export function configToCredential(e: CcacheConfigEntry, defaultPrincipal: Principal): CcacheCredential {
  const { serverNameType, ...rest } = e.record ?? {
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
  const components = e.principal === undefined ? [CONFIG_NAME, e.key] : [CONFIG_NAME, e.key, e.principal];
  return { ...rest, server: { nameType: serverNameType, realm: CONFIG_REALM, components }, ticket: e.value };
}

/** The config entry a credential record holds (its server must be a config principal: {@link isConfigPrincipal}), its record kept. */
export function credentialToConfig(c: CcacheCredential): CcacheConfigEntry {
  const { server, ticket, ...rest } = c;
  const e: CcacheConfigEntry = { key: server.components[1]!, value: ticket, record: { ...rest, serverNameType: server.nameType } };
  if (server.components.length === 3) e.principal = server.components[2]!;
  return e;
}

/**
 * Every record of a cache in stored order, config entries as the credentials they are stored
 * as (what `krb5_cc_next_cred` yields, and what a store's `getCredentials` returns).
 */
export function allCredentials(cc: Ccache): CcacheCredential[] {
  const out: CcacheCredential[] = [];
  const creds = cc.credentials,
    conf = cc.config ?? [];
  let ci = 0,
    ki = 0;
  for (const kind of cc.order ?? []) {
    if (kind === 'cred' && ci < creds.length) out.push(creds[ci++]!);
    else if (kind === 'config' && ki < conf.length) out.push(configToCredential(conf[ki++]!, cc.defaultPrincipal));
  }
  while (ci < creds.length) out.push(creds[ci++]!);
  while (ki < conf.length) out.push(configToCredential(conf[ki++]!, cc.defaultPrincipal));
  return out;
}

/** `cc` with these records (in stored order, config entries included) as its credentials, config entries and order. */
export function withCredentials(cc: Ccache, records: Iterable<CcacheCredential>): Ccache {
  const credentials: CcacheCredential[] = [];
  const config: CcacheConfigEntry[] = [];
  const order: ('cred' | 'config')[] = [];
  for (const c of records) {
    if (isConfigPrincipal(c.server)) {
      config.push(credentialToConfig(c));
      order.push('config');
    } else {
      credentials.push(c);
      order.push('cred');
    }
  }
  return { ...cc, credentials, config, order };
}

/** Decodes a credential's ticket (the DER `Ticket`; its enc-part opens with the service key, usage 2). */
export function credentialTicket(cred: CcacheCredential, options: { views?: boolean } = {}): Ticket {
  return Ticket.decode(cred.ticket, options);
}

// ---------------------------------------------------------------------------------- decoding

const pathOf = (base: string, record: number, field: string) => `${base}${record >= 0 ? `[${record}]` : ''}${field}`;

/** Builds the objects of a file's records from the scanner's views (ccache-scan.ts). */
class Builder {
  readonly names: NameDecoder;
  constructor(
    readonly sc: CcacheScanner,
    readonly views: boolean,
  ) {
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
    const b = this.sc.bytes,
      little = this.sc.little;
    for (let i = 0; i < count; i++) {
      const t = little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
      const p = at + 2;
      const n = little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      out.push({ type: signed ? (t << 16) >> 16 : t, data: this.bytes(p + 4, n) });
      at = p + 4 + n;
    }
    return out;
  }
  credential(v: CcacheRecordView): CcacheCredential {
    const base = this.sc.base;
    const out: CcacheCredential = {
      client: this.principal(v.client, base, v.index, '.client'),
      server: this.principal(v.server, base, v.index, '.server'),
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
    const f = this.sc.headerFields,
      b = this.sc.bytes;
    const out: CcacheHeaderField[] = [];
    for (let i = 0; i < f.length; i += 3) {
      const tag = f[i]!,
        at = f[i + 1]!,
        n = f[i + 2]!;
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
  return withCredentials({ version, header, defaultPrincipal, credentials: [], config: [] }, records);
}

/**
 * One principal as MIT's `k5_marshal_princ` writes it for `version` (no file around it), read by
 * the file's own reader: the KCM protocol carries principals so. Bytes after it are ignored, as
 * MIT's `k5_unmarshal_princ` ignores them; a fault is a `DecodeError` (path `base`).
 * @example
 * ```ts
 * decodeCcachePrincipal(encodeCcachePrincipal(alice))   // alice
 * ```
 */
export function decodeCcachePrincipal(bytes: Uint8Array, version: 1 | 2 | 3 | 4 = 4, options: { base?: string } = {}): Principal {
  const sc = new CcacheScanner(plain(bytes), { marshalled: version, base: options.base ?? 'principal' });
  const span = new PrincipalSpan();
  sc.principal(span);
  return new Builder(sc, false).principal(span, sc.base, -1, '');
}

/**
 * One credential record as MIT's `k5_marshal_cred` writes it for `version` (a cache file's
 * record; the KCM protocol carries credentials so), read by the file's own reader. Bytes after
 * it are ignored, as MIT's `k5_unmarshal_cred` ignores them; a fault is a `DecodeError` (path
 * `base[0].field`; code {@link CCACHE_TRUNCATED} where the bytes end early).
 * @example
 * ```ts
 * decodeCcacheCredential(encodeCcacheCredential(cred))   // cred
 * ```
 */
export function decodeCcacheCredential(bytes: Uint8Array, version: 1 | 2 | 3 | 4 = 4, options: { views?: boolean; base?: string } = {}): CcacheCredential {
  const sc = new CcacheScanner(plain(bytes), { marshalled: version, base: options.base ?? 'credential' });
  const v = new CcacheRecordView();
  if (!sc.next(v)) throw new DecodeError('ccache: the credential is empty', { path: sc.base, offset: 0, code: CCACHE_TRUNCATED });
  return new Builder(sc, options.views === true).credential(v);
}

// ---------------------------------------------------------------------------------- encoding

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

/**
 * The writer of the ccache marshalling (MIT ccmarshal.c) for one version: integers in its byte
 * order (versions 1 and 2 in little-endian host order, as {@link CcacheScanner} reads them),
 * data as a 32-bit length and the bytes, and the principal, key, time, list and credential
 * fields — the one definition of how a record is laid out, for files and for the KCM protocol
 * (whose messages are built of these fields). Values out of a field's range are a RangeError.
 */
export class CcacheWriter {
  private buf = new Uint8Array(256);
  length = 0;
  readonly little: boolean;
  constructor(readonly version: 1 | 2 | 3 | 4 = 4) {
    if (version !== 1 && version !== 2 && version !== 3 && version !== 4) throw new RangeError(`no ccache version ${String(version)}`);
    this.little = version < 3;
  }
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(n: number): this {
    this.room(1);
    this.buf[this.length++] = n & 0xff;
    return this;
  }
  /** A 16-bit field (a negative value as its two's complement). */
  u16(n: number, what = '16-bit field'): this {
    n = int16(n, what);
    this.room(2);
    const b = this.buf,
      p = this.length;
    if (this.little) {
      b[p] = n & 0xff;
      b[p + 1] = n >>> 8;
    } else {
      b[p] = n >>> 8;
      b[p + 1] = n & 0xff;
    }
    this.length = p + 2;
    return this;
  }
  /** A 32-bit field (a negative value as its two's complement). */
  u32(n: number, what = '32-bit field'): this {
    n = int32(n, what);
    this.room(4);
    const b = this.buf,
      p = this.length;
    if (this.little) {
      b[p] = n & 0xff;
      b[p + 1] = (n >>> 8) & 0xff;
      b[p + 2] = (n >>> 16) & 0xff;
      b[p + 3] = n >>> 24;
    } else {
      b[p] = n >>> 24;
      b[p + 1] = (n >>> 16) & 0xff;
      b[p + 2] = (n >>> 8) & 0xff;
      b[p + 3] = n & 0xff;
    }
    this.length = p + 4;
    return this;
  }
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** data ::= length (32 bits) value. */
  data(b: Uint8Array): this {
    if (!(b instanceof Uint8Array)) throw new TypeError('ccache data must be a Uint8Array');
    if (b.length > 0xffffffff) throw new RangeError('ccache data longer than 2^32-1 bytes');
    return this.u32(b.length).raw(b);
  }
  /** A time: 32-bit unsigned seconds. */
  time(d: Date, what = 'time'): this {
    return this.u32(seconds(d, what));
  }
  /** A principal: name type (not in version 1), component count (version 1 counts the realm), realm, components. */
  principal(p: Principal): this {
    if (this.version !== 1) this.u32(p.nameType, 'name type');
    this.u32(p.components.length + (this.version === 1 ? 1 : 0));
    this.data(utf8(p.realm));
    for (const c of p.components) this.data(utf8(c));
    return this;
  }
  /** The session key: enctype (twice in version 3: `keytypeV3`, else the enctype again), then its bytes. */
  key(k: { etype: number; value: Uint8Array }, keytypeV3?: number): this {
    this.u16(k.etype, 'enctype');
    if (this.version === 3) this.u16(keytypeV3 ?? k.etype, 'key type');
    return this.data(k.value);
  }
  /** A counted list of addresses or authorization data: count (32 bits), then (16-bit type, data) each. */
  typedList(list: readonly CcacheTypedData[]): this {
    this.u32(list.length);
    for (const x of list) this.u16(x.type, 'address/authdata type').data(x.data);
    return this;
  }
  /** One credential record. */
  credential(c: CcacheCredential): this {
    this.principal(c.client).principal(c.server).key(c.key, c.keytypeV3);
    this.time(c.authtime, 'authtime').time(c.starttime, 'starttime').time(c.endtime, 'endtime').time(c.renewTill, 'renewTill');
    this.u8(c.isSkey ? 1 : 0).u32(c.flags, 'ticket flags');
    return this.typedList(c.addresses).typedList(c.authdata).data(c.ticket).data(c.secondTicket);
  }
  /** The bytes written (a copy). */
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * One principal as MIT's `k5_marshal_princ` writes it for `version` (what a cache file holds
 * as its default principal; the KCM protocol carries principals so).
 */
export function encodeCcachePrincipal(p: Principal, version: 1 | 2 | 3 | 4 = 4): Uint8Array {
  return new CcacheWriter(version).principal(p).done();
}

/**
 * One credential record as a cache file of `version` holds it (versions 1 and 2 in little-endian
 * host order, as {@link CcacheScanner} reads them): what an append to an existing file writes
 * after its last record, as MIT's `fcc_store` does, and what the KCM protocol carries. A config
 * entry is a credential whose server is a `krb5_ccache_conf_data/…@X-CACHECONF:` principal
 * ({@link configToCredential}).
 * @example
 * ```ts
 * const bytes = encodeCcacheCredential(cred, decodeCcache(file).version)
 * ```
 */
export function encodeCcacheCredential(cred: CcacheCredential, version: 1 | 2 | 3 | 4 = 4): Uint8Array {
  return new CcacheWriter(version).credential(cred).done();
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
  const w = new CcacheWriter(version);
  w.u8(0x05).u8(version);
  if (version === 4) {
    const h = new CcacheWriter(4);
    for (const f of ccache.header ?? []) {
      h.u16(f.tag, 'header tag');
      if ('kdcOffset' in f) {
        h.u16(8).u32(f.kdcOffset.seconds, 'KDC offset seconds').u32(f.kdcOffset.microseconds, 'KDC offset microseconds');
      } else {
        if (f.value.length > 0xffff) throw new RangeError('header field longer than 65535 bytes');
        h.u16(f.value.length).raw(f.value);
      }
    }
    if (h.length > 0xffff) throw new RangeError('ccache header longer than 65535 bytes');
    w.u16(h.length).raw(h.done());
  }
  w.principal(ccache.defaultPrincipal);
  for (const c of allCredentials(ccache)) w.credential(c);
  return w.done();
}
