/**
 * The quick klist path (src/cli/klist/quick.ts), which the executable tries before it loads the
 * whole command line: on every fixture and flag set it answers (it must not simply decline) with
 * the general path's text byte for byte; wherever the general path would say anything else — other
 * options, other cache types, missing, empty, short or malformed files, a bad krb5.conf, records
 * it leaves to the general listing — it declines having written nothing. Through the built
 * executable, its output is MIT klist's on a large cache, and a closed pipe ends it quietly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runKlist } from '../../src/cli/klist/klist.js';
import { quickKlist } from '../../src/cli/klist/quick.js';
import { decodeCcache, encodeCcache, type Ccache, type CcacheCredential } from '../../src/formats/index.js';
import { which } from '../interop/realm.mjs';

const CCACHES = new URL('../../fixtures/mit/ccache/', import.meta.url).pathname;
const RECORDED = new Date('2026-11-25T04:30:00Z');
const IN_CI = process.env.CI === 'true';
const work = mkdtempSync(join(tmpdir(), 'tskrb5-klist-quick-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const BASE_ENV = { TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null', KRB5CCNAME: `FILE:${work}/none` };

const text = (chunks: Uint8Array[] | undefined) => (chunks === undefined ? undefined : Buffer.concat(chunks).toString('utf8'));
const quick = (args: string[], env: Record<string, string | undefined> = {}) => text(quickKlist(args, { env: { ...BASE_ENV, ...env }, now: RECORDED }));

async function general(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runKlist(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
    { env: { ...BASE_ENV, ...env }, now: () => RECORDED, fastListing: false },
  );
  return { status, out: out.length ? out.join('\n') + '\n' : '', err: err.join('\n') };
}

/** The quick path's text, which must be the general path's (status 0, nothing on stderr). */
async function same(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const q = quick(args, env);
  expect(q, `quick path declined: ${args.join(' ')}`).toBeDefined();
  expect({ status: 0, out: q, err: '' }).toEqual(await general(args, env));
  return q!;
}

const FLAGS = [[], ['-e'], ['-f'], ['-e', '-f'], ['-fe'], ['-5', '-e']];
const fixtures = readdirSync(CCACHES).filter((f) => f.endsWith('.ccache'));
const copy = (f: string) => {
  const path = join(work, f);
  writeFileSync(path, readFileSync(join(CCACHES, f)));
  return path;
};

describe("the quick path answers with the general path's text", () => {
  it.each(fixtures)('%s, every flag set', async (f) => {
    const path = copy(f);
    for (const flags of FLAGS) {
      const q = await same(['-c', `FILE:${path}`, ...flags]);
      expect(q).toContain('Valid starting');
      // the operand without -c, and after the flags (GNU getopt permutes)
      expect(quick([...flags, `FILE:${path}`])).toBe(q);
    }
  });

  it('the cache named by KRB5CCNAME, by a bare path, and by default_ccache_name (tokens expanded)', async () => {
    const path = copy('v4-kvno.ccache');
    const byEnv = await same([], { KRB5CCNAME: `FILE:${path}` });
    expect(byEnv).toMatch(new RegExp(`^Ticket cache: FILE:${path}\n`));
    expect(await same([path])).toBe(byEnv);
    const uid = process.getuid!();
    mkdirSync(join(work, `u${uid}`), { recursive: true });
    writeFileSync(join(work, `u${uid}`, 'cc'), readFileSync(path));
    const conf = join(work, 'krb5.conf');
    writeFileSync(conf, `[libdefaults]\n default_ccache_name = FILE:${work}/u%{uid}/cc\n`);
    const q = await same([], { KRB5CCNAME: undefined, KRB5_CONFIG: conf });
    expect(q).toMatch(new RegExp(`^Ticket cache: FILE:${work}/u${uid}/cc\n`));
  });

  it('tickets for other servers: the Ticket server lines, without declining', async () => {
    const cc = decodeCcache(new Uint8Array(readFileSync(join(CCACHES, 'v4-kvno.ccache'))));
    const svc = cc.credentials[1]!;
    const credentials = [...cc.credentials, ...Array.from({ length: 50 }, (_, i) => ({ ...svc, server: { ...svc.server, components: ['HTTP', `h${i}.example`] } }))];
    const path = join(work, 'others.ccache');
    writeFileSync(path, encodeCcache({ ...cc, credentials }));
    for (const flags of FLAGS) expect((await same(['-c', path, ...flags])).match(/\tTicket server: /g)).toHaveLength(50);
  });
});

