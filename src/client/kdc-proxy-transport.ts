/**
 * A {@link Transport} over a Kerberos KDC proxy (MS-KKDCP): each request is POSTed as a
 * KDC-PROXY-MESSAGE with `Content-Type: application/kerberos` to an HTTPS URL, and the reply
 * comes back the same way. Runs wherever `fetch` does (browsers, workers, Deno, Bun, Node); the
 * `fetch` is injectable. MIT krb5 writes these proxies as `kdc = https://host/KdcProxy`.
 * @module
 */
import { TransportError, type TransportAttempt } from '../errors.js';
import { decodeKdcProxyReply, encodeKdcProxyRequest } from '../messages/kdc-proxy.js';
import type { AbortSignalLike, KdcSendOptions, Transport } from './transport.js';

/** The part of a `fetch` Response used here. */
export interface KdcProxyResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body?: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> } } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The shape of `fetch` this transport calls. */
export type KdcProxyFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: Uint8Array; signal?: AbortSignalLike; redirect?: 'follow' | 'error' | 'manual' },
) => Promise<KdcProxyResponse>;

/** Options of {@link createKdcProxyTransport}. */
export interface KdcProxyTransportOptions {
  /** One proxy URL for every realm. */
  url?: string;
  /** The proxy URLs for a realm, tried in order (takes precedence over `url`). */
  urlsFor?: (realm: string, options: { primary?: boolean }) => string | readonly string[] | undefined | Promise<string | readonly string[] | undefined>;
  /** The `fetch` to use (default the global one). */
  fetch?: KdcProxyFetch;
  /** Per-URL time limit in milliseconds (default 15000: a proxy itself waits on the KDC). */
  timeoutMs?: number;
  /** The largest reply body accepted, in bytes (default 1 MiB). */
  maxReplyBytes?: number;
}

/** The default limit on a reply body or a TCP record: far above any real Kerberos reply. */
export const MAX_KDC_REPLY_BYTES = 1024 * 1024;

interface Globals {
  fetch?: KdcProxyFetch;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  AbortController: new () => { readonly signal: AbortSignalLike; abort(reason?: unknown): void };
}
const G = globalThis as unknown as Globals;

/** A `TransportError` for one failed attempt; `code` says why (`ERR_KDC_PROXY_HTTP`, `ETIMEDOUT`, …). */
function attemptError(message: string, code: string, cause?: unknown): TransportError {
  return new TransportError(message, [], { code, cause });
}

/** The reason to reject with when `signal` is aborted. */
export function abortReason(signal: AbortSignalLike): unknown {
  return signal.reason ?? attemptError('The operation was aborted', 'ABORT_ERR');
}

async function readBounded(res: KdcProxyResponse, max: number): Promise<Uint8Array> {
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > max) {
    throw attemptError(`KDC proxy reply of ${declared} bytes exceeds the limit of ${max}`, 'ERR_KDC_REPLY_TOO_LARGE');
  }
  if (!res.body) {
    const b = new Uint8Array(await res.arrayBuffer());
    if (b.length > max) throw attemptError(`KDC proxy reply of ${b.length} bytes exceeds the limit of ${max}`, 'ERR_KDC_REPLY_TOO_LARGE');
    return b;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value) continue;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw attemptError(`KDC proxy reply exceeds the limit of ${max} bytes`, 'ERR_KDC_REPLY_TOO_LARGE');
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Options of {@link sendKdcProxy}. */
export interface SendKdcProxyOptions {
  fetch?: KdcProxyFetch;
  signal?: AbortSignalLike;
  timeoutMs?: number;
  maxReplyBytes?: number;
}

/**
 * One exchange with one KDC proxy: POST the framed `request` for `realm` to `url`, return the
 * Kerberos reply (record mark removed). Rejects with a `TransportError` (an HTTP status other
 * than 200, a timeout, a body that is no KDC-PROXY-MESSAGE, a reply over the size limit), or
 * with the signal's reason when aborted.
 *
 * @example
 * ```ts
 * const reply = await sendKdcProxy('https://kdc.example.com/KdcProxy', 'EXAMPLE.COM', asReq)
 * ```
 */
