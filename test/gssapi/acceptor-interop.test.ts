/**
 * Our krb5 acceptor (src/gssapi/acceptor.ts) against MIT's initiator through python3-gssapi
 * (test/interop/gss-peer.py), with the service keys of a keytab MIT's kadmin wrote, for every AES
 * enctype of the session key: MIT's AP-REQ is accepted, MIT takes our AP-REP (mutual
 * authentication), then MIC and Wrap tokens go both ways. Refused as MIT's acceptor refuses: a
 * replayed token, a stale keytab, a service not in the keytab, a skewed clock, channel bindings
 * that are not this connection's (and none, when they are required). Delegation: the TGT MIT
 * forwards opens. Without mutual authentication there is no reply and the tokens still flow.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssPeer, gssPeerMissing } from '../interop/gss-peer.mjs';
import { decodeKeytab, type KeytabEntry } from '../../src/formats/index.js';
import { ErrorCode, GssFlags, GssStatus } from '../../src/iana/index.js';
import { GssAcceptError, Krb5Acceptor, ReplayCache, tlsServerEndPointBindings } from '../../src/gssapi/index.js';
import { NegState, SpnegoAcceptor, SpnegoRejectError, decodeSpnegoToken, encodeMechTypeList, encodeNegTokenInit, encodeNegTokenResp } from '../../src/spnego/index.js';
import { Oid } from '../../src/iana/index.js';
import { negotiateHandlerCore } from '../../src/http/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...gssPeerMissing()];
const R = 'TSKRB5.TEST';
const PW = 'Acc-Pa55word!';
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const ETYPES = [
  ['aes256-cts-hmac-sha1-96', 18],
  ['aes128-cts-hmac-sha1-96', 17],
  ['aes256-cts-hmac-sha384-192', 20],
  ['aes128-cts-hmac-sha256-128', 19],
] as const;
const MUTUAL = GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_REPLAY_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG | GssFlags.GSS_C_CONF_FLAG | GssFlags.GSS_C_INTEG_FLAG;

function expectRefused(f: () => unknown, major: number, krb?: number): GssAcceptError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GssAcceptError);
    const g = e as GssAcceptError;
    expect(g.major, g.message).toBe(major);
    if (krb !== undefined) expect(g.krbErrorCode, g.message).toBe(krb);
    return g;
  }
  throw new Error('accepted');
}

describe.skipIf(!IN_CI && missing.length > 0)('Krb5Acceptor against MIT initiators via python-gssapi', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any, peer: any;
  let keys: KeytabEntry[];
  let staleKeys: KeytabEntry[];

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R });
    await realm.addPrincipal('alice', { password: PW });
    const kt = join(realm.dir, 'services.keytab');
    for (const [name] of ETYPES) {
      const svc = `HTTP/${name}.tskrb5.test`;
      await realm.addPrincipal(svc, { randkey: true, enctypes: [name] });
      await realm.kadmin(`setstr ${svc} session_enctypes ${name}`);
      await realm.ktadd(`${svc}@${R}`, kt);
    }
    // a service whose keytab is then made stale by re-keying it
    await realm.addPrincipal('HTTP/stale.tskrb5.test', { randkey: true });
    const staleKt = await realm.ktadd(`HTTP/stale.tskrb5.test@${R}`, join(realm.dir, 'stale.keytab'));
    staleKeys = decodeKeytab(new Uint8Array(readFileSync(staleKt))).entries;
    await realm.kadmin(`cpw -randkey -keepold HTTP/stale.tskrb5.test`);
    await realm.kadmin(`cpw -randkey HTTP/stale.tskrb5.test`);
    keys = decodeKeytab(new Uint8Array(readFileSync(kt))).entries;
    await realm.kinit('alice', PW, ['-f']);
    peer = await startGssPeer({ env: realm.env });
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
    await realm?.stop();
  });

  async function ok(req: Record<string, unknown>) {
    const r = await peer.request(req);
    if (r.error) throw new Error(`gss-peer ${req.op}: ${r.error}`);
    return r;
  }
  const init = async (host: string, o: { flags?: number; cb?: string; mech?: 'krb5' | 'spnego' } = {}) =>
    bytes((await ok({ op: 'init', service: `HTTP@${host}`, mech: o.mech ?? 'krb5', flags: o.flags ?? MUTUAL, ...(o.cb ? { cb: o.cb } : {}) })).token);

  for (const [name, etype] of ETYPES) {
    it(`session key ${name}: MIT's AP-REQ accepted, our AP-REP taken by MIT, then MIC and Wrap both ways`, async () => {
      const token = await init(`${name}.tskrb5.test`);
      const a = new Krb5Acceptor({ keys });
      const reply = a.accept(token);
      expect(reply).toBeInstanceOf(Uint8Array);
      expect(a.established).toBe(true);
      expect(a.client).toMatchObject({ realm: R, components: ['alice'] });
      expect(a.server).toMatchObject({ realm: R, components: ['HTTP', `${name}.tskrb5.test`] });
      expect(a.ticketPart!.key.keytype).toBe(etype);
      expect(a.flags & GssFlags.GSS_C_MUTUAL_FLAG).toBeTruthy();
      const done = await ok({ op: 'init_step', token: b64(reply!) });
      expect(done.complete).toBe(true);

      // MIT → us
      const mic = await ok({ op: 'get_mic', msg: b64(utf8('from MIT')) });
      // in sequence (no gap, nothing out of order), and a replay of it refused
      expect(a.verifyMIC(utf8('from MIT'), bytes(mic.mic)).supplementary).toBe(0);
      expect(() => a.verifyMIC(utf8('from MIT'), bytes(mic.mic))).toThrow(expect.objectContaining({ major: GssStatus.GSS_S_DUPLICATE_TOKEN }));
      for (const conf of [true, false]) {
        const w = await ok({ op: 'wrap', msg: b64(utf8(`sealed ${conf}`)), conf });
        const u = a.unwrap(bytes(w.token));
        expect(text(u.message)).toBe(`sealed ${conf}`);
        expect(u.conf).toBe(conf);
        expect(u.supplementary).toBe(0);
      }
      // us → MIT
      expect(await peer.request({ op: 'verify_mic', msg: b64(utf8('from us')), mic: b64(a.getMIC(utf8('from us'))) })).toEqual({ ok: true });
      for (const conf of [true, false]) {
        const u = await ok({ op: 'unwrap', token: b64(a.wrap(utf8(`ours ${conf}`), conf)) });
        expect(text(bytes(u.msg))).toBe(`ours ${conf}`);
        expect(u.conf).toBe(conf);
      }
      // a MIC of another message is refused on our side
      const mic2 = await ok({ op: 'get_mic', msg: b64(utf8('one')) });
      expect(() => a.verifyMIC(utf8('two'), bytes(mic2.mic))).toThrow();
    });
  }

  for (const [name] of [ETYPES[0], ETYPES[2]]) {
    it(`SPNEGO, session key ${name}: MIT's NegTokenInit accepted, our NegTokenResp taken by MIT, then Wrap both ways`, async () => {
      const token = await init(`${name}.tskrb5.test`, { mech: 'spnego' });
      const a = new SpnegoAcceptor({ keys });
      const reply = a.accept(token)!;
      expect(a.mech).toBe('spnego');
      const resp = decodeSpnegoToken(reply).token;
      expect(resp.type).toBe('negTokenResp');
      if (resp.type === 'negTokenResp') {
        expect(resp.value.negState).toBe(NegState['accept-completed']);
        expect(resp.value.supportedMech).toBe(Oid.KRB5);
      }
      const done = await ok({ op: 'init_step', token: b64(reply) });
      expect(done.complete).toBe(true);
      expect(a.krb5.client).toMatchObject({ realm: R, components: ['alice'] });
      const w = await ok({ op: 'wrap', msg: b64(utf8('over spnego')), conf: true });
      expect(text(a.krb5.unwrap(bytes(w.token)).message)).toBe('over spnego');
      const u = await ok({ op: 'unwrap', token: b64(a.krb5.wrap(utf8('and back'), true)) });
      expect(text(bytes(u.msg))).toBe('and back');
    });
  }

  it("SPNEGO as browsers on Windows send it (Microsoft's krb5 OID first, then RFC 4121's): supportedMech echoes it, MIT takes the AP-REP inside", async () => {
    const ap = await init('aes256-cts-hmac-sha1-96.tskrb5.test');
    const t = encodeNegTokenInit({ mechTypes: [Oid.MS_KRB5, Oid.KRB5], mechToken: ap });
    const a = new SpnegoAcceptor({ keys, replayCache: false });
    const resp = decodeSpnegoToken(a.accept(t)!).token;
    if (resp.type !== 'negTokenResp') throw new Error('expected a NegTokenResp');
    expect(resp.value.negState).toBe(NegState['accept-completed']);
    expect(resp.value.supportedMech).toBe(Oid.MS_KRB5);
    expect((await ok({ op: 'init_step', token: b64(resp.value.responseToken!) })).complete).toBe(true);
  });

  it("negotiateHandler (web-standard Request/Response): MIT's token in, 200 with the AP-REP MIT completes on; no token, 401", async () => {
    const handle = negotiateHandlerCore({ keys, replayCache: false }, (_req, info) => new Response(`hello ${info.principal}`, { headers: { 'content-type': 'text/plain' } }));
    const token = await init('aes128-cts-hmac-sha256-128.tskrb5.test', { mech: 'spnego' });
    const res = (await handle(new Request('http://web.example/', { headers: { authorization: `Negotiate ${b64(token)}` } }))) as Response;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`hello alice@${R}`);
    expect(res.headers.get('content-type')).toBe('text/plain');
    const www = res.headers.get('www-authenticate')!;
    expect(www).toMatch(/^Negotiate /);
    expect((await ok({ op: 'init_step', token: www.slice('Negotiate '.length) })).complete).toBe(true);
    const none = (await handle(new Request('http://web.example/'))) as Response;
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Negotiate');
  });

  it('SPNEGO: a raw krb5 token is accepted raw; Kerberos not first is answered request-mic naming Kerberos (as MIT), not offered a reject token', async () => {
    const raw = await init('aes256-cts-hmac-sha1-96.tskrb5.test');
    const a = new SpnegoAcceptor({ keys, replayCache: false });
    const reply = a.accept(raw)!;
    expect(a.mech).toBe('krb5');
    expect((await ok({ op: 'init_step', token: b64(reply) })).complete).toBe(true);
    // MIT's own NegTokenInit, NTLM put first: Kerberos is chosen, a second leg asked for
    const spnego = decodeSpnegoToken(await init('aes256-cts-hmac-sha1-96.tskrb5.test', { mech: 'spnego' })).token;
    if (spnego.type !== 'negTokenInit') throw new Error('expected a NegTokenInit');
    const second = new SpnegoAcceptor({ keys, replayCache: false });
    const asked = decodeSpnegoToken(second.accept(encodeNegTokenInit({ ...spnego.value, mechTypes: [Oid.NTLMSSP, ...spnego.value.mechTypes] }))!).token;
    expect(asked).toEqual({ type: 'negTokenResp', value: { negState: NegState['request-mic'], supportedMech: Oid.KRB5 } });
    expect([second.continueNeeded, second.established]).toEqual([true, false]);
    // Kerberos not offered at all: refused with a reject token
    for (const mechTypes of [['1.3.6.1.4.1.311.2.2.30']]) {
      const t = encodeNegTokenInit({ ...spnego.value, mechTypes });
      try {
        new SpnegoAcceptor({ keys, replayCache: false }).accept(t);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(SpnegoRejectError);
        const r = decodeSpnegoToken((e as SpnegoRejectError).token).token;
        expect(r.type === 'negTokenResp' && r.value.negState).toBe(NegState.reject);
      }
    }
  });

  it("SPNEGO's second leg (Kerberos listed after NTLM): MIT's AP-REQ and mechListMIC in NegTokenResps; MIT verifies our MIC over the first leg's list; a MIC over another list (a downgrade) is refused", async () => {
    const host = 'aes256-cts-hmac-sha1-96.tskrb5.test';
    const list = [Oid.NTLMSSP, Oid.KRB5];
    const der = encodeMechTypeList(list);
    for (const tamper of [false, true]) {
      const a = new SpnegoAcceptor({ keys, replayCache: false });
      // leg 1: NTLM first, with an NTLM optimistic token (ignored): request-mic naming Kerberos
      const ntlm = new Uint8Array([...utf8('NTLMSSP'), 0, 1, 0, 0, 0, 0x07, 0x82, 0x08, 0xa2]);
      expect(decodeSpnegoToken(a.accept(encodeNegTokenInit({ mechTypes: list, mechToken: ntlm }))!).token).toEqual({
        type: 'negTokenResp',
        value: { negState: NegState['request-mic'], supportedMech: Oid.KRB5 },
      });
      // leg 2: MIT's AP-REQ (mutual): accept-incomplete with our AP-REP and our MIC over the list
      const apReq = await init(host);
      const r2 = decodeSpnegoToken(a.accept(encodeNegTokenResp({ responseToken: apReq }))!).token;
      if (r2.type !== 'negTokenResp') throw new Error('expected a NegTokenResp');
      expect(r2.value.negState).toBe(NegState['accept-incomplete']);
      expect([a.continueNeeded, a.established]).toEqual([true, false]);
      expect((await ok({ op: 'init_step', token: b64(r2.value.responseToken!) })).complete).toBe(true);
      expect(await peer.request({ op: 'verify_mic', msg: b64(der), mic: b64(r2.value.mechListMIC!) })).toEqual({ ok: true });
      // leg 3: MIT's MIC over the list it sent — or, tampered, over the list without NTLM
      const mic = bytes((await ok({ op: 'get_mic', msg: b64(tamper ? encodeMechTypeList([Oid.KRB5]) : der) })).mic);
      const leg3 = encodeNegTokenResp({ mechListMIC: mic });
      if (!tamper) {
        expect(a.accept(leg3)).toBeUndefined();
        expect([a.continueNeeded, a.established]).toEqual([false, true]);
        expect(a.krb5.client).toMatchObject({ realm: R, components: ['alice'] });
      } else {
        expect(() => a.accept(leg3)).toThrow(SpnegoRejectError);
        expect(a.established).toBe(false);
      }
    }
    // without mutual authentication MIT's initiator sends its MIC with the AP-REQ: two legs
    const b = new SpnegoAcceptor({ keys, replayCache: false });
    b.accept(encodeNegTokenInit({ mechTypes: list }));
    const flags = MUTUAL & ~GssFlags.GSS_C_MUTUAL_FLAG;
    const apReq = await init(host, { flags });
    // (MIT's krb5 context is complete at once: its MIC can be made before our reply)
    const mic = bytes((await ok({ op: 'get_mic', msg: b64(der) })).mic);
    const r = decodeSpnegoToken(b.accept(encodeNegTokenResp({ responseToken: apReq, mechListMIC: mic }))!).token;
    if (r.type !== 'negTokenResp') throw new Error('expected a NegTokenResp');
    expect(r.value.negState).toBe(NegState['accept-completed']);
    expect(b.established).toBe(true);
    expect(await peer.request({ op: 'verify_mic', msg: b64(der), mic: b64(r.value.mechListMIC!) })).toEqual({ ok: true });
    // and without its MIC, where RFC 4178 requires one: refused
    const c = new SpnegoAcceptor({ keys, replayCache: false });
    c.accept(encodeNegTokenInit({ mechTypes: list }));
    expect(() => c.accept(encodeNegTokenResp({ responseToken: apReq }))).toThrow(/mechListMIC/);
  });

  it('a replayed AP-REQ is refused (KRB_AP_ERR_REPEAT), by a second acceptor sharing the cache', async () => {
    const token = await init('aes256-cts-hmac-sha1-96.tskrb5.test');
    const cache = new ReplayCache();
    new Krb5Acceptor({ keys, replayCache: cache }).accept(token);
    expectRefused(() => new Krb5Acceptor({ keys, replayCache: cache }).accept(token), GssStatus.GSS_S_DUPLICATE_TOKEN, ErrorCode.KRB_AP_ERR_REPEAT);
    // without a replay cache the same token passes again (the caller chose so)
    expect(new Krb5Acceptor({ keys, replayCache: false }).accept(token)).toBeInstanceOf(Uint8Array);
  });

  it('a stale keytab, a service not in the keytab, another service than ours, a skewed clock', async () => {
    const stale = await init('stale.tskrb5.test');
    expectRefused(() => new Krb5Acceptor({ keys: staleKeys, replayCache: false }).accept(stale), GssStatus.GSS_S_DEFECTIVE_CREDENTIAL, ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
    expectRefused(() => new Krb5Acceptor({ keys, replayCache: false }).accept(stale), GssStatus.GSS_S_NO_CRED, ErrorCode.KRB_AP_ERR_NOT_US);
    const t = await init('aes256-cts-hmac-sha1-96.tskrb5.test');
    expectRefused(
      () => new Krb5Acceptor({ keys, replayCache: false, service: { components: ['HTTP', 'other.tskrb5.test'] } }).accept(t),
      GssStatus.GSS_S_NO_CRED,
      ErrorCode.KRB_AP_ERR_NOT_US,
    );
    const later = () => new Date(Date.now() + 10 * 60_000);
    const e = expectRefused(() => new Krb5Acceptor({ keys, replayCache: false, now: later }).accept(t), GssStatus.GSS_S_CONTEXT_EXPIRED, ErrorCode.KRB_AP_ERR_SKEW);
    expect(e.message).toMatch(/clock is -60\d s off/);
    // the same token within the skew is fine
    expect(new Krb5Acceptor({ keys, replayCache: false }).accept(t)).toBeInstanceOf(Uint8Array);
  });

  it("a skewed clock: the KRB-ERROR token we send back is read by MIT's initiator (raw krb5 and SPNEGO) as a clock skew", async () => {
    const later = () => new Date(Date.now() + 10 * 60_000);
    for (const mech of ['krb5', 'spnego'] as const) {
      const token = await init('aes256-cts-hmac-sha1-96.tskrb5.test', { mech });
      let err: GssAcceptError | undefined;
      try {
        (mech === 'spnego' ? new SpnegoAcceptor({ keys, replayCache: false, now: later }) : new Krb5Acceptor({ keys, replayCache: false, now: later })).accept(token);
      } catch (e) {
        err = e as GssAcceptError;
      }
      expect(err).toBeInstanceOf(GssAcceptError);
      expect(err!.krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_SKEW);
      expect(err!.token).toBeInstanceOf(Uint8Array);
      const r = await peer.request({ op: 'init_step', token: b64(err!.token!) });
      expect(r.error, mech).toMatch(/[Cc]lock skew too great/);
    }
  });

  it("channel bindings: matched, another connection's refused, none let through unless required", async () => {
    const hash = new Uint8Array(32).fill(7);
    const cb = { applicationData: tlsServerEndPointBindings(hash) };
    const cbHex = Buffer.from(cb.applicationData).toString('hex');
    const host = 'aes128-cts-hmac-sha1-96.tskrb5.test';
    const bound = await init(host, { cb: cbHex });
    const a = new Krb5Acceptor({ keys, channelBindings: cb, requireChannelBindings: true, replayCache: false });
    a.accept(bound);
    expect(a.channelBound).toBe(true);
    const other = { applicationData: tlsServerEndPointBindings(new Uint8Array(32).fill(8)) };
    expectRefused(() => new Krb5Acceptor({ keys, channelBindings: other, replayCache: false }).accept(bound), GssStatus.GSS_S_BAD_BINDINGS);
    const none = await init(host);
    const b = new Krb5Acceptor({ keys, channelBindings: cb, replayCache: false });
    b.accept(none);
    expect(b.channelBound).toBe(false);
    expectRefused(() => new Krb5Acceptor({ keys, channelBindings: cb, requireChannelBindings: true, replayCache: false }).accept(none), GssStatus.GSS_S_BAD_BINDINGS);
  });

  it("delegation: the TGT MIT forwards opens (alice's krbtgt)", async () => {
    const token = await init('aes256-cts-hmac-sha384-192.tskrb5.test', { flags: MUTUAL | GssFlags.GSS_C_DELEG_FLAG });
    const a = new Krb5Acceptor({ keys, replayCache: false });
    a.accept(token);
    expect(a.flags & GssFlags.GSS_C_DELEG_FLAG).toBeTruthy();
    const info = a.delegated!.part.ticketInfo[0]!;
    expect(info.prealm).toBe(R);
    expect(info.pname!.nameString).toEqual(['alice']);
    expect(info.sname!.nameString).toEqual(['krbtgt', R]);
  });

  it('without mutual authentication: no reply, and the tokens still flow both ways', async () => {
    const token = await init('aes256-cts-hmac-sha1-96.tskrb5.test', {
      flags: GssFlags.GSS_C_REPLAY_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG | GssFlags.GSS_C_CONF_FLAG | GssFlags.GSS_C_INTEG_FLAG,
    });
    const a = new Krb5Acceptor({ keys, replayCache: false });
    expect(a.accept(token)).toBeUndefined();
    expect(a.established).toBe(true);
    const w = await ok({ op: 'wrap', msg: b64(utf8('no mutual')), conf: true });
    const got = a.unwrap(bytes(w.token));
    expect(text(got.message)).toBe('no mutual');
    expect(got.supplementary).toBe(0);
    const u = await ok({ op: 'unwrap', token: b64(a.wrap(utf8('back'), true)) });
    expect(text(bytes(u.msg))).toBe('back');
  });

  it('tokens that are not an AP-REQ, and a truncated one', async () => {
    const token = await init('aes256-cts-hmac-sha1-96.tskrb5.test');
    expectRefused(() => new Krb5Acceptor({ keys }).accept(token.subarray(0, token.length - 5)), GssStatus.GSS_S_DEFECTIVE_TOKEN);
    expectRefused(() => new Krb5Acceptor({ keys }).accept(utf8('garbage')), GssStatus.GSS_S_DEFECTIVE_TOKEN);
    const a = new Krb5Acceptor({ keys, replayCache: false });
    const reply = a.accept(token)!;
    // our own AP-REP is not an initial token
    expectRefused(() => new Krb5Acceptor({ keys }).accept(reply), GssStatus.GSS_S_DEFECTIVE_TOKEN);
  });
});
