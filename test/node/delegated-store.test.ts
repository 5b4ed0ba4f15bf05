/**
 * storeDelegatedCredentials replaces the cache once (issue 11, item 2): five delegated tickets
 * are one new file renamed over the old, never an empty cache followed by five appends or
 * rewrites — a reader (an HTTP handler using the cache) sees the old cache or the whole new one.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCcache, encodeCcache } from '../../src/formats/index.js';
import { EncKrbCredPart, KRBCred, type Ticket } from '../../src/messages/index.js';
import { formatsCodec, type CcacheFileCodec } from '../../src/node/ccache/index.js';
import { storeDelegatedCredentials } from '../../src/node/delegated.js';
import { fakeCred } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tskrb5-deleg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const R = 'EX.COM';
const services = [
  ['krbtgt', R],
  ['HTTP', 'a.ex.com'],
  ['HTTP', 'b.ex.com'],
  ['ldap', 'c.ex.com'],
  ['cifs', 'd.ex.com'],
];

function delegation(): { krbCred: Uint8Array; part: EncKrbCredPart } {
  const tickets: Ticket[] = services.map((sname, i) => ({
    tktVno: 5,
    realm: R,
    sname: { nameType: 2, nameString: sname },
    encPart: { etype: 18, kvno: 1, cipher: new Uint8Array(40).fill(i + 1) },
  }));
  const part: EncKrbCredPart = {
    ticketInfo: services.map((sname, i) => ({
      key: { keytype: 18, keyvalue: new Uint8Array(32).fill(0x10 + i) },
      prealm: R,
      pname: { nameType: 1, nameString: ['alice'] },
      flags: 0x40e10000,
      authtime: new Date(1_700_000_000_000),
      endtime: new Date(1_700_036_000_000),
      srealm: R,
      sname: { nameType: 2, nameString: sname },
    })),
  };
  const krbCred = KRBCred.encode({ pvno: 5, msgType: 22, tickets, encPart: { etype: 0, cipher: EncKrbCredPart.encode(part) } });
  return { krbCred, part };
}

describe('storeDelegatedCredentials', () => {
  it("five tickets into a FILE cache holding someone else's: one whole-file write with all five, no empty cache, no append", async () => {
    const p = join(dir, 'deleg.ccache');
    const bob = { realm: R, components: ['bob'], nameType: 1 };
    writeFileSync(p, encodeCcache({ version: 4, header: [], defaultPrincipal: bob, credentials: [fakeCred(bob, `krbtgt/${R}`)], config: [] }), { mode: 0o600 });
    const oldIno = statSync(p).ino;
    // Each replacement of a FILE cache is one whole-file encode (then temp file + rename); an append is one encodeRecord.
    const replacements: number[] = [];
    let appends = 0;
    const fileCodec: CcacheFileCodec = {
      ...formatsCodec,
      encode: (cc, o) => {
        replacements.push(cc.credentials.length);
        return formatsCodec.encode(cc, o);
      },
      encodeRecord: (c, v) => {
        appends++;
        return formatsCodec.encodeRecord!(c, v);
      },
    };
    const who = await storeDelegatedCredentials({ ...delegation(), client: { realm: R, components: ['alice'], nameType: 1 } }, `FILE:${p}`, { fileCodec, allowAnyTicket: true });
    expect(who).toEqual({ nameType: 1, realm: R, components: ['alice'] });
    expect(replacements).toEqual([5]); // never [0, …]: the cache is not emptied first
    expect(appends).toBe(0);
    expect(statSync(p).ino).not.toBe(oldIno);
    const f = decodeCcache(readFileSync(p));
    expect(f.defaultPrincipal.components).toEqual(['alice']);
    expect(f.credentials.map((c) => c.server.components)).toEqual(services);
    expect(f.credentials.map((c) => c.key.value[0])).toEqual([0x10, 0x11, 0x12, 0x13, 0x14]);
  });
});
