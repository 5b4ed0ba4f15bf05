/**
 * `negotiateHandler`: Negotiate for web-standard `(Request) => Response` servers on Node, Deno
 * and Bun (Deno.serve, Bun.serve, Next.js route handlers on the Node runtime, Hono's or any
 * fetch-style app), with a keytab file and krb5.conf's auth_to_local as the other adapters
 * have them. The runtime-neutral core is `tskrb5/http`'s `negotiateHandlerCore` (keys given).
 * @module
 */
import { ConfigError, KerberosError } from '../../errors.js';
import { UNAUTHORIZED_PAGE } from '../server-gate.js';
import { makeNegotiateHandler, type WebRequestLike, type WebResponse } from '../web-handler.js';
import { delegationOf } from './delegation.js';
import { resolveNodeOptions, type NegotiateNodeOptions, type NegotiateRequestInfo } from './server.js';

/** Options of {@link negotiateHandler}: the Node adapters' (keytab, hooks, auth_to_local) and how a connection is named. */
export interface NegotiateHandlerOptions<Req> extends NegotiateNodeOptions<Req> {
  /**
   * A name for the request's connection, so that a SPNEGO negotiation of several round trips
   * finds its first leg (default: Deno.serve's `info.remoteAddr`, Bun.serve's
   * `server.requestIP(req)`); without one such a negotiation is refused with the reason.
   */
  connectionKey?: (req: Req, ...rest: unknown[]) => string | undefined;
}

/**
 * Negotiate for web-standard servers: unauthenticated requests get a `401` challenge (with a
 * short page), authenticated ones reach `handler` with the client (`principal`, `user`,
 * `context`, `delegated`: released when the handler's promise settles, unless kept), and its
 * response gets the mutual-authentication header. `authorize` false is a 403; `optional: true`
 * lets anonymous requests through with `info` undefined. The result is typed by the handler's
 * response (`Response`, as Next.js checks a route's `GET`): the refusals, and a response given
 * the header, are new `Response`s of the runtime.
 * @example
 * ```ts
 * import { negotiateHandler } from 'tskrb5'
 * Deno.serve(negotiateHandler({ keytab: '/etc/http.keytab' }, (req, { user }) => new Response(`hello ${user}`)))
 * // Next.js: export const GET = negotiateHandler({ keytab }, (req, { principal }) => Response.json({ principal }))
 * ```
 */
export function negotiateHandler<Req extends WebRequestLike, Res extends WebResponse = WebResponse>(
  o: NegotiateHandlerOptions<Req> & { optional: true },
  handler: (req: Req, info: NegotiateRequestInfo | undefined, ...rest: unknown[]) => Res | Promise<Res>,
): (req: Req, ...rest: unknown[]) => Promise<Res>;
export function negotiateHandler<Req extends WebRequestLike, Res extends WebResponse = WebResponse>(
  o: NegotiateHandlerOptions<Req>,
  handler: (req: Req, info: NegotiateRequestInfo, ...rest: unknown[]) => Res | Promise<Res>,
): (req: Req, ...rest: unknown[]) => Promise<Res>;
export function negotiateHandler<Req extends WebRequestLike, Res extends WebResponse = WebResponse>(
  o: NegotiateHandlerOptions<Req>,
  handler: (req: Req, info: NegotiateRequestInfo, ...rest: unknown[]) => Res | Promise<Res>,
): (req: Req, ...rest: unknown[]) => Promise<Res> {
  // Made on the first request, not when the module loads: a Next.js build evaluates every route
  // module ("collecting page data") on a machine that has no keytab. A keytab that cannot be read
  // then is a refusal with the reason to onError, tried again on the next request.
  let made: ((req: Req, ...rest: unknown[]) => Promise<WebResponse>) | undefined;
  const make = () => {
    const { base, hooks } = resolveNodeOptions<Req, NegotiateHandlerOptions<Req>>(o);
    return makeNegotiateHandler<Req, NegotiateRequestInfo>(
      { ...hooks, ...base },
      (info) => ({ ...info, delegated: delegationOf(info.context.delegated, o.delegation) }),
      handler as (req: Req, info: NegotiateRequestInfo | undefined, ...rest: unknown[]) => WebResponse,
      (info) => {
        info?.delegated?.ended().catch(() => undefined);
      },
    );
  };
  return (async (req: Req, ...rest: unknown[]) => {
    if (!made) {
      try {
        made = make();
      } catch (e) {
        const error = e instanceof KerberosError ? e : new ConfigError(`the Negotiate handler could not start: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
        try {
          o.onError?.(error, req);
        } catch {
          // the application's logger failed; the refusal stands
        }
        const page = o.unauthorizedPage ?? UNAUTHORIZED_PAGE;
        return new Response(page.body, { status: 401, headers: { 'content-type': page.contentType, 'www-authenticate': 'Negotiate' } });
      }
    }
    return made(req, ...rest);
  }) as (req: Req, ...rest: unknown[]) => Promise<Res>;
}
