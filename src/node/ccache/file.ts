/**
 * `FILE:` caches over `tskrb5/formats`' decodeCcache / encodeCcache: the whole file is read,
 * changed and written back atomically (temp file + rename, mode 0600), so a reader never sees
 * half a cache and a failed write loses nothing. The version of an existing file is kept when
 * it is 3 or 4 (older ones are rewritten as 4); new files are version 4, as MIT writes them.
 *
 * MIT appends to FILE caches under an fcntl lock instead; we take no lock, so a change made by
 * a concurrent MIT writer between our read and our rename can be lost (never corrupted).
 * @module
 */
import { promises as fsp } from 'node:fs';
import { KerberosError } from '../../errors.js';
import {
  CONFIG_REALM, ccacheRecords, decodeCcache, type CcacheRecords, encodeCcache, isConfigPrincipal, type Ccache, type CcacheConfigEntry,
} from '../../formats/index.js';
import { atomicWrite } from '../atomic-write.js';
import type { CcacheCredential, CcachePrincipal, CcacheSnapshot, CcacheStore } from './types.js';

/** The whole-file codec (replaceable for tests). */
export interface CcacheFileCodec {
  decode(bytes: Uint8Array): Ccache;
  /** The header and principal now, the records as they are iterated (default: from `decode`). */
  records?(bytes: Uint8Array): CcacheRecords;
  encode(file: Ccache, options: { version?: 3 | 4 }): Uint8Array;
}
// The file's bytes are read fresh for each decode and owned by it, so byte fields may alias them.
export const formatsCodec: CcacheFileCodec = {
  decode: (b) => decodeCcache(b, { views: true }),
  records: (b) => ccacheRecords(b, { views: true }),
  encode: encodeCcache,
};

export function notFound(name: string, cause?: unknown): KerberosError {
  return new KerberosError(`credentials cache ${name} not found`, { code: 'ERR_CCACHE_NOT_FOUND', cause });
}

const ZERO = new Date(0);

/** A config entry back into the credential record MIT stores for it (the record kept when decoded). */
function configToCredential(e: CcacheConfigEntry, defaultPrincipal: CcachePrincipal): CcacheCredential {
  const { serverNameType, ...rest } = e.record ?? {
    client: defaultPrincipal, key: { etype: 0, value: new Uint8Array(0) }, authtime: ZERO, starttime: ZERO, endtime: ZERO, renewTill: ZERO,
    isSkey: false, flags: 0, addresses: [], authdata: [], secondTicket: new Uint8Array(0), serverNameType: 1,
  };
  const components = e.principal === undefined ? ['krb5_ccache_conf_data', e.key] : ['krb5_ccache_conf_data', e.key, e.principal];
  return { ...rest, server: { nameType: serverNameType, realm: CONFIG_REALM, components }, ticket: e.value };
}
function credentialToConfig(c: CcacheCredential): CcacheConfigEntry {
  const { server, ticket, ...rest } = c;
  const e: CcacheConfigEntry = { key: server.components[1]!, value: ticket, record: { ...rest, serverNameType: server.nameType } };
  if (server.components.length === 3) e.principal = server.components[2]!;
  return e;
}

/** Every record of a decoded file, in file order, config entries included. */
export function allCredentials(cc: Ccache): CcacheCredential[] {
  const out: CcacheCredential[] = [];
  let ci = 0, ki = 0;
  for (const kind of cc.order ?? []) {
    if (kind === 'cred' && ci < cc.credentials.length) out.push(cc.credentials[ci++]!);
    else if (kind === 'config' && ki < cc.config.length) out.push(configToCredential(cc.config[ki++]!, cc.defaultPrincipal));
  }
  while (ci < cc.credentials.length) out.push(cc.credentials[ci++]!);
  while (ki < cc.config.length) out.push(configToCredential(cc.config[ki++]!, cc.defaultPrincipal));
  return out;
}

/** Puts a list of records back into a Ccache (credentials, config entries and their order). */
export function withCredentials(cc: Ccache, all: CcacheCredential[]): Ccache {
  const credentials: CcacheCredential[] = [];
  const config: CcacheConfigEntry[] = [];
  const order: ('cred' | 'config')[] = [];
  for (const c of all) {
    if (isConfigPrincipal(c.server)) { config.push(credentialToConfig(c)); order.push('config'); }
    else { credentials.push(c); order.push('cred'); }
  }
  return { ...cc, credentials, config, order };
}

export class FileStore implements CcacheStore {
  readonly type: string = 'FILE';
  readonly name: string;
  constructor(readonly path: string, readonly codec: CcacheFileCodec = formatsCodec, name?: string) {
    this.name = name ?? `FILE:${path}`;
  }
  /** The file's bytes, or null when it does not exist (or is empty, as a file `mkstemp` just made). */
  private async bytes(): Promise<Uint8Array | null> {
    let bytes: Uint8Array;
    try {
      bytes = await fsp.readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return bytes.length === 0 ? null : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /** The decoded file, or null when it does not exist (or is empty). */
  async read(): Promise<Ccache | null> {
    const bytes = await this.bytes();
    return bytes && this.codec.decode(bytes);
  }
  /** The file read once, its records decoded as they are iterated. */
  private async readRecords(): Promise<(CcacheRecords & { bytes: Uint8Array }) | null> {
    const bytes = await this.bytes();
    if (!bytes) return null;
    if (this.codec.records) return { ...this.codec.records(bytes), bytes };
    const cc = this.codec.decode(bytes);
    return { version: cc.version, header: cc.header, defaultPrincipal: cc.defaultPrincipal, records: allCredentials(cc), bytes };
  }
  async write(cc: Ccache): Promise<void> {
    const version = cc.version === 3 ? 3 : 4;
    await atomicWrite(this.path, this.codec.encode({ ...cc, version }, { version }), { mode: 0o600 });
  }
  async getPrincipal(): Promise<CcachePrincipal | null> {
    return (await this.readRecords())?.defaultPrincipal ?? null;
  }
  async snapshot(): Promise<CcacheSnapshot | null> {
    const f = await this.readRecords();
    if (!f) return null;
    // The bytes are a FILE-format cache only when read through our codec.
    return this.codec === formatsCodec ? { principal: f.defaultPrincipal, records: f.records, bytes: f.bytes } : { principal: f.defaultPrincipal, records: f.records };
  }
  async getCredentials(): Promise<CcacheCredential[]> {
    const f = await this.read();
    if (!f) throw notFound(this.name);
    return allCredentials(f);
  }
  async initialize(principal: CcachePrincipal): Promise<void> {
    await this.write({ version: 4, header: [], defaultPrincipal: principal, credentials: [], config: [] });
  }
  async store(cred: CcacheCredential): Promise<void> {
    const f = await this.read();
    if (!f) throw notFound(this.name);
    await this.write(withCredentials(f, [...allCredentials(f), cred]));
  }
  async remove(match: (c: CcacheCredential) => boolean): Promise<void> {
    const f = await this.read();
    if (!f) throw notFound(this.name);
    await this.write(withCredentials(f, allCredentials(f).filter((c) => !match(c))));
  }
  async destroy(): Promise<void> {
    await fsp.rm(this.path, { force: true });
  }
  /** The KDC time offset kept in a version 4 header, if any. */
  async getKdcOffset(): Promise<{ seconds: number; microseconds: number } | null> {
    const f = await this.read();
    for (const h of f?.header ?? []) if ('kdcOffset' in h) return h.kdcOffset;
    return null;
  }
}
