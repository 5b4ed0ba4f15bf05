/**
 * Typed reads over a parsed krb5.conf ({@link Krb5Profile}), kept apart from the parser. Each
 * follows the MIT krb5 1.20 function named beside it; `test/formats/krb5conf-mit.test.ts`
 * checks booleans, durations, enctype names, permitted_enctypes lists, domain_realm lookups and
 * default_realm against libkrb5 itself.
 * @module
 */

import { ConfigError } from '../../errors.js';
import { EncType } from '../../iana/enctype.js';
import { getString, getSubsectionNames, getValues, listSection, type Krb5Profile } from '../krb5conf.js';

const YES = ['y', 'yes', 'true', 't', '1', 'on'];
const NO = ['n', 'no', 'false', 'nil', '0', 'off'];

/** MIT's profile_parse_boolean: case-insensitive yes/no words; anything else is `undefined`. */
export function parseBoolean(s: string): boolean | undefined {
  const l = s.toLowerCase();
  if (YES.includes(l)) return true;
  if (NO.includes(l)) return false;
  return undefined;
}

/**
 * MIT's `profile_get_boolean`: the first value at `path`, or `def` when there is none; a value
 * that is no boolean is a `ConfigError` (MIT's PROF_BAD_BOOLEAN).
 */
export function getBoolean(profile: Krb5Profile, path: readonly string[], def: boolean): boolean {
  const v = getString(profile, path);
  if (v === undefined) return def;
  const b = parseBoolean(v);
  if (b === undefined) throw new ConfigError(`Invalid boolean value in profile: ${path.join('.')} = ${v}`);
  return b;
}

const INT_MAX = 2147483647;

/**
 * MIT's `krb5_string_to_deltat` (lib/krb5/krb/deltat.y): `36000`, `10h`, `1d 2h 3m 4s` (units
 * in that order, each at most once, a sign allowed on each number; blanks between them and at the
 * end, but not after an `s`), `h:m` or `h:m:s` (no trailing blank). Input ends
 * at the first character outside digits, blanks, `-`, `:`, `d`, `h`, `m`, `s` (as MIT's lexer
 * does). Results outside a signed 32-bit range are errors. Returns seconds or `undefined`.
 */
