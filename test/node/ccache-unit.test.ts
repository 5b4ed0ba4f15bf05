import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedError } from '../../src/errors.js';
import {
  copyCcache, DirCollection, FileStore, allCredentials, withCredentials, MemoryCollection, MemoryStore,
  openCcache, openCollection, type CcacheCredential, type CcachePrincipal,
} from '../../src/node/ccache/index.js';
import { KeytabFile } from '../../src/node/keytab-file.js';
import { encodeCcache, configEntry } from '../../src/formats/index.js';
import { toHex } from '../../src/util/bytes.js';
import { decodeCcacheCredential as decodeCredentialV4, encodeCcacheCredential as encodeCredentialV4, encodeCcachePrincipal as encodePrincipalV4 } from '../../src/formats/index.js';
import { fakeCred } from './helpers.js';

const alice: CcachePrincipal = { realm: 'EX.COM', components: ['alice'], nameType: 1 };
const bob: CcachePrincipal = { realm: 'EX.COM', components: ['bob'], nameType: 1 };
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
  it('truncations and absurd counts are DecodeError', () => {
    const b = encodeCredentialV4(fakeCred(alice));
    for (let n = 0; n < b.length; n++) {
      try { decodeCredentialV4(b.subarray(0, n)); } catch (e) { expect(e).toBeInstanceOf(DecodeError); }
    }
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
    await a.destroy(); await b.destroy();
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
    const conf = { ...fakeCred(alice), server: { realm: 'X-CACHECONF:', components: ['krb5_ccache_conf_data', 'pa_type', `krbtgt/EX.COM@EX.COM`], nameType: 1 }, ticket: Uint8Array.of(0x32) };
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
    const e = (kvno: number) => ({ principal: { realm: 'EX.COM', components: ['HTTP', 'www'], nameType: 1 }, timestamp: new Date(1_700_000_000_000), kvno, key: { etype: 18, value: new Uint8Array(32).fill(kvno) }, kvno32: true });
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
