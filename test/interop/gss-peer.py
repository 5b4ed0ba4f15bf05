#!/usr/bin/python3
"""A line-oriented GSS-API peer over python3-gssapi (MIT libgssapi_krb5) for per-message tokens.

One JSON object per line on stdin, one JSON line answered on stdout for each (bytes as base64,
errors as {"error": "...", "major"?: int, "minor"?: int}; a GSS error never ends the process; EOF
does). Run with KRB5_KTNAME (acceptor) and/or KRB5CCNAME (initiator) of a realm, and KRB5_CONFIG.

  {"op":"accept","token":B64,"cb":HEX?}
      -> {"token":B64|null,"complete":bool,"user":str|null,"flags":int,"mech":"krb5"|"spnego",
          "negotiated_mech":"krb5"|OID|null,"channel_bound":bool,"delegated":bool}
      a new acceptor context (replacing the peer's context) fed one initial token, raw krb5 or
      SPNEGO; "mech" is the framing of that token, "negotiated_mech" what the context reports
  {"op":"accept_step","token":B64} -> same as accept, on the current acceptor context
  {"op":"init","service":"HTTP@localhost","mech":"krb5"|"spnego","flags":int?,"cb":HEX?}
      -> {"token":B64,"complete":bool}   a new initiator context (replacing the peer's context)
  {"op":"init_step","token":B64} -> {"token":B64|null,"complete":bool,"flags":int}
  {"op":"get_mic","msg":B64} -> {"mic":B64}
  {"op":"verify_mic","msg":B64,"mic":B64} -> {"ok":true} or {"error":...}
  {"op":"wrap","msg":B64,"conf":bool} -> {"token":B64,"conf":bool}
  {"op":"unwrap","token":B64} -> {"msg":B64,"conf":bool}
  {"op":"info"} -> {"complete","flags","initiator","acceptor","mech","locally_initiated"}
  {"op":"name_attribute","attr":"urn:mspac:logon-info"} -> {"attrs":[...],"authenticated":bool,"complete":bool,"values":[B64]}

"flags" of init: a GSS_C_* bit mask (default: mutual|sequence|integ|conf, 0x32 | 0x08).
"cb": channel-binding application_data (hex), other fields empty.
"""
import base64
import json
import sys

import gssapi
import gssapi.raw

KRB5 = gssapi.OID.from_int_seq('1.2.840.113554.1.2.2')
SPNEGO = gssapi.OID.from_int_seq('1.3.6.1.5.5.2')
SPNEGO_DER = b'\x06\x06\x2b\x06\x01\x05\x05\x02'
DEFAULT_FLAGS = 0x02 | 0x08 | 0x10 | 0x20


def b64(b):
    return None if b is None else base64.b64encode(b).decode()


def unb64(s):
    return base64.b64decode(s or '')


def mech_name(oid):
    if oid is None:
        return None
    return 'krb5' if oid == KRB5 else 'spnego' if oid == SPNEGO else oid.dotted_form


def cb_of(req):
    h = req.get('cb')
    return gssapi.raw.ChannelBindings(application_data=bytes.fromhex(h)) if h else None


def flag_set(mask):
    return [f for f in gssapi.RequirementFlag if mask & int(f)]


