/**
 * The credential store interface shared by the FILE, DIR, KCM and MEMORY caches. Credentials
 * are `tskrb5/formats`' `CcacheCredential` (MIT's `krb5_creds`, field for field).
 * @module
 */

import type { CcacheCredential } from '../../formats/index.js';
import type { Principal } from '../../messages/index.js';
export type { CcacheCredential } from '../../formats/index.js';

/** A cache as read at one moment (see {@link CcacheStore.snapshot}). */
export interface CcacheSnapshot {
  principal: Principal;
  /** In stored order, config entries included; iterating may throw the cache's DecodeError. */
  records: Iterable<CcacheCredential>;
  /** The file's bytes, for FILE and DIR caches (a listing may scan them itself: `CcacheScanner`). */
  bytes?: Uint8Array;
}

/** One credential cache (a FILE, one DIR member, one KCM cache, one MEMORY cache). */
export interface CcacheStore {
  /** `FILE`, `DIR`, `KCM`, `MEMORY`. */
  readonly type: string;
  /** The full name, usable as `KRB5CCNAME` (`FILE:/tmp/krb5cc_0`, `DIR::/d/tktAbc`, `KCM:0:12345`). */
  readonly name: string;
  /** The default principal, or null when the cache does not exist or is not initialized. */
  getPrincipal(): Promise<Principal | null>;
  /**
   * Every credential in stored order, as `krb5_cc_next_cred` yields them: cache configuration
   * entries (`krb5_ccache_conf_data/…@X-CACHECONF:`, see `isConfigPrincipal`) included, so a copy
   * between stores loses nothing. Throws if the cache does not exist.
   */
  getCredentials(): Promise<CcacheCredential[]>;
  /**
   * The default principal and every record (as {@link getCredentials} lists them) from one
   * consistent read — one file read for FILE and DIR, whose records are then decoded as they are
   * iterated, so a listing of a large cache holds one credential at a time. Null when the cache
   * does not exist or is not initialized.
   */
  snapshot(): Promise<CcacheSnapshot | null>;
  /**
   * Creates or empties the cache with this default principal and, when given, these
   * credentials (config entries included), in one replacement: a reader sees the old cache or
   * the new one, never an empty one in between. FILE and DIR: one new file renamed over the
   * old; MEMORY: one assignment; KCM: MIT's `KCM_OP_REPLACE` — a daemon without it (sssd-kcm
   * 2.8, Heimdal's kcm) gets INITIALIZE then one STORE per credential, as MIT's client falls
   * back (`k5_nonatomic_replace`), and there the cache is briefly empty.
   */
  initialize(principal: Principal, credentials?: CcacheCredential[]): Promise<void>;
  /**
   * Appends a credential (a config entry when its server is an `X-CACHECONF:` principal). FILE
   * and DIR append in place, as MIT does, so concurrent writers (ours and MIT's) lose nothing.
   */
  store(cred: CcacheCredential): Promise<void>;
  /** Removes the credentials for which `match` is true. */
  remove(match: (c: CcacheCredential) => boolean): Promise<void>;
  /** Removes the cache. */
  destroy(): Promise<void>;
}

/** A cache collection (DIR, KCM, and a single FILE or MEMORY cache seen as a collection of one). */
export interface CcacheCollection {
  readonly type: string;
  /** Every initialized cache, the primary first (MIT's `klist -A` order). */
  list(): Promise<CcacheStore[]>;
  /** The primary (default) cache, which may not exist yet. */
  primary(): Promise<CcacheStore>;
  /** A new, empty cache in the collection, initialized with this principal (MIT `krb5_cc_new_unique`). */
  newCache(principal: Principal): Promise<CcacheStore>;
  /** Makes this cache the primary (`kswitch`). */
  switchTo(store: CcacheStore): Promise<void>;
  /** The cache whose default principal is this one, if any (MIT `krb5_cc_cache_match`). */
  findByPrincipal(principal: Principal): Promise<CcacheStore | null>;
}

export { samePrincipal } from '../../messages/index.js';
