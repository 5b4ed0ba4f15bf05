/**
 * `tskrb5/koa`: Negotiate as Koa middleware. Each request is checked (the engine of
 * `negotiateMiddleware`: keytab, per-connection SPNEGO state, channel bindings over TLS, hooks,
 * auth_to_local); a refusal is answered through `ctx` (status, headers, the page as body — Koa
 * sends it, no `ctx.respond = false`), otherwise `ctx.state.negotiate` (typed) is set and the
 * mutual-authentication header added, and `next()` runs. Koa's types are imported as types
 * only: nothing of Koa is loaded by tskrb5.
 * @module
 */
import type { Context, Middleware } from 'koa';
import { type NegotiateNodeOptions, type NegotiateRequestInfo, nodeNegotiator } from './server.js';

declare module 'koa' {
  interface DefaultState {
    /** The authenticated client (tskrb5's Negotiate middleware); `undefined` for an anonymous request under `optional`. */
    negotiate?: NegotiateRequestInfo | undefined;
  }
}

/** Options of {@link koaNegotiate}: the Node adapters', with Koa's context in the hooks. */
export interface KoaNegotiateOptions extends NegotiateNodeOptions<Context> {}

/**
 * Koa middleware: `app.use(koaNegotiate({ keytab }))`. Options as `negotiateMiddleware`'s
 * (`authorize` → 403, `optional`, `onAuthenticated`, `onError(error, ctx)`, `authToLocal`, …).
 * @example
 * ```ts
 * import Koa from 'koa'
 * import { koaNegotiate } from 'tskrb5/koa'
 * const app = new Koa()
 * app.use(koaNegotiate({ keytab: '/etc/http.keytab' }))
 * app.use((ctx) => { ctx.body = `hello ${ctx.state.negotiate!.user}` })
 * ```
 */
export function koaNegotiate(o: KoaNegotiateOptions = {}): Middleware {
  const negotiate = nodeNegotiator<Context>(o, (ctx) => ({ req: ctx.req, res: ctx.res }));
  return async (ctx, next) => {
    const outcome = await negotiate(ctx);
    if (!outcome.pass) {
      ctx.status = outcome.status;
      ctx.set(outcome.headers);
      ctx.body = outcome.body;
      return;
    }
    ctx.set(outcome.headers);
    ctx.state.negotiate = outcome.info;
    await next();
  };
}
