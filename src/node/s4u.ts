/**
 * S4U on Node (MS-SFU): a service acting for a user, with its TGT from a credential cache or its
 * keytab. {@link getCredentialForUser} is MIT's `krb5_get_credentials_for_user` (S4U2Self),
 * {@link getCredentialForProxy} its `krb5_get_credentials_for_proxy` (S4U2Proxy), and
 * {@link impersonate} both in one step: a ticket to a backend in a user's name.
 * @module
 */
import { KerberosError } from '../errors.js';
import { defaultRealm, type CcacheCredential } from '../formats/index.js';
import { NameType } from '../iana/index.js';
import { Ticket, samePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import { getS4U2ProxyTicket, getS4U2SelfTicket, type S4UEvidence } from '../client/index.js';
import { cachePath, openCcache, type CcacheStore } from './ccache/index.js';
import { createKrb5Context, tracedTransport, type Krb5Context } from './context.js';
import { kinit } from './kinit.js';
import { ccText, parseWithRealm, tgsDefaults } from './policy.js';
import { resolveServer, sameServer } from './service.js';
import { credentialsOf, findTgt, kdcOffsetOf, noCache } from './tickets.js';
import { KRB5_CC_NOTFOUND } from './trace.js';
import { KeytabFile } from './keytab-file.js';
import { defaultKeytabName } from './env.js';

/** Where the service's own TGT comes from. */
export interface ServiceIdentity {
  /**
   * The service's keytab (`FILE:/etc/svc.keytab`, or `true` for the default keytab): its TGT is
   * got with it (as `kinit -k`) into a MEMORY cache of this process and reused while valid.
   */
  keytab?: string | true;
  /** With `keytab`: the service principal (default: the keytab's first entry). */
  principal?: string;
  /** The cache holding the service's TGT (default: the default cache; with `keytab`, a MEMORY cache). */
  ccache?: string | CcacheStore;
  context?: Krb5Context;
}

/** Options of {@link getCredentialForUser}. */
export interface CredentialForUserOptions extends ServiceIdentity {
  /** The user: `alice`, `alice@EXAMPLE.COM`, or a principal record (an enterprise name: nameType 10). */
  user: string | Principal;
  /** Read the user name as an enterprise name (as `kvno -U`; default false, as `kvno -I`). */
  enterprise?: boolean;
  /** Ask the KDC even when the cache holds a valid ticket (default false). */
  noCache?: boolean;
  /** Do not store the ticket (default false: stored, as MIT does). */
  noStore?: boolean;
  /** Only from the cache, no KDC exchange (MIT's KRB5_GC_CACHED, `kvno --cached-only`). */
  cachedOnly?: boolean;
}

/** What {@link getCredentialForUser} found or obtained. */
export interface CredentialForUserResult {
  /** The user's ticket to the service (the evidence for {@link getCredentialForProxy}). */
  credential: CcacheCredential;
  /** The cache holding the service's TGT, where the ticket was stored. */
  store: CcacheStore;
  cached: boolean;
  /** The user the KDC issued the ticket for. */
  user: Principal;
  /** Whether it is forwardable: evidence for classic constrained delegation. */
  forwardable: boolean;
  /** The ticket's key version, when the KDC sent one. */
  kvno: number | undefined;
}

/** Options of {@link getCredentialForProxy}. */
export interface CredentialForProxyOptions extends ServiceIdentity {
  /** The user's ticket to the service: a {@link getCredentialForUser} result's credential, or the acceptor's `evidence`. */
  evidence: S4UEvidence;
  /** The backend (`HTTP/backend.example.com`; the service's realm unless named). */
  server: string | Principal;
  /** Send PA-PAC-OPTIONS with the resource-based-delegation bit (default true, as MIT). */
  resourceBased?: boolean;
  noCache?: boolean;
  noStore?: boolean;
}

/** What {@link getCredentialForProxy} found or obtained. */
export interface CredentialForProxyResult {
  /** The user's ticket to the backend. */
  credential: CcacheCredential;
  store: CcacheStore;
  cached: boolean;
  /** The backend, as text. */
  server: string;
  kvno: number | undefined;
}

const memoryNames = new Map<string, string>();

/** The cache with the service's TGT (from a keytab when one is given), the TGT, and the service. */
async function serviceTgt(o: ServiceIdentity, ctx: Krb5Context): Promise<{ store: CcacheStore; tgt: CcacheCredential; me: Principal }> {
  if (o.keytab !== undefined) {
    const key = `${o.keytab === true ? '' : o.keytab}\0${o.principal ?? ''}`;
    let name = typeof o.ccache === 'string' ? o.ccache : memoryNames.get(key);
    if (name === undefined) {
      name = `MEMORY:tskrb5-s4u-${memoryNames.size}-${Math.random().toString(36).slice(2)}`;
      memoryNames.set(key, name);
    }
    const store = typeof o.ccache === 'object' ? o.ccache : await openCcache(name, ctx.store);
    const held = await store.getPrincipal().catch(() => null);
    const tgt = held ? findTgt(await credentialsOf(store).catch(() => []), held, held.realm, new Date(ctx.now().getTime() + 60_000)) : undefined;
    if (held && tgt) return { store, tgt, me: held };
    const principal = o.principal ?? (await firstKeytabPrincipal(o.keytab, ctx));
    const r = await kinit({ principal, keytab: o.keytab, ccache: store.name, context: ctx });
    return { store: r.store, tgt: r.credential, me: r.credential.client };
  }
  const store = typeof o.ccache === 'object' ? o.ccache : await openCcache(o.ccache, ctx.store);
  const held = await store.getPrincipal().catch(() => null);
  if (!held) throw noCache(store);
  const tgt = findTgt(await credentialsOf(store), held, held.realm, ctx.now());
  if (!tgt) throw new KerberosError(`no ticket-granting ticket for ${ccText(held)} in ${store.name}: run kinit (for a service: kinit -k -t KEYTAB)`, { code: 'ERR_NO_TGT' });
  return { store, tgt, me: held };
}

async function firstKeytabPrincipal(keytab: string | true, ctx: Krb5Context): Promise<string> {
  const name = keytab === true ? defaultKeytabName(ctx.store) : keytab;
  const first = (await new KeytabFile(name).entries())[0];
  if (!first) throw new KerberosError(`keytab ${name} is empty`, { code: 'ERR_KEYTAB_NO_KEY' });
  return unparsePrincipal(first.principal);
}

const kvnoOf = (c: CcacheCredential): number | undefined => {
  const k = Ticket.decode(c.ticket).encPart.kvno;
  return k === undefined ? undefined : k >>> 0;
};

function notFound(store: CcacheStore): string {
  const path = cachePath(store);
  return `${KRB5_CC_NOTFOUND}/Matching credential not found${path !== undefined ? ` (filename: ${path})` : ''}`;
}

/** MIT's lines for the service's TGT and the TGS request made with it. */
function traceTgt(ctx: Krb5Context, store: CcacheStore, me: Principal, requested: Principal): void {
  const trace = ctx.trace;
  if (!trace) return;
  const tgs = unparsePrincipal({ realm: me.realm, components: ['krbtgt', me.realm] });
  trace(`Getting credentials ${unparsePrincipal(me)} -> ${tgs} using ccache ${store.name}`);
  trace(`Retrieving ${unparsePrincipal(me)} -> ${tgs} from ${store.name} with result: 0/Success`);
  trace(`Get cred via TGT ${tgs} after requesting ${unparsePrincipal(requested)} (canonicalize on)`);
}

/** MIT matches a cached S4U2Proxy ticket by its evidence too (KRB5_TC_MATCH_2ND_TKT): another evidence ticket asks the KDC again. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const sameClient = (a: Principal, b: Principal): boolean => a.realm === b.realm && samePrincipal({ components: a.components, realm: '' }, { components: b.components, realm: '' });

/**
 * S4U2Self: a ticket to the service itself in `user`'s name, as MIT's
 * `krb5_get_credentials_for_user` (`kvno -U user service`): a valid one from the cache, else
 * from the KDC with the service's TGT, stored in the cache.
 *
 * @example
 * ```ts
 * const { credential, forwardable } = await getCredentialForUser({ keytab: 'FILE:/etc/web.keytab', user: 'alice' })
 * ```
 */
export async function getCredentialForUser(o: CredentialForUserOptions): Promise<CredentialForUserResult> {
  const ctx = o.context ?? createKrb5Context();
  const { store, tgt, me } = await serviceTgt(o, ctx);
  const realm = defaultRealm(ctx.profile) ?? me.realm;
  const user: Principal =
    typeof o.user === 'object' ? o.user : o.enterprise ? { nameType: NameType.NT_ENTERPRISE, components: [o.user], realm: me.realm } : parseWithRealm(o.user, realm);
  if (user.realm === '') throw new KerberosError(`no realm in ${String(o.user)} and no default_realm in krb5.conf`, { code: 'ERR_NO_REALM' });
  const trace = ctx.trace;
  trace?.(`Getting credentials ${unparsePrincipal(user)} -> ${unparsePrincipal(me)} using ccache ${store.name}`);
  const now = ctx.now();
  if (!o.noCache) {
    const hit = (await credentialsOf(store)).filter((c) => sameClient(c.client, user) && sameServer(c, me) && c.endtime.getTime() > now.getTime()).at(-1);
    trace?.(`Retrieving ${unparsePrincipal(user)} -> ${unparsePrincipal(me)} from ${store.name} with result: ${hit ? '0/Success' : notFound(store)}`);
    if (hit) return { credential: hit, store, cached: true, user: hit.client, forwardable: (hit.flags & 0x40000000) !== 0, kvno: kvnoOf(hit) };
  }
  if (o.cachedOnly) throw new KerberosError(`Matching credential not found: no ticket for ${ccText(user)} to ${ccText(me)} in ${store.name}`, { code: 'ERR_CC_NOTFOUND' });
  traceTgt(ctx, store, me, me);
  const r = await getS4U2SelfTicket({
    transport: tracedTransport(ctx, 'tgs'),
    tgt,
    user,
    now: ctx.now,
    options: tgsDefaults(ctx.profile, me.realm, await kdcOffsetOf(store)),
  });
  if (!o.noStore) {
    trace?.(`Storing ${unparsePrincipal(r.credential.client)} -> ${unparsePrincipal(r.credential.server)} in ${store.name}`);
    await store.store(r.credential);
  }
  return { credential: r.credential, store, cached: false, user: r.user, forwardable: r.forwardable, kvno: kvnoOf(r.credential) };
}

/**
 * S4U2Proxy: a ticket to `server` in the name of the evidence ticket's user, as MIT's
 * `krb5_get_credentials_for_proxy` (`kvno -U user -P service`), with the service's TGT; cached
 * and stored as MIT does. Refusals are `KdcError`s that explain (`ERR_S4U_EVIDENCE_NOT_FORWARDABLE`,
 * `ERR_S4U2PROXY_REFUSED`).
 *
 * @example
 * ```ts
 * // in a negotiateMiddleware handler: act for the user who came in, towards a backend
 * const { credential } = await getCredentialForProxy({ keytab: 'FILE:/etc/web.keytab', evidence: req.negotiate.evidence, server: 'HTTP/backend.example.com' })
 * ```
 */
export async function getCredentialForProxy(o: CredentialForProxyOptions): Promise<CredentialForProxyResult> {
  const ctx = o.context ?? createKrb5Context();
  if (typeof o.evidence !== 'object' || o.evidence === null || !(o.evidence.ticket instanceof Uint8Array)) throw new TypeError('evidence must be { ticket, client, flags }');
  const { store, tgt, me } = await serviceTgt(o, ctx);
  const target = typeof o.server === 'string' ? resolveServer(ctx.profile, o.server) : o.server;
  const server = target.realm === '' ? { ...target, realm: me.realm } : target;
  const trace = ctx.trace;
  const now = ctx.now();
  if (!o.noCache) {
    const hit = (await credentialsOf(store))
      .filter(
        (c) => sameClient(c.client, o.evidence.client) && sameServer(c, server) && !c.isSkey && sameBytes(c.secondTicket, o.evidence.ticket) && c.endtime.getTime() > now.getTime(),
      )
      .at(-1);
    // MIT's krb5_get_credentials_for_proxy looks the ticket up with no client name
    trace?.(`Retrieving  -> ${unparsePrincipal(server)} from ${store.name} with result: ${hit ? '0/Success' : notFound(store)}`);
    if (hit) return { credential: hit, store, cached: true, server: ccText(hit.server), kvno: kvnoOf(hit) };
  }
  traceTgt(ctx, store, me, server);
  const r = await getS4U2ProxyTicket({
    transport: tracedTransport(ctx, 'tgs'),
    tgt,
    evidence: o.evidence,
    server,
    now: ctx.now,
    options: { ...tgsDefaults(ctx.profile, me.realm, await kdcOffsetOf(store)), ...(o.resourceBased === false ? { resourceBased: false } : {}) },
  });
  if (!o.noStore) {
    trace?.(`Storing ${unparsePrincipal(r.credential.client)} -> ${unparsePrincipal(r.credential.server)} in ${store.name}`);
    await store.store(r.credential);
  }
  return { credential: r.credential, store, cached: false, server: ccText(r.credential.server), kvno: kvnoOf(r.credential) };
}

/** Options of {@link impersonate}. */
export interface ImpersonateOptions extends ServiceIdentity {
  /** The user to act for. */
  user: string | Principal;
  enterprise?: boolean;
  /** The backend. */
  server: string | Principal;
  resourceBased?: boolean;
}

/**
 * Protocol transition then constrained delegation: S4U2Self for `user`, then S4U2Proxy to
 * `server` with that ticket as evidence. The user needs not have authenticated with Kerberos.
 *
 * @example
 * ```ts
 * const { credential } = await impersonate({ keytab: 'FILE:/etc/web.keytab', user: 'alice', server: 'HTTP/backend.example.com' })
 * ```
 */
export async function impersonate(o: ImpersonateOptions): Promise<CredentialForProxyResult & { evidence: CredentialForUserResult }> {
  const ctx = o.context ?? createKrb5Context();
  const identity: ServiceIdentity = {
    context: ctx,
    ...(o.keytab !== undefined ? { keytab: o.keytab } : {}),
    ...(o.principal !== undefined ? { principal: o.principal } : {}),
    ...(o.ccache !== undefined ? { ccache: o.ccache } : {}),
  };
  const self = await getCredentialForUser({ ...identity, user: o.user, ...(o.enterprise ? { enterprise: true } : {}) });
  const r = await getCredentialForProxy({
    ...identity,
    ccache: self.store,
    evidence: self.credential,
    server: o.server,
    ...(o.resourceBased === false ? { resourceBased: false } : {}),
  });
  return { ...r, evidence: self };
}
