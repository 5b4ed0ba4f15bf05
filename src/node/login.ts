/**
 * The wired-up client on Node: krb5.conf, the KDC transport and the credential caches around
 * the sans-I/O AS and TGS exchanges of `src/client`. {@link kinit} does what MIT's kinit does
 * (password or keytab, the cache it chooses, config entries, the KDC offset in the header,
 * renewal); {@link getServiceCredential} does what `krb5_get_credentials` does for kvno and the
 * HTTP helper (a cached ticket when one is valid, else a TGS exchange whose tickets are stored).
 * @module
 */
import { hostname, userInfo } from 'node:os';
import { KerberosError } from '../errors.js';
import {
  capaths,
  configEntry,
  configToCredential,
  defaultRealm,
  domainRealm,
  getEnctypes,
  isConfigPrincipal,
  libdefault,
  libdefaultBoolean,
  parseDuration,
  LIBDEFAULTS,
  type CcacheCredential,
  type Krb5Conf,
} from '../formats/index.js';
import { NameType, errorMessage, isRc4 } from '../iana/index.js';
import { KRBError, Ticket, parsePrincipal, samePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import {
  getInitialCredentials,
  getServiceTicket,
  getForwardedTgt,
  renewCredential,
  type AsOptions,
  type ClientKey,
  type InitialCredentials,
  type Transport,
} from '../client/index.js';
import { openCcache, outputCache, switchToCache, cachePath, FileStore, type CcacheStore } from './ccache/index.js';
import { traceFromEnv, traceEtype, traceName, KRB5_CC_NOTFOUND, KRB5_ERROR_BASE, type Krb5Trace } from './trace.js';
import type { EnvOptions } from './env.js';
import { KeytabFile } from './keytab-file.js';
import { createKdcTransport, type KdcTransportOptions } from './kdc-transport/index.js';
import { loadKrb5Conf, storeOptionsFrom, type ProfileStoreOptions } from './profile.js';
import { defaultClientKeytabName, defaultKeytabName } from './env.js';

/** What the client reads from the outside world, each defaulting to the running process. */
export interface Krb5Context {
  /** The parsed krb5.conf files. */
  readonly profile: readonly Krb5Conf[];
  /** How requests reach the KDCs. */
  readonly transport: Transport;
  /** Cache and keytab names (KRB5CCNAME, default_ccache_name, …). */
  readonly store: ProfileStoreOptions;
  /** The local clock. */
  readonly now: () => Date;
  /** MIT-shaped trace lines (`KRB5_TRACE`), when tracing. */
  readonly trace?: Krb5Trace;
}

/** Options of {@link createKrb5Context}. */
export interface Krb5ContextOptions extends EnvOptions {
  /** krb5.conf, parsed (default: `KRB5_CONFIG` or /etc/krb5.conf, read now). */
  profile?: readonly Krb5Conf[];
  /** The KDC transport (default: UDP/TCP/KDC proxy located from the profile). */
  transport?: Transport;
  /** Options of the default transport (timeouts, resolver, trace). */
  transportOptions?: Omit<KdcTransportOptions, 'profile'>;
  now?: () => Date;
  /** Where MIT-shaped trace lines go (default: the file `KRB5_TRACE` names, if set); `false`: none. */
  trace?: Krb5Trace | false;
}

/**
 * A context over krb5.conf and the environment.
 * @example
 * ```ts
 * const ctx = createKrb5Context()                       // KRB5_CONFIG, KRB5CCNAME, … as MIT reads them
 * const ctx2 = createKrb5Context({ env: { ...process.env, KRB5_CONFIG: '/tmp/krb5.conf' } })
 * ```
 */
export function createKrb5Context(o: Krb5ContextOptions = {}): Krb5Context {
  const { profile: given, transport: t, transportOptions, now, trace: traceOption, ...env } = o;
  const profile = given ?? loadKrb5Conf({ env: env.env });
  const trace = traceOption === false ? undefined : (traceOption ?? traceFromEnv(env.env ?? process.env));
  return {
    profile,
    transport: t ?? createKdcTransport({ ...(trace ? { krb5Trace: trace } : {}), ...transportOptions, profile }),
    store: storeOptionsFrom(profile, env),
    now: now ?? (() => new Date()),
    ...(trace ? { trace } : {}),
  };
}

/** MIT's `code/message` for a KRB-ERROR reply, or undefined for any other reply. */
function krbErrorResult(reply: Uint8Array): string | undefined {
  if (reply[0] !== 0x7e) return undefined;
  try {
    const code = KRBError.decode(reply).errorCode;
    return `${KRB5_ERROR_BASE + code}/${errorMessage(code)}`;
  } catch {
    return undefined;
  }
}

/**
 * The context's transport, tracing each reply as MIT's client library does: an AS exchange's
 * `Received error from KDC: …`, a TGS exchange's `TGS request result: …`.
 */
function tracedTransport(ctx: Krb5Context, kind: 'as' | 'tgs'): Transport {
  const trace = ctx.trace;
  if (!trace) return ctx.transport;
  return {
    async send(realm, request, options) {
      const reply = await ctx.transport.send(realm, request, options);
      const err = krbErrorResult(reply);
      if (kind === 'as') {
        if (err) trace(`Received error from KDC: ${err}`);
      } else if (err) trace(`TGS request result: ${err}`);
      else if (reply[0] === 0x6d) trace('TGS request result: 0/Success');
      return reply;
    },
  };
}

function ccText(p: Principal): string {
  return unparsePrincipal(p);
}
/** Text as krb5_parse_name reads it, with `realm` as the default; `''` when none (the caller says what is missing). */
function parseWithRealm(text: string, realm: string | undefined, nameType?: number): Principal {
  const p = parsePrincipal(text, realm !== undefined ? { realm } : { noDefaultRealm: true });
  return nameType === undefined ? p : { ...p, nameType };
}

/** A `[libdefaults]` duration (`10h`, `1d 2h`, seconds), for the realm when it has its own. */
function duration(profile: readonly Krb5Conf[], name: string, realm: string, def: number): number {
  const v = libdefault(profile, name, realm);
  const s = v === undefined ? undefined : parseDuration(v);
  return s ?? def;
}

/**
 * An enctype list of [libdefaults] (`default_tkt_enctypes`, `default_tgs_enctypes`) within
 * `permitted_enctypes`, in the list's order, as MIT filters requests; RC4 only with
 * allow_weak_crypto (the client layer drops it otherwise).
 */
function enctypesFor(profile: readonly Krb5Conf[], name: 'default_tkt_enctypes' | 'default_tgs_enctypes'): number[] {
  const permitted = getEnctypes(profile, 'permitted_enctypes');
  return getEnctypes(profile, name).filter((e) => permitted.includes(e));
}

/** The AS options MIT's kinit takes from krb5.conf, overridden by the caller's. */
function asDefaults(profile: readonly Krb5Conf[], realm: string): AsOptions {
  const weak = libdefaultBoolean(profile, 'allow_weak_crypto', LIBDEFAULTS.allow_weak_crypto, realm);
  const renew = duration(profile, 'renew_lifetime', realm, LIBDEFAULTS.renew_lifetime);
  return {
    forwardable: libdefaultBoolean(profile, 'forwardable', LIBDEFAULTS.forwardable, realm),
    proxiable: libdefaultBoolean(profile, 'proxiable', LIBDEFAULTS.proxiable, realm),
    canonicalize: libdefaultBoolean(profile, 'canonicalize', LIBDEFAULTS.canonicalize, realm),
    lifetimeSec: duration(profile, 'ticket_lifetime', realm, LIBDEFAULTS.ticket_lifetime),
    ...(renew > 0 ? { renewLifetimeSec: renew } : {}),
    etypes: enctypesFor(profile, 'default_tkt_enctypes'),
    allowWeakCrypto: weak,
    clockskewSec: duration(profile, 'clockskew', realm, LIBDEFAULTS.clockskew),
    kdcTimesync: libdefaultBoolean(profile, 'kdc_timesync', LIBDEFAULTS.kdc_timesync, realm),
  };
}

/** Options of {@link kinit}. */
export interface KinitOptions {
  /**
   * The client (`alice`, `alice@EXAMPLE.COM`). Default as MIT's kinit: with `keytab`,
   * `host/<this host>`; else the default cache's principal; else the login name; in the default realm.
   */
  principal?: string;
  /** The password (else `prompt` is asked, unless `keytab`). */
  password?: string | Uint8Array;
  /** Asked for the password when none is given: `prompt('Password for alice@EXAMPLE.COM: ')`. */
  prompt?: (text: string) => Promise<string>;
  /** Log in with keys from a keytab: its name (`FILE:/etc/krb5.keytab`), or `true` for the default keytab (as `kinit -k`). */
  keytab?: string | true;
  /** With `keytab: true`, the default client keytab instead (as `kinit -k -i`). */
  clientKeytab?: boolean;
  /** The cache to write (default: where MIT's kinit would; a new member in a DIR or KCM collection). */
  ccache?: string;
  /** Renew the cache's TGT instead of logging in (as `kinit -R`). */
  renew?: boolean;
  /** Requested lifetime, seconds (default `ticket_lifetime`, 1 day). */
  lifetimeSec?: number;
  /** Requested renewable lifetime, seconds (default `renew_lifetime`). */
  renewLifetimeSec?: number;
  forwardable?: boolean;
  proxiable?: boolean;
  canonicalize?: boolean;
  /** The principal is an enterprise name (as `kinit -E`). */
  enterprise?: boolean;
  /** The service of the initial ticket (as `kinit -S`; default `krbtgt/REALM`). */
  service?: string;
  /** The context (default: {@link createKrb5Context}()). */
  context?: Krb5Context;
}

/** What {@link kinit} did. */
export interface KinitResult {
  /** The cache written. */
  store: CcacheStore;
  /** The credential stored. */
  credential: CcacheCredential;
  /** The client, as text. */
  principal: string;
  /** Whether the cache became the collection's primary. */
  switched: boolean;
  /** The AS exchange's details (absent after a renewal). */
  initial?: InitialCredentials;
}

/** `krb5_sname_to_principal(NULL, "host", KRB5_NT_SRV_HST)` with MIT's defaults off DNS: `host/<hostname>`. */
function hostPrincipal(): string {
  return `host/${hostname().toLowerCase()}`;
}

/**
 * Gets a TGT with a password or a keytab and writes it into a credential cache, as MIT's kinit:
 * the cache is initialized for the client, the credential stored with the `pa_type` config
 * entry, the KDC clock offset kept in a v4 header when kdc_timesync is on, and in a DIR or KCM
 * collection the cache becomes the primary.
 *
 * @example
 * ```ts
 * await kinit({ principal: 'alice@EXAMPLE.COM', password: 'secret' })       // like `kinit alice`
 * await kinit({ principal: 'svc@EXAMPLE.COM', keytab: 'FILE:/etc/svc.keytab', ccache: 'MEMORY:svc' })
 * ```
 */
export async function kinit(o: KinitOptions = {}): Promise<KinitResult> {
  const ctx = o.context ?? createKrb5Context();
  const { profile } = ctx;
  const realmDefault = defaultRealm(profile);
  const named = o.ccache !== undefined ? await openCcache(o.ccache, ctx.store) : undefined;

  let principalText = o.principal;
  if (principalText === undefined && o.keytab !== undefined) principalText = hostPrincipal();
  if (principalText === undefined) {
    const held = await (named ?? (await openCcache(undefined, ctx.store))).getPrincipal().catch(() => null);
    if (held) principalText = ccText(held);
  }
  if (principalText === undefined && !o.renew) principalText = userInfo().username;
  if (principalText === undefined) throw new KerberosError('no principal given and no credentials cache to renew', { code: 'ERR_CCACHE_NOT_FOUND' });

  const client: Principal = o.enterprise
    ? { nameType: NameType.NT_ENTERPRISE, components: [principalText], realm: realmDefault ?? '' }
    : parseWithRealm(principalText, realmDefault);
  if (client.realm === '') {
    throw new KerberosError(`no realm in ${principalText} and no default_realm in krb5.conf`, { code: 'ERR_NO_REALM' });
  }
  const me = client;
  const trace = ctx.trace;
  const timesync = libdefaultBoolean(profile, 'kdc_timesync', LIBDEFAULTS.kdc_timesync, client.realm);

  if (o.renew) {
    const store = named ?? (await openCcache(undefined, ctx.store));
    const held = await store.getPrincipal();
    if (!held) throw noCache(store);
    const tgt = findTgt(await credentialsOf(store), held, held.realm, ctx.now());
    if (!tgt) throw new KerberosError(`no ticket-granting ticket for ${ccText(held)} in ${store.name} to renew: run kinit`, { code: 'ERR_NO_TGT' });
    trace?.(`Getting credentials ${traceName(held)} -> ${traceName(tgt.server)} using ccache ${store.name}`);
    const r = await renewCredential({ transport: tracedTransport(ctx, 'tgs'), tgt, now: ctx.now, options: tgsDefaults(profile, held.realm, await kdcOffsetOf(store)) });
    await storing(writeCache(store, held, [r.credential], await kdcOffsetOf(store), trace));
    return { store, credential: r.credential, principal: ccText(held), switched: false };
  }

  trace?.(`Getting initial credentials for ${o.enterprise ? principalText : traceName(me)}`);
  let keys: ClientKey[] | undefined;
  let password = o.password;
  if (o.keytab !== undefined) {
    const name = o.keytab === true ? (o.clientKeytab ? defaultClientKeytabName(ctx.store) : defaultKeytabName(ctx.store)) : o.keytab;
    const entries = await new KeytabFile(name).entries();
    keys = entries
      .filter((e) => samePrincipal(e.principal, client))
      .map((e) => ({ etype: e.key.etype, value: e.key.value, kvno: e.kvno }));
    if (keys.length === 0) {
      throw new KerberosError(`keytab ${name} has no key for ${unparsePrincipal(client)}`, { code: 'ERR_KEYTAB_NO_KEY' });
    }
    trace?.(`Found entries for ${traceName(me)} in keytab: ${[...new Set(keys.map((k) => traceEtype(k.etype)))].join(', ')}`);
  } else if (password === undefined) {
    if (!o.prompt) throw new TypeError('give password, prompt or keytab');
    password = await o.prompt(`Password for ${unparsePrincipal(client)}: `);
  }

  const asOptions: AsOptions = {
    ...asDefaults(profile, client.realm),
    ...(o.lifetimeSec !== undefined ? { lifetimeSec: o.lifetimeSec } : {}),
    ...(o.renewLifetimeSec !== undefined ? { renewLifetimeSec: o.renewLifetimeSec } : {}),
    ...(o.forwardable !== undefined ? { forwardable: o.forwardable } : {}),
    ...(o.proxiable !== undefined ? { proxiable: o.proxiable } : {}),
    ...(o.canonicalize !== undefined ? { canonicalize: o.canonicalize } : {}),
    ...(o.enterprise ? { enterprise: true } : {}),
  };
  const initial = await getInitialCredentials({
    transport: tracedTransport(ctx, 'as'),
    client: o.enterprise ? principalText : client,
    realm: client.realm,
    ...(keys ? { keys } : { password: password! }),
    ...(o.service !== undefined ? { service: o.service } : {}),
    options: asOptions,
    now: ctx.now,
  });

  // The cache is initialized for the client the KDC named (canonical, possibly another realm).
  const holder = initial.credential.client;
  const { store, switchTo } = named ? { store: named, switchTo: false } : await outputCache(ctx.store, holder, trace);
  const extra: CcacheCredential[] = [];
  if (initial.preauthType !== undefined) {
    const about = ccText(initial.credential.server);
    // MIT's krb5_cc_set_config(…, "pa_type", …): a config record for the client
    extra.push(configToCredential(configEntry('pa_type', new TextEncoder().encode(String(initial.preauthType)), about), holder));
  }
  await storing(writeCache(store, holder, [...extra, initial.credential], timesync ? initial.kdcOffset : undefined, trace));
  if (switchTo) await switchToCache(store, ctx.store);
  return { store, credential: initial.credential, principal: ccText(holder), switched: switchTo, initial };
}

/** MIT's `k5_prependmsg(…, "Failed to store credentials")` on a cache refusing the new credentials. */
async function storing(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if ((e as KerberosError).code === 'ERR_CCACHE_PERMISSION') throw new KerberosError(`Failed to store credentials: ${(e as Error).message}`, { code: 'ERR_CCACHE_PERMISSION', cause: e });
    throw e;
  }
}

