/**
 * Issue 11, item 1's second half: "no error of any kind thrown inside the acceptor may leave the
 * middleware or the handler except as a refusal". The hostile tests feed bytes; this one makes the
 * acceptor's own collaborators fail with what is not a KerberosError — a replay store that throws
 * a TypeError, an asynchronous one that rejects with one or answers neither true nor false, a
 * clock that throws — on a token that is otherwise good (a real MIT ticket, fixtures/mit/ccache/
 * v4-kvno.ccache, opened with the keys MIT's kadmin recorded). Each layer must turn it into a
 * refusal: Krb5Acceptor and SpnegoAcceptor throw a GssError (ERR_ACCEPT_INTERNAL, the original as
 * `cause`), createNegotiateAuthenticator answers 401, and negotiateMiddleware (a real node:http
 * server), negotiateHandler and negotiateHandlerCore answer 401 with the reason to onError — and
 * the server goes on serving. Each would fail if one of those catch-alls were removed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GssError, type KerberosError } from '../../src/errors.js';
import { Krb5Acceptor } from '../../src/gssapi/index.js';
import { createNegotiateAuthenticator, negotiateHandlerCore } from '../../src/http/index.js';
import { negotiateHandler, negotiateMiddleware } from '../../src/http/node/index.js';
import { Oid } from '../../src/iana/index.js';
import { encodeNegTokenInit, SpnegoAcceptor } from '../../src/spnego/index.js';
import { forgeApReq, spnegoInit } from '../gssapi/forge.js';
import { svc, keys, now } from '../gssapi/mit-ticket.js';

/** A good token: MIT's ticket, an authenticator of now, no subkey; new each call (a new ctime). */
let tick = 0;
const goodToken = () => {
  const t = new Date(svc.authtime.getTime() + tick++ * 1000);
  return forgeApReq({ ticket: svc.ticket, sessionKey: { etype: svc.key.etype, value: svc.key.value }, client: svc.client, now: t });
};
const header = (token: Uint8Array) => `Negotiate ${Buffer.from(token).toString('base64')}`;

/** Collaborators that fail with what is not a KerberosError. */
const throwingStore = {
  check(): boolean {
    throw new TypeError('the store is broken');
  },
};
const rejectingStore = { checkAsync: (): Promise<boolean> => Promise.reject(new TypeError('the store is unreachable')) };
const wrongAnswerStore = { checkAsync: (): Promise<boolean> => Promise.resolve('yes' as unknown as boolean) };
const throwingClock = () => {
  throw new RangeError('the clock is broken');
};

function expectInternal(e: unknown, cause: string): void {
  expect(e).toBeInstanceOf(GssError);
  expect((e as KerberosError).code).toBe('ERR_ACCEPT_INTERNAL');
  expect(String(((e as Error).cause as Error | undefined)?.message ?? (e as Error).message)).toContain(cause);
}

describe('what is not a KerberosError, thrown inside the acceptor, leaves only as a refusal', () => {
  it('the token is good: with working collaborators it is accepted (the control)', () => {
    const a = new Krb5Acceptor({ keys, now, replayCache: false });
    a.accept(goodToken());
    expect(a.established).toBe(true);
  });

  for (const [what, opts, cause] of [
    ['a replay store that throws a TypeError', { replayCache: throwingStore, now }, 'the store is broken'],
    ['a clock that throws a RangeError', { replayCache: false as const, now: throwingClock }, 'the clock is broken'],
  ] as const) {
    it(`Krb5Acceptor and SpnegoAcceptor: ${what} → GssError ERR_ACCEPT_INTERNAL`, () => {
      const k = new Krb5Acceptor({ keys, ...opts });
      let e1: unknown;
      try {
        k.accept(goodToken());
      } catch (e) {
        e1 = e;
      }
      expectInternal(e1, cause);
      expect(k.established).toBe(false);
      const s = new SpnegoAcceptor({ keys, ...opts });
      let e2: unknown;
      try {
        s.accept(spnegoInit(goodToken()));
      } catch (e) {
        e2 = e;
      }
      expectInternal(e2, cause);
      expect(s.established).toBe(false);
    });

    it(`createNegotiateAuthenticator: ${what} → 401`, () => {
      const r = createNegotiateAuthenticator({ keys, ...opts })(header(spnegoInit(goodToken())));
      expect(r.status).toBe('failed');
      if (r.status !== 'failed') return;
      expect(r.httpStatus).toBe(401);
      expectInternal(r.error, cause);
    });
  }

  it('SpnegoAcceptor: a fault below it that is not a KerberosError (its krb5 context throwing a TypeError) → GssError ERR_ACCEPT_INTERNAL', () => {
    const s = new SpnegoAcceptor({ keys, now, replayCache: false });
    Object.defineProperty(s.krb5, 'accept', {
      value: () => {
        throw new TypeError('a bug below SPNEGO');
      },
    });
    let e1: unknown;
    try {
      s.accept(spnegoInit(goodToken()));
    } catch (e) {
      e1 = e;
    }
    expectInternal(e1, 'a bug below SPNEGO');
    expect(s.established).toBe(false);
  });

  it("createNegotiateAuthenticator: its own clock throwing where only it reads it (a SPNEGO first leg offering NTLM before krb5, kept for the connection's next leg) → 401", () => {
    const check = createNegotiateAuthenticator({ keys, now: throwingClock, replayCache: false });
    const token = encodeNegTokenInit({ mechTypes: [Oid.NTLMSSP, Oid.KRB5] }, { framed: true });
    const r = check(header(token), {});
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.httpStatus).toBe(401);
    expectInternal(r.error, 'the clock is broken');
  });

  for (const [what, store, cause] of [
    ['rejects with a TypeError', rejectingStore, 'the store is unreachable'],
    ['answers neither true nor false', wrongAnswerStore, 'not true or false'],
  ] as const) {
    it(`createNegotiateAuthenticator with an asynchronous store that ${what} → 401`, async () => {
      const r = await createNegotiateAuthenticator({ keys, now, replayCache: store })(header(goodToken()));
      expect(r.status).toBe('failed');
      if (r.status !== 'failed') return;
      expect(r.httpStatus).toBe(401);
      expectInternal(r.error, cause);
    });
  }
});

