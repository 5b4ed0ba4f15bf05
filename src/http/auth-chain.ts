/**
 * Authentication schemes tried in order, for services that take an API token and Kerberos:
 * `createAuthFetch({ auth: [bearer(token), negotiate(options)] })` sends the token first and
 * falls back to Negotiate when the server answers 401 (the 401 is handed to Negotiate, so the
 * request is not sent unauthenticated in between). A scheme without what it needs (no token
 * configured) is skipped.
 * @module
 */
import { createNegotiateFetchCore, type FetchInit, type FetchLike, type NegotiateOptions, type RequestInitLike, type ResponseLike } from './negotiate-fetch.js';

/** One scheme of a chain: sends the request its way; `previous` is the 401 of the scheme before. */
export type AuthScheme = (input: string, init: RequestInitLike | undefined, ctx: { fetch: FetchLike; previous: ResponseLike | undefined }) => Promise<ResponseLike | undefined>;

function withHeader(init: RequestInitLike | undefined, name: string, value: string): RequestInitLike {
  const h = init?.headers;
  const pairs: [string, string][] =
    h === undefined
      ? []
      : Array.isArray(h)
        ? h.map(([k, v]) => [k, v])
        : typeof (h as { forEach?: unknown }).forEach === 'function' && typeof (h as { get?: unknown }).get === 'function'
          ? (() => {
              const out: [string, string][] = [];
              (h as { forEach(fn: (v: string, k: string) => void): void }).forEach((v, k) => {
                out.push([k, v]);
              });
              return out;
            })()
          : Object.entries(h as Record<string, string>);
  return { ...init, headers: [...pairs.filter(([k]) => k.toLowerCase() !== name.toLowerCase()), [name, value]] };
}

/**
 * `Authorization: Bearer TOKEN`; skipped when the token is empty or undefined (not configured).
 * @example
 * ```ts
 * const f = createAuthFetch({ auth: [bearer(process.env.API_TOKEN), negotiate({ credentials })] })
 * ```
 */
export function bearer(token: string | undefined | (() => string | undefined | Promise<string | undefined>)): AuthScheme {
  return async (input, init, { fetch }) => {
    const t = typeof token === 'function' ? await token() : token;
    if (t === undefined || t === '') return undefined;
    // The caller's options go to the fetch as they are (not read into memory: no retry here).
    return fetch(input, withHeader(init, 'Authorization', `Bearer ${t}`) as FetchInit);
  };
}

/**
 * Negotiate as a scheme of a chain (see {@link createNegotiateFetchCore} for the options).
 * @example
 * ```ts
 * const f = createAuthFetch({ auth: [bearer(process.env.API_TOKEN), negotiate({ credentials })] })
 * ```
 */
export function negotiate(options: Omit<NegotiateOptions, 'fetch'>): AuthScheme {
  let nf: ReturnType<typeof createNegotiateFetchCore> | undefined;
  let nfFetch: FetchLike | undefined;
  return (input, init, { fetch, previous }) => {
    if (!nf || nfFetch !== fetch) {
      nf = createNegotiateFetchCore({ ...options, fetch });
      nfFetch = fetch;
    }
    return nf(input, init, previous && (previous.status === 401 || previous.status === 407) ? previous : undefined);
  };
}

/**
 * A fetch that tries each scheme in turn until one gets an answer other than 401/407.
 * @example
 * ```ts
 * const f = createAuthFetch({ auth: [bearer(token), negotiate({ credentials })] })
 * await f('https://copr.example.com/api_3/')
 * ```
 */
export function createAuthFetch(o: { auth: readonly AuthScheme[]; fetch?: FetchLike }): (input: string | { href: string }, init?: RequestInitLike) => Promise<ResponseLike> {
  if (!Array.isArray(o?.auth) || o.auth.length === 0) throw new TypeError('auth must be a non-empty array of schemes');
  const fetch: FetchLike = o.fetch ?? ((u, i) => (globalThis as unknown as { fetch: FetchLike }).fetch(u, i));
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input.href;
    let last: ResponseLike | undefined;
    for (const scheme of o.auth) {
      const r = await scheme(url, init, { fetch, previous: last });
      if (r === undefined) continue;
      if (r.status !== 401 && r.status !== 407) return r;
      if (last && last !== r) await last.arrayBuffer().catch(() => undefined);
      last = r;
    }
    return last ?? fetch(url, init as FetchInit);
  };
}
