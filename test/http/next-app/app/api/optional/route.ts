// GET /api/optional: Negotiate optional — an anonymous request reaches the handler with no info.
import { negotiateHandler } from 'tskrb5';

export const runtime = 'nodejs';

export const GET = negotiateHandler({ keytab: process.env.KEYTAB, optional: true }, (_req, info) =>
  Response.json({ principal: info?.principal ?? null, user: info?.user ?? null }),
);
