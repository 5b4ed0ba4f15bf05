/**
 * What krb5.conf means for one request, as MIT's library reads it: lifetimes, enctypes (RC4 only
 * with allow_weak_crypto), forwardable/proxiable/canonicalize for the AS exchange, the TGS
 * options, and how a principal's text is completed with the default realm.
 * @module
 */
import { hostname } from 'node:os';
import { getBoolean, getEnctypes, libdefault, libdefaultBoolean, parseDuration, LIBDEFAULTS, type Krb5Conf } from '../formats/index.js';
import { parsePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import type { AsOptions } from '../client/index.js';

export function ccText(p: Principal): string {
  return unparsePrincipal(p);
}
/** Text as krb5_parse_name reads it, with `realm` as the default; `''` when none (the caller says what is missing). */
export function parseWithRealm(text: string, realm: string | undefined, nameType?: number): Principal {
  const p = parsePrincipal(text, realm !== undefined ? { realm } : { noDefaultRealm: true });
  return nameType === undefined ? p : { ...p, nameType };
}

/** A `[libdefaults]` duration (`10h`, `1d 2h`, seconds), for the realm when it has its own. */
export function duration(profile: readonly Krb5Conf[], name: string, realm: string, def: number): number {
  const v = libdefault(profile, name, realm);
  const s = v === undefined ? undefined : parseDuration(v);
  return s ?? def;
}

/**
 * An enctype list of [libdefaults] (`default_tkt_enctypes`, `default_tgs_enctypes`) within
 * `permitted_enctypes`, in the list's order, as MIT filters requests; RC4 only with
 * allow_weak_crypto (the client layer drops it otherwise).
 */
export function enctypesFor(profile: readonly Krb5Conf[], name: 'default_tkt_enctypes' | 'default_tgs_enctypes'): number[] {
  const permitted = getEnctypes(profile, 'permitted_enctypes');
  return getEnctypes(profile, name).filter((e) => permitted.includes(e));
}

/** The AS options MIT's kinit takes from krb5.conf, overridden by the caller's. */
export function asDefaults(profile: readonly Krb5Conf[], realm: string): AsOptions {
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
    // MIT 1.17+: [realms] REALM disable_encrypted_timestamp, a client-side refusal of PA-ENC-TIMESTAMP.
    ...(getBoolean(profile, ['realms', realm, 'disable_encrypted_timestamp'], false) ? { disableEncryptedTimestamp: true } : {}),
  };
}

/** `krb5_sname_to_principal(NULL, "host", KRB5_NT_SRV_HST)` with MIT's defaults off DNS: `host/<hostname>`. */
export function hostPrincipal(): string {
  return `host/${hostname().toLowerCase()}`;
}

export function tgsDefaults(profile: readonly Krb5Conf[], realm: string, kdcOffset: { seconds: number } | undefined) {
  return {
    etypes: enctypesFor(profile, 'default_tgs_enctypes'),
    allowWeakCrypto: libdefaultBoolean(profile, 'allow_weak_crypto', LIBDEFAULTS.allow_weak_crypto, realm),
    clockskewSec: duration(profile, 'clockskew', realm, LIBDEFAULTS.clockskew),
    ...(kdcOffset ? { kdcOffsetSec: kdcOffset.seconds } : {}),
  };
}
