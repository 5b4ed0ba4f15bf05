/**
 * S4U against a Samba 4.17 AD DC (Debian's samba, its Heimdal KDC; test/interop/samba.mjs):
 * frontsvc has msDS-AllowedToDelegateTo HTTP/backend.samba.test and
 * TRUSTED_TO_AUTH_FOR_DELEGATION (protocol transition); websvc has neither. Judged by MIT's
 * tools: MIT `kvno -U alice -P` from a cache of the same TGT gives the same output and status,
 * MIT's acceptor (python3-gssapi with backendsvc's keytab from `samba-tool domain exportkeytab`)
 * takes the backend ticket as alice@SAMBA.TEST, MIT klist lists what we stored.
 *
 * Samba 4.17 does not do resource-based constrained delegation: with
 * msDS-AllowedToActOnBehalfOfOtherIdentity set on backendsvc for websvc (a security descriptor
 * made by Samba's own python bindings), S4U2Proxy is still KDC_ERR_BADOPTION, and the error says so.
 *
 * Under CI=true a missing peer is a failure.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startSamba, missingPeers as sambaMissing } from '../interop/samba.mjs';
// @ts-ignore -- plain ESM helper without types
import { which } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startGssAcceptor, gssAcceptorMissing } from '../interop/gss-acceptor.mjs';
import { KdcError } from '../../src/errors.js';
import { Krb5Acceptor, Krb5Initiator } from '../../src/gssapi/index.js';
import { ADIfRelevant, EncTicketPart, Ticket, unparsePrincipal } from '../../src/messages/index.js';
import { decrypt } from '../../src/crypto/index.js';
import { createKrb5Context, getCredentialForProxy, getCredentialForUser, getServiceCredential, impersonate, KeytabFile, type CcacheCredential } from '../../src/node/index.js';

const IN_CI = process.env.CI === 'true';
const BIN = new URL('../../dist/cli/tskrb5.cjs', import.meta.url).pathname;
const missing: string[] = [...sambaMissing(), ...gssAcceptorMissing()];
const skip = !IN_CI && missing.length > 0;
const R = 'SAMBA.TEST';
const BACKEND = 'HTTP/backend.samba.test';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dc = any;

async function mitAccepts(acc: { get: (p: string, h: Record<string, string>) => Promise<{ status: number; body: string }> }, cred: CcacheCredential): Promise<string> {
  const token = new Krb5Initiator({ credential: cred }).token;
  const r = await acc.get('/whoami', { Authorization: `Negotiate ${Buffer.from(token).toString('base64')}` });
  if (r.status !== 200) throw new Error(`MIT's acceptor answered ${r.status}: ${r.body}`);
  return JSON.parse(r.body).user;
}

/** The ticket's EncTicketPart, opened with the keytab's key of its enctype. */
async function ticketPart(der: Uint8Array, keytab: string): Promise<EncTicketPart> {
  const t = Ticket.decode(der);
  const k = (await new KeytabFile(keytab).entries()).find((e) => e.key.etype === t.encPart.etype)!;
  return EncTicketPart.decode(decrypt(k.key, 2, t.encPart.cipher));
}

/** One buffer of the PAC (AD-IF-RELEVANT → AD-WIN2K-PAC, 128) by MS-PAC §2.3's buffer table — just enough to find it (the PAC codec is another branch's). */
function pacBuffer(part: EncTicketPart, type: number): Uint8Array | undefined {
  for (const ad of part.authorizationData ?? []) {
    if (ad.adType !== 1) continue;
    for (const inner of ADIfRelevant.decode(ad.adData)) {
      if (inner.adType !== 128) continue;
      const pac = inner.adData;
      const v = new DataView(pac.buffer, pac.byteOffset, pac.byteLength);
      const n = v.getUint32(0, true);
      for (let i = 0; i < n; i++) {
        const at = 8 + 16 * i;
        if (v.getUint32(at, true) !== type) continue;
        const size = v.getUint32(at + 4, true);
        const off = Number(v.getBigUint64(at + 8, true));
        return pac.subarray(off, off + size);
      }
    }
  }
  return undefined;
}

