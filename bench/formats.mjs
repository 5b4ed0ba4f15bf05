// Formats benchmark: parsing a credential cache of 10,000 credentials and a keytab of 10,000
// entries, and `tskrb5 klist` as a whole process (Node's start-up included) against MIT `klist`
// on the same 10,000-credential file, in the same run: in a plain environment (PATH, HOME, TZ,
// LANG, KRB5_CONFIG — the same for both), and in this shell's own when it sets variables that
// Node acts on at start-up (NODE_EXTRA_CA_CERTS costs ~50 ms on the development machine).
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

/** Whole-process wall time of `cmd args` under exactly `env`, `runs` times; the median in ns. */
function processTime(cmd, args, env, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - t));
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: status ${r.status}: ${r.stderr}`);
  }
  return median(times);
}

/**
 * ours, MIT and `node -e ""` interleaved (so that machine load falls on all), medians in ns.
 * `env` is the whole environment of each process.
 */
function klistRound(bin, ccPath, env, runs) {
  const ours = [],
    general = [],
    mit = [],
    node0 = [];
  const args = ['klist', '-c', `FILE:${ccPath}`];
  for (let r = 0; r < 3; r++) {
    ours.push(processTime(process.execPath, [bin, ...args], env, Math.ceil(runs / 3)));
    mit.push(processTime('klist', args.slice(1), env, Math.ceil(runs / 3)));
    general.push(processTime(process.execPath, [bin, ...args], { ...env, TSKRB5_NO_QUICK: '1' }, Math.ceil(runs / 3)));
    node0.push(processTime(process.execPath, ['-e', ''], env, Math.ceil(runs / 3)));
  }
  return { ours: median(ours), general: median(general), mit: median(mit), node0: median(node0) };
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

    const runs = quick ? 6 : 15;
    const bin = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.tskrb5);
    const krb5 = { TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null' };
    // A plain environment, the same for both programs: this is the figure the target is about.
    const clean = klistRound(bin, ccPath, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...krb5 }, runs);
    // This shell's whole environment too, when it holds what Node reads before any program runs
    // (NODE_EXTRA_CA_CERTS: Node 20 parses that bundle at start-up, before the first line of ours).
    const heavy = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter((k) => process.env[k]);
    const inherited = heavy.length ? klistRound(bin, ccPath, { ...process.env, ...krb5 }, runs) : null;
    const ratio = clean.ours / clean.mit;
    const rows = [
      ['decodeCcache, 10,000 credentials', `${(big.length / 1e6).toFixed(1)} MB`, fmtTime(ccParse), '', ''],
      ['decodeKeytab, 10,000 entries', `${(ktBig.length / 1e3).toFixed(0)} KB`, fmtTime(ktParse), '', ''],
      ['tskrb5 klist, whole process (same file)', '', fmtTime(clean.ours), fmtTime(clean.mit), `${ratio.toFixed(2)}x ${ratio <= 2 ? '✓' : '✗'} ≤2`],
      ['  of which: node -e "" (start-up)', '', fmtTime(clean.node0), '', `${(clean.node0 / clean.mit).toFixed(2)}x`],
      ['  its general path (TSKRB5_NO_QUICK=1)', '', fmtTime(clean.general), fmtTime(clean.mit), `${(clean.general / clean.mit).toFixed(2)}x`],
    ];
    if (inherited) {
      rows.push(
        [`this shell's environment (${heavy.join(', ')} set)`, '', fmtTime(inherited.ours), fmtTime(inherited.mit), `${(inherited.ours / inherited.mit).toFixed(2)}x`],
        ['  of which: node -e "" (start-up)', '', fmtTime(inherited.node0), '', `${(inherited.node0 / inherited.mit).toFixed(2)}x`],
      );
    }
    const text = table(['what', 'size', 'tskrb5', 'MIT klist', 'ours/MIT'], rows);
    return { name, text, results: { ccParseNs: ccParse, ktParseNs: ktParse, klist: clean, klistInherited: inherited, ratio } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.text);
}
