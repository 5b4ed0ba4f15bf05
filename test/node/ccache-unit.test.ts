import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedError } from '../../src/errors.js';
import {
  copyCcache,
  DirCollection,
  type FileStore,
  allCredentials,
  withCredentials,
  MemoryCollection,
  MemoryStore,
  openCcache,
  openCollection,
} from '../../src/node/ccache/index.js';
import { KeytabFile } from '../../src/node/keytab-file.js';
import type { Principal } from '../../src/messages/index.js';
import { encodeCcache, configEntry, ccacheRecords } from '../../src/formats/index.js';
import { toHex } from '../../src/util/bytes.js';
import { decodeCcacheCredential as decodeCredentialV4, encodeCcacheCredential as encodeCredentialV4, encodeCcachePrincipal as encodePrincipalV4 } from '../../src/formats/index.js';
import { fakeCred } from './helpers.js';
import { expectStrictPrefixesRefused } from '../truncation.js';

const alice: Principal = { realm: 'EX.COM', components: ['alice'], nameType: 1 };
const bob: Principal = { realm: 'EX.COM', components: ['bob'], nameType: 1 };
const dir = mkdtempSync(join(tmpdir(), 'tskrb5-cc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('v4 marshalling', () => {
  it('round-trips a credential, and agrees with formats/ccache byte for byte', () => {
    const c = fakeCred(alice);
    expect(decodeCredentialV4(encodeCredentialV4(c))).toEqual(c);
    const file = encodeCcache({ version: 4, header: [], defaultPrincipal: alice, credentials: [c], config: [] });
    // file = 0x0504, header length 0, principal, then the one credential
    expect(toHex(file.subarray(4 + encodePrincipalV4(alice).length))).toBe(toHex(encodeCredentialV4(c)));
  });
  it("MIT's records: every credential of MIT- and Heimdal-written v4 caches re-encodes to the file's bytes and decodes back", () => {
    for (const name of ['v4-tgt.ccache', 'v4-kvno.ccache', 'v4-aes-sha2.ccache', 'v4-timesync.ccache', 'heimdal.ccache']) {
      const file = new Uint8Array(readFileSync(new URL(`../../fixtures/mit/ccache/${name}`, import.meta.url)));
      // where the records start, read off the file: 05 04, header length and header, then the principal
      const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
      expect([file[0], file[1]], name).toEqual([5, 4]);
      let at = 4 + dv.getUint16(2);
      const count = dv.getUint32(at + 4);
      at += 8;
      for (let i = 0; i <= count; i++) at += 4 + dv.getUint32(at); // realm, then each component
      const records = [...ccacheRecords(file).records];
      expect(records.length, name).toBeGreaterThan(0);
      const encoded = records.map((r) => encodeCredentialV4(r));
      expect(toHex(Uint8Array.from(encoded.flatMap((e) => [...e]))), name).toBe(toHex(file.subarray(at)));
      for (const [i, r] of records.entries()) {
        const len = encoded[i]!.length;
        expect(decodeCredentialV4(file.slice(at, at + len)), `${name} record ${i}`).toEqual(r);
        at += len;
      }
    }
  });
  it('every strict prefix of a credential is a DecodeError (none is a complete credential)', () => {
    // the record ends with the second ticket's length, so no shorter prefix is a whole credential
    expectStrictPrefixesRefused(decodeCredentialV4, encodeCredentialV4(fakeCred(alice)), DecodeError);
    // the same with a non-empty second ticket, no addresses and a one-component client
    const c = { ...fakeCred({ realm: 'R', components: ['u'], nameType: 1 }), addresses: [], secondTicket: Uint8Array.of(0x61, 0) };
    expectStrictPrefixesRefused(decodeCredentialV4, encodeCredentialV4(c), DecodeError);
  });
  it('absurd counts are DecodeError', () => {
    const bad = encodeCredentialV4(fakeCred(alice));
    bad[7] = 0xff; // component count of the client
    expect(() => decodeCredentialV4(bad)).toThrow(DecodeError);
  });
});

describe('MEMORY', () => {
  it('is shared by name, and a collection', async () => {
    const a = new MemoryStore('t1');
    await a.initialize(alice);
    await a.store(fakeCred(alice));
    const again = await openCcache('MEMORY:t1');
    expect(await again.getPrincipal()).toEqual(alice);
    expect(await again.getCredentials()).toHaveLength(1);
    const col = new MemoryCollection('t1');
    const b = await col.newCache(bob);
    expect((await col.findByPrincipal(bob))?.name).toBe(b.name);
    await col.switchTo(b);
    expect((await col.list())[0]!.name).toBe(b.name);
    await again.remove(() => true);
    expect(await a.getCredentials()).toEqual([]);
    await a.destroy();
    await b.destroy();
    expect(await a.getPrincipal()).toBeNull();
  });
});

