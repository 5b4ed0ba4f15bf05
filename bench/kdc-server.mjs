// The embedded KDC as a server: AS and TGS exchanges per second answered by our KDC
// (tskrb5/kdc, startKdc: one Node process, UDP) beside MIT's krb5kdc 1.20 (one process, UDP) on
// the same machine, driven by the same client: bench/udp-load.c, a C load generator replaying
// prepared requests over raw UDP with many in flight, bounded in time.
//
//   node bench/kdc-server.mjs [--quick]     (after the build; npm run bench runs it via run.mjs)
//
// AS: one AS-REQ of a user without pre-authentication (reply key, ticket and session key
// aes256-cts-hmac-sha1-96), its nonce rewritten for every request (MIT's KDC would answer a
// repeated request from its lookaside cache). TGS: distinct TGS-REQs for HTTP/web.bench.test,
// each a fresh authenticator (with the body checksum) on one TGT from that KDC, prepared before
// each run. Both KDCs put a PAC in their tickets (MIT 1.20's: CLIENT_INFO and checksums; ours: an
// AD-like one), log every exchange, and answer on 127.0.0.1. Several runs, alternating which KDC
// goes first; medians and the ratio ours/MIT.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'kdc-server';

const REALM = 'KDCBENCH.TEST';
const PW = 'Bench-Pa55word!';

