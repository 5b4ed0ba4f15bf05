#!/usr/bin/python3
"""A tiny independent Negotiate acceptor over python3-gssapi (MIT libgssapi_krb5).

Any method (GET, POST, PUT, DELETE, ...) on any path with `Authorization: Negotiate <b64>` (SPNEGO
or raw krb5 token). On success: 200, `WWW-Authenticate: Negotiate <b64 reply>` when there is a
reply token, and a JSON body
  {"user", "mech", "token" (spnego|krb5), "delegated", "deleg_ccache", "flags", "channel_bound",
   "method", "path", "body_sha256", "body_length", "tls"}.
Without a Negotiate header: 401 `WWW-Authenticate: Negotiate` (a request body is read and
discarded first). Each request is a fresh one-round context (krb5 needs one round; so does SPNEGO
with an optimistic krb5 token); a continuation token is answered with 401 + that token.

Options:
  --port N             (default: any free port)
  --service NAME       acceptor name, e.g. HTTP@localhost (default: any key in the keytab)
  --cb-hex HEX         channel-binding application_data required on every Negotiate path
  --tls-cert PEM --tls-key PEM
                       serve HTTPS. Negotiate paths then pass the RFC 5929 tls-server-end-point
                       bindings of this certificate to the acceptor (MIT: an initiator that sends
                       no bindings is still accepted, wrong bindings are refused, right bindings
                       set GSS_C_CHANNEL_BOUND_FLAG -> "channel_bound": true). --cb-hex wins.
  --deleg-dir DIR      store delegated credentials into FILE:DIR/deleg-<n>.ccache ("deleg_ccache")

Paths with special behaviour (every other path behaves as above):
  /cb-required   TLS only: tls-server-end-point bindings required (the context must be
                 channel-bound); 401 {"error", "cb": "missing"|"mismatch"} otherwise
  /cb-ignored    no bindings passed to the acceptor at all (anything the initiator sends is accepted)
  /no-mutual     accept, but 200 without a WWW-Authenticate reply token
  /bad/garbage   accept, 200 with `WWW-Authenticate: Negotiate <b64 of random bytes>`
  /bad/truncated accept, 200 with the first half of the real reply token
  /bad/replay    accept, 200 with the reply token of the previous success on this path (first: real)
  /bad/corrupt   accept, 200 with the real reply token with one byte flipped near its end
  /ntlm-only     always 401 `WWW-Authenticate: NTLM` (never Negotiate)
  /ok-no-token   200 without any authentication (JSON says whether Authorization was sent)
  /double-401    always 401 `WWW-Authenticate: Negotiate`, even for a valid token
  /_stats        200 {"hits": {path: count}} (no authentication; not counted)

Prints `TLS_SERVER_END_POINT <hex application_data> <hash>` (with TLS) and then
`LISTENING <port>` on stdout once it listens. Keytab from KRB5_KTNAME.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import gssapi
import gssapi.raw

KRB5 = gssapi.OID.from_int_seq('1.2.840.113554.1.2.2')
SPNEGO = gssapi.OID.from_int_seq('1.3.6.1.5.5.2')
CHANNEL_BOUND = 0x800  # GSS_C_CHANNEL_BOUND_FLAG (MIT >= 1.19); gssapi.RequirementFlag.channel_bound

# signatureAlgorithm OID -> hash name (RFC 5929 4.1), for when `cryptography` is unavailable
SIG_HASH = {
    '1.2.840.113549.1.1.4': 'md5', '1.2.840.113549.1.1.5': 'sha1',
    '1.2.840.113549.1.1.14': 'sha224', '1.2.840.113549.1.1.11': 'sha256',
    '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
    '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.1': 'sha224', '1.2.840.10045.4.3.2': 'sha256',
    '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
    '1.2.840.10040.4.3': 'sha1', '2.16.840.1.101.3.4.3.1': 'sha224', '2.16.840.1.101.3.4.3.2': 'sha256',
}


def _der_item(b, i):
    """(tag, content_start, content_end) of the DER item at b[i]."""
    tag = b[i]
    n = b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i:i + k], 'big')
        i += k
    return tag, i, i + n


def _oid_str(c):
    first = c[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    v = 0
    for x in c[1:]:
        v = (v << 7) | (x & 0x7f)
        if not x & 0x80:
            parts.append(v)
            v = 0
    return '.'.join(map(str, parts))


def sig_hash_from_der(der):
    """Hash name of the certificate's signatureAlgorithm (minimal DER walk), or None."""
    _, s, _ = _der_item(der, 0)          # Certificate SEQUENCE
    _, _, e = _der_item(der, s)          # tbsCertificate
    _, s2, _ = _der_item(der, e)         # signatureAlgorithm SEQUENCE
    tag, s3, e3 = _der_item(der, s2)     # algorithm OID
    return SIG_HASH.get(_oid_str(der[s3:e3])) if tag == 0x06 else None


