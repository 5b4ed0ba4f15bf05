/**
 * The Node fetch behind negotiateFetch (src/http/node/fetch.ts) on a kept-alive connection the
 * server drops — as Apache does after MaxKeepAliveRequests (100) or KeepAliveTimeout: the
 * request is sent once more on a new connection, body included, instead of failing with
 * "socket hang up". A server that drops every connection still fails (one retry, not a loop).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeFetch } from '../../src/http/node/index.js';

/** An HTTP/1.1 server answering the first request of each connection and dropping the next. */
function oneRequestPerConnection(dropAll = false): Promise<{ server: Server; url: string; bodies: string[]; connections: () => number }> {
  const bodies: string[] = [];
  let connections = 0;
  const server = createServer((sock: Socket) => {
    connections++;
    let served = false;
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      if (served || dropAll) {
        sock.destroy(); // the kept-alive connection is gone when the request arrives
        return;
      }
      served = true;
      bodies.push(buf.slice(end + 4, end + 4 + len));
      buf = '';
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\nok');
    });
    sock.on('error', () => {});
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies, connections: () => connections })),
  );
}

let server: Server | undefined;
afterEach(() => server?.close());

describe('createNodeFetch on a dropped keep-alive connection', () => {
  it('sends the request again on a new connection, with its body', async () => {
    const s = await oneRequestPerConnection();
    server = s.server;
    const f = createNodeFetch();
    try {
      expect((await f(s.url)).status).toBe(200);
      const r = await f(s.url, { method: 'POST', body: 'replayed body' });
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('ok');
      expect(s.bodies).toEqual(['', 'replayed body']);
      expect(s.connections()).toBe(2);
    } finally {
      f.close();
    }
  });

  it('fails when the new connection is dropped too (one retry)', async () => {
    const s = await oneRequestPerConnection(true);
    server = s.server;
    const f = createNodeFetch();
    try {
      await expect(f(s.url)).rejects.toThrow(/socket hang up|ECONNRESET/);
    } finally {
      f.close();
    }
  });
});
