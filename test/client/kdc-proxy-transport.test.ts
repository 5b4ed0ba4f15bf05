/**
 * The fetch-based KDC proxy transport (MS-KKDCP) with injected fetches and, for the global
 * `fetch`, a plain HTTP server on 127.0.0.1. Replies are DER written out by hand, not made by
 * our encoder. The real proxy (python3-kdcproxy) is in test/node/kdc-transport-proxy.test.ts.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DecodeError, TransportError } from '../../src/errors.js';
import { createKdcProxyTransport, type KdcProxyFetch, type KdcProxyResponse } from '../../src/client/index.js';
import { KDCProxyMessage } from '../../src/messages/index.js';

const REQ = Uint8Array.of(0x6a, 0x02, 0x30, 0x00);
// SEQUENCE { [0] OCTET STRING 00000002 7e00 }: a reply whose Kerberos message is 7e 00.
const REPLY_BODY = Uint8Array.of(0x30, 0x0a, 0xa0, 0x08, 0x04, 0x06, 0, 0, 0, 2, 0x7e, 0x00);

function response(status: number, body: Uint8Array, headers: Record<string, string> = {}): KdcProxyResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 200 ? 'OK' : 'Error',
    headers: { get: (n) => headers[n.toLowerCase()] ?? null },
    body: null,
    arrayBuffer: async () => body.slice().buffer,
  };
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TransportError);
  return e as TransportError;
}

describe('createKdcProxyTransport with an injected fetch', () => {
  it('POSTs application/kerberos: the request framed, the realm as target-domain; returns the unframed reply', async () => {
    const seen: Parameters<KdcProxyFetch>[] = [];
    const t = createKdcProxyTransport({
      url: 'https://p.test/KdcProxy',
      fetch: async (...a) => {
        seen.push(a);
        return response(200, REPLY_BODY);
      },
    });
    expect([...(await t.send('R.TEST', REQ))]).toEqual([0x7e, 0x00]);
    expect(seen).toHaveLength(1);
    const [url, init] = seen[0]!;
    expect(url).toBe('https://p.test/KdcProxy');
    expect(init.method).toBe('POST');
    expect(init.headers['content-type']).toBe('application/kerberos');
    // SEQUENCE (12 + 10 = 0x16) { [0] OCTET STRING 00000004 6a023000, [1] GeneralString "R.TEST" }
    expect([...init.body]).toEqual([0x30, 0x16, 0xa0, 0x0a, 0x04, 0x08, 0, 0, 0, 4, 0x6a, 0x02, 0x30, 0x00, 0xa1, 0x08, 0x1b, 0x06, ...Buffer.from('R.TEST')]);
  });

  it('fails over across urlsFor(realm); every failure is listed', async () => {
    const asked: string[] = [];
    const fetch: KdcProxyFetch = async (url) => {
      asked.push(url);
      if (url.includes('one')) return response(503, new Uint8Array(0));
      if (url.includes('two')) return response(200, Uint8Array.of(0x04, 0x00)); // not a KDC-PROXY-MESSAGE
      if (url.includes('three')) throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      return response(200, REPLY_BODY);
    };
    const urlsFor = (realm: string) => ['one', 'two', 'three', 'four'].map((n) => `https://${n}.${realm.toLowerCase()}/KdcProxy`);
    const t = createKdcProxyTransport({ urlsFor, fetch });
    expect([...(await t.send('R.TEST', REQ))]).toEqual([0x7e, 0x00]);
    expect(asked).toEqual(urlsFor('R.TEST'));

    const t2 = createKdcProxyTransport({ urlsFor: (r) => urlsFor(r).slice(0, 3), fetch });
    const e = await failure(t2.send('R.TEST', REQ));
    expect(e.attempts.map((a) => a.target)).toEqual(urlsFor('R.TEST').slice(0, 3));
    expect(e.attempts[1]!.error).toBeInstanceOf(DecodeError);
    expect(e.message).toMatch(
      /^Cannot contact any KDC for realm 'R\.TEST' \(https:\/\/one\.r\.test\/KdcProxy: HTTP 503 Error; https:\/\/two\.r\.test\/KdcProxy: .*; https:\/\/three\.r\.test\/KdcProxy: ECONNREFUSED/,
    );
  });

  it('no URL for the realm: "Cannot find KDC for realm"', async () => {
    const t = createKdcProxyTransport({ urlsFor: () => undefined, fetch: async () => response(200, REPLY_BODY) });
    expect((await failure(t.send('NONE.TEST', REQ))).message).toBe('Cannot find KDC for realm "NONE.TEST"');
  });

  it('reply size is bounded: by Content-Length before reading, and while streaming', async () => {
    let cancelled = false;
    let chunks = 0;
    const stream: KdcProxyResponse = {
      ...response(200, new Uint8Array(0)),
      body: {
        getReader: () => ({
          read: async () => (chunks++ < 1000 ? { done: false, value: new Uint8Array(64 * 1024) } : { done: true }),
          cancel: async () => {
            cancelled = true;
          },
        }),
      },
    };
    const declared = createKdcProxyTransport({ url: 'https://p.test/', fetch: async () => response(200, REPLY_BODY, { 'content-length': '2000000' }) });
    expect((await failure(declared.send('R', REQ))).attempts[0]!.error).toMatchObject({ code: 'ERR_KDC_REPLY_TOO_LARGE' });
    const streamed = createKdcProxyTransport({ url: 'https://p.test/', fetch: async () => stream });
    expect((await failure(streamed.send('R', REQ))).attempts[0]!.error).toMatchObject({ code: 'ERR_KDC_REPLY_TOO_LARGE' });
    expect(cancelled).toBe(true);
    expect(chunks).toBe(17); // 16 × 64 KiB = 1 MiB accepted, the 17th chunk crosses the limit
  });

  /** A fetch that never answers but honours its signal, as fetch does. */
  const hanging: KdcProxyFetch = (_url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));

  it('timeoutMs bounds one URL', async () => {
    const t = createKdcProxyTransport({ url: 'https://slow.test/', fetch: hanging, timeoutMs: 100 });
    const t0 = Date.now();
    const e = await failure(t.send('R', REQ));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(e.attempts[0]!.error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('an AbortSignal rejects with its reason', async () => {
    const t = createKdcProxyTransport({ url: 'https://slow.test/', fetch: hanging });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 50);
    await expect(t.send('R', REQ, { signal: ac.signal })).rejects.toThrow('stop');
  });
});

describe('createKdcProxyTransport with the global fetch', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('talks to an HTTP endpoint on 127.0.0.1 and decodes its reply', async () => {
    const got: { method?: string; type?: string; body?: Buffer }[] = [];
    server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d) => parts.push(d));
      req.on('end', () => {
        got.push({ method: req.method, type: req.headers['content-type'], body: Buffer.concat(parts) });
        res.writeHead(200, { 'content-type': 'application/kerberos' }).end(REPLY_BODY);
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const t = createKdcProxyTransport({ url: `http://127.0.0.1:${port}/KdcProxy` });
    expect([...(await t.send('R.TEST', REQ))]).toEqual([0x7e, 0x00]);
    expect(got[0]!.method).toBe('POST');
    expect(got[0]!.type).toBe('application/kerberos');
    expect(KDCProxyMessage.decode(new Uint8Array(got[0]!.body!)).targetDomain).toBe('R.TEST');
  });
});
