// Start-up benchmark: what a program pays to load tskrb5 — a whole `node` process that imports
// the package by name (the bundled modules package.json exports), beside the same import of
// tsc's unbundled modules, and beside what a Python client pays for the same job: a process that
// imports requests_kerberos (Debian's python3-requests-kerberos, over pykerberos and MIT).
// Each runtime's empty process is printed too, so the library's own share can be read off.
//
//   node bench/startup.mjs [--quick]     (after the build; npm run bench runs it via run.mjs)
//
// All processes run in a plain environment (PATH, HOME): see bench/formats.mjs on why.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtTime, median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'startup';

const PY = '/usr/bin/python3';

function processTime(cmd, args, runs) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' };
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - t));
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: status ${r.status}: ${r.stderr}`);
  }
  return median(times);
}

export async function run(opts = {}) {
  const runs = opts.quick ? 4 : 10;
  const node = (code) => [process.execPath, ['--input-type=module', '-e', code]];
  const cases = [
    ['node, empty', ...node('')],
    ["import('tskrb5') (bundled, as published)", ...node("await import('tskrb5')")],
    ["import('tskrb5/formats')", ...node("await import('tskrb5/formats')")],
    ['tsc output, unbundled (dist/index.js)', ...node(`await import(${JSON.stringify(join(root, 'dist/index.js'))})`)],
  ];
  const py = existsSync(PY) && spawnSync(PY, ['-c', 'import requests_kerberos']).status === 0;
  if (py) cases.push(['python3, empty', PY, ['-c', '']], ['import requests_kerberos', PY, ['-c', 'import requests_kerberos']]);
  // interleaved rounds, so that machine load falls on all
  const t = cases.map(() => []);
  for (let r = 0; r < 3; r++) {
    for (const [i, [, cmd, args]] of cases.entries()) t[i].push(processTime(cmd, args, Math.ceil(runs / 3)));
  }
  const m = t.map(median);
  const ours = m[1];
  const rk = py ? m[5] : undefined;
  const rows = cases.map(([label], i) => [label, fmtTime(m[i]), rk ? `${(m[i] / rk).toFixed(2)}x` : '']);
  const text = table(['whole process', 'median', 'vs import requests_kerberos'], rows) + `\n(medians of ${3 * Math.ceil(runs / 3)} runs, interleaved; lower is better)`;
  return {
    name,
    text,
    results: Object.fromEntries(cases.map(([label], i) => [label, m[i]])),
    ...(rk ? { ratio: ours / rk } : {}),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.text);
}
