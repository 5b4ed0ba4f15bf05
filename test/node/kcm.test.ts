/**
 * The KCM store against a private sssd-kcm (test/interop/kcm.mjs) and MIT's own KCM client
 * (kinit, klist, kvno, kswitch with KRB5CCNAME=KCM: and kcm_socket pointing at it).
 * Fails in CI (CI=true) when sssd-kcm or the MIT tools are missing; skips visibly elsewhere.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { startKcm, kcmMissing } from '../interop/kcm.mjs';
import { KcmCollection, KcmClient, KcmError, KcmStore, openCcache, openCollection, FileStore } from '../../src/node/ccache/index.js';
import { unparsePrincipal as principalToString, type Principal as CcachePrincipal } from '../../src/messages/index.js';
import { KcmOp, KcmStatus, kcmUnsupported } from '../../src/node/ccache/kcm/protocol.js';
import { Ticket } from '../../src/messages/index.js';
import { enctypeName } from '../../src/iana/enctype.js';

/** A KcmClient that records each opcode and the status the daemon answered (0 = success). */
class RecordingClient extends KcmClient {
  readonly calls: { op: number; status: number }[] = [];
  override async call(op: number, params?: Uint8Array): Promise<Uint8Array> {
    try {
      const r = await super.call(op, params);
      this.calls.push({ op, status: 0 });
      return r;
    } catch (e) {
      this.calls.push({ op, status: e instanceof KcmError ? e.status : NaN });
      throw e;
    }
  }
}

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno', 'kswitch']), ...kcmMissing()];

describe('KCM client without a server', () => {
  it('a missing socket is ERR_KCM_NO_SERVER', async () => {
    const c = new KcmCollection({ socketPath: '/nonexistent/kcm.socket' });
    await expect(c.list()).rejects.toMatchObject({ code: 'ERR_KCM_NO_SERVER' });
    expect(() => new KcmClient({ socketPath: '-' })).toThrow(/disabled/);
  });
});

