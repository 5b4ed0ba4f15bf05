// KDC exchanges benchmark, against a throwaway local MIT krb5kdc 1.20 (test/interop/realm.mjs):
// a password login (AS exchange with PA-ENC-TIMESTAMP) and a service-ticket fetch (TGS exchange)
// done by us in process, beside MIT `kinit` and `kvno` as whole processes, in the same run and
// interleaved; our own `tskrb5 kinit` / `tskrb5 kvno` as whole processes too (Node's start-up
// included), so both comparisons are on the table.
//
//   node bench/kdc.mjs [--quick]     (after the build; npm run bench runs it via run.mjs)
//
// Both sides talk to the same KDC over UDP on 127.0.0.1, the user has the realm's four AES keys
// (the KDC answers in aes256-cts-hmac-sha1-96: 4096 PBKDF2 iterations on each side), and every
// run is a fresh exchange: MIT kvno runs with --no-store on a cache holding only the TGT.

import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmtTime, median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'kdc';

function wall(fn) {
  const t = process.hrtime.bigint();
  return Promise.resolve(fn()).then(() => Number(process.hrtime.bigint() - t));
}

function proc(cmd, args, env, input) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, input, stdio: ['pipe', 'ignore', 'pipe'] });
  const ns = Number(process.hrtime.bigint() - t);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: status ${r.status}: ${r.stderr}`);
  return ns;
}

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const { startRealm, missingPeers } = await import(pathToFileURL(join(root, 'test/interop/realm.mjs')).href);
  const missing = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'kvno']);
  if (missing.length) {
    return { name, text: `skipped: MIT krb5 tools missing (${missing.join(', ')}); run test/interop/install.sh`, results: { skipped: missing } };
  }
  const N = await import(pathToFileURL(join(root, 'dist/node/index.js')).href);
  const F = await import(pathToFileURL(join(root, 'dist/formats/index.js')).href);
  const realm = await startRealm({ realm: 'BENCH.TEST' });
  try {
    const PW = 'Bench-Pa55word!';
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('HTTP/web.bench.test', { randkey: true });
    const env = { ...process.env, ...realm.env, TZ: 'UTC', LANG: 'C' };
    // The processes run in a plain environment, the same for MIT's and ours: this shell's may set
    // what Node acts on before any program runs (NODE_EXTRA_CA_CERTS: ~50 ms here; bench/formats.mjs).
    const krb5Vars = Object.fromEntries(Object.entries(realm.env).filter(([k]) => k.startsWith('KRB5')));
    const procEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...krb5Vars, TZ: 'UTC', LANG: 'C' };
    const profile = [F.parseKrb5Conf((await import('node:fs')).readFileSync(realm.krb5Conf, 'utf8'))];
    const ctx = N.createKrb5Context({ env, profile });
    const tgtCache = join(realm.dir, 'tgt.ccache');
    // One TGT for the TGS runs (ours and MIT's read the same cache; neither stores into it).
    await N.kinit({ principal: 'alice', password: PW, ccache: `FILE:${tgtCache}`, context: ctx });
    const mitTgs = join(realm.dir, 'mit-tgs.ccache');
    copyFileSync(tgtCache, mitTgs);
    const server = 'HTTP/web.bench.test@BENCH.TEST';
    const bin = join(root, JSON.parse((await import('node:fs')).readFileSync(join(root, 'package.json'), 'utf8')).bin.tskrb5);

    const rounds = quick ? 3 : 7;
    const perRound = quick ? 3 : 5;
    const t = { asOurs: [], asMit: [], asCli: [], tgsOurs: [], tgsMit: [], tgsCli: [] };
    // Warm up our in-process path (JIT) and the KDC.
    for (let i = 0; i < 5; i++) {
      await N.kinit({ principal: 'alice', password: PW, ccache: `MEMORY:warm${i}`, context: ctx });
      await N.getServiceCredential({ server, ccache: `FILE:${tgtCache}`, noCache: true, noStore: true, context: ctx });
    }
    for (let r = 0; r < rounds; r++) {
      log(`  kdc round ${r + 1}/${rounds}`);
      for (let i = 0; i < perRound; i++) {
        t.asOurs.push(await wall(() => N.kinit({ principal: 'alice', password: PW, ccache: `MEMORY:b${r}-${i}`, context: ctx })));
        t.asMit.push(proc('kinit', ['-c', `MEMORY:x`, 'alice'], procEnv, PW + '\n'));
        t.asCli.push(proc(process.execPath, [bin, 'kinit', '-c', 'MEMORY:x', 'alice'], procEnv, PW + '\n'));
        t.tgsOurs.push(await wall(() => N.getServiceCredential({ server, ccache: `FILE:${tgtCache}`, noCache: true, noStore: true, context: ctx })));
        t.tgsMit.push(proc('kvno', ['--no-store', '-c', `FILE:${mitTgs}`, server], procEnv));
        t.tgsCli.push(proc(process.execPath, [bin, 'kvno', '--no-store', '-c', `FILE:${tgtCache}`, server], procEnv));
      }
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
    const ratio = (a, b) => a / b;
    const mark = (x) => `${x.toFixed(2)}x ${x <= 1 ? '✓' : '✗'} ≤1`;
    const rows = [
      ['password login (AS + preauth)', fmtTime(m.asOurs), fmtTime(m.asCli), fmtTime(m.asMit), mark(ratio(m.asOurs, m.asMit)), `${ratio(m.asCli, m.asMit).toFixed(2)}x`],
      ['service ticket (TGS)', fmtTime(m.tgsOurs), fmtTime(m.tgsCli), fmtTime(m.tgsMit), mark(ratio(m.tgsOurs, m.tgsMit)), `${ratio(m.tgsCli, m.tgsMit).toFixed(2)}x`],
    ];
    const text =
      table(['exchange', 'ours in-process', 'tskrb5 CLI', 'MIT kinit/kvno', 'in-process/MIT', 'CLI/MIT'], rows) +
      `\n(medians of ${rounds * perRound} runs each, interleaved; MIT = whole process, as a user runs it; lower is better)`;
    return {
      name,
      text,
      results: { ...m, asRatio: ratio(m.asOurs, m.asMit), tgsRatio: ratio(m.tgsOurs, m.tgsMit), asCliRatio: ratio(m.asCli, m.asMit), tgsCliRatio: ratio(m.tgsCli, m.tgsMit) },
    };
  } finally {
    await realm.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  console.log(r.text);
}