export async function sendKdcProxy(url: string, realm: string, request: Uint8Array, o: SendKdcProxyOptions = {}): Promise<Uint8Array> {
  const doFetch = o.fetch ?? G.fetch;
  if (!doFetch) throw attemptError('no fetch available for the KDC proxy', 'ERR_NO_FETCH');
  if (o.signal?.aborted) throw abortReason(o.signal);
  const ctl = new G.AbortController();
  const timeoutMs = o.timeoutMs ?? 15_000;
  let timedOut = false;
  const timer = G.setTimeout(() => {
    timedOut = true;
    ctl.abort(attemptError(`timeout after ${timeoutMs} ms`, 'ETIMEDOUT'));
  }, timeoutMs);
  const onAbort = () => ctl.abort(abortReason(o.signal!));
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/kerberos', accept: 'application/kerberos' },
      body: encodeKdcProxyRequest(realm, request),
      signal: ctl.signal,
      redirect: 'error',
    });
    if (res.status !== 200) {
      await res.body
        ?.getReader()
        .cancel()
        .catch(() => {});
      throw attemptError(`HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`, 'ERR_KDC_PROXY_HTTP');
    }
    const body = await readBounded(res, o.maxReplyBytes ?? MAX_KDC_REPLY_BYTES);
    return decodeKdcProxyReply(body);
  } catch (e) {
    if (o.signal?.aborted) throw abortReason(o.signal);
    if (timedOut) throw attemptError(`timeout after ${timeoutMs} ms`, 'ETIMEDOUT', e);
    throw e;
  } finally {
    G.clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Why one attempt failed, in a word or two (`ETIMEDOUT`, `HTTP 503 …`, a system error code). */
export function describeFailure(e: unknown): string {
  if (e instanceof TransportError && e.attempts.length === 0) return e.message;
  const err = e as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  const cause = err?.cause as { code?: unknown; message?: unknown } | undefined;
  // undici wraps network failures as "fetch failed" with the system error as cause.
  if (typeof cause?.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? ` (${cause.message})` : ''}`;
  if (typeof err?.code === 'string' && typeof err.message === 'string') return `${err.code} (${err.message})`;
  return typeof err?.message === 'string' ? err.message : String(e);
}

/** The `TransportError` of an exchange where every target failed. */
export function unreachable(realm: string, attempts: readonly TransportAttempt[]): TransportError {
  const list = attempts.map((a) => `${a.target}: ${describeFailure(a.error)}`).join('; ');
  return new TransportError(`Cannot contact any KDC for realm '${realm}'${list ? ` (${list})` : ''}`, attempts);
}

/**
 * A {@link Transport} that reaches the KDCs only through KDC proxies. `tcpOnly` is always
 * satisfied (the proxy is a stream transport); `primary` is passed to `urlsFor`.
 *
 * @example
 * ```ts
 * const transport = createKdcProxyTransport({ url: 'https://kdc.example.com/KdcProxy' })
 * const reply = await transport.send('EXAMPLE.COM', asReq)
 * ```
 */
export function createKdcProxyTransport(o: KdcProxyTransportOptions): Transport {
  if (o.url === undefined && o.urlsFor === undefined) throw new TypeError('createKdcProxyTransport: url or urlsFor is required');
  return {
    async send(realm: string, request: Uint8Array, options: KdcSendOptions = {}): Promise<Uint8Array> {
      const signal = options.signal;
      const got = o.urlsFor ? await o.urlsFor(realm, { primary: options.primary }) : o.url;
      const urls = got === undefined ? [] : typeof got === 'string' ? [got] : [...got];
      if (urls.length === 0) throw new TransportError(`Cannot find KDC for realm "${realm}"`);
      const attempts: TransportAttempt[] = [];
      for (const url of urls) {
        if (signal?.aborted) throw abortReason(signal);
        try {
          return await sendKdcProxy(url, realm, request, { fetch: o.fetch, signal, timeoutMs: o.timeoutMs, maxReplyBytes: o.maxReplyBytes });
        } catch (e) {
          if (signal?.aborted) throw abortReason(signal);
          attempts.push({ target: url, error: e });
        }
      }
      throw unreachable(realm, attempts);
    },
  };
}
