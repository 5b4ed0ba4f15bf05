/** RFC 4178 tokens, NegTokenInit2, NTLM recognition, round trips and fuzzing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedError } from '../../src/errors.js';
import { encodeKrb5Token, wrapInitialToken } from '../../src/gssapi/index.js';
import { fromBase64 } from '../../src/http/base64.js';
import { GssFlags as GssFlagsConst, Oid, TokenId } from '../../src/iana/index.js';
import {
  contextFlags,
  gssFlagsOf,
  decodeSpnegoToken,
  encodeMechTypeList,
  encodeNegTokenInit,
  encodeNegTokenInit2,
  encodeNegTokenResp,
  NegotiationToken,
  NegState,
  type NegTokenInit,
  type NegTokenInit2,
  type NegTokenResp,
} from '../../src/spnego/index.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { fixture, hex } from '../gssapi/helpers.js';
import { expectOnlyKerberosErrors } from '../gssapi/errors-only.js';

const KRB5 = '06092a864886f712010202';
const MS_KRB5 = '06092a864882f712010202';
const NTLM = '060a2b06010401823702020a';

function errorOf(f: () => unknown): { constructor: unknown; code: string; message: string } {
  try {
    f();
  } catch (e) {
    return e as { constructor: unknown; code: string; message: string };
  }
  throw new Error('no error');
}

describe('RFC 4178 encodings by hand', () => {
  it('MechTypeList and NegTokenInit', () => {
    expect(toHex(encodeMechTypeList([Oid.MS_KRB5, Oid.KRB5]))).toBe(`3016${MS_KRB5}${KRB5}`);
    // a0 [0] { 30 SEQUENCE { a0 [0] mechTypes, a2 [2] mechToken } }, framed with 06 06 2b0601050502
    const init = encodeNegTokenInit({ mechTypes: [Oid.KRB5], mechToken: Uint8Array.of(0xab) });
    // 15 + 5 = 20 = 0x14 content; 30 14 → 22; a0 16 → 24; + 8 OID bytes = 32 = 0x20
    expect(toHex(init)).toBe(`602006062b0601050502` + `a0163014` + `a00d300b${KRB5}` + 'a2030401ab');
    expect(toHex(encodeNegTokenInit({ mechTypes: [Oid.KRB5], reqFlags: { unusedBits: 1, bytes: Uint8Array.of(0x62) }, mechListMIC: Uint8Array.of(1) }, { framed: false }))).toBe(
      `a01c301aa00d300b${KRB5}a1040302016` + '2a3030401' + '01',
    );
  });

  it('NegTokenResp, including the Windows/IIS final token with an NTLM-style mechListMIC', () => {
    expect(toHex(encodeNegTokenResp({ negState: NegState['accept-completed'] }))).toBe('a1073005a0030a0100');
    const iis = fromBase64('oRswGaADCgEAoxIEEAEAAABDh+CIwTbjqQAAAAA=');
    const { framed, token } = decodeSpnegoToken(iis);
    expect(framed).toBe(false);
    expect(token).toEqual({ type: 'negTokenResp', value: { negState: 0, mechListMIC: fromHex('010000004387e088c136e3a900000000') } });
    expect(encodeNegTokenResp((token as { value: NegTokenResp }).value)).toEqual(iis);
    expect(decodeSpnegoToken(fromHex('a1073005a0030a0103')).token).toEqual({ type: 'negTokenResp', value: { negState: NegState['request-mic'] } });
  });

  it('NegTokenInit2: negHints at [3], mechListMIC at [4]', () => {
    const v: NegTokenInit2 = { mechTypes: [Oid.KRB5], negHints: { hintName: 'not_defined_in_RFC4178@please_ignore' }, mechListMIC: Uint8Array.of(9) };
    const b = encodeNegTokenInit2(v, { framed: false });
    // 15 (mechTypes) + 44 (a3 2a …) + 5 (a4 03 04 01 09) = 64 = 0x40
    expect(toHex(b)).toBe(`a0423040` + `a00d300b${KRB5}` + 'a32a3028a0261b24' + toHex(utf8('not_defined_in_RFC4178@please_ignore')) + 'a403040109');
    expect(NegotiationToken.decode(b)).toEqual({ type: 'negTokenInit2', value: v });
    // mechListMIC at [3] and a [4] together is neither form
    expect(errorOf(() => NegotiationToken.decode(fromHex(`a01a3018a00d300b${KRB5}a3030401aa` + 'a4030401bb'))).constructor).toBe(DecodeError);
  });

  it('rejects a NegTokenResp in the initial framing, trailing data and unknown alternatives', () => {
    expect(errorOf(() => decodeSpnegoToken(wrapInitialToken(Oid.SPNEGO, fromHex('a1073005a0030a0100')))).constructor).toBe(DecodeError);
    expect(errorOf(() => decodeSpnegoToken(fromHex('a1073005a0030a010000'))).constructor).toBe(DecodeError);
    expect(errorOf(() => decodeSpnegoToken(fromHex('a2073005a0030a0100'))).constructor).toBe(DecodeError);
    expect(errorOf(() => decodeSpnegoToken(new Uint8Array(0))).constructor).toBe(DecodeError);
  });

  it('a raw Kerberos token is not SPNEGO', () => {
    const raw = encodeKrb5Token({ tokId: TokenId.KRB_AP_REQ, inner: fromHex('6e00') });
    expect(errorOf(() => decodeSpnegoToken(raw))).toMatchObject({ constructor: UnsupportedError, code: 'ERR_UNSUPPORTED_MECH' });
  });
});

describe('NTLM is recognised, never mis-parsed', () => {
  const negotiate = fromBase64('TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw=='); // NTLMSSP NEGOTIATE_MESSAGE
  const challenge = Uint8Array.from([...utf8('NTLMSSP\0'), 2, 0, 0, 0, 0, 0, 0, 0]);
  const cases: [string, Uint8Array][] = [
    ['a raw NTLMSSP token', negotiate],
    ['NTLM as the only mech, with an NTLMSSP mechToken', encodeNegTokenInit({ mechTypes: [Oid.NTLMSSP], mechToken: negotiate })],
    ['NTLM as the only mech', encodeNegTokenInit({ mechTypes: [Oid.NTLMSSP] })],
    ['an NTLMSSP mechToken behind a Kerberos OID', encodeNegTokenInit({ mechTypes: [Oid.NTLMSSP, Oid.KRB5], mechToken: negotiate })],
    ['a server selecting NTLM', encodeNegTokenResp({ negState: 1, supportedMech: Oid.NTLMSSP, responseToken: challenge })],
    ['an NTLMSSP responseToken', encodeNegTokenResp({ negState: 1, responseToken: challenge })],
    ['an NTLM-framed token', wrapInitialToken(Oid.NTLMSSP, negotiate)],
    ['NegTokenInit2 offering only NTLM', encodeNegTokenInit2({ mechTypes: [Oid.NTLMSSP], negHints: { hintName: 'not_defined_in_RFC4178@please_ignore' } })],
  ];
  it.each(cases)('%s → UnsupportedError ERR_NTLM', (_name, bytes) => {
    const e = errorOf(() => decodeSpnegoToken(bytes));
    expect(e.constructor).toBe(UnsupportedError);
    expect(e.code).toBe('ERR_NTLM');
    expect(e.message).toMatch(/offered NTLM/);
  });

  it('NTLM listed after Kerberos, with a Kerberos mechToken, is fine (Windows clients send this)', () => {
    const b = encodeNegTokenInit({
      mechTypes: [Oid.MS_KRB5, Oid.KRB5, Oid.NEGOEX, Oid.NTLMSSP],
      mechToken: encodeKrb5Token({ tokId: TokenId.KRB_AP_REQ, inner: fromHex('6e00') }),
    });
    expect(decodeSpnegoToken(b).token.type).toBe('negTokenInit');
    expect(toHex(b)).toContain(`${MS_KRB5}${KRB5}`);
    expect(toHex(b)).toContain(NTLM);
  });
});

describe('round trips', () => {
  const arc = fc.integer({ min: 0, max: 2 ** 32 });
  const mech = fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 6 }))
    .map(([a, b, r]) => [a, b, ...r].join('.'))
    .filter((o) => o !== Oid.NTLMSSP);
  const mechTypes = fc.array(fc.oneof(fc.constantFrom(Oid.KRB5, Oid.MS_KRB5), mech), { maxLength: 4 });
  const bytes = fc.uint8Array({ maxLength: 40 });
  const reqFlags = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 7 })).map(([b, u]) => {
    const c = b.slice();
    c[c.length - 1] = c[c.length - 1]! & ~((1 << u) - 1) & 0xff;
    return { unusedBits: u, bytes: c };
  });
  const init: fc.Arbitrary<NegTokenInit> = fc.record({ mechTypes, reqFlags, mechToken: bytes, mechListMIC: bytes }, { requiredKeys: ['mechTypes'] });
  const init2: fc.Arbitrary<NegTokenInit2> = fc.record(
    { mechTypes, reqFlags, mechToken: bytes, negHints: fc.record({ hintName: fc.string({ maxLength: 20 }), hintAddress: bytes }, { requiredKeys: [] }), mechListMIC: bytes },
    { requiredKeys: ['mechTypes'] },
  );
  const resp: fc.Arbitrary<NegTokenResp> = fc.record(
    { negState: fc.integer({ min: 0, max: 3 }), supportedMech: mech, responseToken: bytes, mechListMIC: bytes },
    { requiredKeys: [] },
  );

  it('NegTokenInit, framed and bare', () => {
    fc.assert(
      fc.property(init, fc.boolean(), (v, framed) => {
        expect(decodeSpnegoToken(encodeNegTokenInit(v, { framed }))).toEqual({ framed, token: { type: 'negTokenInit', value: v } });
      }),
    );
  });

  it('NegTokenInit2 (a [4] or negHints make it Init2; neither reads as the same bytes of an Init)', () => {
    fc.assert(
      fc.property(init2, (v) => {
        const b = encodeNegTokenInit2(v);
        const { token } = decodeSpnegoToken(b);
        if (v.negHints === undefined && v.mechListMIC === undefined) expect(token).toEqual({ type: 'negTokenInit', value: v });
        else expect(token).toEqual({ type: 'negTokenInit2', value: v });
        expect(token.type === 'negTokenResp' ? undefined : wrapInitialToken(Oid.SPNEGO, NegotiationToken.encode(token))).toEqual(b);
      }),
    );
  });

  it('NegTokenResp', () => {
    fc.assert(
      fc.property(resp, (v) => {
        expect(decodeSpnegoToken(encodeNegTokenResp(v))).toEqual({ framed: false, token: { type: 'negTokenResp', value: v } });
      }),
    );
  });

  it('random and mutated bytes give only DecodeError / UnsupportedError', () => {
    const ctx = fixture<{ tokens: string[] }>('spnego-context.json');
    const i2 = fixture<{ token: string }>('spnego-init2.json');
    expectOnlyKerberosErrors(
      decodeSpnegoToken,
      [
        ...ctx.tokens.map(hex),
        hex(i2.token),
        fromBase64('oRswGaADCgEAoxIEEAEAAABDh+CIwTbjqQAAAAA='),
        encodeNegTokenInit2({
          mechTypes: [Oid.KRB5, Oid.NTLMSSP],
          reqFlags: { unusedBits: 1, bytes: Uint8Array.of(0x62) },
          mechToken: Uint8Array.of(1),
          negHints: { hintAddress: Uint8Array.of(2) },
          mechListMIC: Uint8Array.of(3),
        }),
      ],
      5000,
    );
  });
});

describe('ContextFlags (RFC 4178 §4.2.1)', () => {
  it('maps GSS flags to the named bits, MIT-style one octet', () => {
    const F = GssFlagsConst;
    expect(contextFlags(F.GSS_C_MUTUAL_FLAG | F.GSS_C_INTEG_FLAG)).toEqual({ unusedBits: 1, bytes: Uint8Array.of(0x42) });
    expect(contextFlags(F.GSS_C_DELEG_FLAG | F.GSS_C_ANON_FLAG | F.GSS_C_CONF_FLAG)).toEqual({ unusedBits: 1, bytes: Uint8Array.of(0x8c) });
    expect(toHex(encodeNegTokenInit({ mechTypes: [Oid.KRB5], reqFlags: contextFlags(0x7f) }, { framed: false }))).toContain('a104030201fe');
  });
  it('round-trips the seven flags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7f }), (f) => {
        expect(gssFlagsOf(contextFlags(f))).toBe(f);
      }),
    );
    expect(gssFlagsOf({ unusedBits: 0, bytes: Uint8Array.of(0x40, 0, 0, 0) })).toBe(2); // the 32-bit SIZE form
  });
});
