/**
 * The Node KDC transport against a real MIT krb5kdc (test/interop/realm.mjs): a real AS-REQ over
 * UDP, over TCP, forced TCP, a request above udp_preference_limit, and a dead first KDC then the
 * real one. The KDC's answers must decode: KRB-ERROR KDC_ERR_PREAUTH_REQUIRED for alice (who
 * needs preauth), an AS-REP for bob (who does not), each naming the principal we asked for.
 *
 * Fails in CI (CI=true) when the MIT KDC is missing; skips visibly elsewhere.
 */
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
import { parseKrb5Conf, type Krb5Conf } from '../../src/formats/index.js';
import { ASReq, decodeKerberosMessage, type KRBError, type KDCRep } from '../../src/messages/index.js';
import { createKdcTransport, type KdcTraceEvent } from '../../src/node/index.js';
import { tcpExchange, udpExchange } from '../../src/node/kdc-transport/index.js';
import { deadPort } from './kdc-fakes.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local']);

/** A real AS-REQ: cname `user`, sname krbtgt/REALM, a nonce < 2^31, etypes 18, 17; `padBytes` of an unknown PA-DATA to make it large. */
function asReq(realm: string, user: string, padBytes = 0): { bytes: Uint8Array; nonce: number } {
  const nonce = randomInt(1, 2 ** 31 - 1);
  const bytes = ASReq.encode({
    pvno: 5,
    msgType: 10,
    padata: padBytes ? [{ padataType: 999, padataValue: new Uint8Array(padBytes) }] : undefined,
    reqBody: {
      kdcOptions: 0x40000000, // forwardable
      cname: { nameType: 1, nameString: [user] },
      realm,
      sname: { nameType: 2, nameString: ['krbtgt', realm] },
      till: new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000),
      nonce,
      etype: [18, 17],
    },
  });
  return { bytes, nonce };
}

describe.skipIf(!IN_CI && missing.length > 0)('KDC transport against MIT krb5kdc', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  let profile: Krb5Conf;

  beforeAll(async () => {
    if (missing.length) throw new Error(`MIT KDC missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: 'alice-Pa55word' });
    await realm.addPrincipal('bob', { password: 'bob-Pa55word', requiresPreauth: false });
    // The realm's own krb5.conf, as MIT's tools read it.
    profile = parseKrb5Conf(readFileSync(realm.krb5Conf, 'utf8'));
  });
  afterAll(async () => {
    await realm?.stop();
  });

  function expectPreauthRequired(reply: Uint8Array, user: string) {
    const m = decodeKerberosMessage(reply);
    expect(m.type).toBe('KRB-ERROR');
    const err = m.value as KRBError;
    expect(err.errorCode).toBe(25); // KDC_ERR_PREAUTH_REQUIRED
    expect(err.realm).toBe(realm.realm);
    expect(err.sname.nameString).toEqual(['krbtgt', realm.realm]);
    expect(err.cname?.nameString).toEqual([user]);
    expect(err.eData).toBeDefined();
  }

  it('udpExchange and tcpExchange each get KDC_ERR_PREAUTH_REQUIRED for alice', async () => {
    const o = { timeoutMs: 5000, maxReplyBytes: 1 << 20 };
    expectPreauthRequired(await udpExchange('127.0.0.1', realm.kdcPort, asReq(realm.realm, 'alice').bytes, o), 'alice');
    expectPreauthRequired(await tcpExchange('127.0.0.1', realm.kdcPort, asReq(realm.realm, 'alice').bytes, o), 'alice');
  });

  it("the transport from the realm's krb5.conf: UDP first, an AS-REP for bob (no preauth) naming bob and krbtgt", async () => {
    const trace: KdcTraceEvent[] = [];
    const t = createKdcTransport({ profile, trace: (e) => trace.push(e) });
    const m = decodeKerberosMessage(await t.send(realm.realm, asReq(realm.realm, 'bob').bytes));
    expect(m.type).toBe('AS-REP');
    const rep = m.value as KDCRep;
    expect(rep.cname.nameString).toEqual(['bob']);
    expect(rep.crealm).toBe(realm.realm);
    expect(rep.ticket.sname.nameString).toEqual(['krbtgt', realm.realm]);
    expect(trace.map((e) => `${e.target} ${e.outcome}`)).toEqual([`udp/127.0.0.1:${realm.kdcPort} reply`]);
  });

  it('forced TCP (tcpOnly)', async () => {
    const trace: KdcTraceEvent[] = [];
    const t = createKdcTransport({ profile, trace: (e) => trace.push(e) });
    expectPreauthRequired(await t.send(realm.realm, asReq(realm.realm, 'alice').bytes, { tcpOnly: true }), 'alice');
    expect(trace.map((e) => e.target)).toEqual([`tcp/127.0.0.1:${realm.kdcPort}`]);
  });

  it('a request above udp_preference_limit goes TCP first and the KDC answers it', async () => {
    const trace: KdcTraceEvent[] = [];
    const t = createKdcTransport({ profile, trace: (e) => trace.push(e) });
    const big = asReq(realm.realm, 'alice', 3000).bytes;
    expect(big.length).toBeGreaterThan(1465);
    expectPreauthRequired(await t.send(realm.realm, big), 'alice');
    expect(trace.map((e) => e.target)).toEqual([`tcp/127.0.0.1:${realm.kdcPort}`]);
  });

  it('a dead first KDC, then the real one', async () => {
    const dead = await deadPort();
    const conf = parseKrb5Conf(`[libdefaults]\n dns_lookup_kdc = false\n[realms]\n ${realm.realm} = {\n  kdc = 127.0.0.1:${dead}\n  kdc = 127.0.0.1:${realm.kdcPort}\n }\n`);
    const trace: KdcTraceEvent[] = [];
    const t = createKdcTransport({ profile: conf, trace: (e) => trace.push(e) });
    expectPreauthRequired(await t.send(realm.realm, asReq(realm.realm, 'alice').bytes), 'alice');
    expect(trace.map((e) => `${e.target} ${e.outcome}`)).toEqual([`udp/127.0.0.1:${dead} error`, `tcp/127.0.0.1:${dead} error`, `udp/127.0.0.1:${realm.kdcPort} reply`]);
  });

  it('an unknown realm: MIT\'s "Cannot find KDC for realm", as kinit says it', async () => {
    const t = createKdcTransport({ profile, resolver: { resolveSrv: async () => [], lookup: async () => [] } });
    await expect(t.send('NOWHERE.TEST', asReq('NOWHERE.TEST', 'alice').bytes)).rejects.toThrow('Cannot find KDC for realm "NOWHERE.TEST"');
    // MIT's own wording for the same situation (its krb5.conf here has dns_lookup_kdc = false).
    const r = await realm.run('kinit', ['alice@NOWHERE.TEST'], { input: 'x\n' });
    expect(r.stderr).toContain('Cannot find KDC for realm "NOWHERE.TEST"');
  });
});
