/**
 * FILE cache writers among other writers (issue 11, items 2, 4, 5, 8): store() appends in place
 * in the file's own version and survives a replacement of the file; rewrites merge with what
 * other writers appended; readers and writers stop at a record cut short; stale temporary files
 * are removed; another user's file is refused; initialize(principal, credentials) replaces once.
 * Real concurrency with MIT's tools is in test/cli/ccache-writers-interop.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { decodeCcache, encodeCcache, encodeCcacheCredential, type Ccache } from '../../src/formats/index.js';
import { atomicWrite, removeTempFiles, STALE_TEMP_AGE_MS } from '../../src/node/atomic-write.js';
import { FileStore, formatsCodec, MemoryStore, type CcacheCredential, type CcacheFileCodec } from '../../src/node/ccache/index.js';
import type { Principal as CcachePrincipal } from '../../src/messages/index.js';
import { writeLocked } from '../../src/node/ccache/locks.js';
import { fakeCred } from './helpers.js';

const alice: CcachePrincipal = { realm: 'EX.COM', components: ['alice'], nameType: 1 };
const bob: CcachePrincipal = { realm: 'EX.COM', components: ['bob'], nameType: 1 };
const FIXTURES = new URL('../../fixtures/mit/ccache/', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'tskrb5-writers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dir: string;
let n = 0;
beforeEach(() => {
  dir = join(root, `t${++n}`);
  mkdirSync(dir);
});
afterEach(() => vi.restoreAllMocks());

/** A credential told apart by its service name (and its ticket bytes). */
const cred = (svc: string, client = alice): CcacheCredential => ({ ...fakeCred(client, svc), ticket: new TextEncoder().encode(`ticket for ${svc}`) });
const services = (f: Ccache) => f.credentials.map((c) => c.server.components.join('/'));
const cacheBytes = (creds: CcacheCredential[], p = alice) => encodeCcache({ version: 4, header: [], defaultPrincipal: p, credentials: creds, config: [] });
const count = (hay: Uint8Array, needle: Uint8Array) => {
  let k = 0;
  for (let i = Buffer.from(hay).indexOf(Buffer.from(needle)); i >= 0; i = Buffer.from(hay).indexOf(Buffer.from(needle), i + 1)) k++;
  return k;
};

describe('store() appends in place, as MIT fcc_store', () => {
  it('one record after the last, in the same file (inode kept), for every version 1–4 in its own encoding', async () => {
    for (const v of [1, 2, 3, 4] as const) {
      const p = join(dir, `v${v}`);
      copyFileSync(join(FIXTURES, `v${v}-kvno.ccache`), p);
      const before = readFileSync(p);
      const ino = statSync(p).ino;
      const old = decodeCcache(before);
      const c = cred('HTTP/appended.ex.com', old.defaultPrincipal);
      await new FileStore(p).store(c);
      const after = readFileSync(p);
      expect(statSync(p).ino, `v${v}: same file`).toBe(ino);
      expect(Buffer.compare(after.subarray(0, before.length), before), `v${v}: old bytes untouched`).toBe(0);
      expect(after.subarray(before.length), `v${v}: the record in version ${v}`).toEqual(Buffer.from(encodeCcacheCredential(c, v)));
      const now = decodeCcache(after);
      expect(now.version).toBe(v);
      expect(now.credentials.slice(0, -1)).toEqual(old.credentials);
      expect(now.credentials.at(-1)!.server.components).toEqual(['HTTP', 'appended.ex.com']);
      expect(now.credentials.at(-1)!.ticket).toEqual(c.ticket);
    }
  });
  it('200 concurrent stores from one process: none lost', async () => {
    const p = join(dir, 'cc');
    await new FileStore(p).initialize(alice);
    await Promise.all(Array.from({ length: 200 }, (_, i) => new FileStore(p).store(cred(`svc/s${i}`))));
    const got = services(decodeCcache(readFileSync(p)));
    expect(got).toHaveLength(200);
    expect(new Set(got).size).toBe(200);
  });
  it('a cache that does not exist, or is empty, is not found', async () => {
    await expect(new FileStore(join(dir, 'none')).store(cred('a/b'))).rejects.toMatchObject({ code: 'ERR_CCACHE_NOT_FOUND' });
    writeFileSync(join(dir, 'empty'), '');
    await expect(new FileStore(join(dir, 'empty')).store(cred('a/b'))).rejects.toMatchObject({ code: 'ERR_CCACHE_NOT_FOUND' });
  });
});

