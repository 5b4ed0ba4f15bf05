/**
 * `kinit()` and `getServiceCredential()` (src/node/login.ts) over the real network paths to a
 * real MIT krb5kdc 1.20: UDP, forced TCP (udp_preference_limit), the KRB_ERR_RESPONSE_TOO_BIG
 * fallback (the KDC's kdc_max_dgram_reply_size set low), a dead first KDC, the KDC proxy
 * (python3-kdcproxy), a KCM collection (sssd-kcm) — and Wireshark's tshark, capturing on the
 * loopback interface, decodes our AS-REQs and TGS-REQs without a malformed-packet warning.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startKdcProxy, kdcproxyMissing } from '../interop/kdcproxy.mjs';
// @ts-ignore -- plain ESM helper without types
import { startKcm, kcmMissing } from '../interop/kcm.mjs';
import { parseKrb5Conf } from '../../src/formats/index.js';
import { TransportError } from '../../src/errors.js';
import { createKrb5Context, getServiceCredential, kinit, type KdcTraceEvent } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [
  ...missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno']),
  ...(which('tshark') ? [] : ['tshark']),
  ...kdcproxyMissing(),
  ...kcmMissing(),
];

/** A TCP port with nothing listening on it (and no UDP listener either). */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe.skipIf(!IN_CI && missing.length > 0)('kinit() and getServiceCredential() over UDP, TCP, a KDC proxy and KCM, against MIT krb5kdc', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any, small: any, proxy: any, kcm: any;
  const R = 'TSKRB5.TEST';
  const PW = 'Login-Pa55word!';
  let n = 0;

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R });
    // A second realm whose KDC sends no UDP reply above 700 bytes (an AS-REP with a PAC is larger).
    small = await startRealm({ realm: R, extraKdcDefaults: '  kdc_max_dgram_reply_size = 700\n' });
    for (const r of [realm, small]) {
      await r.addPrincipal('alice', { password: PW });
      await r.addPrincipal('HTTP/web.tskrb5.test', { randkey: true });
    }
    proxy = await startKdcProxy({ realm });
    kcm = await startKcm({ dir: join(realm.dir, 'kcm') });
  }, 90_000);
  afterAll(async () => {
    await kcm?.stop();
    await proxy?.stop();
    await small?.stop();
    await realm?.stop();
  });

  /** A context over `conf` (krb5.conf text), tracing every transport attempt. */
  function context(conf: string, env: Record<string, string> = {}) {
    const trace: KdcTraceEvent[] = [];
    const path = join(realm.dir, `krb5-${++n}.conf`);
    writeFileSync(path, conf);
    const ctx = createKrb5Context({
      env: { ...process.env, ...realm.env, KRB5_CONFIG: path, ...env },
      profile: [parseKrb5Conf(conf)],
      transportOptions: { trace: (e) => trace.push(e), timeoutMs: 2000 },
    });
    return { ctx, trace, path, env: { ...realm.env, KRB5_CONFIG: path, ...env } };
  }
  const conf = (kdcs: string[], extra = '', r = R) =>
    `[libdefaults]\n default_realm = ${r}\n dns_lookup_kdc = false\n kdc_timesync = 0\n${extra}\n[realms]\n ${r} = {\n${kdcs.map((k) => `  kdc = ${k}\n`).join('')} }\n`;
  const outcomes = (t: KdcTraceEvent[]) => t.map((e) => `${e.target.replace(/:\d+$/, '')} ${e.outcome}`);

  it('UDP by default: an AS exchange with pre-authentication and a TGS exchange; MIT klist and kvno use the result', async () => {
    const { ctx, trace, env } = context(conf([`127.0.0.1:${realm.kdcPort}`]));
    const cc = `FILE:${realm.dir}/udp-cc`;
    const r = await kinit({ principal: 'alice', password: PW, ccache: cc, context: ctx });
    expect(r.principal).toBe(`alice@${R}`);
    const s = await getServiceCredential({ server: `HTTP/web.tskrb5.test@${R}`, ccache: cc, context: ctx });
    expect(s.cached).toBe(false);
    expect(s.kvno).toBe(1);
    // Again: from the cache, no exchange.
    const before = trace.length;
    expect((await getServiceCredential({ server: `HTTP/web.tskrb5.test@${R}`, ccache: cc, context: ctx })).cached).toBe(true);
    expect(trace.length).toBe(before);
    expect(outcomes(trace)).toEqual(['udp/127.0.0.1 reply', 'udp/127.0.0.1 reply', 'udp/127.0.0.1 reply']);
    const l = await realm.run('klist', ['-c', cc], { env });
    expect(l.stdout).toContain(`HTTP/web.tskrb5.test@${R}`);
    expect((await realm.run('kvno', ['-c', cc, `HTTP/web.tskrb5.test@${R}`], { env })).code).toBe(0);
  });

  it('udp_preference_limit = 1 forces TCP for every request', async () => {
    const { ctx, trace } = context(conf([`127.0.0.1:${realm.kdcPort}`], ' udp_preference_limit = 1\n'));
    const cc = `MEMORY:tcp-${n}`;
    await kinit({ principal: 'alice', password: PW, ccache: cc, context: ctx });
    await getServiceCredential({ server: `HTTP/web.tskrb5.test@${R}`, ccache: cc, context: ctx });
    expect(outcomes(trace)).toEqual(['tcp/127.0.0.1 reply', 'tcp/127.0.0.1 reply', 'tcp/127.0.0.1 reply']);
  });

  it('KRB_ERR_RESPONSE_TOO_BIG over UDP: the transport asks again over TCP, and the login succeeds', async () => {
    const { ctx, trace, env } = context(conf([`127.0.0.1:${small.kdcPort}`]));
    const cc = `FILE:${small.dir}/big-cc`;
    await kinit({ principal: 'alice', password: PW, ccache: cc, context: ctx });
    // PREAUTH_REQUIRED fits in a datagram; the AS-REP (with its PAC) does not.
    expect(outcomes(trace)).toEqual(['udp/127.0.0.1 reply', 'udp/127.0.0.1 response-too-big', 'tcp/127.0.0.1 reply']);
    expect((await small.run('klist', ['-c', cc], { env })).stdout).toContain(`krbtgt/${R}@${R}`);
  });

  it('a dead first KDC fails over to the second', async () => {
    const dead = await deadPort();
    const { ctx, trace } = context(conf([`127.0.0.1:${dead}`, `127.0.0.1:${realm.kdcPort}`], ' udp_preference_limit = 1\n'));
    const r = await kinit({ principal: 'alice', password: PW, ccache: `MEMORY:dead-${n}`, context: ctx });
    expect(r.principal).toBe(`alice@${R}`);
    expect(outcomes(trace).slice(0, 3)).toEqual(['tcp/127.0.0.1 error', 'udp/127.0.0.1 error', 'tcp/127.0.0.1 reply']);
  });

  it('an unreachable realm is a TransportError naming each KDC tried', async () => {
    const a = await deadPort();
    const b = await deadPort();
    const { ctx } = context(conf([`127.0.0.1:${a}`, `127.0.0.1:${b}`], ' udp_preference_limit = 1\n'));
    const e = await kinit({ principal: 'alice', password: PW, ccache: `MEMORY:x-${n}`, context: ctx }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
    const targets = (e as TransportError).attempts.map((t) => t.target);
    expect(targets).toContain(`tcp/127.0.0.1:${a}`);
    expect(targets).toContain(`tcp/127.0.0.1:${b}`);
  });

  it('through the KDC proxy (MS-KKDCP, python3-kdcproxy): login and a service ticket; MIT klist reads the cache', async () => {
    const { ctx, trace, env } = context(conf([`https://localhost:${proxy.port}/KdcProxy`]).replace(/ }\n$/, `  http_anchors = FILE:${proxy.cert}\n }\n`));
    const cc = `FILE:${realm.dir}/proxy-cc`;
    await kinit({ principal: 'alice', password: PW, ccache: cc, context: ctx });
    const s = await getServiceCredential({ server: `HTTP/web.tskrb5.test@${R}`, ccache: cc, context: ctx });
    expect(s.kvno).toBe(1);
    expect(trace.map((e) => `${e.target} ${e.outcome}`)).toEqual(Array(3).fill(`${proxy.url} reply`));
    const l = await realm.run('klist', ['-c', cc], { env });
    expect(l.stdout).toContain(`HTTP/web.tskrb5.test@${R}`);
  });

  it('a KCM collection (sssd-kcm): a second principal gets a new cache and becomes the primary, as MIT kinit does; MIT klist -l agrees', async () => {
    const { ctx, env } = context(conf([`127.0.0.1:${realm.kdcPort}`], kcm.libdefaults), { KRB5CCNAME: 'KCM:' });
    await realm.addPrincipal('bob', { password: PW });
    expect((await realm.kinit('alice', PW, [], { env })).code).toBe(0);
    const r = await kinit({ principal: 'bob', password: PW, context: ctx });
    expect(r.store.type).toBe('KCM');
    expect(r.switched).toBe(true);
    const l = await realm.run('klist', ['-l'], { env });
    expect(l.code, l.stderr).toBe(0);
    const rows = l.stdout.split('\n').filter((x: string) => x.includes(`@${R}`));
    expect(rows[0]).toMatch(/^bob@TSKRB5\.TEST\s+KCM:/);
    expect(rows.some((x: string) => /^alice@TSKRB5\.TEST\s+KCM:/.test(x))).toBe(true);
    expect((await realm.run('kvno', [`HTTP/web.tskrb5.test@${R}`], { env })).code).toBe(0);
  });

  it('enctypes from krb5.conf: default_tkt_enctypes within permitted_enctypes; RC4 only with allow_weak_crypto', async () => {
    const one = context(
      conf([`127.0.0.1:${realm.kdcPort}`], ' default_tkt_enctypes = aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96\n permitted_enctypes = aes128-cts-hmac-sha1-96\n'),
    );
    const cc = `FILE:${realm.dir}/etype-cc`;
    const r = await kinit({ principal: 'alice', password: PW, ccache: cc, context: one.ctx });
    expect(r.credential.key.etype).toBe(17);
    expect(r.initial!.reply.encPart.etype).toBe(17);
    expect((await realm.run('klist', ['-e', '-c', cc], { env: one.env })).stdout).toContain('Etype (skey, tkt): aes128-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96');
    await realm.addPrincipal('rc4only', { password: PW, enctypes: ['arcfour-hmac'] });
    const strict = context(conf([`127.0.0.1:${realm.kdcPort}`], ' allow_weak_crypto = false\n'));
    const e = await kinit({ principal: 'rc4only', password: PW, ccache: `MEMORY:rc4-${n}`, context: strict.ctx }).catch((x) => x);
    expect(e.code).toBe('ERR_ETYPE_NOSUPP');
    expect(e.message).toMatch(/RC4-HMAC, 23, needs allowWeakCrypto/);
    const weak = context(conf([`127.0.0.1:${realm.kdcPort}`], ' allow_weak_crypto = true\n'));
    const w = await kinit({ principal: 'rc4only', password: PW, ccache: `FILE:${realm.dir}/rc4-cc`, context: weak.ctx });
    expect(w.initial!.reply.encPart.etype).toBe(23);
    expect((await realm.run('klist', ['-c', `FILE:${realm.dir}/rc4-cc`], { env: weak.env })).stdout).toContain('Default principal: rc4only@');
  });

  it('an expired password is KdcError 23 KDC_ERR_KEY_EXPIRED, saying to change it', async () => {
    await realm.addPrincipal('expired', { password: PW });
    await realm.kadmin('modprinc -pwexpire "2000-01-01 00:00:00" expired');
    const { ctx } = context(conf([`127.0.0.1:${realm.kdcPort}`]));
    const e = await kinit({ principal: 'expired', password: PW, ccache: `MEMORY:exp-${n}`, context: ctx }).catch((x) => x);
    expect(e.errorCode).toBe(23);
    expect(e.errorName).toBe('KDC_ERR_KEY_EXPIRED');
    expect(e.message).toContain('password has expired for expired@TSKRB5.TEST; change it (kpasswd)');
    // MIT's kinit says the same thing (it then prompts for a new password, which it cannot read here).
    const m = await realm.kinit('expired', PW, ['-c', `FILE:${realm.dir}/exp-mit`]);
    expect(m.stdout + m.stderr).toMatch(/Password expired/i);
  });

  it('kdc_timesync: a local clock an hour slow is recorded in the v4 header, as MIT kinit records it; MIT klist reads the cache', async () => {
    const { ctx, env } = context(conf([`127.0.0.1:${realm.kdcPort}`]).replace(' kdc_timesync = 0\n', ' kdc_timesync = 1\n'));
    const slow = createKrb5Context({ profile: ctx.profile, transport: ctx.transport, env: { ...process.env, ...env }, now: () => new Date(Date.now() - 3600_000) });
    const cc = `FILE:${realm.dir}/skew-cc`;
    await kinit({ principal: 'alice', password: PW, ccache: cc, context: slow });
    const { decodeCcache } = await import('../../src/formats/index.js');
    const head = decodeCcache(new Uint8Array(readFileSync(cc.slice(5)))).header;
    const off = head.find((h) => 'kdcOffset' in h) as { kdcOffset: { seconds: number } } | undefined;
    expect(off).toBeDefined();
    expect(Math.abs(off!.kdcOffset.seconds - 3600)).toBeLessThanOrEqual(2);
    expect((await realm.run('klist', ['-c', cc], { env })).code).toBe(0);
    // The service ticket request applies the offset (its authenticator is in the KDC's time).
    const s = await getServiceCredential({ server: `HTTP/web.tskrb5.test@${R}`, ccache: cc, context: slow });
    expect(s.kvno).toBe(1);
  });

  it('tshark, capturing on lo, dissects our AS-REQs and TGS-REQ (UDP and TCP) with no malformed packet', async () => {
    const pcap = join(realm.dir, 'wire.pcap');
    const port = realm.kdcPort;
    const cap = spawn(which('tshark')!, ['-i', 'lo', '-w', pcap, '-f', `port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const t = setTimeout(() => reject(new Error(`tshark did not start: ${log}`)), 15_000);
      cap.stderr!.setEncoding('utf8').on('data', (d: string) => {
        log += d;
        if (log.includes('Capture started') || /Capturing on/.test(log)) {
          clearTimeout(t);
          setTimeout(resolve, 300);
        }
      });
    });
    try {
      for (const extra of ['', ' udp_preference_limit = 1\n']) {
        const { ctx } = context(conf([`127.0.0.1:${port}`], extra));
        const cc = `MEMORY:wire-${n}`;
        await kinit({ principal: 'alice', password: PW, ccache: cc, context: ctx });
        await getServiceCredential({ server: `HTTP/web.tskrb5.test@${R}`, ccache: cc, context: ctx });
      }
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      cap.kill('SIGINT');
      await new Promise((r) => cap.once('exit', r));
    }
    const d = spawnSync(which('tshark')!, ['-r', pcap, '-d', `udp.port==${port},kerberos`, '-d', `tcp.port==${port},kerberos`, '-V'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(d.status, d.stderr).toBe(0);
    const text = d.stdout;
    expect(text).not.toMatch(/Malformed|\[Expert Info \(Error/);
    const count = (re: RegExp) => (text.match(re) ?? []).length;
    // Over UDP and over TCP: two AS-REQs (the second with PA-ENC-TIMESTAMP), one TGS-REQ each.
    expect(count(/msg-type: krb-as-req \(10\)/g)).toBe(4);
    expect(count(/msg-type: krb-tgs-req \(12\)/g)).toBe(2);
    expect(count(/padata-type: pA-ENC-TIMESTAMP \(2\)/g)).toBeGreaterThanOrEqual(2);
    expect(count(/User Datagram Protocol/g)).toBeGreaterThanOrEqual(6);
    expect(count(/Transmission Control Protocol/g)).toBeGreaterThanOrEqual(6);
    expect(readFileSync(pcap).length).toBeGreaterThan(0);
  });
});
