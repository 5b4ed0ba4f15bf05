/**
 * A `fetch` over `node:http` / `node:https` that keeps what the global `fetch` hides: the TLS
 * server certificate of the connection each response came over (for RFC 5929 channel bindings),
 * and per-request TLS trust (`ca`). Keep-alive agents by default, so an authenticated retry
 * usually reuses the connection of its 401. Responses are {@link LightResponse}s: the body read
 * into memory, with `text`, `json`, `arrayBuffer`, `bytes`, `body` and `clone` as `Response` has
 * (`createNegotiateFetch` turns the one it returns into a web `Response`). Redirects are not
 * followed here (as `redirect: 'manual'`): `createNegotiateFetch` follows them, hop by hop.
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { FetchInit, FetchLike, ResponseLike } from '../negotiate-fetch.js';
import { LightHeaders, LightResponse } from './response.js';

/** Options of {@link createNodeFetch}. */
export interface NodeFetchOptions {
  /** PEM certificates to trust instead of the system store. */
  ca?: string | string[];
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Reuse connections (default true). */
  keepAlive?: boolean;
  /** Per-request time limit, ms (default none). */
  timeoutMs?: number;
}

/** A fetch that also tells the server certificate behind a response. */
export interface NodeFetch extends FetchLike<LightResponse> {
  /** The DER certificate of the TLS connection `response` came over (undefined over plain HTTP). */
  peerCertificate(response: ResponseLike): Uint8Array | undefined;
  /** The certificate last seen from this URL's origin. */
  originCertificate(url: string): Uint8Array | undefined;
  /** Closes idle connections. */
  close(): void;
}

function pairs(h: FetchInit['headers'] | Record<string, string>): [string, string][] {
  if (!h) return [];
  if (Array.isArray(h)) return h.map(([k, v]) => [k, v]);
  const hl = h as { forEach?: (fn: (v: string, k: string) => void) => void; get?: unknown };
  if (typeof hl.forEach === 'function' && typeof hl.get === 'function') {
    const out: [string, string][] = [];
    hl.forEach((v, k) => {
      out.push([k, v]);
    });
    return out;
  }
  return Object.entries(h as Record<string, string>);
}

/**
 * @example
 * ```ts
 * const f = createNodeFetch({ ca: readFileSync('ca.pem', 'utf8') })
 * const r = await f('https://localhost:8443/')
 * f.peerCertificate(r)   // DER bytes of the server's certificate
 * ```
 */
export function createNodeFetch(o: NodeFetchOptions = {}): NodeFetch {
  const keepAlive = o.keepAlive !== false;
  const httpAgent = new http.Agent({ keepAlive });
  const httpsAgent = new https.Agent({ keepAlive, ...(o.ca ? { ca: o.ca } : {}), ...(o.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) });
  const certs = new WeakMap<object, Uint8Array>();
  const byOrigin = new Map<string, Uint8Array>();

  const f = ((input: string, init: FetchInit = {}) =>
    new Promise<LightResponse>((resolve, reject) => {
      const u = new URL(input);
      const isHttps = u.protocol === 'https:';
      if (!isHttps && u.protocol !== 'http:') return reject(new TypeError(`unsupported URL scheme ${u.protocol}`));
      const b: unknown = init.body;
      const body =
        b === undefined || b === null
          ? undefined
          : typeof b === 'string'
            ? Buffer.from(b)
            : b instanceof ArrayBuffer
              ? Buffer.from(b)
              : ArrayBuffer.isView(b)
                ? Buffer.from(b.buffer, b.byteOffset, b.byteLength)
                : undefined;
      if (body === undefined && b !== undefined && b !== null) return reject(new TypeError('body must be a string, an ArrayBuffer or bytes'));
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of pairs(init.headers)) {
        const key = k.toLowerCase();
        const prev = headers[key];
        headers[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      if (body !== undefined) headers['content-length'] = String(body.length);
      send(false);
      /**
       * One attempt. A kept-alive connection the server has just closed (Apache's
       * MaxKeepAliveRequests, KeepAliveTimeout) fails before any response: the request goes once
       * more on a new connection, as Node's documentation advises and urllib3 does; the body is
       * a buffer, so it can be sent again.
       */
      function send(retried: boolean): void {
        const req = (isHttps ? https : http).request(u, {
          method: init.method ?? 'GET',
          headers,
          agent: isHttps ? httpsAgent : httpAgent,
          ...(init.signal ? { signal: init.signal as AbortSignal } : {}),
          ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
        });
        req.on('timeout', () => req.destroy(new Error(`request to ${u.origin} timed out after ${o.timeoutMs} ms`)));
        let answered = false;
        req.on('error', (e: NodeJS.ErrnoException) => {
          const stale = req.reusedSocket && !answered && !retried && (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'socket hang up');
          if (stale && !(init.signal as AbortSignal | undefined)?.aborted) send(true);
          else reject(e);
        });
        req.on('response', (res) => {
          answered = true;
          // The socket goes back to the agent's pool at the end of the body: read the certificate now.
          let der: Uint8Array | undefined;
          const sock = res.socket as TLSSocket | null;
          if (isHttps && sock && typeof sock.getPeerCertificate === 'function') {
            const c = sock.getPeerCertificate();
            if (c?.raw) der = new Uint8Array(c.raw);
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const nullBody = status === 204 || status === 205 || status === 304 || (init.method ?? 'GET').toUpperCase() === 'HEAD';
            const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            const response = new LightResponse(
              status,
              res.statusMessage ?? '',
              new LightHeaders(res.rawHeaders),
              nullBody ? null : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
              input,
            );
            if (der) {
              certs.set(response, der);
              byOrigin.set(u.origin, der);
            }
            resolve(response);
          });
        });
        req.end(body);
      }
    })) as NodeFetch;
  f.peerCertificate = (r) => certs.get(r);
  f.originCertificate = (url) => byOrigin.get(new URL(url).origin);
  f.close = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
  };
  return f;
}
