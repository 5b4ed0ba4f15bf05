#!/usr/bin/python3
"""MIT's SPNEGO initiator (python3-gssapi) over HTTP, every leg on one keep-alive connection.

  spnego-client.py URL [--mechs ntlm,krb5] [--no-mutual] [--delegate] [--service HTTP@localhost]

--mechs sets the mechanisms SPNEGO offers, in order (gss_set_neg_mechs; 'ntlm' needs the
gss-ntlmssp mechanism, named by GSS_MECH_CONFIG, and NTLM_USER_FILE credentials). Prints one JSON
line: {"status", "legs" (requests sent), "complete" (the initiator's context), "body", "tokens"
(the server's WWW-Authenticate tokens, base64), "error"?}. Exit 0 unless something broke locally.
"""
import base64
import http.client
import json
import sys
from urllib.parse import urlsplit

import gssapi
import gssapi.raw

OIDS = {
    'krb5': gssapi.OID.from_int_seq('1.2.840.113554.1.2.2'),
    'ntlm': gssapi.OID.from_int_seq('1.3.6.1.4.1.311.2.2.10'),
}
SPNEGO = gssapi.OID.from_int_seq('1.3.6.1.5.5.2')


def main():
    args = sys.argv[1:]
    url = args[0]
    mechs = None
    mutual = True
    delegate = False
    service = 'HTTP@localhost'
    i = 1
    while i < len(args):
        if args[i] == '--mechs':
            mechs = [OIDS[m] for m in args[i + 1].split(',')]
            i += 2
        elif args[i] == '--no-mutual':
            mutual = False
            i += 1
        elif args[i] == '--delegate':
            delegate = True
            i += 1
        elif args[i] == '--service':
            service = args[i + 1]
            i += 2
        else:
            raise SystemExit('unknown argument ' + args[i])
    u = urlsplit(url)
    flags = gssapi.RequirementFlag.integrity | gssapi.RequirementFlag.confidentiality | gssapi.RequirementFlag.out_of_sequence_detection
    if mutual:
        flags |= gssapi.RequirementFlag.mutual_authentication
    if delegate:
        flags |= gssapi.RequirementFlag.delegate_to_peer
    name = gssapi.Name(service, gssapi.NameType.hostbased_service)
    cred = gssapi.Credentials(usage='initiate', mechs=[SPNEGO])
    if mechs:
        gssapi.raw.set_neg_mechs(cred, mechs)
    ctx = gssapi.SecurityContext(name=name, creds=cred, mech=SPNEGO, usage='initiate', flags=flags)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    out = {'legs': 0, 'tokens': []}
    token = ctx.step()
    try:
        while True:
            conn.request('GET', u.path or '/', headers={'Authorization': 'Negotiate ' + base64.b64encode(token).decode()})
            out['legs'] += 1
            res = conn.getresponse()
            body = res.read().decode('utf-8', 'replace')
            www = res.getheader('WWW-Authenticate') or ''
            back = base64.b64decode(www[len('Negotiate '):]) if www.startswith('Negotiate ') else None
            if back is not None:
                out['tokens'].append(base64.b64encode(back).decode())
            out['status'] = res.status
            out['body'] = body
            if res.status == 401 and back and not ctx.complete and out['legs'] < 6:
                token = ctx.step(back)
                if token is None:
                    break
                continue
            if back and not ctx.complete:
                ctx.step(back)
            break
    except gssapi.exceptions.GSSError as e:
        out['error'] = str(e)
    out['complete'] = bool(ctx.complete)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
