/**
 * The MongoDB driver (npm `mongodb` 7.9.1, unchanged) authenticating with GSSAPI through
 * `require('kerberos')`, once with packages/kerberos-compat in its place (as
 * `npm install kerberos@npm:@tskrb5/kerberos` lays it out) and once with the native `kerberos`
 * 7.0.0. The server is test/compat/fake-mongod.cjs: the wire protocol only — every SASL payload
 * goes to a Cyrus SASL sample server (MIT's GSS-API underneath) that decides; the driver's
 * `ping` runs only after Cyrus said "Negotiation complete". A driver without credentials in the
 * cache (MIT kdestroy) fails with the same message both ways.
 *
 * Needs `npm run build`; downloads the driver and builds the native package on first use (see
 * test/compat/native-kerberos.mjs). In CI (CI=true) a missing peer is a failure; elsewhere the
 * suite is skipped visibly.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, startRealm, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { mongodbDriver, nativeKerberos, nativeMissing } from './native-kerberos.mjs';

const IN_CI = process.env.CI === 'true';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FAKE = fileURLToPath(new URL('./fake-mongod.cjs', import.meta.url));
const DRIVE = fileURLToPath(new URL('./mongodb-drive.cjs', import.meta.url));

const missing: string[] = [
  ...missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'kdestroy']),
  ...nativeMissing(),
  ...(which('sasl-sample-server') ? [] : ['sasl2-bin']),
  ...(which('stdbuf') ? [] : ['coreutils (stdbuf)']),
];

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, out: out.trim(), err }));
  });
}

describe.skipIf(!IN_CI && missing.length > 0)(
  `the MongoDB driver's GSSAPI authentication through require('kerberos')${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
  () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let realm: any;
    let env: Record<string, string>;
    let driverDir: string;
    let port: number;
    let server: ReturnType<typeof spawn> | undefined;
    const auths: { ok: boolean; lines: string[] }[] = [];
    const paths: Record<'compat' | 'native', string> = { compat: '', native: '' };
    const scratch = mkdtempSync(join(tmpdir(), 'tskrb5-mongodb-alias-'));

    beforeAll(async () => {
      if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
      driverDir = mongodbDriver();
      // native: its own node_modules; compat: the alias package as npm installs it, beside tskrb5
      paths.native = dirname(dirname(dirname(nativeKerberos())));
      paths.compat = join(scratch, 'node_modules');
      mkdirSync(paths.compat, { recursive: true });
      cpSync(join(ROOT, 'packages/kerberos-compat'), join(paths.compat, 'kerberos'), { recursive: true });
      symlinkSync(ROOT, join(paths.compat, 'tskrb5'), 'dir');
      realm = await startRealm();
      await realm.addPrincipal('alice', { password: 'alice-pw' });
      await realm.addPrincipal('mongodb/localhost', { randkey: true });
      await realm.ktadd(`mongodb/localhost@${realm.realm}`, `${realm.dir}/default.keytab`);
      env = { ...(realm.env as Record<string, string>), COMPAT_REALM: realm.realm };
      const s = spawn(process.execPath, [FAKE, driverDir, 'mongodb'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      server = s;
      port = await new Promise<number>((resolve, reject) => {
        s.on('exit', (c) => reject(new Error(`fake-mongod exited ${c}`)));
        createInterface({ input: s.stdout! }).on('line', (l) => {
          if (l.startsWith('port ')) resolve(Number(l.slice(5)));
          if (l.startsWith('auth ')) auths.push(JSON.parse(l.slice(5)));
        });
      });
    }, 600_000);
    afterAll(async () => {
      server?.kill();
      await realm?.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    const drive = (which: 'compat' | 'native') => run(process.execPath, [DRIVE, driverDir, String(port), `alice@${realm.realm}`], { ...env, NODE_PATH: paths[which] });

    it('authenticates alice with the compat entry as with the native package: Cyrus decides, then the ping runs', async () => {
      for (const which of ['compat', 'native'] as const) {
        const k = await realm.kinit('alice', 'alice-pw');
        expect(k.code, k.stderr).toBe(0);
        const before = auths.length;
        const r = await drive(which);
        expect(r.out, `${which}: ${r.err}`).toBe('ping {"ok":1}');
        expect(auths.slice(before), which).toEqual([{ ok: true, lines: ['Negotiation complete', `Username: alice@${realm.realm}`, 'SSF: 0'] }]);
      }
    }, 60_000);

    it('without credentials (MIT kdestroy), the same error both ways', async () => {
      expect((await realm.run('kdestroy', [])).code).toBe(0);
      const [c, n] = [await drive('compat'), await drive('native')];
      expect(n.out).toMatch(/^error \S+ No credentials were supplied/);
      expect(c.out).toBe(n.out);
    }, 60_000);
  },
);