describe('it declines wherever the general path could say anything else', () => {
  const path = join(work, 'decline.ccache');
  writeFileSync(path, readFileSync(join(CCACHES, 'v4-kvno.ccache')));

  it.each([
    ['-s'],
    ['-A'],
    ['-l'],
    ['-a'],
    ['-a', '-n'],
    ['-d'],
    ['-V'],
    ['-k'],
    ['-t'],
    ['-K'],
    ['-i'],
    ['-4'],
    ['-h'],
    ['-x'],
    ['--json'],
    ['--help'],
    ['--'],
    ['-'],
    [''],
    ['-e', '-s'],
    [path, path],
    ['-C'],
  ])('klist %j (and the cache)', async (...args) => {
    const withCache = args.includes(path) ? args : [...args, path];
    expect(quick(withCache)).toBeUndefined();
  });

  it('-C on a cache with config entries (the general path lists them)', async () => {
    // v4-tgt.ccache holds fast_avail and pa_type entries
    const tgt = copy('v4-tgt.ccache');
    expect(quick(['-C', tgt])).toBeUndefined();
    expect(quick([tgt])).toBeDefined();
  });

  it('other cache types, and a missing, empty, short or foreign file', () => {
    for (const name of [`DIR:${work}`, `DIR::${path}`, 'KCM:', 'KCM:1000', 'MEMORY:x', 'KEYRING:persistent:0', 'API:']) {
      expect(quick([name]), name).toBeUndefined();
    }
    const bytes = readFileSync(path);
    const variants: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['cut in the last record', bytes.subarray(0, bytes.length - 10)],
      ['cut in the header', bytes.subarray(0, 5)],
      ['version 9', Uint8Array.of(5, 9, ...bytes.subarray(2))],
      ['not a cache', new TextEncoder().encode('hello, world\n')],
    ];
    expect(quick([join(work, 'absent')])).toBeUndefined();
    expect(quick([work])).toBeUndefined(); // a directory
    for (const [name, b] of variants) {
      const p = join(work, `v-${name.replace(/\W+/g, '-')}`);
      writeFileSync(p, b);
      expect(quick([p]), name).toBeUndefined();
    }
  });

  it('a krb5.conf with a syntax error, or an include loop', () => {
    const bad = join(work, 'bad.conf');
    writeFileSync(bad, '[libdefaults\n');
    expect(quick([path], { KRB5_CONFIG: bad })).toBeUndefined();
    const loop = join(work, 'loop.conf');
    writeFileSync(loop, `include ${loop}\n`);
    expect(quick([path], { KRB5_CONFIG: loop })).toBeUndefined();
  });

  it('records the in-place listing leaves to the general path', () => {
    const cc = decodeCcache(new Uint8Array(bytesOf('v4-kvno.ccache')));
    const edits: [string, (cs: CcacheCredential[], cc: Ccache) => Ccache][] = [
      ['another client', (cs) => ({ ...cc, credentials: cs.map((c, i) => (i === 1 ? { ...c, client: { ...c.client, components: ['bob'] } } : c)) })],
      ['a name MIT escapes', (cs) => ({ ...cc, credentials: [{ ...cs[1]!, server: { ...cs[1]!.server, components: ['HTTP', 'a/b'] } }] })],
      ['a non-ASCII name', (cs) => ({ ...cc, credentials: [{ ...cs[1]!, server: { ...cs[1]!.server, components: ['HTTP', 'hôte'] } }] })],
      ['a ticket that is not DER', (cs) => ({ ...cc, credentials: [{ ...cs[1]!, ticket: Uint8Array.of(0x61, 0x03, 0x30, 0x01, 0x00) }] })],
      ['a default principal MIT escapes', () => ({ ...cc, defaultPrincipal: { ...cc.defaultPrincipal, components: ['a@b'] } })],
    ];
    for (const [name, edit] of edits) {
      const p = join(work, `e-${name.replace(/\W+/g, '-')}`);
      writeFileSync(p, encodeCcache(edit(cc.credentials, cc)));
      expect(quick([p]), name).toBeUndefined();
    }
  });
});

function bytesOf(f: string): Buffer {
  return readFileSync(join(CCACHES, f));
}

const BIN = new URL(`../../${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).bin.tskrb5}`, import.meta.url).pathname;
const mitKlist = which('klist');