/** Initializes `store` for `principal` with these records in one replacement (one atomic write for FILE and DIR caches). */
async function writeCache(store: CcacheStore, principal: Principal, records: CcacheCredential[], kdcOffset?: { seconds: number; microseconds: number }, trace?: Krb5Trace): Promise<void> {
  if (trace) {
    trace(`Initializing ${store.name} with default princ ${traceName(principal)}`);
    for (const c of records) {
      if (isConfigPrincipal(c.server)) {
        const [, key, about] = c.server.components;
        trace(`Storing config in ${store.name} for ${about ?? '(none)'}: ${key}: ${new TextDecoder().decode(c.ticket)}`);
      }
      trace(`Storing ${traceName(c.client)} -> ${traceName(c.server)} in ${store.name}`);
    }
  }
  if (store instanceof FileStore) await store.initialize(principal, records, kdcOffset ? { kdcOffset } : {});
  else await store.initialize(principal, records);
}

async function kdcOffsetOf(store: CcacheStore): Promise<{ seconds: number; microseconds: number } | undefined> {
  return store instanceof FileStore ? ((await store.getKdcOffset().catch(() => null)) ?? undefined) : undefined;
}

function noCache(store: CcacheStore): KerberosError {
  return new KerberosError(`no credentials cache found (${store.name}): run kinit`, { code: 'ERR_CCACHE_NOT_FOUND' });
}

