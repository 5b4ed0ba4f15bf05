/**
 * `tskrb5 demo` (what `npm start` runs): the whole flow on an embedded KDC, with nothing of
 * Kerberos installed and nothing of the user's touched — a KDC on 127.0.0.1 and port 0, alice
 * logged in into a cache of the demo's own (a temp directory), a Negotiate-protected HTTP server
 * (negotiateMiddleware, with a keytab the KDC exported) that calls a backend as alice with the
 * credentials she delegated, negotiateFetch calling it (mutual authentication verified), each
 * step printed with what went over the wire, then everything stopped.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { unwrapInitialToken, decodeKrb5Message } from '../../gssapi/index.js';
import { negotiateMiddleware, type NegotiateRequestInfo } from '../../http/node/server.js';
import { negotiateFetch } from '../../http/node/index.js';
import { enctypeName, Oid } from '../../iana/index.js';
import { startKdc } from '../../kdc/node/server.js';
import { unparsePrincipal } from '../../messages/index.js';
import { decodeSpnegoToken } from '../../spnego/index.js';
import { runKlist } from '../klist/klist.js';

type Out = (s: string) => void;
const REALM = 'DEMO.TSKRB5.TEST';
const PASSWORD = 'demo-Pa55word';

const MECHS: Record<string, string> = { [Oid.KRB5]: 'krb5', [Oid.SPNEGO]: 'SPNEGO', [Oid.NTLMSSP]: 'NTLM', '1.2.840.48018.1.2.2': 'krb5 (MS)' };

/** One line about a Negotiate token: SPNEGO's shape and the Kerberos message inside. */
function brief(b64: string | undefined): string {
  if (!b64) return 'none';
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  try {
    const { token } = decodeSpnegoToken(bytes);
    let inner: Uint8Array | undefined;
    let head: string;
    if (token.type === 'negTokenResp') {
      const states = ['accept-completed', 'accept-incomplete', 'reject', 'request-mic'];
      head = `SPNEGO NegTokenResp ${states[token.value.negState ?? -1] ?? ''}${token.value.supportedMech ? `, mech ${MECHS[token.value.supportedMech] ?? token.value.supportedMech}` : ''}`;
      inner = token.value.responseToken;
    } else {
      head = `SPNEGO NegTokenInit mechs [${token.value.mechTypes.map((m) => MECHS[m] ?? m).join(', ')}]`;
      inner = token.value.mechToken;
    }
    if (!inner) return `${head} (${bytes.length} bytes)`;
    const m = decodeKrb5Message(inner).message;
    if (m.type === 'AP-REQ') {
      const t = m.value.ticket;
      const server = unparsePrincipal({ components: t.sname.nameString, realm: t.realm });
      const mutual = (m.value.apOptions & 0x20000000) !== 0;
      return `${head}; AP-REQ: ticket for ${server} (${enctypeName(t.encPart.etype)}, kvno ${t.encPart.kvno ?? '-'})${mutual ? ', mutual-required' : ''}, authenticator ${m.value.authenticator.cipher.length} bytes (${bytes.length} bytes)`;
    }
    if (m.type === 'AP-REP') return `${head}; AP-REP: the server's proof (${enctypeName(m.value.encPart.etype)}) (${bytes.length} bytes)`;
    return `${head}; KRB-ERROR ${m.value.errorCode} (${bytes.length} bytes)`;
  } catch {
    try {
      unwrapInitialToken(bytes);
      return `a GSS-API token (${bytes.length} bytes)`;
    } catch {
      return `${bytes.length} bytes`;
    }
  }
}