describe.skipIf(skip)('S4U against a Samba 4.17 AD DC', () => {
  let dc: Dc;
  let backendAcceptor: { get: (p: string, h: Record<string, string>) => Promise<{ status: number; body: string }>; stop: () => Promise<void> };
  const ctx = (cc: string) => createKrb5Context({ env: { ...dc.env, KRB5CCNAME: cc } });
  /** A FILE cache with an account's TGT (MIT kinit with its password). */
  const login = async (account: string, password: string, file: string, args: string[] = []) => {
    const cc = `FILE:${join(dc.dir, file)}`;
    const r = await dc.kinit(account, password, args, { env: { KRB5CCNAME: cc } });
    if (r.code !== 0) throw new Error(`kinit ${account}: ${r.stderr}`);
    return cc;
  };
  const front = () => login('frontsvc', dc.accounts.front.password, `front-${Math.random().toString(36).slice(2)}.cc`);
  const kvno = (which_: 'mit' | 'ours', args: string[], cc: string) => {
    const env = { ...dc.env, KRB5CCNAME: cc };
    const r = which_ === 'mit' ? spawnSync(which('kvno'), args, { env, encoding: 'utf8' }) : spawnSync(process.execPath, [BIN, 'kvno', ...args], { env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    if (missing.length) throw new Error(`peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    dc = await startSamba({});
    backendAcceptor = await startGssAcceptor({ realm: dc, keytab: dc.keytabs.backend, delegDir: false });
  }, 180_000);
  afterAll(async () => {
    await backendAcceptor?.stop();
    await dc?.stop();
  });

  it('tskrb5 kvno -U alice -P HTTP/backend.samba.test: as MIT kvno (same line, status 0), and MIT klist lists our tickets for alice', async () => {
    const [ccOurs, ccMit] = [await front(), await front()];
    const mit = kvno('mit', ['-U', 'alice', '-P', BACKEND], ccMit);
    const ours = kvno('ours', ['-U', 'alice', '-P', BACKEND], ccOurs);
    expect(mit).toEqual({ status: 0, stdout: `${BACKEND}@${R}: kvno = 2\n`, stderr: '' });
    expect(ours).toEqual(mit);
    const kl = (await dc.run('klist', ['-f', ccOurs.slice(5)])).stdout;
    expect(kl).toMatch(new RegExp(`frontsvc@${R}\\n\\tfor client alice@${R}, renew until [^\\n]*, Flags: FRAT\\n`));
    expect(kl).toMatch(new RegExp(`${BACKEND}@${R}\\n\\tfor client alice@${R}, renew until [^\\n]*, Flags: FRAT\\n`));
    // the same flags as MIT's own exchange got
    expect(kl.replace(/^Ticket cache: .*\n/, '').replace(/\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d/g, 'T')).toBe(
      (await dc.run('klist', ['-f', ccMit.slice(5)])).stdout.replace(/^Ticket cache: .*\n/, '').replace(/\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d/g, 'T'),
    );
  });

  it('impersonate: S4U2Self (forwardable: TRUSTED_TO_AUTH_FOR_DELEGATION) then S4U2Proxy; MIT acceptor takes the backend ticket as alice', async () => {
    const cc = await front();
    const r = await impersonate({ ccache: cc, user: 'alice', server: BACKEND, context: ctx(cc) });
    expect(r.evidence.forwardable).toBe(true);
    expect(unparsePrincipal(r.evidence.user)).toBe(`alice@${R}`);
    expect(unparsePrincipal(r.credential.client)).toBe(`alice@${R}`);
    expect(unparsePrincipal(r.credential.server)).toBe(`${BACKEND}@${R}`);
    expect(await mitAccepts(backendAcceptor, r.credential)).toBe(`alice@${R}`);
    // the backend ticket's PAC (opened with backendsvc's exported key) has Samba's
    // CONSTRAINED_DELEGATION buffer (MS-PAC type 11, S4U_DELEGATION_INFO) naming frontsvc
    const delegation = pacBuffer(await ticketPart(r.credential.ticket, dc.keytabs.backend), 11);
    expect(delegation).toBeDefined();
    expect(Buffer.from(delegation!).toString('utf16le')).toMatch(/frontsvc/i);
    // … which the S4U2Self ticket (to frontsvc itself) does not have
    expect(pacBuffer(await ticketPart(r.evidence.credential.ticket, dc.keytabs.frontAccount), 11)).toBeUndefined();
    expect(pacBuffer(await ticketPart(r.evidence.credential.ticket, dc.keytabs.frontAccount), 1)).toBeDefined(); // LOGON_INFO: it is a PAC
    // with the account's keytab (samba-tool domain exportkeytab --principal=frontsvc): the TGT got from it in a MEMORY cache
    const kt = dc.keytabs.frontAccount;
    const k = await impersonate({ keytab: `FILE:${kt}`, principal: 'frontsvc', user: 'alice', server: BACKEND, context: ctx(`MEMORY:front-${Math.random()}`) });
    expect(unparsePrincipal(k.evidence.credential.server)).toBe(`frontsvc@${R}`);
    expect(k.store.name).toMatch(/^MEMORY:/);
    expect(await mitAccepts(backendAcceptor, k.credential)).toBe(`alice@${R}`);
    // an enterprise user name (kvno -U's form) is canonicalized by the KDC's protected reply
    const e = await getCredentialForUser({ ccache: cc, user: 'bob', enterprise: true, context: ctx(cc), noCache: true });
    expect(unparsePrincipal(e.credential.client)).toBe(`bob@${R}`);
  });

  it("the acceptor's evidence: alice's own forwardable ticket to HTTP/front.samba.test, used for S4U2Proxy; MIT acceptor takes the result as alice", async () => {
    const ucc = await login('alice', dc.accounts.alice.password, 'alice.cc', ['-f']);
    const { credential } = await getServiceCredential({ server: 'HTTP/front.samba.test', ccache: ucc, context: ctx(ucc) });
    const acceptor = new Krb5Acceptor({ keys: await new KeytabFile(dc.keytabs.front).entries(), replayCache: false });
    acceptor.accept(new Krb5Initiator({ credential }).token);
    expect(unparsePrincipal(acceptor.evidence!.client)).toBe(`alice@${R}`);
    expect(acceptor.evidence!.forwardable).toBe(true);
    const cc = await front();
    const r = await getCredentialForProxy({ ccache: cc, evidence: acceptor.evidence!, server: BACKEND, context: ctx(cc) });
    expect(await mitAccepts(backendAcceptor, r.credential)).toBe(`alice@${R}`);
  });

  it('websvc (no protocol transition, no targets): S4U2Self not forwardable; S4U2Proxy refused and explained, as MIT kvno fails', async () => {
    const cc = `FILE:${join(dc.dir, 'web.cc')}`;
    expect((await dc.run('kinit', ['-k', '-t', dc.keytabs.webAccount, 'websvc'], { env: { KRB5CCNAME: cc } })).code).toBe(0);
    const self = await getCredentialForUser({ ccache: cc, user: 'alice', context: ctx(cc) });
    expect(self.forwardable).toBe(false);
    const e = await getCredentialForProxy({ ccache: cc, evidence: self.credential, server: BACKEND, context: ctx(cc) }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect({ code: e.code, errorCode: e.errorCode }).toEqual({ code: 'ERR_S4U_EVIDENCE_NOT_FORWARDABLE', errorCode: 13 });
    expect(e.message).toMatch(/TRUSTED_TO_AUTH_FOR_DELEGATION/);
    const mit = kvno('mit', ['-U', 'alice', '-P', BACKEND], cc);
    expect(mit.status).toBe(1);
    expect(mit.stderr).toMatch(/constrained delegation failed/);
    expect(kvno('ours', ['-U', 'alice', '-P', BACKEND], cc)).toMatchObject({ status: 1, stdout: mit.stdout });
  });

  it('resource-based delegation (msDS-AllowedToActOnBehalfOfOtherIdentity on backendsvc for websvc): Samba 4.17 refuses with BADOPTION, and the error says so', async () => {
    const [web] = await dc.ldbsearch('(sAMAccountName=websvc)', ['objectSid']);
    const [backend] = await dc.ldbsearch('(sAMAccountName=backendsvc)', ['dn']);
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys,base64; from samba.dcerpc import security; from samba.ndr import ndr_pack; print(base64.b64encode(ndr_pack(security.descriptor.from_sddl("O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;" + sys.argv[1] + ")", security.dom_sid(sys.argv[1].rsplit("-",1)[0])))).decode())',
        web.objectSid[0],
      ],
      { encoding: 'utf8' },
    );
    expect(py.status).toBe(0);
    await dc.ldbmodify(
      `dn: ${backend.dn}\nchangetype: modify\nreplace: msDS-AllowedToActOnBehalfOfOtherIdentity\nmsDS-AllowedToActOnBehalfOfOtherIdentity:: ${py.stdout.trim()}\n`,
    );
    const [check] = await dc.ldbsearch('(sAMAccountName=backendsvc)', ['msDS-AllowedToActOnBehalfOfOtherIdentity']);
    expect(check['msDS-AllowedToActOnBehalfOfOtherIdentity']).toBeDefined();
    const cc = `FILE:${join(dc.dir, 'web-rbcd.cc')}`;
    expect((await dc.run('kinit', ['-k', '-t', dc.keytabs.webAccount, 'websvc'], { env: { KRB5CCNAME: cc } })).code).toBe(0);
    const self = await getCredentialForUser({ ccache: cc, user: 'alice', context: ctx(cc) });
    const e = await getCredentialForProxy({ ccache: cc, evidence: self.credential, server: BACKEND, context: ctx(cc) }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(13);
    expect(e.message).toMatch(/Resource-based delegation.*msDS-AllowedToActOnBehalfOfOtherIdentity.*Samba 4\.17's/);
    // MIT's client (which also sends PA-PAC-OPTIONS with the RBCD bit) is refused the same way
    expect(kvno('mit', ['-U', 'alice', '-P', BACKEND], cc)).toMatchObject({ status: 1, stderr: expect.stringMatching(/KDC can't fulfill requested option/) });
  });
});
