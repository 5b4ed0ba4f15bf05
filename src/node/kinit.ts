/**
 * {@link kinit}: what MIT's kinit does — password or keytab, the cache it chooses (a new member of a
 * DIR or KCM collection when the primary holds someone else), the pa_type config entry, the KDC
 * offset in the header, renewal.
 * @module
 */
import { userInfo } from 'node:os';
import { KerberosError } from '../errors.js';
import { configEntry, configToCredential, credentialToConfig, defaultRealm, isConfigPrincipal, libdefaultBoolean, LIBDEFAULTS, type CcacheCredential } from '../formats/index.js';
import { parsePrincipal, samePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import { getInitialCredentials, renewCredential, type AsOptions, type ClientKey, type FastArmorSource, type InitialCredentials } from '../client/index.js';
import { openCcache, outputCache, switchToCache, type CcacheStore } from './ccache/index.js';
import { traceEtype } from './trace.js';
import { KeytabFile } from './keytab-file.js';
import { defaultClientKeytabName, defaultKeytabName } from './env.js';
import { createKrb5Context, tracedTransport, type Krb5Context } from './context.js';
import { asDefaults, ccText, hostPrincipal, parseWithRealm, tgsDefaults } from './policy.js';
import { credentialsOf, findTgt, kdcOffsetOf, noCache, storing, writeCache } from './tickets.js';

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
  /**
   * The principal is an enterprise name (as `kinit -E`: `cyd.long@example.com`, or with a realm
   * `cyd.long@example.com@EXAMPLE.COM`). As MIT's kinit, the cache keeps the enterprise name as its
   * client unless `canonicalize` is set; then the name the KDC answered with.
   */
  enterprise?: boolean;
  /** The service of the initial ticket (as `kinit -S`; default `krbtgt/REALM`). */
  service?: string;
  /**
   * FAST armor (RFC 6113), as `kinit -T`: the name of a cache holding a TGT of the client's realm
   * (a host's, from `kinit -k`, or the user's own). The exchange is armored from the start when
   * that cache has MIT's `fast_avail` config entry for `krbtgt/REALM@REALM`, else as soon as the
   * KDC offers FAST; pre-authentication inside FAST is encrypted challenge.
   */
  armorCcache?: string;
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

  // As MIT's kinit -E (krb5_parse_name_flags with KRB5_PRINCIPAL_PARSE_ENTERPRISE): the first
  // `@` belongs to the name, a second one starts the realm (else the default realm).
  const client: Principal = o.enterprise
    ? parsePrincipal(principalText, realmDefault !== undefined ? { enterprise: true, realm: realmDefault } : { enterprise: true, noDefaultRealm: true })
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
    trace?.(`Getting credentials ${unparsePrincipal(held)} -> ${unparsePrincipal(tgt.server)} using ccache ${store.name}`);
    const r = await renewCredential({ transport: tracedTransport(ctx, 'tgs'), tgt, now: ctx.now, options: tgsDefaults(profile, held.realm, await kdcOffsetOf(store)) });
    await storing(writeCache(store, held, [r.credential], await kdcOffsetOf(store), trace));
    return { store, credential: r.credential, principal: ccText(held), switched: false };
  }

  trace?.(`Getting initial credentials for ${o.enterprise ? principalText : unparsePrincipal(me)}`);
  let keys: ClientKey[] | undefined;
  let password = o.password;
  if (o.keytab !== undefined) {
    const name = o.keytab === true ? (o.clientKeytab ? defaultClientKeytabName(ctx.store) : defaultKeytabName(ctx.store)) : o.keytab;
    const entries = await new KeytabFile(name).entries();
    keys = entries.filter((e) => samePrincipal(e.principal, client)).map((e) => ({ etype: e.key.etype, value: e.key.value, kvno: e.kvno }));
    if (keys.length === 0) {
      throw new KerberosError(`keytab ${name} has no key for ${unparsePrincipal(client)}`, { code: 'ERR_KEYTAB_NO_KEY' });
    }
    trace?.(`Found entries for ${unparsePrincipal(me)} in keytab: ${[...new Set(keys.map((k) => traceEtype(k.etype)))].join(', ')}`);
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
  const armor = o.armorCcache !== undefined ? await armorFrom(o.armorCcache, client.realm, ctx) : undefined;
  const asked = await getInitialCredentials({
    transport: tracedTransport(ctx, 'as'),
    client: o.enterprise ? client.components[0]! : client,
    realm: client.realm,
    ...(keys ? { keys } : { password: password! }),
    ...(o.service !== undefined ? { service: o.service } : {}),
    options: asOptions,
    now: ctx.now,
    ...(armor ? { armor } : {}),
  });

  // As MIT's kinit: an enterprise name stays the cache's client (and the credential's) unless
  // canonicalization was asked for (-C); then, as for any other name, the client the KDC named.
  const initial: InitialCredentials =
    o.enterprise && o.canonicalize !== true ? { ...asked, credential: { ...asked.credential, client: { ...client, realm: asked.credential.client.realm } } } : asked;
  const holder = initial.credential.client;
  const { store, switchTo } = named ? { store: named, switchTo: false } : await outputCache(ctx.store, holder, trace);
  const extra: CcacheCredential[] = [];
  const about = ccText(initial.credential.server);
  if (initial.fastAvailable) {
    // MIT write_out_ccache: krb5_cc_set_config(…, "fast_avail", "yes") first, then pa_type.
    extra.push(configToCredential(configEntry('fast_avail', new TextEncoder().encode('yes'), about), holder));
  }
  if (initial.preauthType !== undefined) {
    // MIT's krb5_cc_set_config(…, "pa_type", …): a config record for the client
    extra.push(configToCredential(configEntry('pa_type', new TextEncoder().encode(String(initial.preauthType)), about), holder));
  }
  await storing(writeCache(store, holder, [...extra, initial.credential], timesync ? initial.kdcOffset : undefined, trace));
  if (switchTo) await switchToCache(store, ctx.store);
  return { store, credential: initial.credential, principal: ccText(holder), switched: switchTo, initial };
}

