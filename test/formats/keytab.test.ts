/**
 * Keytabs written by MIT's ktutil (fixtures/mit/keytab/, made by its generate.sh), checked
 * against MIT klist's own listing of them, re-encoded byte for byte, and their keys against
 * string-to-key of the passwords generate.sh gave ktutil (an independent check of both sides).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringToKey } from '../../src/crypto/index.js';
import { DecodeError } from '../../src/errors.js';
import { decodeKeytab, encodeKeytab } from '../../src/formats/index.js';
import { enctypeName } from '../../src/iana/index.js';
import { toHex } from '../../src/util/bytes.js';

const dir = new URL('../../fixtures/mit/keytab/', import.meta.url);
const file = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const text = (n: string) => readFileSync(new URL(n, dir), 'utf8');

/** MIT klist -K -e -t -k lines: "   3 11/25/26 03:52:20 alice@EXAMPLE.COM (aes256-cts-hmac-sha1-96)  (0x…)" */
function klistEntries(listing: string) {
  return listing
    .split('\n')
    .map((l) => /^\s*(\d+) \S+ \S+ (\S+) \((?:DEPRECATED:)?([\w-]+)\)\s+\(0x([0-9a-f]+)\)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kvno: Number(m[1]), principal: m[2]!, etype: m[3]!, key: m[4]! }));
}

const PASSWORDS: Record<string, string> = {
  'alice@EXAMPLE.COM': 'secret',
  'HTTP/www.example.com@EXAMPLE.COM': 'secret2',
  'host/a.example.com@EXAMPLE.COM': 'p@ss wörd',
  'bob@EXAMPLE.COM': 'Password',
};

/** The kvnos generate.sh gives ktutil (addent -k), in file order. */
const KVNOS: Record<string, number[]> = {
  // above 255 (only the 32-bit trailer holds it; the 8-bit field says 44) and 0
  'several.keytab': [3, 3, 300, 300, 0],
  'rc4.keytab': [1],
};

/** The records of a version 2 keytab: after 05 02, a 32-bit signed size then that many bytes (negative: a hole). */
function records(b: Uint8Array): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let p = 2; p < b.length; ) {
    const size = be32(b, p) | 0;
    p += 4;
    if (size > 0) out.push({ start: p, end: p + size });
    p += Math.abs(size);
  }
  return out;
}
const be32 = (b: Uint8Array, p: number) => ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;

describe.each(['several.keytab', 'rc4.keytab'])('%s (MIT ktutil)', (name) => {
  const bytes = file(name);
  const kt = decodeKeytab(bytes);
  const golden = klistEntries(text(`${name}.klist.txt`));

  it('decodes to what MIT klist lists', () => {
    expect(golden.length).toBeGreaterThan(0);
    expect(
      kt.entries.map((e) => ({
        kvno: e.kvno,
        principal: `${e.principal.components.join('/')}@${e.principal.realm}`,
        etype: enctypeName(e.key.etype),
        key: toHex(e.key.value),
      })),
    ).toEqual(golden);
  });

  it('re-encodes to the same bytes', () => {
    expect(toHex(encodeKeytab(kt))).toBe(toHex(bytes));
  });

  it('holds the keys string-to-key gives for the passwords ktutil was given (default salt)', () => {
    for (const e of kt.entries) {
      const princ = `${e.principal.components.join('/')}@${e.principal.realm}`;
      const salt = e.principal.realm + e.principal.components.join('');
      const k = stringToKey(e.key.etype, PASSWORDS[princ]!, salt, undefined, { allowWeakCrypto: true });
      expect(toHex(k.value), princ).toBe(toHex(e.key.value));
    }
  });

  it('kvnos come from the 32-bit trailer, and from the 8-bit field when the trailer is zero (MIT klist on both)', () => {
    // each record ends with MIT's 32-bit kvno: the kvno klist lists
    const recs = records(bytes);
    expect(recs.map((r) => be32(bytes, r.end - 4))).toEqual(golden.map((g) => g.kvno));
    expect(kt.entries.map((e) => e.kvno)).toEqual(golden.map((g) => g.kvno));
    expect(kt.entries.every((e) => e.kvno32 === true)).toBe(true);
    // with every trailer zeroed, MIT klist lists the 8-bit field (fixtures: NAME.trailer-zeroed.klist.txt)
    const zeroed = bytes.slice();
    for (const r of recs) zeroed.fill(0, r.end - 4, r.end);
    const mit = klistEntries(text(`${name}.trailer-zeroed.klist.txt`));
    expect(mit.length).toBe(golden.length);
    expect(decodeKeytab(zeroed).entries.map((e) => e.kvno)).toEqual(mit.map((g) => g.kvno));
  });

  it('holds the kvnos generate.sh gave ktutil', () => {
    expect(kt.entries.map((e) => e.kvno)).toEqual(KVNOS[name]);
  });

  it('any mutation or truncation gives a keytab or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(bytes.length), (at, v, cut) => {
        const m = bytes.slice(0, Math.max(cut, 2));
        if (at < m.length) m[at] = v;
        try {
          decodeKeytab(m);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

it('refuses what is not a keytab, and a length past the end', () => {
  expect(() => decodeKeytab(new Uint8Array([0x05, 0x03]))).toThrow(DecodeError);
  expect(() => decodeKeytab(new Uint8Array([0x05, 0x02, 0x7f, 0xff, 0xff, 0xff, 0]))).toThrow(/past the end/);
});

it('skips deleted entries (negative sizes), as MIT does (its klist of the file: rc4.keytab.hole.klist.txt)', () => {
  const good = file('rc4.keytab');
  const hole = new Uint8Array([0xff, 0xff, 0xff, 0xfc, 1, 2, 3, 4]); // size -4, then 4 bytes
  const withHole = new Uint8Array([...good.subarray(0, 2), ...hole, ...good.subarray(2)]);
  const mit = klistEntries(text('rc4.keytab.hole.klist.txt'));
  expect(mit).toHaveLength(1);
  expect(
    decodeKeytab(withHole).entries.map((e) => ({
      kvno: e.kvno,
      principal: `${e.principal.components.join('/')}@${e.principal.realm}`,
      etype: enctypeName(e.key.etype),
      key: toHex(e.key.value),
    })),
  ).toEqual(mit);
});
