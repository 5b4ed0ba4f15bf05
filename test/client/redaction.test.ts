/**
 * Key material never prints (issue 11, item 3), for the objects that hold keys outside the server
 * path: what the sans-I/O client's exchanges resolve to (the AS exchange's credential and
 * decrypted reply part, a service ticket, an S4U2Self ticket), and the embedded KDC's database
 * and KDC objects (every principal's long-term keys, the krbtgt key, a trust's keys, and the
 * passwords they were made from). The exchanges run against the embedded KDC in process; the
 * secrets are found the long way (the database's keys read through their accessors, the reply
 * opened with the client's key) and then looked for in JSON.stringify and util.inspect output.
 */
import { describe, expect, it } from 'vitest';
import { getInitialCredentials, getS4U2SelfTicket, getServiceTicket, type Transport } from '../../src/client/index.js';
import { stringToKey } from '../../src/crypto/index.js';
import { Kdc, KdcDatabase } from '../../src/kdc/index.js';
import { unparsePrincipal } from '../../src/messages/index.js';
import { expectNoLeak, leak, printed } from '../redaction.js';

const R = 'REDACT.TEST';
const PASSWORDS = { alice: 'Alice-Pa55word!', trust: 'Trust-Pa55word!' };
const db = new KdcDatabase({
  realm: R,
  principals: [
    { name: 'alice', password: PASSWORDS.alice },
    { name: 'HTTP/web', enctypes: [18, 17] },
    { name: 'HTTP/front', okToAuthAsDelegate: true },
  ],
  trusts: [{ realm: 'OTHER.TEST', password: PASSWORDS.trust }],
});
const kdc = new Kdc(db);
const transport: Transport = {
  async send(_realm, request) {
    const r = kdc.handle(request);
    if (!r.reply) throw new Error('the KDC dropped the request');
    return r.reply;
  },
};

/** Every long-term key in the database, read through the accessors an application would use. */
function databaseKeys(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const e of db.entries()) for (const k of e.keys) out[`${unparsePrincipal(e.principal)} etype ${k.key.etype} kvno ${k.kvno}`] = k.key.value;
  return out;
}

describe('key material in the client results and the embedded KDC never prints', () => {
  it('the database holds keys to look for (so the checks below can fail), and the detector finds one printed plainly', () => {
    const keys = databaseKeys();
    expect(Object.keys(keys).length).toBeGreaterThanOrEqual(8);
    const [name, k] = Object.entries(keys)[0]!;
    expect(k.length, name).toBeGreaterThanOrEqual(16);
    expect(leak(JSON.stringify({ k: Array.from(k) }), k)).toBe('as numbers');
  });

  it('KdcDatabase and Kdc: no long-term key (krbtgt, users, services, trusts) and no password', () => {
    const secrets = { ...databaseKeys(), 'alice password': PASSWORDS.alice, 'trust password': PASSWORDS.trust };
    expectNoLeak(db, secrets);
    expectNoLeak(kdc, secrets);
    expectNoLeak(db.entries(), secrets);
    expectNoLeak(db.tgs, secrets);
  });

  it("getInitialCredentials' result: the session key, the reply part's key, alice's long-term key", async () => {
    const as = await getInitialCredentials({ transport, client: `alice@${R}`, password: PASSWORDS.alice });
    const aliceKey = stringToKey(as.credential.key.etype === 17 ? 17 : 18, PASSWORDS.alice, `${R}alice`);
    expect(as.credential.key.value.length).toBeGreaterThanOrEqual(16);
    expectNoLeak(as, {
      session: as.credential.key.value,
      'reply part key': as.encPart.key.keyvalue,
      'alice long-term key': aliceKey.value,
      password: PASSWORDS.alice,
      ...databaseKeys(),
    });
  });

  it("getServiceTicket's result and the S4U2Self ticket: their session keys and the TGT's", async () => {
    const as = await getInitialCredentials({ transport, client: `alice@${R}`, password: PASSWORDS.alice });
    const st = await getServiceTicket({ transport, tgt: as.credential, server: `HTTP/web@${R}` });
    expectNoLeak(st, { session: st.credential.key.value, 'reply part key': st.encPart.key.keyvalue, 'TGT session': as.credential.key.value, ...databaseKeys() });

    const frontKey = db.lookup(['HTTP', 'front'], R)!.keys[0]!;
    const front = await getInitialCredentials({ transport, client: `HTTP/front@${R}`, keys: [{ etype: frontKey.key.etype, value: frontKey.key.value, kvno: frontKey.kvno }] });
    const self = await getS4U2SelfTicket({ transport, tgt: front.credential, user: `alice@${R}` });
    expect(unparsePrincipal(self.user)).toBe(`alice@${R}`);
    expectNoLeak(self, { session: self.credential.key.value, 'TGT session': front.credential.key.value, ...databaseKeys() });
    for (const text of printed(self)) expect(text).toContain('redacted');
  });
});
