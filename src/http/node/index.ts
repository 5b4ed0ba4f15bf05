/**
 * The Node side of `tskrb5/http`: `negotiateFetch` and `createNegotiateFetch` wired to the
 * user's credential caches (`nodeCredentials`), a `node:https` fetch that sees the server
 * certificate (`createNodeFetch`) for channel bindings, and node:crypto's hashes.
 * @module
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { certificateHashForBindings } from '../certificate.js';
import { createNegotiateFetchCore as createCore, type FetchLike, type NegotiateOptions, type ResponseLike } from '../negotiate-fetch.js';
import { nodeCredentials, type NodeCredentialOptions } from './credentials.js';
import { createNodeFetch, type NodeFetch, type NodeFetchOptions } from './fetch.js';
import { toWebResponse } from './response.js';

export { nodeCredentials, type NodeCredentialOptions } from './credentials.js';
export { createNodeFetch, type NodeFetch, type NodeFetchOptions } from './fetch.js';

/** Options of the Node {@link createNegotiateFetch}: the core's, with Node defaults for each. */
export interface NodeNegotiateOptions extends Omit<NegotiateOptions, 'credentials'>, NodeCredentialOptions {
  /** Where tickets come from (default {@link nodeCredentials} with `principal`, `password`, `ccache`, `context`). */
  credentials?: NegotiateOptions['credentials'];
  /** TLS options of the default fetch (`ca`, `rejectUnauthorized`). */
  tls?: NodeFetchOptions;
}

/** The server certificate of an https URL, by a TLS handshake of its own (for a custom fetch or a preemptive first request). */
export function probeCertificate(url: string, o: NodeFetchOptions = {}): Promise<Uint8Array | undefined> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const s = connect({
      host,
      port: Number(u.port || 443),
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      ...(o.ca ? { ca: o.ca } : {}),
      ...(o.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    });
    s.setTimeout(o.timeoutMs ?? 10_000, () => s.destroy());
    s.once('secureConnect', () => {
      const c = s.getPeerCertificate();
      s.end();
      resolve(c?.raw ? new Uint8Array(c.raw) : undefined);
    });
    s.once('error', () => resolve(undefined));
    s.once('close', () => resolve(undefined));
  });
}

const nodeHash = (name: 'sha224' | 'sha256' | 'sha384' | 'sha512', data: Uint8Array) => new Uint8Array(createHash(name).update(data).digest());

/**
 * The function the Node {@link createNegotiateFetch} returns: a `fetch` (`const f: typeof fetch =
 * createNegotiateFetch()` type-checks) answering web `Response`s; `previous` is for an auth chain
 * (the 401 an earlier scheme got); `close()` closes its idle connections.
 */
export interface NodeNegotiateFetch {
  (input: string | URL | Request, init?: RequestInit, previous?: ResponseLike): Promise<Response>;
  close(): void;
}

/**
 * A `fetch` authenticating with Negotiate from the user's Kerberos caches: a string, a `URL` or a
 * `Request` and a `RequestInit` in, a web `Response` out (its `url` and `redirected` as fetch sets
 * them). Redirects are followed as fetch does, each new host authenticated with its own ticket.
 *
 * @example
 * ```ts
 * import { createNegotiateFetch } from 'tskrb5'
 * const fetchK: typeof fetch = createNegotiateFetch({ delegate: true })
 * const res = await fetchK('https://copr.fedorainfracloud.org/api_3/auth-check')
 * console.log(await res.json())
 * ```
 */
export function createNegotiateFetch(o: NodeNegotiateOptions = {}): NodeNegotiateFetch {
  const own: NodeFetch | undefined = o.fetch ? undefined : createNodeFetch(o.tls ?? {});
  const fetch: FetchLike = o.fetch ?? own!;
  const credentials = o.credentials ?? nodeCredentials({ ...o, ...(o.logger ? { logger: o.logger } : {}) });
  const core = createCore({
    ...o,
    credentials,
    fetch,
    certificateHash: o.certificateHash ?? ((der) => certificateHashForBindings(der, nodeHash)),
    serverCertificate:
      o.serverCertificate ??
      (async (url: string, response?: ResponseLike) => (response && own?.peerCertificate(response)) ?? own?.originCertificate(url) ?? probeCertificate(url, o.tls ?? {})),
  });
  // The exchange runs on light responses; the one returned becomes a web Response.
  const f = (async (input: string | URL | Request, init?: RequestInit, previous?: ResponseLike) => toWebResponse(await core(input, init, previous))) as NodeNegotiateFetch;
  f.close = () => own?.close();
  return f;
}

/**
 * One request with Negotiate (a new helper each call; keep a {@link createNegotiateFetch} for many).
 * @example
 * ```ts
 * const res = await negotiateFetch('https://intranet.example.com/', {}, { mutualAuthentication: 'optional' })
 * ```
 */
export async function negotiateFetch(input: string | URL | Request, init?: RequestInit, options: NodeNegotiateOptions = {}): Promise<Response> {
  const f = createNegotiateFetch(options);
  try {
    return await f(input, init);
  } finally {
    f.close();
  }
}
export { negotiateMiddleware, type NegotiateMiddlewareOptions, type NegotiateNodeOptions, type NegotiateRequestInfo } from './server.js';
export type { Delegation } from './delegation.js';
export { negotiateHandler, type NegotiateHandlerOptions } from './handler.js';
