#!/usr/bin/python3
"""A tiny independent Negotiate acceptor over python3-gssapi (MIT libgssapi_krb5).

GET any path with `Authorization: Negotiate <b64>` (SPNEGO or raw krb5 token). On success:
200, `WWW-Authenticate: Negotiate <b64 reply>` when there is a reply token, and a JSON body
{"user", "mech", "token" (spnego|krb5), "delegated", "flags"}. Without a header: 401 `WWW-Authenticate: Negotiate`.
Each request is a fresh one-round context (krb5 needs one round; so does SPNEGO with an
optimistic krb5 token). Channel bindings: `--cb-hex HEX` sets application_data the acceptor
requires. Prints `LISTENING <port>` on stdout once it listens. Keytab from KRB5_KTNAME.
"""
import argparse
import base64
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gssapi
import gssapi.raw

KRB5 = gssapi.OID.from_int_seq('1.2.840.113554.1.2.2')
SPNEGO = gssapi.OID.from_int_seq('1.3.6.1.5.5.2')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--service', default=None, help='acceptor name, e.g. HTTP@localhost (default: any key in the keytab)')
    ap.add_argument('--cb-hex', default=None, help='require these channel-binding application_data bytes')
    args = ap.parse_args()

    name = gssapi.Name(args.service, gssapi.NameType.hostbased_service) if args.service else None
    creds = gssapi.Credentials(name=name, usage='accept')
    cb = gssapi.raw.ChannelBindings(application_data=bytes.fromhex(args.cb_hex)) if args.cb_hex else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

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
            self.wfile.write(data)

        def do_GET(self):
            auth = self.headers.get('Authorization', '')
            if not auth.lower().startswith('negotiate '):
                return self.reply(401, {'error': 'no Negotiate header'}, [('WWW-Authenticate', 'Negotiate')])
            try:
                token = base64.b64decode(auth.split(None, 1)[1].strip())
                ctx = gssapi.SecurityContext(creds=creds, usage='accept', channel_bindings=cb)
                out = ctx.step(token)
            except Exception as e:  # noqa: BLE001 - report any GSS failure as 401
                return self.reply(401, {'error': str(e)}, [('WWW-Authenticate', 'Negotiate')])
            if not ctx.complete:
                hdrs = [('WWW-Authenticate', 'Negotiate ' + base64.b64encode(out).decode())] if out else []
                return self.reply(401, {'error': 'context not complete after one round'}, hdrs)
            hdrs = [('WWW-Authenticate', 'Negotiate ' + base64.b64encode(out).decode())] if out else []
            mech = ctx.mech
            self.reply(200, {
                'user': str(ctx.initiator_name),
                'mech': 'krb5' if mech == KRB5 else 'spnego' if mech == SPNEGO else mech.dotted_form,
                'token': 'spnego' if b'\x06\x06\x2b\x06\x01\x05\x05\x02' in token[:16] else 'krb5',
                'delegated': ctx.delegated_creds is not None,
                'flags': int(ctx.actual_flags),
            }, hdrs)

    srv = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    srv.daemon_threads = True
    print('LISTENING %d' % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
