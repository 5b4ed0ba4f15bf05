// The server under test of bench/server.mjs and bench/load.mjs, in a process of its own (as
// Apache's workers are): a node:http server with negotiateMiddleware over the keytab given,
// answering "ok".
//   node bench/negotiate-server.mjs KEYTAB [--workers N]   → prints the port, serves until killed
// With --workers N, a node:cluster primary forks N workers sharing the port (each with the
// middleware's defaults, so each its own replay cache unless the default is a shared one).
// On stdin (bench/load.mjs), the line "stats" answers one JSON line with what happened since the
// last "stats": requests served, CPU time (of every worker), and the event-loop delay
// (perf_hooks.monitorEventLoopDelay, 10 ms resolution: how late its timer fired; with workers,
// the worst worker's) — p50, p99, max and mean, in ms. TSKRB5_BENCH_DIST names another build to
// serve from (an earlier dist/ copied aside, to compare two builds in the same run).
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const keytab = process.argv[2];
const wi = process.argv.indexOf('--workers');
const workers = wi > 0 ? Number(process.argv[wi + 1]) : 0;
const RESOLUTION_MS = 10;

if (workers > 0 && cluster.isPrimary) {
  const forked = Array.from({ length: workers }, () => cluster.fork());
  let listening = 0;
  let port;
  for (const w of forked) {
    w.on('listening', (a) => {
      port = a.port;
      if (++listening === workers) console.log(port);
    });
  }
  const ask = (w) =>
    new Promise((ok) => {
      w.once('message', ok);
      w.send('stats');
    });
  createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line.trim() !== 'stats') return;
    const all = await Promise.all(forked.map(ask));
    const worst = (k) => Math.max(...all.map((s) => s.loopDelay[k]));
    console.log(
      JSON.stringify({
        served: all.reduce((t, s) => t + s.served, 0),
        cpuMs: all.reduce((t, s) => t + s.cpuMs, 0),
        loopDelay: { p50: worst('p50'), p99: worst('p99'), max: worst('max'), mean: worst('mean') },
      }),
    );
  });
} else {
  const dist = process.env.TSKRB5_BENCH_DIST ? pathToFileURL(`${process.env.TSKRB5_BENCH_DIST}/`) : new URL('../dist/', import.meta.url);
  const { negotiateMiddleware } = await import(new URL('bundle/index.js', dist).href);
  const auth = negotiateMiddleware({ keytab });
  let served = 0;
  const s = createServer((req, res) =>
    auth(req, res, () => {
      served++;
      res.end('ok\n');
    }),
  );
  s.keepAliveTimeout = 5000;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let cpu = process.cpuUsage();
  const stats = () => {
    const c = process.cpuUsage(cpu);
    // the histogram records the time between the monitor's timer firings: its delay is that less the resolution
    const ms = (ns) => Number(Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(2));
    const out = {
      served,
      cpuMs: (c.user + c.system) / 1000,
      loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
    };
    served = 0;
    cpu = process.cpuUsage();
    delay.reset();
    return out;
  };
  if (cluster.isWorker) {
    process.on('message', (m) => m === 'stats' && process.send(stats()));
    s.listen(0, '127.0.0.1');
  } else {
    createInterface({ input: process.stdin }).on('line', (line) => line.trim() === 'stats' && console.log(JSON.stringify(stats())));
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));
  }
}
