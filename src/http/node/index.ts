/**
 * The Node side of `tskrb5/http`: `negotiateFetch` and `createNegotiateFetch` wired to the
 * user's credential caches (`nodeCredentials`), a `node:https` fetch that sees the server
 * certificate (`createNodeFetch`) for channel bindings, and node:crypto's hashes.
 * @module
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { certificateHashForBindings } from '../certificate.js';
import { createNegotiateFetch as createCore, type FetchLike, type NegotiateFetch, type NegotiateOptions, type RequestInitLike, type ResponseLike } from '../negotiate-fetch.js';
import { nodeCredentials, type NodeCredentialOptions } from './credentials.js';
import { createNodeFetch, type NodeFetch, type NodeFetchOptions } from './fetch.js';

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
 * A fetch-compatible function authenticating with Negotiate from the user's Kerberos caches.
 *
 * @example
 * ```ts
 * import { createNegotiateFetch } from 'tskrb5'
 * const fetchK = createNegotiateFetch({ delegate: true })
 * const res = await fetchK('https://copr.fedorainfracloud.org/api_3/auth-check')
 * ```
 */
export function createNegotiateFetch(o: NodeNegotiateOptions = {}): NegotiateFetch & { close(): void } {
  const own: NodeFetch | undefined = o.fetch ? undefined : createNodeFetch(o.tls ?? {});
  const fetch: FetchLike = o.fetch ?? own!;
  const credentials = o.credentials ?? nodeCredentials({ ...o, ...(o.logger ? { logger: o.logger } : {}) });
  const f = createCore({
    ...o,
    credentials,
    fetch,
    certificateHash: o.certificateHash ?? ((der) => certificateHashForBindings(der, nodeHash)),
    serverCertificate:
      o.serverCertificate ??
      (async (url: string, response?: ResponseLike) => (response && own?.peerCertificate(response)) ?? own?.originCertificate(url) ?? probeCertificate(url, o.tls ?? {})),
  }) as NegotiateFetch & { close(): void };
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
export async function negotiateFetch(input: string | { href: string }, init?: RequestInitLike, options: NodeNegotiateOptions = {}): Promise<ResponseLike> {
  const f = createNegotiateFetch(options);
  try {
    return await f(input, init);
  } finally {
    f.close();
  }
}
export { negotiateMiddleware, type NegotiateMiddlewareOptions, type NegotiateRequestInfo } from './server.js';
