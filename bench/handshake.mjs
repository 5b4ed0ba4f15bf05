// SPNEGO handshake and acceptor benchmark: our SpnegoInitiator → SpnegoAcceptor → the AP-REP
// verified by the initiator, in one process, beside MIT's libgssapi_krb5 doing the same in one
// process (test/mit/gssharness.c: gss_init_sec_context / gss_accept_sec_context / the reply, a
// MEMORY ccache holding a real service ticket and the keytab in a MEMORY keytab — MIT's
// in-memory floor). The ticket comes from a throwaway MIT KDC (kinit, then kvno), so both sides
// use the same ticket, session-key enctype and keytab.
//
// Rows: the full handshake and the acceptor alone (gss_accept_sec_context on a fresh context;
// ours SpnegoAcceptor.accept on a fresh acceptor), each with replay caches off on both sides
// (MIT: KRB5RCACHETYPE=none; ours: replayCache: false) — crypto and decoding only — and with
// each side's default (MIT's file rcache in KRB5RCACHEDIR; ours the module's in-memory cache).
// The acceptor rows use the same tokens on both sides: MIT's initiator makes them, both accept
// them (without replay caches, over and over; with them, each token once, fresh ones per round).
//
// MIT's GSS library loads the krb5 plugins installed on the host. Debian's sssd-common puts a
// PAC plugin of SSSD's (not MIT's) into MIT's authdata plugin directory, which connects to a
// socket on every context; MIT's figures here are without it (plugin_base_dir pointed at an
// empty directory), the floor MIT itself sets. The row "with the host's plugins" shows it.
//
//   node bench/handshake.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmtTime, median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'handshake';

/** The MIT GSS harness, one request at a time. */
export class GssHarness {
  constructor(binary, env) {
    this.proc = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'], env });
    this.waiting = [];
    createInterface({ input: this.proc.stdout, crlfDelay: Infinity }).on('line', (l) => this.waiting.shift()?.resolve(l));
    this.proc.on('exit', () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('gssharness exited'));
    });
  }
  async call(line) {
    const ans = await new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(line + '\n');
    });
    if (ans.startsWith('ERR')) throw new Error(`gssharness: ${line.split(' ')[0]}: ${ans}`);
    return ans;
  }
  /** Wall and CPU ns per operation of a timed request (`hs MINMS`, `accept PASSES`). */
  async times(line) {
    const m = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(await this.call(line));
    if (!m) throw new Error(`gssharness: ${line}: unexpected answer`);
    return { wall: Number(m[2]), cpu: Number(m[3]) };
  }
  async close() {
    this.proc.stdin.end('quit\n');
    await new Promise((r) => (this.proc.exitCode !== null ? r() : this.proc.on('exit', r)));
  }
}

/**
 * Runs `fn` for about `ms` milliseconds (or exactly `count` times): wall-clock and CPU (all
 * threads of this process) nanoseconds per call.
 */
export function timeFor(fn, ms, count) {
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  if (count !== undefined) {
    for (; n < count; n++) fn();
    t = performance.now();
  } else {
    do {
      for (let k = 0; k < 8; k++) fn();
      n += 8;
      t = performance.now();
    } while (t - t0 < ms);
  }
  const c = process.cpuUsage(c0);
  return { wall: ((t - t0) * 1e6) / n, cpu: ((c.user + c.system) * 1e3) / n };
}

