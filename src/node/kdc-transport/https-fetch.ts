/**
 * A `fetch` for KDC proxies over `node:https`, so that MIT's `http_anchors` can name the
 * certificates to trust (`FILE:cert.pem`, `DIR:/path`, `ENV:VARIABLE`), which the global
 * `fetch` cannot be told per request.
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError } from '../../errors.js';
import type { KdcProxyFetch, KdcProxyResponse } from '../../client/kdc-proxy-transport.js';

/**
 * The PEM certificates an `http_anchors` value names, as MIT reads them: `FILE:path`,
 * `DIR:path` (every file in it), `ENV:NAME` (a variable holding a file name).
 *
 * @example
 * ```ts
 * loadAnchors(['FILE:/etc/ipa/ca.crt'])
 * ```
 */
export function loadAnchors(anchors: readonly string[], env: Record<string, string | undefined> = process.env): string[] {
  const out: string[] = [];
  for (const a of anchors) {
    const colon = a.indexOf(':');
    const type = colon > 0 ? a.slice(0, colon).toUpperCase() : 'FILE';
    const rest = colon > 0 ? a.slice(colon + 1) : a;
    try {
      if (type === 'FILE') out.push(readFileSync(rest, 'utf8'));
      else if (type === 'DIR') for (const n of readdirSync(rest).sort()) out.push(readFileSync(join(rest, n), 'utf8'));
      else if (type === 'ENV') {
        const file = env[rest];
        if (file) out.push(readFileSync(file, 'utf8'));
      } else throw new ConfigError(`http_anchors = ${a}: unknown type ${type}`);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(`http_anchors = ${a}: cannot read (${(e as Error).message})`, {}, { cause: e });
    }
  }
  return out;
}

/**
 * A {@link KdcProxyFetch} over `node:https` (and `node:http`), trusting `ca` when given (else the
 * system's store), never following redirects.
 *
 * @example
 * ```ts
 * createKdcProxyTransport({ url, fetch: nodeFetch({ ca: loadAnchors(['FILE:cert.pem']) }) })
 * ```
 */
export function nodeFetch(o: { ca?: string[] } = {}): KdcProxyFetch {
  return (url, init) =>
    new Promise<KdcProxyResponse>((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === 'http:' ? http : https;
      const req = mod.request(
        u,
        {
          method: init.method,
          headers: { ...init.headers, 'content-length': String(init.body.length) },
          ...(u.protocol === 'https:' && o.ca && o.ca.length > 0 ? { ca: o.ca } : {}),
          signal: init.signal as AbortSignal | undefined, // the global AbortSignal in practice
        },
        (res) => {
          const body = Readable.toWeb(res) as unknown as KdcProxyResponse['body'];
          resolve({
            ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: {
              get: (n: string) => {
                const v = res.headers[n.toLowerCase()];
                return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
              },
            },
            body,
            arrayBuffer: () => Promise.reject(new Error('use body')),
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
}
