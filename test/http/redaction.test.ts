/**
 * Key material never shows in `JSON.stringify` or `util.inspect` (issue 11, item 3): the request
 * info the middleware hands the application (session key, subkeys, a delegated TGT's session
 * key, the KRB-CRED), credentials read from a cache or made from a KRB-CRED, keytab entries, and
 * keys made by the crypto functions. The bytes of each key are looked for in the printed text as
 * numbers in a row (how both printers show a Uint8Array), as hex and as base64.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decrypt, randomKey, stringToKey } from '../../src/crypto/index.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { Krb5Initiator, makeKrbCred } from '../../src/gssapi/index.js';
import { createNegotiateAuthenticator } from '../../src/http/index.js';
import { GssFlags, KeyUsage } from '../../src/iana/index.js';
import { Authenticator, EncAPRepPart, EncTicketPart, KRBCred, type APRep, type APReq } from '../../src/messages/index.js';
import { credentialsFromKrbCred } from '../../src/node/index.js';
import { decodeKrb5Message } from '../../src/gssapi/index.js';
import { expectNoLeak, leak } from '../redaction.js';
import { cc, svc, tgt, keys, now } from '../gssapi/mit-ticket.js';

const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);

describe('key material never prints', () => {
  it('the detector itself finds a key printed by either printer (so the tests below can fail)', () => {
    const k = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
    expect(leak(JSON.stringify({ k }), k)).toBe('as numbers');
    expect(leak(inspect({ k }), k)).toBe('as numbers');
    expect(leak(`key=${Buffer.from(k).toString('hex')}`, k)).toBe('as hex');
  });

  it("req.negotiate's context: session key, both subkeys, the delegated TGT's key and the KRB-CRED", () => {
    const krbCred = makeKrbCred([tgt], svc.key, { now });
    const i = new Krb5Initiator({ credential: svc, now, flags: GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_DELEG_FLAG, delegation: krbCred });
    const check = createNegotiateAuthenticator({ keys, now, replayCache: false });
    const r = check(`Negotiate ${Buffer.from(i.token).toString('base64')}`);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.context.delegated).toBeDefined();
    // the secrets, found the long way: the ticket and authenticator opened with the service key
    const ap = decodeKrb5Message(i.token).message.value as APReq;
    const skey = keys.find((k) => k.principal.components[0] === 'HTTP' && k.key.etype === ap.ticket.encPart.etype)!.key;
    const part = EncTicketPart.decode(decrypt(skey, KeyUsage.KDC_REP_TICKET, ap.ticket.encPart.cipher));
    const auth = Authenticator.decode(decrypt({ etype: part.key.keytype, value: part.key.keyvalue }, KeyUsage.AP_REQ_AUTH, ap.authenticator.cipher));
    const apRep = decodeKrb5Message(Buffer.from(r.wwwAuthenticate!.slice('Negotiate '.length), 'base64')).message.value as APRep;
    const repPart = EncAPRepPart.decode(decrypt({ etype: part.key.keytype, value: part.key.keyvalue }, KeyUsage.AP_REP_ENCPART, apRep.encPart.cipher));
    const info = { principal: r.principal, context: r.context, channelBound: false };
    const secrets = {
      'session key': part.key.keyvalue,
      "initiator's subkey": auth.subkey!.keyvalue,
      "acceptor's subkey": repPart.subkey!.keyvalue,
      "the delegated TGT's session key": tgt.key.value,
      'the KRB-CRED': krbCred.subarray(40, 80),
    };
    expectNoLeak(info, secrets);
    // the initiator's side of the same context
    expectNoLeak(i, { 'session key': part.key.keyvalue, "initiator's subkey": auth.subkey!.keyvalue });
    expectNoLeak(r, secrets);
    // what was redacted is still there for the application
    expect(r.context.delegated!.part.ticketInfo[0]!.key.keyvalue).toEqual(tgt.key.value);
    expect(KRBCred.decode(r.context.delegated!.krbCred).tickets).toHaveLength(1);
    // and still says what it is
    expect(JSON.stringify(r.context.delegated)).toMatch(/"krbCred":"\[redacted: \d+ bytes\]"/);
  });

  it('credentials read from a cache, made from a KRB-CRED, and keytab entries', () => {
    expectNoLeak(cc.credentials, Object.fromEntries(cc.credentials.map((c, k) => [`credential ${k}`, c.key.value])));
    const creds = credentialsFromKrbCred(
      KRBCred.decode(makeKrbCred([tgt], svc.key, { now })),
      { ticketInfo: [{ key: { keytype: tgt.key.etype, keyvalue: tgt.key.value }, prealm: 'TSKRB5.TEST', pname: { nameType: 1, nameString: ['alice'] } }] } as never,
      { realm: 'TSKRB5.TEST', components: ['alice'] },
      { allowAnyTicket: true },
    );
    expectNoLeak(creds, { 'delegated key': tgt.key.value });
    const kt = decodeKeytab(new Uint8Array(readFileSync(new URL('../keytab/several.keytab', dir))));
    expect(kt.entries.length).toBeGreaterThan(0);
    expectNoLeak(kt, Object.fromEntries(kt.entries.map((e, k) => [`keytab entry ${k}`, e.key.value])));
  });

  it('keys made by the crypto functions', () => {
    const a = stringToKey(18, 'password', 'EXAMPLE.COMalice');
    const b = randomKey(20);
    expectNoLeak({ a, b }, { 'string-to-key': a.value, 'random key': b.value });
    expect(inspect(a)).toMatch(/etype: 18.*redacted: 32 bytes/);
  });
});
