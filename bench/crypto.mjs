// Crypto benchmark: our enctypes (node:crypto backend and pure backend) side by side with MIT
// krb5 (libk5crypto through test/mit/build/krb5harness), in the same run.
//
//   node bench/crypto.mjs [--quick]     (after `npm run build`; `npm run bench` runs it via run.mjs)
//
// Encrypt/decrypt: etypes 17, 18, 19, 20; 64 B, 1 KiB, 16 KiB, 1 MiB; one reusable Key per etype
// (our derived-key cache warm), against MIT's krb5_k_encrypt/krb5_k_decrypt over one krb5_key
// (its derived keys cached the same way). MIT's krb5_c_encrypt (keys re-derived per call) is
// shown for reference. String-to-key: 4096 iterations for 17/18, 32768 for 19/20, same count on
// both sides. Figures are medians of batch times, ours and MIT measured in interleaved rounds so
// that load on the shared machine falls on both; ratios are ours/MIT (lower is better).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Mit, compare, fmtRate, fmtSize, fmtTime, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

export const name = 'crypto';

const ETYPES = [17, 18, 19, 20];
const NAMES = { 17: 'aes128-sha1', 18: 'aes256-sha1', 19: 'aes128-sha256', 20: 'aes256-sha384' };
const KEYLEN = { 17: 16, 18: 32, 19: 16, 20: 32 };
const SIZES = [64, 1024, 16384, 1 << 20];
const S2K_ITER = { 17: 4096, 18: 4096, 19: 32768, 20: 32768 };
const USAGE = 1024; // the harness's bench usage

/** Targets: ours/MIT time ratio must be at most this. */
const TARGET_NODE = { 64: 2.0, 1024: 1.0, 16384: 0.5 };
const TARGET_PURE = 3.0;
const TARGET_S2K = 0.5;

function ratioCell(ratio, target) {
  if (ratio === undefined) return '';
  const r = `${ratio.toFixed(2)}x`;
  if (target === undefined) return r;
  return `${r} ${ratio <= target ? '✓' : '✗'} ≤${target}`;
}

function randomBytes(n) {
  const b = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) crypto.getRandomValues(b.subarray(o, Math.min(n, o + 65536)));
  return b;
}

