/**
 * The Node `createNegotiateFetch` as a `fetch`: its types (tsc on test/http/types: `const f:
 * typeof fetch = createNegotiateFetch()`, `(await f(url)).json()`, the core taking the global
 * fetch), and its behaviour next to Node's own fetch (undici) — the reference for every answer
 * here — on local node:http servers that need no authentication: a `Request` as input, bodies
 * fetch reads (URLSearchParams, Blob, FormData), redirects (each status and method, what reaches
 * the next server, the 20-redirect limit, 'manual', 'error', no Location, a non-HTTP Location,
 * relative Locations), and `url`/`redirected` on the response. The Negotiate side of redirects
 * (a new token per host, mutual authentication at the end) is test/http/redirect-interop.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNegotiateFetch } from '../../src/http/node/index.js';
import { createNegotiateFetchCore as createCore } from '../../src/http/index.js';
import { ProtocolError, KerberosError } from '../../src/errors.js';

interface Seen {
  server: string;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server that records each request and answers by path: /echo, /redirect?status=&to=, /loop?n=, /nolocation. */
function recorder(name: string, seen: Seen[]): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      const u = new URL(req.url!, 'http://x');
      seen.push({ server: name, method: req.method!, path: req.url!, headers: req.headers, body });
      if (u.pathname === '/redirect') {
        res.writeHead(Number(u.searchParams.get('status')), { location: u.searchParams.get('to')!, 'content-type': 'text/plain' });
        res.end('moved');
      } else if (u.pathname === '/loop') {
        const n = Number(u.searchParams.get('n'));
        if (n > 0) res.writeHead(302, { location: `/loop?n=${n - 1}` }).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ done: true }));
      } else if (u.pathname === '/nolocation') {
        res.writeHead(302, { 'content-type': 'text/plain' }).end('no location');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
        res.end(JSON.stringify({ server: name, method: req.method, path: req.url, body }));
      }
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** No request here is answered 401: a credential source that is asked anything fails the test. */
const credentials = {
  getCredentials: async () => {
    throw new Error('no Kerberos in this test');
  },
};

const seen: Seen[] = [];
let a: { server: Server; base: string };
let b: { server: Server; base: string };
const ours = createNegotiateFetch({ credentials });

beforeAll(async () => {
  a = await recorder('A', seen);
  b = await recorder('B', seen);
});
afterAll(() => {
  ours.close();
  a?.server.close();
  b?.server.close();
});

/** Runs one request with a fetch, and returns what happened: the response's facts and what each server got. */
async function observe(f: typeof fetch, input: string | URL | Request, init?: RequestInit) {
  seen.length = 0;
  try {
    const r = await f(input, init);
    const text = await r.text();
    return {
      status: r.status,
      url: r.url,
      redirected: r.redirected,
      location: r.headers.get('location'),
      text,
      requests: seen.map((s) => ({
        server: s.server,
        method: s.method,
        path: s.path,
        body: s.body,
        authorization: s.headers.authorization,
        cookie: s.headers.cookie,
        contentType: s.headers['content-type'],
        custom: s.headers['x-custom'],
      })),
    };
  } catch {
    return { threw: true, hits: seen.length };
  }
}

const headers = { authorization: 'Bearer not-for-other-origins', cookie: 'session=1', 'content-type': 'text/plain', 'x-custom': 'kept' };

