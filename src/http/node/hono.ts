/**
 * `tskrb5/hono`: Negotiate as Hono middleware, on web-standard Request/Response. Served by
 * `@hono/node-server` it uses the Node engine (per-connection SPNEGO state on the socket,
 * channel bindings over TLS); on Deno and Bun the connection is named by the address and port
 * the runtime gives (`c.env`). A refusal is the middleware's own response (`c.body`), otherwise
 * `c.get('negotiate')` (typed) holds the client and the response gets the mutual-authentication
 * header. The keytab is read with Node's file API (Node, Deno, Bun); elsewhere (Workers) use
 * `tskrb5/http`'s `negotiateHandlerCore` with the keys. Hono's types are imported as types only.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { defaultConnectionKey, webNegotiator } from '../web-handler.js';
import { delegationOf } from './delegation.js';
import { type NegotiateNodeOptions, type NegotiateRequestInfo, nodeNegotiator, resolveNodeOptions } from './server.js';

/** The Hono environment the middleware provides: `c.get('negotiate')`. */
export interface NegotiateEnv {
  Variables: { negotiate: NegotiateRequestInfo | undefined };
}

/** Options of {@link honoNegotiate}: the Node adapters', with Hono's context in the hooks, and a connection name for Deno and Bun. */
export interface HonoNegotiateOptions extends NegotiateNodeOptions<Context> {
  /** A name for the request's connection on Deno and Bun (default: `c.env`'s remote address and port). */
  connectionKey?: (c: Context) => string | undefined;
}

type NodeBindings = { incoming?: IncomingMessage; outgoing?: ServerResponse };

/**
 * Hono middleware: `app.use(honoNegotiate({ keytab }))`. Options as `negotiateMiddleware`'s
 * (`authorize` → 403, `optional`, `onAuthenticated`, `onError(error, c)`, `authToLocal`, …).
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { honoNegotiate, type NegotiateEnv } from 'tskrb5/hono'
 * const app = new Hono<NegotiateEnv>()
 * app.use(honoNegotiate({ keytab: '/etc/http.keytab' }))
 * app.get('/', (c) => c.text(`hello ${c.get('negotiate')!.user}`))
 * ```
 */
export function honoNegotiate(o: HonoNegotiateOptions = {}): MiddlewareHandler<NegotiateEnv> {
  const { base, hooks } = resolveNodeOptions<Context, HonoNegotiateOptions>(o);
  const resolved = { ...hooks, keys: base.keys };
  const onNode = nodeNegotiator<Context>(resolved, (c) => {
    const env = c.env as NodeBindings;
    return { req: env.incoming!, res: env.outgoing };
  });
  const released = new WeakMap<Context, NegotiateRequestInfo>();
  const onWeb = webNegotiator<Context, NegotiateRequestInfo>(
    { ...base, ...hooks, connectionKey: o.connectionKey ?? ((c) => defaultConnectionKey(c.req.raw, c.env)) },
    (info, c) => {
      const r = { ...info, delegated: delegationOf(info.context.delegated, o.delegation) };
      released.set(c, r);
      return r;
    },
    (c) => c.req.header('authorization'),
  );
  return async (c, next) => {
    const env = c.env as NodeBindings | undefined;
    const outcome = env?.incoming && typeof env.incoming.socket === 'object' ? await onNode(c) : await onWeb(c);
    if (!outcome.pass) return c.body(outcome.body, outcome.status, outcome.headers);
    c.set('negotiate', outcome.info);
    try {
      await next();
    } finally {
      // off Node there is no response 'close' to wait for: the delegation ends with the handler
      released
        .get(c)
        ?.delegated?.ended()
        .catch(() => undefined);
    }
    const extra = Object.entries(outcome.headers).filter(([k]) => !c.res.headers.has(k));
    if (extra.length > 0) {
      // a Response made by fetch() or Response.redirect() has immutable headers: copy it then
      const headers = new Headers(c.res.headers);
      for (const [k, v] of extra) headers.set(k, v);
      c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
    }
    return undefined;
  };
}
