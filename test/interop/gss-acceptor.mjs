// Start test/interop/gss-acceptor.py (python3-gssapi Negotiate acceptor) on 127.0.0.1.
// Needs /usr/bin/python3 with gssapi (the python3 on PATH may be another build).
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { killChild, trackChild, which } from './realm.mjs';

export const SYSTEM_PYTHON = process.env.TSKRB5_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./gss-acceptor.py', import.meta.url));

export function gssAcceptorMissing() {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import gssapi'], { stdio: 'ignore' });
    return [];
  } catch {
    return ['python3-gssapi'];
  }
}

/**
 * A self-signed certificate for CN=localhost (SAN DNS:localhost, IP:127.0.0.1) made by openssl in
 * dir. curve: 'prime256v1' (default) or 'secp384r1'…; digest: openssl's -sha256 (default), -sha384…
 * Resolves { cert, key } (paths).
 */
export function makeSelfSignedCert(dir, { curve = 'prime256v1', digest = 'sha256', name = 'gss-tls' } = {}) {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync(
    which('openssl') ?? 'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      `ec_paramgen_curve:${curve}`,
      `-${digest}`,
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/**
 * Start the acceptor for a realm. keytab: the acceptor's keytab (e.g. Apache's HTTP/localhost
 * keytab); service: optional hostbased name 'HTTP@localhost'; cbHex: required channel-binding
 * application data (every Negotiate path); tls: true (self-signed EC P-256 cert made here) or
 * { cert, key } (PEM paths) to serve HTTPS; delegDir: where delegated credentials are stored
 * (default a new dir under realm.dir; false: not stored). Resolves
 * { url (base, no trailing slash), whoamiUrl (url + path), port, tls, certPem?, keyPem?,
 *   tlsServerEndPoint? (hex application_data the acceptor expects on /cb-required), cbHash?,
 *   delegDir, pid, pids(), log(), stats(), get(path, headers?), stop() }.
 */
export async function startGssAcceptor({ realm, keytab, service, cbHex, tls, delegDir, path = '/whoami' }) {
  const args = [SCRIPT];
  if (service) args.push('--service', service);
  if (cbHex) args.push('--cb-hex', cbHex);
  let certPem, keyPem;
  if (tls) {
    if (tls === true || !tls.cert || !tls.key) {
      ({ cert: certPem, key: keyPem } = makeSelfSignedCert(mkdtempSync(join(realm.dir, 'gss-tls-'))));
    } else {
      certPem = tls.cert;
      keyPem = tls.key;
    }
    args.push('--tls-cert', certPem, '--tls-key', keyPem);
  }
  const deleg = delegDir === false ? null : (delegDir ?? mkdtempSync(join(realm.dir, 'gss-deleg-')));
  if (deleg) args.push('--deleg-dir', deleg);
  const env = { ...realm.env, KRB5_KTNAME: `FILE:${keytab}`, PYTHONDONTWRITEBYTECODE: '1' };
  const child = trackChild(spawn(SYSTEM_PYTHON, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-8000)));
  let tlsServerEndPoint, cbHash;
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`gss-acceptor.py did not start: ${err}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const c = /TLS_SERVER_END_POINT ([0-9a-f]+) (\w+)/.exec(out);
      if (c) [, tlsServerEndPoint, cbHash] = c;
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (c) => {
      clearTimeout(t);
      reject(new Error(`gss-acceptor.py exited ${c}: ${err}`));
    });
  }).catch(async (e) => {
    await killChild(child);
    throw e;
  });
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://localhost:${port}`;
  const ca = certPem ? readFileSync(certPem) : undefined;

  /** One request to 127.0.0.1 (Host/SNI localhost): resolves { status, headers, body }. */
  const request = (method, p, headers = {}, body) =>
    new Promise((resolve, reject) => {
      const mod = tls ? https : http;
      const req = mod.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: p,
          servername: 'localhost',
          ca,
          agent: false,
          headers: { Host: `localhost:${port}`, ...headers },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  let stopped = false;
  return {
    port,
    url,
    whoamiUrl: url + path,
    tls: !!tls,
    certPem,
    keyPem,
    tlsServerEndPoint,
    cbHash,
    delegDir: deleg,
    pid: child.pid,
    pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    log: () => err,
    request,
    get: (p, headers) => request('GET', p, headers),
    /** { path: number of requests } (all methods; /_stats itself not counted). */
    async stats() {
      return JSON.parse((await request('GET', '/_stats')).body).hits;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(child);
    },
  };
}