describe('FILE and DIR (unit)', () => {
  it('FILE: initialize, store, remove, destroy; mode 0600', async () => {
    const p = join(dir, 'cc1');
    const s = await openCcache(`FILE:${p}`);
    expect(await s.getPrincipal()).toBeNull();
    await expect(s.getCredentials()).rejects.toThrow(/not found/);
    await s.initialize(alice);
    await s.store(fakeCred(alice));
    await s.store(fakeCred(alice, 'krbtgt/EX.COM'));
    expect(statSync(p).mode & 0o777).toBe(0o600);
    await s.remove((c) => c.server.components[0] === 'HTTP');
    expect((await s.getCredentials()).map((c) => c.server.components[0])).toEqual(['krbtgt']);
    // config entries travel as X-CACHECONF: records and come back as config entries
    const conf = {
      ...fakeCred(alice),
      server: { realm: 'X-CACHECONF:', components: ['krb5_ccache_conf_data', 'pa_type', `krbtgt/EX.COM@EX.COM`], nameType: 1 },
      ticket: Uint8Array.of(0x32),
    };
    await s.store(conf);
    const f = (await (s as FileStore).read())!;
    expect(f.config.map((e) => [e.key, e.principal])).toEqual([['pa_type', 'krbtgt/EX.COM@EX.COM']]);
    expect(allCredentials(withCredentials(f, allCredentials(f)))).toEqual(allCredentials(f));
    expect(configEntry('x', Uint8Array.of(1)).key).toBe('x');
    const m = new MemoryStore('copy');
    await copyCcache(s, m);
    expect(await m.getCredentials()).toEqual(await s.getCredentials());
    await s.destroy();
    expect(await s.getPrincipal()).toBeNull();
  });
  it('DIR: primary file, new members, switch, list order', async () => {
    const d = join(dir, 'coll');
    const col = new DirCollection(d);
    const first = await col.primary();
    expect(readFileSync(join(d, 'primary'), 'utf8')).toBe('tkt\n');
    expect(statSync(d).mode & 0o777).toBe(0o700);
    await first.initialize(alice);
    const second = await col.newCache(bob);
    expect(second.name).toMatch(/^DIR::.*\/tkt[A-Za-z0-9]{6}$/);
    expect((await col.list()).map((s) => s.name)).toEqual([first.name, second.name]);
    await col.switchTo(second);
    expect(readFileSync(join(d, 'primary'), 'utf8')).toBe(second.path.slice(d.length + 1) + '\n');
    expect((await col.list())[0]!.name).toBe(second.name);
    expect((await openCcache(`DIR:${d}`)).name).toBe(second.name);
    expect((await col.findByPrincipal(alice))?.name).toBe(first.name);
    writeFileSync(join(d, 'primary'), '../etc/passwd\n');
    await expect(col.primary()).rejects.toThrow(/invalid filename/);
  });
  it('KEYRING and API are refused with the alternative', async () => {
    await expect(openCcache('KEYRING:persistent:0')).rejects.toThrow(UnsupportedError);
    await expect(openCcache('KEYRING:persistent:0')).rejects.toThrow(/KCM/);
    await expect(openCollection('API:x')).rejects.toThrow(/KCM: or DIR/);
    await expect(openCcache('FILE:/x').then((s) => s.name)).resolves.toBe('FILE:/x');
  });
});

describe('keytab files', () => {
  it('add, read, remove atomically; WRFILE: prefix', async () => {
    const p = join(dir, 'kt');
    const kt = new KeytabFile(`WRFILE:${p}`);
    expect(await kt.entries()).toEqual([]);
    const e = (kvno: number) => ({
      principal: { realm: 'EX.COM', components: ['HTTP', 'www'], nameType: 1 },
      timestamp: new Date(1_700_000_000_000),
      kvno,
      key: { etype: 18, value: new Uint8Array(32).fill(kvno) },
      kvno32: true,
    });
    await kt.add(e(1));
    await kt.add(e(2), e(3));
    expect((await new KeytabFile(p).entries()).map((x) => x.kvno)).toEqual([1, 2, 3]);
    expect(await kt.remove((x) => x.kvno < 3)).toBe(2);
    expect((await kt.entries()).map((x) => x.kvno)).toEqual([3]);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(() => new KeytabFile('MEMORY:x')).toThrow(UnsupportedError);
  });
});
