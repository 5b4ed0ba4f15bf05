// Negotiate server benchmark: sequential authenticated requests per second served by our
// negotiateMiddleware (node:http, its own process) and by Apache + mod_auth_gssapi 1.6.4 (the
// reference), with the same keytab, to the same clients: Debian's python3-requests-kerberos (a
// fresh Session per request, its loop timed inside python) and curl --negotiate (a process per
// request). Each request is a fresh handshake: the 401, a new GSS context, the authenticated
// retry with its AP-REP. Rounds interleave the two servers; medians of requests/s.
//
//   node bench/server.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpPeers, median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'server';

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const { startRealm, startApache, missing } = await httpPeers(root);
  if (missing.length) return { name, text: `skipped: missing ${missing.join(', ')} (run test/interop/install.sh)`, results: { skipped: missing } };

  const realm = await startRealm({ realm: 'BENCH.TEST' });
  let apache, ours;
  try {
    await realm.addPrincipal('alice', { password: 'Bench-Pa55word!' });
    apache = await startApache({ realm });
    const cc = `FILE:${join(realm.dir, 'bench.ccache')}`;
    const env = { ...process.env, ...realm.env, KRB5CCNAME: cc };
    await realm.kinit('alice', 'Bench-Pa55word!', ['-c', cc]);
    ours = spawn(process.execPath, [join(here, 'negotiate-server.mjs'), apache.keytab], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise((ok, no) => {
      createInterface({ input: ours.stdout }).once('line', ok);
      ours.once('exit', (c) => no(new Error(`our server exited ${c}`)));
    });
    const urls = { ours: `http://localhost:${port}/`, apache: apache.httpUrl };
    const N = quick ? 30 : 200;
    const NC = quick ? 15 : 60;
    const rounds = quick ? 2 : 5;
    const pyLoop = (url) => {
      const r = spawnSync('/usr/bin/python3', [join(here, 'requests-kerberos.py'), '--url', url, '--n', String(N), '--ccache', cc], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`requests-kerberos: ${r.stdout} ${r.stderr}`);
      const j = JSON.parse(r.stdout.trim().split('\n').pop());
      return j.n / j.seconds;
    };
    const curlLoop = (url) => {
      const t = performance.now();
      for (let i = 0; i < NC; i++) {
        const r = spawnSync('curl', ['-sS', '-f', '-o', '/dev/null', '--negotiate', '-u', ':', url], { env });
        if (r.status !== 0) throw new Error(`curl: status ${r.status} ${r.stderr}`);
      }
      return NC / ((performance.now() - t) / 1000);
    };
    // warm-up: tickets cached, JIT warm, Apache workers up
    pyLoop(urls.ours);
    pyLoop(urls.apache);
    const got = { pyOurs: [], pyApache: [], curlOurs: [], curlApache: [] };
    for (let r = 0; r < rounds; r++) {
      log(`  server round ${r + 1}/${rounds}`);
      got.pyOurs.push(pyLoop(urls.ours));
      got.pyApache.push(pyLoop(urls.apache));
      got.curlOurs.push(curlLoop(urls.ours));
      got.curlApache.push(curlLoop(urls.apache));
    }
    const m = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, median(v)]));
    const rows = [
      ['requests-kerberos, fresh Session each', m.pyOurs.toFixed(0), m.pyApache.toFixed(0), `${(m.pyOurs / m.pyApache).toFixed(2)}x`],
      ['curl --negotiate, a process each', m.curlOurs.toFixed(0), m.curlApache.toFixed(0), `${(m.curlOurs / m.curlApache).toFixed(2)}x`],
    ];
    const text =
      table(['client (fresh GSS context per request)', 'negotiateMiddleware req/s', 'Apache mod_auth_gssapi req/s', 'ours/Apache'], rows) +
      `\n(medians of ${rounds} rounds of ${N} / ${NC} requests, interleaved; higher is better)`;
    return { name, text, results: { ...m, ratioPy: m.pyOurs / m.pyApache, ratioCurl: m.curlOurs / m.curlApache, n: N, rounds } };
  } finally {
    ours?.kill();
    await apache?.stop();
    await realm.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  console.log(r.text);
}
