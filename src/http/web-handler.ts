/**
 * Negotiate for web-standard servers — anything that maps a `Request` to a `Response`: Deno.serve,
 * Bun.serve, Next.js route handlers, Cloudflare Workers, service workers. Runtime-neutral: the
 * service keys are given (`keys`); `tskrb5`'s `negotiateHandler` wires the same to a keytab file
 * and krb5.conf on Node, Deno and Bun.
 * @module
 */
import { createNegotiateAuthenticator, type NegotiateConnection, type NegotiateServerOptions } from './negotiate-server.js';
import { createNegotiateGate, type GateOutcome, type NegotiateHooks, type NegotiateInfo } from './server-gate.js';

// The web platform's Response and Headers, as far as the handler uses them (this layer compiles
// without DOM types; any runtime with fetch has them).
interface HeadersLike {
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
}
/** A web-standard Response, structurally. */
export interface WebResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeadersLike;
  readonly body: unknown;
}
declare const Response: new (body: unknown, init?: { status?: number; statusText?: string; headers?: unknown }) => WebResponse;
declare const Headers: new (init?: unknown) => HeadersLike;

/** A web-standard request, as far as the handler reads it. */
export interface WebRequestLike {
  headers: { get(name: string): string | null };
}

/** Options of {@link negotiateHandlerCore}: the service keys and acceptor options, the hooks, and how a connection is named. */
export interface NegotiateHandlerCoreOptions<Req> extends NegotiateServerOptions, NegotiateHooks<Req, NegotiateInfo> {
  /**
   * A name for the request's connection, so that a SPNEGO negotiation of several round trips
   * finds its first leg (default: Deno.serve's `info.remoteAddr`, Bun.serve's
   * `server.requestIP(req)` or @hono/node-server's `incoming.socket`, address and port; without
   * one such a negotiation is refused with the reason). The state kept is the mechanism list of the first leg: a wrong match only fails.
   */
  connectionKey?: (req: Req, ...rest: unknown[]) => string | undefined;
}

