/**
 * The credential source of the Node `negotiateFetch`: service tickets from the user's credential
 * caches, chosen as MIT's ccselect does — an explicit `principal` picks its cache in the
 * collection (or, with `password`, logs in into a memory cache); otherwise the cache whose realm
 * serves the target host (`[domain_realm]`) first, then the primary, then the other caches of
 * the collection (KDC referrals decide for hosts no mapping names). Tickets obtained are stored
 * back, as MIT's GSS-API does; delegation gets a forwarded TGT from the same cache.
 * @module
 */
import { createKrb5Context, getForwardedCredential, getServiceCredential, kinit, snameToPrincipal, type CcacheStore, type Krb5Context } from '../../node/index.js';
import { cacheKdcOffset, parseClientPrincipal } from '../../node/service.js';
import { cacheStamp, describeCache, selectCaches, whyNoCredentials } from '../../node/ccache/select.js';
import type { CacheTried } from '../../errors.js';
import type { CredentialRequest, CredentialSource, NegotiateCredentials, NegotiateLogger } from '../negotiate-fetch.js';
import { unparsePrincipal } from '../../messages/index.js';

/** Options of {@link nodeCredentials}. */
export interface NodeCredentialOptions {
  /** The client principal to use (its cache in the collection; with `password`, a fresh login). */
  principal?: string;
  /**
   * `principal` is an enterprise name (`cyd.long@example.com`, as `kinit -E`): the cache whose
   * client is that enterprise name (as MIT's `kinit -E` writes it), or with `password` a login as it.
   */
  enterprise?: boolean;
  /** Log in `principal` with this password into a memory cache (once, then reused). */
  password?: string;
  /** A cache name to use instead of choosing in the collection. */
  ccache?: string;
  context?: Krb5Context;
  logger?: NegotiateLogger;
}

function text(p: { realm: string; components: readonly string[] }): string {
  return unparsePrincipal(p);
}

/**
 * @example
 * ```ts
 * const credentials = nodeCredentials({ principal: 'alice@EXAMPLE.COM' })
 * ```
 */
export function nodeCredentials(o: NodeCredentialOptions = {}): CredentialSource {
  let ctx: Krb5Context | undefined = o.context;
  const context = () => (ctx ??= createKrb5Context());
  let login: Promise<CcacheStore> | undefined;
  const log = o.logger ?? {};
  // The last ticket per service, kept while its cache file is unchanged (size and mtime) and the
  // ticket valid: a program making many requests reads the cache once, not once per request.
  const memo = new Map<string, { out: NegotiateCredentials; stamp: string | undefined; store: CcacheStore; endtime: number }>();

  /** The caches to try for a service of `serverRealm`, in MIT's ccselect order (src/node/ccache/select.ts). */
  async function candidates(serverRealm: string, server: string): Promise<CcacheStore[]> {
    const c = context();
    if (o.ccache === undefined && o.principal !== undefined && o.password !== undefined) {
      login ??= kinit({
        principal: o.principal,
        password: o.password,
        ccache: `MEMORY:negotiate-${Math.random().toString(36).slice(2)}`,
        context: c,
        ...(o.enterprise ? { enterprise: true } : {}),
      }).then((r) => r.store);
      return [await login];
    }
    return selectCaches(c.store, {
      serverRealm,
      server,
      ...(o.ccache !== undefined ? { ccache: o.ccache } : {}),
      ...(o.principal !== undefined ? { principal: parseClientPrincipal(o.principal, c, o.enterprise === true) } : {}),
      ...(c.trace ? { trace: c.trace } : {}),
    });
  }

  return {
    async getCredentials(req: CredentialRequest): Promise<NegotiateCredentials> {
      const c = context();
      const key = `${req.service}@${req.host}`;
      const hit = memo.get(key);
      if (hit && !req.delegate && hit.endtime > c.now().getTime() + 30_000 && hit.stamp !== undefined && cacheStamp(hit.store) === hit.stamp) {
        log.debug?.(`service ticket for ${key} reused (its cache ${hit.store.name} is unchanged)`);
        return hit.out;
      }
      const server = await snameToPrincipal(req.service, req.host, { profile: c.profile });
      const serverText = `${text({ realm: server.realm, components: server.components })}`;
      const stores = await candidates(server.realm, serverText);
      // Each cache tried, and what it gave: the error names them all when none serves.
      const tried: CacheTried[] = [];
      let first: unknown;
      for (const store of stores) {
        const holder = await store.getPrincipal().catch(() => null);
        if (!holder) {
          tried.push(await describeCache(store));
          continue;
        }
        try {
          const r = await getServiceCredential({ server, ccache: store, context: c });
          log.debug?.(`service ticket for ${r.server} from ${store.name} (${text(holder)})${r.cached ? ', cached' : ''}`);
          const out: NegotiateCredentials = { credential: r.credential, client: text(holder) };
          const off = await cacheKdcOffset(store);
          if (off) out.kdcOffsetSec = off;
          memo.set(key, { out: { ...out }, stamp: cacheStamp(store), store, endtime: r.credential.endtime.getTime() });
          if (req.delegate) {
            try {
              out.forwarded = await getForwardedCredential({ ccache: store, context: c });
            } catch (e) {
              log.warn?.(`no forwarded TGT for delegation: ${(e as Error).message}`);
            }
          }
          return out;
        } catch (e) {
          const t = await describeCache(store, e);
          tried.push(t);
          // The KDC's or the network's refusal is the error to report (the first one); a cache
          // without usable credentials is only listed.
          if (t.state === 'failed') first ??= e;
          log.debug?.(
            `${store.name} (${text(holder)}) gives no ticket for ${text({ realm: server.realm || '(referral)', components: server.components })}: ${(e as Error).message}`,
          );
        }
      }
      if (first) throw first;
      throw whyNoCredentials(tried);
    },
  };
}