/** The formats codec, with a hook run on the first record encoded (right before the append). */
function hookedRecordCodec(hook: () => void): CcacheFileCodec {
  let first = true;
  return {
    ...formatsCodec,
    encodeRecord: (c, v) => {
      if (first) {
        first = false;
        hook();
      }
      return formatsCodec.encodeRecord!(c, v);
    },
  };
}
/** Replaces `p` (a new inode) with these bytes, as another writer's rename would. */
function replaceWith(p: string, bytes: Uint8Array) {
  writeFileSync(`${p}.other`, bytes);
  renameSync(`${p}.other`, p);
}

describe('store() when another writer replaces the file during the append', () => {
  it('appends again to the new file', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM')]));
    const c = cred('HTTP/mine');
    await new FileStore(
      p,
      hookedRecordCodec(() => replaceWith(p, cacheBytes([cred('krbtgt/EX.COM'), cred('HTTP/theirs')]))),
    ).store(c);
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM', 'HTTP/theirs', 'HTTP/mine']);
  });
  it('not twice when the new file already holds the record', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM')]));
    const c = cred('HTTP/mine');
    await new FileStore(
      p,
      hookedRecordCodec(() => replaceWith(p, cacheBytes([cred('krbtgt/EX.COM'), c]))),
    ).store(c);
    const after = readFileSync(p);
    expect(services(decodeCcache(after))).toEqual(['krbtgt/EX.COM', 'HTTP/mine']);
    expect(count(after, encodeCcacheCredential(c, 4))).toBe(1);
  });
  it('not at all when the new file is the cache of another principal (kinit as someone else)', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM')]));
    await new FileStore(
      p,
      hookedRecordCodec(() => replaceWith(p, cacheBytes([cred('krbtgt/EX.COM', bob)], bob))),
    ).store(cred('HTTP/mine'));
    const f = decodeCcache(readFileSync(p));
    expect(f.defaultPrincipal).toEqual(bob);
    expect(services(f)).toEqual(['krbtgt/EX.COM']);
  });
  it('not at all when the cache was destroyed meanwhile', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM')]));
    await new FileStore(
      p,
      hookedRecordCodec(() => rmSync(p)),
    ).store(cred('HTTP/mine'));
    expect(existsSync(p)).toBe(false);
  });
});

describe('rewrites (remove) merge with other writers', () => {
  it('a record appended between the read and the rename survives: the rewrite starts again', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM'), cred('HTTP/old')]));
    let encodes = 0;
    const codec: CcacheFileCodec = {
      ...formatsCodec,
      encode: (cc, o) => {
        if (encodes++ === 0) appendFileSync(p, encodeCcacheCredential(cred('HTTP/concurrent'), 4)); // another writer's append
        return formatsCodec.encode(cc, o);
      },
    };
    await new FileStore(p, codec).remove((c) => c.server.components[1] === 'old');
    expect(encodes).toBe(2);
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM', 'HTTP/concurrent']);
    expect(readdirSync(dir)).toEqual(['cc']);
  });
  it('a record appended to the old file after the rename (by a writer that had it open) is carried over', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM'), cred('HTTP/old')]));
    const s = new FileStore(p);
    s.hooks = {
      renameImpl: async (from, to) => {
        const fd = openSync(to, 'a'); // opened before the rename …
        await fsp.rename(from, to);
        writeSync(fd, encodeCcacheCredential(cred('HTTP/late'), 4)); // … written after it
        closeSync(fd);
      },
    };
    await s.remove((c) => c.server.components[1] === 'old');
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM', 'HTTP/late']);
  });
  it('nothing to remove: the file is left alone (no replacement)', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM')]));
    const ino = statSync(p).ino;
    await new FileStore(p).remove(() => false);
    expect(statSync(p).ino).toBe(ino);
  });
  const PY = '/usr/bin/python3';
  it.skipIf(process.platform !== 'linux' || !existsSync(PY))('waits while another process holds an fcntl (OFD) write lock, as MIT does while it appends', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM'), cred('HTTP/old')]));
    // MIT's fcc_store: open O_APPEND, F_OFD_SETLKW write lock, (time passes), one write(), unlock
    const script = `
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_APPEND)
fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))
print('locked', flush=True)
time.sleep(0.4)
os.write(fd, bytes.fromhex(sys.argv[2]))
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack('hhqqi', fcntl.F_UNLCK, 0, 0, 0, 0))
`;
    const child = spawn(PY, ['-c', script, p, Buffer.from(encodeCcacheCredential(cred('HTTP/mit'), 4)).toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    expect(await writeLocked(await fsp.stat(p, { bigint: true }))).toBe(true);
    await new FileStore(p).remove((c) => c.server.components[1] === 'old');
    await exited;
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM', 'HTTP/mit']);
    expect(await writeLocked(await fsp.stat(p, { bigint: true }))).toBe(false);
  });
  it('/proc/locks lines: POSIX and OFD write locks (held or awaited) on the inode; read locks and other files are not', async () => {
    const st = { dev: 0xfe00n, ino: 2147297n };
    expect(await writeLocked(st, '1: OFDLCK ADVISORY  WRITE -1 fe:00:2147297 0 EOF\n')).toBe(true);
    expect(await writeLocked(st, '1: POSIX  ADVISORY  WRITE 4242 fe:00:2147297 0 EOF\n')).toBe(true);
    expect(await writeLocked(st, '1: POSIX  ADVISORY  READ 4242 fe:00:2147297 0 EOF\n1: -> POSIX  ADVISORY  WRITE 77 fe:00:2147297 0 EOF\n')).toBe(true);
    expect(await writeLocked(st, '1: OFDLCK ADVISORY  READ -1 fe:00:2147297 0 EOF\n')).toBe(false);
    expect(await writeLocked(st, '1: OFDLCK ADVISORY  WRITE -1 fe:01:2147297 0 EOF\n2: FLOCK  ADVISORY  WRITE 9 fe:00:2147297 0 EOF\n')).toBe(false);
    expect(await writeLocked(st, '1: OFDLCK ADVISORY  WRITE -1 fe:00:21472970 0 EOF\n')).toBe(false);
  });
});