async function loadOurs() {
  const path = join(process.env.TSKRB5_BENCH_DIST ?? join(root, 'dist'), 'crypto', 'index.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build" first`);
  return import(pathToFileURL(path).href);
}

async function loadMit(log) {
  try {
    const { ensureHarness } = await import(pathToFileURL(join(root, 'test', 'mit', 'setup.mjs')).href);
    const res = ensureHarness({ log });
    if (!res.ok) return { mit: undefined, why: res.reason };
    return { mit: new Mit(res.binary), why: undefined };
  } catch (e) {
    return { mit: undefined, why: String(e?.message ?? e) };
  }
}

function mitVersion() {
  try {
    return execFileSync('krb5-config', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * @param {{ quick?: boolean, log?: (s: string) => void }} [opts]
 */
export async function run(opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  const quick = !!opts.quick;
  const ours = await loadOurs();
  const { mit, why } = await loadMit(log);
  const notes = [];
  if (!mit) notes.push(`MIT harness not available, MIT columns left empty: ${why}`);

  const sizes = quick ? [64, 1024, 16384] : SIZES;
  // Per cell: 3 interleaved rounds of (node, pure, MIT, MIT c_); ours 3 batches of ~40 ms per round.
  const cmp = quick ? { rounds: 2, warmupMs: 30, batchMs: 15, batchesPerRound: 2 } : { rounds: 3, warmupMs: 80, batchMs: 40, batchesPerRound: 3 };
  const mitRun = quick ? { minMs: 25, runs: 1 } : { minMs: 50, runs: 2 };

  const encRows = [];
  const results = { encdec: [], s2k: [] };
  const misses = [];

  // A global warm-up, so that the first cells measured do not pay for the JIT's first tiers.
  for (const backend of ['node', 'pure']) {
    ours.setCryptoBackend(backend);
    for (const etype of ETYPES) {
      const key = ours.randomToKey(etype, randomBytes(KEYLEN[etype]));
      for (const size of [0, 64, 1024, 4096]) {
        const data = randomBytes(size);
        const t0 = performance.now();
        while (performance.now() - t0 < (quick ? 10 : 40)) ours.decrypt(key, USAGE, ours.encrypt(key, USAGE, data));
      }
    }
  }
  ours.setCryptoBackend('auto');

  for (const etype of ETYPES) {
    const key = ours.randomToKey(etype, randomBytes(KEYLEN[etype]));
    for (const size of sizes) {
      const data = randomBytes(size);
      for (const op of ['enc', 'dec']) {
        const ct = ours.encrypt(key, USAGE, data);
        const fn = op === 'enc' ? () => ours.encrypt(key, USAGE, data) : () => ours.decrypt(key, USAGE, ct);
        const contenders = {
          node: { before: () => ours.setCryptoBackend('node'), fn },
          pure: { before: () => ours.setCryptoBackend('pure'), fn },
        };
        if (mit) {
          contenders.mit = { external: (r) => mit.sample('bench', op, etype, size, { ...mitRun, warm: r === 0 }) };
          contenders.mitc = { external: () => mit.sample('benchc', op, etype, size, { ...mitRun, runs: 1 }) };
        }
        const ns = await compare(contenders, cmp);
        ours.setCryptoBackend('auto');
        const ratio = ns.mit ? { node: ns.node / ns.mit, pure: ns.pure / ns.mit } : {};
        const target = { node: TARGET_NODE[size], pure: TARGET_PURE };
        const pass = {
          node: ratio.node === undefined || target.node === undefined ? undefined : ratio.node <= target.node,
          pure: ratio.pure === undefined ? undefined : ratio.pure <= target.pure,
        };
        if (pass.node === false) misses.push(`node ${op} ${etype} ${fmtSize(size)}: ${ratio.node.toFixed(2)}x > ${target.node}x`);
        if (pass.pure === false) misses.push(`pure ${op} ${etype} ${fmtSize(size)}: ${ratio.pure.toFixed(2)}x > ${target.pure}x`);
        results.encdec.push({ etype, op, size, ns, ratio, target, pass });
        encRows.push([
          `${etype} ${NAMES[etype]}`,
          op,
          fmtSize(size),
          fmtTime(ns.node),
          fmtRate(size, ns.node),
          fmtTime(ns.pure),
          fmtTime(ns.mit),
          fmtRate(size, ns.mit),
          fmtTime(ns.mitc),
          ratioCell(ratio.node, target.node),
          ratioCell(ratio.pure, target.pure),
        ]);
        log(`  crypto: ${etype} ${op} ${fmtSize(size)} done`);
      }
    }
  }

  const s2kRows = [];
  for (const etype of ETYPES) {
    const iter = S2K_ITER[etype];
    const params = new Uint8Array([iter >>> 24, (iter >>> 16) & 255, (iter >>> 8) & 255, iter & 255]);
    // Same inputs as the harness: an 8-letter password, salt "EXAMPLE.COMuser".
    const fn = () => ours.stringToKey(etype, 'abcdefgh', 'EXAMPLE.COMuser', params);
    const contenders = {
      node: { before: () => ours.setCryptoBackend('node'), fn },
      pure: { before: () => ours.setCryptoBackend('pure'), fn },
    };
    if (mit) contenders.mit = { external: (r) => mit.sample('bench', 's2k', etype, 8, { minMs: quick ? 10 : 60, runs: quick ? 1 : 2, iter, warm: r === 0 }) };
    const ns = await compare(contenders, quick ? { rounds: 2, warmupMs: 1, batchMs: 5, batchesPerRound: 1 } : { rounds: 3, warmupMs: 30, batchMs: 20, batchesPerRound: 2 });
    ours.setCryptoBackend('auto');
    const ratio = ns.mit ? { node: ns.node / ns.mit, pure: ns.pure / ns.mit } : {};
    const pass = {
      node: ratio.node === undefined ? undefined : ratio.node <= TARGET_S2K,
      pure: ratio.pure === undefined ? undefined : ratio.pure <= TARGET_S2K,
    };
    if (pass.node === false) misses.push(`node s2k ${etype}: ${ratio.node.toFixed(2)}x > ${TARGET_S2K}x`);
    if (pass.pure === false) misses.push(`pure s2k ${etype}: ${ratio.pure.toFixed(2)}x > ${TARGET_S2K}x`);
    results.s2k.push({ etype, iterations: iter, ns, ratio, target: TARGET_S2K, pass });
    s2kRows.push([
      `${etype} ${NAMES[etype]}`,
      String(iter),
      fmtTime(ns.node),
      fmtTime(ns.pure),
      fmtTime(ns.mit),
      ratioCell(ratio.node, TARGET_S2K),
      ratioCell(ratio.pure, TARGET_S2K),
    ]);
    log(`  crypto: s2k ${etype} done`);
  }
  await mit?.close();

  const text = [
    'Encrypt / decrypt (median time per message; MB/s = 10^6 bytes/s; ratio = ours/MIT, lower is better)',
    table(['etype', 'op', 'size', 'node', 'MB/s', 'pure', 'MIT k_', 'MB/s', 'MIT c_', 'node/MIT', 'pure/MIT'], encRows, 2),
    '',
    'String-to-key (same password, salt and iteration count on both sides)',
    table(['etype', 'iter', 'node', 'pure', 'MIT', 'node/MIT', 'pure/MIT'], s2kRows, 1),
    '',
    'MIT k_ = krb5_k_encrypt/decrypt over one krb5_key (derived keys cached, as the GSS mech uses it);',
    'MIT c_ = krb5_c_encrypt/decrypt (keys re-derived each call), for reference only.',
    `Targets: node ≤2x MIT at 64 B, ≤1x at 1 KiB, ≤0.5x at 16 KiB; pure ≤${TARGET_PURE}x at every size; s2k ≤${TARGET_S2K}x.`,
    misses.length ? `Missed targets (${misses.length}):\n  ${misses.join('\n  ')}` : mit ? 'All targets met.' : '',
    ...notes,
  ].join('\n');

  return {
    name,
    text,
    results: {
      ...results,
      misses,
      mit: mit ? { available: true, version: mitVersion() } : { available: false, reason: why },
      environment: { node: process.version, cpu: cpus()[0]?.model, cpus: cpus().length, quick },
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(r.text);
}
