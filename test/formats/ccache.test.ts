/**
 * Credential caches written by MIT krb5 (versions 1–4, FILE and a DIR collection) and by Heimdal
 * (fixtures/mit/ccache/, made by its generate.mjs), checked against MIT klist's own listing of
 * each, re-encoded byte for byte, and their tickets opened with the service keys recorded when
 * they were made (the session key inside each ticket must be the cache's keyblock).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt } from '../../src/crypto/index.js';
import { DecodeError } from '../../src/errors.js';
import {
  type Ccache,
  type CcacheCredential,
  type CcacheHeaderField,
  configEntry,
  credentialTicket,
  decodeCcache,
  decodeCcacheCredential,
  decodeCcachePrincipal,
  encodeCcache,
  encodeCcacheCredential,
  encodeCcachePrincipal,
  isConfigPrincipal,
} from '../../src/formats/index.js';
import { enctypeName, ticketFlagLetters } from '../../src/iana/index.js';
import { EncTicketPart, type Principal } from '../../src/messages/index.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { expectStrictPrefixesRefused } from '../truncation.js';

const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);
const file = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const text = (n: string) => readFileSync(new URL(n, dir), 'utf8');
const meta = JSON.parse(text('ccaches.json')) as {
  keys: { services: Record<string, { principal: string; kvno: number; etype: number; key: string }[]> };
  fixtures: { file: string; version: number; writer: string }[];
};

const FILES = [
  'v4-tgt.ccache',
  'v4-kvno.ccache',
  'v4-aes-sha2.ccache',
  'v4-rc4.ccache',
  'v4-renewable.ccache',
  'v4-timesync.ccache',
  'v3-kvno.ccache',
  'v2-kvno.ccache',
  'v1-kvno.ccache',
  'heimdal.ccache',
  'dir/tkt',
  ...meta.fixtures
    .filter((f) => f.file === 'dir/')
    .flatMap((f) =>
      Object.keys((f as unknown as { members: Record<string, string> }).members)
        .filter((n) => n !== 'tkt')
        .map((n) => `dir/${n}`),
    ),
];

const princ = (p: Principal) => `${p.components.join('/')}@${p.realm}`;
const noDeprecated = (s: string) => s.replace(/^DEPRECATED:/, '');

/** MIT klist dates in the C locale, recorded with TZ=UTC: "11/25/26 04:26:23". */
function klistDate(s: string): Date {
  const m = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(s);
  if (!m) throw new Error(`not a klist date: ${s}`);
  return new Date(Date.UTC(2000 + Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])));
}

type Golden =
  | { kind: 'config'; key: string; principal?: string; value: string }
  | { kind: 'cred'; start: Date; expires: Date; server: string; renewUntil?: Date; flags?: string; skey?: string; tkt?: string };

