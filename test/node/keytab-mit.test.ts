/**
 * Keytab files against MIT krb5: a keytab kadmin wrote is read; one we rewrote (entries removed
 * and re-added, atomically) is listed by MIT klist -k and used by MIT kinit -k.
 * Fails in CI (CI=true) when the MIT tools are missing; skips visibly elsewhere.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
import { KeytabFile } from '../../src/node/keytab-file.js';
import { FileStore } from '../../src/node/ccache/index.js';
import { unparsePrincipal as principalToString } from '../../src/messages/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist']);

describe.skipIf(!IN_CI && missing.length > 0)('keytab files against MIT krb5', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  beforeAll(async () => {
    if (missing.length) throw new Error(`MIT peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('svc/host', { randkey: true });
  }, 60_000);
  afterAll(async () => {
    await realm?.stop();
  });

  it('reads what kadmin ktadd wrote; MIT uses what we rewrote', async () => {
    const mitKt = join(realm.dir, 'mit.keytab');
    await realm.ktadd(`svc/host@${realm.realm}`, mitKt);
    const entries = await new KeytabFile(`FILE:${mitKt}`).entries();
    expect(entries.length).toBe(4); // the realm's four AES enctypes
    expect(new Set(entries.map((e) => e.principal.components.join('/')))).toEqual(new Set(['svc/host']));

    const ours = new KeytabFile(`WRFILE:${join(realm.dir, 'ours.keytab')}`);
    await ours.add(...entries);
    expect(await ours.remove((e) => e.key.etype !== 18)).toBe(3);
    const l = await realm.run('klist', ['-k', '-e', ours.path]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`svc/host@${realm.realm} (aes256-cts-hmac-sha1-96)`);
    expect(l.stdout).not.toContain('aes128');
    const cc = join(realm.dir, 'kt.ccache');
    const k = await realm.run('kinit', ['-k', '-t', ours.path, '-c', `FILE:${cc}`, `svc/host@${realm.realm}`]);
    expect(k.code, k.stderr).toBe(0);
    expect(principalToString((await new FileStore(cc).getPrincipal())!)).toBe(`svc/host@${realm.realm}`);
  });
});
