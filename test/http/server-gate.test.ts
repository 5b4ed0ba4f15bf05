/**
 * The gate every server adapter shares (src/http/server-gate.ts) and the web-standard handler's
 * connection state (src/http/web-handler.ts), without a KDC: what each hook's answer or exception
 * turns into (the application's turn, a 401 or a 403 — never an exception), the pages, optional,
 * auth_to_local errors; and a SPNEGO negotiation of two legs found again by the address and port
 * Deno.serve gives the handler, and not by another connection. The live clients are in
 * frameworks-interop.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, KerberosError } from '../../src/errors.js';
import { parseKrb5Conf } from '../../src/formats/index.js';
import { Krb5Acceptor } from '../../src/gssapi/index.js';
import { createNegotiateGate, FORBIDDEN_PAGE, negotiateHandlerCore, type NegotiateResult, UNAUTHORIZED_PAGE } from '../../src/http/index.js';
import { Oid } from '../../src/iana/index.js';
import { decodeSpnegoToken, encodeNegTokenInit, encodeNegTokenResp, NegState } from '../../src/spnego/index.js';

const client = { nameType: 1, components: ['alice'], realm: 'EXAMPLE.COM' };
const ok = (): NegotiateResult => ({ status: 'ok', principal: 'alice@EXAMPLE.COM', client, wwwAuthenticate: 'Negotiate oRQw', context: new Krb5Acceptor({ keys: [] }) });
const failed: NegotiateResult = { status: 'failed', httpStatus: 401, wwwAuthenticate: 'Negotiate oQcwBaADCgEC', error: new KerberosError('bad token', { code: 'ERR_X' }) };
const challenge: NegotiateResult = { status: 'challenge', httpStatus: 401, wwwAuthenticate: 'Negotiate' };

describe('the server gate', () => {
  it('ok: the application runs, with the AP-REP header and the auth_to_local user; hooks in order', async () => {
    const order: string[] = [];
    const gate = createNegotiateGate<string, import('../../src/http/index.js').NegotiateInfo>(
      {
        authToLocal: { profile: parseKrb5Conf('[realms]\n EXAMPLE.COM = {\n  auth_to_local = RULE:[1:$1](a.*)s/^/x-/\n }\n'), defaultRealm: 'EXAMPLE.COM' },
        onAuthenticated: async (info, req) => void order.push(`audit ${info.user} ${req}`),
        authorize: (info) => {
          order.push(`authorize ${info.principal}`);
          return true;
        },
      },
      (b) => b,
    );
    const o = await gate('req', ok());
    expect(o).toMatchObject({ pass: true, headers: { 'WWW-Authenticate': 'Negotiate oRQw' }, info: { user: 'x-alice', principal: 'alice@EXAMPLE.COM', channelBound: false } });
    expect(order).toEqual(['audit x-alice req', 'authorize alice@EXAMPLE.COM']);
  });

  it('authorize false: 403 with the page and its type (and the AP-REP: the client did authenticate); throwing: 403 and onError (ERR_HOOK)', async () => {
    const errors: KerberosError[] = [];
    const deny = createNegotiateGate<string, never>({ authorize: async () => false, onError: (e) => errors.push(e) }, (b) => b as never);
    expect(await deny('r', ok())).toEqual({
      pass: false,
      status: 403,
      headers: { 'WWW-Authenticate': 'Negotiate oRQw', 'Content-Type': FORBIDDEN_PAGE.contentType },
      body: FORBIDDEN_PAGE.body,
    });
    expect(errors).toEqual([]);
    const thrower = createNegotiateGate<string, never>(
      {
        authorize: () => {
          throw new Error('db down');
        },
        onError: (e) => errors.push(e),
      },
      (b) => b as never,
    );
    expect(await thrower('r', ok())).toMatchObject({ pass: false, status: 403 });
    expect(errors[0]).toBeInstanceOf(KerberosError);
    expect(errors[0]!.code).toBe('ERR_HOOK');
    expect(errors[0]!.message).toMatch(/authorize threw: Error: db down/);
    const audit = createNegotiateGate<string, never>({ onAuthenticated: () => Promise.reject(new Error('log full')), onError: (e) => errors.push(e) }, (b) => b as never);
    expect(await audit('r', ok())).toMatchObject({ pass: false, status: 403 });
    expect(errors[1]!.message).toMatch(/onAuthenticated threw/);
  });

  it('no token: a 401 challenge with a page that is not empty — or, optional, the application with no info; a failed token is a 401 even when optional', async () => {
    const errors: KerberosError[] = [];
    const strict = createNegotiateGate<string, never>({ onError: (e) => errors.push(e) }, (b) => b as never);
    const r = await strict('r', challenge);
    expect(r).toEqual({ pass: false, status: 401, headers: { 'WWW-Authenticate': 'Negotiate', 'Content-Type': 'text/html; charset=utf-8' }, body: UNAUTHORIZED_PAGE.body });
    expect(UNAUTHORIZED_PAGE.body.length).toBeGreaterThan(100);
    expect(errors).toEqual([]); // a challenge is no error
    const optional = createNegotiateGate<string, never>(
      { optional: true, onError: (e) => errors.push(e), unauthorizedPage: { contentType: 'text/plain', body: 'sign in\n' } },
      (b) => b as never,
    );
    expect(await optional('r', challenge)).toEqual({ pass: true, info: undefined, headers: {} });
    expect(await optional('r', failed)).toEqual({
      pass: false,
      status: 401,
      headers: { 'WWW-Authenticate': 'Negotiate oQcwBaADCgEC', 'Content-Type': 'text/plain' },
      body: 'sign in\n',
    });
    expect(errors.map((e) => e.code)).toEqual(['ERR_X']);
  });

  it('a malformed auth_to_local rule is a 401 with the ConfigError to onError, not an exception; an onError that throws is reported and the refusal stands', async () => {
    const warned: string[] = [];
    const gate = createNegotiateGate<string, never>(
      {
        authToLocal: { profile: parseKrb5Conf('[realms]\n EXAMPLE.COM = {\n  auth_to_local = RULE:[1:$1\n }\n'), defaultRealm: 'EXAMPLE.COM' },
        onError: (e) => {
          throw new Error(`logger broke on ${e.code}`);
        },
      },
      (b) => b as never,
      (m) => warned.push(m),
    );
    expect(await gate('r', ok())).toMatchObject({ pass: false, status: 401 });
    expect(warned).toEqual(['negotiate: onError threw: logger broke on ERR_AUTH_TO_LOCAL']);
    const e = await new Promise<KerberosError>((resolve) => {
      createNegotiateGate<string, never>(
        { authToLocal: { profile: parseKrb5Conf('[realms]\n EXAMPLE.COM = {\n  auth_to_local = NOPE\n }\n'), defaultRealm: 'EXAMPLE.COM' }, onError: resolve },
        (b) => b as never,
      )('r', ok());
    });
    expect(e).toBeInstanceOf(ConfigError);
  });
});

describe('negotiateHandlerCore: a two-leg negotiation is kept per connection (Deno.serve style info.remoteAddr)', () => {
  const ntlmFirst = Buffer.from(encodeNegTokenInit({ mechTypes: [Oid.NTLMSSP, Oid.KRB5] })).toString('base64');
  const leg2 = Buffer.from(encodeNegTokenResp({ responseToken: new Uint8Array([0x60, 0x03, 0x06, 0x01, 0x00]) })).toString('base64');
  const req = (token: string) => new Request('http://web.example/', { headers: { authorization: `Negotiate ${token}` } });
  const info = (port: number) => ({ remoteAddr: { hostname: '192.0.2.7', port, transport: 'tcp' } });

  it('leg 1: 401 with request-mic naming Kerberos; leg 2 from the same address and port continues it, from another port finds nothing', async () => {
    const errors: KerberosError[] = [];
    const h = negotiateHandlerCore({ keys: [], onError: (e) => errors.push(e) }, () => new Response('never'));
    const r1 = (await h(req(ntlmFirst), info(50000))) as Response;
    expect(r1.status).toBe(401);
    const t = decodeSpnegoToken(new Uint8Array(Buffer.from(r1.headers.get('www-authenticate')!.slice(10), 'base64'))).token;
    expect(t).toEqual({ type: 'negTokenResp', value: { negState: NegState['request-mic'], supportedMech: Oid.KRB5 } });
    // another connection: no negotiation waits there
    expect(((await h(req(leg2), info(50001))) as Response).status).toBe(401);
    expect(errors.at(-1)!.code).toBe('ERR_SPNEGO_NO_CONTEXT');
    // the same connection: the acceptor takes the token (and refuses this one for itself)
    expect(((await h(req(leg2), info(50000))) as Response).status).toBe(401);
    expect(errors.at(-1)!.code).not.toBe('ERR_SPNEGO_NO_CONTEXT');
    // ... and the negotiation is over: a third leg finds nothing
    await h(req(leg2), info(50000));
    expect(errors.at(-1)!.code).toBe('ERR_SPNEGO_NO_CONTEXT');
  });

  it('without a connection name (no second argument), leg 2 is refused with the reason', async () => {
    const errors: KerberosError[] = [];
    const h = negotiateHandlerCore({ keys: [], onError: (e) => errors.push(e) }, () => new Response('never'));
    expect(((await h(req(ntlmFirst))) as Response).status).toBe(401);
    await h(req(leg2));
    expect(errors.at(-1)!.message).toMatch(/no negotiation is waiting on this connection/);
  });
});