export function parseDuration(input: string): number | undefined {
  let s = input;
  const cut = s.search(/[^0-9\-:dhms \t\n]/);
  if (cut >= 0) s = s.slice(0, cut);
  const nums: number[] = [];
  const num = (t: string | undefined): number => {
    if (t === undefined) return 0;
    const n = Number(t);
    if (Math.abs(n) > INT_MAX) throw new RangeError();
    nums.push(n);
    return n;
  };
  const ok = (total: number) => (Math.abs(total) <= INT_MAX ? total + 0 || 0 : undefined);
  try {
    let m = /^[ \t\n]*(-?\d+)$/.exec(s);
    if (m) return ok(num(m[1]));
    m = /^[ \t\n]*(-?\d+):(\d+)(?::(\d+))?$/.exec(s);
    if (m) return ok(num(m[1]) * 3600 + num(m[2]) * 60 + num(m[3]));
    m = /^[ \t\n]*(?:(-?\d+)d[ \t\n]*)?(?:(-?\d+)h[ \t\n]*)?(?:(-?\d+)m[ \t\n]*)?(?:(-?\d+)s)?$/.exec(s);
    if (m && (m[1] ?? m[2] ?? m[3] ?? m[4]) !== undefined) {
      const parts = [num(m[1]) * 86400, num(m[2]) * 3600, num(m[3]) * 60, num(m[4])];
      if (parts.some((p) => Math.abs(p) > INT_MAX)) return undefined;
      return ok(parts.reduce((a, b) => a + b, 0));
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** A duration relation (first value), `def` when absent; a malformed one is a `ConfigError`. */
export function getDuration(profile: Krb5Profile, path: readonly string[], def: number): number {
  const v = getString(profile, path);
  if (v === undefined) return def;
  const d = parseDuration(v);
  if (d === undefined) throw new ConfigError(`Invalid duration in profile: ${path.join('.')} = ${v}`);
  return d;
}

/**
 * Enctype names MIT 1.20 accepts (lib/crypto/krb/etypes.c: name and aliases, case-insensitive),
 * aligned with `src/iana/enctype.ts`. The single-DES names are gone from MIT 1.18 on and are not
 * accepted (checked against krb5_string_to_enctype).
 */
export const ENCTYPE_BY_NAME: Readonly<Record<string, number>> = {
  'des3-cbc-sha1': EncType.DES3_CBC_SHA1,
  'des3-hmac-sha1': EncType.DES3_CBC_SHA1,
  'des3-cbc-sha1-kd': EncType.DES3_CBC_SHA1,
  'arcfour-hmac': EncType.RC4_HMAC,
  'rc4-hmac': EncType.RC4_HMAC,
  'arcfour-hmac-md5': EncType.RC4_HMAC,
  'arcfour-hmac-exp': EncType.RC4_HMAC_EXP,
  'rc4-hmac-exp': EncType.RC4_HMAC_EXP,
  'arcfour-hmac-md5-exp': EncType.RC4_HMAC_EXP,
  'aes128-cts-hmac-sha1-96': EncType.AES128_CTS_HMAC_SHA1_96,
  'aes128-cts': EncType.AES128_CTS_HMAC_SHA1_96,
  'aes128-sha1': EncType.AES128_CTS_HMAC_SHA1_96,
  'aes256-cts-hmac-sha1-96': EncType.AES256_CTS_HMAC_SHA1_96,
  'aes256-cts': EncType.AES256_CTS_HMAC_SHA1_96,
  'aes256-sha1': EncType.AES256_CTS_HMAC_SHA1_96,
  'camellia128-cts-cmac': EncType.CAMELLIA128_CTS_CMAC,
  'camellia128-cts': EncType.CAMELLIA128_CTS_CMAC,
  'camellia256-cts-cmac': EncType.CAMELLIA256_CTS_CMAC,
  'camellia256-cts': EncType.CAMELLIA256_CTS_CMAC,
  'aes128-cts-hmac-sha256-128': EncType.AES128_CTS_HMAC_SHA256_128,
  'aes128-sha2': EncType.AES128_CTS_HMAC_SHA256_128,
  'aes256-cts-hmac-sha384-192': EncType.AES256_CTS_HMAC_SHA384_192,
  'aes256-sha2': EncType.AES256_CTS_HMAC_SHA384_192,
};

/** MIT's enctype families in krb5int_parse_enctype_list, in MIT's order. */
const FAMILIES: Readonly<Record<string, readonly number[]>> = {
  des3: [EncType.DES3_CBC_SHA1],
  rc4: [EncType.RC4_HMAC],
  camellia: [EncType.CAMELLIA256_CTS_CMAC, EncType.CAMELLIA128_CTS_CMAC],
  aes: [EncType.AES256_CTS_HMAC_SHA1_96, EncType.AES128_CTS_HMAC_SHA1_96, EncType.AES256_CTS_HMAC_SHA384_192, EncType.AES128_CTS_HMAC_SHA256_128],
};

/** MIT 1.20's DEFAULT list (lib/krb5/krb/init_ctx.c), checked with krb5_get_permitted_enctypes. */
export const DEFAULT_ENCTYPES: readonly number[] = [
  EncType.AES256_CTS_HMAC_SHA1_96,
  EncType.AES128_CTS_HMAC_SHA1_96,
  EncType.AES256_CTS_HMAC_SHA384_192,
  EncType.AES128_CTS_HMAC_SHA256_128,
  EncType.DES3_CBC_SHA1,
  EncType.RC4_HMAC,
  EncType.CAMELLIA128_CTS_CMAC,
  EncType.CAMELLIA256_CTS_CMAC,
];

/** Enctypes MIT calls weak (dropped unless allow_weak_crypto): the export-grade RC4. */
const WEAK = new Set<number>([EncType.RC4_HMAC_EXP]);

/** One enctype name to its number (krb5_string_to_enctype), or `undefined`. */
export function enctypeFromName(name: string): number | undefined {
  return ENCTYPE_BY_NAME[name.toLowerCase()];
}

/**
 * MIT's krb5int_parse_enctype_list: tokens separated by blanks or commas; `+`/`-` add or
 * remove; `DEFAULT`, single names and families (`aes`, `des3`, `rc4`, `camellia`); unknown names
 * ignored; weak ones skipped unless `allowWeak`.
 */
export function parseEnctypeList(text: string, allowWeak = false, defaults: readonly number[] = DEFAULT_ENCTYPES): number[] {
  const list: number[] = [];
  const mod = (e: number, add: boolean) => {
    if (!allowWeak && WEAK.has(e)) return;
    const i = list.indexOf(e);
    if (add && i < 0) list.push(e);
    if (!add && i >= 0) list.splice(i, 1);
  };
  for (let tok of text.split(/[ \t\r\n,]+/)) {
    if (tok === '') continue;
    let add = true;
    if (tok[0] === '+') tok = tok.slice(1);
    else if (tok[0] === '-') {
      add = false;
      tok = tok.slice(1);
    }
    const l = tok.toLowerCase();
    const group = l === 'default' ? defaults : (FAMILIES[l] ?? (ENCTYPE_BY_NAME[l] !== undefined ? [ENCTYPE_BY_NAME[l]!] : []));
    for (const e of group) mod(e, add);
  }
  return list;
}

/** An enctype list relation in [libdefaults] (e.g. `permitted_enctypes`), defaulting to DEFAULT. */
export function getEnctypes(profile: Krb5Profile, name: 'permitted_enctypes' | 'default_tkt_enctypes' | 'default_tgs_enctypes' | string): number[] {
  const allowWeak = libdefaultBoolean(profile, 'allow_weak_crypto', LIBDEFAULTS.allow_weak_crypto);
  return parseEnctypeList(getString(profile, ['libdefaults', name]) ?? 'DEFAULT', allowWeak);
}

/**
 * MIT's defaults for [libdefaults] relations when absent. Source: krb5.conf(5) of MIT krb5 1.20
 * and the code behind it (lib/krb5/krb/init_ctx.c, lib/krb5/os/*.c, include/k5-int.h).
 */
export const LIBDEFAULTS = {
  allow_weak_crypto: false, // init_ctx.c, krb5.conf(5)
  canonicalize: false, // krb5.conf(5)
  ccache_type: 4, // DEFAULT_CCACHE_TYPE, init_ctx.c
  clockskew: 300, // DEFAULT_CLOCKSKEW (5 minutes), init_ctx.c
  dns_canonicalize_hostname: true, // krb5.conf(5): "defaults to true"
  dns_lookup_kdc: true, // krb5.conf(5) (DEFAULT_LOOKUP_KDC in k5-int.h)
  dns_lookup_realm: false, // krb5.conf(5) (DEFAULT_LOOKUP_REALM)
  dns_uri_lookup: true, // krb5.conf(5)
  forwardable: false, // krb5.conf(5)
  proxiable: false, // krb5.conf(5)
  rdns: true, // krb5.conf(5)
  noaddresses: true, // krb5.conf(5)
  kdc_timesync: true, // krb5.conf(5), DEFAULT_KDC_TIMESYNC
  ticket_lifetime: 86400, // krb5.conf(5): "defaults to 1 day"
  renew_lifetime: 0, // krb5.conf(5)
  udp_preference_limit: 1465, // DEFAULT_UDP_PREF_LIMIT, krb5.conf(5)
  verify_ap_req_nofail: false, // krb5.conf(5)
  ignore_acceptor_hostname: false, // krb5.conf(5)
  k5login_authoritative: true, // krb5.conf(5)
  realm_try_domains: -1, // krb5.conf(5)
} as const;

/**
 * MIT's krb5int_libdefault_string: `[libdefaults] REALM = { option = … }` first when a realm is
 * given, then `[libdefaults] option`.
 */
export function libdefault(profile: Krb5Profile, option: string, realm?: string): string | undefined {
  return (realm !== undefined ? getString(profile, ['libdefaults', realm, option]) : undefined) ?? getString(profile, ['libdefaults', option]);
}

/** MIT's krb5int_libdefault_boolean: a yes-word is true, any other value false (_krb5_conf_boolean). */
export function libdefaultBoolean(profile: Krb5Profile, option: string, def: boolean, realm?: string): boolean {
  const v = libdefault(profile, option, realm);
  return v === undefined ? def : YES.includes(v.toLowerCase());
}

/** The default realm ([libdefaults] default_realm), or `undefined`. */
export function defaultRealm(profile: Krb5Profile): string | undefined {
  return getString(profile, ['libdefaults', 'default_realm']);
}

/** What [realms] says about one realm. */
export interface RealmConfig {
  kdc: string[];
  admin_server: string[];
  kpasswd_server: string[];
  master_kdc: string[];
  primary_kdc: string[];
  default_domain: string | undefined;
  /** `auth_to_local` rules in order. */
  auth_to_local: string[];
  /** `auth_to_local_names = { principal = localname }`. */
  auth_to_local_names: Record<string, string[]>;
}

/** The realms named in [realms]. */
export function realms(profile: Krb5Profile): string[] {
  return getSubsectionNames(profile, ['realms']);
}

/** One realm's relations. */
export function realmConfig(profile: Krb5Profile, realm: string): RealmConfig {
  const v = (n: string) => getValues(profile, ['realms', realm, n]);
  const names: Record<string, string[]> = {};
  for (const c of listSection(profile, ['realms', realm, 'auth_to_local_names'])) {
    if (c.value === undefined) continue;
    const list = names[c.name];
    if (list) list.push(c.value);
    else names[c.name] = [c.value];
  }
  return {
    kdc: v('kdc'),
    admin_server: v('admin_server'),
    kpasswd_server: v('kpasswd_server'),
    master_kdc: v('master_kdc'),
    primary_kdc: v('primary_kdc'),
    default_domain: v('default_domain')[0],
    auth_to_local: v('auth_to_local'),
    auth_to_local_names: names,
  };
}

/**
 * MIT's domain hostrealm module (hostrealm_domain.c) over [domain_realm]: the host (lower-cased,
 * one trailing dot removed, as k5_clean_hostname does), then each parent from the longest, first
 * with its leading dot and then without (`a.b.c`, `.b.c`, `b.c`, `.c`, `c`): so `example.com = R`
 * also maps `host.example.com` when no `.example.com` entry comes first (checked against
 * krb5_get_host_realm). `undefined` when nothing matches (MIT then answers the referral realm "").
 */
export function domainRealm(profile: Krb5Profile, host: string): string | undefined {
  // MIT's domain module declines numeric addresses (k5_is_numeric_address): the referral realm.
  if (isNumericAddress(host)) return undefined;
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  // for (p = host; p != NULL; p = (*p == '.') ? p + 1 : strchr(p, '.'))
  for (let i = 0; i >= 0; i = h[i] === '.' ? i + 1 : h.indexOf('.', i)) {
    const r = getString(profile, ['domain_realm', h.slice(i)]);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Whether `host` is a numeric address as MIT's k5_is_numeric_address finds one (checked against
 * krb5_get_host_realm): a dotted quad of decimals (`127.0.0.1`, `127.000.0.1`; not `127.1` or `0x7f.0.0.1`) or an IPv6
 * address (`::1`, `fe80::1%eth0`).
 */
export function isNumericAddress(host: string): boolean {
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (quad) return quad.slice(1).every((p) => Number(p) <= 255);
  return host.includes(':') && /^[0-9a-f:.]+(?:%[^%]+)?$/i.test(host);
}

/** [capaths] CLIENT = { SERVER = INTERMEDIATE … }: the values, `.` meaning a direct path. */
export function capaths(profile: Krb5Profile, clientRealm: string, serverRealm: string): string[] {
  return getValues(profile, ['capaths', clientRealm, serverRealm]);
}
