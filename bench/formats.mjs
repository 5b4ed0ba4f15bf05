// Formats benchmark: parsing a credential cache of 10,000 credentials and a keytab of 10,000
// entries, and `tskrb5 klist` as a whole process (Node's start-up included) against MIT `klist`
// on the same 10,000-credential file, in the same run.
//
//   node bench/formats.mjs [--quick]     (after the build; npm run bench runs it via run.mjs)
//
// The files are made from MIT-written fixtures (fixtures/mit/ccache/v4-kvno.ccache,
// fixtures/mit/keytab/several.keytab): their records repeated with distinct service names.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmtTime, median, sample, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'formats';

/** Whole-process wall time of `cmd args`, `runs` times; the median in ns. */
function processTime(cmd, args, env, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - t));
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: status ${r.status}: ${r.stderr}`);
  }
  return median(times);
}

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const F = await import(pathToFileURL(join(root, 'dist/formats/index.js')).href);
  const N = 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-bench-'));
  try {
    // A 10,000-credential v4 cache: the fixture's service ticket, under 10,000 service names.
    const cc = F.decodeCcache(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-kvno.ccache'))));
    const svc = cc.credentials[1];
    const credentials = Array.from({ length: N }, (_, i) => ({ ...svc, server: { ...svc.server, components: ['HTTP', `host${i}.example.com`] } }));
    const big = F.encodeCcache({ ...cc, credentials, config: [], order: undefined });
    const ccPath = join(dir, 'big.ccache');
    writeFileSync(ccPath, big);
    // A 10,000-entry keytab.
    const kt = F.decodeKeytab(new Uint8Array(readFileSync(join(root, 'fixtures/mit/keytab/several.keytab'))));
    const e0 = kt.entries[0];
    const ktBig = F.encodeKeytab({ version: 2, entries: Array.from({ length: N }, (_, i) => ({ ...e0, principal: { ...e0.principal, components: [`user${i}`] } })) });

    const o = quick ? { warmupMs: 100, batchMs: 100, batches: 3 } : { warmupMs: 300, batchMs: 300, batches: 7 };
    const ccParse = median(sample(() => F.decodeCcache(big), o).times);
    const ktParse = median(sample(() => F.decodeKeytab(ktBig), o).times);

    const runs = quick ? 5 : 15;
    const env = { TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null' };
    const bin = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.tskrb5);
    // Interleave the two so machine load falls on both.
    const ours = [];
    const mit = [];
    for (let r = 0; r < 3; r++) {
      ours.push(processTime(process.execPath, [bin, 'klist', '-c', `FILE:${ccPath}`], env, Math.ceil(runs / 3)));
      mit.push(processTime('klist', ['-c', `FILE:${ccPath}`], env, Math.ceil(runs / 3)));
    }
    const node0 = processTime(process.execPath, ['-e', ''], env, Math.ceil(runs / 3));
    const oursT = median(ours);
    const mitT = median(mit);
    const ratio = oursT / mitT;
    const rows = [
      ['decodeCcache, 10,000 credentials', `${(big.length / 1e6).toFixed(1)} MB`, fmtTime(ccParse), '', ''],
      ['decodeKeytab, 10,000 entries', `${(ktBig.length / 1e3).toFixed(0)} KB`, fmtTime(ktParse), '', ''],
      ['klist, whole process (same file)', '', fmtTime(oursT), fmtTime(mitT), `${ratio.toFixed(2)}x ${ratio <= 2 ? '✓' : '✗'} ≤2`],
      ['  of which: node -e "" (start-up)', '', fmtTime(node0), '', ''],
    ];
    const text = table(['what', 'size', 'tskrb5', 'MIT klist', 'ours/MIT'], rows);
    return { name, text, results: { ccParseNs: ccParse, ktParseNs: ktParse, klistNs: oursT, mitKlistNs: mitT, nodeStartNs: node0, ratio } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.text);
}
