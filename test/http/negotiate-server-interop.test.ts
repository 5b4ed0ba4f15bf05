/**
 * `negotiateMiddleware` on a node:http server, with the keytab MIT's kadmin wrote, against real
 * clients: curl --negotiate (MIT GSS-API, SPNEGO), Debian's python3-requests-kerberos with mutual
 * authentication REQUIRED (it checks our AP-REP and raises if it does not verify), and MIT's
 * `--delegation always` (the TGT arrives). No ticket: 401 with the challenge; a stale keytab:
 * 401, and the reason reaches `onError`.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, which } from '../interop/realm.mjs';
import { createNegotiateFetch, negotiateMiddleware } from '../../src/http/node/index.js';
import { createKrb5Context, storeDelegatedCredentials } from '../../src/node/index.js';
import { GssAcceptError, GssKrbError } from '../../src/gssapi/index.js';
import { ErrorCode } from '../../src/iana/index.js';

const IN_CI = process.env.CI === 'true';
const PY = '/usr/bin/python3';
const hasRequestsKerberos = spawnSync(PY, ['-c', 'import requests_kerberos'], { stdio: 'ignore' }).status === 0;
const missing: string[] = [...missingPeers(), ...(which('curl') ? [] : ['curl']), ...(hasRequestsKerberos ? [] : ['python3-requests-kerberos'])];
const R = 'TSKRB5.TEST';
const PW = 'Srv-Pa55word!';

describe.skipIf(!IN_CI && missing.length > 0)('negotiateMiddleware against curl and requests-kerberos', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  let server: Server, staleServer: Server;
  let url = '',
    staleUrl = '';
  const errors: Error[] = [];
  const seen: { principal: string; delegated: boolean }[] = [];
  const stored: Promise<unknown>[] = [];

  const listen = (s: Server) => new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`http://localhost:${(s.address() as AddressInfo).port}/`)));

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R });
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    const kt = await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'http.keytab'));
    const stale = await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'stale.keytab'));
    // re-key: the first keytab is current again only through ktadd below, the stale one is not
    await realm.kadmin('cpw -randkey HTTP/localhost');
    await realm.ktadd(`HTTP/localhost@${R}`, kt, []);
    await realm.kinit('alice', PW, ['-f']);
    const auth = negotiateMiddleware({ keytab: `FILE:${kt}`, onError: (e) => errors.push(e) });
    server = createServer((req, res) =>
      auth(req, res, () => {
        const d = req.negotiate!.context.delegated;
        seen.push({ principal: req.negotiate!.principal, delegated: d !== undefined });
        if (d) stored.push(storeDelegatedCredentials(d, `FILE:${realm.dir}/delegated.ccache`));
        res.end(`hello ${req.negotiate!.principal}`);
      }),
    );
    const staleAuth = negotiateMiddleware({ keytab: stale, onError: (e) => errors.push(e) });
    staleServer = createServer((req, res) => staleAuth(req, res, () => res.end('should not happen')));
    url = await listen(server);
    staleUrl = await listen(staleServer);
  }, 60_000);
  afterAll(async () => {
    server?.close();
    staleServer?.close();
    await realm?.stop();
  });

  /** A client process, run asynchronously: the server answers from this same event loop. */
  const run = (cmd: string, args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ stdout: string; stderr: string }>((ok) => {
      execFile(cmd, args, { env: { ...process.env, ...realm.env, ...env }, encoding: 'utf8', timeout: 30_000 }, (_e, stdout, stderr) => ok({ stdout, stderr }));
    });
  const curl = (args: string[], env: Record<string, string | undefined> = {}) => run('curl', ['-s', '-i', '--negotiate', '-u', ':', ...args], env);

  it('curl --negotiate: 200 with the client principal, and our mutual-authentication header', async () => {
    const r = await curl([url]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200/m);
    expect(r.stdout).toMatch(/^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+\r$/m);
    expect(r.stdout.trimEnd().endsWith(`hello alice@${R}`)).toBe(true);
  });

  it('curl without a ticket: 401 and the challenge', async () => {
    const r = await curl([url], { KRB5CCNAME: `FILE:${realm.dir}/none` });
    expect(r.stdout).toMatch(/^HTTP\/1\.1 401/m);
    expect(r.stdout).toMatch(/^WWW-Authenticate: Negotiate\r$/m);
  });

  it('curl --delegation always: the forwarded TGT arrives, stored in a cache MIT klist lists and MIT kvno uses', async () => {
    seen.length = 0;
    const r = await curl(['--delegation', 'always', url]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200/m);
    expect(seen).toEqual([{ principal: `alice@${R}`, delegated: true }]);
    await Promise.all(stored);
    const cc = `FILE:${realm.dir}/delegated.ccache`;
    const k = await run('klist', ['-f', '-c', cc]);
    expect(k.stdout).toContain(`Default principal: alice@${R}`);
    expect(k.stdout).toContain(`krbtgt/${R}@${R}`);
    expect(k.stdout).toMatch(/Flags: F/); // forwarded
    // the delegated TGT is good at the KDC: MIT kvno gets a service ticket with it
    const v = await run('kvno', ['-c', cc, `HTTP/localhost@${R}`]);
    expect(v.stderr).toBe('');
    expect(v.stdout).toMatch(new RegExp(`HTTP/localhost@${R}: kvno = 2`));
  });

  it('requests-kerberos with mutual authentication REQUIRED verifies our AP-REP', async () => {
    const py = [
      'import sys, requests, requests_kerberos',
      'r = requests.get(sys.argv[1], auth=requests_kerberos.HTTPKerberosAuth(mutual_authentication=requests_kerberos.REQUIRED))',
      'print(r.status_code, r.text)',
    ].join('\n');
    const r = await run(PY, ['-c', py, url]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`200 hello alice@${R}`);
  });

  it("over TLS: our client's channel bindings match the server's certificate; curl, sending none, is refused when they are required", async () => {
    const dir = realm.dir as string;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(join(dir, 'tls.key')), cert: readFileSync(join(dir, 'tls.pem')) };
    const kt = join(dir, 'http.keytab');
    const bound: boolean[] = [];
    for (const requireChannelBindings of [false, true]) {
      const auth = negotiateMiddleware({ keytab: kt, requireChannelBindings, onError: (e) => errors.push(e) });
      const s = createHttpsServer(tls, (req, res) =>
        auth(req, res, () => {
          bound.push(req.negotiate!.channelBound);
          res.end('tls ok');
        }),
      );
      const u = await new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`https://localhost:${(s.address() as AddressInfo).port}/`)));
      try {
        const f = createNegotiateFetch({ tls: { ca: tls.cert.toString() }, ccache: `FILE:${dir}/ccache`, context: createKrb5Context({ env: { ...process.env, ...realm.env } }) });
        const r = await f(u);
        expect(r.status).toBe(200);
        expect(await r.text()).toBe('tls ok');
        f.close();
        const c = await curl(['--cacert', join(dir, 'tls.pem'), u]);
        expect(c.stdout).toMatch(requireChannelBindings ? /^HTTP\/1\.1 401/m : /^HTTP\/1\.1 200/m);
      } finally {
        s.close();
      }
    }
    // ours bound both times; curl's (no bindings) passed unbound once, and was refused once
    expect(bound).toEqual([true, false, true]);
  });

  it('a server clock 10 minutes ahead: our client is told the skew by the KRB-ERROR our server sends', async () => {
    const dir = realm.dir as string;
    const auth = negotiateMiddleware({ keytab: join(dir, 'http.keytab'), now: () => new Date(Date.now() + 10 * 60_000) });
    const s = createServer((req, res) => auth(req, res, () => res.end('no')));
    const u = await listen(s);
    try {
      const f = createNegotiateFetch({ ccache: `FILE:${dir}/ccache`, context: createKrb5Context({ env: { ...process.env, ...realm.env } }) });
      const e = await f(u).then(
        () => undefined,
        (x: unknown) => x as Error & { errorCode?: number },
      );
      f.close();
      expect(e).toBeInstanceOf(GssKrbError);
      expect((e as GssKrbError).krbError.errorCode).toBe(ErrorCode.KRB_AP_ERR_SKEW);
      expect(e!.message).toMatch(/skew/i);
    } finally {
      s.close();
    }
  });

  it('a stale keytab: 401, and onError hears why', async () => {
    errors.length = 0;
    const r = await curl([staleUrl]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 401/m);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toBeInstanceOf(GssAcceptError);
    expect(errors[0]!.message).toMatch(/does not decrypt with the service key/);
  });
});
