/**
 * FILE and DIR caches against MIT krb5 (kinit, klist, kvno, kswitch) in a throwaway realm.
 * Fails in CI (CI=true) when the MIT tools are missing; skips visibly elsewhere.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
import { DirCollection, FileStore, copyCcache, openCcache } from '../../src/node/ccache/index.js';
import { unparsePrincipal as principalToString } from '../../src/messages/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno', 'kswitch']);

describe.skipIf(!IN_CI && missing.length > 0)('FILE and DIR caches against MIT krb5', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  const PW = 'alice-Pa55word';
  beforeAll(async () => {
    if (missing.length) throw new Error(`MIT peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('bob', { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
  }, 60_000);
  afterAll(async () => {
    await realm?.stop();
  });

  const run = (cmd: string, args: string[], env: Record<string, string> = {}) => realm.run(cmd, args, { env });

  it('reads a FILE cache MIT kinit wrote', async () => {
    const cc = join(realm.dir, 'mit.ccache');
    const k = await realm.kinit('alice', PW, ['-c', `FILE:${cc}`]);
    expect(k.code, k.stderr).toBe(0);
    const v = await run('kvno', ['-c', `FILE:${cc}`, 'HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
    const s = await openCcache(`FILE:${cc}`);
    expect(principalToString((await s.getPrincipal())!)).toBe(`alice@${realm.realm}`);
    const servers = (await s.getCredentials()).map((c) => principalToString(c.server));
    expect(servers).toContain(`krbtgt/${realm.realm}@${realm.realm}`);
    expect(servers).toContain(`HTTP/localhost@${realm.realm}`);
  });

  it('a FILE cache we wrote is listed by MIT klist and used by MIT kvno', async () => {
    const src = join(realm.dir, 'src.ccache');
    expect((await realm.kinit('alice', PW, ['-c', `FILE:${src}`])).code).toBe(0);
    const ours = new FileStore(join(realm.dir, 'ours.ccache'));
    await copyCcache(new FileStore(src), ours);
    const l = await run('klist', ['-c', ours.name]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`Default principal: alice@${realm.realm}`);
    expect(l.stdout).toContain(`krbtgt/${realm.realm}@${realm.realm}`);
    // the config entries MIT kinit wrote (pa_type, …) went across and MIT reads them back
    const lc = await run('klist', ['-C', '-c', ours.name]);
    expect(lc.stdout).toMatch(/config: pa_type\(krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST\) = \d+/);
    const v = await run('kvno', ['-c', ours.name, 'HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/HTTP\/localhost@TSKRB5\.TEST: kvno = \d+/);
    // MIT appended the service ticket to our file; we read it back
    expect((await ours.getCredentials()).map((c) => principalToString(c.server))).toContain(`HTTP/localhost@${realm.realm}`);
  });

  it('DIR: our listing equals klist -A; kswitch both ways', async () => {
    const d = join(realm.dir, 'dircc');
    mkdirSync(d, { mode: 0o700 });
    const env = { KRB5CCNAME: `DIR:${d}` };
    expect((await realm.kinit('alice', PW, [], { env })).code).toBe(0);
    expect((await realm.kinit('bob', PW, [], { env })).code).toBe(0);
    const col = new DirCollection(d);
    const la = await run('klist', ['-A'], env);
    expect(la.code, la.stderr).toBe(0);
    const mitCaches = [...la.stdout.matchAll(/^Ticket cache: (\S+)$/gm)].map((m) => m[1]);
    const mitPrincipals = [...la.stdout.matchAll(/^Default principal: (\S+)$/gm)].map((m) => m[1]);
    const ours = await col.list();
    expect(ours.map((s) => s.name)).toEqual(mitCaches);
    expect(await Promise.all(ours.map(async (s) => principalToString((await s.getPrincipal())!)))).toEqual(mitPrincipals);
    // MIT made bob's cache primary (kinit switches to the new cache)
    expect(mitPrincipals[0]).toBe(`bob@${realm.realm}`);
    // our kswitch → MIT sees it
    const aliceCc = (await col.findByPrincipal({ realm: realm.realm, components: ['alice'], nameType: 1 }))!;
    await col.switchTo(aliceCc);
    const l1 = await run('klist', [], env);
    expect(l1.stdout).toContain(`Default principal: alice@${realm.realm}`);
    // MIT kswitch → we see it
    const ks = await run('kswitch', ['-p', 'bob'], env);
    expect(ks.code, ks.stderr).toBe(0);
    expect(principalToString((await (await col.primary()).getPrincipal())!)).toBe(`bob@${realm.realm}`);
    // a member we create is seen by klist -A, and MIT kvno works with it
    const copy = await col.newCache({ realm: realm.realm, components: ['alice'], nameType: 1 });
    await copyCcache(aliceCc, copy);
    const la2 = await run('klist', ['-A'], env);
    expect(la2.stdout).toContain(`Ticket cache: ${copy.name}`);
    const v = await run('kvno', ['-c', copy.name, 'HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
  });
});
