/**
 * {@link getServiceCredential}: what `krb5_get_credentials` does for kvno and the HTTP helper (a
 * cached ticket when one is valid, else a TGS exchange — across realms, following referrals —
 * whose tickets are stored), and {@link getForwardedCredential} for delegation.
 * @module
 */
import { KerberosError } from '../errors.js';
import { capaths, defaultRealm, domainRealm, type CcacheCredential, type Krb5Conf } from '../formats/index.js';
import { NameType, isRc4 } from '../iana/index.js';
import { Ticket, parsePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import { getServiceTicket, getForwardedTgt } from '../client/index.js';
import { openCcache, cachePath, type CcacheStore } from './ccache/index.js';
import { KRB5_CC_NOTFOUND } from './trace.js';
import { createKrb5Context, tracedTransport, type Krb5Context } from './context.js';
import { ccText, parseWithRealm, tgsDefaults } from './policy.js';
import { credentialsOf, findTgt, kdcOffsetOf, noCache } from './tickets.js';

/**
 * The server's name as MIT resolves it for `krb5_get_credentials`: a realm in the text wins;
 * else, for a two-component host-based name, `[domain_realm]` of its host; else the referral
 * realm `''` (the TGT's realm is asked, and its referrals followed).
 */
export function resolveServer(profile: readonly Krb5Conf[], text: string, nameType: number = NameType.NT_PRINCIPAL): Principal {
  const p = parseWithRealm(text, undefined, nameType);
  if (p.realm !== '') return p;
  const host = p.components.length === 2 ? p.components[1]! : undefined;
  const realm = host !== undefined ? domainRealm(profile, host) : undefined;
  return { ...p, realm: realm ?? '' };
}

/** Options of {@link getServiceCredential}. */
export interface ServiceCredentialOptions {
  /** The service: `HTTP/www.example.com`, `HTTP/www.example.com@EXAMPLE.COM`. */
  server: string | Principal;
  /** The cache (a name or an open store; default the default cache). */
  ccache?: string | CcacheStore;
  /** The session-key enctype to ask for (as `kvno -e`). */
  etype?: number;
  /** Ask the KDC even when the cache holds a valid ticket (default false). */
  noCache?: boolean;
  /** Do not store what the KDC returned (default false: stored, as MIT does). */
  noStore?: boolean;
  /** The name type given to a text `server` (default NT-PRINCIPAL; NT-SRV-HST as `kvno -S`). */
  nameType?: number;
  context?: Krb5Context;
}

/** What {@link getServiceCredential} found or obtained. */
export interface ServiceCredentialResult {
  credential: CcacheCredential;
  store: CcacheStore;
  /** Whether it came from the cache (no KDC exchange). */
  cached: boolean;
  /** The service principal, as text. */
  server: string;
  /** The ticket's key version (its enc-part kvno), when the KDC sent one. */
  kvno: number | undefined;
}

export function sameServer(c: CcacheCredential, server: Principal): boolean {
  return (
    c.server.components.length === server.components.length &&
    c.server.components.every((x, i) => x === server.components[i]) &&
    (server.realm === '' || c.server.realm === server.realm)
  );
}

/**
 * A service ticket from the cache, as `krb5_get_credentials` gets one: a valid ticket already in
 * the cache, else a TGS exchange with the cache's TGT (across realms along `[capaths]` or the
 * realm hierarchy, following referrals), the new ticket and any cross-realm TGTs stored back.
 *
 * No cache, no TGT or an expired one is a `KerberosError` (`ERR_CCACHE_NOT_FOUND`, `ERR_NO_TGT`,
 * `ERR_TGT_EXPIRED`) saying to run kinit; the KDC's refusals are `KdcError`s.
 *
 * @example
 * ```ts
 * const { credential, kvno } = await getServiceCredential({ server: 'HTTP/www.example.com' })
 * ```
 */
export async function getServiceCredential(o: ServiceCredentialOptions): Promise<ServiceCredentialResult> {
  const ctx = o.context ?? createKrb5Context();
  const { profile } = ctx;
  const store = typeof o.ccache === 'object' ? o.ccache : await openCcache(o.ccache, ctx.store);
  const held = await store.getPrincipal().catch((e) => {
    throw new KerberosError(`cannot read the credentials cache ${store.name}: ${(e as Error).message}`, { code: 'ERR_CCACHE', cause: e });
  });
  if (!held) throw noCache(store);
  const server = typeof o.server === 'string' ? resolveServer(profile, o.server, o.nameType) : o.server;
  const now = ctx.now();
  const trace = ctx.trace;
  const serverText = unparsePrincipal(server);
  trace?.(`Getting credentials ${unparsePrincipal(held)} -> ${serverText} using ccache ${store.name}`);
  const creds = await credentialsOf(store);
  const notFound = `${KRB5_CC_NOTFOUND}/Matching credential not found${cachePath(store) !== undefined ? ` (filename: ${cachePath(store)})` : ''}`;
  const ticketOf = (c: CcacheCredential) => {
    const kvno = Ticket.decode(c.ticket).encPart.kvno;
    return kvno === undefined ? undefined : kvno >>> 0;
  };
  if (!o.noCache) {
    const hit = creds.filter((c) => sameServer(c, server) && c.endtime.getTime() > now.getTime() && (o.etype === undefined || c.key.etype === o.etype)).at(-1);
    trace?.(`Retrieving ${unparsePrincipal(held)} -> ${serverText} from ${store.name} with result: ${hit ? '0/Success' : notFound}`);
    if (hit) return { credential: hit, store, cached: true, server: ccText(hit.server), kvno: ticketOf(hit) };
  }
  const tgt = findTgt(creds, held, held.realm, now);
  const tgtName = unparsePrincipal({ realm: held.realm, components: ['krbtgt', held.realm] });
  trace?.(`Retrieving ${unparsePrincipal(held)} -> ${tgtName} from ${store.name} with result: ${tgt ? '0/Success' : notFound}`);
  if (!tgt) {
    const old = findTgt(creds, held, held.realm, now, true);
    if (old) {
      throw new KerberosError(`the ticket-granting ticket of ${ccText(held)} in ${store.name} expired at ${old.endtime.toISOString()}: run kinit`, {
        code: 'ERR_TGT_EXPIRED',
      });
    }
    throw new KerberosError(`no ticket-granting ticket for ${ccText(held)} in ${store.name}: run kinit`, { code: 'ERR_NO_TGT' });
  }
  const path = server.realm !== '' && server.realm !== held.realm ? capaths(profile, held.realm, server.realm) : [];
  const base = tgsDefaults(profile, held.realm, await kdcOffsetOf(store));
  trace?.(`Starting with TGT for client realm: ${unparsePrincipal(held)} -> ${tgtName}`);
  const r = await getServiceTicket({
    transport: tracedTransport(ctx, 'tgs'),
    tgt,
    server,
    now: ctx.now,
    options: {
      ...base,
      ...(o.etype !== undefined ? { etypes: [o.etype], allowWeakCrypto: base.allowWeakCrypto || isRc4(o.etype) } : {}),
      ...(path.length ? { transitPath: path } : {}),
    },
  });
  trace?.(`Received creds for desired service ${unparsePrincipal(r.credential.server)}`);
  if (!o.noStore) {
    for (const c of [...r.tgts, r.credential]) {
      trace?.(`Storing ${unparsePrincipal(c.client)} -> ${unparsePrincipal(c.server)} in ${store.name}`);
      await store.store(c);
    }
  }
  return { credential: r.credential, store, cached: false, server: ccText(r.credential.server), kvno: ticketOf(r.credential) };
}

/**
 * A forwarded TGT for delegation (FORWARDED, RFC 4120 §2.6) made from the cache's TGT, as MIT's
 * `krb5_fwd_tgt_creds`; not stored. A TGT that is not forwardable gets the KDC's
 * `KDC_ERR_BADOPTION`.
 * @example
 * ```ts
 * const fwd = await getForwardedCredential({ ccache: 'KCM:' })
 * ```
 */
export async function getForwardedCredential(o: { ccache?: string | CcacheStore; context?: Krb5Context }): Promise<CcacheCredential> {
  const ctx = o.context ?? createKrb5Context();
  const store = typeof o.ccache === 'object' ? o.ccache : await openCcache(o.ccache, ctx.store);
  const held = await store.getPrincipal();
  if (!held) throw noCache(store);
  const tgt = findTgt(await credentialsOf(store), held, held.realm, ctx.now());
  if (!tgt) throw new KerberosError(`no ticket-granting ticket for ${ccText(held)} in ${store.name} to forward: run kinit`, { code: 'ERR_NO_TGT' });
  const r = await getForwardedTgt({ transport: tracedTransport(ctx, 'tgs'), tgt, now: ctx.now, options: tgsDefaults(ctx.profile, held.realm, await kdcOffsetOf(store)) });
  return r.credential;
}

/** The KDC clock offset a cache records (FILE and DIR caches' v4 header), in seconds. */
export async function cacheKdcOffset(store: CcacheStore): Promise<number | undefined> {
  return (await kdcOffsetOf(store))?.seconds;
}

/**
 * A client principal from text as `krb5_parse_name` reads it: the profile's default realm when the
 * text names none; with `enterprise`, as KRB5_PRINCIPAL_PARSE_ENTERPRISE (`cyd.long@example.com`
 * is one component of name type 10).
 */
export function parseClientPrincipal(text: string, context: Krb5Context, enterprise = false): Principal {
  const r = defaultRealm(context.profile);
  if (enterprise) return parsePrincipal(text, r !== undefined ? { enterprise: true, realm: r } : { enterprise: true, noDefaultRealm: true });
  return parseWithRealm(text, r);
}