function buildLoadgen(dir) {
  const src = join(here, 'udp-load.c');
  const bin = join(dir, 'udp-load');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    const r = spawnSync('gcc', ['-O2', '-o', bin, src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gcc udp-load.c: ${r.error?.message ?? r.stderr}`);
  }
  return bin;
}

function tcpTransport(port) {
  return {
    send(_realm, request) {
      return new Promise((resolve, reject) => {
        const sock = net.connect(port, '127.0.0.1');
        const head = Buffer.alloc(4);
        head.writeUInt32BE(request.length);
        sock.end(Buffer.concat([head, Buffer.from(request)]));
        const chunks = [];
        sock.on('data', (c) => chunks.push(c));
        sock.on('error', reject);
        sock.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve(new Uint8Array(all.subarray(4)));
        });
      });
    },
  };
}

function loadgen(bin, port, file, inflight, seconds) {
  return new Promise((resolve, reject) => {
    // asynchronously: our KDC answers in this process
    const child = spawn(bin, ['127.0.0.1', String(port), file, String(inflight), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`udp-load exited ${code}: ${err}`))));
  });
}

function record(req, nonceOffset) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(req.length, 0);
  head.writeUInt32BE(nonceOffset, 4);
  return Buffer.concat([head, Buffer.from(req)]);
}

export async function run(opts = {}) {
  const quick = !!opts.quick;
  const log = opts.log ?? (() => {});
  const { startRealm, missingPeers } = await import(pathToFileURL(join(root, 'test/interop/realm.mjs')).href);
  const missing = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local']);
  if (spawnSync('gcc', ['--version']).status !== 0) missing.push('gcc');
  if (missing.length) return { name, text: `skipped: missing ${missing.join(', ')}`, results: { skipped: missing } };
  const M = await import(pathToFileURL(join(root, 'dist/messages/index.js')).href);
  const C = await import(pathToFileURL(join(root, 'dist/client/index.js')).href);
  const A = await import(pathToFileURL(join(root, 'dist/ap/index.js')).href);
  const K = await import(pathToFileURL(join(root, 'dist/crypto/index.js')).href);
  const { startKdc } = await import(pathToFileURL(join(root, 'dist/kdc/node/index.js')).href);

  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-bench-'));
  const bin = buildLoadgen(dir);
  const mit = await startRealm({ realm: REALM });
  const ours = await startKdc({
    realm: REALM,
    principals: [
      { name: 'alice', password: PW, requiresPreauth: false },
      { name: 'HTTP/web.bench.test', enctypes: [18, 17] },
    ],
    enctypes: [18, 17],
  });
  try {
    await mit.addPrincipal('alice', { password: PW, requiresPreauth: false, enctypes: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'] });
    await mit.addPrincipal('HTTP/web.bench.test', { randkey: true, requiresPreauth: false, enctypes: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'] });
    const kdcs = [
      { who: 'MIT krb5kdc', port: mit.kdcPort },
      { who: 'ours', port: ours.port },
    ];
    const client = { nameType: 1, nameString: ['alice'] };
    const krbtgt = { nameType: 2, nameString: ['krbtgt', REALM] };
    const service = { nameType: 3, nameString: ['HTTP', 'web.bench.test'] };

    // AS: one request, its nonce at a known place (0x7a7a7a7a), rewritten by udp-load
    const asReq = M.ASReq.encode({
      pvno: 5,
      msgType: 10,
      padata: [{ padataType: 128, padataValue: M.PAPacRequest.encode({ includePac: true }) }],
      reqBody: { kdcOptions: 0x40000010, cname: client, realm: REALM, sname: krbtgt, till: new Date(Date.now() + 86400e3), nonce: 0x7a7a7a7a, etype: [18, 17] },
    });
    const marker = Buffer.from([0x02, 0x04, 0x7a, 0x7a, 0x7a, 0x7a]);
    const at = Buffer.from(asReq).indexOf(marker);
    if (at < 0) throw new Error('nonce not found in the AS-REQ');
    const asFile = join(dir, 'as.req');
    writeFileSync(asFile, record(asReq, at + 2));

    // TGS: a TGT from each KDC (our client, over TCP), then distinct TGS-REQs on it
    const tgts = new Map();
    for (const k of kdcs) {
      const r = await C.getInitialCredentials({ transport: tcpTransport(k.port), client: `alice@${REALM}`, password: PW, options: { etypes: [18] } });
      tgts.set(k.port, { ticket: r.reply.ticket, key: { etype: r.encPart.key.keytype, value: r.encPart.key.keyvalue } });
    }
    let seq = 0;
    const tgsFile = (port, count) => {
      const { ticket, key } = tgts.get(port);
      const parts = [];
      const base = Date.now();
      for (let i = 0; i < count; i++) {
        seq++;
        const body = { kdcOptions: 0x40810000 & ~0x00800000, realm: REALM, sname: service, till: new Date(base + 86400e3), nonce: (0x01000000 + seq) >>> 0, etype: [18] };
        const cksum = { cksumtype: 16, checksum: K.checksum(key, 6, M.KDCReqBody.encode(body)) };
        const ap = A.buildApReq({
          ticket,
          sessionKey: key,
          client: { nameType: 1, components: ['alice'], realm: REALM },
          ctime: new Date(Math.floor(base / 1000) * 1000),
          cusec: seq % 1000000,
          cksum,
          usage: 7,
        });
        const req = M.TGSReq.encode({ pvno: 5, msgType: 12, padata: [{ padataType: 1, padataValue: M.APReq.encode(ap) }], reqBody: body });
        parts.push(record(req, 0xffffffff));
      }
      const f = join(dir, `tgs-${port}.req`);
      writeFileSync(f, Buffer.concat(parts));
      return f;
    };

    if (process.env.KDC_BENCH_DEBUG) {
      for (const k of kdcs) {
        const f = tgsFile(k.port, 1);
        const req = (await import('node:fs')).readFileSync(f).subarray(8);
        const rep = await tcpTransport(k.port).send(REALM, new Uint8Array(req));
        const m = M.decodeKerberosMessage(rep);
        log(`  debug ${k.who}: ${m.type} ${m.type === 'KRB-ERROR' ? `${m.value.errorCode} ${m.value.eText ?? ''}` : ''}`);
      }
    }
    const trials = quick ? 2 : 5;
    const seconds = quick ? 1 : 2;
    const inflight = 64;
    const tgsCount = quick ? 15000 : 60000;
    const res = { as: { 'MIT krb5kdc': [], ours: [] }, tgs: { 'MIT krb5kdc': [], ours: [] } };
    const notes = [];
    // warm-up (JIT, caches) for both
    for (const k of kdcs) {
      await loadgen(bin, k.port, asFile, inflight, 0.5);
      await loadgen(bin, k.port, tgsFile(k.port, 2000), inflight, 0.5);
    }
    for (let t = 0; t < trials; t++) {
      const order = t % 2 === 0 ? kdcs : [...kdcs].reverse();
      for (const k of order) {
        const a = await loadgen(bin, k.port, asFile, inflight, seconds);
        res.as[k.who].push(a.rps);
        if (a.errors || a.lost) notes.push(`${k.who} AS trial ${t + 1}: ${a.errors} errors, ${a.lost} lost`);
        const g = await loadgen(bin, k.port, tgsFile(k.port, tgsCount), inflight, seconds);
        res.tgs[k.who].push(g.rps);
        if (g.errors || g.lost) notes.push(`${k.who} TGS trial ${t + 1}: ${g.errors} errors, ${g.lost} lost`);
        log(`  kdc-server trial ${t + 1}/${trials} ${k.who}: AS ${a.rps.toFixed(0)}/s, TGS ${g.rps.toFixed(0)}/s${g.exhausted ? ' (all prepared TGS-REQs answered)' : ''}`);
      }
    }
    const med = (xs) => median(xs);
    const rows = ['as', 'tgs'].map((x) => {
      const m = med(res[x]['MIT krb5kdc']);
      const o = med(res[x].ours);
      return [x.toUpperCase(), `${m.toFixed(0)}/s`, `${o.toFixed(0)}/s`, `${(o / m).toFixed(2)}x`];
    });
    const text = [
      `UDP on 127.0.0.1, ${inflight} requests in flight, ${seconds} s per run, ${trials} runs each (median), bench/udp-load.c for both`,
      table(['exchange', 'MIT krb5kdc 1.20', 'ours (tskrb5/kdc)', 'ours / MIT'], rows),
      ...(notes.length ? ['', ...notes] : []),
    ].join('\n');
    return {
      name,
      text,
      results: {
        inflight,
        seconds,
        trials,
        as: { mit: med(res.as['MIT krb5kdc']), ours: med(res.as.ours), runs: res.as },
        tgs: { mit: med(res.tgs['MIT krb5kdc']), ours: med(res.tgs.ours), runs: res.tgs },
        notes,
      },
    };
  } finally {
    await ours.stop();
    await mit.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(`${s}\n`) });
  console.log(r.text);
}
