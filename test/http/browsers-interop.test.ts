/**
 * Headless Chromium and Firefox ESR (Debian's packages) sign in to `negotiateMiddleware` over HTTP
 * and HTTPS, against a live MIT KDC, through the system GSSAPI (MIT's libgssapi_krb5, loaded by
 * the browser itself) with alice's ticket in a FILE ccache named by KRB5CCNAME and the realm's
 * KRB5_CONFIG in the browser's environment. Chromium is driven over the DevTools protocol (a pipe),
 * Firefox over WebDriver BiDi (test/interop/browsers.mjs); each in a fresh profile.
 *
 * For each browser and scheme: the page shows `alice@TSKRB5.TEST` (the server answers it from
 * req.negotiate.principal); the browser's token asked for delegation and the forwarded TGT is
 * stored with storeDelegatedCredentials into a FILE cache MIT klist lists (flag F) and MIT kvno
 * uses; the browser received our final SPNEGO token. Neither browser asks for mutual
 * authentication (no GSS_C_MUTUAL_FLAG, so there is no AP-REP to send: the final token is
 * accept-completed alone, read here by openssl asn1parse), and neither reads the final token (a
 * `reject` there still shows the page). Neither sends TLS channel bindings: over HTTPS the
 * middleware lets them through unbound and `requireChannelBindings: true` refuses them.
 * Controls: without the delegation setting no TGT comes; without the CA in the browser's NSS db
 * the certificate is refused; a Chromium profile without `net.received_http_auth_negotiate_headers`
 * in its Local State does not answer its first challenge.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { browserMissing, browserPackages, removeBrowserDir, startBrowser } from '../interop/browsers.mjs';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, startRealm, which } from '../interop/realm.mjs';
import { negotiateMiddleware } from '../../src/http/node/index.js';
import { GssFlags } from '../../src/iana/index.js';
import { storeDelegatedCredentials } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...new Set([...missingPeers(), ...browserMissing('chromium'), ...browserMissing('firefox'), ...(which('openssl') ? [] : ['openssl'])])];
const R = 'TSKRB5.TEST';
const PW = 'Browser-Pa55word!';
const ALICE = `alice@${R}`;
const KRB5_OID = '1.2.840.113554.1.2.2';

/** What the server saw and answered, one record per request. */
interface Seen {
  server: 'http' | 'https' | 'https-cb';
  path: string;
  token: boolean;
  status: number;
  www?: string;
  principal?: string;
  flags?: number;
  channelBound?: boolean;
  delegated?: boolean;
  stored?: string;
  storeError?: string;
}

interface Page {
  status: number;
  headers: Record<string, string>;
  body: string;
  url: string;
  error?: string;
}
interface Browser {
  browser: string;
  version: string;
  dir: string;
  open(url: string): Promise<Page>;
  log(): string;
  stop(): Promise<void>;
}

/** A DER TLV (short or long length). */
const der = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]), body]);
/** NegTokenResp { negState reject, responseToken: 16 bytes that are no AP-REP }: a final token no initiator should accept. */
const REJECT_FINAL = der(0xa1, der(0x30, Buffer.concat([der(0xa0, der(0x0a, Buffer.from([2]))), der(0xa2, der(0x04, Buffer.alloc(16, 0x6f)))]))).toString('base64');

