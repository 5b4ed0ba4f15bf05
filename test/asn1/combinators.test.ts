/**
 * SEQUENCE, OPTIONAL, EXPLICIT / IMPLICIT / APPLICATION tagging, SEQUENCE OF, CHOICE, map,
 * withBytes: known encodings (hand-assembled from X.690 rules), error paths, caller errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import { app, bool, choice, ctx, field, hyphenate, implicit, int32, map, octetString, oid, opt, raw, seq, seqOf, TagClass, untagged, withBytes } from '../../src/asn1/index.js';
import { DecodeError } from '../../src/errors.js';
import { expectDecodeError, hex, toHex } from './helpers.js';
import { NegotiationToken } from '../../src/spnego/index.js';
import { decodeSpnegoToken, encodeNegTokenInit } from '../../src/spnego/index.js';

const S = seq('S', { a: field(0, int32), b: opt(field(1, bool)) });

describe('SEQUENCE with explicit context tags', () => {
  it('known encodings', () => {
    expect(toHex(S.encode({ a: 5 }))).toBe('3005a003020105');
    expect(toHex(S.encode({ a: 5, b: true }))).toBe('300aa003020105a1030101ff');
    expect(S.decode(hex('30 05 a0 03 02 01 05'))).toEqual({ a: 5, b: undefined });
    expect(S.decode(hex('30 0a a0 03 02 01 05 a1 03 01 01 ff'))).toEqual({ a: 5, b: true });
    expect(toHex(seq('Empty', {}).encode({}))).toBe('3000');
  });

  it('rejects an element after the last field unless extensible', () => {
    const b = hex('30 0a a0 03 02 01 05 a5 03 02 01 01');
    expectDecodeError(() => S.decode(b), { path: 'S', offset: 7, message: /unexpected element \[5\] after the last field of S/ });
    const E = seq('E', { a: field(0, int32), b: opt(field(1, bool)) }, { extensible: true });
    expect(E.decode(b)).toEqual({ a: 5, b: undefined });
    // skipped elements still need well-formed headers
    expectDecodeError(() => E.decode(hex('30 07 a0 03 02 01 05 a5 80')), { offset: 8, message: /indefinite/ });
  });

  it('rejects fields out of order or repeated', () => {
    expectDecodeError(() => S.decode(hex('30 0a a1 03 01 01 ff a0 03 02 01 05')), { path: 'S.a', offset: 2, message: /missing required field a, found \[1\]/ });
    expectDecodeError(() => S.decode(hex('30 0a a0 03 02 01 05 a0 03 02 01 06')), { path: 'S', offset: 7, message: /field a repeated or out of order/ });
    const T = seq('T', { a: opt(field(0, int32)), b: field(1, bool) });
    expectDecodeError(() => T.decode(hex('30 0a a1 03 01 01 ff a0 03 02 01 05')), { path: 'T', offset: 7, message: /field a repeated or out of order/ });
  });

  it('names the field in errors inside the explicit tag', () => {
    expectDecodeError(() => S.decode(hex('30 05 a0 03 04 01 05')), { path: 'S.a', offset: 4, message: /expected INTEGER, found OCTET STRING/ });
    expectDecodeError(() => S.decode(hex('30 02 a0 00')), { path: 'S.a', offset: 4, message: /expected a tag/ });
    expectDecodeError(() => S.decode(hex('30 05 80 03 02 01 05')), { path: 'S.a', message: /missing required field a, found \[0\] \(primitive\)/ });
  });

  it('derives hyphenated ASN.1 names, with overrides', () => {
    expect(hyphenate('msgType')).toBe('msg-type');
    expect(hyphenate('eText')).toBe('e-text');
    expect(hyphenate('kdcReqBody')).toBe('kdc-req-body');
    expect(hyphenate('pvno')).toBe('pvno');
    const N = seq('N', { encPart: field(0, int32), other: field(1, int32, 'Other-Name'), third: field(2, int32, { name: 'x3' }) });
    expectDecodeError(() => N.decode(hex('30 05 a0 03 04 01 05')), { path: 'N.enc-part' });
    expectDecodeError(() => N.decode(hex('30 05 a0 03 02 01 05')), { path: 'N.Other-Name' });
    expectDecodeError(() => N.decode(hex('30 0a a0 03 02 01 05 a1 03 02 01 05')), { path: 'N.x3' });
    const V = seq('V', { mechTypes: field(0, int32) }, { fieldNames: 'verbatim' });
    expectDecodeError(() => V.decode(hex('30 00')), { path: 'V.mechTypes' });
  });

  it('encoding: missing required fields and wrong types are caller errors naming the path', () => {
    expect(() => S.encode({} as never)).toThrow(new TypeError('missing required field a (at S.a)'));
    expect(() => S.encode(null as never)).toThrow(TypeError);
    expect(() => S.encode({ a: 2 ** 40 })).toThrow(new RangeError('INTEGER: 1099511627776 is not an Int32 (at S.a)'));
    const Outer = app(14, seq('Outer', { inner: field(3, seqOf(S)) }));
    expect(() => Outer.encode({ inner: [{ a: 1 }, { a: 1.5 }] })).toThrow(/at Outer\.inner\[1\]\.a/);
  });

  it('refuses ambiguous declarations (X.680 §25.6)', () => {
    expect(() => seq('X', { a: opt(field(0, int32)), b: field(0, bool) })).toThrow(TypeError);
    expect(() => seq('X', { a: opt(untagged(int32)), b: untagged(int32) })).toThrow(TypeError);
    expect(() => seq('X', { a: opt(untagged(raw)) })).toThrow(TypeError);
    expect(() => field(-1, int32)).toThrow(RangeError);
  });
});

describe('IMPLICIT tagging (X.690 §8.14)', () => {
  it('replaces the tag, keeping primitive/constructed', () => {
    const p = implicit(0, octetString);
    expect(toHex(p.encode(hex('07')))).toBe('800107');
    expect(p.decode(hex('80 01 07'))).toEqual(hex('07'));
    const c = implicit(1, seqOf(int32));
    expect(toHex(c.encode([5]))).toBe('a103020105');
    expectDecodeError(() => c.decode(hex('30 03 02 01 05')), { message: /expected \[1\], found SEQUENCE/ });
    const f = seq('F', { x: field(2, int32, { implicit: true }) });
    expect(toHex(f.encode({ x: 5 }))).toBe('3003820105');
    expect(f.decode(hex('30 03 82 01 05'))).toEqual({ x: 5 });
  });

  it('cannot be applied to CHOICE or ANY (X.680 §31.2.7)', () => {
    expect(() => implicit(0, raw)).toThrow(TypeError);
    expect(() => implicit(0, choice('C', { a: int32, b: bool }))).toThrow(TypeError);
  });
});

// RFC 2743 §3.1's framing as combinators: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech OID,
// innerContextToken ANY } with both components untagged; here the inner token is the real
// NegotiationToken of src/spnego (a CHOICE). A tiny local codec: it tests implicit() and
// untagged(); src/gssapi frames tokens with a hand-written reader of its own.
const InitialContextToken = implicit(
  0,
  seq('InitialContextToken', { thisMech: untagged(oid), innerContextToken: untagged(NegotiationToken) }, { fieldNames: 'verbatim' }),
  TagClass.APPLICATION,
);

// Hand-assembled: 60 22 | 06 06 2b06 0105 0502 (SPNEGO) | a0 18 30 16 | a0 0d 30 0b 06 09 <krb5 OID> | a2 05 04 03 "abc"
const SPNEGO_INIT = hex('60 22 06 06 2b 06 01 05 05 02 a0 18 30 16 a0 0d 30 0b 06 09 2a 86 48 86 f7 12 01 02 02 a2 05 04 03 61 62 63');
const SPNEGO_INIT_VALUE = {
  thisMech: '1.3.6.1.5.5.2',
  innerContextToken: { type: 'negTokenInit' as const, value: { mechTypes: ['1.2.840.113554.1.2.2'], mechToken: hex('616263') } },
};

describe('CHOICE, untagged fields, IMPLICIT [APPLICATION 0] (SPNEGO shapes)', () => {
  it('decodes and encodes a GSS-API framed NegTokenInit', () => {
    expect(asn1js.fromBER(SPNEGO_INIT).offset).toBe(SPNEGO_INIT.length); // the hand-assembled bytes are valid BER
    expect(InitialContextToken.decode(SPNEGO_INIT)).toEqual(SPNEGO_INIT_VALUE);
    expect(toHex(InitialContextToken.encode(SPNEGO_INIT_VALUE))).toBe(toHex(SPNEGO_INIT));
  });

  it('chooses by tag', () => {
    const resp = hex('a1 07 30 05 a0 03 0a 01 00'); // negState accept-completed
    expect(NegotiationToken.decode(resp)).toEqual({ type: 'negTokenResp', value: { negState: 0 } });
    expect(toHex(NegotiationToken.encode({ type: 'negTokenResp', value: { negState: 0 } }))).toBe(toHex(resp));
    expectDecodeError(() => NegotiationToken.decode(hex('a2 02 30 00')), { path: 'NegotiationToken', offset: 0, message: /no alternative of NegotiationToken has the tag \[2\]/ });
    expectDecodeError(() => NegotiationToken.decode(hex('')), { message: /expected NegotiationToken/ });
  });

  it('the real SPNEGO codec (src/spnego) reads and writes the same bytes', () => {
    expect(decodeSpnegoToken(SPNEGO_INIT)).toEqual({ framed: true, token: SPNEGO_INIT_VALUE.innerContextToken });
    expect(toHex(encodeNegTokenInit(SPNEGO_INIT_VALUE.innerContextToken.value))).toBe(toHex(SPNEGO_INIT));
  });

  it('puts the alternative in the error path', () => {
    const b = SPNEGO_INIT.slice();
    b[31] = 0x05; // mechToken's OCTET STRING tag
    // `init`: the name src/spnego gives the [0] alternative of its wire CHOICE (it reads
    // NegTokenInit and NegTokenInit2 as one), not RFC 4178's negTokenInit
    expectDecodeError(() => InitialContextToken.decode(b), { path: 'InitialContextToken.innerContextToken.init.mechToken', offset: 31 });
    const local = choice(
      'NegotiationToken',
      { negTokenInit: ctx(0, seq('NegTokenInit', { mechToken: opt(field(2, octetString)) }, { fieldNames: 'verbatim' })) },
      { names: 'verbatim' },
    );
    expectDecodeError(() => local.decode(hex('a0 07 30 05 a2 03 05 01 00')), { path: 'NegotiationToken.negTokenInit.mechToken', offset: 6 });
  });

  it('refuses alternatives with the same or unknown tags; rejects unknown alternatives on encode', () => {
    expect(() => choice('C', { a: ctx(0, int32), b: ctx(0, bool) })).toThrow(TypeError);
    expect(() => choice('C', { a: raw })).toThrow(TypeError);
    expect(() => NegotiationToken.encode({ type: 'nope' } as never)).toThrow(TypeError);
  });

  it('round-trips (fast-check)', () => {
    const oidArb = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.nat(100000), { maxLength: 6 })).map(([a, b, r]) => [a, b, ...r].join('.'));
    const init = fc.record(
      { mechTypes: fc.array(oidArb, { maxLength: 4 }), mechToken: fc.uint8Array({ maxLength: 64 }), mechListMIC: fc.uint8Array({ maxLength: 16 }) },
      { requiredKeys: ['mechTypes'] },
    );
    const resp = fc.record(
      { negState: fc.integer({ min: 0, max: 3 }), supportedMech: oidArb, responseToken: fc.uint8Array({ maxLength: 64 }), mechListMIC: fc.uint8Array({ maxLength: 16 }) },
      { requiredKeys: [] },
    );
    const token = fc.oneof(
      init.map((value) => ({ type: 'negTokenInit' as const, value })),
      resp.map((value) => ({ type: 'negTokenResp' as const, value })),
    );
    fc.assert(
      fc.property(token, (v) => {
        const b = NegotiationToken.encode(v);
        expect(NegotiationToken.decode(b)).toEqual(v);
        expect(NegotiationToken.encode(NegotiationToken.decode(b))).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SEQUENCE OF', () => {
  it('known encodings', () => {
    expect(toHex(seqOf(int32).encode([0, 1]))).toBe('3006020100020101'); // MIT etype list [0, 1]
    expect(seqOf(int32).decode(hex('30 00'))).toEqual([]);
  });
  it('indexes errors and rejects non-arrays on encode', () => {
    expectDecodeError(() => seqOf(int32).decode(hex('30 06 02 01 00 04 01 01')), { path: 'SEQUENCE OF INTEGER[1]', offset: 5 });
    expect(() => seqOf(int32).encode(5 as never)).toThrow(TypeError);
  });
  it('encodes long lists in linear time', () => {
    const list = Array.from({ length: 200_000 }, (_, i) => i);
    const t0 = performance.now();
    const b = seqOf(int32).encode(list);
    const t1 = performance.now();
    expect(seqOf(int32).decode(b)).toEqual(list);
    expect(t1 - t0).toBeLessThan(2000);
  });
});

describe('map and withBytes', () => {
  const Usec = map(
    int32,
    (n) => {
      if (n < 0 || n > 999999) throw new RangeError(`usec ${n} out of range`);
      return n;
    },
    (n: number) => n,
    'Microseconds',
  );

  it('maps values both ways, keeping the tag', () => {
    const Doubled = map(
      int32,
      (n) => n * 2,
      (n: number) => n / 2,
    );
    expect(Doubled.decode(hex('02 01 05'))).toBe(10);
    expect(toHex(Doubled.encode(10))).toBe('020105');
    expect(toHex(implicit(3, Doubled).encode(10))).toBe('830105');
    const Flags = map(
      seqOf(int32),
      (a) => new Set(a),
      (s: Set<number>) => [...s],
    );
    expect(Flags.decode(hex('30 06 02 01 00 02 01 01'))).toEqual(new Set([0, 1]));
  });

  it('a throwing decode function becomes a DecodeError at the value', () => {
    const T = seq('T', { cusec: field(4, Usec) });
    const e = expectDecodeError(() => T.decode(hex('30 07 a4 05 02 03 0f 42 40')), { path: 'T.cusec', offset: 4, message: /usec 1000000 out of range/ });
    expect(e.cause).toBeInstanceOf(RangeError);
    // a non-tagged codec mapped
    const M = map(
      NegotiationToken,
      (t) => t.type,
      () => ({ type: 'negTokenResp' as const, value: {} }),
    );
    expect(M.decode(hex('a1 02 30 00'))).toBe('negTokenResp');
    const Bad = map(
      raw,
      () => {
        throw new DecodeError('custom');
      },
      (x: Uint8Array) => x,
    );
    expectDecodeError(() => seq('Q', { x: field(0, Bad) }).decode(hex('30 04 a0 02 05 00')), { path: 'Q.x', offset: 4, message: /custom/ });
  });

  it('withBytes keeps the exact bytes of a value', () => {
    const Outer = seq('Outer', { pvno: field(1, int32), body: field(4, withBytes(S)) });
    const good = hex('30 10 a1 03 02 01 05 a4 09 30 07 a0 05 02 03 01 e2 40');
    const v = Outer.decode(good);
    expect(v.body.value).toEqual({ a: 123456, b: undefined });
    expect(toHex(v.body.bytes)).toBe('3007a005020301e240');
    // encoding writes the value; `bytes` is ignored
    expect(toHex(Outer.encode({ pvno: 5, body: { value: { a: 123456 }, bytes: new Uint8Array(0) } }))).toBe(toHex(good));
    // errors inside keep the path through the wrapper: [0] holds a lone 00 octet, no length follows
    expectDecodeError(() => Outer.decode(hex('30 0c a1 03 02 01 05 a4 05 30 03 a0 01 00')), { path: 'Outer.body.a', offset: 14, message: /expected a length/ });
  });
});

describe('inputs that are Uint8Array subclasses (Node Buffer)', () => {
  it('still decode into copies', () => {
    const input = Buffer.from('04020102', 'hex');
    const v = octetString.decode(input);
    input[2] = 9;
    expect(v).toEqual(hex('01 02'));
    expect(v.constructor).toBe(Uint8Array);
  });
});

describe('declaration checks', () => {
  it('rejects integer-like field names (their enumeration order would not be the declaration order)', () => {
    expect(() => seq('X', { a: field(0, int32), 1: field(1, int32) })).toThrow(TypeError);
  });
});
