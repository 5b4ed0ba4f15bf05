// Load benchmark: our negotiateMiddleware (node:http, one process: bench/negotiate-server.mjs)
// against Apache + mod_auth_gssapi (event MPM with Debian's defaults: 2 processes of 25 threads), the same keytab, under 1, 16 and 64 concurrent clients each sending a fresh SPNEGO token
// on every request (a new AP-REQ from the cached service ticket, the server's mutual token
// verified): requests/s, p50/p99 latency, the servers' CPU time per request, and our event-loop
// delay (perf_hooks.monitorEventLoopDelay in the server process).
//
// The clients are one C process over MIT's libgssapi_krb5 (test/mit/loadgen.c: epoll, keep-alive
// connections, one gss_init_sec_context per request). It reports its own CPU time: a share well
// below one core while the server is busy shows the client was waiting for the server, not the
// server for it. Runs alternate between the servers, each concurrency in turn; medians of rounds.
//
// Both servers read the same plugin-free krb5.conf (bench/handshake.mjs says why); each keeps its
// default replay cache (MIT's file rcache for Apache; ours the middleware's default).
//
//   node bench/load.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchRealm } from './handshake.mjs';
import { median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'load';

/** utime + stime of these pids, in ms (from /proc). */
function cpuMsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function loadgen(binary, env, port, path, service, conc, seconds) {
  return new Promise((resolve, reject) => {
    const p = spawn(binary, ['127.0.0.1', String(port), path, service, String(conc), String(seconds)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`loadgen exited ${code}: ${err}`));
      const r = JSON.parse(out.trim().split('\n').pop());
      if (r.errors > 0) return reject(new Error(`loadgen: ${r.errors} errors against port ${port}${path} (first: ${r.first_error})`));
      resolve(r);
    });
  });
}

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const { ensureLoadgen } = await import(pathToFileURL(join(root, 'test/mit/gss-setup.mjs')).href);
  const lg = ensureLoadgen({ log });
  if (!lg.ok) return { name, text: `skipped: ${lg.reason}`, results: { skipped: lg.reason } };
  const apacheMod = await import(pathToFileURL(join(root, 'test/interop/apache.mjs')).href);
  const missingApache = apacheMod.apacheMissing();
  if (missingApache.length) return { name, text: `skipped: missing ${missingApache.join(', ')}`, results: { skipped: missingApache } };
  const br = await benchRealm({ noService: true });
  if (br.missing.length) return { name, text: `skipped: missing ${br.missing.join(', ')}`, results: { skipped: br.missing } };
  const { realm, ccache, clientConf } = br;
  let apache;
  const oursProcs = [];
  try {
    // Apache: a /load/ location serving a static "ok" behind mod_auth_gssapi, warnings only in its log.
    apache = await apacheMod.startApache({
      realm: { ...realm, env: { ...realm.env, KRB5_CONFIG: clientConf } },
      extraConf: ({ htdocs, keytab }) => {
        mkdirSync(join(htdocs, 'load'), { recursive: true });
        writeFileSync(join(htdocs, 'load', 'index.txt'), 'ok\n');
        // Debian's mpm_event.conf defaults (the interop config caps Apache at 8 threads, and
        // its event MPM then closes busy keep-alive connections), and no debug log lines
        return `LogLevel warn
StartServers 2
ServerLimit 16
ThreadLimit 64
ThreadsPerChild 25
MinSpareThreads 25
MaxSpareThreads 75
MaxRequestWorkers 150
<Location /load/>
  AuthType GSSAPI
  AuthName "tskrb5"
  GssapiCredStore keytab:${keytab}
  GssapiAllowedMech krb5
  GssapiBasicAuth Off
  Require valid-user
</Location>
`;
      },
    });
    const service = apache.principal;
    const env = { ...realm.env, KRB5_CONFIG: clientConf, KRB5CCNAME: ccache };
    const kvno = await realm.run('kvno', ['-c', ccache, service]);
    if (kvno.code !== 0) throw new Error(`kvno ${service}: ${kvno.stderr}`);

    // Ours twice: one process, and a node:cluster of two workers (the Node way to use both cores,
    // as Apache's threads do).
    const startOurs = async (extra) => {
      const child = spawn(process.execPath, [join(here, 'negotiate-server.mjs'), apache.keytab, ...extra], {
        env: { ...env, KRB5_KTNAME: apache.keytab },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      oursProcs.push(child);
      const lines = [];
      const waiting = [];
      createInterface({ input: child.stdout }).on('line', (l) => (waiting.length ? waiting.shift()(l) : lines.push(l)));
      const nextLine = () => new Promise((ok) => (lines.length ? ok(lines.shift()) : waiting.push(ok)));
      const port = Number(await nextLine());
      const stats = async () => {
        child.stdin.write('stats\n');
        return JSON.parse(await nextLine());
      };
      const pids = () => {
        try {
          return [
            child.pid,
            ...execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
              .split('\n')
              .filter(Boolean)
              .map(Number),
          ];
        } catch {
          return [child.pid];
        }
      };
      return { port, path: '/', pids, stats };
    };
    const one = await startOurs([]);
    const two = await startOurs(['--workers', '2']);

    const seconds = quick ? 1.5 : 4;
    const rounds = quick ? 1 : 3;
    const concs = [1, 16, 64];
    const servers = {
      ours: one,
      'ours ×2': two,
      apache: { port: apache.httpPort, path: '/load/index.txt', pids: () => apache.pids() },
    };
    // warm-up: JIT, tickets, Apache's threads
    for (const s of Object.values(servers)) await loadgen(lg.binary, env, s.port, s.path, service, 16, quick ? 0.5 : 1.5);
    await one.stats();
    await two.stats();

    const got = {};
    for (let r = 0; r < rounds; r++) {
      for (const conc of concs) {
        for (const [key, s] of Object.entries(servers)) {
          log(`  load round ${r + 1}/${rounds}: ${key}, ${conc} client${conc > 1 ? 's' : ''}`);
          const pids = s.pids();
          const cpu0 = cpuMsOf(pids);
          const res = await loadgen(lg.binary, env, s.port, s.path, service, conc, seconds);
          const cpuMs = cpuMsOf(pids) - cpu0;
          got[`${key} ${conc}`] ??= { rps: [], p50: [], p99: [], cpu: [], client: [], clientCpu: [], loopP50: [], loopP99: [], loopMax: [] };
          const cell = got[`${key} ${conc}`];
          cell.rps.push(res.rps);
          cell.p50.push(res.p50_us);
          cell.p99.push(res.p99_us);
          cell.cpu.push((cpuMs * 1000) / res.requests);
          cell.client.push(res.client_cpu_share);
          cell.clientCpu.push(res.client_cpu_us_per_request);
          if (s.stats) {
            const st = await s.stats();
            cell.loopP50.push(st.loopDelay.p50);
            cell.loopP99.push(st.loopDelay.p99);
            cell.loopMax.push(st.loopDelay.max);
          }
        }
      }
    }
    const m = {};
    for (const [k, cell] of Object.entries(got)) m[k] = Object.fromEntries(Object.entries(cell).map(([f, v]) => [f, v.length ? median(v) : undefined]));
    const ms = (us) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`);
    const rows = [];
    const names = { ours: 'ours, 1 process', 'ours ×2': 'ours, cluster of 2', apache: 'Apache mod_auth_gssapi' };
    for (const conc of concs) {
      const a = m[`apache ${conc}`];
      for (const key of Object.keys(servers)) {
        const o = m[`${key} ${conc}`];
        rows.push([
          String(conc),
          names[key],
          o.rps.toFixed(0),
          key === 'apache' ? '' : `${(o.rps / a.rps).toFixed(2)}x ${o.rps >= a.rps ? '✓' : '✗'} ≥1`,
          ms(o.p50),
          ms(o.p99),
          `${o.cpu.toFixed(0)} µs`,
          o.loopP50 === undefined ? '' : `${o.loopP50.toFixed(1)} / ${o.loopP99.toFixed(1)} / ${o.loopMax.toFixed(0)} ms`,
          o.client.toFixed(2),
        ]);
      }
    }
    const clientUs = median(Object.values(m).map((x) => x.clientCpu));
    const text = [
      table(['clients', 'server', 'req/s', 'vs Apache', 'p50', 'p99', 'server CPU/req', 'event-loop delay p50 / p99 / max', 'client CPU (cores)'], rows, 2),
      `(medians of ${rounds} round${rounds > 1 ? 's' : ''} of ${seconds} s per cell, servers alternated; every request a fresh SPNEGO token from MIT's gss_init_sec_context`,
      ` and the mutual token verified; the client: one C process, ${clientUs.toFixed(0)} µs of CPU per request; Apache: event MPM, 2 processes × 25 threads;`,
      ' event-loop delay: how late a 10 ms timer fired in the server process (the worst worker of the cluster))',
    ].join('\n');
    let apacheVersion = 'unknown';
    try {
      apacheVersion = execFileSync('apache2', ['-v'], { encoding: 'utf8' }).split('\n')[0];
    } catch {
      /* none */
    }
    return { name, text, results: { cells: m, seconds, rounds, apacheVersion } };
  } finally {
    for (const c of oursProcs) c.kill();
    await apache?.stop();
    await realm.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  console.log(r.text);
}
