/**
 * `negotiateHandler` (the built package) as Next.js App Router route handlers — `export const GET
 * = negotiateHandler({ keytab, … }, handler)` in test/http/next-app/app/api/{whoami,optional}/
 * route.ts, `runtime = 'nodejs'` — in a real Next.js server (the `next` dev dependency): `next
 * build` (Turbopack; its TypeScript check holds the route's exports to Next's own route types)
 * then `next start` on a free port of 127.0.0.1, with the keytab MIT's kadmin wrote and a live MIT
 * KDC:
 *
 * - curl --negotiate: 200, the principal and its auth_to_local name, our AP-REP header; no
 *   ticket: 401 with the page and `WWW-Authenticate: Negotiate`; bob (robert by
 *   auth_to_local_names), whom `authorize` refuses: 403; a bad token: 401, and onError's reason on
 *   the server's stderr;
 * - requests-kerberos with mutual authentication REQUIRED (it raises unless our AP-REP verifies);
 * - `optional: true`: an anonymous request reaches the route with no client, a preemptive token
 *   (requests-kerberos force_preemptive, mutual REQUIRED) authenticates, a bad token is a 401;
 * - the limit: Next gives a route handler no connection (no socket, address or port), so MIT's
 *   SPNEGO initiator offering NTLM first gets the first leg's request-mic and then
 *   ERR_SPNEGO_NO_CONTEXT — clients that put Kerberos first are answered in one round trip;
 * - what Next bundled is the package's dist/bundle (the server chunks' source maps), not src/.
 *
 * TSKRB5_NEXT_MODE=dev runs `next dev` instead (faster, no type check, not the production
 * bundle). In CI (CI=true) a missing peer or `next` is a failure; elsewhere the suite is skipped
 * visibly.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { ntlmsspEnv, ntlmsspMissing } from '../interop/ntlmssp.mjs';
// @ts-ignore -- plain ESM helper without types
import { freePort, killChild, missingPeers, runCmd, startRealm, trackChild, which } from '../interop/realm.mjs';

const IN_CI = process.env.CI === 'true';
const ROOT = new URL('../../', import.meta.url).pathname;
const APP = new URL('./next-app/', import.meta.url).pathname;
const NEXT = join(ROOT, 'node_modules/next/dist/bin/next');
const MODE = process.env.TSKRB5_NEXT_MODE === 'dev' ? 'dev' : 'start';
const PY = '/usr/bin/python3';
const hasRequestsKerberos = spawnSync(PY, ['-c', 'import requests_kerberos'], { stdio: 'ignore' }).status === 0;
const missing: string[] = [
  ...missingPeers(),
  ...(which('curl') ? [] : ['curl']),
  ...(hasRequestsKerberos ? [] : ['python3-requests-kerberos']),
  ...ntlmsspMissing(),
  ...(existsSync(NEXT) ? [] : ['next (npm ci)']),
  ...(existsSync(join(ROOT, 'dist/bundle/index.js')) ? [] : ['dist (npm run build)']),
];
if (missing.length && !IN_CI) console.warn(`[next-interop] SKIPPED: missing ${missing.join(', ')}`);
const R = 'TSKRB5.TEST';
const PW = 'Nx-Pa55word!';
const CLIENT = new URL('./servers/spnego-client.py', import.meta.url).pathname;
const BAD = 'YIIBAAYGKwYBBQUCoIH1MIHyoA0wCwYJKoZIhvcSAQICooHg';

/**
 * The files Next bundled into the server: under `next build`, the sources its production source
 * maps name; under `next dev`, the `[project]/…` module names in the chunks (its source maps go on
 * through dist's own maps to src/, so they cannot tell).
 */
function bundledFiles(dir: string, mode: 'start' | 'dev'): string[] {
  const out = new Set<string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    if (mode === 'start' && e.name.endsWith('.js.map')) {
      const map = JSON.parse(readFileSync(file, 'utf8')) as { sources?: string[]; sections?: { map: { sources?: string[] } }[] };
      for (const s of [...(map.sources ?? []), ...(map.sections ?? []).flatMap((x) => x.map.sources ?? [])]) out.add(resolve(dirname(file), decodeURIComponent(s)));
    } else if (mode === 'dev' && e.name.endsWith('.js')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\[project\]\/([\w@./-]+\.[cm]?[jt]s)\b/g)) out.add(join(ROOT, m[1]!));
    }
  }
  return [...out];
}

