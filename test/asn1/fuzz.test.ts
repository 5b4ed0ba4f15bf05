/**
 * Mutation fuzz: valid encodings (MIT's reference encodings and random values of the composite
 * structures) with random byte flips, truncations, insertions, deletions and duplications.
 * Every decoder must return or throw a DecodeError, and nothing else; never hang. The
 * composite decoders are the real ones of src/messages and src/spnego, built on src/asn1.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Codec,
  bitString,
  bool,
  enumerated,
  generalString,
  ia5String,
  int32,
  int64,
  kerberosFlags,
  kerberosTime,
  map,
  nullValue,
  octetString,
  oid,
  parseDer,
  raw,
  seqOf,
  uint32,
  uint64,
  utf8String,
  withBytes,
} from '../../src/asn1/index.js';
import { DecodeError } from '../../src/errors.js';
import vectors from '../../fixtures/mit/asn1-reference-encode.json' with { type: 'json' };
import { APReq, ASReq, Authenticator, EncTicketPart, KRBError, Ticket } from '../../src/messages/index.js';
import { NegotiationToken } from '../../src/spnego/index.js';
import { decodeInitialToken } from '../../src/gssapi/index.js';
import { apReqArb, authenticatorArb } from '../messages/arbitraries.js';
import { hex } from './helpers.js';

/** More runs for a longer local fuzz: ASN1_FUZZ_RUNS=200000 npx vitest run test/asn1/fuzz.test.ts */
const RUNS = Number(process.env.ASN1_FUZZ_RUNS ?? 3000);

const decoders: [string, (b: Uint8Array) => unknown][] = [
  ['AP-REQ', (b) => APReq.decode(b)],
  ['Ticket', (b) => Ticket.decode(b)],
  ['Authenticator', (b) => Authenticator.decode(b)],
  ['EncTicketPart', (b) => EncTicketPart.decode(b)],
  ['AS-REQ', (b) => ASReq.decode(b)],
  ['KRB-ERROR', (b) => KRBError.decode(b)],
  // the RFC 2743 framing with any mechanism OID, a NegotiationToken inside
  ['InitialContextToken', (b) => decodeInitialToken(b, () => NegotiationToken)],
  ['NegotiationToken', (b) => NegotiationToken.decode(b)],
  ['withBytes(AP-REQ)', (b) => withBytes(APReq).decode(b)],
  [
    'map(AS-REQ)',
    (b) =>
      map(
        ASReq,
        (x) => x.reqBody.nonce,
        () => {
          throw new Error('unused');
        },
      ).decode(b),
  ],
  ['parseDer', (b) => parseDer(b)],
  ['parseDer depth 3', (b) => parseDer(b, { maxDepth: 3 })],
  ...(
    [
      bool,
      int32,
      uint32,
      int64,
      uint64,
      enumerated,
      nullValue,
      octetString,
      generalString,
      utf8String,
      ia5String,
      kerberosTime,
      bitString,
      kerberosFlags,
      oid,
      raw,
      seqOf(raw),
    ] as Codec<unknown>[]
  ).map((c): [string, (b: Uint8Array) => unknown] => [c.name, (b) => c.decode(b)]),
];

/** Decode with every decoder; anything but a plain return or a DecodeError fails the test. */
function checkAll(bytes: Uint8Array): void {
  for (const [name, decode] of decoders) {
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError) || Object.getPrototypeOf(e) !== DecodeError.prototype) {
        throw new Error(`${name} threw ${String(e)} on ${Buffer.from(bytes).toString('hex')}`, { cause: e });
      }
      expect(e.code).toBe('ERR_DECODE');
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.length);
    }
  }
}

type Mutation = { kind: 'set' | 'flip' | 'truncate' | 'insert' | 'delete' | 'duplicate'; at: number; value: number; len: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'flip', 'truncate', 'insert', 'delete', 'duplicate'),
  at: fc.nat(),
  value: fc.nat(255),
  len: fc.integer({ min: 1, max: 16 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
});

function mutate(input: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = Array.from(input);
  for (const m of muts) {
    const i = b.length === 0 ? 0 : m.at % b.length;
    switch (m.kind) {
      case 'set':
        if (b.length) b[i] = m.value;
        break;
      case 'flip':
        if (b.length) b[i]! ^= 1 << (m.value & 7);
        break;
      case 'truncate':
        b = b.slice(0, i);
        break;
      case 'insert':
        b.splice(i, 0, ...m.bytes);
        break;
      case 'delete':
        b.splice(i, m.len);
        break;
      case 'duplicate':
        b.splice(i, 0, ...b.slice(i, i + m.len));
        break;
    }
  }
  return Uint8Array.from(b);
}

const seeds: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(...vectors.vectors.map((v) => hex(v.hex))),
  apReqArb.map((v) => APReq.encode(v)),
  authenticatorArb.map((v) => Authenticator.encode(v)),
  fc.constant(hex('60 22 06 06 2b 06 01 05 05 02 a0 18 30 16 a0 0d 30 0b 06 09 2a 86 48 86 f7 12 01 02 02 a2 05 04 03 61 62 63')),
);

describe('decoders on mutated and random input throw only DecodeError', { timeout: Math.max(60_000, RUNS * 10) }, () => {
  it('mutated valid encodings', () => {
    fc.assert(
      fc.property(seeds, fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, muts) => checkAll(mutate(seed, muts))),
      { numRuns: RUNS },
    );
  });

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), checkAll), { numRuns: Math.ceil(RUNS / 1.5) });
  });

  it('random bytes behind plausible headers', () => {
    const lead = fc.constantFrom(0x30, 0x6e, 0x61, 0x62, 0x60, 0xa0, 0x02, 0x04, 0x06, 0x18, 0x1b, 0x03, 0x1f, 0x3f, 0x9f);
    fc.assert(
      fc.property(lead, fc.uint8Array({ maxLength: 40 }), (t, rest) => {
        checkAll(Uint8Array.from([t, rest.length, ...rest]));
        checkAll(Uint8Array.from([t, 0x81, rest.length, ...rest]));
      }),
      { numRuns: 2000 },
    );
  });

  it('every single-byte truncation and every single-byte change of an AP-REQ', () => {
    const b = hex(vectors.vectors.find((v) => v.name === 'encode_krb5_ap_req')!.hex);
    for (let i = 0; i < b.length; i++) {
      const bad = APReq.decode.bind(APReq);
      expect(() => bad(b.subarray(0, i))).toThrow(DecodeError);
      for (const v of [0x00, 0x80, 0xff, b[i]! ^ 0x01]) {
        const m = b.slice();
        m[i] = v;
        try {
          APReq.decode(m);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }
    }
  });
});
