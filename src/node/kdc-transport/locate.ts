/**
 * Where a realm's KDCs are, as MIT krb5 1.20 finds them (lib/krb5/os/locate_kdc.c): the `kdc`
 * relations of `[realms] REALM` in order (or `primary_kdc` / `master_kdc` when the primary is
 * wanted), else — when `dns_lookup_kdc` is on, MIT's default — DNS SRV records
 * `_kerberos._udp.REALM` and `_kerberos._tcp.REALM` (`_kerberos-master._*` for the primary),
 * ordered as RFC 2782 says. DNS URI records (MIT's `dns_uri_lookup`) are not consulted.
 * @module
 */
import { ConfigError } from '../../errors.js';
import { getValues, libdefault, type Krb5Profile } from '../../formats/index.js';
import type { KdcResolver, SrvRecord } from './resolver.js';

/** The Kerberos port (RFC 4120 §7.2.3). */
export const KERBEROS_PORT = 88;

/**
 * One KDC to try. `transport: 'any'` (a krb5.conf `kdc = host[:port]` entry) means UDP and TCP
 * both, in the order the request's size calls for; an SRV record names one transport.
 */
export type KdcServer = { kind: 'host'; host: string; port: number; transport: 'udp' | 'tcp' | 'any' } | { kind: 'https'; url: string };

/**
 * Parses one `kdc` / `primary_kdc` value as MIT's k5_parse_host_string and parse_uri_if_https
 * do: `host`, `host:port`, `[v6addr]`, `[v6addr]:port`, a bare IPv6 address (two or more colons,
 * no brackets: no port), or `https://host[:port][/path]` (a KDC proxy, MS-KKDCP). A port that is
 * not a number in 1..65535 is a `ConfigError`.
 *
 * @example
 * ```ts
 * parseKdcEntry('[::1]:750') // { kind: 'host', host: '::1', port: 750, transport: 'any' }
 * parseKdcEntry('https://kdc.example.com/KdcProxy') // { kind: 'https', url: 'https://kdc.example.com/KdcProxy' }
 * ```
 */
export function parseKdcEntry(value: string, defaultPort = KERBEROS_PORT): KdcServer {
  const v = value.trim();
  if (/^https:\/\//i.test(v)) {
    let url: URL;
    try {
      url = new URL(v);
    } catch (e) {
      throw new ConfigError(`kdc = ${value}: not a valid https URL`, {}, { cause: e });
    }
    return { kind: 'https', url: url.href };
  }
  if (v === '') throw new ConfigError('kdc = : empty host');
  let host: string;
  let portText: string | undefined;
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    if (close < 0) throw new ConfigError(`kdc = ${value}: missing ]`);
    host = v.slice(1, close);
    const rest = v.slice(close + 1);
    if (rest.startsWith(':')) portText = rest.slice(1);
    else if (rest !== '') throw new ConfigError(`kdc = ${value}: unexpected text after ]`);
  } else {
    const first = v.indexOf(':');
    if (first >= 0 && v.indexOf(':', first + 1) < 0) {
      host = v.slice(0, first);
      portText = v.slice(first + 1);
    } else {
      host = v; // no colon, or an unbracketed IPv6 address
    }
  }
  if (host === '') throw new ConfigError(`kdc = ${value}: empty host`);
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new ConfigError(`kdc = ${value}: invalid port "${portText}"`);
    }
    port = Number(portText);
  }
  return { kind: 'host', host, port, transport: 'any' };
}

