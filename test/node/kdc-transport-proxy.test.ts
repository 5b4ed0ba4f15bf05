/**
 * KDC proxy (MS-KKDCP) against Debian's python3-kdcproxy (test/interop/kdcproxy.mjs) in front
 * of a real MIT krb5kdc. First MIT's own kinit goes through the proxy (krb5.conf
 * `kdc = https://localhost:PORT/KdcProxy` + `http_anchors`), which proves the proxy set-up
 * without any of our code; then our proxy transport and our Node transport (reading the same
 * krb5.conf) get real replies through it. Fails in CI (CI=true) when a peer is missing; skips
 * visibly elsewhere.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startKdcProxy, kdcproxyMissing } from '../interop/kdcproxy.mjs';
import { TransportError } from '../../src/errors.js';
import { createKdcProxyTransport } from '../../src/client/index.js';
import { parseKrb5Conf } from '../../src/formats/index.js';
import { ASReq, decodeKerberosMessage, type KDCRep, type KRBError } from '../../src/messages/index.js';
import { createKdcTransport, type KdcTraceEvent } from '../../src/node/index.js';
import { nodeFetch } from '../../src/node/kdc-transport/index.js';
import { deadPort } from './kdc-fakes.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist']), ...kdcproxyMissing()];

function asReq(realm: string, user: string): Uint8Array {
  return ASReq.encode({
    pvno: 5,
    msgType: 10,
    reqBody: {
      kdcOptions: 0,
      cname: { nameType: 1, nameString: [user] },
      realm,
      sname: { nameType: 2, nameString: ['krbtgt', realm] },
      till: new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000),
      nonce: randomInt(1, 2 ** 31 - 1),
      etype: [18, 17],
    },
  });
}

describe.skipIf(!IN_CI && missing.length > 0)('KDC proxy: python3-kdcproxy in front of MIT krb5kdc', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any, proxy: any;
  let proxyConf: string;

  beforeAll(async () => {
    if (missing.length) throw new Error(`peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: 'alice-Pa55word' });
    await realm.addPrincipal('bob', { password: 'bob-Pa55word', requiresPreauth: false });
    proxy = await startKdcProxy({ realm });
    proxyConf = join(realm.dir, 'krb5-proxy.conf');
    writeFileSync(
      proxyConf,
      `[libdefaults]\n default_realm = ${realm.realm}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n\n` +
        `[realms]\n ${realm.realm} = {\n  kdc = https://localhost:${proxy.port}/KdcProxy\n  http_anchors = FILE:${proxy.cert}\n }\n`,
    );
  });
  afterAll(async () => {
    await proxy?.stop();
    await realm?.stop();
  });

  it('MIT kinit, configured with only the https:// kdc, gets a TGT through the proxy', async () => {
    const tracePath = join(realm.dir, 'kinit-proxy.trace');
    const env = { KRB5_CONFIG: proxyConf, KRB5CCNAME: `FILE:${realm.dir}/proxy-ccache`, KRB5_TRACE: tracePath };
    const r = await realm.kinit('alice', 'alice-Pa55word', [], { env });
    expect(r.code, r.stderr).toBe(0);
    // MIT's own trace: the exchange went over HTTPS to the proxy (the only kdc configured).
    expect(readFileSync(tracePath, 'utf8')).toContain(`Sending HTTPS request to https 127.0.0.1:${proxy.port}`);
    const k = await realm.run('klist', [], { env });
    expect(k.stdout).toContain(`krbtgt/${realm.realm}@${realm.realm}`);
  });

  it('createKdcProxyTransport: KDC_ERR_PREAUTH_REQUIRED for alice and an AS-REP for bob, from the MIT KDC', async () => {
    const t = createKdcProxyTransport({ url: proxy.url, fetch: nodeFetch({ ca: [proxy.certPem] }) });
    const e = decodeKerberosMessage(await t.send(realm.realm, asReq(realm.realm, 'alice')));
    expect(e.type).toBe('KRB-ERROR');
    expect((e.value as KRBError).errorCode).toBe(25);
    expect((e.value as KRBError).cname?.nameString).toEqual(['alice']);
    const a = decodeKerberosMessage(await t.send(realm.realm, asReq(realm.realm, 'bob')));
    expect(a.type).toBe('AS-REP');
    expect((a.value as KDCRep).cname.nameString).toEqual(['bob']);
  });

  it('createKdcTransport from the same krb5.conf (http_anchors honoured), after a dead KDC', async () => {
    const dead = await deadPort();
    const text = readFileSync(proxyConf, 'utf8').replace('  kdc = https', `  kdc = 127.0.0.1:${dead}\n  kdc = https`);
    const trace: KdcTraceEvent[] = [];
    const t = createKdcTransport({ profile: parseKrb5Conf(text), trace: (e) => trace.push(e) });
    const m = decodeKerberosMessage(await t.send(realm.realm, asReq(realm.realm, 'bob'), { tcpOnly: true }));
    expect(m.type).toBe('AS-REP');
    expect(trace.map((e) => `${e.target} ${e.outcome}`)).toEqual([`tcp/127.0.0.1:${dead} error`, `${proxy.url} reply`]);
  });

  it('without the anchor the self-signed certificate is refused, and the error says so', async () => {
    const text = readFileSync(proxyConf, 'utf8').replace(/\n\s*http_anchors = .*\n/, '\n');
    const t = createKdcTransport({ profile: parseKrb5Conf(text) });
    const e = await t.send(realm.realm, asReq(realm.realm, 'alice')).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).attempts.map((a) => a.target)).toEqual([proxy.url]);
    expect((e as TransportError).message).toMatch(/SELF_SIGNED|self[- ]signed/i);
  });

  it('a realm the proxy does not serve: its HTTP 503 is reported', async () => {
    const t = createKdcProxyTransport({ url: proxy.url, fetch: nodeFetch({ ca: [proxy.certPem] }) });
    const e = await t.send('OTHER.TEST', asReq('OTHER.TEST', 'alice')).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).message).toContain(`${proxy.url}: HTTP 503`);
  });
});
