/**
 * KDC location without a network: krb5.conf `kdc` values (host, host:port, [v6]:port, bare
 * IPv6, https:// proxies), RFC 2782 SRV order (priority, then a weighted draw), MIT's defaults
 * for dns_lookup_kdc and udp_preference_limit.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseKrb5Conf } from '../../src/formats/index.js';
import { locateKdcs, type KdcResolver, type SrvRecord } from '../../src/node/index.js';
import { dnsLookupKdc, orderSrv, parseKdcEntry, udpPreferenceLimit } from '../../src/node/kdc-transport/index.js';

describe('parseKdcEntry', () => {
  it.each([
    ['kdc.example.com', 'kdc.example.com', 88],
    ['kdc.example.com:750', 'kdc.example.com', 750],
    ['  10.0.0.1:88  ', '10.0.0.1', 88],
    ['[::1]', '::1', 88],
    ['[::1]:750', '::1', 750],
    ['[fe80::1%eth0]:8888', 'fe80::1%eth0', 8888],
    ['2001:db8::5', '2001:db8::5', 88], // several colons, no brackets: all address, default port
  ])('%s → %s port %d', (v, host, port) => {
    expect(parseKdcEntry(v)).toEqual({ kind: 'host', host, port, transport: 'any' });
  });

  it('https:// entries are KDC proxies, path kept', () => {
    expect(parseKdcEntry('https://kdc.example.com/KdcProxy')).toEqual({ kind: 'https', url: 'https://kdc.example.com/KdcProxy' });
    expect(parseKdcEntry('HTTPS://[::1]:8443/kdc')).toEqual({ kind: 'https', url: 'https://[::1]:8443/kdc' });
  });

  it.each(['host:', 'host:0', 'host:65536', 'host:8x', '[::1', '[::1]x', '[]:88', ':88', 'https://'])('%s is a ConfigError', (v) => {
    expect(() => parseKdcEntry(v)).toThrow(ConfigError);
  });
});

describe('orderSrv (RFC 2782)', () => {
  const rec = (name: string, priority: number, weight: number): SrvRecord => ({ name, port: 88, priority, weight });

  it('lower priority first, whatever the weights and the draw', () => {
    const rs = [rec('c', 30, 100), rec('a', 10, 0), rec('b', 20, 5)];
    for (const r of [0, 0.5, 0.999]) expect(orderSrv(rs, () => r).map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });

  it('within a priority the draw picks by running sum: weight-0 records come first in the sum', () => {
    const rs = [rec('w3', 0, 3), rec('w0', 0, 0), rec('w1', 0, 1)];
    // Sum order w0(0), w3(3), w1(1); total 4; pick = floor(r * 5).
    expect(orderSrv(rs, () => 0).map((x) => x.name)).toEqual(['w0', 'w3', 'w1']); // pick 0 → w0 (sum 0 ≥ 0)
    expect(orderSrv(rs, () => 0.5).map((x) => x.name)[0]).toBe('w3'); // pick 2 → w3 (sum 3 ≥ 2)
    expect(orderSrv(rs, () => 0.99).map((x) => x.name)[0]).toBe('w1'); // pick 4 → w1 (sum 4 ≥ 4)
  });

  it('with Math.random the first pick follows the weights (1:3 → about 25% : 75%)', () => {
    const rs = [rec('light', 0, 1), rec('heavy', 0, 3)];
    let heavy = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) if (orderSrv(rs)[0]!.name === 'heavy') heavy++;
    // pick uniform in 0..4: light wins for 0..1 (2/5), heavy for 2..4 (3/5) — RFC 2782's draw over [0, sum].
    expect(heavy / n).toBeGreaterThan(0.55);
    expect(heavy / n).toBeLessThan(0.65);
  });

  it('a lone "." target means no service; "." among others is dropped', () => {
    expect(orderSrv([rec('.', 0, 0)])).toEqual([]);
    expect(orderSrv([rec('.', 0, 0), rec('a', 1, 0)]).map((x) => x.name)).toEqual(['a']);
  });
});

describe('MIT defaults', () => {
  it('dns_lookup_kdc: true unless set (dns_fallback as the fallback relation)', () => {
    expect(dnsLookupKdc(parseKrb5Conf(''))).toBe(true);
    expect(dnsLookupKdc(parseKrb5Conf('[libdefaults]\n dns_lookup_kdc = false\n'))).toBe(false);
    expect(dnsLookupKdc(parseKrb5Conf('[libdefaults]\n dns_fallback = no\n'))).toBe(false);
    expect(dnsLookupKdc(parseKrb5Conf('[libdefaults]\n dns_fallback = no\n dns_lookup_kdc = yes\n'))).toBe(true);
  });

  it('udp_preference_limit: 1465 by default, capped at 32700, realm subsection first', () => {
    expect(udpPreferenceLimit(parseKrb5Conf(''))).toBe(1465);
    expect(udpPreferenceLimit(parseKrb5Conf('[libdefaults]\n udp_preference_limit = 1\n'))).toBe(1);
    expect(udpPreferenceLimit(parseKrb5Conf('[libdefaults]\n udp_preference_limit = 100000\n'))).toBe(32700);
    expect(udpPreferenceLimit(parseKrb5Conf('[libdefaults]\n udp_preference_limit = -4\n'))).toBe(1465);
    const p = parseKrb5Conf('[libdefaults]\n udp_preference_limit = 9\n R = {\n  udp_preference_limit = 3\n }\n');
    expect(udpPreferenceLimit(p, 'R')).toBe(3);
    expect(udpPreferenceLimit(p, 'OTHER')).toBe(9);
  });
});

describe('locateKdcs', () => {
  const none: KdcResolver = { resolveSrv: async () => [], lookup: async () => [] };

  it('every kdc of [realms] REALM, in file order, across files (KRB5_CONFIG=a:b)', async () => {
    const a = parseKrb5Conf('[realms]\n R = {\n  kdc = one\n  kdc = [::1]:99\n }\n');
    const b = parseKrb5Conf('[realms]\n R = {\n  kdc = https://p.example/KdcProxy\n }\n');
    expect(await locateKdcs([a, b], 'R', { resolver: none })).toEqual([
      { kind: 'host', host: 'one', port: 88, transport: 'any' },
      { kind: 'host', host: '::1', port: 99, transport: 'any' },
      { kind: 'https', url: 'https://p.example/KdcProxy' },
    ]);
  });

  it('SRV targets lose their trailing dot; tcpFirst asks _tcp before _udp', async () => {
    const asked: string[] = [];
    const resolver: KdcResolver = {
      resolveSrv: async (n) => {
        asked.push(n);
        return [{ name: `${n.split('.')[1]!.slice(1)}.kdc.example.`, port: 88, priority: 0, weight: 0 }];
      },
      lookup: async () => [],
    };
    expect(await locateKdcs(parseKrb5Conf(''), 'R', { resolver, tcpFirst: true })).toEqual([
      { kind: 'host', host: 'tcp.kdc.example', port: 88, transport: 'tcp' },
      { kind: 'host', host: 'udp.kdc.example', port: 88, transport: 'udp' },
    ]);
    expect(asked).toEqual(['_kerberos._tcp.R', '_kerberos._udp.R']);
  });
});