/**
 * The armor of `kinit -T`: the cache's TGT for `krbtgt/REALM@REALM` (MIT's krb5int_fast_as_armor
 * gets it with krb5_get_credentials from that cache) and whether the cache's `fast_avail` config
 * entry for that TGT says the KDC does FAST.
 */
async function armorFrom(name: string, realm: string, ctx: Krb5Context): Promise<FastArmorSource> {
  const store = await openCcache(name, ctx.store);
  const held = await store.getPrincipal().catch(() => null);
  if (!held) throw new KerberosError(`Error constructing AP-REQ armor: no credentials cache found (${store.name})`, { code: 'ERR_FAST_ARMOR' });
  const all = await store.getCredentials();
  const tgt = findTgt(
    all.filter((c) => !isConfigPrincipal(c.server)),
    held,
    realm,
    ctx.now(),
  );
  const crossRealm = findTgtFor(all, realm, ctx.now());
  const armorTgt = tgt ?? crossRealm;
  // the TGS's name as MIT's krb5_unparse_name writes it (also the fast_avail entry's principal)
  const tgtText = unparsePrincipal({ components: ['krbtgt', realm], realm });
  if (!armorTgt) {
    throw new KerberosError(`Error constructing AP-REQ armor: no valid ticket for ${tgtText} in ${store.name} (run kinit -c ${name} first)`, {
      code: 'ERR_FAST_ARMOR',
    });
  }
  const fastAvail = all
    .filter((c) => isConfigPrincipal(c.server))
    .map(credentialToConfig)
    .some((e) => e.key === 'fast_avail' && e.principal === tgtText && e.value.length > 0);
  const offset = await kdcOffsetOf(store);
  return { tgt: armorTgt, fastAvailable: fastAvail, ...(offset ? { kdcOffsetSec: offset.seconds } : {}) };
}

/** Any unexpired `krbtgt/REALM@REALM` in the records (a cache whose principal is of another realm). */
function findTgtFor(all: readonly CcacheCredential[], realm: string, now: Date): CcacheCredential | undefined {
  return all
    .filter(
      (c) =>
        !isConfigPrincipal(c.server) &&
        c.server.components.length === 2 &&
        c.server.components[0] === 'krbtgt' &&
        c.server.components[1] === realm &&
        c.server.realm === realm &&
        c.endtime.getTime() > now.getTime(),
    )
    .at(-1);
}
