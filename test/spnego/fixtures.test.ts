/**
 * SPNEGO tokens made by MIT krb5 1.20 through python3-gssapi (test/gssapi/fixtures/generate.py).
 */
import { describe, expect, it } from 'vitest';
import { decodeKrb5Token, unwrapInitialToken } from '../../src/gssapi/index.js';
import { Oid, TokenId } from '../../src/iana/index.js';
import { decodeSpnegoToken, encodeMechTypeList, encodeNegTokenInit, encodeNegTokenInit2, encodeNegTokenResp, NegState } from '../../src/spnego/index.js';
import { toHex } from '../../src/util/bytes.js';
import { fixture, hex } from '../gssapi/helpers.js';

const ctx = fixture<{ tokens: string[]; source: { tool: string } }>('spnego-context.json');
const init2 = fixture<{ token: string; source: { tool: string } }>('spnego-init2.json');

describe('MIT SPNEGO tokens', () => {
  it('the initiator token: framed NegTokenInit, krb5 first, an AP-REQ as mechToken; byte-exact re-encoding', () => {
    expect(ctx.source.tool).toMatch(/MIT krb5/);
    const bytes = hex(ctx.tokens[0]!);
    expect(unwrapInitialToken(bytes).mech).toBe(Oid.SPNEGO);
    const { framed, token } = decodeSpnegoToken(bytes);
    expect(framed).toBe(true);
    if (token.type !== 'negTokenInit') throw new Error(`got ${token.type}`);
    expect(token.value.mechTypes[0]).toBe(Oid.KRB5);
    expect(token.value.reqFlags).toBeUndefined();
    const mt = decodeKrb5Token(token.value.mechToken!);
    expect(mt).toMatchObject({ tokId: TokenId.KRB_AP_REQ, framed: true, mech: Oid.KRB5 });
    expect(encodeNegTokenInit(token.value)).toEqual(bytes);
    // the mechTypes DER, as mechListMIC covers it, is where MIT put it: a0 <len> <MechTypeList>
    const list = encodeMechTypeList(token.value.mechTypes);
    expect(toHex(bytes)).toContain(toHex(list));
  });

  it("the acceptor's answer: bare NegTokenResp accept-completed, krb5, the framed AP-REP; byte-exact", () => {
    const bytes = hex(ctx.tokens[1]!);
    const { framed, token } = decodeSpnegoToken(bytes);
    expect(framed).toBe(false);
    if (token.type !== 'negTokenResp') throw new Error(`got ${token.type}`);
    expect(token.value.negState).toBe(NegState['accept-completed']);
    expect(token.value.supportedMech).toBe(Oid.KRB5);
    expect(decodeKrb5Token(token.value.responseToken!)).toMatchObject({ tokId: TokenId.KRB_AP_REP, framed: true });
    expect(encodeNegTokenResp(token.value)).toEqual(bytes);
  });

  it("the acceptor's NegTokenInit2: framed, negHints with MIT's hintName, byte-exact", () => {
    expect(init2.source.tool).toMatch(/MIT krb5/);
    const bytes = hex(init2.token);
    const { framed, token } = decodeSpnegoToken(bytes);
    expect(framed).toBe(true);
    expect(token).toEqual({
      type: 'negTokenInit2',
      value: { mechTypes: [Oid.KRB5], negHints: { hintName: 'not_defined_in_RFC4178@please_ignore' } },
    });
    if (token.type !== 'negTokenInit2') throw new Error('unreachable');
    expect(encodeNegTokenInit2(token.value)).toEqual(bytes);
  });
});