const indent =
  (to: Out): Out =>
  (s) => {
    for (const line of s.split('\n')) to(line ? `   ${line}` : '');
  };

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Runs the demo; resolves to the exit status. */
export async function runDemo(argv: readonly string[], out: Out, err: Out): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out('Usage: tskrb5 demo\n\nStarts an embedded KDC, logs alice in, and calls a Negotiate-protected server that calls a backend as her (delegation).');
    return 0;
  }
  if (argv.length > 0) {
    err(`tskrb5 demo: unexpected argument ${argv[0]}`);
    return 2;
  }
  const t0 = performance.now();
  let last = t0;
  const took = () => {
    const now = performance.now();
    const ms = now - last;
    last = now;
    return `[${ms.toFixed(1)} ms]`;
  };
  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-demo-'));
  const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME, KRB5RCACHEDIR: process.env.KRB5RCACHEDIR, KRB5_KTNAME: process.env.KRB5_KTNAME };
  const servers: http.Server[] = [];
  let kdc: Awaited<ReturnType<typeof startKdc>> | undefined;
  try {
    out('tskrb5 demo: Kerberos and Negotiate end to end on an embedded KDC (nothing installed, nothing of yours touched)\n');

    kdc = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: PASSWORD, groups: ['staff', 'developers'] }, { name: 'HTTP/localhost', okAsDelegate: true }, { name: 'HTTP/127.0.0.1' }],
    });
    out(`1. KDC for ${REALM} on ${kdc.host}:${kdc.port} (UDP and TCP) ${took()}`);
    out('   principals: alice (password; groups staff, developers; a PAC in her tickets), HTTP/localhost (the web server, ok-as-delegate), HTTP/127.0.0.1 (its backend)');

    // Everything below reads this process's environment only: the KDC's krb5.conf, the demo's cache.
    const cc = `FILE:${join(dir, 'ccache')}`;
    process.env.KRB5_CONFIG = kdc.krb5ConfPath;
    process.env.KRB5CCNAME = cc;
    process.env.KRB5RCACHEDIR = dir;
    delete process.env.KRB5_KTNAME;

    await kdc.kinit('alice', PASSWORD, cc, { forwardable: true });
    out(`\n2. kinit alice (PA-ENC-TIMESTAMP pre-authentication) into ${cc} ${took()}`);
    await runKlist(['-f', '-e', cc], indent(out), indent(err));

    const frontKeytab = join(dir, 'front.keytab');
    const backKeytab = join(dir, 'backend.keytab');
    kdc.keytab('HTTP/localhost', frontKeytab);
    kdc.keytab('HTTP/127.0.0.1', backKeytab);

    const seen: string[] = [];
    const backendAuth = negotiateMiddleware({ keytab: backKeytab });
    const backend = http.createServer((req, res) =>
      backendAuth(req, res, () => {
        const info = (req as http.IncomingMessage & { negotiate?: NegotiateRequestInfo }).negotiate!;
        seen.push(`   backend saw ${info.principal} (local user ${info.user ?? '-'}), ${req.method} ${req.url}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ service: 'backend', client: info.principal }));
      }),
    );
    const backPort = await listen(backend, '127.0.0.1');
    servers.push(backend);
    const backUrl = `http://127.0.0.1:${backPort}/orders`;

    const frontAuth = negotiateMiddleware({ keytab: frontKeytab });
    const front = http.createServer((req, res) => {
      const token = /^Negotiate\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
      seen.push(`   → ${req.method} ${req.url}  Authorization: ${token ? `Negotiate ${brief(token)}` : 'none'}`);
      res.on('finish', () => {
        const h = res.getHeader('www-authenticate');
        const answer = /^Negotiate\s+(\S+)/i.exec(typeof h === 'string' ? h : '')?.[1];
        seen.push(`   ← ${res.statusCode}  WWW-Authenticate: ${h === undefined ? 'none' : answer ? `Negotiate ${brief(answer)}` : String(h)}`);
      });
      frontAuth(req, res, () => {
        const info = (req as http.IncomingMessage & { negotiate?: NegotiateRequestInfo }).negotiate!;
        seen.push(`   web server saw ${info.principal} (local user ${info.user ?? '-'}); delegated credentials: ${info.delegated ? 'yes (a forwarded TGT)' : 'no'}`);
        // the groups from the verified PAC (LOGON_INFO), as SIDs; named from the KDC's database
        const named = info.groups.map((sid) => {
          const rid = sid.startsWith(`${kdc!.db.domainSid}-`) ? Number(sid.slice(kdc!.db.domainSid.length + 1)) : Number.NaN;
          const name = Number.isNaN(rid) ? undefined : kdc!.db.groupName(rid);
          return name ? `${name} (…-${rid})` : sid;
        });
        seen.push(`   groups (from the ticket's PAC, verified): ${named.join(', ') || '-'}`);
        if (!info.delegated) {
          res.statusCode = 500;
          res.end('no delegated credentials');
          return;
        }
        info.delegated
          .fetch(backUrl)
          .then(async (r) => {
            const body = await r.text();
            seen.push(`   web server → backend as ${info.principal}: ${r.status} ${body}`);
            res.setHeader('content-type', 'text/plain');
            res.end(`hello ${info.user ?? info.principal}; the backend answered ${r.status} ${body}\n`);
          })
          .catch((e: Error) => {
            res.statusCode = 502;
            res.end(`backend: ${e.message}\n`);
          });
      });
    });
    const frontPort = await listen(front, '127.0.0.1');
    servers.push(front);
    const frontUrl = `http://localhost:${frontPort}/`;
    out(`\n3. web server ${frontUrl} (negotiateMiddleware, keytab exported by the KDC) and its backend ${backUrl} ${took()}`);

    out(`\n4. negotiateFetch('${frontUrl}', { delegate: true }), mutual authentication required`);
    const res = await negotiateFetch(frontUrl, undefined, { delegate: true, mutualAuthentication: 'required' });
    const body = await res.text();
    for (const line of seen) out(line);
    out(`   mutual authentication: verified (the AP-REP in the 200 opened with the session key)`);
    out(`   response ${res.status}: ${body.trim()} ${took()}`);

    out(`\n5. the KDC's log`);
    // without the timestamps and the client's enctype lists
    for (const line of kdc.logs) out(`   ${line.replace(/^\S+ /, '').replace(/ \(\d+ etypes \{[^}]*\}\)/, '')}`);
    out(`\n6. the demo cache after the call`);
    await runKlist(['-f', cc], indent(out), indent(err));
    if (res.status !== 200) {
      err(`tskrb5 demo: the web server answered ${res.status}`);
      return 1;
    }
    return 0;
  } catch (e) {
    err(`tskrb5 demo: ${(e as Error).message}`);
    return 1;
  } finally {
    for (const s of servers) await close(s);
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    out(`\n7. stopped the KDC and both servers, removed ${dir} — total ${(performance.now() - t0).toFixed(0)} ms`);
  }
}
