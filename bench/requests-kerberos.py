#!/usr/bin/python3
"""Reference client for the Negotiate HTTP benchmark: Debian's python3-requests-kerberos (0.12,
over pykerberos / MIT libgssapi_krb5). Run with /usr/bin/python3 (the python3 on PATH may lack it).

  /usr/bin/python3 bench/requests-kerberos.py --url URL --n N [--ccache NAME] [--cafile PEM]
      [--mutual required|optional|disabled] [--delegate] [--preemptive]

N sequential authenticated GETs. Each uses a fresh requests.Session() and a fresh
HTTPKerberosAuth, so each is a full handshake: a new TCP (and TLS) connection, the 401, a new GSS
context (MIT reuses the service ticket from the ccache after the first request, as any client
would) and the authenticated retry. Environment proxies/.netrc are ignored (trust_env = False).
KRB5_CONFIG comes from the environment; --ccache sets KRB5CCNAME.

Prints one JSON line: {"n": N, "seconds": S, "ok": count of 200s, "errors": {message: count}}.
Exit status 0 when every request was a 200, else 1.
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--url', required=True)
    ap.add_argument('--n', type=int, default=1)
    ap.add_argument('--ccache', default=None, help='credential cache name, e.g. FILE:/tmp/cc')
    ap.add_argument('--cafile', default=None, help='PEM bundle to verify HTTPS with')
    ap.add_argument('--mutual', choices=['required', 'optional', 'disabled'], default='required')
    ap.add_argument('--delegate', action='store_true', help='forward the TGT (delegation)')
    ap.add_argument('--preemptive', action='store_true', help='force_preemptive: the token with the first request')
    ap.add_argument('--session', action='store_true', help='one requests.Session for every request (keep-alive), a fresh HTTPKerberosAuth each')
    args = ap.parse_args()
    if args.ccache:
        os.environ['KRB5CCNAME'] = args.ccache  # before the first GSS call

    import requests
    import requests_kerberos
    from requests_kerberos import HTTPKerberosAuth

    mutual = {'required': requests_kerberos.REQUIRED, 'optional': requests_kerberos.OPTIONAL,
              'disabled': requests_kerberos.DISABLED}[args.mutual]
    ok = 0
    errors = {}
    t0 = time.perf_counter()
    shared = None
    if args.session:
        shared = requests.Session()
        shared.trust_env = False
        if args.cafile:
            shared.verify = args.cafile
    for _ in range(args.n):
        s = shared or requests.Session()
        s.trust_env = False
        if args.cafile:
            s.verify = args.cafile
        try:
            r = s.get(args.url, auth=HTTPKerberosAuth(mutual_authentication=mutual, delegate=args.delegate, force_preemptive=args.preemptive))
            r.content
            if r.status_code == 200:
                ok += 1
            else:
                key = 'HTTP %d' % r.status_code
                errors[key] = errors.get(key, 0) + 1
        except Exception as e:  # noqa: BLE001 - count, keep going
            key = '%s: %s' % (type(e).__name__, e)
            errors[key] = errors.get(key, 0) + 1
        finally:
            if shared is None:
                s.close()
    seconds = time.perf_counter() - t0
    print(json.dumps({'n': args.n, 'seconds': round(seconds, 6), 'ok': ok, 'errors': errors}), flush=True)
    sys.exit(0 if ok == args.n else 1)


if __name__ == '__main__':
    main()
