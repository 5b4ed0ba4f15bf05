/**
 * A FILE credential cache written by us is good enough for MIT's GSS-API as used by real
 * clients: MIT kinit gets alice's TGT into a cache of its own; we write a NEW FILE cache from it
 * (copyCcache through our stores, and separately from the decoded TGT alone); MIT's cache is
 * destroyed; then curl --negotiate (libcurl → MIT libgssapi_krb5) authenticates to Apache
 * mod_auth_gssapi with KRB5CCNAME=FILE:<our cache> (it must use our TGT to get
 * HTTP/localhost's ticket from the KDC), and MIT kvno HTTP/localhost works with our cache too.
 *
 * Live: throwaway MIT realm + our own Apache (test/interop). Fails in CI (CI=true) when a peer
 * is missing; skips visibly elsewhere (`sudo sh test/interop/install.sh` installs them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startApache, apacheMissing } from '../interop/apache.mjs';
import { FileStore, copyCcache, openCcache } from '../../src/node/index.js';
import { unparsePrincipal as principalToString } from '../../src/messages/index.js';

const IN_CI = process.env.CI === 'true';

function curlMissing(): string[] {
  const curl = which('curl');
  if (!curl) return ['curl'];
  try {
    const v = execFileSync(curl, ['-V'], { encoding: 'utf8' });
    return /\bSPNEGO\b/.test(v) && /\bGSS-API\b/.test(v) ? [] : ['curl with GSS-API/SPNEGO'];
  } catch {
    return ['curl'];
  }
}
const missing: string[] = [...missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno', 'kdestroy']), ...apacheMissing(), ...curlMissing()];

describe.skipIf(!IN_CI && missing.length > 0)('curl --negotiate and MIT kvno with a FILE cache we wrote', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let apache: any;
  const PW = 'alice-Pa55word';
  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: PW });
    apache = await startApache({ realm });
  }, 60_000);
  afterAll(async () => {
    await apache?.stop();
    await realm?.stop();
  });

  const run = (cmd: string, args: string[], env: Record<string, string> = {}) => realm.run(cmd, args, { env });

  /** MIT kinit alice into a fresh FILE cache of MIT's own. */
  async function mitCache(name: string): Promise<string> {
    const src = join(realm.dir, name);
    const k = await realm.kinit('alice', PW, ['-c', `FILE:${src}`]);
    expect(k.code, k.stderr).toBe(0);
    return src;
  }

  /** curl --negotiate to Apache's /auth/whoami with only this cache. */
  async function curlWith(cc: string) {
    const r = await run('curl', ['-sS', '-w', '\n%{http_code}', '--negotiate', '-u', ':', apache.httpUrl], { KRB5CCNAME: cc });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    return { status: lines.pop(), body: lines.join('\n') };
  }

  it('a cache copied by copyCcache(openCcache(FILE:src), openCcache(FILE:dst)) authenticates curl and MIT kvno', async () => {
    const src = await mitCache('mit-src.ccache');
    const dst = join(realm.dir, 'ours-copy.ccache');
    expect(existsSync(dst)).toBe(false);
    await copyCcache(await openCcache(`FILE:${src}`), await openCcache(`FILE:${dst}`));
    expect(existsSync(dst)).toBe(true);
    // MIT's own cache is gone: only ours can be used from here on
    expect((await run('kdestroy', ['-c', `FILE:${src}`])).code).toBe(0);
    expect(existsSync(src)).toBe(false);

    const ours = `FILE:${dst}`;
    const c = await curlWith(ours);
    expect(c.status, c.body).toBe('200');
    expect(c.body).toContain(`user=alice@${realm.realm}`);

    const v = await run('kvno', ['-c', ours, 'HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`HTTP/localhost@${realm.realm.replace(/\./g, '\\.')}: kvno = \\d+`));
    // MIT's GSS-API stored the service ticket it got with our TGT in our file; we read it back
    const servers = (await (await openCcache(ours)).getCredentials()).map((cr) => principalToString(cr.server));
    expect(servers).toContain(`krbtgt/${realm.realm}@${realm.realm}`);
    expect(servers).toContain(`HTTP/localhost@${realm.realm}`);
  });

  it('a cache built by us from the decoded TGT alone (no config entries) does the same', async () => {
    const src = await mitCache('mit-src2.ccache');
    const mit = await openCcache(`FILE:${src}`);
    const principal = (await mit.getPrincipal())!;
    const tgts = (await mit.getCredentials()).filter((cr) => principalToString(cr.server) === `krbtgt/${realm.realm}@${realm.realm}`);
    expect(tgts).toHaveLength(1);
    const dst = join(realm.dir, 'ours-built.ccache');
    const ours = new FileStore(dst);
    await ours.initialize(principal);
    await ours.store(tgts[0]!);
    expect((await run('kdestroy', ['-c', `FILE:${src}`])).code).toBe(0);

    const l = await run('klist', ['-c', ours.name]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`Default principal: alice@${realm.realm}`);

    const c = await curlWith(ours.name);
    expect(c.status, c.body).toBe('200');
    expect(c.body).toContain(`user=alice@${realm.realm}`);
    const v = await run('kvno', ['-c', ours.name, 'HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
  });

  it('without a usable cache curl gets 401 (the 200s above came from our caches)', async () => {
    const c = await curlWith(`FILE:${join(realm.dir, 'no-such.ccache')}`);
    expect(c.status).toBe('401');
  });
});
