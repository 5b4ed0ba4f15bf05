// Runs the bench files and prints their tables; writes machine-readable results to
// bench/results/latest.json (and a timestamped copy beside it).
//
//   node bench/run.mjs [--quick] [NAME ...]    (npm run bench = build, then this)
//
// TSKRB5_BENCH_DIST=DIR makes crypto, handshake and the servers of server/load use that build (a
// copy of an earlier dist/, beside which node_modules resolves) instead of dist/: the figures of
// two builds in one session, for a before/after.
//
// Each bench file exports `name` and `run({ quick, log }) -> { name, text, results }`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The bench files, in order. Add one per concern (asn1/messages, ccache, gssapi, http). */
const BENCHES = [
  'crypto.mjs',
  'messages.mjs',
  'handshake.mjs',
  'pac.mjs',
  'formats.mjs',
  'startup.mjs',
  'kdc.mjs',
  'kdc-server.mjs',
  'http.mjs',
  'server.mjs',
  'load.mjs',
  'junk-header.mjs',
  'ccache-writers.mjs',
  'rcache.mjs',
  'compat.mjs',
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const log = (s) => process.stderr.write(s + '\n');

const started = new Date();
const out = {
  started: started.toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: cpus()[0]?.model,
  cpus: cpus().length,
  quick,
  benches: {},
};
let failed = false;

for (const file of BENCHES) {
  const name = file.replace(/\.mjs$/, '');
  if (only.length && !only.includes(name)) continue;
  const t0 = performance.now();
  log(`bench ${name}: running${quick ? ' (quick)' : ''}…`);
  try {
    const mod = await import(pathToFileURL(join(here, file)).href);
    const r = await mod.run({ quick, log });
    const secs = (performance.now() - t0) / 1000;
    console.log(`\n=== ${name} (${secs.toFixed(1)} s) ===\n`);
    console.log(r.text);
    out.benches[name] = { seconds: Number(secs.toFixed(1)), ...r.results };
  } catch (e) {
    failed = true;
    console.error(`bench ${name} failed: ${e?.stack ?? e}`);
    out.benches[name] = { error: String(e?.message ?? e) };
  }
}

out.finished = new Date().toISOString();
const dir = join(here, 'results');
mkdirSync(dir, { recursive: true });
const json = JSON.stringify(out, null, 2) + '\n';
writeFileSync(join(dir, 'latest.json'), json);
writeFileSync(join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`), json);
console.log(`\nresults: ${join('bench', 'results', 'latest.json')}`);
process.exit(failed ? 1 : 0);