async function credentialsOf(store: CcacheStore): Promise<CcacheCredential[]> {
  return (await store.getCredentials()).filter((c) => !isConfigPrincipal(c.server));
}

/** The cache's `krbtgt/REALM@REALM` for the client, if it has not expired. */
function findTgt(creds: readonly CcacheCredential[], client: Principal, realm: string, now: Date, allowExpired = false): CcacheCredential | undefined {
  const all = creds.filter(
    (c) =>
      c.server.components.length === 2 &&
      c.server.components[0] === 'krbtgt' &&
      c.server.components[1] === realm &&
      c.server.realm === realm &&
      c.client.realm === client.realm &&
      samePrincipal({ components: c.client.components, realm: '' }, { components: client.components, realm: '' }),
  );
  const live = all.filter((c) => c.endtime.getTime() > now.getTime());
  return (allowExpired ? all : live).at(-1);
}

function tgsDefaults(profile: readonly Krb5Conf[], realm: string, kdcOffset: { seconds: number } | undefined) {
  return {
    etypes: enctypesFor(profile, 'default_tgs_enctypes'),
    allowWeakCrypto: libdefaultBoolean(profile, 'allow_weak_crypto', LIBDEFAULTS.allow_weak_crypto, realm),
    clockskewSec: duration(profile, 'clockskew', realm, LIBDEFAULTS.clockskew),
    ...(kdcOffset ? { kdcOffsetSec: kdcOffset.seconds } : {}),
  };
}

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

