/**
 * `KCM:` caches and their collection, over {@link KcmClient}: MIT's cc_kcm.c operations
 * (GEN_NEW, INITIALIZE, STORE, RETRIEVE/REMOVE by match, GET_CRED_LIST, SET_DEFAULT_CACHE…).
 * @module
 */
import { DecodeError } from '../../../errors.js';
import type { CcacheCollection, CcacheCredential, CcacheSnapshot, CcacheStore } from '../types.js';
import { samePrincipal } from '../types.js';
import { CcacheWriter, decodeCcacheCredential, decodeCcachePrincipal, encodeCcacheCredential, encodeCcachePrincipal } from '../../../formats/index.js';
import type { Principal } from '../../../messages/index.js';
import { KcmClient, type KcmOptions } from './socket.js';
import { KcmOp, KcmStatus, KcmTc, KcmError, be32, concat, cstr, encodeKcmMatch, kcmMatches, kcmUnsupported, readName, u32At, uuids, type KcmMatch } from './protocol.js';

/** One KCM cache, addressed by its server-side name (e.g. sssd's `0:12345`). */
export class KcmStore implements CcacheStore {
  readonly type = 'KCM';
  readonly name: string;
  constructor(
    readonly client: KcmClient,
    readonly residual: string,
  ) {
    this.name = `KCM:${residual}`;
  }
  private call(op: number, ...params: Uint8Array[]): Promise<Uint8Array> {
    return this.client.call(op, concat(cstr(this.residual), ...params));
  }
  async getPrincipal(): Promise<Principal | null> {
    let r: Uint8Array;
    try {
      r = await this.call(KcmOp.GET_PRINCIPAL);
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_FCC_NOFILE || e.status === KcmStatus.KRB5_CC_NOTFOUND)) return null;
      throw e;
    }
    if (r.length === 0) return null; // Heimdal: code 0 and no principal
    return decodeCcachePrincipal(r, 4, { base: 'kcm.principal' });
  }
  async snapshot(): Promise<CcacheSnapshot | null> {
    const principal = await this.getPrincipal();
    return principal ? { principal, records: await this.getCredentials() } : null;
  }
  async getCredentials(): Promise<CcacheCredential[]> {
    try {
      // (count, count × {length, credential})
      const r = await this.call(KcmOp.GET_CRED_LIST);
      const n = u32At(r, 0, 'kcm.credlist');
      if (n > (r.length - 4) / 4) throw new DecodeError(`KCM credential count ${n} exceeds the reply`, { path: 'kcm.credlist', offset: 0 });
      const out: CcacheCredential[] = [];
      for (let i = 0, at = 4; i < n; i++) {
        const len = u32At(r, at, 'kcm.credlist');
        at += 4;
        if (len > r.length - at) throw new DecodeError(`KCM credential length ${len} exceeds the reply`, { path: 'kcm.credlist', offset: at - 4 });
        out.push(decodeCcacheCredential(r.subarray(at, at + len), 4, { base: 'kcm.credential' }));
        at += len;
      }
      return out;
    } catch (e) {
      // MIT falls back to the UUID walk when the daemon does not know the MIT extension
      if (!(e instanceof KcmError) || e.status === KcmStatus.KRB5_FCC_NOFILE) throw e;
    }
    const list = uuids(await this.call(KcmOp.GET_CRED_UUID_LIST));
    const out: CcacheCredential[] = [];
    for (const id of list) {
      try {
        out.push(decodeCcacheCredential(await this.call(KcmOp.GET_CRED_BY_UUID, id), 4, { base: 'kcm.credential' }));
      } catch (e) {
        if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_FCC_NOFILE)) continue; // removed meanwhile
        throw e;
      }
    }
    return out;
  }
  /**
   * Without credentials, KCM_OP_INITIALIZE. With them, MIT's KCM_OP_REPLACE (name, KDC offset
   * in seconds, principal, count, count × {length, cred}): the daemon swaps the whole cache at
   * once, as MIT's `kcm_replace`. A daemon without it (sssd-kcm 2.8 answers KRB5_CC_IO,
   * Heimdal's kcm KRB5_FCC_INTERNAL) gets INITIALIZE and one STORE per credential, as MIT's
   * `k5_nonatomic_replace`: the best the older protocol allows, the cache briefly empty.
   */
  async initialize(principal: Principal, credentials?: CcacheCredential[], o: { kdcOffsetSeconds?: number } = {}): Promise<void> {
    if (credentials && credentials.length > 0) {
      const w = new CcacheWriter(4)
        .u32(o.kdcOffsetSeconds ?? 0, 'KDC offset')
        .principal(principal)
        .u32(credentials.length);
      for (const c of credentials) w.data(encodeCcacheCredential(c, 4));
      try {
        await this.call(KcmOp.REPLACE, w.done());
        return;
      } catch (e) {
        if (!kcmUnsupported(e)) throw e;
      }
    }
    await this.call(KcmOp.INITIALIZE, encodeCcachePrincipal(principal, 4));
    for (const c of credentials ?? []) await this.store(c);
  }
  async store(cred: CcacheCredential): Promise<void> {
    await this.call(KcmOp.STORE, encodeCcacheCredential(cred, 4));
  }
  /**
   * KCM_OP_RETRIEVE (name, flags, mcred) → cred, as MIT's `kcm_retrieve`: the flag word is
   * `flags | KCM_GC_CACHED` (Heimdal values, `KcmTc`). When the daemon does not implement it
   * (`kcmUnsupported`), falls back to scanning the credential list as MIT's
   * `k5_cc_retrieve_cred_default`. Not found (KRB5_CC_END / KRB5_CC_NOTFOUND) is null.
   */
  async retrieve(match: KcmMatch, flags = 0): Promise<CcacheCredential | null> {
    try {
      const r = await this.call(KcmOp.RETRIEVE, be32((flags | KcmTc.GC_CACHED) >>> 0), encodeKcmMatch(match));
      return decodeCcacheCredential(r, 4, { base: 'kcm.credential' });
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_CC_NOTFOUND)) return null;
      if (!kcmUnsupported(e)) throw e;
    }
    return (await this.getCredentials()).find((c) => kcmMatches(c, match, flags)) ?? null;
  }
  /**
   * KCM_OP_REMOVE_CRED (name, flags, mcred) → (), as MIT's `kcm_remove_cred` (flags in Heimdal
   * values, `KcmTc`). No fallback here, as MIT: a daemon that does not implement it (sssd
   * answers KRB5_CC_NOSUPP) rejects with that KcmError; `remove` falls back to the rewrite.
   */
  async removeCred(match: KcmMatch, flags = 0): Promise<void> {
    await this.call(KcmOp.REMOVE_CRED, be32(flags >>> 0), encodeKcmMatch(match));
  }
  /**
   * Removes matching credentials. A `KcmMatch` (e.g. `{ server }`) goes to the daemon as
   * REMOVE_CRED first; a predicate, or a daemon that does not implement REMOVE_CRED
   * (`kcmUnsupported`), rewrites the cache (initialize + store the rest), which every daemon supports.
   */
  async remove(match: ((c: CcacheCredential) => boolean) | KcmMatch, flags = 0): Promise<void> {
    if (typeof match !== 'function') {
      try {
        return await this.removeCred(match, flags);
      } catch (e) {
        if (!kcmUnsupported(e)) throw e;
      }
      const m = match;
      return this.rewriteWithout((c) => kcmMatches(c, m, flags));
    }
    return this.rewriteWithout(match);
  }
  private async rewriteWithout(match: (c: CcacheCredential) => boolean): Promise<void> {
    const p = await this.getPrincipal();
    if (!p) return;
    const creds = await this.getCredentials();
    const keep = creds.filter((c) => !match(c));
    if (keep.length === creds.length) return;
    await this.initialize(p, keep);
  }
  async destroy(): Promise<void> {
    try {
      await this.call(KcmOp.DESTROY);
    } catch (e) {
      if (e instanceof KcmError && e.status === KcmStatus.KRB5_FCC_NOFILE) return;
      throw e;
    }
  }
  /** The KDC time offset in seconds kept with the cache. */
  async getKdcOffset(): Promise<number> {
    return u32At(await this.call(KcmOp.GET_KDC_OFFSET), 0, 'kcm.offset') | 0;
  }
  async setKdcOffset(seconds: number): Promise<void> {
    await this.call(KcmOp.SET_KDC_OFFSET, be32(seconds));
  }
}

