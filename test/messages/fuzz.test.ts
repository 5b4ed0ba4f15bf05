/**
 * Every decoder of src/messages, on mutated valid encodings and on random bytes, returns or
 * throws a DecodeError (the class exactly), never anything else.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectors from '../../fixtures/mit/asn1-reference-encode.json' with { type: 'json' };
import { DecodeError } from '../../src/errors.js';
import * as M from '../../src/messages/index.js';
import { hex } from '../asn1/helpers.js';
import { CODECS } from './codecs.js';

const DECODERS: [string, (b: Uint8Array) => unknown][] = [
  ...CODECS.map(({ name, codec }) => [name, (b: Uint8Array) => codec.decode(b)] as [string, (b: Uint8Array) => unknown]),
  ['decodeKerberosMessage', M.decodeKerberosMessage],
  ['decodeEData', M.decodeEData],
];

function onlyDecodeError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError) || (e as Error).constructor !== DecodeError) throw e;
    expect(typeof e.path).toBe('string');
    expect(e.code).toBe('ERR_DECODE');
  }
}

/** A mutation of a valid encoding: flip, set, insert, delete or truncate bytes. */
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function mutate(b: Uint8Array, ms: Mutation[]): Uint8Array {
  let out = b.slice();
  for (const m of ms) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'set') out[at] = m.byte;
    else if (m.kind === 'flip') out[at]! ^= 1 << m.bit;
    else if (m.kind === 'insert') out = Uint8Array.from([...out.subarray(0, at), m.byte, ...out.subarray(at)]);
    else if (m.kind === 'delete') out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1)]);
    else out = out.slice(0, at);
  }
  return out;
}

describe('decoders throw only DecodeError', () => {
  it('on mutations of the MIT reference encodings, under every decoder', () => {
    const seeds = vectors.vectors.map((v) => hex(v.hex));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (seed, ms) => {
        const b = mutate(seed, ms);
        for (const [, decode] of DECODERS) onlyDecodeError(() => decode(b));
      }),
      { numRuns: 1500 },
    );
  });

  for (const { name, codec, arb } of CODECS) {
    it(`${name}: on mutations of generated encodings`, () => {
      fc.assert(
        fc.property(arb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (v, ms) => {
          const b = mutate(codec.encode(v), ms);
          onlyDecodeError(() => codec.decode(b));
          onlyDecodeError(() => M.decodeKerberosMessage(b));
        }),
        { numRuns: 100 },
      );
    });
  }

  it('on random bytes, under every decoder', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // random bytes behind a plausible header, so that decoding gets past the first tag
      fc
        .tuple(fc.constantFrom(0x30, 0x61, 0x62, 0x63, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x74, 0x75, 0x76, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e), fc.uint8Array({ maxLength: 100 }))
        .map(([t, rest]) => Uint8Array.from([t, rest.length < 128 ? rest.length : 0x81, ...(rest.length < 128 ? [] : [rest.length]), ...rest])),
    );
    fc.assert(
      fc.property(bytesArb, (b) => {
        for (const [, decode] of DECODERS) onlyDecodeError(() => decode(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeKerberosMessage: unknown and empty input are DecodeErrors', () => {
    for (const b of [new Uint8Array(0), hex('30 00'), hex('60 00'), hex('64 00'), hex('7f 1f 00'), hex('02 01 05')]) {
      let caught: unknown;
      try {
        M.decodeKerberosMessage(b);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DecodeError);
      expect((caught as Error).constructor).toBe(DecodeError);
    }
  });
});