class Peer:
    def __init__(self):
        self.ctx = None
        self.kind = None   # framing of the acceptor's initial token

    def _need(self):
        if self.ctx is None:
            raise ValueError('no context: accept or init first')
        return self.ctx

    def _accept_reply(self, out):
        ctx = self.ctx
        flags = int(ctx.actual_flags) if ctx.complete else 0
        user = None
        negotiated = None
        if ctx.complete:
            user = str(ctx.initiator_name)
            negotiated = mech_name(ctx.mech)
        return {
            'token': b64(out) if out else None,
            'complete': bool(ctx.complete),
            'user': user,
            'flags': flags,
            'mech': self.kind,
            'negotiated_mech': negotiated,
            'channel_bound': bool(flags & 0x800),
            'delegated': ctx.complete and ctx.delegated_creds is not None,
        }

    def op_accept(self, req):
        token = unb64(req['token'])
        self.kind = 'spnego' if SPNEGO_DER in token[:16] else 'krb5'
        self.ctx = gssapi.SecurityContext(usage='accept', channel_bindings=cb_of(req))
        return self._accept_reply(self.ctx.step(token))

    def op_accept_step(self, req):
        ctx = self._need()
        return self._accept_reply(ctx.step(unb64(req['token'])))

    def op_init(self, req):
        mech = {'krb5': KRB5, 'spnego': SPNEGO}[req.get('mech', 'krb5')]
        name = gssapi.Name(req.get('service', 'HTTP@localhost'), gssapi.NameType.hostbased_service)
        flags = req.get('flags')
        self.kind = None
        self.ctx = gssapi.SecurityContext(name=name, mech=mech, usage='initiate',
                                          flags=flag_set(DEFAULT_FLAGS if flags is None else flags),
                                          channel_bindings=cb_of(req))
        out = self.ctx.step()
        return {'token': b64(out), 'complete': bool(self.ctx.complete)}

    def op_init_step(self, req):
        ctx = self._need()
        out = ctx.step(unb64(req['token']))
        return {'token': b64(out) if out else None, 'complete': bool(ctx.complete),
                'flags': int(ctx.actual_flags) if ctx.complete else 0}

    def op_get_mic(self, req):
        return {'mic': b64(self._need().get_signature(unb64(req['msg'])))}

    def op_verify_mic(self, req):
        self._need().verify_signature(unb64(req['msg']), unb64(req['mic']))
        return {'ok': True}

    def op_wrap(self, req):
        r = self._need().wrap(unb64(req['msg']), bool(req.get('conf', True)))
        return {'token': b64(r.message), 'conf': bool(r.encrypted)}

    def op_unwrap(self, req):
        r = self._need().unwrap(unb64(req['token']))
        return {'msg': b64(r.message), 'conf': bool(r.encrypted)}

    def op_name_attribute(self, req):
        # gss_get_name_attribute on the initiator's name, as MIT's acceptor sees it: for
        # "urn:mspac:..." MIT's mspac plugin says authenticated only when the PAC verified
        # (server checksum with the service key; CLIENT_INFO against the ticket)
        import gssapi.raw as graw
        ctx = self._need()
        attr = req.get('attr', 'urn:mspac:logon-info').encode()
        names = [a.decode() if isinstance(a, bytes) else str(a) for a in (graw.inquire_name(ctx.initiator_name).attrs or [])]
        try:
            r = graw.get_name_attribute(ctx.initiator_name, attr)
        except Exception as e:
            return {'attrs': names, 'error': str(e)}
        return {'attrs': names, 'authenticated': bool(r.authenticated), 'complete': bool(r.complete),
                'values': [b64(v) for v in r.values]}

    def op_info(self, req):
        ctx = self._need()
        return {
            'complete': bool(ctx.complete),
            'flags': int(ctx.actual_flags) if ctx.complete else 0,
            'initiator': str(ctx.initiator_name) if ctx.complete else None,
            'acceptor': str(ctx.target_name) if ctx.complete else None,
            'mech': mech_name(ctx.mech) if ctx.complete else None,
            'locally_initiated': bool(ctx.locally_initiated) if ctx.complete else None,
        }


def main():
    peer = Peer()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            fn = getattr(peer, 'op_' + str(req.get('op')), None)
            res = fn(req) if fn else {'error': 'unknown op %r' % req.get('op')}
        except gssapi.exceptions.GSSError as e:
            res = {'error': '%s: %s' % (type(e).__name__, e), 'major': e.maj_code, 'minor': e.min_code}
        except Exception as e:  # noqa: BLE001 - answer, never die
            res = {'error': '%s: %s' % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
