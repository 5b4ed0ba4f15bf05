/**
 * Redirects across real Negotiate servers, in one MIT realm: Apache with mod_auth_gssapi
 * (`HTTP/localhost`, mod_rewrite redirecting *after* authentication) and the python3-gssapi
 * acceptor at `127.0.0.1` whose keytab holds only `HTTP/127.0.0.1` — so it accepts a token for
 * that principal and no other — plus a plain node:http redirector reachable as two origins
 * (`localhost` and `127.0.0.1`), recording what each origin received.
 *
 * Answers from the real tools: what the acceptor (MIT's GSS-API) reports it authenticated, the
 * method and body digest it received, Apache's access log (the user it authenticated before its
 * redirect), MIT klist over our cache (the tickets obtained), and curl --negotiate
 * --location-trusted (`-L`: the same flow by curl, its answer compared with ours).
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, runCmd, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startApache, apacheMissing } from '../interop/apache.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssAcceptor, gssAcceptorMissing } from '../interop/gss-acceptor.mjs';
import { createKrb5Context, kinit, type Krb5Context } from '../../src/node/index.js';
import { createNegotiateFetch, type NodeNegotiateOptions } from '../../src/http/node/index.js';
import { MutualAuthenticationError } from '../../src/http/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...apacheMissing(), ...gssAcceptorMissing()];
if (!which('curl')) missing.push('curl');
const PW = 'Redirect-Pa55word!';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.skipIf(!IN_CI && missing.length > 0)('redirects between Negotiate servers (Apache mod_auth_gssapi, python-gssapi at another host)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let mit: any, apache: any, gss: any, gssTls: any;
  let ctx: Krb5Context;
  let ccache: string;
  let redirector: Server;
  let rport = 0;
  /** What the redirector received, by the origin it was addressed as (its Host header). */
  const received: { host: string; method: string; path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let gssBase: string, gssTlsBase: string, apacheBase: string;

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    mit = await startRealm({});
    await mit.addPrincipal('alice', { password: PW });
    // The second host: a service principal of its own, the only key the acceptor has.
    await mit.addPrincipal('HTTP/127.0.0.1', { randkey: true });
    const ipKeytab = join(mit.dir, 'ip.keytab');
    await mit.ktadd(`HTTP/127.0.0.1@${mit.realm}`, ipKeytab);
    gss = await startGssAcceptor({ realm: mit, keytab: ipKeytab });
    gssTls = await startGssAcceptor({ realm: mit, keytab: ipKeytab, tls: true });
    gssBase = `http://127.0.0.1:${gss.port}`;
    gssTlsBase = `https://127.0.0.1:${gssTls.port}`;
    // A plain redirector: /go?status=N&to=URL redirects; any other path answers 200. Each request recorded.
    redirector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ host: req.headers.host!, method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
        const u = new URL(req.url!, 'http://x');
        if (u.pathname === '/go') res.writeHead(Number(u.searchParams.get('status')), { location: u.searchParams.get('to')! }).end();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('recorded');
      });
    });
    await new Promise<void>((ok) => redirector.listen(0, '127.0.0.1', ok));
    rport = (redirector.address() as AddressInfo).port;
    // Apache redirects in its fixups, after mod_auth_gssapi has authenticated the request.
    apache = await startApache({
      realm: mit,
      modules: ['rewrite'],
      extraConf: ({ htdocs }: { htdocs: string }) => `<Directory "${htdocs}/auth">
  RewriteEngine On
  RewriteRule ^to-gss-307$ ${gssBase}/post [R=307,L]
  RewriteRule ^to-gss-303$ ${gssBase}/post [R=303,L]
  RewriteRule ^to-no-mutual$ ${gssBase}/no-mutual [R=302,L]
  RewriteRule ^to-corrupt$ ${gssBase}/bad/corrupt [R=302,L]
  RewriteRule ^to-cb$ ${gssTlsBase}/cb-required [R=302,L]
  RewriteRule ^to-recorder$ http://127.0.0.1:${rport}/recorded [R=307,L]
  RewriteRule ^to-whoami$ /auth/whoami [R=302,L]
</Directory>`,
    });
    apacheBase = apache.baseHttp;
    ccache = join(mit.dir, 'alice.ccache');
    ctx = createKrb5Context({ env: { ...process.env, ...mit.env, KRB5CCNAME: `FILE:${ccache}` } });
    await kinit({ principal: `alice@${mit.realm}`, password: PW, context: ctx });
    await mit.kinit('alice', PW); // curl's cache (the realm's default)
  }, 120_000);
  afterAll(async () => {
    redirector?.close();
    for (const s of [apache, gssTls, gss]) await s?.stop();
    await mit?.stop();
  });

  const fetchWith = (o: NodeNegotiateOptions = {}) => createNegotiateFetch({ context: ctx, ...o });
  const go = (origin: string, status: number, to: string) => `${origin}/go?status=${status}&to=${encodeURIComponent(to)}`;
  const curlL = async (url: string, args: string[] = []) => {
    const r = await mit.run('curl', ['-sS', '-L', '--location-trusted', '--negotiate', '-u', ':', ...args, url]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const accessLog = () => readFileSync(join(apache.conf, '..', 'logs', 'access.log'), 'utf8');
  /** Apache writes its access-log line after the response has gone: wait for it (3 s at most). */
  const loggedAs = async (re: RegExp) => {
    for (let t = Date.now(); !re.test(accessLog()) && Date.now() - t < 3000; ) await new Promise((ok) => setTimeout(ok, 20));
    return accessLog();
  };
  const hits = async (path: string) => (await gss.stats())[path] ?? 0;

  it('Apache authenticates a POST and answers 307 to another host: the body goes there again with a token for HTTP/127.0.0.1, as curl -L --location-trusted sends it', async () => {
    const body = JSON.stringify({ job: 'replayed', n: 307 });
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn: ${m}`) };
    const before = await hits('/post');
    const f = fetchWith({ logger });
    const r = await f(`${apacheBase}/auth/to-gss-307`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(r).toBeInstanceOf(Response);
    expect([r.status, r.redirected, r.url]).toEqual([200, true, `${gssBase}/post`]);
    const j = (await r.json()) as Record<string, unknown>;
    expect(j).toMatchObject({ user: `alice@${mit.realm}`, method: 'POST', body_sha256: sha256(body), body_length: body.length, token: 'spnego' });
    // The acceptor saw a 401 first, then the authenticated POST (no preemptive token for a host a redirect names).
    expect((await hits('/post')) - before).toBe(2);
    // Apache authenticated alice before redirecting; both tokens were verified.
    expect(await loggedAs(new RegExp(`alice@${mit.realm} "POST /auth/to-gss-307 HTTP/1.1" 307`))).toMatch(new RegExp(`alice@${mit.realm} "POST /auth/to-gss-307 HTTP/1.1" 307`));
    expect(lines.join('\n')).toMatch(
      /token for HTTP\/localhost@TSKRB5\.TEST[\s\S]*server of the 307 redirect proved its identity[\s\S]*307 redirect to http:\/\/127\.0\.0\.1:\d+\/post \(another origin[\s\S]*token for HTTP\/127\.0\.0\.1@TSKRB5\.TEST[\s\S]*mutual authentication: the server proved its identity/,
    );
    expect(lines.join('\n')).not.toMatch(/warn/);
    // MIT klist: our cache holds both services' tickets.
    const k = await mit.run('klist', ['-c', `FILE:${ccache}`]);
    expect(k.stdout).toContain(`HTTP/localhost@${mit.realm}`);
    expect(k.stdout).toContain(`HTTP/127.0.0.1@${mit.realm}`);
    // curl through the same servers: the same answer from the acceptor.
    const c = await curlL(`${apacheBase}/auth/to-gss-307`, ['-H', 'content-type: application/json', '--data-binary', body]);
    expect({ user: c.user, method: c.method, body_sha256: c.body_sha256 }).toEqual({ user: j.user, method: j.method, body_sha256: j.body_sha256 });
    f.close();
  });

  it('POST → 303 → GET at the other host, without the body (from Apache and from a plain redirector), as curl does it', async () => {
    const f = fetchWith();
    for (const url of [`${apacheBase}/auth/to-gss-303`, go(`http://localhost:${rport}`, 303, `${gssBase}/post`)]) {
      const r = await f(url, { method: 'POST', body: 'dropped', headers: { 'content-type': 'text/plain' } });
      expect([r.status, r.redirected, r.url], url).toEqual([200, true, `${gssBase}/post`]);
      const j = (await r.json()) as Record<string, unknown>;
      expect(j).toMatchObject({ user: `alice@${mit.realm}`, method: 'GET', body_length: 0 });
      const c = await curlL(url, ['--data-binary', 'dropped']);
      expect([c.method, c.body_length]).toEqual([j.method, j.body_length]);
    }
    f.close();
  });

  it('307 from a plain redirector: the POST and its body replayed to the acceptor, which authenticates it', async () => {
    const body = new TextEncoder().encode('bytes after a 307');
    const r = await fetchWith()(go(`http://localhost:${rport}`, 307, `${gssBase}/post`), { method: 'PUT', body });
    expect([r.status, r.url, r.redirected]).toEqual([200, `${gssBase}/post`, true]);
    expect(await r.json()).toMatchObject({ user: `alice@${mit.realm}`, method: 'PUT', body_sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('credentials stay at their origin: our Negotiate token to Apache and the caller’s Authorization and Cookie are not sent to another origin; the next Negotiate host gets its own token', async () => {
    received.length = 0;
    const f = fetchWith();
    // localhost redirector (gets the caller's headers) → 127.0.0.1 redirector (another origin) → acceptor.
    const hop2 = go(`http://127.0.0.1:${rport}`, 307, `${gssBase}/post`);
    const r = await f(go(`http://localhost:${rport}`, 307, hop2), { method: 'POST', body: 'b', headers: { authorization: 'Bearer secret', cookie: 'sid=1', 'x-trace': 't' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ user: `alice@${mit.realm}`, method: 'POST', body_sha256: sha256('b') });
    expect(received.map((x) => [x.host, x.headers.authorization, x.headers.cookie, x.headers['x-trace'], x.body])).toEqual([
      [`localhost:${rport}`, 'Bearer secret', 'sid=1', 't', 'b'],
      [`127.0.0.1:${rport}`, undefined, undefined, 't', 'b'],
    ]);
    // Apache (HTTP/localhost, authenticated) → same-origin redirect keeps authenticating there,
    // and a redirect to another origin carries no Authorization: the token for HTTP/localhost stays with Apache.
    const same = await f(`${apacheBase}/auth/to-whoami`);
    expect([same.status, same.url, same.redirected]).toEqual([200, `${apacheBase}/auth/whoami`, true]);
    expect(await same.text()).toContain(`user=alice@${mit.realm}`);
    received.length = 0;
    const out = await f(`${apacheBase}/auth/to-recorder`, { method: 'POST', body: 'c', headers: { cookie: 'sid=2' } });
    expect([out.status, out.url, await out.text()]).toEqual([200, `http://127.0.0.1:${rport}/recorded`, 'recorded']);
    expect(received.map((x) => [x.host, x.method, x.headers.authorization, x.headers.cookie, x.body])).toEqual([[`127.0.0.1:${rport}`, 'POST', undefined, undefined, 'c']]);
    expect(await loggedAs(new RegExp(`alice@${mit.realm} "POST /auth/to-recorder HTTP/1.1" 307`))).toMatch(new RegExp(`alice@${mit.realm} "POST /auth/to-recorder HTTP/1.1" 307`));
    f.close();
  });

  it('mutual authentication is checked on the final response: a host that sends no token or a corrupt one after the redirect fails under required', async () => {
    const e = await fetchWith()(`${apacheBase}/auth/to-no-mutual`).catch((x) => x);
    expect(e).toBeInstanceOf(MutualAuthenticationError);
    expect([e.response.status, e.response.url]).toEqual([200, `${gssBase}/no-mutual`]);
    const opt = await fetchWith({ mutualAuthentication: 'optional' })(`${apacheBase}/auth/to-no-mutual`);
    expect([opt.status, opt.redirected]).toEqual([200, true]);
    expect(await opt.json()).toMatchObject({ user: `alice@${mit.realm}` });
    const bad = await fetchWith()(`${apacheBase}/auth/to-corrupt`).catch((x) => x);
    expect(bad).toBeInstanceOf(MutualAuthenticationError);
    expect(bad.message).toMatch(/does not verify/);
  });

  it('channel bindings are those of the hop: HTTP Apache → HTTPS acceptor that requires bindings of its own certificate', async () => {
    const r = await fetchWith({ tls: { ca: [readFileSync(gssTls.certPem, 'utf8')] } })(`${apacheBase}/auth/to-cb`);
    expect([r.status, r.url]).toEqual([200, `${gssTlsBase}/cb-required`]);
    expect(await r.json()).toMatchObject({ user: `alice@${mit.realm}`, channel_bound: true });
  });

  it("'manual': Apache's authenticated 307 comes back, its token verified; 'error' refuses it", async () => {
    const r = await fetchWith()(`${apacheBase}/auth/to-gss-307`, { redirect: 'manual' });
    expect([r.status, r.redirected, r.headers.get('location')]).toEqual([307, false, `${gssBase}/post`]);
    expect(r.headers.get('www-authenticate')).toMatch(/^Negotiate /);
    const e = await fetchWith()(`${apacheBase}/auth/to-gss-307`, { redirect: 'error' }).catch((x) => x);
    expect(e.code).toBe('ERR_REDIRECT');
  });

  it('delegation and hostnameOverride are for the host named, not for one a redirect names', async () => {
    // The control: the acceptor takes delegation when it is sent to it directly.
    const direct = await fetchWith({ delegate: true })(`${gssBase}/whoami`);
    expect(await direct.json()).toMatchObject({ delegated: true });
    const viaApache = await fetchWith({ delegate: true })(`${apacheBase}/auth/to-gss-307`, { method: 'POST', body: 'x' });
    expect(await viaApache.json()).toMatchObject({ user: `alice@${mit.realm}`, delegated: false });
    // hostnameOverride names Apache's principal (a second name in its keytab); the host the redirect names keeps its own.
    await mit.addPrincipal('HTTP/apache.tskrb5.test', { randkey: true });
    await mit.ktadd(`HTTP/apache.tskrb5.test@${mit.realm}`, apache.keytab);
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m) };
    const o = await fetchWith({ hostnameOverride: 'apache.tskrb5.test', logger })(`${apacheBase}/auth/to-gss-307`, { method: 'POST', body: 'y' });
    expect(await o.json()).toMatchObject({ user: `alice@${mit.realm}`, body_sha256: sha256('y') });
    expect(lines.filter((l) => l.startsWith('Negotiate:'))).toEqual([
      `Negotiate: spnego token for HTTP/apache.tskrb5.test@${mit.realm}`,
      `Negotiate: spnego token for HTTP/127.0.0.1@${mit.realm}`,
    ]);
  });

  it('tskrb5 fetch shows a redirect as curl does, and follows it with -L', async () => {
    const env = { ...mit.env, KRB5CCNAME: `FILE:${ccache}` };
    const shown = await runCmd('node', [BIN, 'fetch', '-i', `${apacheBase}/auth/to-gss-307`], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^HTTP 307 Temporary Redirect\n/);
    const followed = await runCmd('node', [BIN, 'fetch', '-L', '-d', 'cli', `${apacheBase}/auth/to-gss-307`], { env });
    expect(followed.code, followed.stderr).toBe(0);
    expect(JSON.parse(followed.stdout)).toMatchObject({ user: `alice@${mit.realm}`, method: 'POST', body_sha256: sha256('cli') });
  });
});
