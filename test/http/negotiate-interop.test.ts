/**
 * `createNegotiateFetch` (the Node entry) against real servers: Apache 2.4 with mod_auth_gssapi
 * (HTTP and HTTPS, delegation stored by the server and listed by MIT klist) and a python3-gssapi
 * acceptor (MIT libgssapi_krb5) with raw krb5 and SPNEGO, channel bindings it requires and
 * checks, an endpoint that sends no mutual token, bad servers (garbage, truncated, corrupt and
 * replayed tokens, NTLM only, a second 401, an error without a token), a request body replayed on
 * the authenticated retry; across realms (a Heimdal-realm user to an MIT-realm service), to an
 * aes-sha2-only and an rc4-only service, and the cache choice in a DIR collection whose primary
 * belongs to the other realm.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startApache, apacheMissing } from '../interop/apache.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssAcceptor, gssAcceptorMissing } from '../interop/gss-acceptor.mjs';
// @ts-ignore -- plain ESM helper without types
import { startHeimdalRealm, trustRealms, heimdalMissing } from '../interop/heimdal-realm.mjs';
import { decodeCcache, parseKrb5Conf } from '../../src/formats/index.js';
import { Ticket } from '../../src/messages/index.js';
import { KerberosError, UnsupportedError } from '../../src/errors.js';
import { createKrb5Context, kinit, type Krb5Context } from '../../src/node/index.js';
import { createNegotiateFetch, createNodeFetch, nodeCredentials, type NodeNegotiateOptions } from '../../src/http/node/index.js';
import { GssKrbError } from '../../src/gssapi/index.js';
import { MutualAuthenticationError, createAuthFetch, bearer, type ResponseLike } from '../../src/http/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...apacheMissing(), ...gssAcceptorMissing(), ...heimdalMissing().map((n: string) => `heimdal ${n}`)];
const MIT = 'TSKRB5.TEST';
const HEIM = 'HEIM.TEST';
const PW = 'Fetch-Pa55word!';

describe.skipIf(!IN_CI && missing.length > 0)('negotiateFetch against Apache mod_auth_gssapi and a python-gssapi acceptor', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let mit: any, heim: any, trust: any, apache: any, gss: any, sha2: any, rc4: any;
  let ctx: Krb5Context;
  let ca: string[];
  let n = 0;

  /** A context over the two-realm krb5.conf with this default cache. */
  function contextFor(ccache: string, extra = ''): Krb5Context {
    const text = trust.text.replace('[libdefaults]\n', `[libdefaults]\n${extra}`);
    return createKrb5Context({ env: { ...process.env, ...trust.env, KRB5CCNAME: ccache }, profile: [parseKrb5Conf(text)] });
  }
  const fetchWith = (o: NodeNegotiateOptions = {}) => createNegotiateFetch({ context: ctx, tls: { ca }, ...o });
  const json = async (r: ResponseLike) => JSON.parse(await r.text());

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    mit = await startRealm({ realm: MIT });
    heim = await startHeimdalRealm({ realm: HEIM, mitRealm: mit });
    trust = await trustRealms(mit, heim, { password: 'Trust-Pa55word-both-ways' });
    await mit.addPrincipal('alice', { password: PW });
    await heim.addPrincipal('hal', { password: PW });
    apache = await startApache({ realm: mit });
    gss = await startGssAcceptor({ realm: mit, keytab: apache.keytab, tls: true });
    // Services with one enctype each, behind acceptors of their own.
    await mit.addPrincipal('HTTP/sha2.tskrb5.test', { randkey: true, enctypes: ['aes256-cts-hmac-sha384-192'] });
    await mit.kadmin('setstr HTTP/sha2.tskrb5.test session_enctypes aes256-cts-hmac-sha384-192');
    await mit.ktadd(`HTTP/sha2.tskrb5.test@${MIT}`, join(mit.dir, 'sha2.keytab'));
    sha2 = await startGssAcceptor({ realm: mit, keytab: join(mit.dir, 'sha2.keytab') });
    await mit.addPrincipal('HTTP/rc4.tskrb5.test', { randkey: true, enctypes: ['arcfour-hmac'] });
    await mit.ktadd(`HTTP/rc4.tskrb5.test@${MIT}`, join(mit.dir, 'rc4.keytab'));
    rc4 = await startGssAcceptor({ realm: mit, keytab: join(mit.dir, 'rc4.keytab') });
    ca = [readFileSync(apache.certPem, 'utf8'), readFileSync(gss.certPem, 'utf8')];
    ctx = contextFor(`FILE:${mit.dir}/alice.ccache`);
    await kinit({ principal: `alice@${MIT}`, password: PW, context: ctx });
  }, 120_000);
  afterAll(async () => {
    for (const s of [rc4, sha2, gss, apache]) await s?.stop();
    await heim?.stop();
    await mit?.stop();
  });

  it('Apache over HTTP and HTTPS: authenticated, the AP-REP verified (mutual required)', async () => {
    const f = fetchWith();
    for (const url of [apache.httpUrl, apache.httpsUrl]) {
      const r = await f(url);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain(`user=alice@${MIT}`);
    }
    f.close();
  });

  it('a server that keeps the connection authenticated (GssapiConnectionBound): one handshake, then plain requests on the connection', async () => {
    const nf = createNodeFetch({ ca });
    let tokens = 0;
    const counting = async (u: string, init?: Record<string, unknown>) => {
      if (((init?.headers as [string, string][]) ?? []).some(([k]) => k.toLowerCase() === 'authorization')) tokens++;
      return nf(u, init);
    };
    const f = createNegotiateFetch({ context: ctx, fetch: counting as never });
    for (let i = 0; i < 3; i++) {
      const r = await f(apache.boundUrl);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain(`user=alice@${MIT}`);
    }
    expect(tokens).toBe(1);
    nf.close();
  });

  it('delegation: Apache stores our forwarded TGT, and MIT klist lists it from the server side', async () => {
    const f = fetchWith({ delegate: true });
    const r = await f(apache.httpUrl);
    expect(r.status).toBe(200);
    const body = await r.text();
    const cc = /ccache=(\S+)/.exec(body)?.[1];
    expect(cc, body).toMatch(/^FILE:.*alice@TSKRB5\.TEST/);
    const l = await mit.run('klist', ['-f', '-c', cc!]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`Default principal: alice@${MIT}`);
    expect(l.stdout).toMatch(new RegExp(`krbtgt/${MIT}@${MIT}\\n[^\\n]*Flags: Ff`));
    f.close();
  });

  it('python-gssapi: raw krb5 and SPNEGO tokens, both with the context complete on the server', async () => {
    for (const mech of ['krb5', 'spnego'] as const) {
      const f = fetchWith({ mech });
      const r = await f(`${gss.url}/whoami`);
      expect(r.status).toBe(200);
      const j = await json(r);
      expect(j.user).toBe(`alice@${MIT}`);
      expect(j.token).toBe(mech);
      f.close();
    }
  });

  it('channel bindings over TLS: an endpoint that requires them accepts ours; a wrong one and none are refused', async () => {
    const ok = await fetchWith()(`${gss.url}/cb-required`);
    expect(ok.status).toBe(200);
    expect((await json(ok)).channel_bound).toBe(true);
    // Deliberately wrong: the hash of another certificate.
    const wrong = await fetchWith({ certificateHash: (der) => new Uint8Array(createHash('sha256').update(der).update('x').digest()) })(`${gss.url}/cb-required`);
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).cb).toBe('mismatch');
    const none = await fetchWith({ sendCbt: false })(`${gss.url}/cb-required`);
    expect(none.status).toBe(401);
    expect((await json(none)).cb).toBe('missing');
  });

  it("no mutual token: 'required' throws MutualAuthenticationError, 'optional' and 'disabled' return the 200", async () => {
    const e = await fetchWith()(`${gss.url}/no-mutual`).catch((x) => x);
    expect(e).toBeInstanceOf(MutualAuthenticationError);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.code).toBe('ERR_MUTUAL_AUTH');
    expect(e.response.status).toBe(200);
    for (const m of ['optional', 'disabled'] as const) {
      const r = await fetchWith({ mutualAuthentication: m })(`${gss.url}/no-mutual`);
      expect(r.status).toBe(200);
      expect((await json(r)).user).toBe(`alice@${MIT}`);
    }
  });

  it('bad server tokens (garbage, truncated, corrupt, replayed) are MutualAuthenticationErrors; disabled ignores them', async () => {
    for (const path of ['/bad/garbage', '/bad/truncated', '/bad/corrupt', '/bad/replay', '/bad/replay']) {
      for (const mech of ['spnego', 'krb5'] as const) {
        const r = await fetchWith({ mech })(`${gss.url}${path}`).then(
          (x) => ({ ok: x }),
          (x) => ({ err: x }),
        );
        if (path === '/bad/replay' && 'ok' in r) continue; // the first request on the path gets the real token
        expect('err' in r, `${path} ${mech}`).toBe(true);
        const err = (r as { err: unknown }).err;
        expect(err, `${path} ${mech}`).toBeInstanceOf(MutualAuthenticationError);
        expect((err as Error).message).toMatch(/does not verify/);
      }
      const d = await fetchWith({ mutualAuthentication: 'disabled' })(`${gss.url}${path}`);
      expect(d.status).toBe(200);
    }
  });

  it('an authenticated error without a token is sanitized under required (status kept, body and headers gone); not otherwise', async () => {
    const r = await fetchWith()(`${gss.url}/error-after-auth`);
    expect(r.status).toBe(500);
    expect(await r.text()).toBe('');
    expect(r.headers.get('x-secret-header')).toBeNull();
    expect(r.headers.get('server')).toContain('gss-acceptor');
    const raw = await fetchWith({ sanitizeMutualErrorResponse: false })(`${gss.url}/error-after-auth`);
    expect(raw.status).toBe(500);
    expect(await raw.text()).toContain('internal details');
    const opt = await fetchWith({ mutualAuthentication: 'optional' })(`${gss.url}/error-after-auth`);
    expect(await opt.text()).toContain('internal details');
  });

  it('NTLM only: an UnsupportedError that says so; a 200 that asked for nothing is returned as it is', async () => {
    const e = await fetchWith()(`${gss.url}/ntlm-only`).catch((x) => x);
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.code).toBe('ERR_NTLM');
    expect(e.message).toMatch(/offers only NTLM/);
    const r = await fetchWith()(`${gss.url}/ok-no-token`);
    expect(r.status).toBe(200);
  });

  it('a second 401 ends it: one authenticated retry, then the 401 is returned', async () => {
    const before = (await gss.stats())['/double-401'] ?? 0;
    const r = await fetchWith()(`${gss.url}/double-401`);
    expect(r.status).toBe(401);
    expect((await gss.stats())['/double-401'] - before).toBe(2);
  });

  it('a POST body is sent again on the authenticated retry', async () => {
    const body = JSON.stringify({ hello: 'world', n: ++n });
    const r = await fetchWith()(`${gss.url}/post`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    const j = await json(r);
    expect(j.method).toBe('POST');
    expect(j.body_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    // forcePreemptive: the token goes with the first request; the server sees one request.
    const before = (await gss.stats())['/pre'] ?? 0;
    const p = await fetchWith({ forcePreemptive: true })(`${gss.url}/pre`, { method: 'PUT', body: new TextEncoder().encode(body) });
    expect(p.status).toBe(200);
    expect((await json(p)).body_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect((await gss.stats())['/pre'] - before).toBe(1);
  });

  it('an auth chain: a configured API token first, Negotiate when the server answers 401', async () => {
    const fetch = createNodeFetch({ ca });
    const f = createAuthFetch({ fetch, auth: [bearer('not-a-real-token')] });
    // bearer alone: the server wants Negotiate, so the 401 comes back.
    expect((await f(`${gss.url}/whoami`)).status).toBe(401);
    const chain = createAuthFetch({ fetch, auth: [bearer('not-a-real-token'), negotiateScheme()] });
    const r = await chain(`${gss.url}/chain`);
    expect(r.status).toBe(200);
    expect((await json(r)).user).toBe(`alice@${MIT}`);
    // Unconfigured token: skipped, Negotiate straight away.
    const skip = createAuthFetch({ fetch, auth: [bearer(undefined), negotiateScheme()] });
    expect((await skip(`${gss.url}/chain`)).status).toBe(200);
  });

  function negotiateScheme() {
    const nf = createNegotiateFetch({ context: ctx, tls: { ca } });
    return (input: string, init: unknown, c: { previous: ResponseLike | undefined }) => nf(input, init as never, c.previous?.status === 401 ? c.previous : undefined);
  }

  it('an aes-sha2-only service (aes256-cts-hmac-sha384-192 session key and ticket) and an rc4-only service', async () => {
    const s = await fetchWith({ hostnameOverride: 'sha2.tskrb5.test' })(`${sha2.url}/whoami`);
    expect(s.status).toBe(200);
    expect((await json(s)).user).toBe(`alice@${MIT}`);
    // MIT 1.20 gives an rc4-keyed service an aes256 session key (it assumes every service takes
    // one, without a session_enctypes attribute): the ticket is RC4, and no opt-in is needed here.
    const r = await fetchWith({ hostnameOverride: 'rc4.tskrb5.test' })(`${rc4.url}/whoami`);
    expect(r.status).toBe(200);
    expect((await json(r)).user).toBe(`alice@${MIT}`);
    const cc = decodeCcache(new Uint8Array(readFileSync(`${mit.dir}/alice.ccache`)));
    const byHost = (h: string) => cc.credentials.find((c) => c.server.components[1] === h)!;
    expect(Ticket.decode(byHost('rc4.tskrb5.test').ticket).encPart.etype).toBe(23);
    expect(byHost('rc4.tskrb5.test').key.etype).toBe(18);
    expect(Ticket.decode(byHost('sha2.tskrb5.test').ticket).encPart.etype).toBe(20);
    expect(byHost('sha2.tskrb5.test').key.etype).toBe(20);
  });

  it('cross-realm: a Heimdal-realm user (our kinit at the Heimdal KDC) to Apache in the MIT realm', async () => {
    const hc = contextFor(`FILE:${mit.dir}/hal.ccache`);
    await kinit({ principal: `hal@${HEIM}`, password: PW, context: hc });
    const r = await createNegotiateFetch({ context: hc })(apache.httpUrl);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain(`user=hal@${HEIM}`);
  });

  it("two realms' caches in one DIR collection, the wrong one primary: the cache of the service's realm is used; an explicit principal wins", async () => {
    const dir = join(mit.dir, 'collection');
    mkdirSync(dir, { mode: 0o700 });
    const dc = contextFor(`DIR:${dir}`);
    await kinit({ principal: `alice@${MIT}`, password: PW, context: dc });
    await kinit({ principal: `hal@${HEIM}`, password: PW, context: dc }); // hal's cache is now the primary
    const l = await mit.run('klist', ['-l'], { env: { ...trust.env, KRB5CCNAME: `DIR:${dir}` } });
    expect(l.stdout.split('\n').find((x: string) => x.includes('@'))).toMatch(/^hal@HEIM\.TEST/);
    const r = await createNegotiateFetch({ context: dc })(apache.httpUrl);
    expect(await r.text()).toContain(`user=alice@${MIT}`);
    const p = await createNegotiateFetch({ context: dc, principal: `hal@${HEIM}` })(apache.httpUrl);
    expect(await p.text()).toContain(`user=hal@${HEIM}`);
    // No cache for the named principal: say which, and to run kinit.
    const e = await createNegotiateFetch({ context: dc, principal: `nobody@${MIT}` })(apache.httpUrl).catch((x) => x);
    expect(e.code).toBe('ERR_NO_CREDENTIALS');
    expect(e.message).toContain(`run kinit nobody@${MIT}`);
  });

  it('a 407 from a proxy: Proxy-Authenticate answered with Proxy-Authorization (a relabelling fetch in front of the real acceptor)', async () => {
    const nf = createNodeFetch({ ca });
    // The "proxy": the acceptor's 401/WWW-Authenticate seen as 407/Proxy-Authenticate, and our
    // Proxy-Authorization passed on as Authorization. The GSS exchange is the acceptor's own.
    const proxyFetch = async (u: string, init?: Record<string, unknown>) => {
      const h = (init?.headers as [string, string][]) ?? [];
      const fwd = h.map(([k, v]) => (k.toLowerCase() === 'proxy-authorization' ? ['Authorization', v] : [k, v]) as [string, string]);
      const r = await nf(u, { ...init, headers: fwd });
      const www = r.headers.get('www-authenticate');
      const body = await r.text();
      const status = r.status === 401 ? 407 : r.status;
      return {
        status,
        ok: status === 200,
        headers: { get: (n: string) => (n.toLowerCase() === 'proxy-authenticate' ? www : null) },
        text: async () => body,
        arrayBuffer: async () => new TextEncoder().encode(body).buffer,
      };
    };
    const f = createNegotiateFetch({ context: ctx, fetch: proxyFetch as never, proxyHost: 'localhost', sendCbt: false });
    const r = await f(`${gss.url}/via-proxy`);
    expect(r.status).toBe(200);
    expect((await json(r)).user).toBe(`alice@${MIT}`);
  });

  it('rememberChallenge: after the first 401, later requests to the origin carry the token at once', async () => {
    const f = fetchWith({ rememberChallenge: true });
    const hits = async () => (await gss.stats())['/remember'] ?? 0;
    const h0 = await hits();
    expect((await f(`${gss.url}/remember`)).status).toBe(200);
    expect((await hits()) - h0).toBe(2);
    expect((await f(`${gss.url}/remember`)).status).toBe(200);
    expect((await hits()) - h0).toBe(3);
    f.close();
  });

  it('the logger hears each step, and never a key, a ticket or a password', async () => {
    const lines: string[] = [];
    const logger = { debug: (m: string, x?: unknown) => lines.push(m + JSON.stringify(x ?? {})), warn: (m: string, x?: unknown) => lines.push(m + JSON.stringify(x ?? {})) };
    const pw = createNegotiateFetch({ context: contextFor(`FILE:${mit.dir}/log-${++n}`), principal: `alice@${MIT}`, password: PW, logger, tls: { ca }, delegate: true });
    expect((await pw(`${gss.url}/whoami`)).status).toBe(200);
    const all = lines.join('\n');
    expect(all).toMatch(/service ticket for HTTP\/localhost@TSKRB5\.TEST/);
    expect(all).toMatch(/mutual authentication: the server proved its identity/);
    expect(all).not.toContain(PW);
    const cc = decodeCcache(new Uint8Array(readFileSync(`${mit.dir}/alice.ccache`)));
    for (const c of cc.credentials) {
      expect(all).not.toContain(Buffer.from(c.key.value).toString('hex'));
      expect(all).not.toContain(Buffer.from(c.key.value).toString('base64'));
      expect(all).not.toContain(Buffer.from(c.ticket).toString('base64').slice(0, 40));
    }
  });

  it("clock skew: Apache's KRB-ERROR (inside SPNEGO) is a GssKrbError stating the offset", async () => {
    const base = nodeCredentials({ context: ctx });
    // An authenticator an hour ahead, as a host whose clock runs an hour fast would send.
    const credentials = { getCredentials: async (r: never) => ({ ...(await base.getCredentials(r)), kdcOffsetSec: 3600 }) };
    const e = await createNegotiateFetch({ credentials, tls: { ca } })(apache.httpUrl).catch((x) => x);
    expect(e).toBeInstanceOf(GssKrbError);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.krbError.errorCode).toBe(37);
    expect(e.message).toMatch(/KRB_AP_ERR_SKEW.*server's clock is 3[56]\d\d s behind the time in our authenticator .*KDC offset of 3600 s.*synchronise the clocks/);
  });

  it('password: the principal is logged in into a memory cache; no credentials at all says to run kinit', async () => {
    const empty = contextFor(`FILE:${mit.dir}/nothing-${++n}`);
    const r = await createNegotiateFetch({ context: empty, principal: `alice@${MIT}`, password: PW })(apache.httpUrl);
    expect(await r.text()).toContain(`user=alice@${MIT}`);
    const e = await createNegotiateFetch({ context: empty })(apache.httpUrl).catch((x) => x);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.message).toMatch(/run kinit/);
  });
});
