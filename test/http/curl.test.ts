/**
 * A real Negotiate exchange: curl --negotiate (MIT libgssapi) against python-gssapi's SPNEGO
 * acceptor, captured by test/gssapi/fixtures/generate.py.
 */
import { describe, expect, it } from 'vitest';
import { decodeKrb5Token } from '../../src/gssapi/index.js';
import { findNegotiate, formatNegotiate, parseAuthorization, parseChallenges, parseNegotiateAuthorization } from '../../src/http/index.js';
import { Oid, TokenId } from '../../src/iana/index.js';
import { decodeSpnegoToken, encodeNegTokenInit, encodeNegTokenResp, NegState } from '../../src/spnego/index.js';
import { fixture } from '../gssapi/helpers.js';

const f = fixture<{
  source: { tool: string; curl: string };
  wwwAuthenticate401: string[];
  authorization: string;
  wwwAuthenticateFinal: string;
  initiatorName: string;
}>('negotiate-curl.json');

describe('curl --negotiate against an MIT acceptor', () => {
  it('the 401 challenges as two header lines', () => {
    expect(f.source.curl).toMatch(/^curl \d/);
    const ch = parseChallenges(f.wwwAuthenticate401);
    expect(findNegotiate(ch)).toEqual({});
    expect(ch[1]).toMatchObject({ scheme: 'Basic', params: { realm: 'tskrb5' } });
  });

  it("curl's Authorization: a framed SPNEGO NegTokenInit with a krb5 AP-REQ; re-formatted byte-exactly", () => {
    expect(parseAuthorization(f.authorization).scheme).toBe('Negotiate');
    const token = parseNegotiateAuthorization(f.authorization)!;
    const { framed, token: t } = decodeSpnegoToken(token);
    expect(framed).toBe(true);
    if (t.type !== 'negTokenInit') throw new Error(t.type);
    expect(t.value.mechTypes).toContain(Oid.KRB5);
    expect(decodeKrb5Token(t.value.mechToken!)).toMatchObject({ tokId: TokenId.KRB_AP_REQ, framed: true });
    expect(formatNegotiate(encodeNegTokenInit(t.value))).toBe(f.authorization);
  });

  it("the acceptor's final WWW-Authenticate: NegTokenResp accept-completed with the AP-REP", () => {
    const n = findNegotiate(parseChallenges(f.wwwAuthenticateFinal));
    const { token: t } = decodeSpnegoToken(n!.token!);
    if (t.type !== 'negTokenResp') throw new Error(t.type);
    expect(t.value.negState).toBe(NegState['accept-completed']);
    expect(decodeKrb5Token(t.value.responseToken!)).toMatchObject({ tokId: TokenId.KRB_AP_REP });
    expect(formatNegotiate(encodeNegTokenResp(t.value))).toBe(f.wwwAuthenticateFinal);
    expect(f.initiatorName).toBe('user@TSKRB5.TEST');
  });
});
