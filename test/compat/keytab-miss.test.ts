/**
 * `initializeServer(service)` with a keytab that holds no key for the service fails as MIT's
 * gss_acquire_cred does, "No key table entry found matching <name>", the name unparsed as
 * krb5_unparse_name writes it (its realm empty): a `/` inside the service's part is escaped, so
 * the one-component `a/b` is not read as the two components `a`, `b`. No KDC: a keytab file
 * written here, named by KRB5_KTNAME.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as compat from '../../src/compat/kerberos.js';
import { encodeKeytab } from '../../src/formats/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tskrb5-compat-kt-'));
const saved = { KRB5_KTNAME: process.env.KRB5_KTNAME, KRB5_CONFIG: process.env.KRB5_CONFIG };

beforeAll(() => {
  const path = join(dir, 'kt');
  const entry = {
    principal: { realm: 'R.TEST', components: ['HTTP', 'host.r.test'], nameType: 3 },
    timestamp: new Date(0),
    kvno: 1,
    key: { etype: 18, value: new Uint8Array(32) },
  };
  writeFileSync(path, encodeKeytab({ version: 2, entries: [entry] }));
  writeFileSync(join(dir, 'krb5.conf'), '[libdefaults]\n default_realm = R.TEST\n');
  process.env.KRB5_KTNAME = `FILE:${path}`;
  process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('initializeServer with no key for the service', () => {
  it('names the service as krb5_unparse_name does: HTTP/other.r.test@ for HTTP@other.r.test', async () => {
    await expect(compat.initializeServer('HTTP@other.r.test')).rejects.toThrow('No key table entry found matching HTTP/other.r.test@');
  });

  it('a "/" inside the service is escaped: a\\/b/host@ for a/b@host', async () => {
    await expect(compat.initializeServer('a/b@host')).rejects.toThrow('No key table entry found matching a\\/b/host@');
  });
});