/**
 * RFC 2782 order: ascending priority; within one priority, a weighted random draw (weight-0
 * records first in the running sum, so they are picked only rarely). A single record whose
 * target is `.` means the service is not offered: the result is then empty.
 *
 * @example
 * ```ts
 * orderSrv([{ name: 'b', port: 88, priority: 10, weight: 0 }, { name: 'a', port: 88, priority: 0, weight: 5 }]) // a, b
 * ```
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  if (records.length === 1 && (records[0]!.name === '' || records[0]!.name === '.')) return [];
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    if (r.name === '' || r.name === '.') continue;
    const list = byPriority.get(r.priority) ?? [];
    list.push(r);
    byPriority.set(r.priority, list);
  }
  const out: SrvRecord[] = [];
  for (const prio of [...byPriority.keys()].sort((a, b) => a - b)) {
    // Weight-0 records first, then the rest in the order received (RFC 2782, "Usage rules").
    const left = [...byPriority.get(prio)!].sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (left.length > 0) {
      const total = left.reduce((s, r) => s + r.weight, 0);
      const pick = Math.floor(random() * (total + 1)); // uniform in 0..total
      let sum = 0;
      let i = 0;
      for (; i < left.length - 1; i++) {
        sum += left[i]!.weight;
        if (sum >= pick) break;
      }
      out.push(left.splice(i, 1)[0]!);
    }
  }
  return out;
}

/** Options of {@link locateKdcs}. */
export interface LocateOptions {
  /** The primary KDCs (`primary_kdc`, else `master_kdc`, else `_kerberos-master` SRV). */
  primary?: boolean;
  /** Only stream transports are wanted: only `_kerberos._tcp` is queried. */
  tcpOnly?: boolean;
  /** TCP before UDP (the request is larger than `udp_preference_limit`). */
  tcpFirst?: boolean;
  resolver: KdcResolver;
  /** For the RFC 2782 weighted draw (default `Math.random`). */
  random?: () => number;
}

/** `dns_lookup_kdc`, else `dns_fallback`, else true (MIT's maybe_use_dns and its default). */
export function dnsLookupKdc(profile: Krb5Profile): boolean {
  const v = libdefault(profile, 'dns_lookup_kdc') ?? libdefault(profile, 'dns_fallback');
  return v === undefined ? true : ['y', 'yes', 'true', 't', '1', 'on'].includes(v.toLowerCase());
}

async function srvServers(o: LocateOptions, service: string, realm: string): Promise<KdcServer[]> {
  const protos: ('udp' | 'tcp')[] = o.tcpOnly ? ['tcp'] : o.tcpFirst ? ['tcp', 'udp'] : ['udp', 'tcp'];
  const out: KdcServer[] = [];
  for (const proto of protos) {
    const records = await o.resolver.resolveSrv(`_${service}._${proto}.${realm}`);
    for (const r of orderSrv(records, o.random)) out.push({ kind: 'host', host: r.name.replace(/\.$/, ''), port: r.port, transport: proto });
  }
  return out;
}

/**
 * The KDCs of `realm`, in the order to try them. Configured entries win; DNS is asked only when
 * the realm has none (as MIT does). With `primary` and no primary known, the ordinary list is
 * returned (the caller wanted to prefer the primary, not to require it). An empty result means
 * MIT's "Cannot find KDC for realm".
 *
 * @example
 * ```ts
 * await locateKdcs(profile, 'EXAMPLE.COM', { resolver: nodeResolver() })
 * ```
 */
export async function locateKdcs(profile: Krb5Profile, realm: string, o: LocateOptions): Promise<KdcServer[]> {
  const dns = dnsLookupKdc(profile);
  if (o.primary) {
    const names = getValues(profile, ['realms', realm, 'primary_kdc']);
    const entries = names.length > 0 ? names : getValues(profile, ['realms', realm, 'master_kdc']);
    if (entries.length > 0) return entries.map((e) => parseKdcEntry(e));
    if (dns && getValues(profile, ['realms', realm, 'kdc']).length === 0) {
      const found = await srvServers(o, 'kerberos-master', realm);
      if (found.length > 0) return found;
    }
  }
  const entries = getValues(profile, ['realms', realm, 'kdc']);
  if (entries.length > 0) return entries.map((e) => parseKdcEntry(e));
  if (!dns) return [];
  return srvServers(o, 'kerberos', realm);
}

/** MIT's hard ceiling on `udp_preference_limit` (HARD_UDP_LIMIT). */
export const HARD_UDP_LIMIT = 32700;

/**
 * `udp_preference_limit` for a realm (`[libdefaults] REALM = { … }` first): MIT's default 1465
 * when absent or not a non-negative integer, at most 32700.
 */
export function udpPreferenceLimit(profile: Krb5Profile, realm?: string): number {
  const v = libdefault(profile, 'udp_preference_limit', realm);
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return 1465;
  return Math.min(Number(v), HARD_UDP_LIMIT);
}

/** The first `http_anchors` of a realm (`[realms] REALM`), for verifying a KDC proxy's certificate. */
export function httpAnchors(profile: Krb5Profile, realm: string): string[] {
  return getValues(profile, ['realms', realm, 'http_anchors']);
}
