/**
 * S4U (MS-SFU) against MIT's KDC 1.20, judged by MIT's own tools: MIT `kvno -U/-I [-P]` on the
 * same caches (same output, same exit status), MIT `klist -f` reading what we stored, and MIT's
 * acceptor (python3-gssapi, test/interop/gss-acceptor.py) accepting AP-REQs made from the
 * tickets we got and naming the impersonated user.
 *
 * Two databases, because MIT's rules differ by database:
 * - DB2 (the default): S4U2Self for any service with a key, forwardable whenever the TGT is
 *   (DB2 has no delegation targets, so nothing takes the flag away); S4U2Proxy refused with
 *   KDC_ERR_BADOPTION ("UNSUPPORTED_S4U2PROXY_REQUEST": DB2 implements neither
 *   check_allowed_to_delegate nor allowed_to_delegate_from).
 * - LDAP (krb5-kdc-ldap over a private slapd): classic constrained delegation with
 *   krbAllowedToDelegateTo; a service with targets gets a forwardable S4U2Self ticket only with
 *   +ok_to_auth_as_delegate, and S4U2Proxy needs a forwardable evidence ticket. No packaged MIT
 *   database implements resource-based delegation.
 *
 * Under CI=true a missing peer is a failure.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers, which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssAcceptor, gssAcceptorMissing } from '../interop/gss-acceptor.mjs';
import { KdcError } from '../../src/errors.js';
import { Krb5Acceptor, Krb5Initiator } from '../../src/gssapi/index.js';
import { negotiateMiddleware } from '../../src/http/node/index.js';
import { EncTicketPart, Ticket, unparsePrincipal } from '../../src/messages/index.js';
import { decrypt } from '../../src/crypto/index.js';
import { expectNoLeak } from '../redaction.js';
import {
  createKrb5Context,
  getCredentialForProxy,
  getCredentialForUser,
  getServiceCredential,
  impersonate,
  KeytabFile,
  openCcache,
  type CcacheCredential,
} from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const ldapMissing = ['slapd', 'kdb5_ldap_util', 'ldapmodify'].filter((n) => !which(n));
const missing: string[] = [...missingPeers(), ...gssAcceptorMissing(), ...ldapMissing];
const skip = !IN_CI && missing.length > 0;
const FORWARDABLE = 0x40000000;
const R = 'TSKRB5.TEST';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Realm = any;

async function setup(kdb: 'db2' | 'ldap') {
  const realm: Realm = await startRealm(kdb === 'ldap' ? { kdb: 'ldap' } : {});
  await realm.addPrincipal('alice', { password: 'Alice-Pa55word!' });
  await realm.addPrincipal('bob', { password: 'Bob-Pa55word!' });
  // bob may not be delegated: MIT's analogue of AD's "sensitive and cannot be delegated"
  await realm.kadmin('modprinc -allow_forwardable bob');
  for (const s of ['web/localhost', 'plain/localhost', 'HTTP/localhost', 'other/localhost', 'db/localhost']) await realm.addPrincipal(s);
  await realm.kadmin('modprinc +ok_to_auth_as_delegate web/localhost');
  if (kdb === 'ldap') {
    await realm.allowDelegation('web/localhost', ['HTTP/localhost']);
    await realm.allowDelegation('plain/localhost', ['HTTP/localhost']);
    // the web server of the middleware test (curl asks for HTTP/localhost) may act towards db/localhost
    await realm.allowDelegation('HTTP/localhost', ['db/localhost']);
  }
  const kt = (s: string) => join(realm.dir, `${s.split('/')[0]}.keytab`);
  for (const s of ['web/localhost', 'plain/localhost', 'HTTP/localhost', 'db/localhost']) await realm.ktadd(s, kt(s));
  const ctx = (cc: string) => createKrb5Context({ env: { ...realm.env, KRB5CCNAME: cc } });
  /** A FILE cache with the service's TGT from its keytab (MIT kinit -k; -F: not forwardable). */
  const serviceCache = async (svc: string, name: string, args: string[] = []) => {
    const cc = `FILE:${join(realm.dir, name)}`;
    const r = await realm.run('kinit', [...args, '-k', '-t', kt(svc), svc], { env: { KRB5CCNAME: cc } });
    if (r.code !== 0) throw new Error(`kinit -k ${svc}: ${r.stderr}`);
    return cc;
  };
  const acceptor = await startGssAcceptor({ realm, keytab: kt('HTTP/localhost'), delegDir: false });
  const webAcceptor = await startGssAcceptor({ realm, keytab: kt('web/localhost'), delegDir: false });
  const dbAcceptor = await startGssAcceptor({ realm, keytab: kt('db/localhost'), delegDir: false });
  return { realm, kt, ctx, serviceCache, acceptor, webAcceptor, dbAcceptor };
}