/** The KCM collection of the calling user. */
export class KcmCollection implements CcacheCollection {
  readonly type = 'KCM';
  readonly client: KcmClient;
  constructor(o: KcmOptions | KcmClient = {}) {
    this.client = o instanceof KcmClient ? o : new KcmClient(o);
  }
  store(residual: string): KcmStore {
    return new KcmStore(this.client, residual);
  }
  async defaultName(): Promise<string> {
    return readName(await this.client.call(KcmOp.GET_DEFAULT_CACHE));
  }
  /** `KCM:` resolves to the daemon's default cache, as MIT's kcm_resolve. */
  async primary(): Promise<KcmStore> {
    return this.store(await this.defaultName());
  }
  async list(): Promise<KcmStore[]> {
    let ids: Uint8Array[];
    try {
      ids = uuids(await this.client.call(KcmOp.GET_CACHE_UUID_LIST));
    } catch (e) {
      if (e instanceof KcmError && (e.status === KcmStatus.KRB5_FCC_NOFILE || e.status === KcmStatus.KRB5_CC_END)) return [];
      throw e;
    }
    const primary = await this.defaultName();
    const out: KcmStore[] = [];
    const p = this.store(primary);
    if (await p.getPrincipal()) out.push(p);
    for (const id of ids) {
      let name: string;
      try {
        name = readName(await this.client.call(KcmOp.GET_CACHE_BY_UUID, id));
      } catch (e) {
        if (e instanceof KcmError && (e.status === KcmStatus.KRB5_CC_END || e.status === KcmStatus.KRB5_FCC_NOFILE)) continue;
        throw e;
      }
      if (name === primary) continue;
      const s = this.store(name);
      if (await s.getPrincipal()) out.push(s);
    }
    return out;
  }
  async newCache(principal: Principal): Promise<KcmStore> {
    const s = this.store(readName(await this.client.call(KcmOp.GEN_NEW)));
    await s.initialize(principal);
    return s;
  }
  async switchTo(store: CcacheStore): Promise<void> {
    if (!(store instanceof KcmStore)) throw new TypeError(`${store.name} is not a KCM cache`);
    await this.client.call(KcmOp.SET_DEFAULT_CACHE, cstr(store.residual));
  }
  async findByPrincipal(principal: Principal): Promise<KcmStore | null> {
    for (const s of await this.list()) {
      const p = await s.getPrincipal();
      if (p && samePrincipal(p, principal)) return s;
    }
    return null;
  }
}
