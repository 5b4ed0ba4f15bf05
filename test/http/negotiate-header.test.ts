/**
 * Negotiate header parsing: RFC 7235 / RFC 4559 examples and shapes met in the field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import {
  findNegotiate,
  formatNegotiate,
  fromBase64,
  negotiateToken,
  parseAuthorization,
  parseChallenges,
  parseNegotiateAuthorization,
  toBase64,
  type Challenge,
} from '../../src/http/index.js';

const cases: [string, string | string[], Challenge[]][] = [
  // RFC 4559 §4.1: the server's first challenge, no token
  ['RFC 4559 bare Negotiate', 'Negotiate', [{ scheme: 'Negotiate' }]],
  // RFC 4559 §4.2 shape: Negotiate with a base64 token (here the start of a framed SPNEGO token)
  ['Negotiate with token', 'Negotiate YIIBVQYGKwYBBQUCoA0=', [{ scheme: 'Negotiate', token68: 'YIIBVQYGKwYBBQUCoA0=' }]],
  // RFC 7235 §4.1 example
  [
    'RFC 7235 §4.1 example',
    'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
    [
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'Basic', params: { realm: 'simple' } },
    ],
  ],
  [
    'several challenges in one header',
    'Negotiate, Basic realm="x", Bearer error="invalid_token"',
    [{ scheme: 'Negotiate' }, { scheme: 'Basic', params: { realm: 'x' } }, { scheme: 'Bearer', params: { error: 'invalid_token' } }],
  ],
  ['several headers', ['Basic realm="intranet"', 'Negotiate', 'NTLM'], [{ scheme: 'Basic', params: { realm: 'intranet' } }, { scheme: 'Negotiate' }, { scheme: 'NTLM' }]],
  ['lower-case scheme', 'negotiate', [{ scheme: 'negotiate' }]],
  ['upper-case scheme with token, extra spaces', '  NEGOTIATE    oYG3MIG0oAMKAQA=  ', [{ scheme: 'NEGOTIATE', token68: 'oYG3MIG0oAMKAQA=' }]],
  ['empty list elements', ', Negotiate ,, Basic realm="a" ,', [{ scheme: 'Negotiate' }, { scheme: 'Basic', params: { realm: 'a' } }]],
  [
    'token68 then another challenge',
    'Negotiate YII=, Basic realm="x"',
    [
      { scheme: 'Negotiate', token68: 'YII=' },
      { scheme: 'Basic', params: { realm: 'x' } },
    ],
  ],
  ['token68 with / and +', 'Negotiate a+b/c==', [{ scheme: 'Negotiate', token68: 'a+b/c==' }]],
  ['BWS around =', 'Basic realm = "x" , charset="UTF-8"', [{ scheme: 'Basic', params: { realm: 'x', charset: 'UTF-8' } }]],
  ['param names case-insensitive', 'Basic Realm="x"', [{ scheme: 'Basic', params: { realm: 'x' } }]],
  [
    'quoted comma and escapes',
    'Bearer realm="a, b", error_description="say \\"hi\\" \\\\ ok"',
    [{ scheme: 'Bearer', params: { realm: 'a, b', error_description: 'say "hi" \\ ok' } }],
  ],
  ['empty quoted value', 'Basic realm=""', [{ scheme: 'Basic', params: { realm: '' } }]],
  ['IIS shape: Negotiate and NTLM in two headers', ['Negotiate', 'NTLM'], [{ scheme: 'Negotiate' }, { scheme: 'NTLM' }]],
  ['empty header', '', []],
  // The grammar makes these valid: `name = value` with BWS is an auth-param, `name=` a token68.
  ['BWS makes an auth-param', 'Negotiate abc= def', [{ scheme: 'Negotiate', params: { abc: 'def' } }]],
  ['trailing = makes a token68', 'Basic realm=', [{ scheme: 'Basic', token68: 'realm=' }]],
];

const bad: [string, string][] = [
  ['unterminated quote', 'Basic realm="x'],
  ['scheme glued to a quote', 'Basic"x"'],
  ['duplicate param', 'Basic realm="a", realm="b"'],
  ['garbage after token68', 'Negotiate abc== def'],
  ['param without value after a param', 'Basic a=1, b='],
  ['control character in quoted-string', 'Basic realm="a\u0001"'],
  ['a lone =', '='],
  ['a token68 that is only =', 'Negotiate ==='],
];

describe('parseChallenges', () => {
  it.each(cases)('%s', (_name, header, expected) => {
    const got = parseChallenges(header).map((c) => (c.params ? { ...c, params: { ...c.params } } : c));
    expect(got).toEqual(expected);
  });

  it.each(bad)('rejects %s with a DecodeError', (_name, header) => {
    expect(() => parseChallenges(header)).toThrow(DecodeError);
  });

  it('any string gives challenges or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'Negotiate Basic realm="=,\\ \taB0+/'.split('')), maxLength: 60 }), (s) => {
        try {
          parseChallenges(s);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as Error).constructor).toBe(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('formatted challenges parse back', () => {
    const scheme = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,10}$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a header value cannot carry control characters other than HTAB; the generator has to filter them out
    const value = fc.string({ maxLength: 12 }).filter((s) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s));
    const ch = fc.oneof(
      fc.record({ scheme }),
      fc.record({ scheme, token68: fc.uint8Array({ minLength: 1, maxLength: 40 }).map(toBase64) }),
      fc.record({ scheme, params: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/), value, { minKeys: 1, maxKeys: 4 }) }),
    );
    const quote = (v: string) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    const fmt = (c: Challenge) =>
      c.token68 !== undefined
        ? `${c.scheme} ${c.token68}`
        : c.params
          ? `${c.scheme} ${Object.entries(c.params)
              .map(([k, v]) => `${k}=${quote(v)}`)
              .join(', ')}`
          : c.scheme;
    fc.assert(
      fc.property(fc.array(ch, { minLength: 1, maxLength: 5 }), (list) => {
        const got = parseChallenges(list.map(fmt).join(', ')).map((c) => (c.params ? { ...c, params: { ...c.params } } : c));
        expect(got).toEqual(list);
      }),
    );
  });
});

describe('findNegotiate', () => {
  it('finds the Negotiate challenge, case-insensitively, and decodes its token', () => {
    expect(findNegotiate(parseChallenges('Basic realm="x", negotiate YII='))).toEqual({ token: Uint8Array.of(0x60, 0x82) });
    expect(findNegotiate(parseChallenges(['Basic realm="x"', 'Negotiate']))).toEqual({});
    expect(findNegotiate(parseChallenges('Basic realm="x", NTLM'))).toBeUndefined();
  });

  it('bad base64 is a DecodeError', () => {
    expect(() => findNegotiate(parseChallenges('Negotiate YI='))).toThrow(DecodeError); // not canonical
    expect(() => findNegotiate(parseChallenges('Negotiate Y'))).toThrow(DecodeError);
    expect(() => findNegotiate([{ scheme: 'Negotiate', token68: 'ab$=' }])).toThrow(DecodeError);
  });
});

describe('Authorization', () => {
  it('parses and formats Negotiate credentials', () => {
    const token = Uint8Array.of(0x60, 0x82, 0x01, 0xff, 0x06);
    const value = formatNegotiate(token);
    expect(value).toBe('Negotiate YIIB/wY=');
    expect(parseAuthorization(value)).toEqual({ scheme: 'Negotiate', token68: 'YIIB/wY=' });
    expect(parseNegotiateAuthorization(value)).toEqual(token);
    expect(parseNegotiateAuthorization('negotiate YIIB/wY=')).toEqual(token);
    expect(parseNegotiateAuthorization('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(formatNegotiate()).toBe('Negotiate');
  });

  it('rejects malformed credentials with a DecodeError', () => {
    for (const v of ['Negotiate', 'Negotiate YII=, Basic x', 'Negotiate YI', 'Negotiate YII= junk', '']) {
      expect(() => parseNegotiateAuthorization(v), v).toThrow(DecodeError);
    }
  });

  it('round-trips any token', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (t) => {
        const v = formatNegotiate(t);
        if (t.length === 0) expect(v).toBe('Negotiate');
        else expect(parseNegotiateAuthorization(v)).toEqual(t);
      }),
    );
  });
});

describe('base64', () => {
  const nodeB64 = (b: Uint8Array) => globalThis.Buffer.from(b).toString('base64');
  it('matches node:buffer both ways (differential)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(toBase64(b)).toBe(nodeB64(b));
        expect(fromBase64(nodeB64(b))).toEqual(b);
        expect(fromBase64(nodeB64(b).replace(/=+$/, ''))).toEqual(b); // unpadded accepted
      }),
    );
  });
  it('long inputs (the pair-table path) match node:buffer, and a bad character anywhere is named at its offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 190, maxLength: 3000 }), fc.nat(), fc.constantFrom('!', '-', '_', ' ', '\u00e9', '\u{1F600}', '=', '\0'), (b, at, bad) => {
        const text = nodeB64(b);
        expect(fromBase64(text)).toEqual(b);
        const i = at % (text.length - 2);
        const broken = text.slice(0, i) + bad + text.slice(i + 1);
        let err: unknown;
        try {
          fromBase64(broken);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(DecodeError);
        // a lone '=' inside is named where the alphabet stops; padding faults at the end are said otherwise
        if (bad !== '=' && bad.length === 1) expect((err as DecodeError).offset).toBe(i);
      }),
      { numRuns: 200 },
    );
  });
  it('RFC 4648 §10 vectors', () => {
    const enc = (s: string) => toBase64(new TextEncoder().encode(s));
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(enc)).toEqual(['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy']);
  });
  it('any string decodes or throws DecodeError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        try {
          fromBase64(s);
        } catch (e) {
          expect((e as Error).constructor).toBe(DecodeError);
        }
      }),
    );
  });
});

describe('negotiateToken (a server reading Authorization)', () => {
  const b64 = (b: Uint8Array) => globalThis.Buffer.from(b).toString('base64');
  const gss = (n: number) => {
    // a GSS-API initial token of n bytes: 60, a DER length, then anything
    const body = n - (n - 2 < 128 ? 2 : n - 3 < 256 ? 3 : n - 4 < 65536 ? 4 : 5);
    const len = body < 128 ? [body] : body < 256 ? [0x81, body] : body < 65536 ? [0x82, body >> 8, body & 255] : [0x83, body >> 16, (body >> 8) & 255, body & 255];
    return Uint8Array.from([0x60, ...len, ...new Uint8Array(body).fill(7)]);
  };
  it('gives the token of any well-framed size, and nothing for no header or another scheme', () => {
    for (const n of [10, 129, 300, 5000, 65536]) expect(negotiateToken(`Negotiate ${b64(gss(n))}`)).toEqual(gss(n));
    expect(negotiateToken(`  negotiate\t${b64(gss(300))}  `)).toEqual(gss(300));
    for (const v of [undefined, null, '', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'NegotiateX abc', 'Bearer x']) expect(negotiateToken(v)).toBeUndefined();
  });
  it('refuses a token over the bound before decoding it (ERR_TOKEN_TOO_LARGE), and says so for any bound', () => {
    const big = `Negotiate ${b64(gss(70000))}`;
    expect(() => negotiateToken(big)).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_TOO_LARGE' }));
    expect(() => negotiateToken(`Negotiate ${b64(gss(5000))}`, { maxBytes: 4096 })).toThrow(/longer than 4096 bytes/);
    // junk past the bound is refused on its length alone: not even a base64 fault is reported
    expect(() => negotiateToken(`Negotiate ${'!'.repeat(100_000)}`)).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_TOO_LARGE' }));
  });
  it('refuses junk on its first bytes: not GSS-API, SPNEGO or NTLM, or a DER length that is not the size', () => {
    expect(() => negotiateToken(`Negotiate ${b64(new Uint8Array(3000).fill(0x41))}`)).toThrow(/not a GSS-API, SPNEGO or NTLM token/);
    const t = gss(3000);
    expect(() => negotiateToken(`Negotiate ${b64(t.subarray(0, 2999))}`)).toThrow(/DER length \(3000 bytes\) is not its size \(2999 bytes\)/);
    // NTLM goes through, for the acceptor to name it
    const ntlm = new TextEncoder().encode('NTLMSSP\0\x01\0\0\0' + 'x'.repeat(40));
    expect(negotiateToken(`Negotiate ${b64(ntlm)}`)).toEqual(ntlm);
    expect(() => negotiateToken('Negotiate')).toThrow(/without a token/);
  });
});
