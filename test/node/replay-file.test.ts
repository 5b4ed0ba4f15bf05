/**
 * The host-shared file replay cache (src/node/replay-file.ts), with no Kerberos peer needed: the
 * protocol (append, then read; the first record of a tag in file order decides) between
 * instances in one process and between real processes racing on one file (4 processes × 20,000
 * tags started at one instant, every tag accepted exactly once), a kill -9 in the middle (nothing
 * accepted twice, nothing lost), torn and short records, the bound, the skew, old files removed,
 * files not ours refused, and MIT's environment (KRB5RCACHETYPE, KRB5RCACHENAME, KRB5RCACHEDIR,
 * TMPDIR). The same store behind negotiateMiddleware with MIT-issued tickets:
 * test/http/replay-interop.test.ts.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayEntry } from '../../src/ap/index.js';
import { ConfigError, ReplayCacheError } from '../../src/errors.js';
import { defaultReplayCache, encodeReplayRecord, FileReplayCache, REPLAY_RECORD_BYTES, replayCacheDir, replayFileService } from '../../src/node/replay-file.js';

const SERVER = 'HTTP/www.example.com@EXAMPLE.COM';
// a few seconds ago: files are deleted only when old by the store's clock and by the real one
const T0 = Math.floor(Date.now() / 1000) * 1000 - 5000;
const tag = (n: number) => new Uint8Array(createHash('sha256').update(`authenticator ${n}`).digest().subarray(0, 12));
const entry = (n: number, time = T0, server = SERVER): ReplayEntry => ({ tag: tag(n), time, expires: time + 300_000, server });
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tskrb5-rc-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const euid = process.geteuid!();
const fileOf = (dir: string, time = T0, server = SERVER) => join(dir, `tskrb5_rc1_${euid}_${replayFileService(server)}_${Math.floor(time / 1000 / 60) * 60}`);
const records = (path: string) => readFileSync(path).length / REPLAY_RECORD_BYTES;
const otherWriter = Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]);

describe('FileReplayCache in one process', () => {
  it('two instances (two processes, as far as the protocol knows) refuse each other’s replays; a replay known in memory costs no write', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    const b = new FileReplayCache({ dir });
    expect(a.check(entry(1), T0)).toBe(true);
    expect(b.check(entry(1), T0)).toBe(false);
    expect(a.check(entry(1), T0)).toBe(false);
    expect(b.check(entry(2), T0)).toBe(true);
    expect(a.check(entry(2), T0 + 5)).toBe(false);
    const path = fileOf(dir);
    expect(records(path)).toBe(3); // a's 1, b's 1 (refused after reading a's first), b's 2
    expect(a.check(entry(1), T0)).toBe(false); // known: nothing written
    expect(records(path)).toBe(3);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(a.stats()).toMatchObject({ accepted: 1, replays: 3, entries: 2, files: 1 });
    // a third instance, new (a restarted worker), reads the file whole
    const c = new FileReplayCache({ dir });
    expect(c.check(entry(1), T0)).toBe(false);
    expect(c.check(entry(2), T0)).toBe(false);
    expect(records(path)).toBe(3);
  });

  it('the first record of a tag in file order decides: another writer’s record before ours → refused, ours first → accepted (the two sides of a race)', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    expect(a.check(entry(0), T0)).toBe(true); // opens the file
    // another process appended tag 1 after a last read, before a's own append
    appendFileSync(fileOf(dir), encodeReplayRecord(tag(1), otherWriter, T0 / 1000));
    expect(a.check(entry(1), T0)).toBe(false);
    // a appends tag 2 first; the other process's record of it comes after: a has it
    expect(a.check(entry(2), T0)).toBe(true);
    appendFileSync(fileOf(dir), encodeReplayRecord(tag(2), otherWriter, T0 / 1000));
    expect(a.check(entry(2), T0)).toBe(false);
    expect(a.stats()).toMatchObject({ accepted: 2, replays: 2 });
  });

  it('a record still being written (a torn tail) is read again, not skipped: the tag its writer got first stays its', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    expect(a.check(entry(0), T0)).toBe(true);
    const rec = encodeReplayRecord(tag(7), otherWriter, T0 / 1000);
    appendFileSync(fileOf(dir), rec.subarray(0, 13));
    // b opens the file now: one whole record and 13 bytes of the next
    const b = new FileReplayCache({ dir });
    expect(b.check(entry(0), T0)).toBe(false);
    // (b's refusal of 0 wrote nothing: 0 was known from the read)
    appendFileSync(fileOf(dir), rec.subarray(13));
    // the other writer finished; its tag 7 was first: b refuses it
    expect(b.check(entry(7), T0)).toBe(false);
    expect(b.stats()).toMatchObject({ accepted: 0, bytesSkipped: 0 });
  });

  it('a short write (a full disk, a crash) leaves bytes that are skipped to the next valid record: nothing after it is misread', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    expect(a.check(entry(0), T0)).toBe(true);
    appendFileSync(fileOf(dir), encodeReplayRecord(tag(500), otherWriter, T0 / 1000).subarray(0, 13));
    // a's next records come after the 13 stray bytes
    for (let n = 1; n <= 20; n++) expect(a.check(entry(n), T0)).toBe(true);
    // a new reader finds all of them, and never tag 500 (its record was never whole)
    const b = new FileReplayCache({ dir });
    for (let n = 0; n <= 20; n++) expect(b.check(entry(n), T0), `tag ${n}`).toBe(false);
    expect(b.stats().bytesSkipped).toBe(13);
    expect(b.check(entry(500), T0)).toBe(true);
    // garbage in the middle of a record's place, too
    appendFileSync(fileOf(dir), new Uint8Array(40).fill(0x74));
    expect(a.check(entry(21), T0)).toBe(true);
    expect(b.check(entry(21), T0)).toBe(false);
  });

  it('one file per service and minute of authenticator time; a replay lands in its own minute’s file', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    expect(a.check(entry(1, T0), T0)).toBe(true);
    expect(a.check(entry(1, T0 + 60_000), T0 + 60_000)).toBe(true); // another minute: another file
    expect(a.check(entry(1, T0, 'HTTP/other@EXAMPLE.COM'), T0)).toBe(true);
    const b = new FileReplayCache({ dir });
    expect(b.check(entry(1, T0), T0 + 60_000)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([fileOf(dir, T0), fileOf(dir, T0 + 60_000), fileOf(dir, T0, 'HTTP/other@EXAMPLE.COM')].map((p) => p.slice(dir.length + 1)).sort());
    expect(replayFileService('HTTP/www.example.com@EXAMPLE.COM')).toBe('HTTP%2Fwww.example.com%40EXAMPLE.COM');
    expect(replayFileService('a_b/ü@R')).toBe('a%5Fb%2F%C3%BC%40R');
    expect(replayFileService(`HTTP/${'x'.repeat(200)}@R`)).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it('at its bound it refuses new authenticators (ERR_REPLAY_CACHE_FULL), counted; an authenticator beyond its skew is refused (ERR_REPLAY_CACHE_SKEW)', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir, maxEntries: 5 });
    for (let n = 0; n < 5; n++) expect(a.check(entry(n), T0)).toBe(true);
    expect(() => a.check(entry(5), T0)).toThrow(expect.objectContaining({ code: 'ERR_REPLAY_CACHE_FULL' }));
    expect(a.check(entry(4), T0)).toBe(false);
    expect(a.stats()).toMatchObject({ refusedFull: 1, accepted: 5, replays: 1 });
    const e = (() => {
      try {
        a.check(entry(9, T0 - 301_000), T0);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ReplayCacheError);
    expect(e).toMatchObject({ code: 'ERR_REPLAY_CACHE_SKEW' });
    expect(new FileReplayCache({ dir, clockSkewSec: 600 }).check(entry(9, T0 - 301_000), T0)).toBe(true);
  });

  it('forgets a minute once its authenticators are past the skew, and deletes files a skew and a minute later (any service of this user; not others’)', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    const start = Math.floor(T0 / 60_000) * 60;
    const name = (s: number, svc = 'HTTP%2Fold%40R', uid = euid) => `tskrb5_rc1_${uid}_${svc}_${s}`;
    // a file of 12 minutes ago, one of 11 (not yet: 60 + 2×300 + 60 = 720 s past its end), another user's, something else
    writeFileSync(join(dir, name(start - 780)), '');
    writeFileSync(join(dir, name(start - 660)), '');
    writeFileSync(join(dir, name(start - 780, 'HTTP%2Fold%40R', euid + 1)), '');
    writeFileSync(join(dir, 'krb5_0.rcache2'), '');
    expect(a.check(entry(1), T0)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([name(start - 660), name(start - 780, 'HTTP%2Fold%40R', euid + 1), 'krb5_0.rcache2', fileOf(dir).slice(dir.length + 1)].sort());
    expect(a.stats()).toMatchObject({ files: 1, filesRemoved: 1 });
    // 6 minutes on (past T0's minute + skew): the old minute is closed and forgotten, the new one open
    const later = T0 + 361_000;
    expect(a.check(entry(2, later), later)).toBe(true);
    expect(a.stats()).toMatchObject({ files: 1, entries: 1 });
  });

  it('a store given a clock of its own (an hour ahead) deletes no file the real clock says is live', () => {
    const dir = tmp();
    const a = new FileReplayCache({ dir });
    expect(a.check(entry(1), T0)).toBe(true);
    const ahead = T0 + 3_600_000;
    const b = new FileReplayCache({ dir });
    expect(b.check(entry(2, ahead), ahead)).toBe(true);
    expect(b.stats().filesRemoved).toBe(0);
    expect(readdirSync(dir)).toContain(fileOf(dir).slice(dir.length + 1));
    expect(new FileReplayCache({ dir }).check(entry(1), T0)).toBe(false);
  });

  it('a file that is not ours, or that others can write, is refused (ERR_REPLAY_CACHE_IO), as MIT refuses one not owned by the euid', () => {
    const dir = tmp();
    writeFileSync(fileOf(dir), '', { mode: 0o666 });
    chmodSync(fileOf(dir), 0o666);
    expect(() => new FileReplayCache({ dir }).check(entry(1), T0)).toThrow(
      expect.objectContaining({ code: 'ERR_REPLAY_CACHE_IO', message: expect.stringMatching(/written by others/) }),
    );
    if (euid === 0) {
      chmodSync(fileOf(dir), 0o600);
      chownSync(fileOf(dir), 1000, 1000);
      expect(() => new FileReplayCache({ dir }).check(entry(1), T0)).toThrow(expect.objectContaining({ message: expect.stringMatching(/not owned by uid 0/) }));
    }
  });
});

describe("MIT's environment: KRB5RCACHETYPE, KRB5RCACHENAME, KRB5RCACHEDIR", () => {
  it('KRB5RCACHEDIR, else TMPDIR, else /var/tmp (rc_dfl.c)', () => {
    expect(replayCacheDir({ KRB5RCACHEDIR: '/a', TMPDIR: '/b' })).toBe('/a');
    expect(replayCacheDir({ TMPDIR: '/b' })).toBe('/b');
    expect(replayCacheDir({})).toBe('/var/tmp');
    const dir = tmp();
    const rc = defaultReplayCache({ env: { KRB5RCACHEDIR: dir } });
    expect(rc).toBeInstanceOf(FileReplayCache);
    expect((rc as FileReplayCache).dir).toBe(dir);
    expect(defaultReplayCache({ env: { KRB5RCACHEDIR: dir } })).toBe(rc); // one per directory in a process
    expect(defaultReplayCache({ env: { KRB5RCACHEDIR: dir, KRB5RCACHETYPE: 'file2' } })).toBe(rc);
  });

  it('none turns it off; an unknown type, file2:PATH or a directory that cannot be written fails when the server is made', () => {
    expect(defaultReplayCache({ env: { KRB5RCACHETYPE: 'none' } })).toBe(false);
    expect(defaultReplayCache({ env: { KRB5RCACHENAME: 'none:' } })).toBe(false);
    expect(() => defaultReplayCache({ env: { KRB5RCACHETYPE: 'memory' } })).toThrow(ConfigError);
    expect(() => defaultReplayCache({ env: { KRB5RCACHENAME: 'file2:/var/tmp/x' } })).toThrow(/set KRB5RCACHEDIR instead/);
    expect(() => defaultReplayCache({ env: { KRB5RCACHEDIR: '/nonexistent/rcache' } })).toThrow(expect.objectContaining({ code: 'ERR_REPLAY_CACHE_DIR' }));
  });
});

describe('FileReplayCache across processes', () => {
  const WORKER = new URL('./replay-race-worker.mjs', import.meta.url).pathname;
  /** `n` processes check the same `count` tags from one instant; `kill`: the first to have accepted `after` is killed (-9). */
  const run = async (dir: string, n: number, count: number, kill?: { after: number }) => {
    const startAt = Date.now() + 1500;
    const time = Date.now();
    const procs = Array.from({ length: n }, () => spawn(process.execPath, [WORKER, dir, String(count), String(startAt), String(time)], { stdio: ['ignore', 'pipe', 'inherit'] }));
    const accepted = procs.map(() => [] as number[]);
    const done = procs.map(() => '' as string);
    let killed = -1;
    await Promise.all(
      procs.map(
        (p, i) =>
          new Promise<void>((resolve) => {
            createInterface({ input: p.stdout! }).on('line', (l) => {
              if (l.startsWith('DONE')) done[i] = l;
              else if (l !== 'READY') {
                accepted[i]!.push(Number(l));
                if (kill && killed < 0 && accepted[i]!.length === kill.after) {
                  killed = i;
                  p.kill('SIGKILL');
                }
              }
            });
            p.once('exit', () => resolve());
          }),
      ),
    );
    const raced = readdirSync(dir).reduce((k, f) => k + records(join(dir, f)), 0) - count;
    return { accepted, done, time, killed, raced };
  };

  it('4 processes race on 20,000 tags in one file from one instant: each tag accepted exactly once', { timeout: 120_000 }, async () => {
    const dir = tmp();
    const { accepted, done, raced } = await run(dir, 4, 20_000);
    expect(done.every((d) => d.startsWith('DONE'))).toBe(true);
    const all = accepted.flat();
    expect(all.length).toBe(20_000);
    expect(new Set(all).size).toBe(20_000);
    // they did race: more than one process accepted some
    expect(accepted.filter((a) => a.length > 0).length).toBeGreaterThan(1);
    // (raced: tags two processes appended before either read the other's record — resolved by file order)
    console.log(`file store race: accepted per process ${accepted.map((a) => a.length).join(' / ')}; ${raced} tags appended twice in a true race`);
  });

  it('kill -9 of one process in the middle: nothing accepted twice, and every tag any process may have accepted is refused afterwards', { timeout: 120_000 }, async () => {
    const dir = tmp();
    const { accepted, done, time, killed } = await run(dir, 3, 20_000, { after: 100 });
    expect(killed).toBeGreaterThanOrEqual(0);
    expect(done[killed]).toBe('');
    expect(done.filter((_d, i) => i !== killed).every((d) => d.startsWith('DONE'))).toBe(true);
    const all = accepted.flat();
    expect(new Set(all).size).toBe(all.length);
    // a process started afterwards refuses every one of the 20,000: none was lost
    const fresh = new FileReplayCache({ dir });
    let refused = 0;
    for (let i = 0; i < 20_000; i++) if (!fresh.check({ tag: tag(i), time, expires: time + 300_000, server: 'HTTP/race.test@TSKRB5.TEST' }, Date.now())) refused++;
    expect(refused).toBe(20_000);
    // and the survivors accepted all but those the killed one had (at most one of which it had not yet said)
    expect(all.length).toBeGreaterThanOrEqual(20_000 - 1);
  });
});
