// One worker of a Negotiate service, for the replay cache tests (test/http/replay-interop.test.ts):
// a node:http server with negotiateMiddleware over KEYTAB, in a process of its own.
//   node replay-worker.mjs KEYTAB MODE [ARG]
// MODE: `default` — the middleware's own default (KRB5RCACHETYPE / KRB5RCACHEDIR / TMPDIR decide);
// `memory` ARG — an in-memory ReplayCache with maxEntries ARG; `file` ARG — a FileReplayCache in
// KRB5RCACHEDIR with maxEntries ARG; `redis` URL / `ioredis` URL — a RedisReplayCache over a
// node-redis / ioredis client.
// Prints `LISTENING <port>`; each refusal goes to stderr as one JSON line { code, name, message };
// GET / answers `hello <principal>`; GET /stats (no authentication) the store's stats() as JSON.
import { createServer } from 'node:http';

const [keytab, mode, arg] = process.argv.slice(2);
const root = new URL('../../../dist/bundle/', import.meta.url).href;
const { negotiateMiddleware } = await import(`${root}index.js`);
const { FileReplayCache, defaultReplayCache } = await import(`${root}node/index.js`);
const { ReplayCache, RedisReplayCache } = await import(`${root}http/index.js`);

let store;
if (mode === 'memory') store = new ReplayCache({ maxEntries: Number(arg) });
else if (mode === 'file') store = new FileReplayCache({ maxEntries: Number(arg) });
else if (mode === 'redis') {
  const { createClient } = await import('redis');
  store = new RedisReplayCache(
    await createClient({ url: arg })
      .on('error', () => {})
      .connect(),
    { timeoutMs: 1000 },
  );
} else if (mode === 'ioredis') {
  const { Redis } = await import('ioredis');
  store = new RedisReplayCache(
    new Redis(arg, { maxRetriesPerRequest: 0, enableOfflineQueue: false }).on('error', () => {}),
    { timeoutMs: 1000 },
  );
} else if (mode !== 'default') throw new Error(`mode ${mode}?`);

const auth = negotiateMiddleware({
  keytab,
  ...(store ? { replayCache: store } : {}),
  onError: (e) => process.stderr.write(`${JSON.stringify({ code: e.code, name: e.name, message: e.message })}\n`),
});
// the default store, as the middleware chose it (one per directory and settings in a process)
const stats = () => (store || defaultReplayCache() || { stats: () => null }).stats();
const server = createServer((req, res) => {
  if (req.url === '/stats') return res.end(JSON.stringify(stats()));
  auth(req, res, () => res.end(`hello ${req.negotiate.principal}`));
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