describe('createNegotiateFetch is a fetch', () => {
  it('type-checks as typeof fetch, its json() included, and the core takes the global fetch; negotiateHandler as a Next.js GET (tsc -p test/http/types)', () => {
    const require = createRequire(import.meta.url);
    const tsc = require.resolve('typescript/bin/tsc');
    const project = fileURLToPath(new URL('./types', import.meta.url));
    const out = execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    expect(out).toBe('');
  }, 120_000);

  it('answers web Responses: json(), clone(), headers (Set-Cookie kept apart), instanceof Response', async () => {
    const r = await ours(`${a.base}/echo`);
    expect(r).toBeInstanceOf(Response);
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const c = r.clone();
    expect(c.url).toBe(`${a.base}/echo`);
    expect(await r.json()).toEqual({ server: 'A', method: 'GET', path: '/echo', body: '' });
    expect(await c.text()).toContain('"server":"A"');
    expect(r.bodyUsed).toBe(true);
    // A body is read once, whichever way, as on Node's own Responses.
    for (const f of [ours, fetch]) {
      const x = await f(`${a.base}/echo`);
      expect([x.type, x.ok, x.statusText]).toEqual(['basic', true, 'OK']);
      expect(new Uint8Array(await x.arrayBuffer())[0]).toBe(0x7b);
      await expect(x.text()).rejects.toThrow(TypeError);
      expect(() => x.clone()).toThrow(TypeError);
      const y = await f(`${a.base}/echo`);
      const chunks: Uint8Array[] = [];
      for await (const chunk of y.body!) chunks.push(chunk);
      expect(Buffer.concat(chunks).toString()).toContain('"server":"A"');
      expect(y.bodyUsed).toBe(true);
      await expect(y.json()).rejects.toThrow(TypeError);
      const z = await f(`${a.base}/echo`);
      expect((await z.clone().blob()).type).toBe('application/json');
      expect((await z.bytes()).length).toBeGreaterThan(10);
      await expect(z.arrayBuffer()).rejects.toThrow(TypeError);
    }
  });

  it('a Request as input (its method, headers and body), and init over it — as Node’s fetch', async () => {
    const mk = () => new Request(`${a.base}/echo`, { method: 'POST', body: 'from the request', headers: { 'x-custom': 'r', 'content-type': 'text/x-r' } });
    const want = await observe(fetch, mk());
    expect(want.requests?.[0]).toMatchObject({ method: 'POST', body: 'from the request', custom: 'r', contentType: 'text/x-r' });
    expect(await observe(ours, mk())).toEqual(want);
    const overridden = [mk(), { method: 'PUT', body: 'from init', headers: { 'x-custom': 'i' } }] as const;
    const w2 = await observe(fetch, overridden[0], overridden[1]);
    expect(w2.requests?.[0]).toMatchObject({ method: 'PUT', body: 'from init', custom: 'i' });
    expect(await observe(ours, mk(), overridden[1])).toEqual(w2);
    expect(await observe(ours, new URL(`${a.base}/echo?u=1`))).toEqual(await observe(fetch, new URL(`${a.base}/echo?u=1`)));
  });

  it('bodies fetch reads: URLSearchParams and a typed Blob (same bytes and Content-Type as Node’s fetch), FormData (multipart)', async () => {
    for (const body of [
      () => new URLSearchParams({ q: 'a b', r: 'é' }),
      () => new Blob(['blob bytes'], { type: 'application/x-blob' }),
      () => new Uint16Array([1, 2, 3]),
      () => new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2),
    ]) {
      const want = await observe(fetch, `${a.base}/echo`, { method: 'POST', body: body() });
      expect(await observe(ours, `${a.base}/echo`, { method: 'POST', body: body() })).toEqual(want);
    }
    const fd = new FormData();
    fd.set('field', 'value');
    const got = await observe(ours, `${a.base}/echo`, { method: 'POST', body: fd });
    expect(got.requests?.[0]?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(got.requests?.[0]?.body).toMatch(/name="field"\r\n\r\nvalue\r\n/);
  });
});

