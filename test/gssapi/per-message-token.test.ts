/** RFC 4121 §4.2.6 MIC and Wrap token headers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, UnsupportedError } from '../../src/errors.js';
import { decodePerMessageToken, encodePerMessageToken, wrapInitialToken, type PerMessageToken } from '../../src/gssapi/index.js';
import { Oid, TokenFlags, TokenId } from '../../src/iana/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { fixture, hex } from './helpers.js';
import { expectOnlyKerberosErrors } from './errors-only.js';

describe('RFC 4121 §4.2.6 per-message tokens', () => {
  it('lays out the 16-byte headers as the RFC draws them', () => {
    // §4.2.6.1: 04 04 | flags | ff ff ff ff ff | SND_SEQ (8, big-endian) | SGN_CKSUM
    expect(toHex(encodePerMessageToken({ tokId: TokenId.MIC, flags: TokenFlags.SentByAcceptor, sndSeq: 0x0102030405060708n, checksum: Uint8Array.of(0xaa) }))).toBe(
      '040401ffffffffff0102030405060708aa',
    );
    // §4.2.6.2: 05 04 | flags | ff | EC (2) | RRC (2) | SND_SEQ (8) | data
    expect(toHex(encodePerMessageToken({ tokId: TokenId.WRAP, flags: 7, ec: 0x0c, rrc: 0x1c, sndSeq: 2n ** 64n - 1n, body: Uint8Array.of(1, 2) }))).toBe(
      '050407ff000c001cffffffffffffffff0102',
    );
    expect(decodePerMessageToken(fromHex('050402ff00100000000000000000002a'))).toEqual({ tokId: TokenId.WRAP, flags: 2, ec: 16, rrc: 0, sndSeq: 42n, body: new Uint8Array(0) });
  });

  it('round-trips', () => {
    const seq = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const tok: fc.Arbitrary<PerMessageToken> = fc.oneof(
      fc.record({ tokId: fc.constant(TokenId.MIC), flags: fc.integer({ min: 0, max: 255 }), sndSeq: seq, checksum: fc.uint8Array({ maxLength: 32 }) }),
      fc.record({
        tokId: fc.constant(TokenId.WRAP),
        flags: fc.integer({ min: 0, max: 255 }),
        ec: fc.integer({ min: 0, max: 0xffff }),
        rrc: fc.integer({ min: 0, max: 0xffff }),
        sndSeq: seq,
        body: fc.uint8Array({ maxLength: 64 }),
      }),
    );
    fc.assert(
      fc.property(tok, (t) => {
        const b = encodePerMessageToken(t);
        expect(decodePerMessageToken(b)).toEqual(t);
      }),
    );
  });

  it('rejects bad fillers, short headers and unknown ids; reports RFC 1964 tokens as unsupported', () => {
    for (const h of ['040401ffffff00ff0000000000000000', '050401fe00000000000000000000000a', '0404', '050401ff0000', '0606ffffffffffff0000000000000000', '']) {
      expect(() => decodePerMessageToken(fromHex(h)), h).toThrow(DecodeError);
    }
    const legacy = [fromHex('0101000000ffffff'), fromHex('0201'), wrapInitialToken(Oid.KRB5, fromHex('0101000000ffffff')), wrapInitialToken(Oid.KRB5, fromHex('0102'))];
    for (const b of legacy) {
      try {
        decodePerMessageToken(b);
        throw new Error('decoded');
      } catch (e) {
        expect((e as object).constructor).toBe(UnsupportedError);
        expect((e as UnsupportedError).code).toBe('ERR_RFC1964_TOKEN');
      }
    }
    expect(() => encodePerMessageToken({ tokId: TokenId.MIC, flags: 256, sndSeq: 0n, checksum: new Uint8Array() })).toThrow(RangeError);
    expect(() => encodePerMessageToken({ tokId: TokenId.MIC, flags: 0, sndSeq: -1n, checksum: new Uint8Array() })).toThrow(RangeError);
  });

  it('random and mutated bytes give only DecodeError / UnsupportedError', () => {
    const ctx = fixture<Record<string, string>>('krb5-context.json');
    expectOnlyKerberosErrors(decodePerMessageToken, [hex(ctx.micInitiator!), hex(ctx.wrapSealedInitiator!), hex(ctx.wrapIntegInitiator!)]);
  });
});