const TITLE = 'headless Chromium and Firefox ESR sign in to negotiateMiddleware (live MIT KDC, system GSSAPI)';
describe.skipIf(!IN_CI && missing.length > 0)(missing.length ? `${TITLE} (skipped: ${missing.join(', ')} missing; run test/interop/install.sh)` : TITLE, () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  let dir = '';
  let caPem = '';
  let aliceCc = '';
  const servers: Server[] = [];
  const base = { http: '', https: '', 'https-cb': '' };
  const seen: Seen[] = [];
  const refusals: { server: string; message: string }[] = [];

  const run = (cmd: string, args: string[], input?: Buffer) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((ok) => {
      const p = execFile(cmd, args, { env: { ...process.env, ...realm.env }, encoding: 'utf8', timeout: 30_000 }, (e, stdout, stderr) =>
        ok({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      p.stdin?.on('error', () => {}); // klist and kvno exit without reading it
      p.stdin?.end(input ?? '');
    });

  /** The README's server, recording what it saw; delegated credentials stored in FILE:<dir>/deleg<path>.ccache. */
  const app = (server: Seen['server'], keytab: string, requireChannelBindings: boolean) => {
    const auth = negotiateMiddleware({ keytab, requireChannelBindings, onError: (e) => refusals.push({ server, message: e.message }) });
    return (req: IncomingMessage, res: ServerResponse) => {
      const rec: Seen = { server, path: req.url ?? '', token: /^Negotiate \S/i.test(req.headers.authorization ?? ''), status: 0 };
      seen.push(rec);
      res.on('finish', () => {
        rec.status = res.statusCode;
        const w = res.getHeader('www-authenticate');
        if (w !== undefined) rec.www = String(w);
      });
      auth(req, res, async () => {
        const n = req.negotiate!;
        Object.assign(rec, { principal: n.principal, flags: n.context.flags, channelBound: n.channelBound, delegated: n.context.delegated !== undefined });
        if (n.context.delegated) {
          const cc = `FILE:${dir}/deleg${rec.path.replaceAll('/', '-')}.ccache`;
          try {
            await storeDelegatedCredentials(n.context.delegated, cc);
            rec.stored = cc;
          } catch (e) {
            rec.storeError = (e as Error).message;
          }
        }
        if (rec.path.endsWith('/reject-final')) res.setHeader('WWW-Authenticate', `Negotiate ${REJECT_FINAL}`);
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><title>signed in</title><p>${n.principal.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</p>`);
      });
    };
  };
  const listen = (s: Server, scheme: string) => new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`${scheme}://localhost:${(s.address() as AddressInfo).port}`)));
  const hits = (server: Seen['server'], path: string) => seen.filter((s) => s.server === server && s.path === path);

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R });
    dir = realm.dir;
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    const kt = await realm.ktadd(`HTTP/localhost@${R}`, join(dir, 'http.keytab'));
    aliceCc = `FILE:${join(dir, 'alice.ccache')}`;
    const k = await realm.kinit('alice', PW, ['-f', '-c', aliceCc]);
    expect(k.code).toBe(0);
    // a CA and a certificate for localhost it signed (P-256), as an operator's internal CA would
    const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ossl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=tskrb5 browsers test CA',
    ]);
    ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=localhost']);
    writeFileSync(join(dir, 'tls.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
    ossl(['x509', '-req', '-in', 'tls.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.pem', '-days', '2', '-extfile', 'tls.ext']);
    caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const tls = { key: readFileSync(join(dir, 'tls.key')), cert: readFileSync(join(dir, 'tls.pem')) };
    const http = createServer(app('http', kt, false));
    const https = createHttpsServer(tls, app('https', kt, false));
    const httpsCb = createHttpsServer(tls, app('https-cb', kt, true));
    servers.push(http, https, httpsCb);
    base.http = await listen(http, 'http');
    base.https = await listen(https, 'https');
    base['https-cb'] = await listen(httpsCb, 'https');
    console.info('browsers-interop: Debian packages', JSON.stringify(browserPackages()));
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) s.close();
    await realm?.stop();
  });

  /** The browser's environment: the realm's krb5.conf and alice's FILE ccache. */
  const browserEnv = () => ({ ...process.env, ...realm.env, KRB5CCNAME: aliceCc });

  /** The final token we sent, parsed by openssl: accept-completed, krb5, and no response token. */
  const expectAcceptCompletedWithoutApRep = async (www: string | undefined) => {
    expect(www).toMatch(/^Negotiate [A-Za-z0-9+/=]+$/);
    const a = await run('openssl', ['asn1parse', '-inform', 'DER'], Buffer.from(www!.slice(10), 'base64'));
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/d=0 .* cont \[ 1 \]/); // NegotiationToken: negTokenResp
    expect(a.stdout).toMatch(/ENUMERATED\s+:00/); // negState accept-completed
    expect(a.stdout).toContain(`OBJECT            :${KRB5_OID}`); // supportedMech
    expect(a.stdout).not.toMatch(/cont \[ 2 \]/); // no responseToken: no AP-REP was asked for
  };

  for (const name of ['chromium', 'firefox'] as const) {
    describe(name, () => {
      let b: Browser;
      beforeAll(async () => {
        if (missing.length) return;
        b = await startBrowser(name, { env: browserEnv(), allow: 'localhost', delegate: 'localhost', ca: caPem });
        console.info(`browsers-interop: ${name} reports ${b.version}`);
      }, 60_000);
      afterAll(async () => {
        await b?.stop();
      });

      for (const scheme of ['http', 'https'] as const) {
        it(`${scheme}: signs in as alice with its own token and delegates; the TGT is stored, MIT klist lists it forwarded and MIT kvno uses it`, async () => {
          const path = `/${name}-${scheme}`;
          const page = await b.open(`${base[scheme]}${path}`);
          expect(page.error).toBeUndefined();
          expect(page.status).toBe(200);
          expect(page.body).toBe(ALICE);
          // the challenge, then the browser's own token (asked for delegation, not for mutual authentication)
          const h = hits(scheme, path);
          expect(h.map((x) => [x.token, x.status])).toEqual([
            [false, 401],
            [true, 200],
          ]);
          const ok = h[1]!;
          expect(ok.principal).toBe(ALICE);
          expect(ok.flags! & GssFlags.GSS_C_DELEG_FLAG).not.toBe(0);
          expect(ok.flags! & GssFlags.GSS_C_MUTUAL_FLAG).toBe(0);
          // no TLS channel bindings from the browser: let through unbound
          expect(ok.channelBound).toBe(false);
          // our final token reached the browser as we sent it
          expect(page.headers['www-authenticate']).toBe(ok.www);
          await expectAcceptCompletedWithoutApRep(ok.www);
          // the system GSSAPI used alice's FILE cache: MIT's library stored the service ticket there
          const a = await run('klist', ['-c', aliceCc]);
          expect(a.stdout).toContain(`HTTP/localhost@${R}`);
          // the delegated TGT: stored, listed by MIT klist as forwarded, and good at the KDC
          expect(ok.storeError).toBeUndefined();
          expect(ok.delegated).toBe(true);
          const cc = ok.stored!;
          expect(cc).toBe(`FILE:${dir}/deleg${path.replaceAll('/', '-')}.ccache`);
          const k = await run('klist', ['-f', '-c', cc]);
          expect(k.stdout).toContain(`Default principal: ${ALICE}`);
          expect(k.stdout).toContain(`krbtgt/${R}@${R}`);
          expect(k.stdout).toMatch(/Flags: [A-Za-z]*F/);
          const v = await run('kvno', ['-c', cc, `HTTP/localhost@${R}`]);
          expect(v.stderr).toBe('');
          expect(v.stdout).toMatch(new RegExp(`HTTP/localhost@${R}: kvno = \\d+`));
        });
      }

      it('https with requireChannelBindings: true: refused, since the browser sends no channel bindings', async () => {
        const path = `/${name}-https-cb`;
        const before = refusals.length;
        const page = await b.open(`${base['https-cb']}${path}`);
        expect(page.status).toBe(401);
        expect(page.body).not.toContain(ALICE);
        const h = hits('https-cb', path);
        expect(h.some((x) => x.token && x.status === 401)).toBe(true);
        expect(h.every((x) => x.status === 401 && x.principal === undefined)).toBe(true);
        const why = refusals.slice(before).filter((r) => r.server === 'https-cb');
        expect(why.length).toBeGreaterThan(0);
        expect(why[0]!.message).toMatch(/channel bindings/i);
      });

      it('the browser does not read the final token: a 200 whose token says reject still shows the page', async () => {
        const path = `/${name}-http/reject-final`;
        const page = await b.open(`${base.http}${path}`);
        const ok = hits('http', path).find((x) => x.status === 200)!;
        expect(ok.www).toBe(`Negotiate ${REJECT_FINAL}`);
        expect(page.headers['www-authenticate']).toBe(ok.www);
        expect(page.status).toBe(200);
        expect(page.body).toBe(ALICE);
      });
    });

    describe(`${name}, controls`, () => {
      let b: Browser;
      beforeAll(async () => {
        if (missing.length) return;
        // allowed to answer Negotiate, but not to delegate, and without our CA
        b = await startBrowser(name, { env: browserEnv(), allow: 'localhost' });
      }, 60_000);
      afterAll(async () => {
        await b?.stop();
      });

      it('without the delegation setting: signed in, no TGT', async () => {
        const path = `/${name}-nodeleg`;
        const page = await b.open(`${base.http}${path}`);
        expect(page.body).toBe(ALICE);
        const ok = hits('http', path).find((x) => x.status === 200)!;
        expect(ok.flags! & GssFlags.GSS_C_DELEG_FLAG).toBe(0);
        expect(ok.delegated).toBe(false);
      });

      it('without our CA in its NSS db: the certificate is refused and no request arrives', async () => {
        const path = `/${name}-untrusted`;
        const page = await b.open(`${base.https}${path}`);
        expect(page.error).toMatch(name === 'chromium' ? /ERR_CERT_AUTHORITY_INVALID/ : /SEC_ERROR_UNKNOWN_ISSUER/);
        expect(hits('https', path)).toEqual([]);
      });
    });
  }

  it('chromium, control: a profile whose Local State lacks net.received_http_auth_negotiate_headers leaves its first challenge unanswered, then sets it and answers the next', async () => {
    const bdir = mkdtempSync(join(tmpdir(), 'tskrb5-chromium-'));
    const b: Browser = await startBrowser('chromium', { env: browserEnv(), dir: bdir, allow: 'localhost', negotiateSeen: false });
    try {
      const first = await b.open(`${base.http}/chromium-new-profile`);
      expect(first.status).toBe(401);
      expect(hits('http', '/chromium-new-profile').map((x) => [x.token, x.status])).toEqual([[false, 401]]);
      const second = await b.open(`${base.http}/chromium-new-profile-again`);
      expect(second.body).toBe(ALICE);
      expect(hits('http', '/chromium-new-profile-again').map((x) => [x.token, x.status])).toEqual([
        [false, 401],
        [true, 200],
      ]);
      await b.stop();
      // written on exit: the profile now remembers that it has seen a Negotiate challenge
      const state = JSON.parse(readFileSync(join(bdir, 'profile', 'Local State'), 'utf8'));
      expect(state.net?.received_http_auth_negotiate_headers).toBe(true);
    } finally {
      await b.stop();
      await removeBrowserDir(bdir); // Chromium's helpers may still be writing the profile after it exits
    }
  });
});
