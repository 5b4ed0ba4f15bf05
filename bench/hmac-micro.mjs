// Micro-benchmark of one HMAC per message under a fixed key, as Kerberos computes them:
// src/crypto/fast-hmac/ (prepared key) against node:crypto createHmac and @noble/hashes
// (hmac.create once, then _cloneInto + update + digestInto per message), for SHA-1, SHA-256 and
// SHA-384, at 16, 80, 96, 1040 and 16400 bytes. Then, per hash, the message size above which
// node:crypto is faster than the prepared HMAC (the crossover), from a sweep of sizes.
//
//   npx tsc -p tsconfig.build.json     (emits dist/, including dist/crypto/fast-hmac/index.js)
//   node bench/hmac-micro.mjs [--quick] [--no-crossover] [--stat=median|min] [--repeat=N]
//                             [--sizes=16,80,...] [--hashes=sha1,...]
//
// Timing: every contender is warmed up first; then `rounds` rounds, each timing every contender
// in turn (so that a burst of load on a shared machine falls on all of them), each time as
// several batches of about `batchMs`; the figure is the median ns per call over all batches
// (--stat=min: the fastest batch, closer to the uncontended cost when the machine is busy;
// --repeat=N: measure everything N times, each figure the lowest of the N).
// Self-contained (no bench/lib.mjs) so that it runs on its own.
//
// Also importable: `export { name, run }` in the shape bench/run.mjs expects.

import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';

export const name = 'hmac-micro';

const here = dirname(fileURLToPath(import.meta.url));
const distFile = join(here, '..', 'dist', 'crypto', 'fast-hmac', 'index.js');

const NOBLE = { sha1, sha256, sha384 };
const HASHES = ['sha1', 'sha256', 'sha384'];
const SIZES = [16, 80, 96, 1040, 16400];
/** Sizes for the crossover sweep: whole blocks plus 16 bytes (a Kerberos confounder / IV). */
const SWEEP = [16, 80, 144, 208, 336, 464, 720, 1040, 1552, 2064, 3088, 4112, 8208, 16400];

const now = () => performance.now();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

let sink = 0;
/** Runs `fn` for about `ms` milliseconds; returns the calls made and the time taken. */
function runFor(fn, ms) {
  let n = 0;
  const t0 = now();
  let t = t0;
  do {
    for (let i = 0; i < 16; i++) sink ^= fn().length;
    n += 16;
    t = now();
  } while (t - t0 < ms);
  return { n, ms: t - t0 };
}

/** Batches of `iters` calls; returns ns per call of each batch. */
function batches(fn, iters, count) {
  const out = [];
  for (let b = 0; b < count; b++) {
    const s = now();
    for (let i = 0; i < iters; i++) sink ^= fn().length;
    out.push(((now() - s) * 1e6) / iters);
  }
  return out;
}

/**
 * Ns per call of each contender (`{ label: fn }`; median or fastest batch), interleaved over
 * `rounds` rounds.
 */
