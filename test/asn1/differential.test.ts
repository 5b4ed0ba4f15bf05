/**
 * Differential test: random valid DER trees, serialized by a small test-local TLV writer (not
 * src/asn1's encoder), parsed by our `parseDer` and by asn1js 4.0.0 `fromBER`; the two trees
 * must agree on tag class, number, constructed bit, header and content bytes. Then the same
 * against mutated inputs: whenever we accept, asn1js must accept the same tree.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import { type DerNode, parseDer } from '../../src/asn1/index.js';
import { DecodeError } from '../../src/errors.js';
import vectors from '../../fixtures/mit/asn1-reference-encode.json' with { type: 'json' };
import { hex } from './helpers.js';

/** More runs locally: ASN1_FUZZ_RUNS=50000 npx vitest run test/asn1/differential.test.ts */
const RUNS = Number(process.env.ASN1_FUZZ_RUNS ?? 1000);

// ---- a test-local DER serializer for generated trees ----

interface GenNode {
  cls: number; // 0..3
  num: number;
  cons: boolean;
  content?: Uint8Array;
  children?: GenNode[];
}

function identifier(cls: number, cons: boolean, num: number): number[] {
  const lead = (cls << 6) | (cons ? 0x20 : 0);
  if (num < 31) return [lead | num];
  const groups: number[] = [];
  for (let n = num; n > 0; n = Math.floor(n / 128)) groups.unshift(n % 128);
  return [lead | 0x1f, ...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g))];
}

function lengthOctets(len: number): number[] {
  if (len < 128) return [len];
  const out: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  return [0x80 | out.length, ...out];
}

function serialize(n: GenNode): Uint8Array {
  const content = n.cons ? concat((n.children ?? []).map(serialize)) : (n.content ?? new Uint8Array(0));
  return concat([Uint8Array.from(identifier(n.cls, n.cons, n.num)), Uint8Array.from(lengthOctets(content.length)), content]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- generators of valid primitive contents ----

const minimalInteger = fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((v) => {
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    const b = Number(x & 0xffn);
    bytes.unshift(b);
    x >>= 8n;
    if ((x === 0n && (b & 0x80) === 0) || (x === -1n && (b & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes);
});

const base128 = (v: bigint): number[] => {
  const out = [Number(v & 0x7fn)];
  for (v >>= 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80);
  return out;
};
const oidContent = fc
  .array(fc.oneof(fc.bigInt({ min: 0n, max: 200n }), fc.bigInt({ min: 0n, max: 2n ** 70n })), { minLength: 1, maxLength: 8 })
  .map((subs) => Uint8Array.from(subs.flatMap(base128)));

const te = new TextEncoder();
const generalizedTime = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => {
  const iso = d.toISOString();
  return te.encode(iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z');
});

const tagNumber = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 31, max: 200 }), fc.integer({ min: 201, max: 0x0fffffff }));

const primitive: fc.Arbitrary<GenNode> = fc.oneof(
  minimalInteger.map((content) => ({ cls: 0, num: 2, cons: false, content })),
  fc.uint8Array({ maxLength: 300 }).map((content) => ({ cls: 0, num: 4, cons: false, content })),
  oidContent.map((content) => ({ cls: 0, num: 6, cons: false, content })),
  fc.boolean().map((b) => ({ cls: 0, num: 1, cons: false, content: Uint8Array.of(b ? 0xff : 0) })),
  fc.constant({ cls: 0, num: 5, cons: false, content: new Uint8Array(0) }),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => ({ cls: 0, num: 12, cons: false, content: te.encode(s) })),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => ({ cls: 0, num: 27, cons: false, content: te.encode(s) })),
  generalizedTime.map((content) => ({ cls: 0, num: 24, cons: false, content })),
  fc.tuple(fc.integer({ min: 1, max: 3 }), tagNumber, fc.uint8Array({ maxLength: 40 })).map(([cls, num, content]) => ({ cls, num, cons: false, content })),
);

const { tree } = fc.letrec<{ tree: GenNode; constructed: GenNode }>((tie) => ({
  tree: fc.oneof({ maxDepth: 6, depthIdentifier: 'tree' }, primitive, tie('constructed')),
  constructed: fc.oneof(
    fc.array(tie('tree'), { maxLength: 5 }).map((children) => ({ cls: 0, num: 16, cons: true, children })),
    fc.array(tie('tree'), { maxLength: 5 }).map((children) => ({ cls: 0, num: 17, cons: true, children })),
    fc.tuple(fc.integer({ min: 1, max: 3 }), tagNumber, fc.array(tie('tree'), { maxLength: 5 })).map(([cls, num, children]) => ({ cls, num, cons: true, children })),
  ),
}));

// ---- comparison ----

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AsnNode = any;

