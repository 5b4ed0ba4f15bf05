/**
 * tskrb5 against a Samba 4.17 AD DC (Debian's samba, its Heimdal KDC), provisioned by
 * test/interop/samba.mjs in a temp dir (one DC for this file, ~20-45 s to provision on 2 busy
 * cores). Judged by MIT's tools, curl and python-gssapi:
 * - the harness itself: the accounts, keytabs, delegation attributes and the SIDs it reports;
 * - our kinit (CLI and library: password, keytab, AES-only, non-ASCII, enterprise with and
 *   without -C) and MIT klist reading what it wrote; our klist and kvno reading MIT kinit's caches;
 *   Samba's big replies (PAC) come over TCP after KRB_ERR_RESPONSE_TOO_BIG on UDP;
 * - `tskrb5 kvno` beside MIT kvno with the same flags (-S, -e, -k, -q): the same output, and the
 *   service ticket's flags as MIT kvno's (FORWARDABLE and RENEWABLE copied from the TGT);
 * - negotiateMiddleware with the keytab samba-tool exported, authenticated by curl --negotiate,
 *   MIT's SPNEGO initiator (python3-gssapi) and our negotiateFetch with an enterprise principal;
 * - AD's RC4 habit: a service without msDS-SupportedEncryptionTypes gets RC4 tickets; refused
 *   by default with a reason naming the attribute, accepted with allowWeakCrypto.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { ACCOUNTS, GROUPS, UF_TRUSTED_TO_AUTH_FOR_DELEGATION, WORKSTATION, missingPeers, startSamba } from './samba.mjs';
// @ts-ignore -- plain ESM helper without types
import { runCmd, which } from './realm.mjs';
import { createNegotiateFetch, negotiateMiddleware } from '../../src/http/node/index.js';
import { createKrb5Context, kinit } from '../../src/node/index.js';
import { decodeCcache } from '../../src/formats/index.js';

const IN_CI = process.env.CI === 'true';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const PY = '/usr/bin/python3';
const CLIENT = new URL('../http/servers/spnego-client.py', import.meta.url).pathname;
const hasGssapi = existsSync(PY) && (await runCmd(PY, ['-c', 'import gssapi'])).code === 0;
const missing: string[] = [...missingPeers(), ...(which('curl') ? [] : ['curl']), ...(hasGssapi ? [] : ['python3-gssapi'])];
const R = 'SAMBA.TEST';

/** The flags MIT `klist -f` shows for `server`. */
function flagsOf(out: string, server: string): string {
  const esc = server.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`${esc}\\n\\t(?:renew until [^\\n]+, )?Flags: ([A-Za-z]*)`).exec(out);
  if (!m) throw new Error(`no ${server} in klist output:\n${out}`);
  return m[1]!;
}
/** A klist listing with its times blanked, for comparing two caches made a moment apart. */
const untimed = (s: string) => s.replace(/\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d/g, 'T').replace(/^Ticket cache: .*$/m, '');