/** Length-prefixed tokens as gssharness's `tokens PATH` writes them. */
export function readTokens(path) {
  const b = new Uint8Array(readFileSync(path));
  const out = [];
  for (let o = 0; o + 4 <= b.length; ) {
    const n = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    out.push(b.slice(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

/**
 * A throwaway realm with a user, HTTP/localhost and its keytab, the user's TGT and service ticket
 * in a FILE ccache, and a krb5.conf for clients and servers without the host's plugins.
 * `opts.realmOptions` goes to startRealm.
 */
export async function benchRealm(opts = {}) {
  const { startRealm, missingPeers } = await import(pathToFileURL(join(root, 'test/interop/realm.mjs')).href);
  const missing = missingPeers();
  if (missing.length) return { missing };
  const realm = await startRealm({ realm: 'BENCH.TEST', ...(opts.realmOptions ?? {}) });
  try {
    await realm.addPrincipal('alice', { password: 'Bench-Pa55word!' });
    const service = opts.service ?? 'HTTP/localhost';
    if (!opts.noService) {
      await realm.addPrincipal(service, { randkey: true, requiresPreauth: false });
      await realm.ktadd(service, join(realm.dir, 'http.keytab'));
    }
    const ccache = `FILE:${join(realm.dir, 'bench.ccache')}`;
    await realm.kinit('alice', 'Bench-Pa55word!', ['-c', ccache]);
    if (!opts.noService) {
      const r = await realm.run('kvno', ['-c', ccache, service]);
      if (r.code !== 0) throw new Error(`kvno ${service}: ${r.stderr}`);
    }
    const noPlugins = join(realm.dir, 'no-plugins');
    mkdirSync(noPlugins, { recursive: true });
    const conf = join(realm.dir, 'krb5-client.conf');
    writeFileSync(conf, readFileSync(realm.krb5Conf, 'utf8').replace('[libdefaults]\n', `[libdefaults]\n  plugin_base_dir = ${noPlugins}\n`));
    return { realm, ccache, keytab: join(realm.dir, 'http.keytab'), clientConf: conf, missing: [] };
  } catch (e) {
    await realm.stop();
    throw e;
  }
}

async function loadOurs() {
  const b = (p) => import(pathToFileURL(join(process.env.TSKRB5_BENCH_DIST ?? join(root, 'dist'), 'bundle', p)).href);
  const [gssapi, spnego, formats] = await Promise.all([b('gssapi/index.js'), b('spnego/index.js'), b('formats/index.js')]);
  return { ...gssapi, ...spnego, ...formats };
}

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const { ensureGssHarness } = await import(pathToFileURL(join(root, 'test/mit/gss-setup.mjs')).href);
  const h = ensureGssHarness({ log });
  if (!h.ok) return { name, text: `skipped: ${h.reason}`, results: { skipped: h.reason } };
  const br = await benchRealm();
  if (br.missing.length) return { name, text: `skipped: missing ${br.missing.join(', ')} (run test/interop/install.sh)`, results: { skipped: br.missing } };
  const { realm, ccache, keytab, clientConf } = br;
  const harnesses = [];
  try {
    const ours = await loadOurs();
    const base = { ...realm.env, KRB5_CONFIG: clientConf, KRB5RCACHEDIR: join(realm.dir) };
    delete base.KRB5RCACHETYPE;
    const start = async (env) => {
      const m = new GssHarness(h.binary, env);
      harnesses.push(m);
      const ok = await m.call(`setup ${ccache} ${keytab} memory`);
      return { m, ok };
    };
    const { m: mitNone, ok: setupLine } = await start({ ...base, KRB5RCACHETYPE: 'none' });
    const { m: mitDfl } = await start(base);
    const { m: mitHost } = await start({ ...base, KRB5_CONFIG: realm.krb5Conf, KRB5RCACHETYPE: 'none' });
    const [, sname, etype] = setupLine.split(' ');

    // Our side: the same service ticket from the same ccache, the same keytab.
    const cc = ours.decodeCcache(new Uint8Array(readFileSync(ccache.slice('FILE:'.length))));
    const credential = cc.credentials.find((c) => c.server.components[0] !== 'krbtgt' && !c.server.realm.startsWith('X-CACHECONF'));
    const keys = ours.decodeKeytab(new Uint8Array(readFileSync(keytab))).entries;
    const handshake = (replayCache) => () => {
      const ini = new ours.SpnegoInitiator(new ours.Krb5Initiator({ credential }));
      const acc = new ours.SpnegoAcceptor(replayCache === undefined ? { keys } : { keys, replayCache });
      ini.step(acc.accept(ini.token));
      if (!ini.established || !acc.established) throw new Error('our handshake did not complete');
      return ini;
    };
    handshake(false)(); // fails loudly here rather than inside a timing loop

    const rounds = quick ? 3 : 15;
    const ms = quick ? 60 : 120;
    const nTokens = quick ? 200 : 400;
    const tokFile = join(realm.dir, 'tokens.bin');
    const keysOf = ['hsOurs', 'hsMit', 'hsOursDfl', 'hsMitDfl', 'hsMitHost', 'accOurs', 'accMit', 'accOursDfl', 'accMitDfl'];
    const wall = Object.fromEntries(keysOf.map((k) => [k, []]));
    const cpu = Object.fromEntries(keysOf.map((k) => [k, []]));
    const put = (k, t) => {
      wall[k].push(t.wall);
      cpu[k].push(t.cpu);
    };
    // Warm-up: JIT, caches, MIT's first contexts.
    timeFor(handshake(false), quick ? 200 : 600);
    timeFor(handshake(undefined), quick ? 100 : 300);
    await mitNone.times('hs 100');
    await mitDfl.times('hs 100');
    for (let r = 0; r < rounds; r++) {
      log(`  handshake round ${r + 1}/${rounds}`);
      // Full handshakes, replay caches off; then each side's default replay cache.
      put('hsOurs', timeFor(handshake(false), ms));
      put('hsMit', await mitNone.times(`hs ${ms}`));
      put('hsOursDfl', timeFor(handshake(undefined), ms));
      put('hsMitDfl', await mitDfl.times(`hs ${ms}`));
      put('hsMitHost', await mitHost.times(`hs ${ms / 2}`));

      // The acceptor alone on MIT's tokens, replay caches off: the same set, over and over.
      await mitNone.call(`gen ${nTokens}`);
      await mitNone.call(`tokens ${tokFile}`);
      const tokens = readTokens(tokFile);
      let i = 0;
      const acceptOne = () => new ours.SpnegoAcceptor({ keys, replayCache: false }).accept(tokens[i++ % tokens.length]);
      put('accOurs', timeFor(acceptOne, ms));
      put('accMit', await mitNone.times(`accept ${Math.max(1, Math.round((ms * 1000) / 120 / nTokens))}`));

      // The acceptor alone with each side's default replay cache: fresh tokens, each accepted once.
      await mitDfl.call(`gen ${nTokens}`);
      await mitDfl.call(`tokens ${tokFile}`);
      const fresh = readTokens(tokFile);
      let j = 0;
      put(
        'accOursDfl',
        timeFor(() => new ours.SpnegoAcceptor({ keys }).accept(fresh[j++]), 0, fresh.length),
      );
      put('accMitDfl', await mitDfl.times('accept 1'));
    }
    const m = Object.fromEntries(keysOf.map((k) => [k, median(wall[k])]));
    const c = Object.fromEntries(keysOf.map((k) => [k, median(cpu[k])]));
    const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
    const mark = (a, b) => `${ratio(a, b)} ${a <= b ? '✓' : '✗'} ≤1`;
    const row = (what, a, b, target) => [what, fmtTime(m[a]), fmtTime(m[b]), target ? mark(m[a], m[b]) : ratio(m[a], m[b]), fmtTime(c[a]), fmtTime(c[b]), ratio(c[a], c[b])];
    const rows = [
      row('full handshake, replay caches off', 'hsOurs', 'hsMit', true),
      row('full handshake, default replay caches', 'hsOursDfl', 'hsMitDfl'),
      row('acceptor alone, replay caches off', 'accOurs', 'accMit', true),
      row('acceptor alone, default replay caches', 'accOursDfl', 'accMitDfl'),
      row("full handshake, MIT with the host's plugins", 'hsOurs', 'hsMitHost'),
    ];
    const text = [
      `SPNEGO, ticket for ${sname}, session key etype ${etype}; median time per handshake / accept; ratio = ours/MIT (lower is better)`,
      table(['what (one process each)', 'tskrb5', 'MIT', 'ours/MIT', 'tskrb5 CPU', 'MIT CPU', 'CPU ratio'], rows),
      `(medians of ${rounds} interleaved rounds of ~${ms} ms a side; MIT = libgssapi_krb5 with a MEMORY ccache and keytab, its own timing loop;`,
      ` CPU = the process's CPU time per operation, all threads (less disturbed by other load). Acceptor rows: MIT's initiator's tokens,`,
      ` ${nTokens} per round, the same bytes to both; default replay caches: MIT's file rcache, ours the in-memory default, each token once.)`,
    ].join('\n');
    return {
      name,
      text,
      results: {
        ...m,
        cpu: c,
        ratioHs: m.hsOurs / m.hsMit,
        ratioAccept: m.accOurs / m.accMit,
        ratioHsDfl: m.hsOursDfl / m.hsMitDfl,
        ratioAcceptDfl: m.accOursDfl / m.accMitDfl,
        etype: Number(etype),
        rounds,
      },
    };
  } finally {
    for (const x of harnesses) await x.close().catch(() => {});
    await realm.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  console.log(r.text);
}
