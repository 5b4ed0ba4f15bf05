/**
 * Every server adapter — node:http and Express (`negotiateMiddleware`), Fastify
 * (`tskrb5/fastify`), Koa (`tskrb5/koa`), Hono on @hono/node-server (`tskrb5/hono`) and a
 * web-standard handler (`negotiateHandler`) — with the keytab MIT's kadmin wrote, against real
 * clients and a live MIT KDC:
 *
 * - curl --negotiate: 200, the client's principal and its local name from krb5.conf's
 *   auth_to_local (alice → alice; bob → robert by auth_to_local_names), and our AP-REP header;
 *   no ticket: 401 with the challenge and a page that is not empty; bob, whom `authorize`
 *   refuses: 403 with its page;
 * - requests-kerberos with mutual authentication REQUIRED (it raises unless our AP-REP verifies);
 * - MIT's SPNEGO initiator (python3-gssapi) offering NTLM first (gss-ntlmssp, named by
 *   GSS_MECH_CONFIG): Kerberos is chosen in a second leg on the same connection and the
 *   mechListMICs are exchanged over the first leg's list; MIT's context completes on our tokens;
 *   offering NTLM alone: 401, and onError's reason names NTLM and its causes;
 * - `optional`: anonymous requests pass, a preemptive token authenticates, a bad token is a 401;
 * - curl --delegation always: `info.delegated.fetch()` calls MIT's acceptor (python3-gssapi) as
 *   alice with the forwarded TGT, and the MEMORY cache is gone once the response is sent.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startGssAcceptor, gssAcceptorMissing } from '../interop/gss-acceptor.mjs';
// @ts-ignore -- plain ESM helper without types
import { ntlmsspEnv, ntlmsspMissing } from '../interop/ntlmssp.mjs';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, startRealm, which } from '../interop/realm.mjs';
import type { KerberosError } from '../../src/errors.js';
import { fastifyNegotiate } from '../../src/http/node/fastify.js';
import { honoNegotiate, type NegotiateEnv } from '../../src/http/node/hono.js';
import { negotiateHandler, negotiateMiddleware, type NegotiateRequestInfo } from '../../src/http/node/index.js';
import { koaNegotiate } from '../../src/http/node/koa.js';
import { openCcache } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const PY = '/usr/bin/python3';
const hasRequestsKerberos = spawnSync(PY, ['-c', 'import requests_kerberos'], { stdio: 'ignore' }).status === 0;
const missing: string[] = [
  ...missingPeers(),
  ...(which('curl') ? [] : ['curl']),
  ...(hasRequestsKerberos ? [] : ['python3-requests-kerberos']),
  ...gssAcceptorMissing(),
  ...ntlmsspMissing(),
];
if (missing.length && !IN_CI) console.warn(`[frameworks-interop] SKIPPED: missing ${missing.join(', ')}`);
const R = 'TSKRB5.TEST';
const PW = 'Fw-Pa55word!';
const CLIENT = new URL('./servers/spnego-client.py', import.meta.url).pathname;
const AUTH_TO_LOCAL = `
[realms]
  ${R} = {
    auth_to_local_names = {
      bob = robert
    }
    auth_to_local = RULE:[2:$1;$2](.*;admin)s/;admin$/-adm/
    auth_to_local = DEFAULT
  }
`;

type Mode = 'strict' | 'optional';
interface Served {
  strict: string;
  optional: string;
  close: () => Promise<void>;
}

describe.skipIf(!IN_CI && missing.length > 0)('the server adapters against curl, requests-kerberos and python-gssapi (live MIT KDC)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let acceptor: any;
  let keytab = '';
  let ntlmEnv: Record<string, string> = {};
  const errors: { fw: string; mode: Mode; error: KerberosError }[] = [];
  const audit: { fw: string; principal: string }[] = [];
  const delegatedCaches: string[] = [];
  const served = new Map<string, Served>();
  const savedConfig = process.env.KRB5_CONFIG;

  /** What every app answers: who, and (at /deleg) who MIT's acceptor saw when called with the delegated credentials. */
  async function answer(info: NegotiateRequestInfo | undefined, path: string): Promise<Record<string, unknown>> {
    if (!info) return { anonymous: true };
    const out: Record<string, unknown> = { principal: info.principal, user: info.user, delegated: info.delegated !== undefined, channelBound: info.channelBound };
    if (path.startsWith('/deleg') && info.delegated) {
      delegatedCaches.push(await info.delegated.ccache());
      const r = await info.delegated.fetch(acceptor.whoamiUrl);
      out.remote = { status: r.status, ...(await r.json()) };
    }
    return out;
  }

  const options = (fw: string, mode: Mode) => ({
    keytab,
    optional: mode === 'optional',
    ...(mode === 'strict' ? { authorize: (info: NegotiateRequestInfo) => info.user !== 'robert' } : {}),
    onError: (error: KerberosError) => errors.push({ fw, mode, error }),
    onAuthenticated: (info: NegotiateRequestInfo) => {
      audit.push({ fw, principal: info.principal });
    },
  });

  const listen = (s: Server) => new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`http://localhost:${(s.address() as AddressInfo).port}`)));
  const closeAll = (...s: Server[]) => Promise.all(s.map((x) => new Promise<void>((ok) => x.close(() => ok())))).then(() => undefined);
  const hono = (fetch: (req: Request, env: unknown) => Response | Promise<Response>) =>
    new Promise<{ url: string; server: Server }>((ok) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (i) => ok({ url: `http://localhost:${i.port}`, server: server as unknown as Server })) as unknown as Server;
    });

  const FRAMEWORKS: Record<string, () => Promise<Served>> = {
    'node:http': async () => {
      const make = (mode: Mode) => {
        const auth = negotiateMiddleware(options('node:http', mode));
        return createServer((req, res) =>
          auth(req, res, async () => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(await answer(req.negotiate, req.url ?? '/')));
          }),
        );
      };
      const [a, b] = [make('strict'), make('optional')];
      return { strict: await listen(a), optional: await listen(b), close: () => closeAll(a, b) };
    },
    express: async () => {
      const make = (mode: Mode) => {
        const app = express();
        app.use(negotiateMiddleware(options('express', mode)));
        app.get('/{*path}', async (req, res) => {
          res.json(await answer(req.negotiate, req.path));
        });
        return createServer(app);
      };
      const [a, b] = [make('strict'), make('optional')];
      return { strict: await listen(a), optional: await listen(b), close: () => closeAll(a, b) };
    },
    fastify: async () => {
      const make = async (mode: Mode) => {
        const app = Fastify();
        await app.register(fastifyNegotiate, options('fastify', mode));
        app.get('/*', async (request) => answer(request.negotiate, request.url));
        const url = await app.listen({ port: 0, host: '127.0.0.1' });
        return { app, url: url.replace('127.0.0.1', 'localhost') };
      };
      const [a, b] = [await make('strict'), await make('optional')];
      return { strict: a.url, optional: b.url, close: async () => void (await Promise.all([a.app.close(), b.app.close()])) };
    },
    koa: async () => {
      const make = (mode: Mode) => {
        const app = new Koa();
        app.use(koaNegotiate(options('koa', mode)));
        app.use(async (ctx) => {
          ctx.body = await answer(ctx.state.negotiate, ctx.path);
        });
        return createServer(app.callback());
      };
      const [a, b] = [make('strict'), make('optional')];
      return { strict: await listen(a), optional: await listen(b), close: () => closeAll(a, b) };
    },
    hono: async () => {
      const make = (mode: Mode) => {
        const app = new Hono<NegotiateEnv>();
        app.use(honoNegotiate(options('hono', mode)));
        app.get('*', async (c) => c.json(await answer(c.get('negotiate'), c.req.path)));
        return hono(app.fetch);
      };
      const [a, b] = [await make('strict'), await make('optional')];
      return { strict: a.url, optional: b.url, close: () => closeAll(a.server, b.server) };
    },
    negotiateHandler: async () => {
      const [a, b] = [
        await hono(negotiateHandler(options('negotiateHandler', 'strict'), async (req, info) => Response.json(await answer(info, new URL(req.url).pathname))) as never),
        await hono(
          negotiateHandler({ ...options('negotiateHandler', 'optional'), optional: true }, async (req, info) =>
            Response.json(await answer(info, new URL(req.url).pathname)),
          ) as never,
        ),
      ];
      return { strict: a.url, optional: b.url, close: () => closeAll(a.server, b.server) };
    },
  };

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R, extraConf: AUTH_TO_LOCAL });
    for (const u of ['alice', 'bob']) await realm.addPrincipal(u, { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    keytab = await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'http.keytab'));
    await realm.kinit('alice', PW, ['-f']);
    await realm.kinit('bob', PW, ['-f', '-c', `FILE:${realm.dir}/bob.ccache`]);
    ntlmEnv = ntlmsspEnv(realm.dir, [[R.split('.')[0], 'alice', PW]]);
    acceptor = await startGssAcceptor({ realm, keytab, delegDir: false });
    // the adapters read krb5.conf (auth_to_local) as MIT does, from KRB5_CONFIG; the delegated fetch finds the KDC there
    process.env.KRB5_CONFIG = realm.krb5Conf;
    for (const [name, make] of Object.entries(FRAMEWORKS)) served.set(name, await make());
  }, 90_000);
  afterAll(async () => {
    for (const s of served.values()) await s.close();
    await acceptor?.stop();
    await realm?.stop();
    if (savedConfig === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = savedConfig;
  });

  const run = (cmd: string, args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ stdout: string; stderr: string }>((ok) => {
      execFile(cmd, args, { env: { ...process.env, ...realm.env, ...env }, encoding: 'utf8', timeout: 30_000 }, (_e, stdout, stderr) => ok({ stdout, stderr }));
    });
  const curl = (args: string[], env: Record<string, string | undefined> = {}) => run('curl', ['-s', '-i', '--negotiate', '-u', ':', ...args], env);
  const parse = (raw: string) => {
    const [head, ...rest] = raw.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)?.[1]), head: head!, body: rest.join('\r\n\r\n') };
  };
  const spnego = async (url: string, args: string[] = [], env: Record<string, string> = {}) => {
    const r = await run(PY, [CLIENT, url, ...args], env);
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { status: number; legs: number; complete: boolean; body: string; tokens: string[]; error?: string };
  };

  describe.each(Object.keys(FRAMEWORKS))('%s', (fw) => {
    const url = (mode: Mode, path = '/') => `${served.get(fw)![mode]}${path}`;

    it('curl --negotiate: 200 with the principal, the auth_to_local user and our AP-REP; no ticket: 401 with the challenge and a page', async () => {
      const ok = parse((await curl([url('strict')])).stdout);
      expect(ok.status).toBe(200);
      expect(ok.head).toMatch(/^www-authenticate: Negotiate [A-Za-z0-9+/=]+$/im);
      expect(JSON.parse(ok.body)).toEqual({ principal: `alice@${R}`, user: 'alice', delegated: false, channelBound: false });
      const none = parse((await curl([url('strict')], { KRB5CCNAME: `FILE:${realm.dir}/none` })).stdout);
      expect(none.status).toBe(401);
      expect(none.head).toMatch(/^www-authenticate: Negotiate$/im);
      expect(none.head).toMatch(/^content-type: text\/html; charset=utf-8$/im);
      expect(none.body).toMatch(/<h1>Unauthorized<\/h1>/);
    });

    it('bob, whose local name is robert (auth_to_local_names), is refused by authorize: 403 with its page, after onAuthenticated heard him', async () => {
      audit.length = 0;
      const r = parse((await curl([url('strict')], { KRB5CCNAME: `FILE:${realm.dir}/bob.ccache` })).stdout);
      expect(r.status).toBe(403);
      expect(r.head).toMatch(/^content-type: text\/html; charset=utf-8$/im);
      expect(r.body).toMatch(/<h1>Forbidden<\/h1>/);
      expect(audit).toEqual([{ fw, principal: `bob@${R}` }]);
    });

    it('requests-kerberos with mutual authentication REQUIRED verifies our AP-REP', async () => {
      const py = [
        'import sys, requests, requests_kerberos',
        'r = requests.get(sys.argv[1], auth=requests_kerberos.HTTPKerberosAuth(mutual_authentication=requests_kerberos.REQUIRED))',
        'print(r.status_code, r.json()["user"])',
      ].join('\n');
      const r = await run(PY, ['-c', py, url('strict')]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('200 alice');
    });

    it("MIT's SPNEGO initiator offering NTLM first: Kerberos chosen in a second leg on the connection, mechListMICs exchanged, MIT's context complete", async () => {
      for (const [args, legs] of [
        [['--mechs', 'ntlm,krb5'], 3],
        [['--mechs', 'ntlm,krb5', '--no-mutual'], 2],
        [[], 1],
      ] as const) {
        const r = await spnego(url('strict'), [...args], ntlmEnv);
        expect(r, args.join(' ')).toMatchObject({ status: 200, complete: true, legs });
        expect(JSON.parse(r.body).user).toBe('alice');
      }
    });

    it('NTLM alone (MIT initiator with gss-ntlmssp): 401, and onError says NTLM and why clients fall back to it', async () => {
      errors.length = 0;
      const r = await spnego(url('strict'), ['--mechs', 'ntlm'], ntlmEnv);
      expect(r.status).toBe(401);
      expect(r.complete).toBe(false);
      const e = errors.find((x) => x.fw === fw)!.error;
      expect(e.code).toBe('ERR_NTLM');
      expect(e.message).toMatch(/NTLM/);
      expect(e.message).toMatch(/SPN.*HTTP\/<host>.*IP address.*not in the domain/);
    });

    it('optional: anonymous passes, a preemptive token authenticates, a bad token is still a 401', async () => {
      const anon = parse((await curl([url('optional')], { KRB5CCNAME: `FILE:${realm.dir}/none` })).stdout);
      expect([anon.status, JSON.parse(anon.body)]).toEqual([200, { anonymous: true }]);
      const py = [
        'import sys, requests, requests_kerberos',
        'r = requests.get(sys.argv[1], auth=requests_kerberos.HTTPKerberosAuth(mutual_authentication=requests_kerberos.REQUIRED, force_preemptive=True))',
        'print(r.status_code, r.json().get("user"))',
      ].join('\n');
      const pre = await run(PY, ['-c', py, url('optional')]);
      expect(pre.stderr).toBe('');
      expect(pre.stdout.trim()).toBe('200 alice');
      const bad = await fetch(url('optional'), { headers: { authorization: 'Negotiate YIIBAAYGKwYBBQUCoA==' } });
      expect(bad.status).toBe(401);
      expect(await bad.text()).toMatch(/Unauthorized/);
    });

    it("curl --delegation always: info.delegated.fetch() reaches MIT's acceptor as alice, and the MEMORY cache is gone after the response", async () => {
      delegatedCaches.length = 0;
      const r = parse((await curl(['--delegation', 'always', url('strict', '/deleg')])).stdout);
      expect(r.status).toBe(200);
      const j = JSON.parse(r.body);
      expect(j).toMatchObject({ principal: `alice@${R}`, delegated: true, remote: { status: 200, user: `alice@${R}` } });
      expect(delegatedCaches).toHaveLength(1);
      expect(delegatedCaches[0]).toMatch(/^MEMORY:tskrb5-delegated-/);
      // released when the response ended ('close'): give the event loop a turn
      await new Promise((ok) => setTimeout(ok, 50));
      expect(await (await openCcache(delegatedCaches[0])).getPrincipal()).toBeNull();
    });
  });
});