describe('redirects, as Node’s fetch follows them', () => {
  const to = (target: string, status: number) => `${a.base}/redirect?status=${status}&to=${encodeURIComponent(target)}`;

  it('each redirect status and method, to the same origin and to another: method, body, headers and url as undici has them', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      for (const method of ['POST', 'PUT', 'GET', 'HEAD']) {
        for (const target of [`${a.base}/echo`, `${b.base}/echo`]) {
          const init = { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: `${method} body` }) };
          const want = await observe(fetch, to(target, status), init);
          const got = await observe(ours, to(target, status), init);
          expect(got, `${status} ${method} → ${target}`).toEqual(want);
          expect(want.redirected).toBe(true);
        }
      }
    }
    // The facts the comparison covers, stated: 303 POST → GET without body; 307 keeps both;
    // another origin gets no Authorization or Cookie; the same origin gets them.
    const p303 = await observe(ours, to(`${b.base}/echo`, 303), { method: 'POST', headers, body: 'x' });
    expect(p303.requests?.[1]).toMatchObject({ server: 'B', method: 'GET', body: '', authorization: undefined, cookie: undefined, contentType: undefined, custom: 'kept' });
    const p307 = await observe(ours, to(`${b.base}/echo`, 307), { method: 'POST', headers, body: 'x' });
    expect(p307.requests?.[1]).toMatchObject({ server: 'B', method: 'POST', body: 'x', authorization: undefined, cookie: undefined, contentType: 'text/plain' });
    const same = await observe(ours, to(`${a.base}/echo`, 307), { method: 'POST', headers, body: 'x' });
    expect(same.requests?.[1]).toMatchObject({ server: 'A', authorization: headers.authorization, cookie: headers.cookie });
    expect(p307).toMatchObject({ status: 200, url: `${b.base}/echo`, redirected: true });
  });

  it('20 redirects are followed; the 21st is an error (ProtocolError ERR_TOO_MANY_REDIRECTS), as undici refuses it', async () => {
    expect(await observe(ours, `${a.base}/loop?n=20`)).toEqual(await observe(fetch, `${a.base}/loop?n=20`));
    expect(await observe(fetch, `${a.base}/loop?n=21`)).toEqual({ threw: true, hits: 21 });
    expect(await observe(ours, `${a.base}/loop?n=21`)).toEqual({ threw: true, hits: 21 });
    const e = await ours(`${a.base}/loop?n=21`).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.code).toBe('ERR_TOO_MANY_REDIRECTS');
  });

  it("'manual' returns the 3xx; 'error' throws (ProtocolError ERR_REDIRECT), even without a Location; no Location returns the 3xx", async () => {
    const target = to(`${b.base}/echo`, 307);
    const manual = await observe(ours, target, { redirect: 'manual' });
    expect(manual).toEqual(await observe(fetch, target, { redirect: 'manual' }));
    expect(manual).toMatchObject({ status: 307, redirected: false, location: `${b.base}/echo` });
    for (const u of [target, `${a.base}/nolocation`]) {
      expect(await observe(fetch, u, { redirect: 'error' })).toEqual({ threw: true, hits: 1 });
      expect(await observe(ours, u, { redirect: 'error' })).toEqual({ threw: true, hits: 1 });
    }
    const e = await ours(target, { redirect: 'error' }).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_REDIRECT');
    const req = await observe(ours, new Request(target, { redirect: 'manual' }));
    expect(req).toMatchObject({ status: 307 });
    expect(await observe(ours, `${a.base}/nolocation`)).toEqual(await observe(fetch, `${a.base}/nolocation`));
  });

  it('relative Locations resolve against the URL that answered; a non-HTTP Location is an error (ERR_REDIRECT_LOCATION)', async () => {
    for (const loc of ['/echo?x=1', 'echo', '../echo#frag', '//' + new URL(b.base).host + '/echo']) {
      const u = to(loc, 302);
      expect(await observe(ours, u), loc).toEqual(await observe(fetch, u));
    }
    const ftp = to('ftp://127.0.0.1/x', 302);
    expect(await observe(fetch, ftp)).toEqual({ threw: true, hits: 1 });
    const e = await ours(ftp).catch((x) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('ERR_REDIRECT_LOCATION');
  });

  it('the runtime-neutral core over the global fetch follows the redirects itself (redirect: manual below), with url and redirected set', async () => {
    const calls: (string | undefined)[] = [];
    const f = createCore({
      credentials,
      fetch: (u, init) => {
        calls.push(init?.redirect);
        return fetch(u, init);
      },
    });
    const r = await f(to(`${b.base}/echo#x`, 308), { method: 'POST', body: 'core', headers });
    expect(r).toBeInstanceOf(Response);
    expect([r.status, r.url, r.redirected]).toEqual([200, `${b.base}/echo`, true]);
    expect(r.clone().redirected).toBe(true);
    expect(await r.json()).toEqual({ server: 'B', method: 'POST', path: '/echo', body: 'core' });
    expect(calls).toEqual(['manual', 'manual']);
  });
});