/** MIT's acceptor's view of an AP-REQ made from `cred` (raw krb5 token): the user it names. */
async function mitAccepts(acc: { get: (p: string, h: Record<string, string>) => Promise<{ status: number; body: string }> }, cred: CcacheCredential): Promise<string> {
  const token = new Krb5Initiator({ credential: cred }).token;
  const r = await acc.get('/whoami', { Authorization: `Negotiate ${Buffer.from(token).toString('base64')}` });
  if (r.status !== 200) throw new Error(`MIT's acceptor answered ${r.status}: ${r.body}`);
  return JSON.parse(r.body).user;
}

function tool(realm: Realm, cmd: 'mit' | 'ours', args: string[], cc: string) {
  const env = { ...realm.env, KRB5CCNAME: cc };
  const r = cmd === 'mit' ? spawnSync(which('kvno'), args, { env, encoding: 'utf8' }) : spawnSync(process.execPath, [BIN, 'kvno', ...args], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(skip)("S4U against MIT krb5kdc 1.20's DB2 database", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    if (missing.length) throw new Error(`peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    t = await setup('db2');
  }, 90_000);
  afterAll(async () => {
    await t?.acceptor?.stop();
    await t?.webAcceptor?.stop();
    await t?.dbAcceptor?.stop();
    await t?.realm?.stop();
  });

  it('S4U2Self from the keytab: a ticket to web/localhost for alice, forwardable (DB2), that MIT klist lists and MIT acceptor takes as alice', async () => {
    const cc = `FILE:${join(t.realm.dir, 'ours-web.cc')}`;
    const r = await getCredentialForUser({ keytab: `FILE:${t.kt('web/localhost')}`, ccache: cc, user: 'alice', context: t.ctx(cc) });
    expect(unparsePrincipal(r.credential.client)).toBe(`alice@${R}`);
    expect(unparsePrincipal(r.credential.server)).toBe(`web/localhost@${R}`);
    expect(unparsePrincipal(r.user)).toBe(`alice@${R}`);
    expect(r.forwardable).toBe(true);
    expect(r.cached).toBe(false);
    // the ticket opens with web's key (MIT ktadd) and names alice inside
    const entry = (await new KeytabFile(t.kt('web/localhost')).entries()).find((e) => e.key.etype === Ticket.decode(r.credential.ticket).encPart.etype)!;
    const part = EncTicketPart.decode(decrypt(entry.key, 2, Ticket.decode(r.credential.ticket).encPart.cipher));
    expect(part.cname.nameString).toEqual(['alice']);
    expect(await mitAccepts(t.webAcceptor, r.credential)).toBe(`alice@${R}`);
    const kl = await t.realm.run('klist', ['-f', cc]);
    expect(kl.stdout).toMatch(new RegExp(`web/localhost@${R}\\n\\tfor client alice@${R}, Flags: FA?T`));
    // a second call is answered from the cache, as MIT's krb5_get_credentials_for_user does
    const again = await getCredentialForUser({ ccache: cc, user: 'alice', context: t.ctx(cc) });
    expect(again.cached).toBe(true);
  });

  it('tskrb5 kvno -U/-I (and -k) prints what MIT kvno prints, on caches of the same TGT', async () => {
    const cc = await t.serviceCache('web/localhost', 'kvno-web.cc');
    for (const args of [
      ['--cached-only', '-U', 'alice', 'web/localhost'], // nothing cached yet: both fail
      ['--no-store', '-U', 'alice', 'web/localhost'],
      ['--cached-only', '-U', 'alice', 'web/localhost'], // still nothing cached
      ['-U', 'alice', 'web/localhost'],
      ['-I', 'alice', 'web/localhost'],
      ['-k', t.kt('web/localhost'), '-U', 'alice', 'web/localhost'],
      ['-U', 'alice', 'HTTP/localhost'],
      ['-P', 'HTTP/localhost'],
    ]) {
      const mit = tool(t.realm, 'mit', args, cc);
      const ours = tool(t.realm, 'ours', args, cc);
      expect({ args, status: ours.status, stdout: ours.stdout }).toEqual({ args, status: mit.status, stdout: mit.stdout });
      if (args[2] === 'HTTP/localhost') expect(ours.stderr).toBe(mit.stderr); // kvno: Invalid argument client and server principal names must match
    }
    // an unknown user: the same status, MIT's prefix and suffix
    const mit = tool(t.realm, 'mit', ['-U', 'nobody', 'web/localhost'], cc);
    const ours = tool(t.realm, 'ours', ['-U', 'nobody', 'web/localhost'], cc);
    expect(ours.status).toBe(mit.status);
    expect(mit.stderr).toMatch(/^kvno: Client 'nobody@TSKRB5.TEST' not found in Kerberos database while getting credentials for web\/localhost@TSKRB5.TEST\n$/);
    expect(ours.stderr).toMatch(
      /^kvno: S4U2Self for nobody@TSKRB5.TEST refused: the KDC knows no user nobody@TSKRB5.TEST .*KDC_ERR_C_PRINCIPAL_UNKNOWN.* while getting credentials for web\/localhost@TSKRB5.TEST\n$/,
    );
  });

  it('kvno -U alice -P: DB2 refuses S4U2Proxy (BADOPTION); ours says why, with the line and status MIT gives', async () => {
    const cc = await t.serviceCache('web/localhost', 'proxy-web.cc');
    const mit = tool(t.realm, 'mit', ['-U', 'alice', '-P', 'HTTP/localhost'], cc);
    const ours = tool(t.realm, 'ours', ['-U', 'alice', '-P', 'HTTP/localhost'], cc);
    expect(mit).toMatchObject({
      status: 1,
      stdout: `HTTP/localhost@${R}: kvno = 1\n`,
      stderr: `kvno: KDC can't fulfill requested option HTTP/localhost@${R}: constrained delegation failed\n`,
    });
    expect({ status: ours.status, stdout: ours.stdout }).toEqual({ status: 1, stdout: mit.stdout });
    expect(ours.stderr).toMatch(
      /^kvno: S4U2Proxy to HTTP\/localhost@TSKRB5.TEST for alice@TSKRB5.TEST refused: web\/localhost@TSKRB5.TEST may not delegate to .*DB2.*UNSUPPORTED_S4U2PROXY_REQUEST.* HTTP\/localhost@TSKRB5.TEST: constrained delegation failed\n$/,
    );
    const e = await getCredentialForProxy({
      ccache: cc,
      context: t.ctx(cc),
      evidence: (await getCredentialForUser({ ccache: cc, user: 'alice', context: t.ctx(cc) })).credential,
      server: 'HTTP/localhost',
    }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect({ code: e.code, errorCode: e.errorCode, eText: e.eText }).toEqual({ code: 'ERR_S4U2PROXY_REFUSED', errorCode: 13, eText: 'UNSUPPORTED_S4U2PROXY_REQUEST' });
  });

  it('not forwardable: from a TGT that is not (kinit -F), and for a user with -allow_forwardable; S4U2Proxy then explains', async () => {
    const cc = await t.serviceCache('web/localhost', 'noforward-web.cc', ['-F']);
    const r = await getCredentialForUser({ ccache: cc, user: 'alice', context: t.ctx(cc) });
    expect(r.forwardable).toBe(false);
    const cc2 = await t.serviceCache('web/localhost', 'bob-web.cc');
    const b = await getCredentialForUser({ ccache: cc2, user: 'bob', context: t.ctx(cc2) });
    expect(b.forwardable).toBe(false);
    // MIT klist agrees on the flags of what we stored
    expect((await t.realm.run('klist', ['-f', cc2])).stdout).toMatch(new RegExp(`for client bob@${R}, Flags: A?T\\n`));
    for (const [c, ev] of [
      [cc, r.credential],
      [cc2, b.credential],
    ] as const) {
      const e = await getCredentialForProxy({ ccache: c, context: t.ctx(c), evidence: ev, server: 'HTTP/localhost' }).catch((x) => x);
      expect(e).toBeInstanceOf(KdcError);
      expect(e.code).toBe('ERR_S4U_EVIDENCE_NOT_FORWARDABLE');
      expect(e.message).toMatch(/is not forwardable.*ok_to_auth_as_delegate.*sensitive and cannot be delegated/);
    }
  });
});