/** Parses `klist -e -f [-C]` output: the default principal and the entries in cache order. */
function parseKlist(listing: string): { defaultPrincipal: string; entries: Golden[] } {
  const lines = listing.split('\n');
  const dp = /^Default principal: (\S+)$/m.exec(listing);
  if (!dp) throw new Error('no default principal in the klist output');
  const entries: Golden[] = [];
  for (const line of lines) {
    const config = /^config: ([^(= ]+)(?:\((.*)\))? = (.*)$/.exec(line);
    if (config) {
      entries.push({ kind: 'config', key: config[1]!, ...(config[2] !== undefined ? { principal: config[2] } : {}), value: config[3]! });
      continue;
    }
    const cred = /^(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\S+)$/.exec(line);
    if (cred) {
      entries.push({ kind: 'cred', start: klistDate(cred[1]!), expires: klistDate(cred[2]!), server: cred[3]! });
      continue;
    }
    if (!line.startsWith('\t')) continue;
    const last = entries.at(-1);
    if (last?.kind !== 'cred') continue;
    const renew = /renew until (\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)/.exec(line);
    if (renew) last.renewUntil = klistDate(renew[1]!);
    const flags = /Flags: (\w*)/.exec(line);
    if (flags) last.flags = flags[1]!;
    const etypes = /Etype \(skey, tkt\): ([\w:-]+), ([\w:-]+)/.exec(line);
    if (etypes) [last.skey, last.tkt] = [noDeprecated(etypes[1]!), noDeprecated(etypes[2]!)];
  }
  return { defaultPrincipal: dp[1]!, entries };
}

/** What we decoded, in file order, in the shape of the klist listing. */
function ours(cc: Ccache, withConfig: boolean): Golden[] {
  const out: Golden[] = [];
  let ci = 0,
    ki = 0;
  for (const kind of cc.order!) {
    if (kind === 'config') {
      const e = cc.config[ki++]!;
      if (withConfig) out.push({ kind: 'config', key: e.key, ...(e.principal !== undefined ? { principal: e.principal } : {}), value: new TextDecoder().decode(e.value) });
      continue;
    }
    const c = cc.credentials[ci++]!;
    const g: Golden = {
      kind: 'cred',
      start: c.starttime.getTime() !== 0 ? c.starttime : c.authtime,
      expires: c.endtime,
      server: princ(c.server),
      flags: ticketFlagLetters(c.flags),
      skey: enctypeName(c.key.etype),
      tkt: enctypeName(credentialTicket(c).encPart.etype),
    };
    if (c.renewTill.getTime() !== 0 && c.flags & 0x00800000) g.renewUntil = c.renewTill;
    out.push(g);
  }
  return out;
}

function serviceKey(c: CcacheCredential): { etype: number; value: Uint8Array } {
  const t = credentialTicket(c);
  const name = `${t.sname.nameString.join('/')}@${t.realm}`;
  const k = meta.keys.services[name]?.find((x) => x.etype === t.encPart.etype && (t.encPart.kvno === undefined || x.kvno === t.encPart.kvno));
  if (!k) throw new Error(`no recorded key for ${name} etype ${t.encPart.etype}`);
  return { etype: k.etype, value: fromHex(k.key) };
}

describe.each(FILES)('%s', (name) => {
  const bytes = file(name);
  const cc = decodeCcache(bytes);
  const golden = parseKlist(text(`${name}.klist.txt`));
  const heimdal = name.startsWith('heimdal');

  it('decodes to what MIT klist lists (principal, servers, times, flags, etypes, config entries, order)', () => {
    expect(princ(cc.defaultPrincipal)).toBe(golden.defaultPrincipal);
    expect(golden.entries.filter((e) => e.kind === 'cred').length).toBeGreaterThan(0);
    expect(ours(cc, !heimdal)).toEqual(golden.entries);
  });

  it('is the version its name says, and every credential belongs to the default principal', () => {
    const v = /^v(\d)/.exec(name)?.[1];
    expect(cc.version).toBe(v ? Number(v) : 4);
    for (const c of cc.credentials) expect(c.client).toEqual(cc.defaultPrincipal);
    for (const e of cc.config) expect(e.record?.client).toEqual(cc.defaultPrincipal);
  });

  it('re-encodes: v3/v4 to the same bytes; v1/v2 to v4 losing nothing', () => {
    if (cc.version >= 3) {
      expect(toHex(encodeCcache(cc, { version: cc.version as 3 | 4 }))).toBe(toHex(bytes));
    } else {
      const again = decodeCcache(encodeCcache(cc));
      expect(again).toEqual({ ...cc, version: 4 });
      const v3 = decodeCcache(encodeCcache(cc, { version: 3 }));
      expect(v3).toEqual({ ...cc, version: 3 });
    }
  });

  it('tickets decode and open with the recorded service key; the session key inside is the cache keyblock', () => {
    for (const c of cc.credentials) {
      const t = credentialTicket(c);
      expect(`${t.sname.nameString.join('/')}@${t.realm}`).toBe(princ(c.server));
      const part = EncTicketPart.decode(decrypt(serviceKey(c), 2, t.encPart.cipher, { allowWeakCrypto: true }));
      expect(part.key.keytype).toBe(c.key.etype);
      expect(toHex(part.key.keyvalue)).toBe(toHex(c.key.value));
      expect(`${part.cname.nameString.join('/')}@${part.crealm}`).toBe(princ(c.client));
      expect(part.authtime.getTime()).toBe(c.authtime.getTime());
      expect(part.endtime.getTime()).toBe(c.endtime.getTime());
    }
  });

  it('any mutation or truncation gives a ccache or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(bytes.length), (at, v, cut) => {
        const m = bytes.slice(0, Math.max(cut, 2));
        if (at < m.length) m[at] = v;
        try {
          decodeCcache(m);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('particular fixtures', () => {
  it('MIT kinit with preauth writes fast_avail and pa_type before the TGT', () => {
    const cc = decodeCcache(file('v4-tgt.ccache'));
    expect(cc.order).toEqual(['config', 'config', 'cred']);
    expect(cc.config.map((e) => [e.key, e.principal, new TextDecoder().decode(e.value)])).toEqual([
      ['fast_avail', 'krbtgt/TSKRB5.TEST@TSKRB5.TEST', 'yes'],
      ['pa_type', 'krbtgt/TSKRB5.TEST@TSKRB5.TEST', '2'],
    ]);
    expect(cc.header).toEqual([]);
  });

  it('kdc_timesync = 1 puts the KDC time offset in the v4 header (tag 1)', () => {
    const cc = decodeCcache(file('v4-timesync.ccache'));
    expect(cc.header).toHaveLength(1);
    expect(cc.header[0]).toMatchObject({ tag: 1, kdcOffset: { seconds: expect.any(Number), microseconds: expect.any(Number) } });
  });

  it('v1 has no name types (NT-UNKNOWN, 0); v2 and later keep them', () => {
    expect(decodeCcache(file('v1-kvno.ccache')).defaultPrincipal.nameType).toBe(0);
    expect(decodeCcache(file('v2-kvno.ccache')).defaultPrincipal.nameType).toBe(1);
    expect(decodeCcache(file('v2-kvno.ccache')).credentials[0]!.server.nameType).toBe(2); // krbtgt: NT-SRV-INST
  });

  it('the DIR collection: primary names the cache of alice; the other holds dave with a service ticket', () => {
    const primary = text('dir/primary').trim();
    expect(princ(decodeCcache(file(`dir/${primary}`)).defaultPrincipal)).toBe('alice@TSKRB5.TEST');
    const listing = text('dir/collection.klist-l.txt');
    const rows = [...listing.matchAll(/^(\S+@\S+)\s+DIR::\S+\/(tkt\w*)$/gm)].map((m) => [m[1], m[2]]);
    expect(rows[0]).toEqual(['alice@TSKRB5.TEST', primary]);
    for (const [who, f] of rows) expect(princ(decodeCcache(file(`dir/${f}`)).defaultPrincipal)).toBe(who);
    expect(rows.map((r) => r[0])).toContain('dave@TSKRB5.TEST');
  });

  it('Heimdal writes start_realm (no principal) and fast_avail after the TGT, with times in the config records', () => {
    const cc = decodeCcache(file('heimdal.ccache'));
    expect(cc.order).toEqual(['cred', 'config', 'config', 'cred']);
    expect(cc.config.map((e) => [e.key, e.principal, new TextDecoder().decode(e.value)])).toEqual([
      ['start_realm', undefined, 'TSKRB5.TEST'],
      ['fast_avail', 'krbtgt/TSKRB5.TEST@TSKRB5.TEST', 'yes'],
    ]);
    // unlike MIT, Heimdal's krb5_cc_set_config sets authtime and an endtime 30 days on: kept verbatim
    for (const e of cc.config) expect(e.record!.endtime.getTime() - e.record!.authtime.getTime()).toBe(30 * 86400 * 1000);
  });

  it('a version 3 second enctype that differs is kept (keytypeV3) and written back; v4 drops it', () => {
    const cc = decodeCcache(file('v3-kvno.ccache'));
    expect(cc.credentials.every((c) => c.keytypeV3 === undefined)).toBe(true); // MIT writes the enctype twice
    const odd: Ccache = { ...cc, credentials: [{ ...cc.credentials[0]!, keytypeV3: 1 }] };
    const v3 = encodeCcache(odd, { version: 3 });
    expect(decodeCcache(v3).credentials[0]!.keytypeV3).toBe(1);
    expect(toHex(encodeCcache(decodeCcache(v3), { version: 3 }))).toBe(toHex(v3));
    expect(decodeCcache(encodeCcache(odd)).credentials[0]!.keytypeV3).toBeUndefined();
  });

  it('the rc4 fixture holds an arcfour-hmac ticket', () => {
    const cc = decodeCcache(file('v4-rc4.ccache'));
    expect(cc.credentials.map((c) => credentialTicket(c).encPart.etype)).toContain(23);
  });

  it('the aes-sha2 fixture holds aes256-cts-hmac-sha384-192 tickets and session keys', () => {
    const cc = decodeCcache(file('v4-aes-sha2.ccache'));
    const svc = cc.credentials.find((c) => c.server.components[0] === 'svc384')!;
    expect(svc.key.etype).toBe(20);
    expect(credentialTicket(svc).encPart.etype).toBe(20);
  });
});

// ---------------------------------------------------------------- properties

const str = fc.string({ unit: 'binary', maxLength: 12 });
const bytesArb = (max: number) => fc.uint8Array({ maxLength: max });
const principalArb: fc.Arbitrary<Principal> = fc.record({
  nameType: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  realm: str,
  components: fc.array(str, { maxLength: 3 }),
});
const timeArb = fc.integer({ min: 0, max: 0xffffffff }).map((s) => new Date(s * 1000));
const credArb: fc.Arbitrary<CcacheCredential> = fc.record({
  client: principalArb,
  server: principalArb.filter((p) => !isConfigPrincipal(p)),
  key: fc.record({ etype: fc.integer({ min: -0x8000, max: 0x7fff }), value: bytesArb(32) }),
  authtime: timeArb,
  starttime: timeArb,
  endtime: timeArb,
  renewTill: timeArb,
  isSkey: fc.boolean(),
  flags: fc.integer({ min: 0, max: 0xffffffff }),
  addresses: fc.array(fc.record({ type: fc.integer({ min: 0, max: 0xffff }), data: bytesArb(16) }), { maxLength: 2 }),
  authdata: fc.array(fc.record({ type: fc.integer({ min: -0x8000, max: 0x7fff }), data: bytesArb(16) }), { maxLength: 2 }),
  ticket: bytesArb(64),
  secondTicket: bytesArb(8),
});

const ccacheArb = (version: 3 | 4): fc.Arbitrary<Ccache> =>
  fc
    .record({
      header:
        version === 4
          ? fc.array(
              fc.oneof(
                fc.record({
                  tag: fc.constant(1 as const),
                  kdcOffset: fc.record({ seconds: fc.integer({ min: -0x80000000, max: 0x7fffffff }), microseconds: fc.integer({ min: -0x80000000, max: 0x7fffffff }) }),
                }),
                fc.record({ tag: fc.integer({ min: 2, max: 0xffff }), value: bytesArb(10) }),
              ),
              { maxLength: 3 },
            )
          : fc.constant<CcacheHeaderField[]>([]),
      defaultPrincipal: principalArb,
      credentials: fc.array(credArb, { maxLength: 4 }),
      config: fc.array(fc.record({ key: str, principal: fc.option(str, { nil: undefined }), value: bytesArb(12) }), { maxLength: 3 }),
      seed: fc.array(fc.boolean(), { maxLength: 8 }),
    })
    .map(({ header, defaultPrincipal, credentials, config, seed }) => {
      // an interleaving of the two lists, from the seed
      const order: ('cred' | 'config')[] = [];
      let c = credentials.length,
        k = config.length,
        i = 0;
      while (c + k > 0) {
        const pickCred = k === 0 || (c > 0 && (seed[i++ % Math.max(seed.length, 1)] ?? true));
        order.push(pickCred ? 'cred' : 'config');
        if (pickCred) c--;
        else k--;
      }
      const cfg = config.map((e) => {
        const { principal, ...rest } = e;
        const out = principal === undefined ? rest : { ...rest, principal };
        // what decoding fills in: the record MIT writes for a config entry
        return {
          ...out,
          record: {
            client: defaultPrincipal,
            key: { etype: 0, value: new Uint8Array(0) },
            authtime: new Date(0),
            starttime: new Date(0),
            endtime: new Date(0),
            renewTill: new Date(0),
            isSkey: false,
            flags: 0,
            addresses: [],
            authdata: [],
            secondTicket: new Uint8Array(0),
            serverNameType: 1,
          },
        };
      });
      return { version, header, defaultPrincipal, credentials, config: cfg, order };
    });

describe('properties', () => {
  it.each([3, 4] as const)('decode(encode(x)) = x for generated version %i caches', (version) => {
    fc.assert(
      fc.property(ccacheArb(version), (cc) => {
        const bytes = encodeCcache(cc, { version });
        expect(decodeCcache(bytes)).toEqual(cc);
        expect(toHex(encodeCcache(decodeCcache(bytes), { version }))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('config entries without a record are written as MIT writes them (client = default principal, rest zero)', () => {
    const dp = { nameType: 1, realm: 'EXAMPLE.COM', components: ['u'] };
    const cc: Ccache = {
      version: 4,
      header: [],
      defaultPrincipal: dp,
      credentials: [],
      config: [configEntry('fast_avail', utf8('yes'), 'krbtgt/EXAMPLE.COM@EXAMPLE.COM'), configEntry('refresh_time', utf8('1700000000'))],
    };
    const back = decodeCcache(encodeCcache(cc));
    expect(back.config.map((e) => [e.key, e.principal, new TextDecoder().decode(e.value), e.record?.client])).toEqual([
      ['fast_avail', 'krbtgt/EXAMPLE.COM@EXAMPLE.COM', 'yes', dp],
      ['refresh_time', undefined, '1700000000', dp],
    ]);
    expect(back.order).toEqual(['config', 'config']);
  });

  it('arbitrary bytes after a valid version give a ccache or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.uint8Array({ maxLength: 200 }), (v, rest) => {
        try {
          decodeCcache(new Uint8Array([5, v, ...rest]));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not a ccache, and huge counts and lengths without allocating', () => {
    expect(() => decodeCcache(new Uint8Array([0x05, 0x05]))).toThrow(DecodeError);
    expect(() => decodeCcache(new Uint8Array([0x05, 0x04, 0x00]))).toThrow(DecodeError);
    // v4, empty header, principal with 2^32-1 components
    const huge = new Uint8Array([5, 4, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
    expect(() => decodeCcache(huge)).toThrow(DecodeError);
    // v3 principal whose realm length runs past the end
    const long = new Uint8Array([5, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 1, 2]);
    try {
      decodeCcache(long);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).path).toBe('ccache.defaultPrincipal.realm');
      expect((e as DecodeError).offset).toBe(10);
    }
  });

  it('every strict prefix of a cache is a DecodeError, except exactly the cuts between records', () => {
    const dp = { nameType: 1, realm: 'EXAMPLE.COM', components: ['u'] };
    const cred = (server: string, ticket: Uint8Array): CcacheCredential => ({
      client: dp,
      server: { nameType: 2, realm: dp.realm, components: server.split('/') },
      key: { etype: 18, value: new Uint8Array(32).fill(7) },
      authtime: new Date(1_700_000_000_000),
      starttime: new Date(1_700_000_000_000),
      endtime: new Date(1_700_036_000_000),
      renewTill: new Date(0),
      isSkey: false,
      flags: 0x40e10000,
      addresses: [],
      authdata: [],
      ticket,
      secondTicket: new Uint8Array(0),
    });
    const creds = [cred('krbtgt/EXAMPLE.COM', Uint8Array.of(0x61, 1, 0)), cred('HTTP/www.example.com', Uint8Array.of(0x61, 0))];
    for (const version of [3, 4] as const) {
      const head = encodeCcache({ version, header: [], defaultPrincipal: dp, credentials: [], config: [] }, { version });
      const bytes = encodeCcache({ version, header: [], defaultPrincipal: dp, credentials: creds, config: [] }, { version });
      // a cache cut after its default principal or after a whole record is a (shorter) cache
      const first = encodeCcacheCredential(creds[0]!, version).length;
      expect(bytes.length).toBe(head.length + first + encodeCcacheCredential(creds[1]!, version).length);
      expectStrictPrefixesRefused(decodeCcache, bytes, DecodeError, [head.length, head.length + first]);
      expect(decodeCcache(bytes.subarray(0, head.length)).credentials).toEqual([]);
      expect(decodeCcache(bytes.subarray(0, head.length + first)).credentials).toEqual([creds[0]]);
    }
  });

  it('a fault inside a credential names it: ccache.credentials[i].field', () => {
    const bytes = file('v4-kvno.ccache');
    try {
      decodeCcache(bytes.subarray(0, bytes.length - 10));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).path).toMatch(/^ccache\.credentials\[\d+\]\.(ticket|secondTicket)$/);
    }
  });

  it("one record or principal alone (the KCM marshalling) is the file's record, read by the file's reader, in every version", () => {
    fc.assert(
      fc.property(credArb, fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>, fc.nat(), (c0, version, cut) => {
        // version 1 has no name types (read as 0)
        const c = version === 1 ? { ...c0, client: { ...c0.client, nameType: 0 }, server: { ...c0.server, nameType: 0 } } : c0;
        const rec = encodeCcacheCredential(c, version);
        expect(decodeCcacheCredential(rec, version)).toEqual(c);
        expect(decodeCcachePrincipal(encodeCcachePrincipal(c.client, version), version)).toEqual(c.client);
        if (version >= 3) {
          const file = encodeCcache({ version, header: [], defaultPrincipal: c.client, credentials: [c], config: [] }, { version });
          expect(toHex(file.subarray(file.length - rec.length))).toBe(toHex(rec));
          expect(toHex(file.subarray(version === 4 ? 4 : 2, file.length - rec.length))).toBe(toHex(encodeCcachePrincipal(c.client, version)));
        }
        const n = cut % rec.length;
        try {
          decodeCcacheCredential(rec.subarray(0, n), version, { base: 'kcm.credential' });
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).path).toMatch(/^kcm\.credential/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
