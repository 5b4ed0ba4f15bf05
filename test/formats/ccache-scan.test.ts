/**
 * The scanner's quick reading of common version 4 records (local variables, one step) against
 * its field-by-field reading: on the MIT and Heimdal fixtures, on every mutation and truncation
 * of them, and on generated caches, both give the same views record by record, and fail at the
 * same record with the same error. The quick reading must also be the one taken on the common
 * records (else the comparison proves nothing): checked by the position it leaves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CcacheRecordView, CcacheScanner, encodeCcache, type CcacheCredential } from '../../src/formats/index.js';

const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);
const FIXTURES = readdirSync(dir).filter((f) => f.endsWith('.ccache'));
const file = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));

/** Every view the scanner gives (copied), then the error it ends with, if any. */
function scan(bytes: Uint8Array, fieldByField: boolean): unknown[] {
  const out: unknown[] = [];
  try {
    const sc = new CcacheScanner(bytes, { fieldByField });
    const v = new CcacheRecordView();
    while (sc.next(v)) {
      const span = (p: CcacheRecordView['client']) => ({ nameType: p.nameType, count: p.count, spans: [...p.spans.subarray(0, 2 * (p.count + 1))] });
      out.push({ ...v, client: span(v.client), server: span(v.server), pos: sc.pos });
    }
  } catch (e) {
    out.push({ error: String(e), code: (e as { code?: string }).code, offset: (e as { offset?: number }).offset, path: (e as { path?: string }).path });
  }
  return out;
}

describe('the quick record reading is the field-by-field one', () => {
  it.each(FIXTURES)('%s, as written and under every mutation and truncation', (name) => {
    const bytes = file(name);
    expect(scan(bytes, false)).toEqual(scan(bytes, true));
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(bytes.length), (at, value, cut) => {
        const m = bytes.slice(0, cut);
        if (at < m.length) m[at] = value;
        expect(scan(m, false)).toEqual(scan(m, true));
      }),
      { numRuns: 300 },
    );
  });

  it('on generated version 4 caches with addresses, authdata and long names', () => {
    const str = fc.string({ unit: 'binary', maxLength: 10 });
    const cred: fc.Arbitrary<CcacheCredential> = fc.record({
      client: fc.record({ nameType: fc.integer({ min: -5, max: 10 }), realm: str, components: fc.array(str, { maxLength: 9 }) }),
      server: fc.record({ nameType: fc.integer({ min: -5, max: 10 }), realm: str, components: fc.array(str, { maxLength: 9 }) }),
      key: fc.record({ etype: fc.integer({ min: -0x8000, max: 0x7fff }), value: fc.uint8Array({ maxLength: 32 }) }),
      authtime: fc.date({ min: new Date(0), max: new Date(0xffffffff * 1000), noInvalidDate: true }),
      starttime: fc.date({ min: new Date(0), max: new Date(0xffffffff * 1000), noInvalidDate: true }),
      endtime: fc.date({ min: new Date(0), max: new Date(0xffffffff * 1000), noInvalidDate: true }),
      renewTill: fc.date({ min: new Date(0), max: new Date(0xffffffff * 1000), noInvalidDate: true }),
      isSkey: fc.boolean(),
      flags: fc.integer({ min: 0, max: 0xffffffff }),
      addresses: fc.array(fc.record({ type: fc.integer({ min: 0, max: 0xffff }), data: fc.uint8Array({ maxLength: 8 }) }), { maxLength: 2 }),
      authdata: fc.array(fc.record({ type: fc.integer({ min: -0x8000, max: 0x7fff }), data: fc.uint8Array({ maxLength: 8 }) }), { maxLength: 2 }),
      ticket: fc.uint8Array({ maxLength: 40 }),
      secondTicket: fc.uint8Array({ maxLength: 8 }),
    });
    fc.assert(
      fc.property(fc.array(cred, { minLength: 1, maxLength: 5 }), fc.nat(), (credentials, cut) => {
        const bytes = encodeCcache({ version: 4, header: [], defaultPrincipal: credentials[0]!.client, credentials, config: [] });
        expect(scan(bytes, false)).toEqual(scan(bytes, true));
        const short = bytes.subarray(0, cut % (bytes.length + 1));
        expect(scan(short, false)).toEqual(scan(short, true));
      }),
      { numRuns: 300 },
    );
  });

  it('takes the quick reading on a common record', () => {
    // the field-by-field reading ends each record by clearing its field label; the quick one leaves it
    const labels = (fieldByField: boolean) => {
      const sc = new CcacheScanner(file('v4-kvno.ccache'), { fieldByField });
      const v = new CcacheRecordView();
      const out: string[] = [];
      for (sc.field = 'untouched'; sc.next(v); sc.field = 'untouched') out.push(sc.field);
      return out;
    };
    expect(labels(false).length).toBeGreaterThan(1);
    expect(labels(false).every((l) => l === 'untouched')).toBe(true);
    expect(labels(true).every((l) => l === '')).toBe(true);
  });
});