describe.skipIf(skip)("S4U against MIT krb5kdc 1.20's LDAP database (classic constrained delegation)", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    if (missing.length) throw new Error(`peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    t = await setup('ldap');
  }, 90_000);
  afterAll(async () => {
    await t?.acceptor?.stop();
    await t?.webAcceptor?.stop();
    await t?.dbAcceptor?.stop();
    await t?.realm?.stop();
  });

  it('impersonate (keytab, S4U2Self then S4U2Proxy): a ticket to HTTP/localhost for alice that MIT acceptor takes as alice', async () => {
    const cc = `MEMORY:ldap-web-${Math.random()}`;
    const r = await impersonate({ keytab: `FILE:${t.kt('web/localhost')}`, user: 'alice', server: 'HTTP/localhost', context: t.ctx(cc) });
    expect(r.evidence.forwardable).toBe(true);
    expect(unparsePrincipal(r.credential.client)).toBe(`alice@${R}`);
    expect(unparsePrincipal(r.credential.server)).toBe(`HTTP/localhost@${R}`);
    expect(r.credential.secondTicket).toEqual(r.evidence.credential.ticket);
    expect(await mitAccepts(t.acceptor, r.credential)).toBe(`alice@${R}`);
    // without PA-PAC-OPTIONS too (classic delegation does not need it)
    const cc2 = `FILE:${join(t.realm.dir, 'ldap-norbcd.cc')}`;
    const r2 = await impersonate({ keytab: `FILE:${t.kt('web/localhost')}`, ccache: cc2, user: 'alice', server: 'HTTP/localhost', resourceBased: false, context: t.ctx(cc2) });
    expect(await mitAccepts(t.acceptor, r2.credential)).toBe(`alice@${R}`);
    // MIT klist reads the cache we wrote: the evidence and the backend ticket, both for alice
    expect((await t.realm.run('klist', ['-f', cc2])).stdout).toMatch(
      new RegExp(`web/localhost@${R}\\n\\tfor client alice@${R}, Flags: FA?T\\n.*HTTP/localhost@${R}\\n\\tfor client alice@${R}, Flags: FA?T\\n`, 's'),
    );
  });

  it("tskrb5 kvno -U alice -P HTTP/localhost succeeds as MIT kvno does; MIT klist lists and MIT's acceptor takes the backend ticket we stored", async () => {
    const cc = await t.serviceCache('web/localhost', 'ldap-kvno.cc');
    const ccMit = await t.serviceCache('web/localhost', 'ldap-kvno-mit.cc');
    const ours = tool(t.realm, 'ours', ['-U', 'alice', '-P', 'HTTP/localhost'], cc);
    const mit = tool(t.realm, 'mit', ['-U', 'alice', '-P', 'HTTP/localhost'], ccMit);
    expect(mit).toEqual({ status: 0, stdout: `HTTP/localhost@${R}: kvno = 1\n`, stderr: '' });
    expect(ours).toEqual(mit);
    const kl = (await t.realm.run('klist', ['-f', cc])).stdout;
    expect(kl).toMatch(new RegExp(`HTTP/localhost@${R}\\n\\tfor client alice@${R}`));
    const store = await openCcache(cc);
    const backend = (await store.getCredentials()).find((c) => c.server.components[0] === 'HTTP')!;
    expect(await mitAccepts(t.acceptor, backend)).toBe(`alice@${R}`);
  });

  it('a service with targets but without ok_to_auth_as_delegate: S4U2Self not forwardable, S4U2Proxy refused and explained (MIT kvno fails too)', async () => {
    const cc = await t.serviceCache('plain/localhost', 'ldap-plain.cc');
    const self = await getCredentialForUser({ ccache: cc, user: 'alice', context: t.ctx(cc) });
    expect(self.forwardable).toBe(false);
    const e = await getCredentialForProxy({ ccache: cc, context: t.ctx(cc), evidence: self.credential, server: 'HTTP/localhost' }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.code).toBe('ERR_S4U_EVIDENCE_NOT_FORWARDABLE');
    expect(e.errorCode).toBe(13);
    const ccMit = await t.serviceCache('plain/localhost', 'ldap-plain-mit.cc');
    expect(tool(t.realm, 'mit', ['-U', 'alice', '-P', 'HTTP/localhost'], ccMit)).toMatchObject({ status: 1, stderr: /KDC can't fulfill requested option/ });
  });

  it('a target not in krbAllowedToDelegateTo: refused (ERR_S4U2PROXY_REFUSED)', async () => {
    const cc = await t.serviceCache('web/localhost', 'ldap-other.cc');
    const self = await getCredentialForUser({ ccache: cc, user: 'alice', context: t.ctx(cc) });
    const e = await getCredentialForProxy({ ccache: cc, context: t.ctx(cc), evidence: self.credential, server: 'other/localhost' }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.code).toBe('ERR_S4U2PROXY_REFUSED');
  });

  it("the acceptor's evidence: alice's own ticket to web (MIT kinit, -f or -F) used for S4U2Proxy, accepted by MIT as alice; not forwardable → explained", async () => {
    const keys = await new KeytabFile(t.kt('web/localhost')).entries();
    for (const forwardable of [true, false]) {
      const ucc = `FILE:${join(t.realm.dir, `alice-${forwardable}.cc`)}`;
      const k = await t.realm.kinit(`alice@${R}`, 'Alice-Pa55word!', [forwardable ? '-f' : '-F'], { env: { KRB5CCNAME: ucc } });
      expect(k.code).toBe(0);
      const st = await t.realm.run('kvno', ['web/localhost'], { env: { KRB5CCNAME: ucc } }); // MIT kvno gets alice's ticket to web
      expect(st.code).toBe(0);
      const { credential } = await getServiceCredential({ server: 'web/localhost', ccache: ucc, context: t.ctx(ucc) });
      const acceptor = new Krb5Acceptor({ keys, replayCache: false });
      acceptor.accept(new Krb5Initiator({ credential }).token);
      const ev = acceptor.evidence!;
      expect(unparsePrincipal(ev.client)).toBe(`alice@${R}`);
      expect(ev.forwardable).toBe(forwardable);
      expect((ev.flags & FORWARDABLE) !== 0).toBe(forwardable);
      expect(ev.ticket).toEqual(credential.ticket);
      expectNoLeak(ev, { 'the evidence ticket session key': ev.key.value });
      const scc = `MEMORY:ev-${forwardable}-${Math.random()}`;
      const p = getCredentialForProxy({ keytab: `FILE:${t.kt('web/localhost')}`, evidence: ev, server: 'HTTP/localhost', context: t.ctx(scc) });
      if (forwardable) expect(await mitAccepts(t.acceptor, (await p).credential)).toBe(`alice@${R}`);
      else await expect(p).rejects.toMatchObject({ code: 'ERR_S4U_EVIDENCE_NOT_FORWARDABLE', errorCode: 13 });
    }
  });
  it('negotiateMiddleware hands the app req.negotiate.evidence: curl --negotiate (MIT, alice kinit -f) in, S4U2Proxy to db/localhost, MIT acceptor takes it as alice', async () => {
    const ucc = `FILE:${join(t.realm.dir, 'alice-curl.cc')}`;
    expect((await t.realm.kinit(`alice@${R}`, 'Alice-Pa55word!', ['-f'], { env: { KRB5CCNAME: ucc } })).code).toBe(0);
    const keytab = `FILE:${t.kt('HTTP/localhost')}`;
    const context = t.ctx(`MEMORY:mw-${Math.random()}`);
    const seen: string[] = [];
    const mw = negotiateMiddleware({ keytab });
    const server = http.createServer((req, res) =>
      mw(req, res, async () => {
        try {
          const ev = req.negotiate!.evidence!;
          const { credential } = await getCredentialForProxy({ keytab, evidence: ev, server: 'db/localhost', context });
          const user = await mitAccepts(t.dbAcceptor, credential);
          seen.push(user);
          res.end(`${req.negotiate!.principal} -> ${user} forwardable=${ev.forwardable}\n`);
        } catch (e) {
          res.statusCode = 500;
          res.end(`${(e as Error).message}\n`);
        }
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      // asynchronously: the server answering curl runs in this process
      const curl = await t.realm.run('curl', ['-s', '--negotiate', '-u', ':', `http://localhost:${port}/`], { env: { KRB5CCNAME: ucc } });
      expect(curl.stdout).toBe(`alice@${R} -> alice@${R} forwardable=true\n`);
      expect(seen).toEqual([`alice@${R}`]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
