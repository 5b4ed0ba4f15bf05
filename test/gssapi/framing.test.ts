/** RFC 2743 §3.1 framing and RFC 4121 §4.1 krb5 context tokens. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedError } from '../../src/errors.js';
import { decodeKrb5Token, encodeKrb5Token, unwrapInitialToken, wrapInitialToken, decodeInitialToken } from '../../src/gssapi/index.js';
import { octetString } from '../../src/asn1/index.js';
import { Oid, TokenId } from '../../src/iana/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { fixture, hex } from './helpers.js';
import { expectOnlyKerberosErrors } from './errors-only.js';

// krb5 OID DER by hand (X.690 §8.19): 1.2 → 0x2a; 840 → 86 48; 113554 → 86 f7 12; 1 2 2.
const KRB5_OID_DER = '06092a864886f712010202';

describe('RFC 2743 §3.1 framing', () => {
  it('frames by hand-derived bytes', () => {
    expect(toHex(wrapInitialToken(Oid.KRB5, Uint8Array.of(0x01, 0x00, 0x6e, 0x00)))).toBe(`600f${KRB5_OID_DER}01006e00`);
    // a long inner token gets a long-form DER length: 11 + 200 = 211 = 0x81 0xd3
    const big = new Uint8Array(200);
    expect(toHex(wrapInitialToken(Oid.KRB5, big).slice(0, 3))).toBe('6081d3');
  });

  it('round-trips any mech and inner bytes', () => {
    const arc = fc.integer({ min: 0, max: 2 ** 31 });
    const mech = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 8 })).map(([a, b, r]) => [a, b, ...r].join('.'));
    fc.assert(
      fc.property(mech, fc.uint8Array({ maxLength: 400 }), (m, inner) => {
        expect(unwrapInitialToken(wrapInitialToken(m, inner))).toEqual({ mech: m, inner });
      }),
    );
  });

  it('is strict', () => {
    const ok = wrapInitialToken(Oid.KRB5, Uint8Array.of(1, 0, 0x6e));
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(0x61, ...ok.slice(1)), // other tag
      Uint8Array.of(...ok, 0), // trailing data
      ok.slice(0, -1), // truncated
      fromHex(`60810f${KRB5_OID_DER}01006e00`), // non-minimal length
      fromHex(`6080${KRB5_OID_DER}01006e000000`), // indefinite length
      fromHex('6003040100'), // not an OID first
    ];
    for (const b of bad) expect(() => unwrapInitialToken(b), toHex(b)).toThrow(DecodeError);
  });

  it('decodeInitialToken decodes the inner DER with offsets into the outer bytes', () => {
    const t = wrapInitialToken(Oid.SPNEGO, fromHex('040101'));
    expect(decodeInitialToken(t, () => octetString)).toEqual({ mech: Oid.SPNEGO, value: Uint8Array.of(1) });
    const e = (() => {
      try {
        decodeInitialToken(wrapInitialToken(Oid.SPNEGO, fromHex('040201')), () => octetString);
      } catch (x) {
        return x as DecodeError;
      }
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e!.offset).toBe(11); // 60 0b 06 06 2b0601050502 | 04 at 10, its bad length octet at 11
  });
});

describe('RFC 4121 §4.1 krb5 context tokens', () => {
  it('encodes TOK_ID then the message, framed or bare', () => {
    expect(toHex(encodeKrb5Token({ tokId: TokenId.KRB_AP_REQ, inner: Uint8Array.of(0x6e, 0) }))).toBe(`600f${KRB5_OID_DER}01006e00`);
    expect(toHex(encodeKrb5Token({ tokId: TokenId.KRB_AP_REP, inner: Uint8Array.of(0x6f, 0), framed: false }))).toBe('02006f00');
    expect(toHex(encodeKrb5Token({ tokId: TokenId.KRB_ERROR, inner: Uint8Array.of(0x7e, 0), mech: Oid.MS_KRB5 }))).toBe('600f06092a864882f71201020203007e00');
  });

  it('round-trips', () => {
    const tok = fc.record({
      tokId: fc.constantFrom(TokenId.KRB_AP_REQ, TokenId.KRB_AP_REP, TokenId.KRB_ERROR),
      inner: fc.uint8Array({ minLength: 1, maxLength: 300 }),
      framed: fc.boolean(),
    });
    fc.assert(
      fc.property(tok, (t) => {
        const d = decodeKrb5Token(encodeKrb5Token(t));
        expect(d).toEqual(t.framed ? { ...t, mech: Oid.KRB5 } : t);
        expect(encodeKrb5Token(d)).toEqual(encodeKrb5Token(t));
      }),
    );
  });

  it('reports RFC 1964 tokens, other mechs and unknown ids', () => {
    const e = (b: Uint8Array) => {
      try {
        decodeKrb5Token(b);
      } catch (x) {
        return x as { constructor: unknown; code: string };
      }
      throw new Error('no error');
    };
    expect(e(fromHex('0101ff'))).toMatchObject({ constructor: UnsupportedError, code: 'ERR_RFC1964_TOKEN' });
    expect(e(fromHex('0102ff'))).toMatchObject({ constructor: UnsupportedError, code: 'ERR_RFC1964_TOKEN' });
    expect(e(wrapInitialToken(Oid.KRB5, fromHex('0201ff')))).toMatchObject({ constructor: UnsupportedError, code: 'ERR_RFC1964_TOKEN' });
    expect(e(wrapInitialToken(Oid.SPNEGO, fromHex('a000')))).toMatchObject({ constructor: UnsupportedError, code: 'ERR_UNSUPPORTED_MECH' });
    expect(e(fromHex('0404ff'))).toMatchObject({ constructor: DecodeError });
    expect(e(fromHex('0100'))).toMatchObject({ constructor: DecodeError });
    expect(e(fromHex('01'))).toMatchObject({ constructor: DecodeError });
  });

  it('random and mutated bytes give only DecodeError / UnsupportedError', () => {
    const ctx = fixture<{ initiatorToken: string; acceptorToken: string }>('krb5-context.json');
    expectOnlyKerberosErrors(decodeKrb5Token, [hex(ctx.initiatorToken), hex(ctx.acceptorToken), fromHex(`600f${KRB5_OID_DER}01006e00`)]);
    expectOnlyKerberosErrors(unwrapInitialToken, [hex(ctx.acceptorToken)]);
  });
});
