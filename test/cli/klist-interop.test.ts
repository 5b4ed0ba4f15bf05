/**
 * `tskrb5 klist`, `kswitch`, `kdestroy` live against MIT krb5 1.20 in a throwaway realm
 * (test/interop/realm.mjs): MIT kinit + kvno write the caches, and our listing must equal MIT
 * klist's on the same cache (both with TZ=UTC LANG=C), for a FILE cache and for a DIR
 * collection (-A, -l); a kswitch by either side is seen by the other; what our kdestroy removes,
 * MIT klist no longer finds.
 *
 * In CI (CI=true) missing MIT tools are a failure; elsewhere the suite is skipped visibly
 * (install them with `sudo sh test/interop/install.sh`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, startRealm } from '../interop/realm.mjs';
// @ts-ignore -- plain ESM helper without types
import { kcmMissing, startKcm } from '../interop/kcm.mjs';
import { decodeCcache, encodeCcache } from '../../src/formats/index.js';
import { runKdestroy } from '../../src/cli/klist/kdestroy.js';
import { runKlist } from '../../src/cli/klist/klist.js';
import { runKswitch } from '../../src/cli/klist/kswitch.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno', 'kswitch', 'kdestroy']);
const skip = !IN_CI && missing.length > 0;
const missingKcm: string[] = kcmMissing();
const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

type Tool = typeof runKlist;

describe.skipIf(skip)('tskrb5 klist/kswitch/kdestroy against MIT krb5 (live realm)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  const PW = { alice: 'alice-Pa55word', dave: 'dave-Pa55word' };

  beforeAll(async () => {
    if (missing.length) throw new Error(`MIT krb5 tools missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm();
    await realm.addPrincipal('alice', { password: PW.alice });
    await realm.addPrincipal('dave', { password: PW.dave });
    await realm.addPrincipal('HTTP/localhost', { randkey: true });
  }, 60_000);
  afterAll(async () => {
    await realm?.stop();
  });

  const envFor = (ccname: string) => ({ ...realm.env, KRB5CCNAME: ccname, TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
  async function mit(cmd: string, args: string[], ccname: string, input?: string) {
    const r = await realm.run(cmd, args, { env: envFor(ccname), input });
    return { status: r.code as number, out: r.stdout as string, err: (r.stderr as string).trimEnd() };
  }
  async function ours(tool: Tool, args: string[], ccname: string, extraEnv: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const status = await tool(
      args,
      (s) => out.push(s),
      (s) => err.push(s),
      { env: { ...envFor(ccname), ...extraEnv } },
    );
    return { status, out: out.length ? out.join('\n') + '\n' : '', err: err.join('\n') };
  }
  async function kinit(principal: string, password: string, ccname: string, args: string[] = []) {
    const r = await mit('kinit', [...args, principal], ccname, password + '\n');
    expect(r.status, r.err).toBe(0);
  }

  it("FILE: after MIT kinit + kvno, klist -e -f (and -C, -A, -s) equal MIT's", async () => {
    const cc = `FILE:${realm.dir}/file.ccache`;
    await kinit('alice', PW.alice, cc, ['-f', '-r', '2d']);
    expect((await mit('kvno', ['HTTP/localhost'], cc)).status).toBe(0);
    for (const flags of [['-e', '-f'], [], ['-C'], ['-e', '-f', '-A', '-C'], ['-f', '-a', '-n'], ['-d'], ['-d', '-C', '-e']]) {
      const m = await mit('klist', flags, cc);
      const o = await ours(runKlist, flags, cc);
      expect(o.out, flags.join(' ')).toBe(m.out);
      expect(o.status).toBe(m.status);
    }
    expect((await ours(runKlist, ['-s'], cc)).status).toBe((await mit('klist', ['-s'], cc)).status);
    // and through the built program, when it is built
    if (existsSync(BIN)) {
      const r = spawnSync(process.execPath, [BIN, 'klist', '-e', '-f'], { encoding: 'utf8', env: envFor(cc) });
      expect(r.stdout).toBe((await mit('klist', ['-e', '-f'], cc)).out);
    }
  });

  it('odd caches (other clients, config data to escape and wrap, aliases, addresses, authdata): every flag as MIT', async () => {
    const cc = decodeCcache(new Uint8Array(readFileSync(new URL('../../fixtures/mit/ccache/v4-kvno.ccache', import.meta.url))));
    const [tgt, http, svc] = cc.credentials;
    const other = { realm: 'OTHER.TEST', components: ['bob', 'admin'], nameType: 1 };
    const bin = Uint8Array.from({ length: 120 }, (_, i) => (i * 7) & 0xff);
    cc.credentials.push(
      { ...http!, client: other, renewTill: new Date(http!.endtime.getTime() + 86400e3), flags: 0x40e20000 },
      {
        ...svc!,
        server: { realm: 'TSKRB5.TEST', components: ['alias', 'x/y'], nameType: 1 },
        starttime: new Date(0),
        addresses: [
          { type: 2, data: new Uint8Array([127, 0, 0, 1]) },
          { type: 24, data: new Uint8Array(16).fill(0).map((_, i) => (i === 15 ? 1 : 0)) },
          { type: 3, data: new Uint8Array([1]) },
          { type: 2, data: new Uint8Array([1, 2]) },
        ],
        authdata: [
          { type: 1, data: new Uint8Array([0]) },
          { type: 128, data: new Uint8Array([1]) },
        ],
      },
      { ...tgt!, client: other, flags: 0 },
    );
    cc.config.push(
      { key: 'refresh_time', value: new TextEncoder().encode('1764000000') },
      { key: 'blob', principal: 'a@B', value: bin },
      { key: 'sp ace', value: new TextEncoder().encode('a b\tc') },
    );
    delete cc.order;
    const path = join(realm.dir, 'odd.ccache');
    writeFileSync(path, encodeCcache(cc, { version: 4 }));
    for (const flags of [['-e', '-f', '-C'], ['-f', '-a', '-n'], ['-d', '-C'], ['-l'], ['-A', '-f', '-C', '-e', '-d', '-a'], ['-s']]) {
      const m = await mit('klist', flags, `FILE:${path}`);
      const o = await ours(runKlist, flags, `FILE:${path}`);
      expect(o.out, flags.join(' ')).toBe(m.out);
      expect(o.status, flags.join(' ')).toBe(m.status);
    }
  });

  it("DIR collection: klist -A -e -f and -l equal MIT's; kswitch either way is seen by the other", async () => {
    const col = `DIR:${join(realm.dir, 'col')}`;
    await kinit('alice@TSKRB5.TEST', PW.alice, col);
    await kinit('dave@TSKRB5.TEST', PW.dave, col);
    expect((await mit('kvno', ['HTTP/localhost'], col)).status).toBe(0);
    for (const flags of [['-A', '-e', '-f'], ['-l'], ['-A', '-C'], ['-e', '-f']]) {
      const m = await mit('klist', flags, col);
      expect(m.status, m.err).toBe(0);
      const o = await ours(runKlist, flags, col);
      expect(o.out, flags.join(' ')).toBe(m.out);
      expect(o.status).toBe(m.status);
    }
    // ours switches, MIT sees it
    expect(await ours(runKswitch, ['-p', 'alice@TSKRB5.TEST'], col)).toEqual({ status: 0, out: '', err: '' });
    expect((await mit('klist', [], col)).out).toMatch(/^Ticket cache: DIR::.*\nDefault principal: alice@TSKRB5\.TEST\n/);
    // MIT switches, we see it
    expect((await mit('kswitch', ['-p', 'dave@TSKRB5.TEST'], col)).status).toBe(0);
    expect((await ours(runKlist, [], col)).out).toMatch(/^Ticket cache: DIR::.*\nDefault principal: dave@TSKRB5\.TEST\n/);
    // -c with a member name
    const alice = (await mit('klist', ['-l'], col)).out
      .split('\n')
      .find((l) => l.startsWith('alice@'))!
      .split(/\s+/)[1]!;
    expect((await ours(runKswitch, ['-c', alice], col)).status).toBe(0);
    expect((await mit('klist', [], col)).out).toContain('Default principal: alice@TSKRB5.TEST\n');
    // same errors as MIT
    const m = await mit('kswitch', ['-p', 'nobody@TSKRB5.TEST'], col);
    expect(await ours(runKswitch, ['-p', 'nobody@TSKRB5.TEST'], col)).toEqual({ status: m.status, out: '', err: m.err });
  });

  it('kdestroy: what ours removes, MIT klist no longer finds', async () => {
    const cc = `FILE:${realm.dir}/gone.ccache`;
    await kinit('alice', PW.alice, cc);
    expect((await mit('klist', [], cc)).status).toBe(0);
    expect(await ours(runKdestroy, [], cc)).toEqual({ status: 0, out: '', err: '' });
    const m = await mit('klist', [], cc);
    expect(m.status).toBe(1);
    expect(m.err).toBe(`klist: No credentials cache found (filename: ${realm.dir}/gone.ccache)`);
    // and our messages on the now missing cache are MIT's
    expect(await ours(runKlist, [], cc)).toEqual({ status: 1, out: '', err: m.err });
    const md = await mit('kdestroy', [], cc);
    expect(await ours(runKdestroy, [], cc)).toEqual({ status: md.status, out: '', err: md.err });

    // a DIR collection: the primary, MIT's warning about the rest, then -A
    const col = `DIR:${join(realm.dir, 'col2')}`;
    await kinit('alice@TSKRB5.TEST', PW.alice, col);
    await kinit('dave@TSKRB5.TEST', PW.dave, col);
    const d = await ours(runKdestroy, [], col);
    expect(d).toEqual({ status: 0, out: '', err: 'Other credential caches present, use -A to destroy all' });
    const l = await mit('klist', ['-l'], col);
    expect(l.out).not.toContain('dave@');
    expect(l.out).toContain('alice@');
    expect((await ours(runKdestroy, ['-A'], col)).status).toBe(0);
    const after = await mit('klist', ['-l'], col);
    expect(after.status).toBe(1);
    expect(after.out).toBe('Principal name                 Cache name\n--------------                 ----------\n');
    expect(await ours(runKlist, ['-l'], col)).toEqual({ status: 1, out: after.out, err: '' });
  });

  it.skipIf(!IN_CI && missingKcm.length > 0)(
    "KCM (sssd_kcm, kcm_socket from krb5.conf): klist -A -e -f and -l equal MIT's; kswitch, kdestroy",
    async () => {
      if (missingKcm.length) throw new Error(`sssd-kcm missing in CI: ${missingKcm.join(', ')}`);
      const kcm = await startKcm();
      try {
        const conf = join(realm.dir, 'kcm.conf');
        writeFileSync(conf, `[libdefaults]\n  kcm_socket = ${kcm.socket}\n`);
        const cfg = { KRB5_CONFIG: `${conf}:${realm.krb5Conf}` };
        const m = async (cmd: string, args: string[], input?: string) => {
          const r = await realm.run(cmd, args, { env: { ...envFor('KCM:'), ...cfg }, input });
          return { status: r.code as number, out: r.stdout as string, err: (r.stderr as string).trimEnd() };
        };
        expect((await m('kinit', ['alice@TSKRB5.TEST'], PW.alice + '\n')).status).toBe(0);
        expect((await m('kinit', ['dave@TSKRB5.TEST'], PW.dave + '\n')).status).toBe(0);
        expect((await m('kvno', ['HTTP/localhost'])).status).toBe(0);
        for (const flags of [['-A', '-e', '-f'], ['-l'], ['-e', '-f', '-C']]) {
          const mm = await m('klist', flags);
          expect(mm.status, mm.err).toBe(0);
          const o = await ours(runKlist, flags, 'KCM:', cfg);
          expect(o.out, flags.join(' ')).toBe(mm.out);
        }
        expect((await ours(runKswitch, ['-p', 'alice@TSKRB5.TEST'], 'KCM:', cfg)).status).toBe(0);
        expect((await m('klist', [])).out).toContain('Default principal: alice@TSKRB5.TEST\n');
        expect((await ours(runKdestroy, ['-A'], 'KCM:', cfg)).status).toBe(0);
        expect((await m('klist', ['-l'])).out).toBe('Principal name                 Cache name\n--------------                 ----------\n');
      } finally {
        await kcm.stop();
      }
    },
    30_000,
  );
});
