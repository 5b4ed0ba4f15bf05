/**
 * `tskrb5 fetch` (the bundled binary) against Apache mod_auth_gssapi and the python-gssapi
 * acceptor in a throwaway MIT realm: the body on stdout, `-i` headers, `-v` steps and decoded
 * tokens on stderr, `--mech krb5`, `--delegate`, `-d` bodies, `--no-cbt` against an endpoint
 * that requires bindings, `--mutual` modes and the exit status.
 *
 * In CI (CI=true) a missing peer is a failure; elsewhere the suite is skipped visibly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, runCmd } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startApache, apacheMissing } from '../interop/apache.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssAcceptor, gssAcceptorMissing } from '../interop/gss-acceptor.mjs';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...apacheMissing(), ...gssAcceptorMissing()];
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const PW = 'Cli-Fetch-Pa55!';

describe.skipIf(!IN_CI && missing.length > 0)('tskrb5 fetch against Apache and python-gssapi', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any, apache: any, gss: any;
  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: PW });
    apache = await startApache({ realm });
    gss = await startGssAcceptor({ realm, keytab: apache.keytab, tls: true });
    const k = await runCmd('node', [BIN, 'kinit', 'alice'], { env: realm.env, input: PW + '\n' });
    expect(k.code, k.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await gss?.stop();
    await apache?.stop();
    await realm?.stop();
  });
  const tskrb5 = (args: string[]) => runCmd('node', [BIN, 'fetch', ...args], { env: realm.env });

  it('prints the body of an authenticated request; -i the status and headers', async () => {
    const r = await tskrb5([apache.httpUrl]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`user=alice@${realm.realm}`);
    const i = await tskrb5(['-i', '--cacert', apache.certPem, apache.httpsUrl]);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(i.stdout).toMatch(/\nwww-authenticate: Negotiate [A-Za-z0-9+/=]+\n/i);
  });

  it('-v shows the steps and the tokens decoded, and nothing secret', async () => {
    const r = await tskrb5(['-v', '--delegate', apache.httpUrl]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('< 401');
    expect(r.stderr).toContain('SPNEGO negTokenInit');
    expect(r.stderr).toContain('AP-REQ');
    expect(r.stderr).toMatch(/SPNEGO negTokenResp/);
    expect(r.stderr).toContain('mutual authentication: the server proved its identity');
    expect(r.stderr).not.toContain(PW);
    expect(r.stdout).toMatch(/ccache=FILE:/); // delegated: Apache stored the TGT
  });

  it('--mech krb5 sends a raw krb5 token; -d sends a body (POST)', async () => {
    const r = await tskrb5(['--mech', 'krb5', '--cacert', gss.certPem, `${gss.url}/whoami`]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).token).toBe('krb5');
    const d = await tskrb5(['-d', 'hello=world', '--cacert', gss.certPem, `${gss.url}/post`]);
    expect(JSON.parse(d.stdout)).toMatchObject({ method: 'POST', body_length: 11 });
  });

  it('channel bindings: sent by default over HTTPS; --no-cbt gets the 401 (exit 22) of an endpoint that requires them', async () => {
    const r = await tskrb5(['--cacert', gss.certPem, `${gss.url}/cb-required`]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).channel_bound).toBe(true);
    const n = await tskrb5(['--no-cbt', '--cacert', gss.certPem, `${gss.url}/cb-required`]);
    expect(n.code).toBe(22);
    expect(JSON.parse(n.stdout).cb).toBe('missing');
  });

  it('--mutual: required fails without the server token (exit 1, a clear message); optional passes', async () => {
    const r = await tskrb5(['--cacert', gss.certPem, `${gss.url}/no-mutual`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mutual authentication failed: .* without a Negotiate token, .*ERR_MUTUAL_AUTH/);
    const o = await tskrb5(['--mutual', 'optional', '--cacert', gss.certPem, `${gss.url}/no-mutual`]);
    expect(o.code, o.stderr).toBe(0);
    const u = await tskrb5(['--bogus']);
    expect(u.code).toBe(2);
  });
});
