/**
 * `tskrb5 klist`, `kswitch`, `kdestroy` against MIT's own output: every cache in
 * fixtures/mit/ccache/ (and the DIR collection) and every keytab in fixtures/mit/keytab/ listed
 * with the flags MIT klist was run with must give MIT's recorded text byte for byte (the temp
 * path MIT saw is written `$WORK` there). Also MIT's messages and statuses on missing or broken
 * caches, `-s`, `-l`, `--json`, kswitch / kdestroy on a DIR collection, and the built program.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKdestroy } from '../../src/cli/klist/kdestroy.js';
import { runKlist, etypeString } from '../../src/cli/klist/klist.js';
import { runKswitch } from '../../src/cli/klist/kswitch.js';
import { sfstring, timestampWidth, unparseName } from '../../src/cli/klist/common.js';
import { runAsync } from '../../src/cli/run.js';

const CCACHES = new URL('../../fixtures/mit/ccache/', import.meta.url).pathname;
const KEYTABS = new URL('../../fixtures/mit/keytab/', import.meta.url).pathname;
const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
/** The fixtures were recorded at 04:29:55 UTC on 2026-11-25; tickets last a day. */
const RECORDED = new Date('2026-11-25T04:30:00Z');
const work = mkdtempSync(join(tmpdir(), 'tskrb5-klist-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Run = (argv: readonly string[], out: (s: string) => void, err: (s: string) => void, ctx?: object) => Promise<number>;
async function run(tool: Run, args: string[], env: Record<string, string | undefined> = {}, now = RECORDED) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await tool(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
    {
      env: { TZ: 'UTC', KRB5_CONFIG: '/dev/null', KRB5CCNAME: `FILE:${work}/no-such-cache`, ...env },
      now: () => now,
    },
  );
  return { status, out: out.length ? out.join('\n') + '\n' : '', err: err.join('\n') };
}

const caches = readdirSync(CCACHES).filter((f) => f.endsWith('.ccache'));
const keytabs = readdirSync(KEYTABS).filter((f) => f.endsWith('.keytab') && existsSync(join(KEYTABS, `${f}.klist.txt`)));

describe("tskrb5 klist gives MIT klist's text, byte for byte (fixtures/mit)", () => {
  it.each(caches)('%s (klist -c FILE:… -e -f -A -C, as recorded)', async (f) => {
    const golden = readFileSync(join(CCACHES, `${f}.klist.txt`), 'utf8');
    cpSync(join(CCACHES, f), join(work, f));
    // Heimdal's cache was listed with -e -f only (ccaches.json)
    const flags = f === 'heimdal.ccache' ? ['-e', '-f'] : ['-e', '-f', '-A', '-C'];
    const r = await run(runKlist, ['-c', `FILE:${work}/${f}`, ...flags]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe(golden.replaceAll('$WORK', work));
  });

  describe('the DIR collection (fixtures/mit/ccache/dir)', () => {
    const dir = join(work, 'dircc');
    cpSync(join(CCACHES, 'dir'), dir, { recursive: true });
    const golden = (n: string) => readFileSync(join(CCACHES, 'dir', n), 'utf8').replaceAll('$WORK', work);

    it.each(['tkt', 'tkt0ZuReg'])('member %s (klist -c FILE:dir/… -e -f -A -C)', async (m) => {
      const r = await run(runKlist, ['-c', `FILE:${dir}/${m}`, '-e', '-f', '-A', '-C']);
      expect(r.out).toBe(golden(`${m}.klist.txt`));
      expect(r.status).toBe(0);
    });
    it('KRB5CCNAME=DIR:dir klist -l', async () => {
      const r = await run(runKlist, ['-l'], { KRB5CCNAME: `DIR:${dir}` });
      expect(r.out).toBe(golden('collection.klist-l.txt'));
      expect(r.status).toBe(0);
    });
    it('KRB5CCNAME=DIR:dir klist -A -e -f -C (primary first)', async () => {
      const r = await run(runKlist, ['-A', '-e', '-f', '-C'], { KRB5CCNAME: `DIR:${dir}` });
      expect(r.out).toBe(golden('collection.klist-A.txt'));
      expect(r.status).toBe(0);
    });
    it('klist -l marks expired caches as MIT does, and -s fails on them', async () => {
      const later = new Date('2026-12-01T00:00:00Z');
      const r = await run(runKlist, ['-l'], { KRB5CCNAME: `DIR:${dir}` }, later);
      expect(r.out.split('\n')[2]).toBe(`alice@TSKRB5.TEST              DIR::${dir}/tkt (Expired)`);
      expect((await run(runKlist, ['-s'], { KRB5CCNAME: `DIR:${dir}` }, later)).status).toBe(1);
      const now = await run(runKlist, ['-s'], { KRB5CCNAME: `DIR:${dir}` });
      expect(now).toEqual({ status: 0, out: '', err: '' });
    });
  });

  it.each(keytabs)('%s (klist -K -e -t -k)', async (f) => {
    const golden = readFileSync(join(KEYTABS, `${f}.klist.txt`), 'utf8');
    // MIT was given the bare file name: the same text but for the path in the first line
    const r = await run(runKlist, ['-K', '-e', '-t', '-k', join(KEYTABS, f)]);
    expect(r.out).toBe(golden.replace(`Keytab name: FILE:${f}\n`, `Keytab name: FILE:${join(KEYTABS, f)}\n`));
    expect(r.status).toBe(0);
  });
});

describe("tskrb5 klist: MIT's layout rules", () => {
  it('times: strftime("%x %X") in the C locale, in the TZ of the environment', () => {
    const t = Date.UTC(2026, 10, 25, 4, 29, 55) / 1000;
    expect(timestampWidth(t, 'UTC')).toBe(17);
    expect(sfstring(t, 18, 'UTC', ' ')).toBe('11/25/26 04:29:55');
    expect(sfstring(t, 18, 'Europe/Paris', ' ')).toBe('11/25/26 05:29:55');
    expect(sfstring(t, 18, 'EST5', ' ')).toBe('11/24/26 23:29:55');
    expect(sfstring(t, 30, 'UTC')).toBe('Wed Nov 25 04:29:55 2026');
  });
  it("principals are unparsed with MIT's escapes; enctypes as MIT 1.20 names them", () => {
    expect(unparseName({ realm: 'R', components: ['a/b', 'c@d'] })).toBe('a\\/b/c\\@d@R');
    expect(etypeString(18)).toBe('aes256-cts-hmac-sha1-96');
    expect(etypeString(23)).toBe('DEPRECATED:arcfour-hmac');
    expect(etypeString(16)).toBe('DEPRECATED:des3-cbc-sha1');
    // as MIT 1.20 klist -k -e prints them (checked for every enctype -140…30)
    expect(etypeString(1)).toBe('DEPRECATED:des-cbc-crc');
    expect(etypeString(8)).toBe('DEPRECATED:des-hmac-sha1');
    expect(etypeString(26)).toBe('camellia256-cts-cmac');
    expect(etypeString(99)).toBe('DEPRECATED:etype 99');
    expect(etypeString(-128)).toBe('DEPRECATED:etype -128');
  });
  it('-f without -e, a different TZ', async () => {
    cpSync(join(CCACHES, 'v4-renewable.ccache'), join(work, 'r.ccache'));
    const r = await run(runKlist, ['-f', `FILE:${work}/r.ccache`], { TZ: 'Asia/Tokyo' });
    expect(r.out).toContain(
      'Valid starting     Expires            Service principal\n11/25/26 13:29:55  11/26/26 13:29:55  krbtgt/TSKRB5.TEST@TSKRB5.TEST\n\trenew until 11/26/26 13:29:55, Flags: FRIA\n',
    );
    expect(r.out).not.toMatch(/config:|Etype/);
  });
  it('--json: the same data', async () => {
    cpSync(join(CCACHES, 'v4-kvno.ccache'), join(work, 'k.ccache'));
    const r = await run(runKlist, ['--json', `FILE:${work}/k.ccache`]);
    const j = JSON.parse(r.out);
    expect(j.cache).toBe(`FILE:${work}/k.ccache`);
    expect(j.defaultPrincipal).toBe('alice@TSKRB5.TEST');
    expect(j.credentials.map((c: { server: string }) => c.server)).toEqual(['krbtgt/TSKRB5.TEST@TSKRB5.TEST', 'HTTP/localhost@TSKRB5.TEST', 'svc384/localhost@TSKRB5.TEST']);
    expect(j.credentials[2]).toMatchObject({ flags: 'FAT', sessionKeyEtypeName: 'aes256-cts-hmac-sha384-192', ticketEtype: 20, starttime: '2026-11-25T04:29:55.000Z' });
    const c = JSON.parse((await run(runKlist, ['--json', '-C', `FILE:${work}/k.ccache`])).out);
    expect(c.credentials[0]).toMatchObject({ config: true, key: 'fast_avail', value: 'yes' });
    const k = JSON.parse((await run(runKlist, ['--json', '-k', '-K', join(KEYTABS, 'rc4.keytab')])).out);
    expect(k.entries[0]).toMatchObject({ kvno: 1, principal: 'bob@EXAMPLE.COM', etypeName: 'DEPRECATED:arcfour-hmac', key: 'a4f49c406510bdcab6824ee7c30fd852' });
  });
});

describe("tskrb5 klist: MIT's messages and exit statuses", () => {
  it('no cache: "No credentials cache found (filename: …)", status 1, -s silent', async () => {
    const r = await run(runKlist, []);
    expect(r).toEqual({ status: 1, out: '', err: `klist: No credentials cache found (filename: ${work}/no-such-cache)` });
    expect(await run(runKlist, ['-s'])).toEqual({ status: 1, out: '', err: '' });
  });
  it('the default name: KRB5CCNAME, else default_ccache_name from krb5.conf, else FILE:/tmp/krb5cc_<uid>', async () => {
    const conf = join(work, 'krb5.conf');
    writeFileSync(conf, `[libdefaults]\n  default_ccache_name = FILE:${work}/from-conf-%{uid}\n`);
    const r = await run(runKlist, [], { KRB5CCNAME: undefined, KRB5_CONFIG: `${work}/missing.conf:${conf}` });
    expect(r.err).toBe(`klist: No credentials cache found (filename: ${work}/from-conf-${process.getuid!()})`);
    const d = await run(runKlist, [], { KRB5CCNAME: undefined });
    expect(d.err).toBe(`klist: No credentials cache found (filename: /tmp/krb5cc_${process.getuid!()})`);
  });
  it('broken caches and unknown types, as MIT words them', async () => {
    writeFileSync(join(work, 'garbage'), 'garbage\n');
    writeFileSync(join(work, 'empty'), '');
    writeFileSync(join(work, 'short'), Buffer.from([5, 4]));
    expect((await run(runKlist, [`${work}/garbage`])).err).toBe(`klist: Unsupported credentials cache format version number (filename: ${work}/garbage)`);
    expect((await run(runKlist, [`${work}/empty`])).err).toBe(`klist: Bad format in credentials cache (filename: ${work}/empty)`);
    expect((await run(runKlist, [`${work}/short`])).err).toBe(`klist: Bad format in credentials cache (filename: ${work}/short)`);
    // a FILE collection is that file when it exists, readable or not (MIT's cursor)
    expect(await run(runKlist, ['-A', `${work}/garbage`])).toEqual({
      status: 1,
      out: '',
      err: `klist: Unsupported credentials cache format version number (filename: ${work}/garbage)`,
    });
    expect(await run(runKlist, ['-l', `${work}/garbage`])).toEqual({
      status: 1,
      out: 'Principal name                 Cache name\n--------------                 ----------\n',
      err: '',
    });
    expect((await run(runKlist, ['FOO:bar'])).err).toBe('klist: Unknown credential cache type while resolving ccache');
    const kt = await run(runKlist, ['-k', `${work}/nokt`]);
    expect(kt).toEqual({ status: 1, out: `Keytab name: FILE:${work}/nokt\n`, err: `klist: Key table file '${work}/nokt' not found while starting keytab scan` });
  });
  it("usage errors: MIT's usage text and status 1", async () => {
    for (const args of [['-x'], ['-k', '-f'], ['-l', '-A'], ['-s', '-l'], ['-n'], ['-K'], ['-c', '-k'], ['a', 'b']]) {
      const r = await run(runKlist, args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/^(klist: invalid option -- 'x'\n|Extra arguments \(starting with "b"\)\.\n)?Usage: klist \[-e\] \[-V\]/);
    }
  });
});

describe('tskrb5 kswitch and kdestroy on a DIR collection', () => {
  const dir = join(work, 'switch');
  cpSync(join(CCACHES, 'dir'), dir, { recursive: true });
  const env = { KRB5CCNAME: `DIR:${dir}` };

  it('kswitch -p / -c change the primary; klist follows', async () => {
    expect(await run(runKswitch, ['-p', 'dave@TSKRB5.TEST'], env)).toEqual({ status: 0, out: '', err: '' });
    expect(readFileSync(join(dir, 'primary'), 'utf8')).toBe('tkt0ZuReg\n');
    expect((await run(runKlist, [], env)).out).toMatch(/^Ticket cache: DIR::.*\/tkt0ZuReg\nDefault principal: dave@TSKRB5.TEST\n/);
    expect((await run(runKswitch, ['-c', `DIR::${dir}/tkt`], env)).status).toBe(0);
    expect(readFileSync(join(dir, 'primary'), 'utf8')).toBe('tkt\n');
    const none = await run(runKswitch, ['-p', 'nobody@TSKRB5.TEST'], env);
    expect(none).toEqual({ status: 1, out: '', err: 'kswitch: Matching credential not found while searching for ccache for nobody@TSKRB5.TEST' });
    const norealm = await run(runKswitch, ['-p', 'nobody'], env);
    expect(norealm.err).toBe('kswitch: Configuration file does not specify default realm while parsing principal name nobody');
    expect((await run(runKswitch, ['x'], env)).status).toBe(2);
    expect((await run(runKswitch, ['-c', 'a', '-p', 'b'], env)).err).toMatch(/^Only one -c or -p option allowed\nUsage: kswitch/);
  });

  it('kdestroy: the primary, the warning about the others, then -A', async () => {
    const r = await run(runKdestroy, [], env);
    expect(r).toEqual({ status: 0, out: '', err: 'Other credential caches present, use -A to destroy all' });
    expect(existsSync(join(dir, 'tkt'))).toBe(false);
    const again = await run(runKdestroy, ['-q'], env);
    expect(again).toEqual({ status: 0, out: '', err: 'kdestroy: No credentials cache found while destroying cache' });
    expect(await run(runKdestroy, ['-A'], env)).toEqual({ status: 0, out: '', err: '' });
    expect(existsSync(join(dir, 'tkt0ZuReg'))).toBe(false);
    expect((await run(runKlist, ['-l'], env)).status).toBe(1);
    expect((await run(runKdestroy, ['-A', '-p', 'x'], env)).status).toBe(2);
  });
});

/** The package's bin (the bundled command, scripts/bundle-cli.mjs), besides the unbundled entry. */
const PKG_BIN = new URL(`../../${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).bin.tskrb5}`, import.meta.url).pathname;

describe.each([BIN, PKG_BIN])('through the built program (%s)', (bin) => {
  const node = (args: string[], env: Record<string, string | undefined> = {}) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null', ...env } });

  it.skipIf(!existsSync(bin) && process.env.CI !== 'true')('klist on a fixture cache and keytab; no cache → MIT message, status 1, no stack trace', () => {
    cpSync(join(CCACHES, 'v4-tgt.ccache'), join(work, 'bin.ccache'));
    const r = node(['klist', '-e', '-f', '-C', `FILE:${work}/bin.ccache`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(join(CCACHES, 'v4-tgt.ccache.klist.txt'), 'utf8').replace('$WORK/v4-tgt.ccache', `${work}/bin.ccache`));
    expect(r.status).toBe(0);
    const k = node(['klist', '-K', '-e', '-t', '-k', join(KEYTABS, 'several.keytab')]);
    expect(k.stdout.split('\n').slice(1)).toEqual(readFileSync(join(KEYTABS, 'several.keytab.klist.txt'), 'utf8').split('\n').slice(1));
    const none = node(['klist'], { KRB5CCNAME: `FILE:${work}/none` });
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(`klist: No credentials cache found (filename: ${work}/none)\n`);
    expect(node(['klist', '-s'], { KRB5CCNAME: `FILE:${work}/none` })).toMatchObject({ status: 1, stdout: '', stderr: '' });
    expect(node([]).stdout).toMatch(/^tskrb5 .*\n[\s\S]*klist/);
  });

  it('runAsync dispatches the store commands', async () => {
    const err: string[] = [];
    const old = process.env.KRB5CCNAME;
    process.env.KRB5CCNAME = `FILE:${work}/none`;
    try {
      expect(
        await runAsync(
          ['klist', '-s'],
          () => {},
          (s) => err.push(s),
        ),
      ).toBe(1);
      expect(
        await runAsync(
          ['--version'],
          () => {},
          () => {},
        ),
      ).toBe(0);
    } finally {
      if (old === undefined) delete process.env.KRB5CCNAME;
      else process.env.KRB5CCNAME = old;
    }
  });
});
