/**
 * `negotiateHandler` (tskrb5's, with a keytab) reads its keytab on the first request, not when it
 * is made: a Next.js build evaluates every route module on a machine without the keytab. A keytab
 * missing at request time is a 401 with the reason to onError, and the next request tries again.
 * On MIT's own ticket (fixtures/mit/ccache) and the service keys its kadmin recorded, written into
 * a keytab file by the test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KerberosError } from '../../src/errors.js';
import { decodeCcache, encodeKeytab } from '../../src/formats/index.js';
import { Krb5Initiator } from '../../src/gssapi/index.js';
import { negotiateHandler } from '../../src/index.js';

const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);
const cc = decodeCcache(new Uint8Array(readFileSync(new URL('v4-kvno.ccache', dir))));
const svc = cc.credentials.find((c) => c.server.components[0] === 'HTTP')!;
const meta = JSON.parse(readFileSync(new URL('ccaches.json', dir), 'utf8')) as {
  keys: { services: Record<string, { principal: string; kvno: number; etype: number; key: string }[]> };
};
const tmp = mkdtempSync(join(tmpdir(), 'tskrb5-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('negotiateHandler reads its keytab on the first request', () => {
  it('made without a keytab: no throw; a request is a 401 with the reason; once the keytab is there, the next request is served', async () => {
    const keytab = join(tmp, 'http.keytab');
    const errors: KerberosError[] = [];
    const now = svc.authtime;
    // the acceptor's clock: the ticket's own time
    const handle = negotiateHandler(
      { keytab, replayCache: false, authToLocal: false, now: () => now, onError: (e) => errors.push(e) },
      (_req, info) => new Response(`hello ${info.principal}`),
    );
    const request = () =>
      new Request('http://localhost/', { headers: { authorization: `Negotiate ${Buffer.from(new Krb5Initiator({ credential: svc, now: () => now }).token).toString('base64')}` } });
    const r1 = await handle(request());
    expect(r1.status).toBe(401);
    expect(r1.headers.get('www-authenticate')).toBe('Negotiate');
    expect(await r1.text()).toMatch(/Unauthorized/);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/http\.keytab|keytab/);
    // the keytab arrives (a mounted secret, a deployment step)
    const entries = Object.values(meta.keys.services)
      .flat()
      .map((k) => {
        const [name, realm] = k.principal.split('@') as [string, string];
        return {
          principal: { realm, components: name.split('/'), nameType: 1 },
          timestamp: new Date(0),
          kvno: k.kvno,
          key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) },
        };
      });
    writeFileSync(keytab, encodeKeytab({ version: 2, entries }));
    const r2 = await handle(request());
    expect(await r2.text()).toBe(`hello alice@TSKRB5.TEST`);
    expect(r2.status).toBe(200);
  });
});
