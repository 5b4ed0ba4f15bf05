/**
 * Opening credential caches by name, as `krb5_cc_resolve` and `krb5_cccol_*` do: `FILE:`,
 * `DIR:` / `DIR::`, `KCM:`, `MEMORY:`; `KEYRING:` and `API:` are refused with the alternative.
 * @module
 */
import { UnsupportedError } from '../../errors.js';
import { defaultCcacheName, parseCcacheName, type EnvOptions } from '../env.js';
import { DirCollection, DirMemberStore } from './dir.js';
import { FileStore, type CcacheFileCodec } from './file.js';
import { KcmCollection, KcmStore } from './kcm/store.js';
import { KcmClient } from './kcm/socket.js';
import { MemoryCollection, MemoryStore } from './memory.js';
import type { CcacheCollection, CcacheCredential, CcacheStore } from './types.js';
import type { Principal } from '../../messages/index.js';
import { samePrincipal } from '../../messages/index.js';

export * from './types.js';
export { FileStore, formatsCodec, permissionError, type CcacheFileCodec } from './file.js';
export { allCredentials, withCredentials } from '../../formats/index.js';
export { DirCollection, DirMemberStore } from './dir.js';
export { KcmCollection, KcmStore } from './kcm/store.js';
export { KcmClient, type KcmOptions } from './kcm/socket.js';
export { KcmError, KcmOp, KcmStatus } from './kcm/protocol.js';
export { MemoryCollection, MemoryStore } from './memory.js';
export {
  collectionStores,
  cacheMatch,
  switchToCache,
  supportsSwitch,
  outputCache,
  cachePath,
  cacheStamp,
  selectCaches,
  describeCache,
  triedEntry,
  whyNoCredentials,
  type SelectCachesOptions,
  type CacheProblem,
} from './select.js';

export interface OpenCcacheOptions extends EnvOptions {
  /** krb5.conf `[libdefaults] default_ccache_name`. */
  defaultCcacheName?: string;
  /** krb5.conf `[libdefaults] kcm_socket`. */
  kcmSocket?: string;
  /** The FILE/DIR whole-file codec (default: `tskrb5/formats` decodeCcache / encodeCcache). */
  fileCodec?: CcacheFileCodec;
}

function unsupported(type: string): never {
  if (type === 'KEYRING') throw new UnsupportedError('KEYRING: credential caches (the Linux kernel keyring) are not supported: use KCM: (sssd-kcm) or DIR:/FILE:');
  if (type === 'API' || type === 'MSLSA') throw new UnsupportedError(`${type}: credential caches are not supported: use KCM: or DIR:/FILE:`);
  throw new UnsupportedError(`unknown credential cache type ${type}: use FILE:, DIR:, KCM: or MEMORY:`);
}

/**
 * Opens one cache: `name` or the default (KRB5CCNAME, default_ccache_name, FILE:/tmp/krb5cc_uid).
 * `KCM:` (empty residual) and `DIR:/dir` resolve to the collection's primary, as MIT does.
 * @example
 * ```ts
 * const cc = await openCcache()                 // what klist would show
 * console.log(await cc.getPrincipal(), (await cc.getCredentials()).length)
 * ```
 */
export async function openCcache(name?: string, o: OpenCcacheOptions = {}): Promise<CcacheStore> {
  const n = parseCcacheName(name ?? defaultCcacheName(o));
  switch (n.type) {
    case 'FILE':
      return new FileStore(n.residual, o.fileCodec);
    case 'DIR':
      return n.subsidiary ? new DirMemberStore(n.residual, o.fileCodec) : new DirCollection(n.residual, o.fileCodec).primary();
    case 'KCM': {
      const client = new KcmClient({ socketPath: o.kcmSocket });
      return n.residual === '' ? new KcmCollection(client).primary() : new KcmStore(client, n.residual);
    }
    case 'MEMORY':
      return new MemoryStore(n.residual);
    default:
      return unsupported(n.type);
  }
}

/** A single cache seen as a collection of one (FILE, and DIR::/KCM:name when named explicitly, as MIT's cursors). */
class SingleCollection implements CcacheCollection {
  constructor(
    readonly type: string,
    readonly only: CcacheStore,
  ) {}
  async list() {
    return (await this.only.getPrincipal()) ? [this.only] : [];
  }
  async primary() {
    return this.only;
  }
  async newCache(): Promise<CcacheStore> {
    throw new UnsupportedError(`${this.only.name} is not a cache collection: use DIR: or KCM:`);
  }
  async switchTo(): Promise<void> {
    throw new UnsupportedError(`${this.only.name} is not a cache collection: use DIR: or KCM:`);
  }
  async findByPrincipal(p: Principal) {
    const q = await this.only.getPrincipal();
    return q && samePrincipal(q, p) ? this.only : null;
  }
}

/**
 * The collection the default (or given) cache name belongs to, for `klist -A`, `kswitch` and
 * cache selection: `DIR:/d` → the directory, `KCM:` → the daemon's caches; a FILE, a
 * `DIR::member` or a named `KCM:x` is a collection of one (as MIT's per-type cursors).
 * @example
 * ```ts
 * for (const c of await (await openCollection('DIR:/run/user/1000/krb5cc')).list()) console.log(c.name)
 * ```
 */
export async function openCollection(name?: string, o: OpenCcacheOptions = {}): Promise<CcacheCollection> {
  const n = parseCcacheName(name ?? defaultCcacheName(o));
  switch (n.type) {
    case 'DIR':
      return n.subsidiary ? new SingleCollection('DIR', new DirMemberStore(n.residual, o.fileCodec)) : new DirCollection(n.residual, o.fileCodec);
    case 'KCM': {
      const client = new KcmClient({ socketPath: o.kcmSocket });
      return n.residual === '' ? new KcmCollection(client) : new SingleCollection('KCM', new KcmStore(client, n.residual));
    }
    case 'MEMORY':
      return new MemoryCollection(n.residual);
    case 'FILE':
      return new SingleCollection('FILE', new FileStore(n.residual, o.fileCodec));
    default:
      return unsupported(n.type);
  }
}

/** Copies every credential of `from` into `to`, initialized with `from`'s principal, in one replacement (MIT `krb5_cc_copy_creds` after init). */
export async function copyCcache(from: CcacheStore, to: CcacheStore): Promise<void> {
  const p = await from.getPrincipal();
  if (!p) throw new UnsupportedError(`${from.name} has no principal`, { code: 'ERR_CCACHE_NOT_FOUND' });
  const creds: CcacheCredential[] = await from.getCredentials();
  await to.initialize(p, creds);
}
