/**
 * `tskrb5/fastify`: Negotiate as a Fastify plugin. An `onRequest` hook checks each request (the
 * engine of `negotiateMiddleware`: keytab, per-connection SPNEGO state, channel bindings over
 * TLS, hooks, auth_to_local) and either answers the 401 / 403 through `reply` or sets
 * `request.negotiate` (typed) and the mutual-authentication header. The plugin is not
 * encapsulated (as `fastify-plugin` makes plugins): it applies to the context it is registered in
 * and that context's children, so register it at the root, or inside a plugin for its routes only.
 * Fastify's types are imported as types only: nothing of Fastify is loaded by tskrb5.
 * @module
 */
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { attachResponse, type NegotiateNodeOptions, type NegotiateRequestInfo, nodeNegotiator, responseOf } from './server.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated client (tskrb5's Negotiate plugin); `undefined` for an anonymous request under `optional`. */
    negotiate: NegotiateRequestInfo | undefined;
  }
}

/** Options of {@link fastifyNegotiate}: the Node adapters', with Fastify's request in the hooks. */
export interface FastifyNegotiateOptions extends NegotiateNodeOptions<FastifyRequest> {}

/**
 * The Fastify plugin: `app.register(fastifyNegotiate, { keytab })`. Options as
 * `negotiateMiddleware`'s (`authorize` → 403, `optional`, `onAuthenticated`, `onError(error, request)`,
 * `authToLocal`, `unauthorizedPage`, …).
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { fastifyNegotiate } from 'tskrb5/fastify'
 * const app = Fastify()
 * await app.register(fastifyNegotiate, { keytab: '/etc/http.keytab', authorize: ({ user }) => user !== undefined })
 * app.get('/', async (request) => `hello ${request.negotiate!.user}`)
 * ```
 */
export const fastifyNegotiate: FastifyPluginCallback<FastifyNegotiateOptions> = Object.assign(
  (fastify: Parameters<FastifyPluginCallback<FastifyNegotiateOptions>>[0], options: FastifyNegotiateOptions, done: (err?: Error) => void) => {
    let negotiate: ReturnType<typeof nodeNegotiator<FastifyRequest>>;
    try {
      negotiate = nodeNegotiator<FastifyRequest>(options, (request) => ({ req: request.raw, res: responseOf(request.raw) }));
    } catch (e) {
      done(e as Error);
      return;
    }
    fastify.decorateRequest('negotiate', undefined);
    fastify.addHook('onRequest', async (request, reply) => {
      attachResponse(request.raw, reply.raw);
      const outcome = await negotiate(request);
      if (!outcome.pass) {
        reply.code(outcome.status).headers(outcome.headers).send(outcome.body);
        return reply;
      }
      reply.headers(outcome.headers);
      request.negotiate = outcome.info;
      return undefined;
    });
    done();
  },
  {
    // what fastify-plugin sets: no encapsulation, and a name for errors and fastify.printPlugins()
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'tskrb5-negotiate',
  },
);
