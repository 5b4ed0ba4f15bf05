// The server under test of bench/server.mjs, in a process of its own (as Apache's workers are):
// a node:http server with negotiateMiddleware over the keytab given, answering "ok".
//   node bench/negotiate-server.mjs KEYTAB      → prints the port, serves until killed
import { createServer } from 'node:http';
const { negotiateMiddleware } = await import(new URL('../dist/bundle/index.js', import.meta.url).href);
const auth = negotiateMiddleware({ keytab: process.argv[2] });
const s = createServer((req, res) => auth(req, res, () => res.end('ok\n')));
s.keepAliveTimeout = 5000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
