// A Kerberos KDC proxy (MS-KKDCP) on 127.0.0.1: Debian's python3-kdcproxy (Red Hat's kdcproxy
// WSGI application) under the standard library's wsgiref server, over HTTPS with a self-signed
// certificate for localhost / 127.0.0.1, forwarding to one realm's KDC. Its configuration is a
// kdcproxy.conf in `dir` named by KDCPROXY_CONFIG (kdcproxy's own variable), with DNS off, so it
// reaches exactly the realm's krb5kdc. Needs /usr/bin/python3 (the python3 on PATH may be
// another build without the package) and openssl.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killChild, trackChild, which } from './realm.mjs';

export const SYSTEM_PYTHON = process.env.TSKRB5_PYTHON ?? '/usr/bin/python3';

/** MIT's TLS plugin (package krb5-k5tls), without which MIT's tools cannot use an https:// kdc. */
export const K5TLS = '/usr/lib/x86_64-linux-gnu/krb5/plugins/tls/k5tls.so';

/** What is missing to run the proxy and MIT's client through it: [] when all is there. */
export function kdcproxyMissing() {
  const out = [];
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import kdcproxy, kdcproxy.codec'], { stdio: 'ignore' });
  } catch {
    out.push('python3-kdcproxy');
  }
  if (!which('openssl')) out.push('openssl');
  if (!existsSync(K5TLS)) out.push('krb5-k5tls');
  return out;
}

// The server: kdcproxy's WSGI application on /KdcProxy, everything else 404. The application
// reads KDCPROXY_CONFIG when it is created, so the variable is set before the import.
const SERVER_PY = `
import ssl, sys
from wsgiref.simple_server import make_server, WSGIRequestHandler, WSGIServer
import kdcproxy

cert, key, path = sys.argv[1], sys.argv[2], sys.argv[3]
app = kdcproxy.Application()

def routed(environ, start_response):
    if environ.get('PATH_INFO') != path:
        start_response('404 Not Found', [('Content-Type', 'text/plain')])
        return [b'not found']
    return app(environ, start_response)

class Handler(WSGIRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write('kdcproxy: ' + (fmt % args) + '\\n')

class Server(WSGIServer):
    # A failed TLS handshake (a client that does not trust the certificate) must not stop the server.
    def handle_error(self, request, client_address):
        sys.stderr.write('kdcproxy: error from %s: %s\\n' % (client_address, sys.exc_info()[1]))

httpd = make_server('127.0.0.1', 0, routed, server_class=Server, handler_class=Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=True)
print('LISTENING %d' % httpd.server_port, flush=True)
httpd.serve_forever()
`;

/** A self-signed EC certificate for localhost and 127.0.0.1 in dir: { cert, key } paths. */
export function makeCert(dir) {
  const cert = join(dir, 'kdcproxy-cert.pem');
  const key = join(dir, 'kdcproxy-key.pem');
  execFileSync(
    which('openssl') ?? 'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
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
 * Start the proxy for a realm handle from startRealm() (its realm name and KDC port). dir
 * defaults to `${realm.dir}/kdcproxy`; path defaults to /KdcProxy; transport 'tcp' (default),
 * 'udp' or 'any' picks how the proxy reaches the KDC (kerberos+tcp://, kerberos+udp://,
 * kerberos://). Resolves { url, port, cert, certPem, conf, pid, pids(), log(), stop() }; url
 * is https://localhost:PORT/KdcProxy.
 */
export async function startKdcProxy({ realm, dir, path = '/KdcProxy', transport = 'tcp' }) {
  dir ??= join(realm.dir, 'kdcproxy');
  mkdirSync(dir, { recursive: true });
  const { cert, key } = makeCert(dir);
  const conf = join(dir, 'kdcproxy.conf');
  const scheme = transport === 'any' ? 'kerberos' : `kerberos+${transport}`;
  writeFileSync(conf, `[global]\nuse_dns = false\n\n[${realm.realm}]\nkerberos = ${scheme}://127.0.0.1:${realm.kdcPort}\n`);
  const script = join(dir, 'kdcproxy-server.py');
  writeFileSync(script, SERVER_PY);
  const env = { ...realm.env, KDCPROXY_CONFIG: conf, PYTHONDONTWRITEBYTECODE: '1' };
  const child = trackChild(spawn(SYSTEM_PYTHON, [script, cert, key, path], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-16000)));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`kdcproxy did not start: ${err}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (c) => {
      clearTimeout(t);
      reject(new Error(`kdcproxy exited ${c}: ${err}`));
    });
  }).catch(async (e) => {
    await killChild(child);
    throw e;
  });
  let stopped = false;
  return {
    port,
    url: `https://localhost:${port}${path}`,
    cert,
    certPem: readFileSync(cert, 'utf8'),
    conf,
    pid: child.pid,
    pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    log: () => err,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(child);
    },
  };
}
