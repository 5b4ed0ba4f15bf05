// tskrb5/compat/kerberos against the native `kerberos` package (7.0.0, N-API over MIT's
// libgssapi_krb5, built from source by test/compat/native-kerberos.mjs), in one process, one run:
// full handshakes per second through the same API calls — client `step('')`, server `step`,
// client `step(reply)` (mutual authentication, the default flags), each handshake with a fresh
// `initializeClient('HTTP@localhost')` and `initializeServer('HTTP@localhost')` as an application
// does. A throwaway MIT realm (test/interop/realm.mjs): alice's TGT in a FILE cache (MIT kinit),
// the service ticket got once and then found in that cache by both, the service key in a FILE
// keytab. Each side's defaults otherwise: MIT's file replay cache in KRB5RCACHEDIR, ours the
// module's in-memory one.
//
// Rounds interleave the two (a period of load on the shared machine falls on both); each round
// counts the handshakes completed in a fixed window; the figures are the medians of the rounds
// and their ratio. A second row keeps 8 handshakes in flight (the native package runs its GSS
// calls on libuv's thread pool, ours run on the main thread). Compat keeps the service ticket it
// found while the cache file is unchanged (one stat) where MIT's library rereads the cache for
// every context; a third row changes the cache's mtime before every handshake, so that both read it.
//
//   node bench/compat.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { utimesSync } from 'node:fs';
import { median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'compat';

let touch = null;

async function handshake(k) {
  touch?.();
  const c = await k.initializeClient('HTTP@localhost');
  const t = await c.step('');
  const s = await k.initializeServer('HTTP@localhost');
  const r = await s.step(t);
  await c.step(r);
  if (!c.contextComplete || !s.contextComplete || s.username !== c.username) throw new Error('handshake incomplete');
}

/** Handshakes completed in `ms` with `inFlight` running at once. */
async function window(k, ms, inFlight) {
  let n = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await handshake(k);
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (n * 1000) / (performance.now() - t0);
}

export async function run({ quick = false, log = () => {} } = {}) {
  const { startRealm } = await import(pathToFileURL(join(root, 'test/interop/realm.mjs')).href);
  const { nativeKerberos } = await import(pathToFileURL(join(root, 'test/compat/native-kerberos.mjs')).href);
  log('compat: building/locating native kerberos…');
  const native = createRequire(import.meta.url)(nativeKerberos());
  const dist = process.env.TSKRB5_BENCH_DIST ?? join(root, 'dist');
  const compat = await import(pathToFileURL(join(dist, 'bundle/compat/kerberos.js')).href);
  const realm = await startRealm();
  const saved = { ...process.env };
  try {
    await realm.addPrincipal('alice', { password: 'alice-pw' });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    await realm.ktadd(`HTTP/localhost@${realm.realm}`, `${realm.dir}/default.keytab`);
    const k = await realm.kinit('alice', 'alice-pw');
    if (k.code !== 0) throw new Error(`kinit: ${k.stderr}`);
    for (const n of ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5RCACHEDIR']) process.env[n] = realm.env[n];
    // the service ticket into the cache once (both then find it there), and warm-up
    for (const kk of [native, compat]) for (let i = 0; i < 20; i++) await handshake(kk);

    const rounds = quick ? 3 : 7;
    const ms = quick ? 300 : 1000;
    const rows = [];
    const results = {};
    for (const [inFlight, touched] of [
      [1, false],
      [8, false],
      [1, true],
    ]) {
      // "touched": the cache file's mtime changed before each handshake, so that compat cannot
      // keep the ticket it found (it rereads the cache, as MIT's library always does)
      const cc = realm.env.KRB5CCNAME.replace(/^FILE:/, '');
      touch = touched
        ? () => {
            const t = new Date();
            utimesSync(cc, t, t);
          }
        : null;
      const got = { native: [], compat: [] };
      for (let r = 0; r < rounds; r++) {
        got.native.push(await window(native, ms, inFlight));
        got.compat.push(await window(compat, ms, inFlight));
      }
      const nat = median(got.native);
      const ours = median(got.compat);
      rows.push([`full handshake, ${inFlight} in flight${touched ? ', cache changed each time' : ''}`, nat.toFixed(0), ours.toFixed(0), `${(ours / nat).toFixed(2)}×`]);
      results[`inflight${inFlight}${touched ? 'Touched' : ''}`] = {
        nativePerSec: Math.round(nat),
        compatPerSec: Math.round(ours),
        ratio: Number((ours / nat).toFixed(2)),
        rounds,
        windowMs: ms,
      };
      touch = null;
      log(`compat: ${inFlight} in flight${touched ? ', touched' : ''}: native ${nat.toFixed(0)}/s, compat ${ours.toFixed(0)}/s`);
    }
    const text = `${table(['handshakes per second (median of rounds)', 'native kerberos 7.0.0', 'tskrb5/compat/kerberos', 'compat / native'], rows)}\n\nEach: initializeClient + step('') + initializeServer + server step + step(reply), HTTP@localhost, MIT KDC on 127.0.0.1.`;
    return { name, text, results };
  } finally {
    for (const n of ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5RCACHEDIR']) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
    await realm.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(`${s}\n`) });
  console.log(r.text);
}
