/**
 * The embedded KDC judged by independent peers other than MIT's command-line tools:
 * Heimdal 7.8's kinit, klist and kgetcred; python-gssapi (MIT's libgssapi) as initiator and
 * acceptor with tickets from our KDC; curl --negotiate to Apache mod_auth_gssapi holding a keytab
 * our KDC exported (delegation: Apache stores the forwarded TGT); tshark capturing MIT kinit and
 * kvno against our KDC on lo (UDP and TCP) with nothing malformed; MIT kinit retrying over TCP
 * after our KRB_ERR_RESPONSE_TOO_BIG. Under CI=true a missing peer is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { heimdal, heimdalBin } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startApache, apacheMissing } from '../interop/apache.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssPeer, gssPeerMissing } from '../interop/gss-peer.mjs';
import { findPac, verifyPac } from '../../src/ap/index.js';
import { decrypt } from '../../src/crypto/index.js';
import { decodeCcache } from '../../src/formats/index.js';
import { KeyUsage } from '../../src/iana/index.js';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';
import { EncTicketPart, Ticket } from '../../src/messages/index.js';

const IN_CI = process.env.CI === 'true';
const REALM = 'PEERS.TSKRB5.TEST';
const missing: string[] = [
  ...missingPeers(['kinit', 'klist', 'kvno']),
  ...(heimdalBin('kinit') ? [] : ['heimdal kinit']),
  ...(heimdalBin('kgetcred') ? [] : ['heimdal kgetcred']),
  ...apacheMissing(),
  ...gssPeerMissing(),
  ...(which('curl') ? [] : ['curl']),
  ...(which('tshark') ? [] : ['tshark']),
];
const skip = !IN_CI && missing.length > 0;

describe.skipIf(skip)(`independent peers against the embedded KDC${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let kdc: RunningKdc;
  let dir: string;
  const env = (cc: string, extra: Record<string, string> = {}) => ({ ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${join(dir, cc)}`, ...extra });
  const mitKinit = (args: string[], cc: string, input = 'alice-Pa55\n', extra: Record<string, string> = {}) => runCmd('kinit', args, { env: env(cc, extra), input });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-peers-'));
    chmodSync(dir, 0o755);
    kdc = await startKdc({
      realm: REALM,
      principals: [
        { name: 'alice', password: 'alice-Pa55', groups: ['web-users'] },
        { name: 'HTTP/localhost', okAsDelegate: true },
        { name: 'host/gss.peers.test' },
        { name: 'HTTP/front', okToAuthAsDelegate: true },
      ],
    });
    chmodSync(kdc.dir, 0o755);
  });
  afterAll(async () => {
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Heimdal kinit (password, pre-authentication) and kgetcred; Heimdal klist lists both tickets', async () => {
    const cc = `FILE:${join(dir, 'heimdal.cc')}`;
    const k = await heimdal('kinit', ['--password-file=STDIN', '--forwardable', `alice@${REALM}`], { env: { ...process.env, ...kdc.env, KRB5CCNAME: cc }, input: 'alice-Pa55\n' });
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
    const g = await heimdal('kgetcred', [`HTTP/localhost@${REALM}`], { env: { ...process.env, ...kdc.env, KRB5CCNAME: cc } });
    expect(g.stderr).toBe('');
    expect(g.code).toBe(0);
    const l = await heimdal('klist', ['-v'], { env: { ...process.env, ...kdc.env, KRB5CCNAME: cc } });
    expect(l.code).toBe(0);
    expect(l.stdout).toContain(`Principal: alice@${REALM}`);
    expect(l.stdout).toContain(`krbtgt/${REALM}@${REALM}`);
    expect(l.stdout).toContain(`HTTP/localhost@${REALM}`);
    expect(l.stdout).toMatch(/Ticket flags: .*forwardable/);
    expect(l.stdout).toMatch(/Ticket flags: .*pre-authent, initial/);
  });

  it("Heimdal kgetcred --impersonate (PA-FOR-USER alone, MS-SFU's older form): alice's ticket to the service itself, her PAC in it; an unknown user refused", async () => {
    const kt = join(dir, 'front.keytab');
    kdc.keytab('HTTP/front', kt);
    const henv = { ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${join(dir, 'front.cc')}` };
    const k = await heimdal('kinit', [`--keytab=${kt}`, '--forwardable', `HTTP/front@${REALM}`], { env: henv });
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
    const out = join(dir, 'alice-s4u.cc');
    const g = await heimdal('kgetcred', [`--impersonate=alice@${REALM}`, `--out-cache=FILE:${out}`, `HTTP/front@${REALM}`], { env: henv });
    expect(g.stderr).toBe('');
    expect(g.code).toBe(0);
    const l = await heimdal('klist', ['-v', '-c', `FILE:${out}`], { env: henv });
    expect(l.stdout).toContain(`Principal: alice@${REALM}`);
    expect(l.stdout).toMatch(new RegExp(`Server: HTTP/front@${REALM.replace(/\./g, '\\.')}\nClient: alice@${REALM.replace(/\./g, '\\.')}`));
    expect(l.stdout).toMatch(/Ticket flags: .*forwardable/);
    expect(kdc.logs.at(-1)).toContain(`alice@${REALM} (S4U2Self by HTTP/front@${REALM}, PA-FOR-USER)`);
    // the ticket, opened with the service's key: alice's name and a PAC naming her, signed for the service
    const cred = decodeCcache(new Uint8Array(readFileSync(out))).credentials.find((c) => c.server.components.join('/') === 'HTTP/front')!;
    const key = kdc.db.lookup(['HTTP', 'front'], REALM)!.keys[0]!.key;
    const part = EncTicketPart.decode(decrypt(key, KeyUsage.KDC_REP_TICKET, Ticket.decode(cred.ticket).encPart.cipher));
    expect(part.cname.nameString).toEqual(['alice']);
    const pac = findPac(part.authorizationData);
    expect(pac).toBeDefined();
    // (verifyPac throws unless the server checksum, the client name and the authtime all agree)
    const verified = verifyPac(pac!, { serverKey: key, client: { components: ['alice'], realm: REALM }, authtime: part.authtime });
    expect(verified.buffers.some((b) => b.kind === 'clientInfo')).toBe(true);
    const bad = await heimdal('kgetcred', [`--impersonate=nobody@${REALM}`, `--out-cache=FILE:${join(dir, 'nobody.cc')}`, `HTTP/front@${REALM}`], { env: henv });
    expect(bad.code).not.toBe(0);
    expect(kdc.logs.at(-1)).toMatch(/S4U2SELF: no such user/);
  });

  it('python-gssapi initiator → python-gssapi acceptor (MIT libgssapi both sides), krb5 and SPNEGO, with tickets from our KDC and the keytab it exported', async () => {
    const r = await mitKinit(['alice'], 'gss.cc');
    expect(r.code).toBe(0);
    const kt = join(dir, 'gss.keytab');
    kdc.keytab('host/gss.peers.test', kt);
    for (const mech of ['krb5', 'spnego']) {
      const init = await startGssPeer({ env: env('gss.cc') });
      const acc = await startGssPeer({ env: { ...process.env, ...kdc.env, KRB5_KTNAME: `FILE:${kt}` } });
      try {
        const t1 = await init.request({ op: 'init', service: 'host@gss.peers.test', mech, flags: 2 | 4 | 32 });
        expect(t1.error).toBeUndefined();
        let a = await acc.request({ op: 'accept', token: t1.token });
        expect(a.error).toBeUndefined();
        let i = await init.request({ op: 'init_step', token: a.token });
        while (!i.complete) {
          a = await acc.request({ op: 'accept_step', token: i.token });
          i = await init.request({ op: 'init_step', token: a.token });
        }
        expect(i.error).toBeUndefined();
        const info = await acc.request({ op: 'info' });
        expect(info.complete).toBe(true);
        expect(info.initiator).toBe(`alice@${REALM}`);
        const w = await init.request({ op: 'wrap', msg: Buffer.from('hello').toString('base64'), conf: true });
        const u = await acc.request({ op: 'unwrap', token: w.token });
        expect(Buffer.from(u.msg, 'base64').toString()).toBe('hello');
      } finally {
        await init.stop();
        await acc.stop();
      }
    }
  });

  it('curl --negotiate --delegation always to Apache mod_auth_gssapi with a keytab our KDC exported; Apache stores the forwarded TGT', async () => {
    const r = await mitKinit(['-f', 'alice'], 'curl.cc');
    expect(r.code).toBe(0);
    const realm = {
      realm: REALM,
      dir: kdc.dir,
      krb5Conf: kdc.krb5ConfPath,
      env: { ...process.env, ...kdc.env },
      addPrincipal: async () => {},
      ktadd: async (principal: string, file: string) => {
        kdc.keytab(principal, file);
      },
    };
    const apache = await startApache({ realm });
    try {
      // asynchronously: the KDC runs in this process (a spawnSync would stall it)
      const c = await runCmd('curl', ['-s', '--negotiate', '-u', ':', '--delegation', 'always', apache.httpUrl], { env: env('curl.cc') });
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout, readFileSync(apache.errorLog, 'utf8').slice(-3000)).toContain(`user=alice@${REALM}`);
      const stored = readdirSync(apache.delegDir);
      expect(stored.length).toBeGreaterThan(0);
      const l = await runCmd('klist', ['-f', '-c', `FILE:${join(apache.delegDir, stored[0]!)}`], { env: env('curl.cc') });
      expect(l.stdout).toContain(`krbtgt/${REALM}@${REALM}`);
      expect(l.stdout).toMatch(/Flags: Ff/);
    } finally {
      await apache.stop();
    }
  });

  it('tshark, capturing on lo, dissects our replies to MIT kinit and kvno over UDP and TCP with nothing malformed', async () => {
    const pcap = join(dir, 'wire.pcap');
    const cap = spawn(which('tshark')!, ['-i', 'lo', '-w', pcap, '-f', `port ${kdc.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const t = setTimeout(() => reject(new Error(`tshark did not start: ${log}`)), 15_000);
      cap.stderr!.setEncoding('utf8').on('data', (d: string) => {
        log += d;
        if (/Capturing on/.test(log)) {
          clearTimeout(t);
          setTimeout(resolve, 300);
        }
      });
    });
    const { writeFileSync } = await import('node:fs');
    const tcpConf = join(dir, 'tcp.conf');
    writeFileSync(tcpConf, kdc.krb5Conf.replace('[libdefaults]\n', '[libdefaults]\n  udp_preference_limit = 1\n'));
    try {
      for (const extra of [{}, { KRB5_CONFIG: tcpConf }]) {
        expect((await mitKinit(['alice'], 'wire.cc', 'alice-Pa55\n', extra)).code).toBe(0);
        expect((await runCmd('kvno', [`HTTP/localhost@${REALM}`], { env: env('wire.cc', extra) })).code).toBe(0);
        expect((await mitKinit(['nobody'], 'wire2.cc', 'x\n', extra)).code).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      cap.kill('SIGINT');
      await new Promise((r) => cap.once('exit', r));
    }
    const d = spawnSync(which('tshark')!, ['-r', pcap, '-d', `udp.port==${kdc.port},kerberos`, '-d', `tcp.port==${kdc.port},kerberos`, '-V'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(d.status, d.stderr).toBe(0);
    const text = d.stdout;
    expect(text).not.toMatch(/Malformed|\[Expert Info \(Error/);
    const count = (re: RegExp) => (text.match(re) ?? []).length;
    expect(count(/msg-type: krb-as-rep \(11\)/g)).toBe(2);
    expect(count(/msg-type: krb-tgs-rep \(13\)/g)).toBe(2);
    expect(count(/error-code: eRR-PREAUTH-REQUIRED \(25\)/g)).toBe(2);
    expect(count(/error-code: eRR-C-PRINCIPAL-UNKNOWN \(6\)/g)).toBe(2);
    expect(count(/padata-type: pA-ETYPE-INFO2 \(19\)/g)).toBeGreaterThanOrEqual(4);
    // the TGS-REQs carry a TGT with a PAC, over MIT's udp_preference_limit (1465): TCP at once
    expect(count(/User Datagram Protocol/g)).toBeGreaterThanOrEqual(6);
    expect(count(/Transmission Control Protocol/g)).toBeGreaterThanOrEqual(8);
    expect(readFileSync(pcap).length).toBeGreaterThan(0);
  });

  it('MS-KKDCP: MIT kinit and kvno through our KDC proxy endpoint over HTTPS (kdc = https://…/KdcProxy, http_anchors)', async () => {
    const { makeSelfSignedCert } = await import('../interop/gss-acceptor.mjs');
    const { cert, key } = makeSelfSignedCert(dir, { name: 'kkdcp' });
    const proxied = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: 'alice-Pa55' }, { name: 'HTTP/localhost' }],
      kdcProxy: { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') },
    });
    try {
      expect(proxied.kdcProxyUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/KdcProxy$/);
      const { writeFileSync } = await import('node:fs');
      const conf = join(dir, 'kkdcp.conf');
      writeFileSync(conf, proxied.krb5Conf.replace(/kdc = 127\.0\.0\.1:\d+/, `kdc = ${proxied.kdcProxyUrl}\n    http_anchors = FILE:${cert}`));
      const e = { ...process.env, KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${join(dir, 'kkdcp.cc')}`, KRB5_TRACE: join(dir, 'kkdcp.trace') };
      const k = await runCmd('kinit', ['alice'], { env: e, input: 'alice-Pa55\n' });
      expect(k.stderr, `${readFileSync(conf, 'utf8')}\n${readFileSync(join(dir, 'kkdcp.trace'), 'utf8')}`).toBe('');
      expect(k.code).toBe(0);
      const v = await runCmd('kvno', [`HTTP/localhost@${REALM}`], { env: e });
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
      expect(proxied.logs.filter((l) => / kkdcp AS_REQ .*ISSUE/.test(l))).toHaveLength(1);
      expect(proxied.logs.some((l) => / kkdcp TGS_REQ .*ISSUE/.test(l))).toBe(true);
      expect(proxied.logs.some((l) => / (udp|tcp) /.test(l))).toBe(false);
      // garbage: 400; another method: 405; another path: 404; the endpoint still serves after it
      const https = await import('node:https');
      const call = (method: string, path: string, body: Uint8Array) =>
        new Promise<number>((resolve, reject) => {
          const u = new URL(proxied.kdcProxyUrl!);
          const r = https.request({ host: u.hostname, port: u.port, path, method, ca: readFileSync(cert) }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          });
          r.on('error', reject);
          r.end(body);
        });
      expect(await call('POST', '/KdcProxy', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00))).toBe(400);
      expect(await call('POST', '/KdcProxy', new Uint8Array(200).fill(0x41))).toBe(400);
      expect(await call('GET', '/KdcProxy', new Uint8Array(0))).toBe(405);
      expect(await call('POST', '/other', new Uint8Array(0))).toBe(404);
      expect((await runCmd('kvno', [`HTTP/localhost@${REALM}`], { env: e })).code).toBe(0);
    } finally {
      await proxied.stop();
    }
  });

  it('a reply too big for UDP is KRB_ERR_RESPONSE_TOO_BIG; MIT kinit retries over TCP and succeeds', async () => {
    const small = await startKdc({ realm: REALM, principals: [{ name: 'alice', password: 'alice-Pa55' }], maxDatagramReply: 300 });
    try {
      const cc = join(dir, 'big.cc');
      const trace = join(dir, 'big.trace');
      const r = await runCmd('kinit', ['alice'], { env: { ...process.env, ...small.env, KRB5CCNAME: `FILE:${cc}`, KRB5_TRACE: trace }, input: 'alice-Pa55\n' });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const t = readFileSync(trace, 'utf8');
      expect(t).toMatch(/Received answer \(\d+ bytes\) from dgram 127\.0\.0\.1:\d+/);
      expect(t).toMatch(/Request or response is too big for UDP; retrying with TCP/);
      expect(t).toMatch(/Received answer \(\d+ bytes\) from stream 127\.0\.0\.1:\d+/);
      expect(small.logs.some((l) => / tcp AS_REQ .*ISSUE/.test(l))).toBe(true);
    } finally {
      await small.stop();
    }
  });
});
