// Negotiate HTTP benchmark: sequential authenticated requests per second against one local
// Apache + mod_auth_gssapi endpoint (test/interop/apache.mjs, throwaway MIT realm), each a fresh
// handshake (the 401, a new GSS context, the authenticated retry), by
//   - our createNegotiateFetch, a new connection per request (as the reference does) and with
//     keep-alive (the 401 and the retry on one connection, our default);
//   - Debian's python3-requests-kerberos (bench/requests-kerberos.py: a fresh Session and
//     HTTPKerberosAuth per request, as requests.get does, and one shared Session with a fresh
//     HTTPKerberosAuth each; its loop timed inside python, start-up excluded);
//   - curl --negotiate in a loop (one process per request, as a shell loop runs it).
// All read the same FILE ccache (the service ticket cached after the first request, by each).
// Rounds interleave the contenders; medians of requests/s.
//
//   node bench/http.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { httpPeers, median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'http';

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const { startRealm, startApache, missing } = await httpPeers(root);
  if (missing.length) return { name, text: `skipped: missing ${missing.join(', ')} (run test/interop/install.sh)`, results: { skipped: missing } };

  const T = { ...(await import(pathToFileURL(join(root, 'dist/index.js')).href)), ...(await import(pathToFileURL(join(root, 'dist/http/node/index.js')).href)) };
  const realm = await startRealm({ realm: 'BENCH.TEST' });
  let apache;
  try {
    await realm.addPrincipal('alice', { password: 'Bench-Pa55word!' });
    apache = await startApache({ realm });
    const cc = `FILE:${join(realm.dir, 'bench.ccache')}`;
    const env = { ...process.env, ...realm.env, KRB5CCNAME: cc };
    const ctx = T.createKrb5Context({ env });
    await T.kinit({ principal: 'alice', password: 'Bench-Pa55word!', ccache: cc, context: ctx });
    const url = apache.httpUrl;
    const N = quick ? 30 : 200;
    const rounds = quick ? 2 : 5;
    // One credential source for all of ours (a long-lived client's), fetches as each row says.
    const credentials = T.nodeCredentials({ context: ctx });
    // "New connection each": a fresh keep-alive fetch per request, closed after it — the 401 and
    // the retry share one connection, as a fresh requests.Session does.
    const fresh = async (u) => {
      const nf = T.createNodeFetch();
      try {
        return await T.createNegotiateFetch({ credentials, fetch: nf })(u).then(async (r) => {
          await r.arrayBuffer();
          return r;
        });
      } finally {
        nf.close();
      }
    };
    const kept = T.createNegotiateFetch({ credentials });
    const pre = T.createNegotiateFetch({ credentials, forcePreemptive: true });
    const remember = T.createNegotiateFetch({ credentials, rememberChallenge: true });
    const oursLoop = async (f) => {
      const t = performance.now();
      for (let i = 0; i < N; i++) {
        const r = await f(url);
        if (r.status !== 200) throw new Error(`ours: HTTP ${r.status}`);
        if (!r.bodyUsed) await r.arrayBuffer();
      }
      return N / ((performance.now() - t) / 1000);
    };
    const pyLoop = (extra = []) => {
      const r = spawnSync('/usr/bin/python3', [join(here, 'requests-kerberos.py'), '--url', url, '--n', String(N), '--ccache', cc, ...extra], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`requests-kerberos: ${r.stdout} ${r.stderr}`);
      const j = JSON.parse(r.stdout.trim().split('\n').pop());
      return j.n / j.seconds;
    };
    const curlLoop = () => {
      const t = performance.now();
      for (let i = 0; i < N; i++) {
        const r = spawnSync('curl', ['-sS', '-f', '-o', '/dev/null', '--negotiate', '-u', ':', url], { env });
        if (r.status !== 0) throw new Error(`curl: status ${r.status} ${r.stderr}`);
      }
      return N / ((performance.now() - t) / 1000);
    };
    // Warm-up: tickets cached, JIT warm, Apache workers up.
    await oursLoop(kept);
    await oursLoop(fresh);
    pyLoop();
    const got = { fresh: [], kept: [], py: [], pySession: [], pre: [], pyPre: [], remember: [], curl: [] };
    for (let r = 0; r < rounds; r++) {
      log(`  http round ${r + 1}/${rounds}`);
      got.fresh.push(await oursLoop(fresh));
      got.py.push(pyLoop());
      got.kept.push(await oursLoop(kept));
      got.pySession.push(pyLoop(['--session']));
      got.pre.push(await oursLoop(pre));
      got.pyPre.push(pyLoop(['--preemptive']));
      got.remember.push(await oursLoop(remember));
      got.curl.push(curlLoop());
    }
    kept.close();
    pre.close();
    remember.close();
    const m = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, median(v)]));
    const vs = (x, ref = m.py) => `${(x / ref).toFixed(2)}x`;
    const mark = (x, ref = m.py) => `${vs(x, ref)} ${x / ref >= 1.5 ? '✓' : '✗'} ≥1.5`;
    const rows = [
      ['401 first, new connection per request', m.fresh.toFixed(0), m.py.toFixed(0), mark(m.fresh)],
      ['401 first, keep-alive (our default) vs fresh Session', m.kept.toFixed(0), m.py.toFixed(0), mark(m.kept)],
      ['401 first, keep-alive vs one shared Session', m.kept.toFixed(0), m.pySession.toFixed(0), mark(m.kept, m.pySession)],
      ['preemptive token (force_preemptive)', m.pre.toFixed(0), m.pyPre.toFixed(0), mark(m.pre, m.pyPre)],
      ['rememberChallenge (ours only)', m.remember.toFixed(0), m.py.toFixed(0), vs(m.remember)],
      ['curl --negotiate, a process each', m.curl.toFixed(0), m.py.toFixed(0), vs(m.curl)],
    ];
    const text =
      table(['sequential requests, fresh GSS context each', 'ours req/s', 'requests-kerberos req/s', 'ours/reference'], rows) +
      `\n(medians of ${rounds} rounds of ${N} requests each, interleaved; higher is better; the curl row is curl's rate)`;
    return {
      name,
      text,
      results: { ...m, ratioFresh: m.fresh / m.py, ratioKept: m.kept / m.py, ratioKeptVsSession: m.kept / m.pySession, ratioPreemptive: m.pre / m.pyPre, n: N, rounds },
    };
  } finally {
    await apache?.stop();
    await realm.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  console.log(r.text);
}
