/**
 * The KDC encodes a client's PAC once and writes each ticket's times into it (src/kdc/pac.ts):
 * every PAC it issues must be the PAC it would encode from scratch — same bytes as the codec
 * writes for the decoded value and signed again by signPac — with that ticket's authtime in
 * LOGON_INFO and CLIENT_INFO, and verifying with the service and krbtgt keys. (MIT's acceptor and
 * krb5_pac_verify judge the same PACs live in pac.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { signPac, verifyPac } from '../../src/ap/index.js';
import { KdcDatabase } from '../../src/kdc/index.js';
import { issuePac, realmDomainSid } from '../../src/kdc/pac.js';
import { dateToFileTime, decodePac } from '../../src/messages/index.js';

const R = 'TEMPLATE.TEST';
const db = new KdcDatabase({
  realm: R,
  principals: [{ name: 'alice', password: 'Pa55-word!x', groups: ['staff', 'dev'] }, { name: 'HTTP/web.template.test' }, { name: 'we\\/ird\\\\one' }],
});
const alice = db.lookup(['alice'], R)!;
const web = db.lookup(['HTTP', 'web.template.test'], R)!;
const tgs = db.lookup(['krbtgt', R], R)!;
const id = { domainSid: realmDomainSid(R), domainName: 'TEMPLATE', realm: R, rid: 1200, groupRids: [1100, 1101] };

describe('PACs from a template are the PACs encoded from scratch', () => {
  for (const etype of [18, 17, 20]) {
    it(`service key etype ${etype}: times written in, bytes as the codec writes them, both signatures verify`, () => {
      const serverKey = web.keys.find((k) => k.etype === etype)?.key ?? web.keys[0]!.key;
      const kdcKey = tgs.keys[0]!.key;
      for (const [i, t] of [new Date('2026-12-07T06:00:00.123Z'), new Date('2031-01-02T03:04:05Z'), new Date(0)].entries()) {
        const bytes = issuePac(alice, id, t, i % 2 === 0 ? true : undefined, serverKey, kdcKey);
        const pac = decodePac(bytes);
        const logon = pac.buffers.find((b) => b.kind === 'logonInfo')!.value as { logonTime: string; passwordLastSet: string };
        const client = pac.buffers.find((b) => b.kind === 'clientInfo')!.value as { clientId: string };
        expect([logon.logonTime, logon.passwordLastSet, client.clientId]).toEqual(Array(3).fill(dateToFileTime(t)));
        expect(signPac(pac, { serverKey, kdcKey })).toEqual(bytes);
        expect(() => verifyPac(bytes, { serverKey, kdcKey, authtime: t, client: { nameType: 1, components: ['alice'], realm: R } })).not.toThrow();
      }
    });
  }
});

describe("CLIENT_INFO's name is the name krb5_pac_verify compares it with", () => {
  it('a component with "/" and "\\" in it: written as it is (unparsed DISPLAY | NO_REALM, as k5_pac_validate_client), and the PAC verifies against the ticket\'s client', () => {
    const weird = db.lookup(['we/ird\\one'], R)!;
    expect(weird).toBeDefined();
    const serverKey = web.keys[0]!.key;
    const kdcKey = tgs.keys[0]!.key;
    const t = new Date('2026-12-07T06:00:00Z');
    const bytes = issuePac(weird, id, t, true, serverKey, kdcKey);
    const client = decodePac(bytes).buffers.find((b) => b.kind === 'clientInfo')!.value as { name: string };
    expect(client.name).toBe('we/ird\\one');
    expect(() => verifyPac(bytes, { serverKey, kdcKey, authtime: t, client: { nameType: 1, components: ['we/ird\\one'], realm: R } })).not.toThrow();
  });
});