describe('a record cut short at the end (a writer mid-append, or killed during it)', () => {
  const partial = (c: CcacheCredential, n: number) => encodeCcacheCredential(c, 4).subarray(0, n);
  it('readers stop before it, as MIT reader does (KRB5_CC_END)', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, Buffer.concat([cacheBytes([cred('krbtgt/EX.COM')]), partial(cred('HTTP/cut'), 40)]));
    expect(() => decodeCcache(readFileSync(p))).toThrow(DecodeError); // the strict decoder still says so
    const s = new FileStore(p);
    expect((await s.getCredentials()).map((c) => c.server.components.join('/'))).toEqual(['krbtgt/EX.COM']);
  });
  it('a store waits for it to be completed, then appends after it', async () => {
    const p = join(dir, 'cc');
    const other = encodeCcacheCredential(cred('HTTP/other'), 4);
    writeFileSync(p, Buffer.concat([cacheBytes([cred('krbtgt/EX.COM')]), other.subarray(0, 40)]));
    const ino = statSync(p).ino;
    setTimeout(() => appendFileSync(p, other.subarray(40)), 8);
    await new FileStore(p).store(cred('HTTP/mine'));
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM', 'HTTP/other', 'HTTP/mine']);
    expect(statSync(p).ino).toBe(ino);
  });
  it('one that stays cut (its writer died) is dropped by a rewrite, so that what follows stays readable', async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, Buffer.concat([cacheBytes([cred('krbtgt/EX.COM')]), partial(cred('HTTP/cut'), 40)]));
    await new FileStore(p).store(cred('HTTP/mine'));
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM', 'HTTP/mine']);
  });
});

