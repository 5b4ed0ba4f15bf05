/**
 * Choosing caches as MIT's library does, in one place: the caches a cursor yields
 * (`krb5_cccol_cursor`), the cache of a principal (`krb5_cc_cache_match`), making one the
 * primary (`krb5_cc_switch`), where `kinit` writes (kinit.c's choice of output cache), the order
 * in which a client that wants a service ticket tries them (`krb5_cc_select`, MIT's ccselect:
 * the realm of the target, then the primary, then the rest), and why a cache it tried gave
 * nothing (not found, empty, damaged, no TGT, an expired TGT) for the error that says so.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DecodeError, NoCredentialsError, type CacheTried } from '../../errors.js';
import { defaultCcacheName, parseCcacheName } from '../env.js';
import { KRB5_CC_NOTFOUND, type Krb5Trace } from '../trace.js';
import { DirMemberStore } from './dir.js';
import { FileStore } from './file.js';
import { openCcache, openCollection, type OpenCcacheOptions } from './index.js';
import { samePrincipal, type CcacheStore } from './types.js';
import { unparsePrincipal, type Principal } from '../../messages/index.js';

/** The file behind a FILE cache or a DIR member, when the store is one. */
export function cachePath(store: CcacheStore): string | undefined {
  return store instanceof FileStore ? store.path : undefined;
}

/**
 * Something that changes when the cache changes: size, mtime and inode of its file (FILE, DIR),
 * `'memory'` for a MEMORY cache (changed only by this process), undefined when there is no cheap
 * way to tell (KCM) or the file is gone. One `stat`, synchronous: for a program that keeps what
 * it read from a cache and must notice when another process (kinit, kdestroy) changes it.
 * @example
 * ```ts
 * const before = cacheStamp(store)
 * // … later: reread only if (cacheStamp(store) !== before)
 * ```
 */