function sameServer(c: CcacheCredential, server: Principal): boolean {
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
  trace?.(`Getting credentials ${traceName(held)} -> ${serverText} using ccache ${store.name}`);
  const creds = await credentialsOf(store);
  const notFound = `${KRB5_CC_NOTFOUND}/Matching credential not found${cachePath(store) !== undefined ? ` (filename: ${cachePath(store)})` : ''}`;
  const ticketOf = (c: CcacheCredential) => {
    const kvno = Ticket.decode(c.ticket).encPart.kvno;
    return kvno === undefined ? undefined : kvno >>> 0;
  };
  if (!o.noCache) {
    const hit = creds.filter((c) => sameServer(c, server) && c.endtime.getTime() > now.getTime() && (o.etype === undefined || c.key.etype === o.etype)).at(-1);
    trace?.(`Retrieving ${traceName(held)} -> ${serverText} from ${store.name} with result: ${hit ? '0/Success' : notFound}`);
    if (hit) return { credential: hit, store, cached: true, server: ccText(hit.server), kvno: ticketOf(hit) };
  }
  const tgt = findTgt(creds, held, held.realm, now);
  const tgtName = traceName({ realm: held.realm, components: ['krbtgt', held.realm] });
  trace?.(`Retrieving ${traceName(held)} -> ${tgtName} from ${store.name} with result: ${tgt ? '0/Success' : notFound}`);
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
  trace?.(`Starting with TGT for client realm: ${traceName(held)} -> ${tgtName}`);
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
  trace?.(`Received creds for desired service ${traceName(r.credential.server)}`);
  if (!o.noStore) {
    for (const c of [...r.tgts, r.credential]) {
      trace?.(`Storing ${traceName(c.client)} -> ${traceName(c.server)} in ${store.name}`);
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

/** A client principal from text as `krb5_parse_name` reads it: the profile's default realm when the text names none. */
export function parseClientPrincipal(text: string, context: Krb5Context): Principal {
  const r = defaultRealm(context.profile);
  return parseWithRealm(text, r);
}