/** The client address and port Deno.serve (`info.remoteAddr`) or Bun.serve (`server.requestIP(req)`) gives the handler. */
export function defaultConnectionKey(req: unknown, ...rest: unknown[]): string | undefined {
  const second = rest[0] as { remoteAddr?: { hostname?: string; port?: number }; requestIP?: (r: unknown) => { address?: string; port?: number } | null } | undefined;
  if (!second || typeof second !== 'object') return undefined;
  // @hono/node-server's env, or anything carrying node:http's request
  const incoming = (second as { incoming?: { socket?: { remoteAddress?: string; remotePort?: number } } }).incoming?.socket;
  if (incoming && typeof incoming.remoteAddress === 'string' && typeof incoming.remotePort === 'number') return `${incoming.remoteAddress}|${incoming.remotePort}`;
  const deno = second.remoteAddr;
  if (deno && typeof deno.hostname === 'string' && typeof deno.port === 'number') return `${deno.hostname}|${deno.port}`;
  if (typeof second.requestIP === 'function') {
    try {
      const a = second.requestIP(req);
      if (a && typeof a.address === 'string' && typeof a.port === 'number') return `${a.address}|${a.port}`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Negotiations waiting for their next leg, by connection name: bounded, short-lived. */
class Connections {
  readonly #map = new Map<string, NegotiateConnection>();
  constructor(readonly max = 10_000) {}
  get(key: string): NegotiateConnection {
    let c = this.#map.get(key);
    if (!c) {
      if (this.#map.size >= this.max) {
        // the oldest first: a negotiation evicted only fails (the client starts over)
        for (const [k, v] of this.#map) {
          this.#map.delete(k);
          v.pending?.acceptor.krb5.dispose();
          if (this.#map.size < this.max) break;
        }
      }
      c = {};
      this.#map.set(key, c);
    }
    return c;
  }
  settle(key: string, c: NegotiateConnection): void {
    if (!c.pending) this.#map.delete(key);
  }
}

/**
 * The engine of the web-standard adapters: the authenticator with a connection named by
 * `connectionKey` (or Deno's / Bun's second argument), then the gate.
 * @internal
 */
export function webNegotiator<Req, Info extends NegotiateInfo>(
  o: NegotiateServerOptions & NegotiateHooks<Req, Info> & { connectionKey?: (req: Req, ...rest: unknown[]) => string | undefined },
  extend: (base: NegotiateInfo, req: Req) => Info,
  authorizationOf: (req: Req) => string | null | undefined,
): (req: Req, ...rest: unknown[]) => Promise<GateOutcome<Info>> {
  const check = createNegotiateAuthenticator(o);
  const gate = createNegotiateGate<Req, Info>(o, extend);
  const connections = new Connections();
  const keyOf = o.connectionKey ?? defaultConnectionKey;
  return async (req, ...rest) => {
    let key: string | undefined;
    try {
      key = keyOf(req, ...rest);
    } catch {
      key = undefined;
    }
    const connection = key !== undefined ? connections.get(key) : undefined;
    // (a promise with an asynchronous replay cache: the negotiation's state is settled before it)
    const result = check(authorizationOf(req), connection);
    if (key !== undefined && connection) connections.settle(key, connection);
    return gate(req, await result);
  };
}

/**
 * The handler factory behind {@link negotiateHandlerCore} and the Node-wired `negotiateHandler`:
 * `extend` makes the application's info, `after` runs when the handler is done.
 * @internal
 */
export function makeNegotiateHandler<Req extends WebRequestLike, Info extends NegotiateInfo>(
  o: NegotiateServerOptions & NegotiateHooks<Req, Info> & { connectionKey?: (req: Req, ...rest: unknown[]) => string | undefined },
  extend: (base: NegotiateInfo, req: Req) => Info,
  handler: (req: Req, info: Info | undefined, ...rest: unknown[]) => WebResponse | Promise<WebResponse>,
  after: (info: Info | undefined) => void = () => {},
): (req: Req, ...rest: unknown[]) => Promise<WebResponse> {
  const negotiate = webNegotiator<Req, Info>(o, extend, (req) => req.headers.get('authorization'));
  return async (req, ...rest) => {
    const outcome = await negotiate(req, ...rest);
    if (!outcome.pass) return new Response(outcome.body, { status: outcome.status, headers: outcome.headers });
    let res: WebResponse;
    try {
      res = await handler(req, outcome.info, ...rest);
    } finally {
      after(outcome.info);
    }
    const extra = Object.entries(outcome.headers).filter(([k]) => !res.headers.has(k));
    if (extra.length === 0) return res;
    const headers = new Headers(res.headers);
    for (const [k, v] of extra) headers.set(k, v);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}

/**
 * Negotiate for web-standard servers (Deno.serve, Bun.serve, Next.js route handlers, Workers,
 * anything that takes `(Request) => Response`), with the service keys given: unauthenticated
 * requests get a `401` challenge (with {@link UNAUTHORIZED_PAGE}), the others reach `handler`,
 * whose response gets the mutual-authentication header. The hooks (`authorize` → 403,
 * `optional`, `onAuthenticated`, `onError`) and `authToLocal` are those of every adapter. The
 * result is typed by the handler's response (`Response`): the refusals, and a response given the
 * header, are new `Response`s of the runtime. On
 * Node, Deno and Bun, `tskrb5`'s `negotiateHandler` reads a keytab file instead.
 * @example
 * ```ts
 * import { negotiateHandlerCore } from 'tskrb5/http'
 * import { decodeKeytab } from 'tskrb5/formats'
 * const keys = decodeKeytab(Uint8Array.from(atob(env.KEYTAB_B64), (c) => c.charCodeAt(0))).entries
 * export default { fetch: negotiateHandlerCore({ keys }, (req, { principal }) => new Response(`hello ${principal}`)) }
 * ```
 */
export function negotiateHandlerCore<Req extends WebRequestLike, Res extends WebResponse = WebResponse>(
  o: NegotiateHandlerCoreOptions<Req> & { optional: true },
  handler: (req: Req, info: NegotiateInfo | undefined, ...rest: unknown[]) => Res | Promise<Res>,
): (req: Req, ...rest: unknown[]) => Promise<Res>;
export function negotiateHandlerCore<Req extends WebRequestLike, Res extends WebResponse = WebResponse>(
  o: NegotiateHandlerCoreOptions<Req>,
  handler: (req: Req, info: NegotiateInfo, ...rest: unknown[]) => Res | Promise<Res>,
): (req: Req, ...rest: unknown[]) => Promise<Res>;
export function negotiateHandlerCore<Req extends WebRequestLike, Res extends WebResponse = WebResponse>(
  o: NegotiateHandlerCoreOptions<Req>,
  handler: (req: Req, info: NegotiateInfo, ...rest: unknown[]) => Res | Promise<Res>,
): (req: Req, ...rest: unknown[]) => Promise<Res> {
  return makeNegotiateHandler<Req, NegotiateInfo>(o, (base) => base, handler as (req: Req, info: NegotiateInfo | undefined, ...rest: unknown[]) => WebResponse) as (
    req: Req,
    ...rest: unknown[]
  ) => Promise<Res>;
}
