// Replay cache benchmark: what remembering authenticators costs a Negotiate server.
//
//   1. the store alone, ns per check of a new authenticator: the in-memory ReplayCache, the
//      host-shared FileReplayCache (an append and a read of one file, tmpfs or disk as TMPDIR
//      is), and RedisReplayCache over node-redis to a local redis-server (one at a time, and 16
//      in flight); each at a steady state of ~300,000 live authenticators (the clock the stores
//      are given moves 1 ms per check: 1,000 handshakes a second over a 5-minute skew);
//   2. the whole check of an `Authorization: Negotiate` header (createNegotiateAuthenticator:
//      SPNEGO, the ticket and authenticator opened, the AP-REP made) with no cache, and with each
//      store: handshakes per second and what the cache adds to each.
// The ticket is one MIT's KDC issued (fixtures/mit/ccache, its service keys recorded beside it),
// the authenticators our initiator's, on a clock shifted to the ticket's lifetime. Rounds
// interleave the contenders; medians.
//
//   node bench/rcache.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compare, fmtTime, median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'rcache';

const imp = (p) => import(pathToFileURL(join(root, 'dist/bundle', p)).href);

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const [{ decodeCcache }, { Krb5Initiator }, { createNegotiateAuthenticator, ReplayCache, RedisReplayCache }, { FileReplayCache }] = await Promise.all([
    imp('formats/index.js'),
    imp('gssapi/index.js'),
    imp('http/index.js'),
    imp('node/index.js'),
  ]);
  const { startRedis, redisMissing } = await import(pathToFileURL(join(root, 'test/interop/redis.mjs')).href);

  // alice's ticket for HTTP/localhost, as MIT's KDC issued it, and the service keys
  const fx = join(root, 'fixtures/mit/ccache');
  const svc = decodeCcache(new Uint8Array(readFileSync(join(fx, 'v4-kvno.ccache')))).credentials.find((c) => c.server.components[0] === 'HTTP');
  const meta = JSON.parse(readFileSync(join(fx, 'ccaches.json'), 'utf8'));
  const keys = Object.values(meta.keys.services)
    .flat()
    .map((k) => {
      const [n, realm] = k.principal.split('@');
      return { principal: { realm, components: n.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
    });
  const shift = Date.now() - (svc.authtime.getTime() + 60_000);
  const now = () => new Date(Date.now() - shift);

  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-bench-rc-'));
  const redisOk = redisMissing().length === 0;
  const redis = redisOk ? await startRedis({ dir: join(dir, 'redis') }) : null;
  let client;
  try {
    if (redis) {
      const { createClient } = await import('redis');
      client = await createClient({ url: redis.url }).connect();
    }

    // 1. the store alone
    log('  rcache: the stores alone');
    const t0 = now().getTime();
    const entries = (n) => {
      let i = 0;
      const tags = Array.from({ length: 4096 }, () => new Uint8Array(randomBytes(12)));
      return () => {
        i++;
        const tag = tags[i & 4095];
        // a new tag each time: the first 4 bytes count up (4096 × 2^32 before one repeats)
        tag[0] = i >>> 24;
        tag[1] = i >>> 16;
        tag[2] = i >>> 8;
        tag[3] = i;
        const time = t0 + n.clock++;
        return [{ tag, time, expires: time + 300_000, server: 'HTTP/localhost@TSKRB5.TEST' }, time];
      };
    };
    const mem = new ReplayCache();
    const file = new FileReplayCache({ dir: join(dir), clockSkewSec: 300 });
    const memNext = entries({ clock: 0 });
    const fileNext = entries({ clock: 0 });
    const alone = await compare(
      {
        memory: {
          fn: () => {
            const [e, t] = memNext();
            return mem.check(e, t);
          },
        },
        file: {
          fn: () => {
            const [e, t] = fileNext();
            return file.check(e, t);
          },
        },
      },
      { rounds: quick ? 2 : 5, warmupMs: quick ? 100 : 300, batchMs: 40, batchesPerRound: 3 },
    );
    const redisAlone = { seq: undefined, par: undefined };
    if (client) {
      const rc = new RedisReplayCache(client);
      const next = entries({ clock: 0 });
      const seq = [];
      const par = [];
      const N = quick ? 500 : 2000;
      for (let r = 0; r < (quick ? 2 : 5); r++) {
        let s = performance.now();
        for (let i = 0; i < N; i++) {
          const [e, t] = next();
          await rc.checkAsync(e, t);
        }
        seq.push(((performance.now() - s) * 1e6) / N);
        s = performance.now();
        for (let i = 0; i < N; i += 16) {
          await Promise.all(
            Array.from({ length: 16 }, () => {
              const [e, t] = next();
              return rc.checkAsync(e, t);
            }),
          );
        }
        par.push(((performance.now() - s) * 1e6) / N);
      }
      redisAlone.seq = median(seq);
      redisAlone.par = median(par);
    }

    // 2. the whole check of a header, per store
    log('  rcache: whole Negotiate checks');
    const K = quick ? 300 : 1000;
    const rounds = quick ? 2 : 5;
    const headers = () => Array.from({ length: K }, () => `Negotiate ${Buffer.from(new Krb5Initiator({ credential: svc, now }).token).toString('base64')}`);
    const wholeFile = new FileReplayCache({ dir: mkdtempSync(join(dir, 'whole-')), clockSkewSec: 300 });
    const checks = {
      none: createNegotiateAuthenticator({ keys, now, replayCache: false }),
      memory: createNegotiateAuthenticator({ keys, now, replayCache: new ReplayCache() }),
      file: createNegotiateAuthenticator({ keys, now, replayCache: wholeFile }),
      ...(client ? { redis: createNegotiateAuthenticator({ keys, now, replayCache: new RedisReplayCache(client) }) } : {}),
    };
    // one accept of each in turn (in a random order each time), each timed alone: a period of load or a
    // collection falls on all of them alike; medians of the single accepts
    const names = Object.keys(checks);
    const per = Object.fromEntries(names.map((k) => [k, []]));
    for (let r = -1; r < rounds; r++) {
      const hs = Object.fromEntries(names.map((k) => [k, headers()]));
      for (let i = 0; i < K; i++) {
        const order = [...names];
        for (let j = order.length - 1; j > 0; j--) {
          const x = Math.floor(Math.random() * (j + 1));
          [order[j], order[x]] = [order[x], order[j]];
        }
        for (const k of order) {
          const s = performance.now();
          let d = checks[k](hs[k][i]);
          if (d instanceof Promise) d = await d;
          const us = (performance.now() - s) * 1e3;
          if (d.status !== 'ok') throw new Error(`${k}: ${d.error?.message}`);
          d.context.dispose();
          if (r >= 0) per[k].push(us);
        }
      }
    }
    const whole = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, median(v)]));

    const aloneNs = { none: 0, memory: alone.memory, file: alone.file, redis: redisAlone.seq };
    const rows = Object.keys(whole).map((k) => [
      k === 'none' ? 'no replay cache' : k === 'memory' ? 'ReplayCache (in memory)' : k === 'file' ? 'FileReplayCache (host-shared)' : 'RedisReplayCache (node-redis, local)',
      whole[k].toFixed(1),
      (1e6 / whole[k]).toFixed(0),
      k === 'none' ? '' : (whole[k] - whole.none).toFixed(1),
      k === 'none' ? '' : fmtTime(aloneNs[k]),
    ]);
    const text =
      table(['store', 'µs per check of a header', 'handshakes/s', 'cache adds, µs', 'store alone, per check'], rows) +
      `\n(createNegotiateAuthenticator on one process: medians of ${rounds * K} single checks of fresh authenticators each, the stores taking turns; ` +
      `the store alone: ~300,000 live authenticators${redisAlone.par ? `; Redis with 16 checks in flight: ${fmtTime(redisAlone.par)} per check` : ''}` +
      `${redisOk ? '' : '; Redis skipped: redis-server missing (test/interop/install.sh)'}; lower is better)`;
    return {
      name,
      text,
      results: {
        wholeUs: whole,
        aloneNs: { memory: alone.memory, file: alone.file, redis: redisAlone.seq, redis16: redisAlone.par },
        memoryStats: mem.stats(),
        fileStats: file.stats(),
      },
    };
  } finally {
    await client?.quit();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(`${s}\n`) });
  console.log(r.text);
}