def tls_server_end_point(cert_file):
    """RFC 5929 tls-server-end-point application_data of the first certificate in cert_file."""
    text = open(cert_file).read()
    m = re.search(r'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----', text, re.S)
    der = ssl.PEM_cert_to_DER_cert(m.group(0))
    name = None
    try:
        from cryptography import x509
        try:
            alg = x509.load_der_x509_certificate(der).signature_hash_algorithm
            name = alg.name if alg is not None else None
        except Exception:  # noqa: BLE001 - e.g. UnsupportedAlgorithm (RSA-PSS): walk the DER
            name = sig_hash_from_der(der)
    except ImportError:
        name = sig_hash_from_der(der)
    # MD5 and SHA-1 are replaced by SHA-256; so is a signature without a separate hash (Ed25519)
    if name in (None, 'md5', 'sha1'):
        name = 'sha256'
    return b'tls-server-end-point:' + hashlib.new(name, der).digest(), name


class TlsServer(ThreadingHTTPServer):
    """HTTPS: the TLS handshake runs in the request thread, not in the accept loop."""
    ssl_ctx = None

    def get_request(self):
        sock, addr = super().get_request()
        if self.ssl_ctx is not None:
            sock = self.ssl_ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--service', default=None, help='acceptor name, e.g. HTTP@localhost (default: any key in the keytab)')
    ap.add_argument('--cb-hex', default=None, help='require these channel-binding application_data bytes')
    ap.add_argument('--tls-cert', default=None, help='serve HTTPS with this PEM certificate')
    ap.add_argument('--tls-key', default=None, help='PEM private key of --tls-cert')
    ap.add_argument('--deleg-dir', default=None, help='store delegated credentials here (FILE ccaches)')
    args = ap.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error('--tls-cert and --tls-key go together')

    name = gssapi.Name(args.service, gssapi.NameType.hostbased_service) if args.service else None
    creds = gssapi.Credentials(name=name, usage='accept')
    fixed_cb = gssapi.raw.ChannelBindings(application_data=bytes.fromhex(args.cb_hex)) if args.cb_hex else None
    tls_cb = None
    if args.tls_cert:
        app_data, hash_name = tls_server_end_point(args.tls_cert)
        tls_cb = gssapi.raw.ChannelBindings(application_data=app_data)
        print('TLS_SERVER_END_POINT %s %s' % (app_data.hex(), hash_name), flush=True)

    lock = threading.Lock()
    hits = {}
    last_token = {}   # path -> reply token of the previous success (for /bad/replay)
    deleg_count = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def setup(self):
            if isinstance(self.request, ssl.SSLSocket):
                self.request.settimeout(15)
                try:
                    self.request.do_handshake()
                except (ssl.SSLError, OSError) as e:
                    sys.stderr.write('gss-acceptor: TLS handshake failed: %s\n' % e)
                    self.request.close()
                    raise
                self.request.settimeout(None)
            super().setup()

        def log_message(self, fmt, *a):
            sys.stderr.write('gss-acceptor: ' + (fmt % a) + '\n')

        def reply(self, code, body, headers=()):
            data = json.dumps(body).encode() + b'\n'
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(data)

        def read_body(self):
            if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
                out = b''
                while True:
                    size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                    if size == 0:
                        while self.rfile.readline().strip():  # trailers
                            pass
                        return out
                    out += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get('Content-Length') or 0)
            return self.rfile.read(n) if n else b''

        def handle_any(self):
            body = self.read_body()
            path = urlsplit(self.path).path
            if path == '/_stats':
                with lock:
                    return self.reply(200, {'hits': dict(hits)})
            with lock:
                hits[path] = hits.get(path, 0) + 1
            common = {
                'method': self.command,
                'path': path,
                'body_sha256': hashlib.sha256(body).hexdigest(),
                'body_length': len(body),
                'tls': tls_cb is not None,
            }
            auth = self.headers.get('Authorization', '')
            if path == '/ntlm-only':
                return self.reply(401, {'error': 'NTLM only', **common}, [('WWW-Authenticate', 'NTLM')])
            if path == '/ok-no-token':
                return self.reply(200, {'ok': True, 'authorization': bool(auth), **common})
            neg = [('WWW-Authenticate', 'Negotiate')]
            if not auth.lower().startswith('negotiate '):
                return self.reply(401, {'error': 'no Negotiate header', **common}, neg)

            if path == '/cb-required':
                if tls_cb is None:
                    return self.reply(500, {'error': '/cb-required needs --tls-cert/--tls-key', **common})
                cb = tls_cb
            elif path == '/cb-ignored':
                cb = None
            else:
                cb = fixed_cb or tls_cb
            try:
                token = base64.b64decode(auth.split(None, 1)[1].strip())
                ctx = gssapi.SecurityContext(creds=creds, usage='accept', channel_bindings=cb)
                out = ctx.step(token)
                # python-gssapi: when MIT fails with an error token (KRB-ERROR), step() returns
                # it and the GSSError is raised by the next use of ctx: here
                complete = ctx.complete
            except gssapi.exceptions.BadChannelBindingsError as e:
                return self.reply(401, {'error': 'channel bindings mismatch: %s' % e, 'cb': 'mismatch', **common}, neg)
            except Exception as e:  # noqa: BLE001 - report any GSS failure as 401
                return self.reply(401, {'error': str(e), **common}, neg)
            if not complete:
                hdrs = [('WWW-Authenticate', 'Negotiate ' + base64.b64encode(out).decode())] if out else []
                return self.reply(401, {'error': 'context not complete after one round', **common}, hdrs)
            flags = int(ctx.actual_flags)
            bound = bool(flags & CHANNEL_BOUND)
            if path == '/cb-required' and not bound:
                return self.reply(401, {'error': 'channel bindings missing (the initiator sent none)',
                                        'cb': 'missing', 'flags': flags, **common}, neg)

            deleg = ctx.delegated_creds
            deleg_path = None
            deleg_error = None
            if deleg is not None and args.deleg_dir:
                with lock:
                    deleg_count[0] += 1
                    n = deleg_count[0]
                deleg_path = os.path.join(args.deleg_dir, 'deleg-%d.ccache' % n)
                try:
                    deleg.store(store={'ccache': 'FILE:' + deleg_path}, usage='initiate', overwrite=True)
                except Exception as e:  # noqa: BLE001
                    deleg_error = str(e)
                    deleg_path = None

            if path == '/double-401':
                return self.reply(401, {'error': 'double-401: always 401', 'accepted': True, **common}, neg)
            if path == '/error-after-auth':
                # Authenticated, then a server error with details in the body and no reply token:
                # a client requiring mutual authentication must not hand this body to the caller.
                return self.reply(500, {'error': 'internal details that must not leak', 'user': str(ctx.initiator_name)},
                                  [('X-Secret-Header', 'leak'), ('Server', 'gss-acceptor')])

            send = out
            if path == '/no-mutual':
                send = None
            elif path == '/bad/garbage':
                send = os.urandom(48)
            elif path == '/bad/truncated':
                send = out[:len(out) // 2]
            elif path == '/bad/replay':
                with lock:
                    send = last_token.get(path, out)
                    last_token[path] = out
            elif path == '/bad/corrupt' and out:
                b = bytearray(out)
                b[-4] ^= 0x5a
                send = bytes(b)
            hdrs = [('WWW-Authenticate', 'Negotiate ' + base64.b64encode(send).decode())] if send else []
            mech = ctx.mech
            res = {
                'user': str(ctx.initiator_name),
                'mech': 'krb5' if mech == KRB5 else 'spnego' if mech == SPNEGO else mech.dotted_form,
                'token': 'spnego' if b'\x06\x06\x2b\x06\x01\x05\x05\x02' in token[:16] else 'krb5',
                'delegated': deleg is not None,
                'deleg_ccache': deleg_path,
                'flags': flags,
                'channel_bound': bound,
                **common,
            }
            if deleg_error:
                res['deleg_error'] = deleg_error
            self.reply(200, res, hdrs)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    srv = TlsServer(('127.0.0.1', args.port), Handler)
    if args.tls_cert:
        sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.ssl_ctx = sctx
    srv.daemon_threads = True
    print('LISTENING %d' % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
