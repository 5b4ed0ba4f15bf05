// What a junk Authorization header costs the server: the CPU time a node:http server running
// negotiateMiddleware (a process of its own, the keytab's keys in memory) spends per request
// with no Authorization (the plain 401 every client's first request gets), and with 16 KB of
// junk — base64 characters after "Negotiate " (decoded, then refused), printable junk, junk with
// spaces — and a token past the bound. The server's own process.cpuUsage() over a batch of
// keep-alive requests, divided by the batch (header limit raised to 128 KiB, as a proxy in front
// might allow; Node’s default 16 KiB would answer 431 itself); rounds interleave; medians. Also the
// middleware alone, in process, on the same headers (fake request and response).
//
//   node bench/junk-header.mjs [--quick] [--before DIR]   (after the build; npm run bench runs it via run.mjs)
//
// --before DIR (or TSKRB5_BENCH_BEFORE): an earlier build's dist/ measured beside this one, interleaved.

import { spawn } from 'node:child_process';
import { createServer, Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compare, fmtTime, median, table } from './lib.mjs';

export const name = 'junk-header';
const bundle = new URL('../dist/bundle/index.js', import.meta.url).href;
const KEYS = [{ principal: { realm: 'BENCH.TEST', components: ['HTTP', 'localhost'] }, kvno: 1, key: { etype: 18, value: new Uint8Array(32).fill(7) } }];

// The server process: `node bench/junk-header.mjs --serve` prints its port; GET /_cpu answers its CPU µs.
if (process.argv.includes('--serve')) {
  const { negotiateMiddleware } = await import(process.env.JUNK_BENCH_BUNDLE ?? bundle);
  const auth = negotiateMiddleware({ keys: KEYS });
  const s = createServer((req, res) => {
    if (req.url === '/_cpu') {
      const u = process.cpuUsage();
      res.end(String(u.user + u.system));
      return;
    }
    auth(req, res, () => res.end('authenticated?'));
  });
  s.listen(0, '127.0.0.1', () => console.log(s.address().port));
}

function cases() {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const junk = (n, alphabet) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
  return {
    'no Authorization (plain 401)': undefined,
    'Negotiate + 16 KB of base64': `Negotiate ${junk(16 * 1024, B64)}`,
    // 60 82 2f fc: a GSS-API framing whose DER length is the token's size (12,288 bytes), junk after
    'Negotiate + 16 KB, a well-framed head': `Negotiate YIIv/A${junk(16 * 1024 - 6, B64)}`,
    '16 KB of printable junk': junk(16 * 1024, printable),
    'Negotiate + 16 KB junk with spaces': `Negotiate ${junk(16 * 1024, 'ab= ,"')}`,
    'Negotiate + 90 KB of base64 (over the bound)': `Negotiate ${junk(90 * 1024, B64)}`,
  };
}

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const all = cases();
  // the builds measured, interleaved in one run: this one, and an earlier one's dist/ if given
  const argBefore = process.argv.includes('--before') ? process.argv[process.argv.indexOf('--before') + 1] : undefined;
  const beforeDist = opts.before ?? argBefore ?? process.env.TSKRB5_BENCH_BEFORE;
  const builds = [{ label: 'this build', bundle }];
  if (beforeDist) builds.push({ label: `before (${beforeDist})`, bundle: pathToFileURL(join(resolve(beforeDist), 'bundle/index.js')).href });
  const children = [];
  try {
    // 1. through node:http, each build's server process, its CPU per request
    for (const b of builds) {
      const child = spawn(process.execPath, ['--max-http-header-size=131072', fileURLToPath(import.meta.url), '--serve'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, JUNK_BENCH_BUNDLE: b.bundle },
      });
      children.push(child);
      const port = await new Promise((ok, no) => {
        createInterface({ input: child.stdout }).once('line', (l) => ok(Number(l)));
        child.once('exit', (c) => no(new Error(`server exited ${c}`)));
      });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const get = (path, authorization) =>
        new Promise((ok, no) => {
          const r = request({ host: '127.0.0.1', port, path, agent, headers: authorization ? { authorization } : {} }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (body += d));
            res.on('end', () => ok({ status: res.statusCode, body }));
          });
          r.on('error', no);
          r.end();
        });
      b.agent = agent;
      b.get = get;
      b.cpu = async () => Number((await get('/_cpu')).body);
      b.per = {};
    }
    const N = quick ? 100 : 400;
    const rounds = quick ? 2 : 5;
    for (let round = 0; round <= rounds; round++) {
      for (const [label, value] of Object.entries(all)) {
        for (const b of builds) {
          const c0 = await b.cpu();
          for (let i = 0; i < N; i++) {
            const r = await b.get('/', value);
            if (r.status !== 401) throw new Error(`${b.label}, ${label}: status ${r.status}`);
          }
          const us = ((await b.cpu()) - c0) / N;
          // round 0 warms up
          if (round > 0) {
            b.per[label] ??= [];
            b.per[label].push(us * 1000);
          }
        }
      }
    }
    for (const b of builds) {
      b.agent.destroy();
      b.http = Object.fromEntries(Object.entries(b.per).map(([k, v]) => [k, median(v)]));
    }

    // 2. the middleware alone, in process (each build's)
    const res = { statusCode: 0, setHeader() {}, end() {} };
    const contenders = {};
    for (const [bi, b] of builds.entries()) {
      const { negotiateMiddleware } = await import(b.bundle);
      const auth = negotiateMiddleware({ keys: KEYS });
      for (const [label, value] of Object.entries(all)) {
        const req = { headers: value === undefined ? {} : { authorization: value }, socket: {} };
        contenders[`${bi} ${label}`] = {
          fn: () =>
            auth(req, res, () => {
              throw new Error('authenticated?');
            }),
        };
      }
    }
    const inproc = await compare(contenders, { rounds: quick ? 2 : 5, batchMs: 30 });

    const PLAIN = 'no Authorization (plain 401)';
    const cols = ['request (401 each)'];
    for (const b of builds) cols.push(`${b.label}: server CPU/request`, 'vs plain 401', 'middleware alone');
    const rows = Object.keys(all).map((k) => [k, ...builds.flatMap((b, bi) => [fmtTime(b.http[k]), `${(b.http[k] / b.http[PLAIN]).toFixed(2)}x`, fmtTime(inproc[`${bi} ${k}`])])]);
    const text = table(cols, rows);
    const results = Object.fromEntries(
      Object.keys(all).map((k) => [
        k,
        Object.fromEntries(builds.map((b, bi) => [b.label, { httpNs: b.http[k], ratio: b.http[k] / b.http[PLAIN], middlewareNs: inproc[`${bi} ${k}`] }])),
      ]),
    );
    return { name, text, results };
  } finally {
    for (const c of children) c.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && !process.argv.includes('--serve')) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.text);
}
