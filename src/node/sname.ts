/**
 * Host-based service names as MIT's `krb5_sname_to_principal` makes them (lib/krb5/os/sn2princ.c):
 * `service/host` of name type NT-SRV-HST, the host lower-cased and without a trailing dot,
 * canonicalized through name lookups when `dns_canonicalize_hostname` is true (MIT's default):
 * the host's address, and with `rdns` (default true) the name of that address; the realm from
 * `[domain_realm]`, else the referral realm `''` (the client asks its own realm and follows
 * referrals).
 *
 * Node does not expose getaddrinfo's AI_CANONNAME, so without `rdns` the forward step follows
 * DNS CNAME records instead; with `rdns` (the default) the result is getnameinfo's, as MIT's.
 * @module
 */
import { promises as dns } from 'node:dns';
import { hostname as localHostname } from 'node:os';
import { domainRealm, libdefault, libdefaultBoolean, LIBDEFAULTS, type Krb5Conf } from '../formats/index.js';
import { NameType } from '../iana/index.js';
import type { Principal } from '../messages/index.js';

/** The name lookups of canonicalization, injectable for tests. */
export interface HostNameResolver {
  /** The host's first address (getaddrinfo), or undefined when it has none. */
  address(host: string): Promise<string | undefined>;
  /** The name of an address (getnameinfo, NI_NAMEREQD), or undefined. */
  reverse(address: string): Promise<string | undefined>;
  /** The target of a CNAME chain, or undefined when the name is no alias. */
  cname(host: string): Promise<string | undefined>;
}

/** Name lookups through `node:dns` (getaddrinfo and getnameinfo, so /etc/hosts counts). */
export function nodeHostNameResolver(): HostNameResolver {
  return {
    async address(host) {
      try {
        return (await dns.lookup(host, { verbatim: true })).address;
      } catch {
        return undefined;
      }
    },
    async reverse(address) {
      try {
        return (await dns.lookupService(address, 0)).hostname;
      } catch {
        return undefined;
      }
    },
    async cname(host) {
      try {
        let name = host;
        for (let i = 0; i < 8; i++) {
          const next = await dns.resolveCname(name).catch(() => [] as string[]);
          if (next.length === 0) break;
          name = next[0]!;
        }
        return name === host ? undefined : name;
      } catch {
        return undefined;
      }
    },
  };
}

function clean(host: string): string {
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Options of {@link snameToPrincipal}. */
export interface SnameOptions {
  profile: readonly Krb5Conf[];
  resolver?: HostNameResolver;
}

/**
 * MIT's `dns_canonicalize_hostname` setting: `true` (default), `false`, or `fallback` (use the name
 * as given; canonicalize only when the KDC does not know it).
 */
export function canonicalizeMode(profile: readonly Krb5Conf[]): 'true' | 'false' | 'fallback' {
  const v = libdefault(profile, 'dns_canonicalize_hostname')?.toLowerCase();
  if (v === 'fallback') return 'fallback';
  return libdefaultBoolean(profile, 'dns_canonicalize_hostname', LIBDEFAULTS.dns_canonicalize_hostname) ? 'true' : 'false';
}

/** The host name canonicalized as MIT's k5_expand_hostname does with lookups on. */
export async function canonicalHost(host: string, profile: readonly Krb5Conf[], resolver: HostNameResolver = nodeHostNameResolver()): Promise<string> {
  const rdns = libdefaultBoolean(profile, 'rdns', LIBDEFAULTS.rdns);
  if (rdns) {
    const addr = await resolver.address(host);
    const name = addr !== undefined ? await resolver.reverse(addr) : undefined;
    // getnameinfo without NI_NAMEREQD answers the address itself: that is no name.
    if (name !== undefined && name !== addr) return clean(name);
  }
  return clean((await resolver.cname(host)) ?? host);
}

/**
 * `service/host` as a principal, as `krb5_sname_to_principal(ctx, host, service, KRB5_NT_SRV_HST)`.
 * With `dns_canonicalize_hostname = fallback` the host is used as given (call {@link canonicalHost}
 * yourself to retry).
 * @example
 * ```ts
 * await snameToPrincipal('HTTP', 'www.example.com', { profile })   // HTTP/www.example.com@EXAMPLE.COM
 * ```
 */
export async function snameToPrincipal(service: string, host: string | undefined, o: SnameOptions): Promise<Principal> {
  const given = clean(host ?? localHostname());
  const h = canonicalizeMode(o.profile) === 'true' ? await canonicalHost(given, o.profile, o.resolver) : given;
  return { nameType: NameType.NT_SRV_HST, components: [service, h], realm: domainRealm(o.profile, h) ?? '' };
}
