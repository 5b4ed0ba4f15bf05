// Shared helpers for the bench files: timing by median of batches, the MIT harness client,
// and table formatting.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Milliseconds from a monotonic clock. */
export const now = () => performance.now();

/**
 * Times `fn` (one operation per call): a warm-up of `warmupMs` (JIT, caches), then `batches`
 * batches of `iters` operations (calibrated from the warm-up to about `batchMs` when not given).
 * Returns the nanoseconds per operation of each batch, and the batch size used.
 * @param {() => unknown} fn
 * @param {{ warmupMs?: number, batchMs?: number, batches?: number, iters?: number }} [o]
 */
export function sample(fn, o = {}) {
  const warmupMs = o.warmupMs ?? 80;
  const batchMs = o.batchMs ?? 40;
  const batches = o.batches ?? 9;
  let sink = 0;
  const consume = (v) => {
    sink ^= v && typeof v === 'object' && 'length' in v ? v.length : 1;
  };
  let n = 0;
  const t0 = now();
  let t = t0;
  do {
    consume(fn());
    n++;
    t = now();
  } while (t - t0 < warmupMs);
  const iters = o.iters ?? Math.max(1, Math.round(batchMs / ((t - t0) / n)));
  const times = [];
  for (let b = 0; b < batches; b++) {
    const s = now();
    for (let i = 0; i < iters; i++) consume(fn());
    times.push(((now() - s) * 1e6) / iters);
  }
  if (sink === 0.5) console.log(''); // keep `sink` alive
  return { times, iters };
}

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Measures several contenders side by side, interleaved: `rounds` rounds, each running every
 * contender in turn, so that a period of load on the (shared, noisy) machine falls on all of
 * them rather than on one. Each contender is `{ before?(): void, fn(): unknown }` (timed here, in
 * process) or `{ external(round): Promise<number[]> }` (timed elsewhere, e.g. by the MIT harness,
 * returning ns per op per run). Returns the median ns per op of each contender.
 * @param {Record<string, { before?: () => void, fn?: () => unknown, external?: (round: number) => Promise<number[]> }>} contenders
 * @param {{ rounds?: number, warmupMs?: number, batchMs?: number, batchesPerRound?: number }} [o]
 */
export async function compare(contenders, o = {}) {
  const rounds = o.rounds ?? 3;
  const all = {};
  const iters = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, c] of Object.entries(contenders)) {
      all[name] ??= [];
      if (c.external) {
        all[name].push(...(await c.external(r)));
        continue;
      }
      c.before?.();
      const res = sample(c.fn, {
        warmupMs: r === 0 ? (o.warmupMs ?? 80) : Math.min(10, o.warmupMs ?? 80),
        batchMs: o.batchMs ?? 40,
        batches: o.batchesPerRound ?? 3,
        iters: iters[name],
      });
      iters[name] = res.iters;
      all[name].push(...res.times);
    }
  }
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, median(v)]));
}

/** The MIT krb5 harness (test/mit/build/krb5harness), one request at a time. */
export class Mit {
  constructor(binary) {
    this.proc = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
    this.waiting = [];
    createInterface({ input: this.proc.stdout, crlfDelay: Infinity }).on('line', (l) => this.waiting.shift()?.resolve(l));
    this.proc.on('exit', () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('krb5harness exited'));
    });
  }
  call(line) {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(line + '\n');
    });
  }
  /**
   * `runs` runs of the harness's own timing loop (`bench`/`benchc OP ETYPE SIZE MINMS [ITER]`),
   * each answering ns per operation; `warm` adds one unrecorded run first.
   */
  async sample(kind, op, etype, size, { minMs = 60, runs = 2, iter, warm = false } = {}) {
    const results = [];
    for (let r = warm ? -1 : 0; r < runs; r++) {
      const line = `${kind} ${op} ${etype} ${size} ${minMs}${iter ? ` ${iter}` : ''}`;
      const ans = await this.call(line);
      const m = /^(\d+) ([\d.]+)$/.exec(ans);
      if (!m) throw new Error(`krb5harness: ${line} -> ${ans}`);
      if (r >= 0) results.push(Number(m[2]));
    }
    return results;
  }
  async close() {
    this.proc.stdin.end('quit\n');
    await new Promise((r) => (this.proc.exitCode !== null ? r() : this.proc.on('exit', r)));
  }
}

/**
 * Formats rows (arrays of cells) as an aligned text table. The first `left` columns are
 * left-aligned, the rest right-aligned.
 */
export function table(header, rows, left = 1) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const len = (s) => [...s].length;
  const w = header.map((_, i) => Math.max(...all.map((r) => len(r[i] ?? ''))));
  const pad = (c, i) => (i < left ? c + ' '.repeat(w[i] - len(c)) : ' '.repeat(w[i] - len(c)) + c);
  const fmt = (r) => r.map(pad).join('  ').trimEnd();
  return [fmt(all[0]), w.map((x) => '-'.repeat(x)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

/** Human-readable time per operation. */
export function fmtTime(ns) {
  if (ns === undefined || ns === null || Number.isNaN(ns)) return '';
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** Throughput in MB/s (10^6 bytes) for `size` bytes per operation. */
export function fmtRate(size, ns) {
  if (!ns) return '';
  const mbs = (size / ns) * 1e3;
  return mbs >= 100 ? mbs.toFixed(0) : mbs.toFixed(1);
}

export function fmtSize(n) {
  if (n >= 1 << 20) return `${n / (1 << 20)} MiB`;
  if (n >= 1024) return `${n / 1024} KiB`;
  return `${n} B`;
}

/**
 * The interop helpers the HTTP benches share (a throwaway MIT realm, Apache + mod_auth_gssapi),
 * and what of their peers is missing (MIT krb5, Apache, curl, python3-requests-kerberos).
 */
export async function httpPeers(root) {
  const { spawnSync } = await import('node:child_process');
  const { pathToFileURL } = await import('node:url');
  const { join } = await import('node:path');
  const realm = await import(pathToFileURL(join(root, 'test/interop/realm.mjs')).href);
  const apache = await import(pathToFileURL(join(root, 'test/interop/apache.mjs')).href);
  const missing = [...realm.missingPeers(), ...apache.apacheMissing(), ...(realm.which('curl') ? [] : ['curl'])];
  if (spawnSync('/usr/bin/python3', ['-c', 'import requests_kerberos'], { stdio: 'ignore' }).status !== 0) missing.push('python3-requests-kerberos');
  return { startRealm: realm.startRealm, startApache: apache.startApache, missing };
}