describe.skipIf(!IN_CI && missing.length > 0)('KCM store against sssd-kcm and MIT krb5', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any, kcm: any;
  let env: Record<string, string>;
  let col: KcmCollection;
  const PW = 'alice-Pa55word';
  const P = (name: string): CcachePrincipal => ({ realm: realm.realm, components: name.split('/'), nameType: 1 });
  const run = (cmd: string, args: string[]) => realm.run(cmd, args, { env });

  beforeAll(async () => {
    if (missing.length) throw new Error(`peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('bob', { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
    kcm = await startKcm({ dir: join(realm.dir, 'kcm') });
    const extra = join(realm.dir, 'kcm.conf');
    writeFileSync(extra, `[libdefaults]\n${kcm.libdefaults}`);
    env = { KRB5CCNAME: 'KCM:', KRB5_CONFIG: `${realm.krb5Conf}:${extra}` };
    col = new KcmCollection({ socketPath: kcm.socket });
  }, 60_000);
  afterAll(async () => {
    await kcm?.stop();
    await realm?.stop();
  });

  it('MIT kinit into KCM; our store lists the TGT', async () => {
    const k = await realm.kinit('alice', PW, [], { env });
    expect(k.code, k.stderr).toBe(0);
    const caches = await col.list();
    expect(caches).toHaveLength(1);
    const s = caches[0]!;
    expect(s.name).toMatch(/^KCM:/);
    expect(principalToString((await s.getPrincipal())!)).toBe(`alice@${realm.realm}`);
    const creds = await s.getCredentials();
    expect(creds.map((c) => principalToString(c.server))).toContain(`krbtgt/${realm.realm}@${realm.realm}`);
    const tgt = creds.find((c) => c.server.components[0] === 'krbtgt')!;
    expect(tgt.key.value.length).toBeGreaterThan(0);
    expect(tgt.endtime.getTime()).toBeGreaterThan(Date.now());
    // KCM: resolves to the primary, as MIT does
    expect((await openCcache('KCM:', { kcmSocket: kcm.socket })).name).toBe(s.name);
  });

  it('we store a credential; MIT klist shows it and MIT kvno uses the cache', async () => {
    // a service ticket from MIT in a FILE cache, copied into the KCM cache by us
    const f = join(realm.dir, 'svc.ccache');
    expect((await realm.kinit('alice', PW, ['-c', `FILE:${f}`])).code).toBe(0);
    expect((await realm.run('kvno', ['-c', `FILE:${f}`, 'HTTP/localhost'])).code).toBe(0);
    const svc = (await new FileStore(f).getCredentials()).find((c) => c.server.components[0] === 'HTTP')!;
    const s = await col.primary();
    await s.store(svc);
    const l = await run('klist', []);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toContain(`Ticket cache: ${s.name}`);
    expect(l.stdout).toContain(`HTTP/localhost@${realm.realm}`);
    const v = await run('kvno', ['HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
    // remove: MIT klist no longer shows it
    await s.remove((c) => c.server.components[0] === 'HTTP');
    const l2 = await run('klist', []);
    expect(l2.stdout).not.toContain('HTTP/localhost');
    expect(l2.stdout).toContain(`krbtgt/${realm.realm}`);
  });

  it('REMOVE_CRED and RETRIEVE: what sssd-kcm answers, and MIT klist agrees with the result', async () => {
    // MIT kinit + kvno put the TGT and the service ticket into the KCM primary themselves
    expect((await realm.kinit('alice', PW, [], { env })).code).toBe(0);
    const v = await run('kvno', ['HTTP/localhost']);
    expect(v.code, v.stderr).toBe(0);
    expect((await run('klist', [])).stdout).toContain(`HTTP/localhost@${realm.realm}`);
    const rec = new RecordingClient({ socketPath: kcm.socket });
    const s = new KcmStore(rec, (await col.primary()).residual);
    const alice = P('alice');
    const krbtgt = P(`krbtgt/${realm.realm}`);
    const http = P('HTTP/localhost');

    // RETRIEVE of the TGT: the same credential as in the list, and as MIT klist -e describes it
    const listed = (await s.getCredentials()).find((c) => c.server.components[0] === 'krbtgt')!;
    rec.calls.length = 0;
    const got = await s.retrieve({ client: alice, server: krbtgt });
    expect(got).not.toBeNull();
    // sssd-kcm 2.8 has no RETRIEVE handler ("KCM op RETRIEVE has no handler"): it answers
    // KRB5_FCC_INTERNAL and we scan the list, as MIT's kcm_retrieve → k5_cc_retrieve_cred_default
    if (rec.calls[0]!.status === 0)
      expect(rec.calls).toHaveLength(1); // a daemon that implements it: no scan
    else {
      expect(rec.calls[0]).toEqual({ op: KcmOp.RETRIEVE, status: KcmStatus.KRB5_FCC_INTERNAL });
      expect(kcmUnsupported(new KcmError(rec.calls[0]!.status, KcmOp.RETRIEVE))).toBe(true);
      expect(rec.calls[1]).toEqual({ op: KcmOp.GET_CRED_LIST, status: 0 });
    }
    expect(Buffer.from(got!.ticket).equals(Buffer.from(listed.ticket))).toBe(true);
    expect(Buffer.from(got!.key.value).equals(Buffer.from(listed.key.value))).toBe(true);
    expect(got).toEqual(listed);
    const le = await run('klist', ['-e']);
    expect(le.code, le.stderr).toBe(0);
    const tgtLine = le.stdout.split('\n').findIndex((l: string) => l.includes(`krbtgt/${realm.realm}@${realm.realm}`));
    const etypes = le.stdout
      .split('\n')
      .slice(tgtLine)
      .find((l: string) => l.includes('Etype (skey, tkt)'))!;
    expect(etypes).toContain(`Etype (skey, tkt): ${enctypeName(got!.key.etype)}, ${enctypeName(Ticket.decode(got!.ticket).encPart.etype)}`);
    // a match nothing satisfies: null (sssd answers a not-found status)
    expect(await s.retrieve({ client: alice, server: P('nosuch/svc') })).toBeNull();

    // REMOVE_CRED: sssd-kcm does not implement it (kcmsrv_ops.c: ERR_KCM_OP_NOT_IMPLEMENTED)
    const err = await s.removeCred({ client: alice, server: http }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KcmError);
    expect(kcmUnsupported(err)).toBe(true);
    const removeStatus = (err as KcmError).status;
    expect((await run('klist', [])).stdout).toContain('HTTP/localhost'); // nothing removed
    // remove({ server }) tries REMOVE_CRED, then falls back to the rewrite
    rec.calls.length = 0;
    await s.remove({ server: http });
    expect(rec.calls[0]).toEqual({ op: KcmOp.REMOVE_CRED, status: removeStatus });
    expect(rec.calls.map((c) => c.op)).toContain(KcmOp.INITIALIZE);
    const l = await run('klist', []);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).not.toContain('HTTP/localhost');
    expect(l.stdout).toContain(`krbtgt/${realm.realm}@${realm.realm}`);
    // the TGT survived intact, and MIT still uses it
    expect(await s.retrieve({ client: alice, server: krbtgt })).toEqual(listed);
    expect((await run('kvno', ['HTTP/localhost'])).code).toBe(0);
    await s.remove({ server: http });
    expect((await run('klist', [])).stdout).not.toContain('HTTP/localhost');
  });

  it('a cache we create (GEN_NEW + INITIALIZE + STORE) and kswitch both ways', async () => {
    const alice = await col.primary();
    const tgt = (await alice.getCredentials()).find((c) => c.server.components[0] === 'krbtgt')!;
    const mine = await col.newCache(P('alice'));
    await mine.store(tgt);
    // klist -A: both caches; the primary first
    const la = await run('klist', ['-A']);
    expect(la.stdout).toContain(`Ticket cache: ${mine.name}`);
    const listed = (await col.list()).map((s) => s.name);
    expect(listed).toEqual([...la.stdout.matchAll(/^Ticket cache: (\S+)$/gm)].map((m) => m[1]));
    // our kswitch → MIT klist shows that cache
    await col.switchTo(mine);
    expect((await run('klist', [])).stdout).toContain(`Ticket cache: ${mine.name}`);
    // MIT kinit as bob makes a new primary; MIT kswitch back to alice's first cache → we see it
    expect((await realm.kinit('bob', PW, [], { env })).code).toBe(0);
    expect(principalToString((await (await col.primary()).getPrincipal())!)).toBe(`bob@${realm.realm}`);
    const ks = await run('kswitch', ['-c', alice.name]);
    expect(ks.code, ks.stderr).toBe(0);
    expect((await col.primary()).name).toBe(alice.name);
    // collections agree after all that
    const la2 = await run('klist', ['-A']);
    expect((await col.list()).map((s) => s.name)).toEqual([...la2.stdout.matchAll(/^Ticket cache: (\S+)$/gm)].map((m) => m[1]));
  });

  it('KDC offset, destroy, and a missing cache', async () => {
    const s = await col.newCache(P('bob'));
    await s.setKdcOffset(-42);
    expect(await s.getKdcOffset()).toBe(-42);
    await s.destroy();
    expect(await s.getPrincipal()).toBeNull();
    const ghost = new KcmStore(col.client, 'no-such-cache');
    expect(await ghost.getPrincipal()).toBeNull();
    await expect(ghost.getCredentials()).rejects.toBeInstanceOf(KcmError);
    const c2 = await openCollection('KCM:', { kcmSocket: kcm.socket });
    expect(c2.type).toBe('KCM');
  });
});
