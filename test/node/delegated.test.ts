/**
 * Delegated credentials are stored only for the client the ticket authenticated (issue 11, item
 * 2): a KRB-CRED whose KrbCredInfo names someone else, or that carries anything but a forwarded
 * TGT, is refused and the cache left as it was. On MIT's own tickets (fixtures/mit/ccache,
 * alice's TGT), delegated through our initiator and opened by our acceptor with the recorded
 * service keys; the interop suite (test/http/hostile-interop.test.ts) does it with a live KDC and
 * MIT klist.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { Krb5Acceptor, Krb5Initiator, makeKrbCred } from '../../src/gssapi/index.js';
import { GssFlags, TicketFlags, flagMask } from '../../src/iana/index.js';
import { KRBCred } from '../../src/messages/index.js';
import { credentialsFromKrbCred, openCcache, storeDelegatedCredentials } from '../../src/node/index.js';
import { svc, tgt, keys, now } from '../gssapi/mit-ticket.js';

const FORWARDED = flagMask(TicketFlags.FORWARDED);
const tmp = mkdtempSync(join(tmpdir(), 'tskrb5-deleg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Alice authenticates with MIT's ticket and delegates `creds` (as our initiator sends them). */
function delegate(creds: Parameters<typeof makeKrbCred>[0]) {
  const krbCred = makeKrbCred(creds, svc.key, { now });
  const i = new Krb5Initiator({ credential: svc, now, flags: GssFlags.GSS_C_DELEG_FLAG | GssFlags.GSS_C_MUTUAL_FLAG, delegation: krbCred });
  const a = new Krb5Acceptor({ keys, now, replayCache: false });
  a.accept(i.token);
  expect(a.client!.components).toEqual(['alice']);
  return a.delegated!;
}

describe('storeDelegatedCredentials: only the authenticated client, only a forwarded TGT', () => {
  const forwarded = { ...tgt, flags: (tgt.flags | FORWARDED) >>> 0 };

  it("stores alice's forwarded TGT under alice, in one cache", async () => {
    const d = delegate([forwarded]);
    expect(d.client).toMatchObject({ realm: 'TSKRB5.TEST', components: ['alice'] });
    const name = `FILE:${join(tmp, 'ok.ccache')}`;
    expect(await storeDelegatedCredentials(d, name)).toMatchObject({ realm: 'TSKRB5.TEST', components: ['alice'] });
    const store = await openCcache(name);
    expect((await store.getPrincipal())!.components).toEqual(['alice']);
    const got = await store.getCredentials();
    expect(got.map((c) => c.server.components.join('/'))).toEqual(['krbtgt/TSKRB5.TEST']);
    expect(got[0]!.key.value).toEqual(tgt.key.value);
  });

  it("refuses alice's TGT labelled bob (ERR_DELEGATION_CLIENT), leaving bob's cache as it was", async () => {
    const d = delegate([{ ...forwarded, client: { ...forwarded.client, components: ['bob'] } }]);
    const path = join(tmp, 'krb5cc_bob');
    writeFileSync(path, 'bob was here');
    await expect(storeDelegatedCredentials(d, `FILE:${path}`)).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_DELEGATION_CLIENT', message: expect.stringMatching(/bob@TSKRB5\.TEST, not the authenticated client alice@TSKRB5\.TEST/) }),
    );
    expect(readFileSync(path, 'utf8')).toBe('bob was here');
    // and another realm's alice is not alice either
    const d2 = delegate([{ ...forwarded, client: { ...forwarded.client, realm: 'EVIL.TEST' } }]);
    expect(() => credentialsFromKrbCred(KRBCred.decode(d2.krbCred), d2.part, d2.client)).toThrow(ProtocolError);
  });

  it('refuses a service ticket, and a TGT without the FORWARDED flag, unless allowAnyTicket', async () => {
    for (const [k, creds] of [[svc], [{ ...tgt, flags: (tgt.flags & ~FORWARDED) >>> 0 }]].entries()) {
      const d = delegate(creds);
      const name = `FILE:${join(tmp, `nottgt${k}.ccache`)}`;
      await expect(storeDelegatedCredentials(d, name)).rejects.toThrow(expect.objectContaining({ code: 'ERR_DELEGATION_NOT_TGT' }));
      await expect(openCcache(name).then((s) => s.getPrincipal())).resolves.toBeNull();
      expect((await storeDelegatedCredentials(d, name, { allowAnyTicket: true })).components).toEqual(['alice']);
    }
  });

  it("a KRB-CRED without client names is the authenticated client's", () => {
    const d = delegate([forwarded]);
    const part = { ...d.part, ticketInfo: d.part.ticketInfo.map(({ pname: _p, prealm: _r, ...rest }) => rest) };
    const creds = credentialsFromKrbCred(KRBCred.decode(d.krbCred), part, d.client);
    expect(creds[0]!.client.components).toEqual(['alice']);
  });
});
