/**
 * Choosing caches within a collection as MIT's library does: the caches a cursor yields
 * (`krb5_cccol_cursor`), the cache of a principal (`krb5_cc_cache_match`), making one the
 * primary (`krb5_cc_switch`), and where `kinit` writes (kinit.c's choice of output cache).
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { defaultCcacheName, parseCcacheName } from '../env.js';
import { openCcache, openCollection, type OpenCcacheOptions } from './index.js';
import { samePrincipal, type CcacheStore } from './types.js';
import type { Principal } from '../../messages/index.js';

function pathOf(store: unknown): string | undefined {
  const p = (store as { path?: unknown }).path;
  return typeof p === 'string' ? p : undefined;
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
    return existsSync(pathOf(store)!) ? [store] : [];
  }
  return (await openCollection(undefined, o)).list();
}

/** MIT `krb5_cc_cache_match`: the first cache of the collection whose default principal is `p`. */
export async function cacheMatch(o: OpenCcacheOptions, p: Principal): Promise<CcacheStore | null> {
  for (const s of await collectionStores(o)) {
    const q = await s.getPrincipal().catch(() => null);
    if (q && samePrincipal(q, p)) return s;
  }
  return null;
}

/** MIT `krb5_cc_switch`: the store's collection makes it primary (a no-op for FILE and MEMORY, as MIT). */
export async function switchToCache(store: CcacheStore, o: OpenCcacheOptions = {}): Promise<void> {
  if (store.type === 'DIR') {
    await (await openCollection(`DIR:${dirname(pathOf(store)!)}`, o)).switchTo(store);
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
export async function outputCache(o: OpenCcacheOptions, principal: Principal): Promise<{ store: CcacheStore; switchTo: boolean }> {
  const primary = await openCcache(undefined, o);
  if (!supportsSwitch(o)) return { store: primary, switchTo: false };
  const match = await cacheMatch(o, principal);
  if (match) return { store: match, switchTo: true };
  const held = await primary.getPrincipal().catch(() => null);
  if (held) return { store: await (await openCollection(undefined, o)).newCache(principal), switchTo: true };
  return { store: primary, switchTo: false };
}