function compare(ours: DerNode, theirs: AsnNode, input: Uint8Array): void {
  expect(theirs.error ?? '').toBe('');
  expect(ours.tagClass + 1).toBe(theirs.idBlock.tagClass); // asn1js numbers classes 1..4
  expect(ours.tagNumber).toBe(theirs.idBlock.tagNumber);
  expect(ours.constructed).toBe(theirs.idBlock.isConstructed);
  expect(ours.headerLength).toBe(theirs.idBlock.blockLength + theirs.lenBlock.blockLength);
  expect(ours.length).toBe(theirs.lenBlock.length);
  const tlv: Uint8Array = theirs.valueBeforeDecodeView;
  expect(input.subarray(ours.offset, ours.offset + ours.headerLength + ours.length)).toEqual(tlv);
  expect(ours.content).toEqual(tlv.subarray(ours.headerLength));
  if (!ours.constructed) {
    // Compare raw value bytes where asn1js keeps them (INTEGER: not valueDec, which is 0 for 4+ octets).
    if (theirs.valueBlock.valueHexView !== undefined && ours.tagNumber !== 3) expect(ours.content).toEqual(new Uint8Array(theirs.valueBlock.valueHexView));
    expect(ours.children).toBeUndefined();
  } else {
    const kids: AsnNode[] = theirs.valueBlock.value;
    // asn1js turns a constructed CHARACTER STRING [UNIVERSAL 29] into text; only the header compares then.
    if (!Array.isArray(kids)) return;
    expect(ours.children?.length).toBe(kids.length);
    ours.children?.forEach((c, i) => {
      compare(c, kids[i], input);
    });
  }
}

/**
 * Whether asn1js recorded an error on any node of the tree (it interprets e.g. UTCTime contents and
 * notes failures there). Only constructed nodes' children are the tree: asn1js also tries to read a
 * primitive OCTET STRING's content as BER and keeps what it found in `valueBlock.value`, errors
 * included (content 17 07 00…: a UTCTime of zeros), which says nothing about the outer encoding.
 */
function anyError(n: AsnNode): boolean {
  if (n.error) return true;
  if (!n.idBlock?.isConstructed) return false;
  const v = n.valueBlock?.value;
  return Array.isArray(v) && v.some(anyError);
}

function asn1jsParse(bytes: Uint8Array): { ok: true; node: AsnNode } | { ok: false } {
  try {
    const r = asn1js.fromBER(bytes);
    return r.offset === bytes.length && !anyError(r.result) ? { ok: true, node: r.result } : { ok: false };
  } catch {
    return { ok: false }; // asn1js throws on some malformed contents (e.g. GeneralizedTime)
  }
}

describe('parseDer agrees with asn1js 4.0.0', { timeout: Math.max(60_000, RUNS * 20) }, () => {
  it('on random valid DER trees', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const bytes = serialize(t);
        const theirs = asn1jsParse(bytes);
        expect(theirs.ok).toBe(true);
        compare(parseDer(bytes, { maxDepth: 64 }), (theirs as { node: AsnNode }).node, bytes);
      }),
      // found by a CI run: an OCTET STRING whose content asn1js misreads as a UTCTime of zeros
      { numRuns: RUNS, examples: [[{ cls: 0, num: 16, cons: true, children: [{ cls: 0, num: 4, cons: false, content: Uint8Array.of(23, 7, 0, 0, 0, 0, 0, 0, 0) }] }]] },
    );
  });

  it('on the MIT reference encodings', () => {
    for (const v of vectors.vectors) {
      const bytes = hex(v.hex);
      const theirs = asn1jsParse(bytes);
      expect(theirs.ok, v.name).toBe(true);
      compare(parseDer(bytes), (theirs as { node: AsnNode }).node, bytes);
    }
  });

  it('on mutated inputs: what we accept, asn1js accepts identically', () => {
    const seeds = fc.oneof(tree.map(serialize), fc.constantFrom(...vectors.vectors.map((v) => hex(v.hex))));
    const mutated = fc.tuple(seeds, fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 3 })).map(([b, muts]) => {
      let out = Array.from(b);
      for (const [pos, val, kind] of muts) {
        const i = out.length === 0 ? 0 : pos % out.length;
        if (kind === 0 && out.length > 0) out[i] = val;
        else if (kind === 1) out = out.slice(0, i);
        else out.splice(i, 0, val);
      }
      return Uint8Array.from(out);
    });
    let accepted = 0;
    fc.assert(
      fc.property(mutated, (bytes) => {
        let ours: DerNode | undefined;
        try {
          ours = parseDer(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        accepted++;
        const theirs = asn1jsParse(bytes);
        // asn1js also interprets some universal contents (it rejects, e.g., a malformed UTCTime or
        // GeneralizedTime); parseDer does not, so only compare when asn1js produced a clean tree.
        if (theirs.ok) compare(ours, theirs.node, bytes);
      }),
      { numRuns: RUNS * 3 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
