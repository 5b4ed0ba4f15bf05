// MS-PAC benchmark: a PAC decoded and verified by tskrb5 (verifyPac: the server checksum with the
// service key, the KDC checksum when the krbtgt key is given, CLIENT_INFO against the ticket's
// client and authtime, then every buffer decoded — LOGON_INFO's groups included) beside MIT's
// krb5_pac_parse + krb5_pac_verify (+ krb5_pac_free) on the same bytes and keys, in the same run
// (test/mit/krb5harness `pacbench`, its own timing loop). MIT does not decode the buffers (it
// has no LOGON_INFO decoder): its figure is the floor of parse + checksums + name check.
//
// PACs: the one a Samba 4.17 AD DC put in alice's ticket (LOGON_INFO with groups, UPN_DNS_INFO,
// server, KDC, ticket and full checksums; AES256) and one of MIT krb5kdc 1.20 (CLIENT_INFO and
// checksums; AES256): fixtures/pac/samba-kdc.json and mit-kdc.json.
//
//   node bench/pac.mjs [--quick]      (after the build; npm run bench runs it via run.mjs)

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compare, fmtTime, Mit, table } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const name = 'pac';

const fixture = (n) => JSON.parse(readFileSync(join(root, 'fixtures', 'pac', n), 'utf8'));
const bytes = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b) => Buffer.from(b).toString('hex');

export async function run({ quick = false, log = () => {} } = {}) {
  const dist = process.env.TSKRB5_BENCH_DIST ?? join(root, 'dist');
  const ap = await import(pathToFileURL(join(dist, 'ap', 'index.js')).href);
  const messages = await import(pathToFileURL(join(dist, 'messages', 'index.js')).href);
  const { ensureHarness } = await import(pathToFileURL(join(root, 'test', 'mit', 'setup.mjs')).href);
  const h = ensureHarness({ log });
  if (!h.ok) throw new Error(`the MIT harness is needed: ${h.reason}`);
  const mit = new Mit(h.binary);

  const samba = fixture('samba-kdc.json');
  const mitKdc = fixture('mit-kdc.json');
  const s = samba.tickets.find((t) => t.user === 'alice');
  const m = mitKdc.tickets.find((t) => t.serviceKey.etype === 18);
  const cases = [
    { what: `Samba AD DC PAC (${s.pacHex.length / 2} B, groups), server key`, t: s, kdc: undefined },
    { what: `Samba AD DC PAC (${s.pacHex.length / 2} B, groups), server + KDC keys`, t: s, kdc: samba.krbtgtKeys.find((k) => k.etype === 18) },
    { what: `MIT krb5kdc PAC (${m.pacHex.length / 2} B), server + KDC keys`, t: m, kdc: mitKdc.krbtgtKeys.find((k) => k.etype === 18) },
  ];
  const rows = [];
  const results = {};
  for (const c of cases) {
    const pac = bytes(c.t.pacHex);
    const client = messages.parsePrincipal(c.t.client);
    const opts = { serverKey: { etype: c.t.serviceKey.etype, value: bytes(c.t.serviceKey.keyHex) }, client, authtime: c.t.authtime };
    if (c.kdc) opts.kdcKey = { etype: c.kdc.etype, value: bytes(c.kdc.keyHex) };
    ap.verifyPac(pac, opts); // it verifies, before it is timed
    const line = `pacbench ${hex(pac)} ${c.t.authtime} ${hex(Buffer.from(c.t.client))} ${c.t.serviceKey.etype} ${c.t.serviceKey.keyHex} ${c.kdc?.etype ?? 0} ${c.kdc?.keyHex ?? '-'} ${quick ? 40 : 120}`;
    const r = await compare(
      {
        ours: { fn: () => ap.verifyPac(pac, opts) },
        'ours, decode only': { fn: () => messages.decodePac(pac) },
        mit: {
          external: async () => {
            const out = [];
            for (let i = 0; i < 2; i++) {
              const a = await mit.call(line);
              const mm = /^(\d+) ([\d.]+)$/.exec(a);
              if (!mm) throw new Error(`krb5harness: ${a}`);
              out.push(Number(mm[2]));
            }
            return out;
          },
        },
      },
      { rounds: quick ? 2 : 5 },
    );
    rows.push([c.what, fmtTime(r.ours), fmtTime(r.mit), (r.ours / r.mit).toFixed(2), fmtTime(r['ours, decode only'])]);
    results[c.what] = { oursNs: r.ours, mitNs: r.mit, ratio: r.ours / r.mit, oursDecodeOnlyNs: r['ours, decode only'] };
  }
  await mit.close();
  const text = [
    table(['PAC decode + verify (median per operation)', 'tskrb5 verifyPac', 'MIT parse+verify', 'ratio', 'tskrb5 decodePac alone'], rows),
    '',
    'tskrb5: verifyPac = checksums (HMAC-SHA1-96-AES256), CLIENT_INFO check, then every buffer decoded (NDR LOGON_INFO with its SIDs).',
    'MIT: krb5_pac_parse + krb5_pac_verify + krb5_pac_free (libkrb5 1.20), in C, in its own loop; it decodes no buffer. ratio = tskrb5 / MIT (below 1: tskrb5 faster).',
  ].join('\n');
  return { text, results };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(`${s}\n`) });
  console.log(r.text);
}
