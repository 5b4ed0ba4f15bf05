/**
 * Compile-time checks (tsc -p test/http/types, and with tsconfig.dom.json): what a user writes
 * with `fetch` type-checks with ours. Each `@ts-expect-error` must be an error, so the negative
 * lines check that the types are not merely `any`.
 */
import { createNegotiateFetch, negotiateFetch, type NodeNegotiateFetch } from '../../../src/index.js';
import { createNegotiateFetchCore as createCore, createAuthFetch, negotiate, type CredentialSource, type NegotiateFetch, type ResponseLike } from '../../../src/http/index.js';

declare const credentials: CredentialSource;

/** The Node helper is a `typeof fetch`: strings, URLs and Requests in, Responses out. */
export async function nodeHelper(url: string): Promise<unknown[]> {
  const f: typeof fetch = createNegotiateFetch();
  const j: unknown = await (await f(url)).json();
  const helper: NodeNegotiateFetch = createNegotiateFetch({ mutualAuthentication: 'optional', delegate: true });
  const r: Response = await helper(new URL(url), {
    method: 'POST',
    body: JSON.stringify({ a: 1 }),
    headers: { 'content-type': 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(1000),
  });
  const fromRequest: Response = await helper(new Request(url, { method: 'PUT', body: new Uint8Array([1, 2]) }));
  const init: RequestInit = { headers: new Headers({ accept: 'application/json' }), body: new URLSearchParams({ q: '1' }), method: 'POST' };
  const withInit = await helper(url, init);
  const text: string = await withInit.text();
  const flags: [boolean, string, number, Headers] = [r.redirected, r.url, r.status, r.headers];
  const blob: Blob = await fromRequest.blob();
  const once: Response = await negotiateFetch(url, { method: 'GET' }, { principal: 'alice@EXAMPLE.COM' });
  // The global fetch as the wrapped fetch.
  const wrapped: typeof fetch = createNegotiateFetch({ fetch });
  helper.close();
  // @ts-expect-error a number is not a fetch input
  await helper(42);
  // @ts-expect-error the response is a Response, not a string
  const notString: string = await helper(url);
  return [j, text, flags, blob, once, wrapped, notString];
}

/** The runtime-neutral core takes the global fetch as it is, and answers its Responses. */
export async function core(url: string): Promise<unknown[]> {
  const f = createCore({ credentials, fetch });
  const asFetch: typeof fetch = f;
  const body: unknown = await (await f(url, { method: 'POST', body: 'x' })).json();
  const viaGlobal = createCore({ credentials, fetch: globalThis.fetch, mutualAuthentication: 'optional' });
  const r: Response = await viaGlobal(new Request(url));
  // A fetch of another shape: its own response type comes back.
  const custom = createCore({
    credentials,
    fetch: async (u: string) => ({ status: 200, headers: { get: () => null }, text: async () => u, arrayBuffer: async () => new ArrayBuffer(0), extra: 1 as const }),
  });
  const extra: 1 = (await custom(url)).extra;
  const plain: NegotiateFetch = createCore({ credentials });
  const like: ResponseLike = await plain(url);
  // @ts-expect-error a ResponseLike has no json(): the default type parameter is not any
  await like.json();
  const chain = createAuthFetch({ fetch, auth: [negotiate({ credentials })] });
  return [asFetch, body, r, extra, chain];
}
