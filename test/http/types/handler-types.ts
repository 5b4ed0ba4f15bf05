/**
 * Compile-time checks (tsc -p test/http/types, run by test/http/fetch-shape.test.ts): the
 * web-standard handlers are typed by the handler's response, so that a handler returning a
 * `Response` gives a function returning `Promise<Response>` — what Next.js's `next build` asks
 * of a route's `GET` (test/http/next-interop.test.ts builds one). Each `@ts-expect-error` must
 * be an error.
 */
import { negotiateHandlerCore } from '../../../src/http/index.js';
import { negotiateHandler } from '../../../src/index.js';

/** Next.js's check of a route handler's `GET`, as its generated validator has it. */
// biome-ignore lint/suspicious/noConfusingVoidType: Next.js's own type
type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => void | Response | Promise<void | Response>;

export const GET: RouteHandler = negotiateHandler({ keytab: '/etc/http.keytab' }, (_req, info) => Response.json({ principal: info.principal }));
export const optional: RouteHandler = negotiateHandler({ keytab: '/etc/http.keytab', optional: true }, async (_req, info) => new Response(info?.user ?? 'anonymous'));
export const core: (req: Request) => Promise<Response> = negotiateHandlerCore({ keys: [] }, (_req, info) => new Response(info.principal));

// A handler's own response type is kept; an untyped one stays the structural WebResponse.
// @ts-expect-error -- a WebResponse is not a Response
export const structural: RouteHandler = negotiateHandler({ keytab: '/etc/http.keytab' }, () => ({ status: 200, statusText: '', headers: new Headers(), body: null }));
// @ts-expect-error -- info is required without `optional`, so it is not possibly undefined
export const notOptional = negotiateHandler({ keytab: '/etc/http.keytab' }, (_req, info: undefined) => Response.json(info));
