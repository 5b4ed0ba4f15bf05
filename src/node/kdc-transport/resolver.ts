/**
 * The DNS a KDC transport needs, behind an interface so that tests (and hosts with their own
 * resolver) can answer SRV and address queries themselves.
 * @module
 */
import { promises as dns } from 'node:dns';

/** One SRV answer (RFC 2782); `name` is the target host. */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** One address of a host. */
export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/**
 * SRV and address lookups. `resolveSrv` answers `[]` when the name has no records; any other
 * failure rejects. `lookup` rejects (e.g. `ENOTFOUND`) when the host has no address.
 */
export interface KdcResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  lookup(host: string): Promise<ResolvedAddress[]>;
}

const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'NXDOMAIN', 'ESERVFAIL', 'EREFUSED', 'ETIMEOUT', 'ECONNREFUSED']);

/**
 * The resolver over `node:dns`: `resolveSrv` with the system's DNS servers, `lookup` with
 * `getaddrinfo` (so /etc/hosts counts, as it does for MIT). A failed SRV query counts as no
 * records, as MIT's does.
 *
 * @example
 * ```ts
 * const kdcs = await locateKdcs(profile, 'EXAMPLE.COM', { resolver: nodeResolver() })
 * ```
 */
export function nodeResolver(): KdcResolver {
  return {
    async resolveSrv(name) {
      try {
        return await dns.resolveSrv(name);
      } catch (e) {
        if (NO_RECORDS.has((e as { code?: string }).code ?? '')) return [];
        throw e;
      }
    },
    async lookup(host) {
      return dns.lookup(host, { all: true, verbatim: true });
    },
  };
}