describe.skipIf(!IN_CI && missing.length > 0)('tskrb5 against a Samba 4.17 AD DC (Heimdal KDC)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let dc: any;
  let n = 0;
  const servers: Server[] = [];
  const cache = () => `FILE:${dc.dir}/cc-${++n}`;
  const ours = (args: string[], o: { input?: string; env?: Record<string, string> } = {}) =>
    runCmd('node', [BIN, ...args], { env: { ...dc.env, ...(o.env ?? {}) }, input: o.input });
  const mit = (cmd: string, args: string[], o: { input?: string; env?: Record<string, string> } = {}) =>
    dc.run(cmd, args, { ...(o.input !== undefined ? { input: o.input } : {}), env: o.env ?? {} });
  async function klist(args: string[]): Promise<string> {
    const r = await mit('klist', args);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout as string;
  }
  /** A client process, run asynchronously: the servers answer from this same event loop. */
  const spawnAsync = (cmd: string, args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((ok) => {
      execFile(cmd, args, { env: { ...dc.env, ...env }, encoding: 'utf8', timeout: 30_000 }, (e, stdout, stderr) =>
        ok({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const listen = (s: Server) =>
    new Promise<number>((ok) => {
      servers.push(s);
      s.listen(0, '127.0.0.1', () => ok((s.address() as AddressInfo).port));
    });

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run npm run build`);
    dc = await startSamba();
  }, 240_000);
  afterAll(async () => {
    for (const s of servers) s.close();
    await dc?.stop();
  });

  it('the harness: accounts, keytabs, delegation attributes and the SIDs samba-tool reports', async () => {
    expect(dc.realm).toBe(R);
    for (const k of ['web', 'rc4', 'front', 'backend', 'webAccount', 'rc4Account', 'frontAccount', 'backendAccount', 'ws1']) expect(existsSync(dc.keytabs[k]), k).toBe(true);
    // The keytabs as MIT klist -k reads them: AES for the AES-only account, arcfour-hmac only for the other.
    const web = await klist(['-k', '-e', dc.keytabs.web]);
    expect(web).toContain(`HTTP/localhost@${R} (aes256-cts-hmac-sha1-96)`);
    expect(web).not.toContain('arcfour');
    const rc4 = await klist(['-k', '-e', dc.keytabs.rc4]);
    expect(rc4).toMatch(/HTTP\/rc4\.samba\.test@SAMBA\.TEST \((DEPRECATED:)?arcfour-hmac\)/);
    expect(rc4).not.toContain('aes');
    const [front] = await dc.ldbsearch(`(sAMAccountName=${ACCOUNTS.front.name})`, ['userAccountControl', 'msDS-AllowedToDelegateTo', 'servicePrincipalName'], {
      base: 'DC=samba,DC=test',
    });
    expect(Number(front.userAccountControl[0]) & UF_TRUSTED_TO_AUTH_FOR_DELEGATION).toBe(UF_TRUSTED_TO_AUTH_FOR_DELEGATION);
    expect(front['msDS-AllowedToDelegateTo']).toEqual(['HTTP/backend.samba.test']);
    const [cyd] = await dc.ldbsearch('(sAMAccountName=cyd)', ['userPrincipalName'], { base: 'DC=samba,DC=test' });
    expect(cyd.userPrincipalName).toEqual(['cyd.long@samba.test']);

    const s = await dc.sidsOf('alice');
    expect(s.objectSid).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
    expect(s.primaryGroupSid).toBe(`${s.domainSid}-513`);
    const groupSid = async (name: string) => (await dc.ldbsearch(`(sAMAccountName=${name})`, ['objectSid'], { base: 'DC=samba,DC=test' }))[0].objectSid[0];
    const direct = await Promise.all(ACCOUNTS.alice.groups.map(groupSid));
    expect([...s.memberOf].sort()).toEqual([...direct].sort());
    // tokenGroups: transitive (All Staff through Engineers), with the primary group and BUILTIN\Users.
    const allStaff = await groupSid('All Staff');
    expect(GROUPS.some((g: { name: string; memberOf?: string }) => g.name === 'Engineers' && g.memberOf === 'All Staff')).toBe(true);
    expect(s.memberOf).not.toContain(allStaff);
    expect([...s.tokenGroups].sort()).toEqual([...direct, allStaff, s.primaryGroupSid, 'S-1-5-32-545'].sort());
  });

  it('the harness’s delegation works for MIT: frontsvc (its account keytab) gets alice a ticket to the backend by S4U2Self + S4U2Proxy (kvno -U -P)', async () => {
    const cc = cache();
    const k = await mit('kinit', ['-k', '-t', dc.keytabs.frontAccount, '-c', cc, ACCOUNTS.front.name]);
    expect(k.code, k.stderr).toBe(0);
    const s4u = await mit('kvno', ['-c', cc, '-U', 'alice', '-P', 'HTTP/backend.samba.test']);
    expect(s4u.code, s4u.stderr).toBe(0);
    const out = await klist(['-f', '-c', cc]);
    // the evidence ticket (S4U2Self, to frontsvc itself) and the backend ticket, both for alice, forwardable
    expect(out).toMatch(new RegExp(`${ACCOUNTS.front.name}@${R}\n\tfor client alice@${R}, renew until [^\n]+, Flags: FRAT`));
    expect(out).toMatch(new RegExp(`HTTP/backend\\.samba\\.test@${R}\n\tfor client alice@${R}, renew until [^\n]+, Flags: FRAT`));
    const v = await mit('kvno', ['-c', cc, '-k', dc.keytabs.backend, 'HTTP/backend.samba.test']);
    expect(v.stdout).toContain('keytab entry valid');
    // An SPN is no AS client in Samba: a service logs in by its account name.
    const spn = await mit('kinit', ['-k', '-t', dc.keytabs.front, '-c', cache(), 'HTTP/front.samba.test']);
    expect(spn.stderr).toContain(`Client 'HTTP/front.samba.test@${R}' not found in Kerberos database`);
  });

  it('our kinit (password) → MIT klist; its TGT has MIT kinit’s flags; the AS-REP (PAC) came over TCP after KRB_ERR_RESPONSE_TOO_BIG', async () => {
    const occ = cache();
    const k = await ours(['kinit', '-c', occ, 'alice'], { input: `${ACCOUNTS.alice.password}\n`, env: { KRB5_TRACE: '/dev/stderr' } });
    expect(k.code, k.stderr).toBe(0);
    // UDP first; Samba answers KRB_ERR_RESPONSE_TOO_BIG (the reply with its PAC is > 1400 bytes); then TCP.
    expect(k.stderr).toMatch(/Sending initial UDP request to dgram 127\.0\.0\.1:\d+\n(.*\n)*.*Initiating TCP connection to stream 127\.0\.0\.1:\d+/);
    const big = [...(k.stderr as string).matchAll(/Received answer \((\d+) bytes\) from stream/g)].map((m) => Number(m[1]));
    expect(Math.max(...big)).toBeGreaterThan(1400);
    // MIT's trace lines for the retry, as MIT kinit writes them to the same KDC.
    const retry = [/: Request or response is too big for UDP; retrying with TCP\n/, /: Sending request \(\d+ bytes\) to SAMBA\.TEST \(tcp only\)\n/];
    // (to a file: MIT cannot open /dev/stderr when it is the socket node's spawn gives it)
    const traceFile = join(dc.dir, 'mit-kinit.trace');
    expect((await dc.kinit('alice', ACCOUNTS.alice.password, ['-c', cache()], { env: { KRB5_TRACE: traceFile } })).code).toBe(0);
    const mt = readFileSync(traceFile, 'utf8');
    for (const re of retry) {
      expect(mt).toMatch(re);
      expect(k.stderr).toMatch(re);
    }
    const out = await klist(['-f', '-e', '-c', occ]);
    expect(out).toContain(`Default principal: alice@${R}`);
    const mcc = cache();
    expect((await dc.kinit('alice', ACCOUNTS.alice.password, ['-c', mcc])).code).toBe(0);
    const mitOut = await klist(['-f', '-e', '-c', mcc]);
    // RENEWABLE-OK, as MIT sends it: Samba's 10-hour TGT is renewable to the day asked for.
    expect(flagsOf(mitOut, `krbtgt/${R}@${R}`)).toBe('FRIA');
    expect(flagsOf(out, `krbtgt/${R}@${R}`)).toBe('FRIA');
    expect(out).toMatch(/Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96/);
    // We read MIT's: tskrb5 klist lists MIT kinit's cache, tskrb5 kvno uses its TGT.
    const ol = await ours(['klist', '-f', '-c', mcc]);
    expect(ol.code, ol.stderr).toBe(0);
    expect(ol.stdout).toContain(`Default principal: alice@${R}`);
    expect(flagsOf(ol.stdout, `krbtgt/${R}@${R}`)).toBe('FRIA');
    const v = await ours(['kvno', '-c', mcc, 'HTTP/web.samba.test']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`HTTP/web.samba.test@${R}: kvno = 2\n`);
  });

  it('library kinit: the AES-only user; a keytab samba-tool exported (websvc, ws1$); MIT klist and kvno use the caches', async () => {
    const context = createKrb5Context({ env: dc.env });
    const a = cache();
    const r = await kinit({ principal: 'aesonly', password: ACCOUNTS.aesonly.password, ccache: a, context });
    expect(r.principal).toBe(`aesonly@${R}`);
    expect(await klist(['-e', '-c', a])).toMatch(/krbtgt\/SAMBA\.TEST@SAMBA\.TEST\n[^\n]*Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96/);
    const mv = await mit('kvno', ['-c', a, 'HTTP/web.samba.test']);
    expect(mv.code, mv.stderr).toBe(0);

    for (const [who, kt] of [
      [ACCOUNTS.web.name, dc.keytabs.webAccount],
      [WORKSTATION.name, dc.keytabs.ws1],
    ]) {
      const c = cache();
      const k = await kinit({ principal: who, keytab: `FILE:${kt}`, ccache: c, context });
      expect(k.principal).toBe(`${who}@${R}`);
      expect(await klist(['-c', c])).toContain(`Default principal: ${who}@${R}`);
      // and the CLI, as MIT's kinit -k -t
      const c2 = cache();
      const ck = await ours(['kinit', '-k', '-t', kt, '-c', c2, who]);
      expect(ck.code, ck.stderr).toBe(0);
      expect(await klist(['-c', c2])).toContain(`Default principal: ${who}@${R}`);
    }
  });

  it('a non-ASCII user (jürgen): our kinit → MIT klist and kvno; MIT kinit → our klist', async () => {
    const name = ACCOUNTS.jurgen.name;
    const occ = cache();
    const k = await ours(['kinit', '-c', occ, name], { input: `${ACCOUNTS.jurgen.password}\n` });
    expect(k.code, k.stderr).toBe(0);
    expect(await klist(['-c', occ])).toContain(`Default principal: ${name}@${R}`);
    expect((await mit('kvno', ['-c', occ, 'HTTP/web.samba.test'])).code).toBe(0);
    const mcc = cache();
    expect((await dc.kinit(name, ACCOUNTS.jurgen.password, ['-c', mcc])).code).toBe(0);
    const ol = await ours(['klist', '-c', mcc]);
    expect(ol.stdout).toContain(`Default principal: ${name}@${R}`);
    expect(untimed(ol.stdout)).toBe(untimed(await klist(['-c', mcc])));
  });

  for (const flags of [['-E'], ['-E', '-C']]) {
    it(`kinit ${flags.join(' ')} cyd.long@samba.test: our cache as MIT's (klist of both), and both kvnos use it`, async () => {
      const mcc = cache();
      const m = await dc.kinit('cyd.long@samba.test', ACCOUNTS.cyd.password, [...flags, '-c', mcc]);
      expect(m.code, m.stderr).toBe(0);
      const occ = cache();
      const o = await ours(['kinit', ...flags, '-c', occ, 'cyd.long@samba.test'], { input: `${ACCOUNTS.cyd.password}\n` });
      expect(o.code, o.stderr).toBe(0);
      const mitOut = await klist(['-f', '-c', mcc]);
      const ourOut = await klist(['-f', '-c', occ]);
      const want = flags.includes('-C') ? `cyd@${R}` : `cyd.long\\@samba.test@${R}`;
      expect(mitOut).toContain(`Default principal: ${want}\n`);
      expect(untimed(ourOut)).toBe(untimed(mitOut));
      // and our klist lists MIT's cache as MIT's klist does
      const ol = await ours(['klist', '-f', '-c', mcc]);
      expect(ol.code, ol.stderr).toBe(0);
      expect(untimed(ol.stdout)).toBe(untimed(mitOut));
      // The credential's client too (klist shows only the cache's): as MIT wrote it.
      const client = (p: string) => decodeCcache(new Uint8Array(readFileSync(p.slice('FILE:'.length)))).credentials.map((c) => c.client);
      expect(client(occ)).toEqual(client(mcc));
      // Service tickets with the enterprise-named TGT: MIT kvno from our cache, ours from MIT's.
      const mv = await mit('kvno', ['-c', occ, 'HTTP/web.samba.test']);
      expect(mv.code, mv.stderr).toBe(0);
      const ov = await ours(['kvno', '-c', mcc, 'HTTP/front.samba.test']);
      expect(ov.code, ov.stderr).toBe(0);
      expect(untimed(await klist(['-f', '-c', occ]))).toContain(`HTTP/web.samba.test@${R}`);
    });
  }

  it('tskrb5 kvno with MIT kvno’s flags (-S, -e, -k, -q, several services): the same output; service tickets flagged as MIT’s (FRAT)', async () => {
    const mcc = cache();
    const occ = cache();
    expect((await dc.kinit('bob', ACCOUNTS.bob.password, ['-c', mcc])).code).toBe(0);
    expect((await ours(['kinit', '-c', occ, 'bob'], { input: `${ACCOUNTS.bob.password}\n` })).code).toBe(0);
    const runs: string[][] = [
      ['-S', 'HTTP', 'web.samba.test'],
      ['-e', 'aes128-cts-hmac-sha1-96', 'HTTP/backend.samba.test'],
      ['-k', dc.keytabs.front, 'HTTP/front.samba.test'],
      ['-q', 'HTTP/localhost'],
      ['HTTP/rc4.samba.test', 'HTTP/nonexistent.samba.test'],
    ];
    for (const args of runs) {
      const m = await mit('kvno', ['-c', mcc, ...args]);
      const o = await ours(['kvno', '-c', occ, ...args]);
      expect({ code: o.code, stdout: o.stdout }, args.join(' ')).toEqual({ code: m.code, stdout: m.stdout });
    }
    const mitOut = await klist(['-f', '-e', '-c', mcc]);
    const ourOut = await klist(['-f', '-e', '-c', occ]);
    for (const svc of ['HTTP/web.samba.test', 'HTTP/backend.samba.test', 'HTTP/front.samba.test', 'HTTP/localhost', 'HTTP/rc4.samba.test']) {
      expect(flagsOf(mitOut, `${svc}@${R}`)).toBe('FRAT');
      expect(flagsOf(ourOut, `${svc}@${R}`), svc).toBe('FRAT');
    }
    expect(ourOut).toMatch(/HTTP\/backend\.samba\.test@SAMBA\.TEST\n(.*\n)\tEtype \(skey, tkt\): aes128-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96/);
    // kinit -F: no FORWARDABLE anywhere, as MIT.
    const mf = cache();
    const of = cache();
    expect((await dc.kinit('bob', ACCOUNTS.bob.password, ['-F', '-c', mf])).code).toBe(0);
    expect((await ours(['kinit', '-F', '-c', of, 'bob'], { input: `${ACCOUNTS.bob.password}\n` })).code).toBe(0);
    expect((await mit('kvno', ['-c', mf, 'HTTP/web.samba.test'])).code).toBe(0);
    expect((await ours(['kvno', '-c', of, 'HTTP/web.samba.test'])).code).toBe(0);
    const m2 = flagsOf(await klist(['-f', '-c', mf]), `HTTP/web.samba.test@${R}`);
    expect(m2).toBe('RAT');
    expect(flagsOf(await klist(['-f', '-c', of]), `HTTP/web.samba.test@${R}`)).toBe(m2);
  });

  it('negotiateMiddleware with the keytab samba-tool exported: curl, MIT’s SPNEGO initiator, our negotiateFetch with an enterprise principal', async () => {
    const errors: Error[] = [];
    const auth = negotiateMiddleware({ keytab: `FILE:${dc.keytabs.web}`, onError: (e) => errors.push(e) });
    const port = await listen(createServer((req, res) => auth(req, res, () => res.end(`hello ${req.negotiate!.principal}`))));
    const url = `http://localhost:${port}/`;
    const mcc = cache();
    expect((await dc.kinit('alice', ACCOUNTS.alice.password, ['-c', mcc])).code).toBe(0);
    const c = await spawnAsync('curl', ['-s', '-i', '--negotiate', '-u', ':', url], { KRB5CCNAME: mcc });
    expect(c.stdout, JSON.stringify(errors.map((e) => e.message))).toMatch(/^HTTP\/1\.1 200/m);
    expect(c.stdout).toMatch(/^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+\r$/m);
    expect(c.stdout.trimEnd().endsWith(`hello alice@${R}`)).toBe(true);
    // the same keytab for the account's other SPN, HTTP/web.samba.test (the name curl asks for)
    const cw = await spawnAsync('curl', ['-s', '--negotiate', '-u', ':', '--resolve', `web.samba.test:${port}:127.0.0.1`, `http://web.samba.test:${port}/`], { KRB5CCNAME: mcc });
    expect(cw.stdout).toBe(`hello alice@${R}`);
    expect(await klist(['-c', mcc])).toContain(`HTTP/web.samba.test@${R}`);
    // curl from the cache our kinit wrote (non-ASCII user)
    const occ = cache();
    expect((await ours(['kinit', '-c', occ, ACCOUNTS.jurgen.name], { input: `${ACCOUNTS.jurgen.password}\n` })).code).toBe(0);
    const c2 = await spawnAsync('curl', ['-s', '--negotiate', '-u', ':', url], { KRB5CCNAME: occ });
    expect(c2.stdout).toBe(`hello ${ACCOUNTS.jurgen.name}@${R}`);
    // MIT's SPNEGO initiator (python3-gssapi), mutual authentication
    const p = await spawnAsync(PY, [CLIENT, url, '--service', 'HTTP@localhost'], { KRB5CCNAME: mcc });
    const j = JSON.parse(p.stdout);
    expect(j.status, p.stdout + p.stderr).toBe(200);
    expect(j.complete).toBe(true);
    expect(j.body).toBe(`hello alice@${R}`);
    // An AS-REQ for an enterprise name without CANONICALIZE (kinit -E) gets a TGT whose client
    // is the enterprise name, and Samba's service tickets name it so: curl from MIT kinit -E's
    // cache (a DIR collection) is `cyd.long\@samba.test@SAMBA.TEST` to the server.
    const ent = `cyd.long\\@samba.test@${R}`;
    const dir = join(dc.dir, 'collection');
    const e = await dc.kinit('cyd.long@samba.test', ACCOUNTS.cyd.password, ['-E', '-c', `DIR:${dir}`]);
    expect(e.code, e.stderr).toBe(0);
    const c3 = await spawnAsync('curl', ['-s', '--negotiate', '-u', ':', url], { KRB5CCNAME: `DIR:${dir}` });
    expect(c3.stdout).toBe(`hello ${ent}`);
    // our negotiateFetch, logging in with the enterprise name (a memory cache), as kinit -E
    const f = createNegotiateFetch({ principal: 'cyd.long@samba.test', enterprise: true, password: ACCOUNTS.cyd.password, context: createKrb5Context({ env: dc.env }) });
    const res = await f(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`hello ${ent}`);
    // and choosing, by its enterprise name, the cache MIT's kinit -E wrote in the collection,
    // once MIT's kinit has made alice's cache the primary (the control: no principal → alice)
    const a = await dc.kinit('alice', ACCOUNTS.alice.password, [], { env: { KRB5CCNAME: `DIR:${dir}` } });
    expect(a.code, a.stderr).toBe(0);
    const f3 = createNegotiateFetch({ context: createKrb5Context({ env: { ...dc.env, KRB5CCNAME: `DIR:${dir}` } }) });
    expect(await (await f3(url)).text()).toBe(`hello alice@${R}`);
    const f2 = createNegotiateFetch({ principal: 'cyd.long@samba.test', enterprise: true, context: createKrb5Context({ env: { ...dc.env, KRB5CCNAME: `DIR:${dir}` } }) });
    const res2 = await f2(url);
    expect(res2.status).toBe(200);
    expect(await res2.text()).toBe(`hello ${ent}`);
    expect(errors).toEqual([]);
  });

  it('AD’s RC4 habit: no msDS-SupportedEncryptionTypes → an RC4 ticket; refused by default naming the attribute, accepted with allowWeakCrypto', async () => {
    const refusals: Error[] = [];
    const strict = negotiateMiddleware({ keytab: `FILE:${dc.keytabs.rc4}`, onError: (e) => refusals.push(e) });
    const weak = negotiateMiddleware({ keytab: `FILE:${dc.keytabs.rc4}`, allowWeakCrypto: true });
    const handler = (auth: typeof strict) => createServer((req, res) => auth(req, res, () => res.end(`hello ${req.negotiate!.principal}`)));
    const strictPort = await listen(handler(strict));
    const weakPort = await listen(handler(weak));
    const mcc = cache();
    expect((await dc.kinit('alice', ACCOUNTS.alice.password, ['-c', mcc])).code).toBe(0);
    const curl = (port: number) =>
      spawnAsync('curl', ['-s', '-i', '--negotiate', '-u', ':', '--resolve', `rc4.samba.test:${port}:127.0.0.1`, `http://rc4.samba.test:${port}/`], { KRB5CCNAME: mcc });
    const s = await curl(strictPort);
    expect(s.stdout).toMatch(/^HTTP\/1\.1 401/m);
    // The ticket is RC4 (an AES session key: MIT asked only for AES), as MIT klist -e shows.
    expect(await klist(['-e', '-c', mcc])).toMatch(/HTTP\/rc4\.samba\.test@SAMBA\.TEST\n[^\n]*Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, (DEPRECATED:)?arcfour-hmac/);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]!.message).toMatch(/arcfour-hmac \(RC4, etype 23\).*msDS-SupportedEncryptionTypes.*allowWeakCrypto/);
    const w = await curl(weakPort);
    expect(w.stdout).toMatch(/^HTTP\/1\.1 200/m);
    expect(w.stdout.trimEnd().endsWith(`hello alice@${R}`)).toBe(true);
  });
});

if (!IN_CI && missing.length > 0) {
  describe('tskrb5 against a Samba 4.17 AD DC (Heimdal KDC)', () => {
    it.skip(`skipped: missing ${missing.join(', ')} (sudo sh test/interop/install.sh)`, () => {});
  });
}
