/**
 * `require('kerberos')` without code changes: packages/kerberos-compat (published as
 * @tskrb5/kerberos, installed as `kerberos@npm:@tskrb5/kerberos`) laid out as npm installs it —
 * node_modules/kerberos holding its files, node_modules/tskrb5 the package — then loaded by
 * `require`, by `import` (default and named) in child processes, as the MongoDB driver or an ES
 * module would. The names it exports are the native kerberos 7.0.0's (`Object.keys(require('kerberos'))`
 * of the package built from source, recorded below), plus the two classes its typings declare.
 * Needs `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Object.keys(require('kerberos')) of kerberos 7.0.0 (npm, built from source with node-gyp on Debian 12)
const NATIVE_7_0_0 = [
  'initializeClient',
  'initializeServer',
  'principalDetails',
  'checkPassword',
  'GSS_C_DELEG_FLAG',
  'GSS_C_MUTUAL_FLAG',
  'GSS_C_REPLAY_FLAG',
  'GSS_C_SEQUENCE_FLAG',
  'GSS_C_CONF_FLAG',
  'GSS_C_INTEG_FLAG',
  'GSS_C_ANON_FLAG',
  'GSS_C_PROT_READY_FLAG',
  'GSS_C_TRANS_FLAG',
  'GSS_C_NO_OID',
  'GSS_MECH_OID_KRB5',
  'GSS_MECH_OID_SPNEGO',
  'version',
  'definedNapiVersion',
];

describe('require("kerberos") resolves to the compat entry through packages/kerberos-compat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-kerberos-alias-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  cpSync(join(ROOT, 'packages/kerberos-compat'), join(dir, 'node_modules/kerberos'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/tskrb5'), 'dir');
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  it('require: the native 7.0.0 names, with their values', () => {
    const out = JSON.parse(
      node([
        '-e',
        "const k = require('kerberos'); console.log(JSON.stringify(Object.fromEntries(Object.entries(k).map(([n, v]) => [n, typeof v === 'function' ? 'function' : v]))))",
      ]),
    );
    for (const n of NATIVE_7_0_0) expect(out, n).toHaveProperty(n);
    expect(Object.keys(out).sort()).toEqual([...NATIVE_7_0_0, 'KerberosClient', 'KerberosServer'].sort());
    // values from kerberos 7.0.0's lib/index.js
    expect(out).toMatchObject({
      GSS_C_DELEG_FLAG: 1,
      GSS_C_MUTUAL_FLAG: 2,
      GSS_C_REPLAY_FLAG: 4,
      GSS_C_SEQUENCE_FLAG: 8,
      GSS_C_CONF_FLAG: 16,
      GSS_C_INTEG_FLAG: 32,
      GSS_C_ANON_FLAG: 64,
      GSS_C_PROT_READY_FLAG: 128,
      GSS_C_TRANS_FLAG: 256,
      GSS_C_NO_OID: 0,
      GSS_MECH_OID_KRB5: 9,
      GSS_MECH_OID_SPNEGO: 6,
      version: '7.0.0',
      initializeClient: 'function',
      definedNapiVersion: 'function',
    });
  });

  it('import: default and named, as a CommonJS package is imported', () => {
    expect(
      node(['--input-type=module', '-e', "import k from 'kerberos'; import { initializeServer } from 'kerberos'; console.log(typeof k.initializeClient, typeof initializeServer)"]),
    ).toBe('function function');
  });

  it('a TypeError for a non-string service, with the native message', () => {
    expect(node(['-e', "require('kerberos').initializeClient(42).catch((e) => console.log(e.constructor.name + ': ' + e.message))"])).toBe(
      'TypeError: parameter `service` must be a string.',
    );
  });
});
