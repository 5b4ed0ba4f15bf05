/**
 * The replay cache of a Negotiate service (issue 13), against tickets a live MIT KDC issued to
 * alice: authenticators made on MIT kvno's service ticket by our Krb5Initiator, and by MIT's own
 * initiator (python-gssapi, SPNEGO). The servers are negotiateMiddleware workers, each a process
 * of its own (test/http/servers/replay-worker.mjs), as node:cluster, PM2 or containers run them.
 *
 * - the race: the same token sent to three workers at the same moment (one KRB5RCACHEDIR, the
 *   middleware's default store), 200 tokens one by one and 200 more all at once: each accepted
 *   exactly once (at most once: no replay; at least once: no false refusal);
 * - a kill -9 of a worker in the middle of a stream: no token accepted twice, none forgotten;
 * - a replay after 20,000 other handshakes inside the window is refused (in process, with the
 *   default in-memory cache and with the file store), the per-accept cost of each measured;
 * - the bound: a full cache refuses new tokens with ERR_REPLAY_CACHE_FULL to onError, counted;
 * - Redis: two workers (node-redis and ioredis clients) on one redis-server refuse each other's
 *   replays, race exactly once, and refuse (401, ERR_REPLAY_CACHE_IO) when Redis is gone;
 * - KRB5RCACHETYPE=none turns it off; KRB5RCACHEDIR, else TMPDIR, is where the files go; files of
 *   minutes long past are removed.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startRedis, redisMissing } from '../interop/redis.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssPeer, gssPeerMissing } from '../interop/gss-peer.mjs';
import { ReplayCache } from '../../src/ap/index.js';
import { decodeCcache, decodeKeytab, type CcacheCredential } from '../../src/formats/index.js';
import { Krb5Initiator } from '../../src/gssapi/index.js';
import { createNegotiateAuthenticator, negotiateHandlerCore, RedisReplayCache } from '../../src/http/index.js';
import { negotiateHandler } from '../../src/http/node/handler.js';
import { createClient } from 'redis';
import { FileReplayCache } from '../../src/node/index.js';
import { spnegoInit } from '../gssapi/forge.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...redisMissing(), ...gssPeerMissing()];
const R = 'TSKRB5.TEST';
const PW = 'Replay-Pa55word!';
const ROOT = new URL('../../', import.meta.url).pathname;
const SERVICE_FILE = `HTTP%2Flocalhost%40${R}`;

interface Worker {
  proc: ChildProcess;
  port: number;
  refusals: { code: string; name: string; message: string }[];
  exited: () => boolean;
}

async function worker(keytab: string, mode: string, arg: string | undefined, env: NodeJS.ProcessEnv): Promise<Worker> {
  const proc = spawn(process.execPath, [join(ROOT, 'test/http/servers/replay-worker.mjs'), keytab, mode, ...(arg ? [arg] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const refusals: Worker['refusals'] = [];
  let exited = false;
  proc.once('exit', () => (exited = true));
  createInterface({ input: proc.stderr! }).on('line', (l) => {
    try {
      refusals.push(JSON.parse(l));
    } catch {
      refusals.push({ code: 'STDERR', name: '', message: l });
    }
  });
  const port = await new Promise<number>((ok, no) => {
    createInterface({ input: proc.stdout! }).once('line', (l) => ok(Number(l.replace('LISTENING ', ''))));
    proc.once('exit', (c) => no(new Error(`worker exited ${c}: ${refusals.map((r) => r.message).join('\n')}`)));
  });
  return { proc, port, refusals, exited: () => exited || proc.exitCode !== null };
}

const b64 = (t: Uint8Array) => Buffer.from(t).toString('base64');
/** GET / with the token; the status (0 when the connection failed: a dead worker). */
async function send(w: Worker, token: Uint8Array | string): Promise<number> {
  try {
    const r = await fetch(`http://127.0.0.1:${w.port}/`, { headers: { authorization: `Negotiate ${typeof token === 'string' ? token : b64(token)}` } });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}
const stats = async (w: Worker) => (await (await fetch(`http://127.0.0.1:${w.port}/stats`)).json()) as Record<string, number>;
const stop = (w: Worker | undefined) => w && !w.exited() && w.proc.kill();

describe.skipIf(!IN_CI && missing.length > 0)('the replay cache against MIT-issued tickets (live MIT KDC, redis-server, python-gssapi)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  let keytab = '';
  let cc = '';
  let svc: CcacheCredential;
  const env = (over: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, ...realm.env, ...over };
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete e[k];
    return e;
  };
  /** A fresh AP-REQ on alice's MIT-issued ticket, by our initiator: raw krb5, or inside SPNEGO. */
  const token = (i = 0) => {
    const t = new Krb5Initiator({ credential: svc }).token;
    return i % 2 ? spnegoInit(t) : t;
  };
  const rcDir = (name: string) => {
    const d = join(realm.dir, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };
  const records = (path: string) => statSync(path).size / 32;
  const recordsIn = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size / 32, 0);

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R });
    cc = `FILE:${join(realm.dir, 'ccache')}`;
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    keytab = await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'http.keytab'));
    await realm.kinit('alice', PW);
    const k = await realm.run('kvno', [`HTTP/localhost@${R}`], { env: realm.env });
    expect(k.stderr).toBe('');
    svc = decodeCcache(new Uint8Array(readFileSync(cc.replace(/^FILE:/, '')))).credentials.find((x) => x.server.components.join('/') === 'HTTP/localhost')!;
    expect(svc).toBeDefined();
  }, 60_000);
  afterAll(async () => {
    await realm?.stop();
  });

  it('the race: one token to three workers at once (the default store, one KRB5RCACHEDIR), 200 one by one and 200 at once: each accepted exactly once', {
    timeout: 120_000,
  }, async () => {
    const dir = rcDir('rc-race');
    const ws = await Promise.all([1, 2, 3].map(() => worker(keytab, 'default', undefined, env({ KRB5RCACHEDIR: dir }))));
    try {
      const oks: number[] = [];
      const perWorker = [0, 0, 0];
      // one by one: each token to the three at the same moment
      for (let i = 0; i < 200; i++) {
        const t = token(i);
        const st = await Promise.all(ws.map((w) => send(w, t)));
        st.forEach((s, k) => {
          if (s === 200) perWorker[k]!++;
        });
        oks.push(st.filter((s) => s === 200).length);
        expect(st.every((s) => s === 200 || s === 401)).toBe(true);
      }
      // all at once: 200 tokens × 3 workers in flight together
      const burst = Array.from({ length: 200 }, (_, i) => token(i));
      const all = await Promise.all(burst.map((t) => Promise.all(ws.map((w) => send(w, t)))));
      for (const st of all) {
        st.forEach((s, k) => {
          if (s === 200) perWorker[k]!++;
        });
        oks.push(st.filter((s) => s === 200).length);
      }
      expect(oks.filter((n) => n !== 1)).toEqual([]);
      // the others' refusals were replays (KRB_AP_ERR_REPEAT), nothing else
      const reasons = new Set(ws.flatMap((w) => w.refusals.map((r) => r.message.replace(/ \(.*$/, ''))));
      expect([...reasons]).toEqual(['this authenticator was seen before: a replay']);
      expect(ws.every((w) => !w.exited())).toBe(true);
      // the files: one per minute of authenticator time, named for the service; records beyond
      // one per token are true races (two workers appended the same token before reading)
      const files = readdirSync(dir);
      expect(files.every((f) => f.startsWith(`tskrb5_rc1_${process.geteuid!()}_${SERVICE_FILE}_`))).toBe(true);
      const raced = recordsIn(dir) - 400;
      console.log(
        `race over HTTP: 400 tokens × 3 workers, accepted per worker ${perWorker.join(' / ')}, each token exactly once; ${raced} tokens appended by two workers before either read the other's record`,
      );
      // what each worker's store counted
      const s = await Promise.all(ws.map(stats));
      expect(s.reduce((n, x) => n + x.accepted!, 0)).toBe(400);
    } finally {
      ws.forEach(stop);
    }
  });

  it("MIT's initiator (python-gssapi, SPNEGO): its tokens raced to two workers are accepted exactly once too", { timeout: 60_000 }, async () => {
    const dir = rcDir('rc-mit');
    const ws = await Promise.all([1, 2].map(() => worker(keytab, 'default', undefined, env({ KRB5RCACHEDIR: dir }))));
    const peer = await startGssPeer({ env: env({ KRB5CCNAME: cc }) });
    try {
      for (let i = 0; i < 20; i++) {
        const r = await peer.request({ op: 'init', service: 'HTTP@localhost', mech: 'spnego' });
        expect(r.error).toBeUndefined();
        const st = await Promise.all(ws.map((w) => send(w, r.token)));
        expect(st.sort()).toEqual([200, 401]);
        // and once more, later, to either: a replay
        expect(await send(ws[i % 2]!, r.token)).toBe(401);
      }
    } finally {
      await peer.stop();
      ws.forEach(stop);
    }
  });

  it('a kill -9 of a worker in the middle of a stream: no token accepted twice, and a worker started afterwards refuses every one', { timeout: 120_000 }, async () => {
    const dir = rcDir('rc-kill');
    const ws = await Promise.all([1, 2].map(() => worker(keytab, 'default', undefined, env({ KRB5RCACHEDIR: dir }))));
    const tokens = Array.from({ length: 300 }, (_, i) => token(i));
    const accepted = new Map<number, number>();
    const survivor: number[] = [];
    try {
      let done = 0;
      await Promise.all(
        tokens.map(async (t, i) => {
          const st = await Promise.all(ws.map((w) => send(w, t)));
          survivor.push(st[1]!);
          accepted.set(i, st.filter((s) => s === 200).length);
          // a third of the way through, the first worker dies, whatever it is doing
          if (++done === 100) ws[0]!.proc.kill('SIGKILL');
        }),
      );
      expect(ws[0]!.exited()).toBe(true);
      expect(ws[1]!.exited()).toBe(false);
      expect([...accepted.values()].every((n) => n <= 1)).toBe(true);
      const after = await worker(keytab, 'default', undefined, env({ KRB5RCACHEDIR: dir }));
      try {
        const st = await Promise.all(tokens.map((t) => send(after, t)));
        expect(st.filter((s) => s !== 401)).toEqual([]);
      } finally {
        stop(after);
      }
      // a token with no 200 at all: the killed worker had recorded it (and perhaps answered, its
      // answer lost with its connections); the survivor refused it as a replay, nothing else
      const lost = [...accepted.values()].filter((n) => n === 0).length;
      // (the survivor may have won every race and refused nothing: what it did refuse is replays only,
      // one for each token it did not accept)
      expect(ws[1]!.refusals.filter((r) => r.message.replace(/ \(.*$/, '') !== 'this authenticator was seen before: a replay')).toEqual([]);
      expect(survivor.filter((s) => s !== 200 && s !== 401)).toEqual([]);
      console.log(
        `kill -9 mid-stream: 300 tokens × 2 workers, ${[...accepted.values()].filter((n) => n === 1).length} accepted once, ${lost} answered by no one (recorded by the killed worker), none twice; a new worker refuses all 300`,
      );
    } finally {
      ws.forEach(stop);
    }
  });

  it('a replay after 20,000 other handshakes inside the window is refused — the in-memory default and the file store; the cost of each per accept', {
    timeout: 300_000,
  }, async () => {
    const keys = decodeKeytab(new Uint8Array(readFileSync(keytab))).entries;
    const N = 20_000;
    const tokens = Array.from({ length: N + 1 }, () => `Negotiate ${b64(new Krb5Initiator({ credential: svc }).token)}`);
    // the three side by side on the same tokens, in interleaved chunks of 1,000 (a period of load
    // on the shared machine falls on all three); the first chunk warms the JIT and is not counted
    const file = new FileReplayCache({ dir: rcDir('rc-20000') });
    const checks = {
      none: createNegotiateAuthenticator({ keys, replayCache: false }),
      memory: createNegotiateAuthenticator({ keys }), // the default: the acceptor's in-memory cache
      file: createNegotiateAuthenticator({ keys, replayCache: file }),
    };
    const per: Record<keyof typeof checks, number[]> = { none: [], memory: [], file: [] };
    for (let c = 0; c < tokens.length; c += 1000) {
      const chunk = tokens.slice(c, c + 1000);
      for (const name of Object.keys(checks) as (keyof typeof checks)[]) {
        const t0 = performance.now();
        let ok = 0;
        for (const t of chunk) {
          const r = checks[name](t);
          if (r.status === 'ok') {
            ok++;
            r.context.dispose();
          }
        }
        if (c > 0) per[name].push(((performance.now() - t0) * 1000) / chunk.length);
        expect(ok, name).toBe(chunk.length);
      }
    }
    // the old default held 10,000 and forgot the oldest: this replay was accepted
    expect(checks.memory(tokens[0]!)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/seen before: a replay/) } });
    expect(checks.file(tokens[0]!)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/seen before: a replay/) } });
    expect(file.stats()).toMatchObject({ accepted: N + 1, replays: 1 });
    file.close();
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
    const [none, memory, viaFile] = [med(per.none), med(per.memory), med(per.file)];
    console.log(
      `20,001 accepts in process (medians of 20 interleaved chunks), µs each: no cache ${none.toFixed(1)}, in-memory ${memory.toFixed(1)} (${(memory - none).toFixed(1)} more), file ${viaFile.toFixed(1)} (${(viaFile - none).toFixed(1)} more)`,
    );
  });

  it('the bound: a full cache refuses new tokens (401, ERR_REPLAY_CACHE_FULL to onError, counted) and still refuses replays as replays — in memory and in files', {
    timeout: 60_000,
  }, async () => {
    for (const mode of ['memory', 'file']) {
      const w = await worker(keytab, mode, '20', env({ KRB5RCACHEDIR: rcDir(`rc-bound-${mode}`) }));
      try {
        const tokens = Array.from({ length: 22 }, (_, i) => token(i));
        for (const t of tokens.slice(0, 20)) expect(await send(w, t)).toBe(200);
        expect(await send(w, tokens[20]!)).toBe(401);
        expect(await send(w, tokens[21]!)).toBe(401);
        expect(w.refusals.map((r) => r.code)).toEqual(['ERR_REPLAY_CACHE_FULL', 'ERR_REPLAY_CACHE_FULL']);
        expect(w.refusals[0]!.message).toMatch(/replay cache .*is full \(20 live authenticators, its bound\)/);
        expect(await send(w, tokens[3]!)).toBe(401);
        expect(w.refusals[2]!.message).toMatch(/seen before: a replay/);
        expect(await stats(w)).toMatchObject({ entries: 20, maxEntries: 20, accepted: 20, refusedFull: 2, replays: 1 });
      } finally {
        stop(w);
      }
    }
  });

  it('Redis: workers over node-redis and ioredis on one redis-server refuse each other’s replays, race exactly once, and refuse when Redis is gone', {
    timeout: 120_000,
  }, async () => {
    const redis = await startRedis({ dir: join(realm.dir, 'redis') });
    let ws: Worker[] = [];
    try {
      ws = [await worker(keytab, 'redis', redis.url, env()), await worker(keytab, 'ioredis', redis.url, env())];
      // one's token is the other's replay, both ways
      const a = token(0);
      expect(await send(ws[0]!, a)).toBe(200);
      expect(await send(ws[1]!, a)).toBe(401);
      const b = token(1);
      expect(await send(ws[1]!, b)).toBe(200);
      expect(await send(ws[0]!, b)).toBe(401);
      expect(ws.flatMap((w) => w.refusals.map((r) => r.message))).toEqual([expect.stringMatching(/seen before: a replay/), expect.stringMatching(/seen before: a replay/)]);
      // the race, 200 tokens at once
      const tokens = Array.from({ length: 200 }, (_, i) => token(i));
      const all = await Promise.all(tokens.map((t) => Promise.all(ws.map((w) => send(w, t)))));
      expect(all.map((st) => st.filter((s) => s === 200).length).filter((n) => n !== 1)).toEqual([]);
      const s = await Promise.all(ws.map(stats));
      expect(s[0]!.accepted! + s[1]!.accepted!).toBe(202);
      expect(s[0]!.errors! + s[1]!.errors!).toBe(0);
      console.log(`race over Redis: 200 tokens × 2 workers, accepted ${s[0]!.accepted! - 1} (node-redis) / ${s[1]!.accepted! - 1} (ioredis), each token exactly once`);
      // Redis gone: refused, with the reason; the workers stay up
      await redis.stop();
      for (const w of ws) {
        expect(await send(w, token())).toBe(401);
        expect(w.refusals.at(-1)).toMatchObject({ code: 'ERR_REPLAY_CACHE_IO' });
        expect(w.exited()).toBe(false);
      }
    } finally {
      ws.forEach(stop);
      await redis.stop();
    }
  });

  it('KRB5RCACHETYPE=none turns it off (a replay is accepted, as MIT); KRB5RCACHEDIR, else TMPDIR, holds the files; files of minutes long past are removed', {
    timeout: 60_000,
  }, async () => {
    const none = await worker(keytab, 'default', undefined, env({ KRB5RCACHETYPE: 'none', KRB5RCACHEDIR: rcDir('rc-none') }));
    try {
      const t = token();
      expect(await send(none, t)).toBe(200);
      expect(await send(none, t)).toBe(200);
      expect(readdirSync(join(realm.dir, 'rc-none'))).toEqual([]);
    } finally {
      stop(none);
    }
    const tmp = rcDir('rc-tmpdir');
    const dir = rcDir('rc-dir');
    const euid = process.geteuid!();
    const old = `tskrb5_rc1_${euid}_${SERVICE_FILE}_${Math.floor(Date.now() / 60_000) * 60 - 1200}`;
    writeFileSync(join(dir, old), '');
    for (const [d, e] of [
      [dir, { KRB5RCACHEDIR: dir, TMPDIR: tmp }],
      [tmp, { KRB5RCACHEDIR: undefined, TMPDIR: tmp }],
    ] as const) {
      const w = await worker(keytab, 'default', undefined, env(e));
      try {
        const t = token();
        expect(await send(w, t)).toBe(200);
        expect(await send(w, t)).toBe(401);
        const files = readdirSync(d);
        expect(files).toHaveLength(1);
        expect(files[0]).toMatch(new RegExp(`^tskrb5_rc1_${euid}_${SERVICE_FILE.replace(/\./g, '\\.')}_\\d+$`));
        expect(statSync(join(d, files[0]!)).mode & 0o777).toBe(0o600);
      } finally {
        stop(w);
      }
    }
    expect(existsSync(join(dir, old))).toBe(false);
  });

  it("negotiateHandler: the host-shared file store by default (negotiateHandlerCore: memory); with Redis (awaited after the check), a replay's 401 carries the KRB-ERROR MIT's initiator reads as a replay", {
    timeout: 60_000,
  }, async () => {
    const keys = decodeKeytab(new Uint8Array(readFileSync(keytab))).entries;
    const dir = rcDir('rc-handler');
    const saved = process.env.KRB5RCACHEDIR;
    process.env.KRB5RCACHEDIR = dir;
    const peer = await startGssPeer({ env: env({ KRB5CCNAME: cc }) });
    const redis = await startRedis({ dir: join(realm.dir, 'redis-handler') });
    const client = await createClient({ url: redis.url }).connect();
    try {
      const hello = () => new Response('hello');
      const req = (t: string) => new Request('http://localhost/', { headers: { authorization: `Negotiate ${t}` } });
      const onFile = negotiateHandler({ keys, authToLocal: false }, hello);
      const t1 = (await peer.request({ op: 'init', service: 'HTTP@localhost', mech: 'spnego' })).token as string;
      expect((await onFile(req(t1))).status).toBe(200);
      expect(readdirSync(dir)).toEqual([expect.stringMatching(new RegExp(`^tskrb5_rc1_\\d+_${SERVICE_FILE.replace(/\./g, '\\.')}_\\d+$`))]);
      expect((await onFile(req(t1))).status).toBe(401);
      // the runtime-neutral core (no file system): the acceptor's in-memory cache, no file
      const core = negotiateHandlerCore({ keys, authToLocal: false }, hello);
      const t3 = (await peer.request({ op: 'init', service: 'HTTP@localhost', mech: 'spnego' })).token as string;
      expect((await core(req(t3))).status).toBe(200);
      expect((await core(req(t3))).status).toBe(401);
      expect(readdirSync(dir)).toHaveLength(1);
      expect(records(join(dir, readdirSync(dir)[0]!))).toBe(1);

      const errors: string[] = [];
      const onRedis = negotiateHandler({ keys, authToLocal: false, replayCache: new RedisReplayCache(client), onError: (e) => errors.push(`${e.code} ${e.message}`) }, hello);
      const t2 = (await peer.request({ op: 'init', service: 'HTTP@localhost', mech: 'spnego' })).token as string;
      const first = await onRedis(req(t2));
      expect(first.status).toBe(200);
      const replay = await onRedis(req(t2));
      expect(replay.status).toBe(401);
      expect(errors).toEqual([expect.stringMatching(/seen before: a replay \(KRB_AP_ERR_REPEAT\)/)]);
      // MIT's initiator, on the context that made t2, reads the reject token's KRB-ERROR
      const www = replay.headers.get('www-authenticate')!;
      expect(www).toMatch(/^Negotiate \S+$/);
      const mit = await peer.request({ op: 'init_step', token: www.slice('Negotiate '.length) });
      expect(mit.error).toMatch(/[Rr]eplay/);
      console.log(`MIT's initiator on the replay's 401: ${mit.error}`);
    } finally {
      if (saved === undefined) delete process.env.KRB5RCACHEDIR;
      else process.env.KRB5RCACHEDIR = saved;
      await client.quit();
      await redis.stop();
      await peer.stop();
    }
  });

  it('an in-memory cache of the pure API: replays refused within one process only (why the Node servers default to the file store)', async () => {
    const keys = decodeKeytab(new Uint8Array(readFileSync(keytab))).entries;
    const t = `Negotiate ${b64(token())}`;
    const a = createNegotiateAuthenticator({ keys, replayCache: new ReplayCache() });
    const b = createNegotiateAuthenticator({ keys, replayCache: new ReplayCache() });
    expect(a(t).status).toBe('ok');
    expect(a(t).status).toBe('failed');
    expect(b(t).status).toBe('ok');
  });
});
