// A node:http server with negotiateMiddleware as the README shows it, in a process of its own so
// that a test sees a crash as the process exiting: `node middleware-server.mjs KEYTAB DIR`.
// Prints `LISTENING <port>`; each refusal goes to stderr as one JSON line { code, message };
// GET / answers `hello <principal>`; GET /deleg also stores delegated credentials the way the
// README does, in FILE:DIR/krb5cc_<authenticated user>, and answers `stored <principal>` or
// `refused <code>: <message>`.
import { createServer } from 'node:http';

const [keytab, dir] = process.argv.slice(2);
const { negotiateMiddleware, storeDelegatedCredentials } = await import(new URL('../../../dist/bundle/index.js', import.meta.url).href);
const auth = negotiateMiddleware({ keytab, onError: (e) => process.stderr.write(JSON.stringify({ code: e.code, name: e.name, message: e.message }) + '\n') });
const server = createServer((req, res) =>
  auth(req, res, async () => {
    const n = req.negotiate;
    if (req.url === '/deleg') {
      const d = n.context.delegated;
      if (!d) return res.end('no delegation');
      const user = n.context.client.components.join('_');
      try {
        const p = await storeDelegatedCredentials(d, `FILE:${dir}/krb5cc_${user}`);
        res.end(`stored ${p.components.join('/')}@${p.realm}`);
      } catch (e) {
        res.end(`refused ${e.code}: ${e.message}`);
      }
      return;
    }
    res.end(`hello ${n.principal}`);
  }),
);
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
