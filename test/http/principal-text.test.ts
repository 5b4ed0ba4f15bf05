/**
 * The HTTP layer writes principals in one text form, `unparsePrincipal`'s (MIT's
 * krb5_unparse_name): the server hands an application the escaped name, so that a client whose
 * name has a `/` or an `@` inside a component is not mistaken for another (`a\/b@R` is the
 * one-component `a/b`, `a/b@R` the two-component `a`, `b`); the fetch's log names the service so.
 * The client's ticket is MIT's (fixtures/mit/ccache/v4-kvno.ccache) sealed again under the
 * service key MIT's kadmin recorded, with the client name the test chooses — no KDC is involved.
 */
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt } from '../../src/crypto/index.js';
import { createNegotiateAuthenticator, createNegotiateFetchCore, type ResponseLike } from '../../src/http/index.js';
import { KeyUsage } from '../../src/iana/index.js';
import { EncTicketPart, Ticket } from '../../src/messages/index.js';
import { forgeApReq, spnegoInit } from '../gssapi/forge.js';
import { svc, keys, now } from '../gssapi/mit-ticket.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** MIT's service ticket with another client name (and no authorization data: MIT's PAC names the real client). */
function ticketFor(components: string[], realm: string): Uint8Array {
  const t = Ticket.decode(svc.ticket);
  const key = keys.find((k) => k.principal.components.join('/') === svc.server.components.join('/') && k.key.etype === t.encPart.etype)!.key;
  const part = EncTicketPart.decode(decrypt(key, KeyUsage.KDC_REP_TICKET, t.encPart.cipher));
  const { authorizationData: _, ...rest } = part;
  const forged = EncTicketPart.encode({ ...rest, crealm: realm, cname: { nameType: 1, nameString: components } });
  return Ticket.encode({ ...t, encPart: { ...t.encPart, cipher: encrypt(key, KeyUsage.KDC_REP_TICKET, forged) } });
}

describe('createNegotiateAuthenticator hands the application the escaped principal', () => {
  for (const [components, text] of [
    [['a/b'], 'a\\/b@'],
    [['a@b'], 'a\\@b@'],
    [['a', 'b'], 'a/b@'],
  ] as const) {
    it(`client ${JSON.stringify(components)}: principal ${JSON.stringify(text + svc.client.realm)}, client.components ${JSON.stringify(components)}`, () => {
      const client = { realm: svc.client.realm, components: [...components] };
      const token = forgeApReq({ ticket: ticketFor([...components], client.realm), sessionKey: { etype: svc.key.etype, value: svc.key.value }, client, now: svc.authtime });
      const r = createNegotiateAuthenticator({ keys, now, replayCache: false })(`Negotiate ${b64(spnegoInit(token))}`);
      expect(r.status).toBe('ok');
      if (r.status !== 'ok') return;
      expect(r.principal).toBe(text + svc.client.realm);
      expect(r.client.components).toEqual(components);
      expect(r.client.realm).toBe(svc.client.realm);
    });
  }
});

describe("createNegotiateFetchCore's log names the service as unparsePrincipal writes it", () => {
  it('a service name with "@" and "/" inside a component is escaped in the debug line and its fields', async () => {
    const server = { nameType: 2, components: ['HTTP', 'odd@host/x'], realm: svc.server.realm };
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const answers: ResponseLike[] = [
      new Response('', { status: 401, headers: { 'www-authenticate': 'Negotiate' } }),
      new Response('ok', { status: 200, headers: { 'content-type': 'text/plain' } }),
    ];
    const f = createNegotiateFetchCore({
      credentials: { getCredentials: async () => ({ credential: { ...svc, server } }) },
      fetch: async () => answers.shift()!,
      mutualAuthentication: 'disabled',
      logger: { debug: (message, fields) => lines.push({ message, ...(fields ? { fields } : {}) }) },
    });
    const r = await f('http://odd.example/');
    expect(r.status).toBe(200);
    const line = lines.find((l) => l.message.startsWith('Negotiate: spnego token for'));
    expect(line?.message).toBe(`Negotiate: spnego token for HTTP/odd\\@host\\/x@${svc.server.realm}`);
    expect(line?.fields?.server).toBe(`HTTP/odd\\@host\\/x@${svc.server.realm}`);
  });
});
