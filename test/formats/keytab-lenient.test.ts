/**
 * The keytab reader's two modes (src/formats/keytab.ts): strict (`decodeKeytab`) and lenient, MIT's
 * reading for `klist -k` (compared with MIT klist itself in test/cli/klist-keytab-mutations.test.ts).
 * One reader: on well-formed files they agree; where strict accepts a damaged file, the lenient
 * reading lists a prefix of its entries (MIT stops quietly at zero and negative 16-bit lengths);
 * lenient never throws past a good version header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { decodeKeytab, encodeKeytab, type KeytabEntry } from '../../src/formats/index.js';

const dir = new URL('../../fixtures/mit/keytab/', import.meta.url);
const FIXTURES = readdirSync(dir).filter((f) => f.endsWith('.keytab'));
const file = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const entry = (components: string[], key: number[]): KeytabEntry => ({
  principal: { realm: 'EX.COM', components, nameType: 1 },
  timestamp: new Date(1_700_000_000_000),
  kvno: 2,
  key: { etype: 17, value: Uint8Array.from(key) },
});

describe('strict and lenient readings', () => {
  it.each(FIXTURES)('%s: the same entries', (name) => {
    const bytes = file(name);
    const strict = decodeKeytab(bytes);
    const lenient = decodeKeytab(bytes, { lenient: true });
    expect(lenient).toEqual({ ...strict, end: 'end', partial: false });
  });

  it.each(FIXTURES)('%s, mutated and cut: lenient never throws, and lists a prefix of what strict accepts', (name) => {
    const bytes = file(name);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(bytes.length), (at, v, cut) => {
        const m = bytes.slice(0, Math.max(cut, 2));
        if (at >= 2 && at < m.length) m[at] = v;
        const lenient = decodeKeytab(m, { lenient: true });
        let strict: KeytabEntry[] | null = null;
        try {
          strict = decodeKeytab(m).entries;
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
        if (strict) expect(strict.slice(0, lenient.entries.length)).toEqual(lenient.entries);
      }),
      { numRuns: 1000 },
    );
  });

  it("MIT's rules: zero lengths end quietly, a size of -2^31 is a bad format, a key cut by the end is kept", () => {
    const two = encodeKeytab({ version: 2, entries: [entry(['a'], [1, 2, 3, 4]), entry([''], [5, 6, 7, 8])] });
    // strict reads an empty component; MIT ends there
    expect(decodeKeytab(two).entries).toHaveLength(2);
    expect(decodeKeytab(two, { lenient: true })).toMatchObject({ end: 'end', partial: false, entries: [{ principal: { components: ['a'] } }] });
    const one = encodeKeytab({ version: 2, entries: [entry(['a'], [1, 2, 3, 4])] });
    const bad = Uint8Array.from([...one, 0x80, 0, 0, 0, 9, 9]);
    expect(() => decodeKeytab(bad)).toThrow(DecodeError);
    expect(decodeKeytab(bad, { lenient: true })).toMatchObject({ end: 'format', entries: [{ principal: { components: ['a'] } }] });
    // cut inside the key, with a record size that leaves no room for the 32-bit kvno
    const noKvno32 = encodeKeytab({ version: 2, entries: [{ ...entry(['a'], [1, 2, 3, 4]), kvno32: false }] });
    const cut = noKvno32.slice(0, noKvno32.length - 2);
    expect(() => decodeKeytab(cut)).toThrow(DecodeError);
    const scan = decodeKeytab(cut, { lenient: true });
    expect(scan).toMatchObject({ end: 'end', partial: true });
    expect([...scan.entries[0]!.key.value]).toEqual([1, 2]);
    expect(() => decodeKeytab(Uint8Array.of(5, 3), { lenient: true })).toThrow(DecodeError);
  });
});
