// `npm run fuzz [seconds]`: a time-boxed fuzz of every decoder in fuzz/targets.mjs, seeded from
// fixtures/. Prints executions per target; a crash (an exception other than the target's
// allowed KerberosError classes, or a run that hangs past 2 s) saves its input to
// fuzz/crashes/<target>-<seed>.bin and makes the exit status 1.
//
//   npm run fuzz            # 30 s in all
//   npm run fuzz -- 10      # 10 s (what CI runs)
//   node fuzz/run.mjs 60 --seed 1234 --only messages
//
// The targets must be exactly those of fuzz/targets.expected.txt, else the run fails at once.

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadTargets, targetNameDifferences } from './targets.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a) && args[args.indexOf(a) - 1]?.startsWith('--') !== true) ?? 30);
let seed = Number(opt('seed') ?? Date.now() % 2 ** 31) >>> 0 || 1;
const initialSeed = seed;
const only = opt('only');
const rand = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 2 ** 32;
};
const randInt = (n) => Math.floor(rand() * n);

function mutate(input) {
  const b = Array.from(input);
  const n = 1 + randInt(4);
  for (let i = 0; i < n; i++) {
    const k = randInt(7);
    const at = randInt(b.length + 1);
    if (k === 0 && b.length) b[at % b.length] ^= 1 << randInt(8);
    else if (k === 1 && b.length) b[at % b.length] = randInt(256);
    else if (k === 2) b.splice(at, 0, randInt(256));
    else if (k === 3 && b.length) b.splice(at % b.length, 1 + randInt(8));
    else if (k === 4) b.length = Math.min(b.length, at);
    else if (k === 5 && b.length) b[at % b.length] = [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff][randInt(6)];
    else if (k === 6 && b.length > 4) {
      const s = randInt(b.length - 2);
      b.splice(randInt(b.length), 0, ...b.slice(s, s + 1 + randInt(16)));
    }
  }
  return Uint8Array.from(b);
}

const all = await loadTargets();
// Every target of fuzz/targets.expected.txt, and no other: one that vanished (an export renamed,
// a codec removed) fails the run instead of going unfuzzed.
const diff = targetNameDifferences(all);
if (diff.missing.length || diff.unexpected.length || diff.duplicated.length) {
  console.error(
    `fuzz: the targets differ from fuzz/targets.expected.txt: missing ${JSON.stringify(diff.missing)}, unexpected ${JSON.stringify(diff.unexpected)}, duplicated ${JSON.stringify(diff.duplicated)}`,
  );
  process.exit(1);
}
const targets = all.filter((t) => !only || t.name.toLowerCase().includes(only.toLowerCase()));
if (targets.length === 0) {
  console.error(`fuzz: no target matches --only ${only}`);
  process.exit(1);
}
const budgetMs = (seconds * 1000) / Math.max(1, targets.length);
let crashes = 0;
const rows = [];
for (const t of targets) {
  const seeds = t.seeds().filter((s) => s.length > 0);
  if (seeds.length === 0) seeds.push(new Uint8Array([0x30, 0x00]));
  let execs = 0;
  let accepted = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const input = rand() < 0.1 ? Uint8Array.from({ length: randInt(64) }, () => randInt(256)) : mutate(seeds[randInt(seeds.length)]);
    const s = performance.now();
    try {
      const r = t.run(input);
      if (r && typeof r.then === 'function') await r;
      accepted++;
    } catch (e) {
      if (!t.allowed.some((C) => e instanceof C)) {
        crashes++;
        mkdirSync(new URL('crashes/', import.meta.url), { recursive: true });
        const file = new URL(`crashes/${t.name}-${initialSeed}-${execs}.bin`, import.meta.url);
        writeFileSync(file, input);
        console.error(`CRASH ${t.name}: ${e?.constructor?.name}: ${e?.message} (input saved to ${file.pathname})`);
      }
    }
    if (performance.now() - s > 2000) {
      crashes++;
      console.error(`HANG ${t.name}: one input took over 2 s`);
    }
    execs++;
  }
  rows.push([t.name, execs, accepted]);
}
const w = Math.max(...rows.map((r) => r[0].length));
for (const [name, execs, accepted] of rows) console.log(`${name.padEnd(w)}  ${String(execs).padStart(8)} execs  ${String(accepted).padStart(7)} accepted`);
console.log(`fuzz: ${targets.length} targets, ${rows.reduce((a, r) => a + r[1], 0)} executions in ${seconds} s, ${crashes} crashes (seed ${initialSeed})`);
process.exit(crashes ? 1 : 0);
