// Concurrent writers of one FILE credential cache (issue 11, item 4): MIT `kvno` and `tskrb5 kvno`
// appending to the same cache at once, and two `tskrb5 kvno` with each other, for a minute each;
// then MIT's klist says which of the tickets each writer reported storing are in the cache. Each
// writer asks for services of its own (one per process, as the measurement did), so every
// stored ticket is identifiable. MIT with itself (it locks with fcntl) is the reference: it loses none.
//
//   node bench/ccache-writers.mjs [--quick] [--seconds N] [--bin path/to/tskrb5.cjs]
//
// --bin runs another build of the command (an older checkout's dist/cli/tskrb5.cjs) for a before.
// (npm run bench runs it via run.mjs, after the build.)

import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { table } from './lib.mjs';

export const name = 'ccache-writers';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

export async function run(opts = {}) {
  const argv = process.argv;
  const arg = (k) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
  const seconds = Number(opts.seconds ?? arg('--seconds') ?? (opts.quick ? 10 : 60));
  const bin = opts.bin ?? arg('--bin') ?? join(root, 'dist/cli/tskrb5.cjs');
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  const { startRealm, missingPeers, runCmd } = await import(pathToFileURL(join(root, 'test/interop/realm.mjs')).href);
  const missing = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno']);
  if (missing.length) throw new Error(`MIT krb5 missing: ${missing.join(', ')}`);
  const R = 'BENCH.TEST';
  const PW = 'Writers-Pa55word!';
  const realm = await startRealm({ realm: R });
  try {
    await realm.addPrincipal('alice', { password: PW });
    // services per writer: enough that none runs out within the time (MIT's kvno does ~25 a second here)
    const N = { mit: Math.max(1000, seconds * 60), ours: Math.max(500, seconds * 15) };
    const count = { mit: N.mit, ts: N.ours, a: N.ours, b: N.ours, m1: N.mit, m2: N.mit };
    const names = Object.entries(count).flatMap(([p, n]) => Array.from({ length: n }, (_, i) => `svc/${p}${i}`));
    const r = await realm.run('kadmin.local', ['-r', R], { input: names.map((s) => `addprinc -randkey ${s}\n`).join(''), timeout: 600_000 });
    if (r.code !== 0) throw new Error(r.stderr);
    let n = 0;
    const newCache = async () => {
      const cc = join(realm.dir, `cc-${++n}`);
      const k = await realm.kinit('alice', PW, ['-c', `FILE:${cc}`]);
      if (k.code !== 0) throw new Error(k.stderr);
      return cc;
    };
    const TICKET = /^(\S+)@BENCH\.TEST: kvno = \d+$/gm;
    const writer = async (kind, cc, prefix, deadline) => {
      const reported = [];
      let failures = 0;
      let ranOut = false;
      for (let i = 0; Date.now() < deadline; i++) {
        if (i >= count[prefix]) {
          ranOut = true;
          break;
        }
        const svc = `svc/${prefix}${i}`;
        const out = kind === 'mit' ? await realm.run('kvno', ['-c', `FILE:${cc}`, svc]) : await runCmd('node', [bin, 'kvno', '-c', `FILE:${cc}`, svc], { env: realm.env });
        for (const m of out.stdout.matchAll(TICKET)) reported.push(m[1]);
        if (out.code !== 0) failures++;
      }
      return { kind, reported, failures, ranOut };
    };
    const listed = async (cc) => {
      const l = await realm.run('klist', ['-c', `FILE:${cc}`]);
      if (l.code !== 0) throw new Error(`MIT klist could not read the cache: ${l.stderr}`);
      return new Set([...l.stdout.matchAll(/\s(svc\/\S+)@BENCH\.TEST$/gm)].map((m) => m[1]));
    };
    const rows = [];
    const results = {};
    for (const [label, pair] of [
      [
        'MIT kvno + tskrb5 kvno',
        [
          ['mit', 'mit'],
          ['ours', 'ts'],
        ],
      ],
      [
        'tskrb5 kvno + tskrb5 kvno',
        [
          ['ours', 'a'],
          ['ours', 'b'],
        ],
      ],
      [
        'MIT kvno + MIT kvno (reference)',
        [
          ['mit', 'm1'],
          ['mit', 'm2'],
        ],
      ],
    ]) {
      log(`  ${label}: ${seconds} s…`);
      const cc = await newCache();
      const deadline = Date.now() + seconds * 1000;
      const ws = await Promise.all(pair.map(([kind, prefix]) => writer(kind, cc, prefix, deadline)));
      const present = await listed(cc);
      const per = ws.map((w) => ({ kind: w.kind, reported: w.reported.length, lost: w.reported.filter((s) => !present.has(s)).length, failures: w.failures, ranOut: w.ranOut }));
      if (per.some((p) => p.ranOut)) log(`  (a writer ran out of services before the time was up: raise the counts)`);
      results[label] = per;
      rows.push([
        label,
        per.map((p) => `${p.kind === 'mit' ? 'MIT' : 'tskrb5'} ${p.lost} of ${p.reported}`).join(', '),
        String(per.reduce((s, p) => s + p.lost, 0)),
        String(per.reduce((s, p) => s + p.failures, 0)),
      ]);
    }
    const text = `${table(['writers (one FILE cache, at once)', 'tickets lost of those reported, per writer', 'lost', 'kvno failures'], rows)}\n(${seconds} s each; one service per process; judged by MIT klist; ${bin === join(root, 'dist/cli/tskrb5.cjs') ? 'this build' : bin})`;
    return { name, text, results: { seconds, bin, ...results } };
  } finally {
    await realm.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.text);
}
