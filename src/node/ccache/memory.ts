/**
 * `MEMORY:` caches: in-process, shared by name within the process as MIT's are (two opens of
 * `MEMORY:x` see the same credentials), gone when the process exits.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { KerberosError } from '../../errors.js';
import type { CcacheCollection, CcacheCredential, CcacheSnapshot, CcacheStore } from './types.js';
import { samePrincipal } from './types.js';
import type { Principal } from '../../messages/index.js';

interface Data {
  principal: Principal;
  creds: CcacheCredential[];
}
const caches = new Map<string, Data>();

const clone = <T>(x: T): T => structuredClone(x);

export class MemoryStore implements CcacheStore {
  readonly type = 'MEMORY';
  readonly name: string;
  constructor(readonly residual: string) {
    this.name = `MEMORY:${residual}`;
  }
  async getPrincipal(): Promise<Principal | null> {
    const d = caches.get(this.residual);
    return d ? clone(d.principal) : null;
  }
  async getCredentials(): Promise<CcacheCredential[]> {
    const d = caches.get(this.residual);
    if (!d) throw new KerberosError(`credentials cache ${this.name} not found`, { code: 'ERR_CCACHE_NOT_FOUND' });
    return clone(d.creds);
  }
  async snapshot(): Promise<CcacheSnapshot | null> {
    const d = caches.get(this.residual);
    return d ? { principal: clone(d.principal), records: clone(d.creds) } : null;
  }
  async initialize(principal: Principal, credentials: CcacheCredential[] = []): Promise<void> {
    caches.set(this.residual, { principal: clone(principal), creds: clone(credentials) });
  }
  async store(cred: CcacheCredential): Promise<void> {
    const d = caches.get(this.residual);
    if (!d) throw new KerberosError(`credentials cache ${this.name} not found`, { code: 'ERR_CCACHE_NOT_FOUND' });
    d.creds.push(clone(cred));
  }
  async remove(match: (c: CcacheCredential) => boolean): Promise<void> {
    const d = caches.get(this.residual);
    if (d) d.creds = d.creds.filter((c) => !match(c));
  }
  async destroy(): Promise<void> {
    caches.delete(this.residual);
  }
}

/** The MEMORY "collection": every MEMORY cache of the process; the primary is the one named. */
export class MemoryCollection implements CcacheCollection {
  readonly type = 'MEMORY';
  constructor(private primaryName: string) {}
  async list(): Promise<CcacheStore[]> {
    const names = [...caches.keys()];
    names.sort((a, b) => (a === this.primaryName ? -1 : b === this.primaryName ? 1 : 0));
    return names.map((n) => new MemoryStore(n));
  }
  async primary(): Promise<CcacheStore> {
    return new MemoryStore(this.primaryName);
  }
  async newCache(principal: Principal): Promise<CcacheStore> {
    const s = new MemoryStore(randomBytes(6).toString('base64url'));
    await s.initialize(principal);
    return s;
  }
  async switchTo(store: CcacheStore): Promise<void> {
    if (!(store instanceof MemoryStore)) throw new TypeError('not a MEMORY cache');
    this.primaryName = store.residual;
  }
  async findByPrincipal(principal: Principal): Promise<CcacheStore | null> {
    for (const [n, d] of caches) if (samePrincipal(d.principal, principal)) return new MemoryStore(n);
    return null;
  }
}