export function cacheStamp(store: CcacheStore): string | undefined {
  const path = cachePath(store);
  if (path === undefined) return store.type === 'MEMORY' ? 'memory' : undefined;
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The caches of the default name's collection, as MIT's `krb5_cccol_cursor` yields them: a
 * FILE (or `DIR::member`) name is a collection of that one cache when its file exists, readable
 * or not (the caller then meets the error, as MIT's klist -A does); DIR and KCM list their caches.
 */
export async function collectionStores(o: OpenCcacheOptions = {}): Promise<CcacheStore[]> {
  const n = parseCcacheName(defaultCcacheName(o));
  if (n.type === 'FILE' || (n.type === 'DIR' && n.subsidiary)) {
    const store = await openCcache(undefined, o);
    return existsSync(cachePath(store)!) ? [store] : [];
  }
  return (await openCollection(undefined, o)).list();
}

/**
 * MIT `krb5_cc_cache_match`: the first cache of the collection whose default principal is `p`
 * (caches that cannot be read are passed over). `trace` gets MIT's `Matching … in collection`.
 */
export async function cacheMatch(o: OpenCcacheOptions, p: Principal, trace?: Krb5Trace): Promise<CcacheStore | null> {
  for (const s of await collectionStores(o)) {
    const q = await s.getPrincipal().catch(() => null);
    if (q && samePrincipal(q, p)) {
      trace?.(`Matching ${unparsePrincipal(p)} in collection with result: 0/Success`);
      return s;
    }
  }
  trace?.(`Matching ${unparsePrincipal(p)} in collection with result: ${KRB5_CC_NOTFOUND}/Can't find client principal ${unparsePrincipal(p)} in cache collection`);
  return null;
}

/** MIT `krb5_cc_switch`: the store's collection makes it primary (a no-op for FILE and MEMORY, as MIT). */
export async function switchToCache(store: CcacheStore, o: OpenCcacheOptions = {}): Promise<void> {
  if (store.type === 'DIR') {
    await (await openCollection(`DIR:${dirname(cachePath(store)!)}`, o)).switchTo(store);
  } else if (store.type === 'KCM') {
    await (await openCollection('KCM:', o)).switchTo(store);
  }
}

/** Whether the default cache type keeps a collection one can switch in (MIT `krb5_cc_support_switch`). */
export function supportsSwitch(o: OpenCcacheOptions = {}): boolean {
  const t = parseCcacheName(defaultCcacheName(o)).type;
  return t === 'DIR' || t === 'KCM';
}

/**
 * Where `kinit` puts the credentials of `principal` when no cache is named, as MIT's kinit.c
 * chooses: in a DIR or KCM collection, the cache that already holds that principal, else a new
 * cache when the primary holds someone else, else the primary — and `switchTo` says whether to
 * make it the primary afterwards. Elsewhere (FILE, MEMORY) the default cache itself.
 */
export async function outputCache(o: OpenCcacheOptions, principal: Principal, trace?: Krb5Trace): Promise<{ store: CcacheStore; switchTo: boolean }> {
  const primary = await openCcache(undefined, o);
  if (!supportsSwitch(o)) return { store: primary, switchTo: false };
  const match = await cacheMatch(o, principal, trace);
  if (match) return { store: match, switchTo: true };
  const held = await primary.getPrincipal().catch(() => null);
  if (held) {
    trace?.(`Resolving unique ccache of type ${parseCcacheName(defaultCcacheName(o)).type}`);
    return { store: await (await openCollection(undefined, o)).newCache(principal), switchTo: true };
  }
  return { store: primary, switchTo: false };
}

// ------------------------------------------------------------------------ choosing for a service

/** Options of {@link selectCaches}. */
export interface SelectCachesOptions {
  /**
   * The service's realm as `[domain_realm]` maps its host (`snameToPrincipal` resolves it), or
   * `''` when no mapping names one (the KDC's referrals decide).
   */
  serverRealm: string;
  /** The service, for the trace (`HTTP/www.example.com@EXAMPLE.COM`). */
  server?: string;
  /** A cache name to use instead of choosing (only that cache). */
  ccache?: string;
  /** The client: only its cache in the collection (`krb5_cc_cache_match`); none is a {@link NoCredentialsError}. */
  principal?: Principal;
  trace?: Krb5Trace;
}

/**
 * The caches to try, in order, for a ticket to a service, as MIT's `krb5_cc_select` (GSS-API's
 * choice of credentials) orders them: with `ccache`, that cache; with `principal`, its cache;
 * otherwise the caches whose client is of the service's realm (ccselect's realm module), then
 * the primary, then every other cache of the collection (KDC referrals may still serve them).
 * Caches that cannot be read are kept in the list, so that the caller can say what was wrong
 * with each ({@link whyNoCredentials}).
 */
export async function selectCaches(o: OpenCcacheOptions, s: SelectCachesOptions): Promise<CcacheStore[]> {
  if (s.ccache !== undefined) return [await openCcache(s.ccache, o)];
  if (s.principal !== undefined) {
    const found = await cacheMatch(o, s.principal, s.trace);
    if (found) return [found];
    const tried = await Promise.all((await collectionStores(o).catch(() => [])).map((c) => describeCache(c)));
    const name = unparsePrincipal(s.principal);
    throw new NoCredentialsError(`no credentials cache for ${name} in the collection${triedText(tried)}: run kinit ${name}`, tried);
  }
  const primary = await openCcache(undefined, o);
  let all: CcacheStore[] = [];
  try {
    all = await (await openCollection(undefined, o)).list();
  } catch {
    all = [];
  }
  const info = await Promise.all(all.map(async (c) => ({ c, p: await c.getPrincipal().catch(() => null) })));
  const ordered: CcacheStore[] = [];
  const add = (c: CcacheStore) => {
    if (!ordered.some((x) => x.name === c.name)) ordered.push(c);
  };
  const chosen = s.serverRealm === '' ? undefined : info.find(({ p }) => p?.realm === s.serverRealm);
  if (chosen) {
    s.trace?.(`ccselect module realm chose cache ${chosen.c.name} with client principal ${unparsePrincipal(chosen.p!)} for server principal ${s.server ?? `@${s.serverRealm}`}`);
    for (const { c, p } of info) if (p?.realm === s.serverRealm) add(c);
  } else {
    s.trace?.(`ccselect can't find appropriate cache for server principal ${s.server ?? `@${s.serverRealm}`}`);
  }
  add(primary);
  for (const { c } of info) add(c);
  // The members a DIR cursor passes over (empty, unreadable, not a cache) come last: they cannot
  // serve, but a person told "no credentials" wants to hear about them.
  if (primary instanceof DirMemberStore) {
    const dir = dirname(primary.path);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.sort()) {
      if (!n.startsWith('tkt') || ordered.some((x) => cachePath(x) === join(dir, n))) continue;
      if (
        await stat(join(dir, n)).then(
          (st) => st.isFile(),
          () => false,
        )
      )
        add(new DirMemberStore(join(dir, n), primary.codec));
    }
  }
  return ordered;
}

/** Why a cache gave no credentials (MIT's "damaged" covers a file that cannot be read or decoded). */
export type CacheProblem = CacheTried['state'];

function errnoText(e: unknown): string | undefined {
  switch ((e as NodeJS.ErrnoException | undefined)?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'unreadable: permission denied';
    case 'EISDIR':
      return 'unreadable: a directory';
    case 'ENOTDIR':
      return 'unreadable: a path component is not a directory';
    default:
      return undefined;
  }
}

/**
 * What is in a cache, for a message: `not-found` (no file, no such KCM cache), `empty` (a file
 * of no bytes, or a cache with no client), `damaged` (cannot be read, or is not a credential
 * cache), else `ok` with its client. `error` is what using the cache threw, when it did: no TGT,
 * an expired TGT, a damaged record.
 */
export async function describeCache(store: CcacheStore, error?: unknown): Promise<CacheTried> {
  const name = store.name;
  let principal: Principal | null;
  try {
    principal = await store.getPrincipal();
  } catch (e) {
    return { name, state: 'damaged', detail: damage(e) };
  }
  if (!principal) {
    const path = cachePath(store);
    if (path !== undefined) {
      try {
        return { name, state: statSync(path).size === 0 ? 'empty' : 'not-found' };
      } catch (e) {
        const why = errnoText(e);
        return why ? { name, state: 'damaged', detail: why } : { name, state: 'not-found' };
      }
    }
    return { name, state: 'not-found' };
  }
  const client = unparsePrincipal(principal);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_TGT_EXPIRED') return { name, state: 'expired', principal: client, detail: (error as Error).message };
  if (code === 'ERR_NO_TGT') return { name, state: 'no-tgt', principal: client };
  if (code === 'ERR_CCACHE_NOT_FOUND') return { name, state: 'not-found', principal: client };
  if (code === 'ERR_CCACHE' || error instanceof DecodeError) return { name, state: 'damaged', principal: client, detail: damage(error) };
  if (error !== undefined) return { name, state: 'failed', principal: client, detail: (error as Error)?.message ?? String(error) };
  return { name, state: 'ok', principal: client };
}

function damage(e: unknown): string {
  const why = errnoText(e) ?? errnoText((e as { cause?: unknown })?.cause);
  if (why) return why;
  const d = e instanceof DecodeError ? e : (e as { cause?: unknown })?.cause instanceof DecodeError ? (e as { cause: DecodeError }).cause : undefined;
  if (d) return `not a credential cache (${d.message})`;
  return e instanceof Error ? e.message : String(e);
}

/** `FILE:/tmp/krb5cc_0 (not found)`, `DIR::/d/tkt (damaged: …)`, `FILE:/x (alice@R: TGT expired …)`. */
export function triedEntry(t: CacheTried): string {
  const who = t.principal !== undefined ? `${t.principal}: ` : '';
  switch (t.state) {
    case 'not-found':
      return `${t.name} (not found)`;
    case 'empty':
      return `${t.name} (empty)`;
    case 'damaged':
      return `${t.name} (${who}damaged: ${t.detail})`;
    case 'no-tgt':
      return `${t.name} (${who}no ticket-granting ticket)`;
    case 'expired':
      return `${t.name} (${who}${expiredText(t.detail)})`;
    case 'failed':
      return `${t.name} (${who}${t.detail})`;
    case 'ok':
      return `${t.name} (${t.principal})`;
  }
}

function expiredText(detail: string | undefined): string {
  const at = detail ? / expired at (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(detail)?.[1] : undefined;
  return at ? `ticket-granting ticket expired at ${at}` : 'ticket-granting ticket expired';
}

function triedText(tried: readonly CacheTried[]): string {
  return tried.length ? ` (tried ${tried.map(triedEntry).join(', ')})` : '';
}

/**
 * The error for a client that found no usable credentials in the caches it tried:
 * `no Kerberos credentials: tried FILE:/tmp/krb5cc_0 (not found), DIR::/run/user/0/krb5cc/tkt
 * (damaged: …): run kinit`.
 */
export function whyNoCredentials(tried: readonly CacheTried[]): NoCredentialsError {
  const list = tried.length ? `tried ${tried.map(triedEntry).join(', ')}` : 'no credentials cache';
  return new NoCredentialsError(`no Kerberos credentials: ${list}: run kinit`, tried);
}
