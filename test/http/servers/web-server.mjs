// tskrb5's negotiateHandler (the built package) served by Deno.serve or Bun.serve, whichever
// runtime runs this file: `deno run -A web-server.mjs` / `bun web-server.mjs`, with KEYTAB and
// KRB5_CONFIG in the environment. Prints `LISTENING <port>`; each refusal's reason goes to
// stderr as one JSON line { code, message }; an authenticated request gets JSON { runtime,
// principal, user }; `authorize` refuses the local user robert (403).
const { negotiateHandler } = await import(new URL('../../../dist/bundle/index.js', import.meta.url).href);

const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : globalThis.Bun ? `bun ${globalThis.Bun.version}` : 'unknown';
const handler = negotiateHandler(
  {
    keytab: process.env.KEYTAB,
    authorize: ({ user }) => user !== 'robert',
    onError: (e) => process.stderr.write(`${JSON.stringify({ code: e.code, message: e.message })}\n`),
  },
  (_req, info) => Response.json({ runtime, principal: info.principal, user: info.user }),
);
if (globalThis.Deno) {
  globalThis.Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`LISTENING ${port}`) }, handler);
} else if (globalThis.Bun) {
  const server = globalThis.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: handler });
  console.log(`LISTENING ${server.port}`);
} else {
  throw new Error('run this with deno or bun');
}