function compare(contenders, { rounds, batchMs, batchesPerRound, warmupMs, stat }) {
  const entries = Object.entries(contenders);
  const iters = {};
  for (const [label, fn] of entries) {
    const { n, ms } = runFor(fn, warmupMs);
    iters[label] = Math.max(1, Math.round((batchMs * n) / ms));
  }
  const times = Object.fromEntries(entries.map(([label]) => [label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [label, fn] of entries) times[label].push(...batches(fn, iters[label], batchesPerRound));
  }
  const pick = stat === 'min' ? (xs) => Math.min(...xs) : median;
  return Object.fromEntries(entries.map(([label]) => [label, pick(times[label])]));
}

function contenders(prepareHmac, hash, key, msg) {
  const prepared = prepareHmac(hash, key);
  const base = hmac.create(NOBLE[hash], key);
  const tmp = hmac.create(NOBLE[hash], key);
  const out = new Uint8Array(base.outputLen);
  return {
    fast: () => prepared.mac(msg),
    node: () => createHmac(hash, key).update(msg).digest(),
    noble: () => {
      base._cloneInto(tmp);
      tmp.update(msg);
      tmp.digestInto(out);
      return out;
    },
  };
}

function fmtNs(ns) {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
const fmtRate = (size, ns) => {
  const mbs = (size / ns) * 1e3;
  return mbs >= 100 ? mbs.toFixed(0) : mbs.toFixed(1);
};

function table(header, rows, left = 2) {
  const all = [header, ...rows].map((r) => r.map(String));
  const len = (s) => [...s].length;
  const w = header.map((_, i) => Math.max(...all.map((r) => len(r[i] ?? ''))));
  const pad = (c, i) => (i < left ? c + ' '.repeat(w[i] - len(c)) : ' '.repeat(w[i] - len(c)) + c);
  const fmt = (r) => r.map(pad).join('  ').trimEnd();
  return [fmt(all[0]), w.map((x) => '-'.repeat(x)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

/**
 * @param {{ quick?: boolean, log?: (s: string) => void, sizes?: number[], hashes?: string[], crossover?: boolean, stat?: string, repeat?: number }} [o]
 */
export async function run(o = {}) {
  const log = o.log ?? ((s) => process.stderr.write(s + '\n'));
  if (!existsSync(distFile)) throw new Error(`${distFile} not found: build first (npx tsc -p tsconfig.build.json)`);
  const { prepareHmac } = await import(pathToFileURL(distFile).href);
  const quick = !!o.quick;
  const stat = o.stat === 'min' ? 'min' : 'median';
  const timing = quick ? { rounds: 2, batchMs: 15, batchesPerRound: 3, warmupMs: 40, stat } : { rounds: 3, batchMs: 25, batchesPerRound: 5, warmupMs: 100, stat };
  const sizes = o.sizes ?? SIZES;
  const hashes = o.hashes ?? HASHES;
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 37 + 11);
  const msgOf = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);

  // Sanity: all three agree before anything is timed.
  for (const hash of hashes) {
    const m = msgOf(1000);
    const c = contenders(prepareHmac, hash, key, m);
    const [a, b, n] = [c.fast(), c.node(), c.noble()].map((x) => Buffer.from(x).toString('hex'));
    if (a !== b || a !== n) throw new Error(`${hash}: implementations disagree`);
  }

  // Warm every code path once (all hashes, all sizes) so the first measured row is not penalized.
  for (const hash of hashes) {
    for (const n of sizes) {
      const c = contenders(prepareHmac, hash, key, msgOf(n));
      for (const fn of Object.values(c)) runFor(fn, quick ? 5 : 15);
    }
  }

  // With --repeat=N the whole table is measured N times and each cell keeps its lowest figure,
  // which filters out periods of load from other processes on a shared machine.
  const repeat = Math.max(1, o.repeat ?? 1);
  const cells = new Map();
  for (let rep = 0; rep < repeat; rep++) {
    for (const hash of hashes) {
      for (const n of sizes) {
        log(`  ${hash} ${n} B${repeat > 1 ? ` (${rep + 1}/${repeat})` : ''}…`);
        const r = compare(contenders(prepareHmac, hash, key, msgOf(n)), timing);
        const k = `${hash}/${n}`;
        const prev = cells.get(k);
        cells.set(k, prev ? Object.fromEntries(Object.entries(r).map(([c, v]) => [c, Math.min(v, prev[c])])) : r);
      }
    }
  }
  const results = [];
  const rows = [];
  for (const hash of hashes) {
    for (const n of sizes) {
      const r = cells.get(`${hash}/${n}`);
      results.push({ hash, size: n, ns: r });
      const best = Object.entries(r).sort((x, y) => x[1] - y[1])[0][0];
      rows.push([
        hash,
        `${n} B`,
        fmtNs(r.fast),
        fmtRate(n, r.fast),
        fmtNs(r.node),
        fmtRate(n, r.node),
        fmtNs(r.noble),
        fmtRate(n, r.noble),
        `${(r.node / r.fast).toFixed(2)}×`,
        best,
      ]);
    }
  }
  const header = ['hash', 'size', 'fast-hmac', 'MB/s', 'node:crypto', 'MB/s', 'noble', 'MB/s', 'node/fast', 'fastest'];
  const what = (stat === 'min' ? 'fastest batch' : 'median') + (repeat > 1 ? `, lowest of ${repeat} runs` : '');
  let text = `HMAC per message, key prepared once (${what}, time per call)\n\n${table(header, rows)}\n`;

  const crossovers = [];
  if (o.crossover !== false) {
    const crows = [];
    for (const hash of hashes) {
      log(`  ${hash}: crossover sweep…`);
      const pts = [];
      for (const n of SWEEP) {
        const c = contenders(prepareHmac, hash, key, msgOf(n));
        const p = { n, fast: Infinity, node: Infinity };
        for (let rep = 0; rep < repeat; rep++) {
          const r = compare({ fast: c.fast, node: c.node }, { ...timing, rounds: quick ? 1 : 2 });
          p.fast = Math.min(p.fast, r.fast);
          p.node = Math.min(p.node, r.node);
        }
        pts.push(p);
      }
      // The first sweep size at which node:crypto is faster, and the size interpolated linearly
      // between it and the previous one (per-call cost is close to linear in the size between
      // neighbouring sweep points).
      const j = pts.findIndex((p) => p.node < p.fast);
      let cross = null;
      let bracket = '';
      if (j === 0) {
        bracket = `≤ ${pts[0].n} B`;
        cross = pts[0].n;
      } else if (j > 0) {
        const [p, q] = [pts[j - 1], pts[j]];
        const dp = p.fast - p.node;
        const dq = q.fast - q.node;
        cross = Math.round(p.n + ((q.n - p.n) * -dp) / (dq - dp));
        bracket = `${p.n}–${q.n} B`;
      } else bracket = `> ${pts.at(-1).n} B`;
      const last = pts.at(-1);
      crossovers.push({ hash, crossover: cross, sweep: pts });
      crows.push([
        hash,
        fmtNs(pts[0].fast),
        fmtRate(last.n, last.fast),
        fmtNs(pts[0].node),
        fmtRate(last.n, last.node),
        bracket,
        cross === null ? 'none' : j === 0 ? bracket : `≈ ${cross} B`,
      ]);
    }
    text +=
      `\nCrossover: message size above which node:crypto is faster than fast-hmac\n` +
      `(sweep ${SWEEP.join(', ')} B; per-call cost at ${SWEEP[0]} B, bulk rate at ${SWEEP.at(-1)} B)\n\n` +
      table(['hash', `fast ${SWEEP[0]} B`, 'fast MB/s', `node ${SWEEP[0]} B`, 'node MB/s', 'node faster from', 'crossover'], crows, 1) +
      '\n';
  }
  if (sink === 0.5) console.log('');
  return { name, text, results: { table: results, crossovers } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (k) => args.find((a) => a.startsWith(`--${k}=`))?.split('=')[1];
  const { text } = await run({
    quick: args.includes('--quick'),
    crossover: !args.includes('--no-crossover'),
    stat: opt('stat'),
    repeat: Number(opt('repeat') ?? 1),
    sizes: opt('sizes')?.split(',').map(Number),
    hashes: opt('hashes')?.split(','),
  });
  console.log(`node ${process.version}\n\n${text}`);
}