describe.skipIf(!IN_CI && missing.length > 0)(`negotiateHandler as Next.js route handlers (next ${MODE}, live MIT KDC)`, () => {
  let realm: any;
  let server: ChildProcess | undefined;
  let base = '';
  let log = '';
  const refusals: { route: string; code: string; message: string }[] = [];
  const env = () => ({
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: undefined,
    KEYTAB: join(realm.dir, 'http.keytab'),
    KRB5_CONFIG: realm.krb5Conf,
    KRB5RCACHEDIR: realm.dir,
  });

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
    realm = await startRealm({ realm: R, extraConf: `\n[realms]\n  ${R} = {\n    auth_to_local_names = {\n      bob = robert\n    }\n  }\n` });
    for (const u of ['alice', 'bob']) await realm.addPrincipal(u, { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'http.keytab'));
    await realm.kinit('alice', PW);
    await realm.kinit('bob', PW, ['-c', `FILE:${realm.dir}/bob.ccache`]);
    const version = JSON.parse(readFileSync(join(ROOT, 'node_modules/next/package.json'), 'utf8')).version;
    let t = performance.now();
    if (MODE === 'start') {
      // `next build` loads each route module ("Collecting page data"): the handler reads its keytab
      // on the first request, so the build is given none (as a CI machine has none)
      const b = await runCmd(process.execPath, [NEXT, 'build'], { cwd: APP, env: { ...env(), KEYTAB: join(realm.dir, 'no-such.keytab') }, timeout: 110_000 });
      if (b.code !== 0) throw new Error(`next build exited ${b.code ?? b.signal}:\n${b.stdout}\n${b.stderr}`);
    }
    const built = performance.now() - t;
    t = performance.now();
    const port = await freePort();
    server = trackChild(spawn(process.execPath, [NEXT, MODE, '-H', '127.0.0.1', '-p', String(port)], { cwd: APP, env: env(), stdio: ['ignore', 'pipe', 'pipe'] }));
    createInterface({ input: server!.stderr! }).on('line', (l) => {
      try {
        refusals.push(JSON.parse(l));
      } catch {
        log += `${l}\n`;
      }
    });
    await new Promise<void>((ok, no) => {
      createInterface({ input: server!.stdout! }).on('line', (l) => {
        log += `${l}\n`;
        if (/Ready in/.test(l)) ok();
      });
      server!.once('exit', (c) => no(new Error(`next ${MODE} exited ${c}:\n${log}`)));
      setTimeout(() => no(new Error(`next ${MODE} did not start:\n${log}`)), 30_000);
    });
    base = `http://localhost:${port}`;
    // the first request compiles the route under `next dev`; it also warms `next start`
    await fetch(`${base}/api/optional`);
    console.info(
      `[next-interop] next ${version} (${MODE}): ${MODE === 'start' ? `build ${(built / 1000).toFixed(1)} s, ` : ''}up and first response ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }, 150_000);
  afterAll(async () => {
    if (server) await killChild(server);
    await realm?.stop();
  });

  const run = (cmd: string, args: string[], extra: Record<string, string | undefined> = {}) =>
    new Promise<{ stdout: string; stderr: string }>((ok) => {
      execFile(cmd, args, { env: { ...process.env, ...realm.env, ...extra }, encoding: 'utf8', timeout: 30_000 }, (_e, stdout, stderr) => ok({ stdout, stderr }));
    });
  const curl = async (path: string, extra: Record<string, string | undefined> = {}, args: string[] = ['--negotiate', '-u', ':']) => {
    const raw = (await run('curl', ['-s', '-i', ...args, `${base}${path}`], extra)).stdout;
    // curl --negotiate prints each response: the last one is the answer
    const parts = raw.split(/\r\n\r\n(?=HTTP\/)/);
    const [head, ...rest] = parts[parts.length - 1]!.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)?.[1]), head: head!, body: rest.join('\r\n\r\n') };
  };
  const requestsKerberos = (path: string, preemptive = false) =>
    run(PY, [
      '-c',
      `import sys, requests, requests_kerberos
r = requests.get(sys.argv[1], auth=requests_kerberos.HTTPKerberosAuth(mutual_authentication=requests_kerberos.REQUIRED, force_preemptive=${preemptive ? 'True' : 'False'}))
print(r.status_code, r.json()["principal"])`,
      `${base}${path}`,
    ]);

  it('curl --negotiate: 200 with alice and our AP-REP; no ticket: 401 with the page; bob (robert): 403; a bad token: 401 with the reason', async () => {
    const ok = await curl('/api/whoami');
    expect(ok.status).toBe(200);
    expect(ok.head.match(/^www-authenticate:.*$/gim)).toEqual([expect.stringMatching(/^www-authenticate: Negotiate [A-Za-z0-9+/=]{100,}$/i)]);
    expect(JSON.parse(ok.body)).toEqual({ principal: `alice@${R}`, user: 'alice' });

    const none = await curl('/api/whoami', { KRB5CCNAME: `FILE:${realm.dir}/none` });
    expect([none.status, none.body]).toEqual([401, expect.stringMatching(/<h1>Unauthorized<\/h1>/)]);
    expect(none.head.match(/^www-authenticate:.*$/gim)).toEqual([expect.stringMatching(/^www-authenticate: Negotiate$/i)]);
    expect(none.head).toMatch(/^content-type: text\/html; charset=utf-8$/im);

    const bob = await curl('/api/whoami', { KRB5CCNAME: `FILE:${realm.dir}/bob.ccache` });
    expect([bob.status, bob.body]).toEqual([403, expect.stringMatching(/<h1>Forbidden<\/h1>/)]);

    const before = refusals.length;
    const bad = await curl('/api/whoami', {}, ['-H', `Authorization: Negotiate ${BAD}`]);
    expect(bad.status).toBe(401);
    await expect.poll(() => refusals.slice(before)).toEqual([expect.objectContaining({ route: 'whoami', code: expect.stringMatching(/^ERR_/) })]);
  });

  it('requests-kerberos with mutual authentication REQUIRED', async () => {
    const r = await requestsKerberos('/api/whoami');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`200 alice@${R}`);
  });

  it('optional: true lets an anonymous request through; a preemptive token authenticates (mutual REQUIRED); a bad token is a 401', async () => {
    const anon = await curl('/api/optional', {}, []);
    expect(anon.status).toBe(200);
    expect(anon.head).not.toMatch(/^www-authenticate:/im);
    expect(JSON.parse(anon.body)).toEqual({ principal: null, user: null });
    const pre = await requestsKerberos('/api/optional', true);
    expect(pre.stderr).toBe('');
    expect(pre.stdout.trim()).toBe(`200 alice@${R}`);
    const bad = await curl('/api/optional', {}, ['-H', `Authorization: Negotiate ${BAD}`]);
    expect(bad.status).toBe(401);
  });

  it("MIT's SPNEGO initiator offering NTLM first: refused with the reason (a route handler is given no connection to keep the negotiation on)", async () => {
    const before = refusals.length;
    const r = await run(PY, [CLIENT, `${base}/api/whoami`, '--mechs', 'ntlm,krb5'], ntlmsspEnv(realm.dir, [[R.split('.')[0], 'alice', PW]]));
    expect(r.stderr).toBe('');
    // leg 1: 401 with a NegTokenResp request-mic choosing Kerberos; leg 2 (the AP-REQ) finds no negotiation
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 401, legs: 2, complete: false, tokens: ['oRQwEqADCgEDoQsGCSqGSIb3EgECAg=='] });
    await expect.poll(() => refusals.slice(before)).toEqual([expect.objectContaining({ code: 'ERR_SPNEGO_NO_CONTEXT' })]);
  });

  it('what Next bundled is the package (dist/bundle, built from the sources as they are), not the sources', () => {
    const files = bundledFiles(join(APP, MODE === 'start' ? '.next/server' : '.next/dev/server'), MODE);
    expect(files.filter((f) => f.startsWith(join(ROOT, 'dist/bundle/'))).length).toBeGreaterThan(5);
    expect(files.filter((f) => f.startsWith(join(ROOT, 'src/')))).toEqual([]);
    expect(spawnSync(process.execPath, [join(ROOT, 'scripts/fresh.mjs')]).status, 'dist/ is stale: npm run build').toBe(0);
  });
});