describe.skipIf(!IN_CI && !mitKlist)('on mutated and truncated caches, against MIT klist', () => {
  it('whenever the quick path answers, MIT klist prints the same (status 0)', async () => {
    const v4 = fixtures.filter((f) => bytesOf(f)[1] === 4);
    let answered = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...v4),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom([], ['-e'], ['-f', '-e']),
        (f, edits, cut, flags) => {
          const b = new Uint8Array(bytesOf(f));
          for (const [at, v] of edits) b[at % b.length] = v;
          const bytes = cut % 4 === 0 ? b.subarray(0, cut % (b.length + 1)) : b;
          const path = join(work, 'mutated.ccache');
          writeFileSync(path, bytes);
          const q = quick(['-c', path, ...flags]);
          if (q === undefined) return;
          answered++;
          const m = spawnSync(mitKlist!, ['-c', path, ...flags], { env: { ...process.env, ...BASE_ENV, TZ: 'UTC' }, encoding: 'utf8' });
          expect({ status: 0, out: q, err: '' }).toEqual({ status: m.status, out: m.stdout, err: m.stderr });
        },
      ),
      { numRuns: 200 },
    );
    // most mutations land in ciphertext and keys, which the listing does not read
    expect(answered).toBeGreaterThan(40);
  });
});

describe.skipIf(!IN_CI && (!existsSync(BIN) || !mitKlist))('through the executable', () => {
  const ENV = { ...process.env, TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null' };
  // 2,000 credentials: more than one output chunk
  const cc = decodeCcache(new Uint8Array(bytesOf('v4-kvno.ccache')));
  const svc = cc.credentials[1]!;
  const big = join(work, 'big.ccache');
  writeFileSync(
    big,
    encodeCcache({
      ...cc,
      credentials: [...cc.credentials, ...Array.from({ length: 2000 }, (_, i) => ({ ...svc, server: { ...svc.server, components: ['HTTP', `host${i}.example.com`] } }))],
    }),
  );

  it('prints what MIT klist prints, as the general path does', () => {
    for (const flags of [[], ['-e', '-f']]) {
      const m = spawnSync(mitKlist!, ['-c', big, ...flags], { env: ENV, encoding: 'utf8' });
      const q = spawnSync(process.execPath, [BIN, 'klist', '-c', big, ...flags], { env: ENV, encoding: 'utf8' });
      const g = spawnSync(process.execPath, [BIN, 'klist', '-c', big, ...flags], { env: { ...ENV, TSKRB5_NO_QUICK: '1' }, encoding: 'utf8' });
      expect(m.status).toBe(0);
      expect(m.stdout.length).toBeGreaterThan(100_000);
      expect({ status: q.status, out: q.stdout, err: q.stderr }).toEqual({ status: 0, out: m.stdout, err: '' });
      expect({ status: g.status, out: g.stdout, err: g.stderr }).toEqual({ status: 0, out: m.stdout, err: '' });
    }
  });

  it('a declined call runs the whole klist (its message and status)', () => {
    const r = spawnSync(process.execPath, [BIN, 'klist', '-c', join(work, 'absent')], { env: ENV, encoding: 'utf8' });
    expect({ status: r.status, out: r.stdout, err: r.stderr }).toEqual({ status: 1, out: '', err: `klist: No credentials cache found (filename: ${join(work, 'absent')})\n` });
    // -s: the fixture's tickets have expired; status 1, as MIT's
    expect(spawnSync(mitKlist!, ['-s', '-c', big], { env: ENV }).status).toBe(1);
    expect(spawnSync(process.execPath, [BIN, 'klist', '-s', '-c', big], { env: ENV }).status).toBe(1);
  });

  it('a non-blocking pipe read slowly gets the whole output, in order (EAGAIN)', () => {
    // the parent makes the pipe non-blocking and drains it in small sips, so writes find it full
    const py = [
      'import os, subprocess, sys, time',
      'r, w = os.pipe()',
      'os.set_blocking(w, False)',
      'p = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'out = bytearray()',
      'while True:',
      '    b = os.read(r, 4096)',
      '    if not b: break',
      '    out += b',
      '    time.sleep(0.0005)',
      'sys.stdout.buffer.write(out)',
      'sys.exit(p.wait())',
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', py, process.execPath, BIN, 'klist', '-c', big], { env: ENV, encoding: 'utf8', maxBuffer: 1 << 26 });
    const m = spawnSync(mitKlist!, ['-c', big], { env: ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(m.stdout);
  });

  it('a closed pipe ends the output quietly', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" klist -c "${big}" | head -n 1; echo "status \${PIPESTATUS[0]}"`], { env: ENV, encoding: 'utf8' });
    expect(r.stdout).toBe(`Ticket cache: FILE:${big}\nstatus 0\n`);
    expect(r.stderr).toBe('');
  });
});