describe('the Node middleware and the handlers answer 401, report to onError, and keep serving', () => {
  let server: Server;
  let base = '';
  const errors: KerberosError[] = [];
  beforeAll(async () => {
    const broken = negotiateMiddleware({ keys, now, replayCache: throwingStore, onError: (e) => void errors.push(e) });
    const brokenAsync = negotiateMiddleware({ keys, now, replayCache: rejectingStore, onError: (e) => void errors.push(e) });
    const clockless = negotiateMiddleware({ keys, now: throwingClock, replayCache: false, onError: (e) => void errors.push(e) });
    server = createServer((req, res) => {
      const m = req.url === '/async' ? brokenAsync : req.url === '/clock' ? clockless : broken;
      m(req, res, () => res.end(`hello ${req.negotiate?.principal}`));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  for (const [path, cause] of [
    ['/sync', 'the store is broken'],
    ['/async', 'the store is unreachable'],
    ['/clock', 'the clock is broken'],
  ] as const) {
    it(`negotiateMiddleware ${path}: 401, the reason to onError, and the next request is served too`, async () => {
      errors.length = 0;
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${base}${path}`, { headers: { authorization: header(spnegoInit(goodToken())) } });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Negotiate/);
        await res.text();
      }
      expect(errors).toHaveLength(2);
      for (const e of errors) expectInternal(e, cause);
    });
  }

  it("negotiateMiddleware: reading the connection's TLS certificate throws a TypeError → 401 and onError", async () => {
    const seen: KerberosError[] = [];
    const m = negotiateMiddleware({ keys, now, replayCache: false, onError: (e) => void seen.push(e) });
    const req = {
      headers: { authorization: header(spnegoInit(goodToken())) },
      socket: {
        getCertificate() {
          throw new TypeError('the TLS socket is broken');
        },
      },
    } as unknown as IncomingMessage;
    const out: { status?: number; headers: Record<string, unknown>; body?: string } = { headers: {} };
    const ended = new Promise<void>((ok) => {
      const res = {
        headersSent: false,
        set statusCode(v: number) {
          out.status = v;
        },
        setHeader: (k: string, v: unknown) => {
          out.headers[k.toLowerCase()] = v;
        },
        end: (b: string) => {
          out.body = b;
          ok();
        },
        once: () => res,
      } as unknown as ServerResponse;
      m(req, res, () => {
        out.body = 'the application ran';
        ok();
      });
    });
    await ended;
    expect(out.status).toBe(401);
    expect(seen).toHaveLength(1);
    expectInternal(seen[0], 'the TLS socket is broken');
  });

  it('negotiateHandler (keys given) and negotiateHandlerCore: 401 Responses, the reasons to onError', async () => {
    const seen: KerberosError[] = [];
    const app = () => new Response('app');
    const handlers = [
      negotiateHandler({ keys, now, replayCache: throwingStore, onError: (e) => void seen.push(e) }, app),
      negotiateHandler({ keys, now, replayCache: rejectingStore, onError: (e) => void seen.push(e) }, app),
      negotiateHandlerCore({ keys, now: throwingClock, replayCache: false, onError: (e) => void seen.push(e) }, app),
    ];
    for (const h of handlers) {
      const res = await h(new Request('http://localhost/', { headers: { authorization: header(spnegoInit(goodToken())) } }));
      expect(res.status).toBe(401);
    }
    expect(seen.map((e) => (e as KerberosError).code)).toEqual(['ERR_ACCEPT_INTERNAL', 'ERR_ACCEPT_INTERNAL', 'ERR_ACCEPT_INTERNAL']);
  });
});
