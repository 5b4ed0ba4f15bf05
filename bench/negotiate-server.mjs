// The server under test of bench/server.mjs and bench/load.mjs, in a process of its own (as
// Apache's workers are): a node:http server with negotiateMiddleware over the keytab given,
// answering "ok".
//   node bench/negotiate-server.mjs KEYTAB      → prints the port, serves until killed
// On stdin (bench/load.mjs), the line "stats" answers one JSON line with what happened since the
// last "stats": requests served, this process's CPU time, and the event-loop delay
// (perf_hooks.monitorEventLoopDelay, 10 ms resolution: how late its timer fired) — p50, p99, max
// and mean, in ms.
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const { negotiateMiddleware } = await import(new URL('../dist/bundle/index.js', import.meta.url).href);
const auth = negotiateMiddleware({ keytab: process.argv[2] });
let served = 0;
const s = createServer((req, res) =>
  auth(req, res, () => {
    served++;
    res.end('ok\n');
  }),
);
s.keepAliveTimeout = 5000;
const RESOLUTION_MS = 10;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
let cpu = process.cpuUsage();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return;
  const c = process.cpuUsage(cpu);
  // the histogram records the time between the monitor's 10 ms timer firings: its delay is that less 10 ms
  const ms = (ns) => Number(Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(2));
  console.log(
    JSON.stringify({
      served,
      cpuMs: (c.user + c.system) / 1000,
      loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
    }),
  );
  served = 0;
  cpu = process.cpuUsage();
  delay.reset();
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
