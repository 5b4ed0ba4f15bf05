// GET /api/whoami: Negotiate required. `authorize` refuses the local user robert (403); each
// refusal's reason goes to stderr as one JSON line { route, code, message }.
import { negotiateHandler } from 'tskrb5';

export const runtime = 'nodejs';

export const GET = negotiateHandler(
  {
    keytab: process.env.KEYTAB,
    authorize: ({ user }) => user !== 'robert',
    onError: (e) => process.stderr.write(`${JSON.stringify({ route: 'whoami', code: e.code, message: e.message })}\n`),
  },
  (_req, info) => Response.json({ principal: info.principal, user: info.user }),
);
