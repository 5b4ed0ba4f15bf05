/**
 * fast-check round trips over every codec of src/messages: decode(encode(v)) deep-equals v,
 * and encode(decode(b)) gives b back byte for byte.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CODECS } from './codecs.js';
import * as M from '../../src/messages/index.js';

// toEqual treats an absent OPTIONAL field and one decoded as undefined alike.
describe('round trips of every codec', () => {
  for (const { name, codec, arb } of CODECS) {
    it(`${name}: decode(encode(v)) = v and encode(decode(b)) = b`, () => {
      fc.assert(
        fc.property(arb, (v) => {
          const b = codec.encode(v);
          const back = codec.decode(b);
          expect(back).toEqual(v);
          expect(codec.encode(back)).toEqual(b);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the table covers every codec src/messages exports', () => {
    const exported = Object.entries(M)
      .filter(([, v]) => typeof v === 'object' && v !== null && 'decode' in v && 'encode' in v)
      .map(([k]) => k);
    const tested = new Set(CODECS.map((c) => c.name));
    for (const name of exported) expect(tested, name).toContain(name);
  });

  it('decodeKerberosMessage gives back every message it is given, by name', () => {
    const tagged = CODECS.filter((c) => c.codec.tags?.length === 1 && c.codec.tags[0]! >= 0x60 && c.codec.tags[0]! <= 0x7e);
    expect(tagged.map((c) => c.name).sort()).toEqual(
      [
        'APRep',
        'APReq',
        'ASRep',
        'ASReq',
        'Authenticator',
        'EncAPRepPart',
        'EncASRepPart',
        'EncKrbCredPart',
        'EncKrbPrivPart',
        'EncTGSRepPart',
        'EncTicketPart',
        'KRBCred',
        'KRBError',
        'KRBPriv',
        'KRBSafe',
        'TGSRep',
        'TGSReq',
        'Ticket',
      ].sort(),
    );
    for (const { codec, arb } of tagged) {
      fc.assert(
        fc.property(arb, (v) => {
          const m = M.decodeKerberosMessage(codec.encode(v));
          expect(m.value).toEqual(codec === M.EncASRepPart ? { ...v, applicationTag: 25 } : codec === M.EncTGSRepPart ? { ...v, applicationTag: 26 } : v);
        }),
        { numRuns: 20 },
      );
    }
  });
});
