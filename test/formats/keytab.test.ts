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

  it('a kvno above 255 survives (32-bit trailer), and kvno 0 too', () => {
    if (name !== 'several.keytab') return;
    expect(kt.entries.map((e) => e.kvno)).toEqual([3, 3, 300, 300, 0]);
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

it('skips deleted entries (negative sizes), as MIT does', () => {
  const good = file('rc4.keytab');
  const hole = new Uint8Array([0xff, 0xff, 0xff, 0xfc, 1, 2, 3, 4]); // size -4, then 4 bytes
  const withHole = new Uint8Array([...good.subarray(0, 2), ...hole, ...good.subarray(2)]);
  expect(decodeKeytab(withHole).entries).toEqual(decodeKeytab(good).entries);
});
