/**
 * `negotiateHandler` (the built package) under Deno.serve and Bun.serve — the runtimes
 * themselves, from their npm packages — with the keytab MIT's kadmin wrote and a live MIT KDC:
 * curl --negotiate (200, the auth_to_local user from KRB5_CONFIG, our AP-REP header), no ticket
 * (401 with a page), bob refused by `authorize` (403), requests-kerberos with mutual
 * authentication REQUIRED, and MIT's SPNEGO initiator offering NTLM first: the second and third
 * legs find the first by the connection's address and port (Deno's `info.remoteAddr`, Bun's
 * `server.requestIP(req)`).
 *
 * In CI (CI=true) a missing peer or runtime is a failure; elsewhere the suite is skipped visibly.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { ntlmsspEnv, ntlmsspMissing } from '../interop/ntlmssp.mjs';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, startRealm, which } from '../interop/realm.mjs';

const IN_CI = process.env.CI === 'true';
const ROOT = new URL('../../', import.meta.url).pathname;
const PY = '/usr/bin/python3';
const first = (...p: string[]) => p.map((x) => join(ROOT, x)).find((x) => existsSync(x));
const RUNTIMES: Record<string, { bin: string | undefined; args: string[] }> = {
  deno: { bin: first('node_modules/@deno/linux-x64-glibc/deno', 'node_modules/deno/bin/deno'), args: ['run', '-A'] },
  bun: { bin: first('node_modules/bun/bin/bun.exe', 'node_modules/@oven/bun-linux-x64/bin/bun'), args: [] },
};
const hasRequestsKerberos = spawnSync(PY, ['-c', 'import requests_kerberos'], { stdio: 'ignore' }).status === 0;
const missing: string[] = [
  ...missingPeers(),
  ...(which('curl') ? [] : ['curl']),
  ...(hasRequestsKerberos ? [] : ['python3-requests-kerberos']),
  ...ntlmsspMissing(),
  ...Object.entries(RUNTIMES)
    .filter(([, r]) => !r.bin)
    .map(([n]) => `${n} (npm ci)`),
  ...(existsSync(join(ROOT, 'dist/bundle/index.js')) ? [] : ['dist (npm run build)']),
];
if (missing.length && !IN_CI) console.warn(`[runtimes-interop] SKIPPED: missing ${missing.join(', ')}`);
const R = 'TSKRB5.TEST';
const PW = 'Rt-Pa55word!';
const CLIENT = new URL('./servers/spnego-client.py', import.meta.url).pathname;
const SERVER = new URL('./servers/web-server.mjs', import.meta.url).pathname;

describe.skipIf(!IN_CI && missing.length > 0)('negotiateHandler under Deno.serve and Bun.serve (live MIT KDC)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  let ntlmEnv: Record<string, string> = {};
  const servers = new Map<string, { proc: ChildProcess; url: string; refusals: { code: string; message: string }[] }>();

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
    realm = await startRealm({ realm: R, extraConf: `\n[realms]\n  ${R} = {\n    auth_to_local_names = {\n      bob = robert\n    }\n  }\n` });
    for (const u of ['alice', 'bob']) await realm.addPrincipal(u, { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    const keytab = await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'http.keytab'));
    await realm.kinit('alice', PW);
    await realm.kinit('bob', PW, ['-c', `FILE:${realm.dir}/bob.ccache`]);
    ntlmEnv = ntlmsspEnv(realm.dir, [[R.split('.')[0], 'alice', PW]]);
    for (const [name, r] of Object.entries(RUNTIMES)) {
      const proc = spawn(r.bin!, [...r.args, SERVER], {
        cwd: ROOT,
        env: { ...process.env, KEYTAB: keytab, KRB5_CONFIG: realm.krb5Conf, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const refusals: { code: string; message: string }[] = [];
      let err = '';
      createInterface({ input: proc.stderr! }).on('line', (l) => {
        try {
          refusals.push(JSON.parse(l));
        } catch {
          err += `${l}\n`;
        }
      });
      const port = await new Promise<number>((ok, no) => {
        createInterface({ input: proc.stdout! }).on('line', (l) => {
          const m = /^LISTENING (\d+)/.exec(l);
          if (m) ok(Number(m[1]));
        });
        proc.once('exit', (c) => no(new Error(`${name} exited ${c}: ${err}`)));
        setTimeout(() => no(new Error(`${name} did not start: ${err}`)), 30_000);
      });
      servers.set(name, { proc, url: `http://localhost:${port}/`, refusals });
    }
  }, 90_000);
  afterAll(async () => {
    for (const s of servers.values()) s.proc.kill();
    await realm?.stop();
  });

  const run = (cmd: string, args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ stdout: string; stderr: string }>((ok) => {
      execFile(cmd, args, { env: { ...process.env, ...realm.env, ...env }, encoding: 'utf8', timeout: 30_000 }, (_e, stdout, stderr) => ok({ stdout, stderr }));
    });
  const curl = async (url: string, env: Record<string, string | undefined> = {}) => {
    const raw = (await run('curl', ['-s', '-i', '--negotiate', '-u', ':', url], env)).stdout;
    const [head, ...rest] = raw.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)?.[1]), head: head!, body: rest.join('\r\n\r\n') };
  };

  describe.each(Object.keys(RUNTIMES))('%s', (name) => {
    const url = () => servers.get(name)!.url;

    it('curl: 200 with the auth_to_local user and our AP-REP; no ticket: 401 with a page; bob (robert): 403', async () => {
      const ok = await curl(url());
      expect(ok.status).toBe(200);
      expect(ok.head).toMatch(/^www-authenticate: Negotiate [A-Za-z0-9+/=]+$/im);
      expect(JSON.parse(ok.body)).toMatchObject({ runtime: expect.stringMatching(new RegExp(`^${name} `)), principal: `alice@${R}`, user: 'alice' });
      const none = await curl(url(), { KRB5CCNAME: `FILE:${realm.dir}/none` });
      expect([none.status, none.body]).toEqual([401, expect.stringMatching(/<h1>Unauthorized<\/h1>/)]);
      expect(none.head).toMatch(/^content-type: text\/html; charset=utf-8$/im);
      const bob = await curl(url(), { KRB5CCNAME: `FILE:${realm.dir}/bob.ccache` });
      expect([bob.status, bob.body]).toEqual([403, expect.stringMatching(/<h1>Forbidden<\/h1>/)]);
    });

    it('requests-kerberos with mutual authentication REQUIRED', async () => {
      const py =
        'import sys, requests, requests_kerberos\nr = requests.get(sys.argv[1], auth=requests_kerberos.HTTPKerberosAuth(mutual_authentication=requests_kerberos.REQUIRED))\nprint(r.status_code, r.json()["user"])';
      const r = await run(PY, ['-c', py, url()]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('200 alice');
    });

    it("MIT's SPNEGO initiator offering NTLM first: three legs on one connection, found by its address and port", async () => {
      const r = await run(PY, [CLIENT, url(), '--mechs', 'ntlm,krb5'], ntlmEnv);
      expect(r.stderr).toBe('');
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ status: 200, complete: true, legs: 3 });
      expect(JSON.parse(j.body).user).toBe('alice');
    });
  });
});