describe('temporary files: the writer pid in the name, stale ones removed', () => {
  /** A pid that existed and is gone. */
  function deadPid(): number {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(r.stdout);
  }
  it('atomicWrite names its temporary file .<name>.<pid>.<hex>.tmp', async () => {
    const p = join(dir, 'krb5cc_x');
    let seen: string[] = [];
    await atomicWrite(p, Uint8Array.of(1), {
      writeImpl: async (h, d) => {
        seen = readdirSync(dir);
        await h.writeFile(d);
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(new RegExp(`^\\.krb5cc_x\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(readdirSync(dir)).toEqual(['krb5cc_x']);
  });
  it('the rules: a dead writer or an old file is stale; a live writer, this process, other names and directories are kept; all = every one', async () => {
    const p = join(dir, 'krb5cc_x');
    const dead = deadPid();
    const old = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
    const files = {
      dead: `.krb5cc_x.${dead}.0123456789ab.tmp`,
      live: `.krb5cc_x.${process.ppid}.0123456789ab.tmp`,
      self: `.krb5cc_x.${process.pid}.0123456789ab.tmp`,
      liveButOld: `.krb5cc_x.${process.ppid}.aaaaaaaaaaaa.tmp`,
      legacyYoung: '.krb5cc_x.0123456789ab.tmp',
      legacyOld: '.krb5cc_x.bbbbbbbbbbbb.tmp',
      otherCache: `.krb5cc_xy.${dead}.0123456789ab.tmp`,
      otherName: '.krb5cc_x.tmp',
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), 'ticket');
    for (const f of [files.liveButOld, files.legacyOld]) utimesSync(join(dir, f), old, old);
    mkdirSync(join(dir, `.krb5cc_x.${dead}.cccccccccccc.tmp`));
    const removed = (await removeTempFiles(p)).map((f) => f.slice(dir.length + 1)).sort();
    expect(removed).toEqual([files.dead, files.liveButOld, files.legacyOld].sort());
    // kdestroy's: every temporary file of this cache, live writer or not
    const all = (await removeTempFiles(p, { all: true })).map((f) => f.slice(dir.length + 1)).sort();
    expect(all).toEqual([files.live, files.self, files.legacyYoung].sort());
    expect(readdirSync(dir).sort()).toEqual([files.otherCache, files.otherName, `.krb5cc_x.${dead}.cccccccccccc.tmp`].sort());
  });
  it("another user's temporary files are not touched (unless we are root)", async () => {
    const p = join(dir, 'krb5cc_x');
    writeFileSync(join(dir, `.krb5cc_x.${deadPid()}.0123456789ab.tmp`), 'x');
    vi.spyOn(process, 'geteuid').mockReturnValue(statSync(dir).uid + 4242);
    expect(await removeTempFiles(p, { all: true })).toEqual([]);
  });
  it('FileStore: a store and an initialize remove stale ones; destroy removes all, the cache present or not', async () => {
    const p = join(dir, 'cc');
    const dead = deadPid();
    const stale = () => writeFileSync(join(dir, `.cc.${dead}.${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}.tmp`), 'ticket');
    const s = new FileStore(p);
    stale();
    await s.initialize(alice);
    expect(readdirSync(dir)).toEqual(['cc']);
    stale();
    await s.store(cred('HTTP/x'));
    expect(readdirSync(dir)).toEqual(['cc']);
    stale();
    writeFileSync(join(dir, `.cc.${process.ppid}.0123456789ab.tmp`), 'live writer');
    await s.destroy();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a FILE cache another user owns is refused for writing', () => {
  it("store, remove and initialize: ERR_CCACHE_PERMISSION with MIT's words; the file untouched", async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM')]));
    const before = readFileSync(p);
    vi.spyOn(process, 'geteuid').mockReturnValue(statSync(p).uid + 4242); // we are someone else
    const s = new FileStore(p);
    for (const op of [() => s.store(cred('HTTP/x')), () => s.remove(() => true), () => s.initialize(alice, [cred('HTTP/y')])]) {
      const e = await op().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ code: 'ERR_CCACHE_PERMISSION', name: 'KerberosError' });
      expect((e as Error).message).toMatch(/^Credentials cache permissions incorrect \(filename: .*\/cc\): the file belongs to uid \d+, not to uid \d+$/);
    }
    expect(readFileSync(p)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['cc']);
    // reading stays allowed (klist of someone else's readable cache)
    expect(await s.getCredentials()).toHaveLength(1);
  });
  it.skipIf(process.geteuid?.() !== 0)("root may rewrite a user's cache, which stays theirs", async () => {
    const p = join(dir, 'cc');
    writeFileSync(p, cacheBytes([cred('krbtgt/EX.COM'), cred('HTTP/old')]));
    chownSync(p, 65534, 65534);
    await new FileStore(p).remove((c) => c.server.components[1] === 'old');
    expect(services(decodeCcache(readFileSync(p)))).toEqual(['krbtgt/EX.COM']);
    expect([statSync(p).uid, statSync(p).gid]).toEqual([65534, 65534]);
  });
});

describe('initialize(principal, credentials): one replacement', () => {
  it('FILE: one file written and renamed, holding everything', async () => {
    const p = join(dir, 'cc');
    await new FileStore(p).initialize(bob, [cred('krbtgt/EX.COM', bob)]);
    const encoded: number[] = [];
    let renames = 0;
    const s = new FileStore(p, {
      ...formatsCodec,
      encode: (cc, o) => {
        encoded.push(cc.credentials.length);
        return formatsCodec.encode(cc, o);
      },
    });
    s.hooks = {
      renameImpl: async (a, b) => {
        renames++;
        await fsp.rename(a, b);
      },
    };
    const creds = [cred('krbtgt/EX.COM'), cred('HTTP/a'), cred('HTTP/b')];
    await s.initialize(alice, creds);
    expect([encoded, renames]).toEqual([[3], 1]);
    const f = decodeCcache(readFileSync(p));
    expect(f.defaultPrincipal).toEqual(alice);
    expect(f.credentials).toEqual(creds);
    await s.initialize(bob);
    expect(decodeCcache(readFileSync(p)).credentials).toEqual([]);
  });
  it('MEMORY: one assignment (a copy)', async () => {
    const m = new MemoryStore(`init-${n}`);
    const creds = [cred('krbtgt/EX.COM'), cred('HTTP/a')];
    await m.initialize(alice, creds);
    creds.pop();
    expect((await m.getCredentials()).map((c) => c.server.components.join('/'))).toEqual(['krbtgt/EX.COM', 'HTTP/a']);
    await m.initialize(bob);
    expect(await m.getCredentials()).toEqual([]);
  });
});
