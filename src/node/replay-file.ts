/**
 * The replay cache shared by every process of the host, in files, with no locks (Node has none):
 * what MIT's file replay cache (rcache2) is to MIT's acceptors, for workers of node:cluster, PM2
 * or containers that share a directory.
 *
 * **Where.** `KRB5RCACHEDIR`, else `TMPDIR`, else `/var/tmp` — MIT's rule (`rc_dfl.c`); one set
 * of files per user (euid) and service principal, one file per minute of authenticator time:
 * `tskrb5_rc1_<euid>_<service, %-escaped>_<window start, epoch seconds>`. MIT's own file
 * (`krb5_<euid>.rcache2`) is a different name and format: MIT's acceptors and ours do not share
 * one. `KRB5RCACHETYPE=none` turns the cache off, as MIT; `dfl` and `file2` are this store.
 *
 * **How, without locks.** A replay of an authenticator has its ciphertext, so its tag and its
 * time, so it lands in the same file. To record a tag, a process appends one 32-byte record
 * (the tag, its own random 64-bit writer id, the time, a magic and a checksum) with one
 * `write()` to the file opened `O_APPEND` — the kernel orders appends to one file totally, and
 * never interleaves them — then reads the file from the last offset it had read to the end. The
 * tag is new only if its first record in file order is this process's own: two processes racing
 * on one token both append, both read the same order, and agree that whoever was first has it.
 * Each process keeps the tags it has read in memory (a {@link TagSet} per file), so an accept
 * costs one write, one read of the bytes appended since (its own record and other processes'),
 * and O(1) in memory; a tag it already holds is refused with no I/O.
 *
 * **Torn and short records.** A read consumes whole records only: the tail of a record still
 * being written is read again next time. A record that is whole but wrong (a `write()` cut
 * short by a full disk, a crash) fails its checksum; the reader then moves one byte at a time to
 * the next valid record, so later records are never misread. Nothing is decided on a record that
 * has not been read whole and valid; a write that did not complete is a refusal.
 *
 * **Expiry.** A process forgets a file's tags (and closes it) once every authenticator of its
 * minute is older than the clock skew; files are deleted, by whichever process lists the
 * directory when it opens a new minute, a further skew plus a minute later (so that processes
 * configured with up to twice the skew still find them).
 *
 * **Limits.** Appends are totally ordered on a local file system (ext4, xfs, btrfs, tmpfs); not
 * over NFS — use Redis for several hosts. All processes sharing a directory should use the same
 * clock skew. Like MIT's file, a directory others can write to (the default `/var/tmp`) lets a
 * local user pre-create a file under our name, which this store refuses (it must be ours and not
 * writable by others): a denial of service, not a replay. Set `KRB5RCACHEDIR` to a directory of
 * the service's own.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fstatSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, ReplayCacheError } from '../errors.js';
import { cacheFullError, DEFAULT_MAX_ENTRIES, tagSeed, type ReplayCacheStats, type ReplayEntry, type ReplayStore } from '../ap/replay-cache.js';
import { TagSet, tagWords } from '../util/tag-set.js';

/** Seconds of authenticator time per file. */
export const REPLAY_FILE_WINDOW_SEC = 60;
/** Bytes of one record. */
export const REPLAY_RECORD_BYTES = 32;
const MAGIC = 0x746b7231; // "tkr1"
const PREFIX = 'tskrb5_rc1_';
const GRACE_SEC = 60;

/** FNV-1a over the first 28 bytes of the record at `p`. */
function recordSum(b: Uint8Array, p: number): number {
  let h = 0x811c9dc5;
  for (let i = p; i < p + 28; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

function put32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
}

/** Whether a whole, valid record starts at `p`. */
function validRecord(b: Uint8Array, p: number): boolean {
  return u32(b, p + 24) === MAGIC && u32(b, p + 28) === recordSum(b, p);
}

/**
 * Encodes one record: tag (12) | writer id (8) | time, seconds (4) | magic "tkr1" (4) | FNV-1a
 * of the first 28 bytes (4). Exported for tests, which write records of their own.
 */
export function encodeReplayRecord(tag: Uint8Array, writer: Uint8Array, timeSec: number, out: Uint8Array = new Uint8Array(REPLAY_RECORD_BYTES)): Uint8Array {
  out.set(tag.subarray(0, 12), 0);
  out.set(writer.subarray(0, 8), 12);
  put32(out, 20, timeSec >>> 0);
  put32(out, 24, MAGIC);
  put32(out, 28, recordSum(out, 0));
  return out;
}

/** A service principal as a file name part: letters, digits, `.` and `-` kept, the rest %-escaped (UTF-8). */
export function replayFileService(server: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(server)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9.-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // a name too long for a file system: its hash instead
  return out.length <= 160 ? out : `sha256-${createHash('sha256').update(server).digest('hex')}`;
}

/** The directory MIT's replay cache uses: `KRB5RCACHEDIR`, else `TMPDIR`, else `/var/tmp`. */
export function replayCacheDir(env: Record<string, string | undefined> = process.env): string {
  return env.KRB5RCACHEDIR || env.TMPDIR || '/var/tmp';
}

interface Window {
  readonly start: number;
  readonly path: string;
  readonly fd: number;
  /** The first byte not yet read whole (records and skipped garbage before it). */
  offset: number;
  readonly set: TagSet;
}

/** Options of {@link FileReplayCache}. */
export interface FileReplayCacheOptions {
  /** The directory (default {@link replayCacheDir}: `KRB5RCACHEDIR`, else `TMPDIR`, else `/var/tmp`). */
  dir?: string;
  /**
   * The clock skew it serves, seconds (default 300; the acceptor's `clockSkewSec`): tags are
   * kept that long past their time, and an authenticator further from now is refused with
   * `ERR_REPLAY_CACHE_SKEW` (it could not be kept).
   */
  clockSkewSec?: number;
  /** Tags held in memory at most (this process's and the others' it has read); at the bound new authenticators are refused. */
  maxEntries?: number;
  /** Environment for the default directory (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** What a {@link FileReplayCache} has done. */
export interface FileReplayCacheStats extends ReplayCacheStats {
  /** Files open (minutes of authenticator time live). */
  files: number;
  /** Records read (this process's and the others'). */
  recordsRead: number;
  /** Bytes skipped as not a valid record (short writes). */
  bytesSkipped: number;
  /** Files of expired minutes this process deleted. */
  filesRemoved: number;
}

const euid = (): number => (typeof process.geteuid === 'function' ? process.geteuid() : -1);

/**
 * The host-shared replay cache (see the module): synchronous, so `Krb5Acceptor.accept` and
 * `negotiateMiddleware` stay synchronous. `negotiateMiddleware` uses one by default
 * ({@link defaultReplayCache}).
 * @example
 * ```ts
 * const replayCache = new FileReplayCache({ dir: '/run/myapp/rcache' })
 * app.use(negotiateMiddleware({ keytab, replayCache }))
 * ```
 */
export class FileReplayCache implements ReplayStore {
  readonly dir: string;
  readonly clockSkewSec: number;
  readonly maxEntries: number;
  readonly #euid = euid();
  readonly #writer = new Uint8Array(randomBytes(8));
  readonly #w0: number;
  readonly #w1: number;
  readonly #seed = tagSeed();
  readonly #windows = new Map<string, Window>();
  readonly #buf = new Uint8Array(64 * 1024);
  readonly #rec = new Uint8Array(REPLAY_RECORD_BYTES);
  #newest = Number.NEGATIVE_INFINITY;
  #expireAt = Number.NEGATIVE_INFINITY;
  #size = 0;
  #accepted = 0;
  #replays = 0;
  #full = 0;
  #read = 0;
  #skipped = 0;
  #removed = 0;

  constructor(o: FileReplayCacheOptions = {}) {
    this.dir = o.dir ?? replayCacheDir(o.env);
    this.clockSkewSec = o.clockSkewSec ?? 300;
    this.maxEntries = o.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!(this.clockSkewSec >= 0)) throw new RangeError(`clockSkewSec must be a number of seconds, got ${this.clockSkewSec}`);
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
    try {
      accessSync(this.dir, constants.W_OK | constants.X_OK);
    } catch (e) {
      throw new ConfigError(
        `the replay cache directory ${this.dir} (KRB5RCACHEDIR, else TMPDIR, else /var/tmp) cannot be written: ${(e as Error).message}; set KRB5RCACHEDIR to a directory of the service's own, or KRB5RCACHETYPE=none to run without a replay cache`,
        {},
        { cause: e, code: 'ERR_REPLAY_CACHE_DIR' },
      );
    }
    this.#w0 = u32(this.#writer, 0);
    this.#w1 = u32(this.#writer, 4);
  }

  /** Records the authenticator; false for a replay (here, or in another process first). */
  check(entry: ReplayEntry, now: number): boolean {
    const skewMs = this.clockSkewSec * 1000;
    if (Math.abs(entry.time - now) > skewMs) {
      throw new ReplayCacheError(
        `the authenticator's time is ${Math.round((entry.time - now) / 1000)} s from now, beyond the ${this.clockSkewSec} s this replay cache keeps (give it the acceptor's clockSkewSec)`,
        { code: 'ERR_REPLAY_CACHE_SKEW' },
      );
    }
    if (now >= this.#expireAt) this.#expire(now);
    const timeSec = Math.floor(entry.time / 1000);
    const start = timeSec - (((timeSec % REPLAY_FILE_WINDOW_SEC) + REPLAY_FILE_WINDOW_SEC) % REPLAY_FILE_WINDOW_SEC);
    const w = this.#window(entry.server, start, now);
    const [a, b, c] = tagWords(entry.tag);
    if (w.set.has(a, b, c)) {
      this.#replays++;
      return false;
    }
    if (this.#size >= this.maxEntries) {
      this.#expire(now);
      if (this.#size >= this.maxEntries) {
        this.#full++;
        throw cacheFullError(this.maxEntries, `of ${this.dir} `);
      }
    }
    const rec = encodeReplayRecord(entry.tag, this.#writer, timeSec, this.#rec);
    let n: number;
    try {
      n = writeSync(w.fd, rec);
    } catch (e) {
      throw this.#io(`cannot append to ${w.path}: ${(e as Error).message}`, e);
    }
    if (n !== REPLAY_RECORD_BYTES) throw this.#io(`a short write to ${w.path} (${n} of ${REPLAY_RECORD_BYTES} bytes: is the disk full?)`);
    const mine = this.#catchUp(w, a, b, c);
    if (mine === undefined) throw this.#io(`the record just appended to ${w.path} is not there (was the file removed?)`);
    if (mine) this.#accepted++;
    else this.#replays++;
    return mine;
  }

  #io(message: string, cause?: unknown): ReplayCacheError {
    return new ReplayCacheError(message, cause === undefined ? { code: 'ERR_REPLAY_CACHE_IO' } : { code: 'ERR_REPLAY_CACHE_IO', cause });
  }

  /**
   * Reads the window's file from its offset to the end, whole valid records only, into its tag
   * set. With a tag: whether its first record among those read is this process's (undefined
   * when none was read).
   */
  #catchUp(w: Window, a?: number, b?: number, c?: number): boolean | undefined {
    const buf = this.#buf;
    const R = REPLAY_RECORD_BYTES;
    let decided: boolean | undefined;
    for (;;) {
      let n: number;
      try {
        n = readSync(w.fd, buf, 0, buf.length, w.offset);
      } catch (e) {
        throw this.#io(`cannot read ${w.path}: ${(e as Error).message}`, e);
      }
      let p = 0;
      while (p + R <= n) {
        if (!validRecord(buf, p)) {
          // a short write's remains: on to the next valid record, a byte at a time
          p++;
          this.#skipped++;
          continue;
        }
        const t0 = u32(buf, p);
        const t1 = u32(buf, p + 4);
        const t2 = u32(buf, p + 8);
        if (w.set.add(t0, t1, t2)) this.#size++;
        if (decided === undefined && a !== undefined && t0 === a && t1 === b && t2 === c) {
          decided = u32(buf, p + 12) === this.#w0 && u32(buf, p + 16) === this.#w1;
        }
        this.#read++;
        p += R;
      }
      w.offset += p;
      if (n < buf.length) return decided;
    }
  }

  #window(server: string, start: number, now: number): Window {
    const key = `${start} ${server}`;
    const open = this.#windows.get(key);
    if (open) return open;
    const path = join(this.dir, `${PREFIX}${this.#euid >= 0 ? this.#euid : 'x'}_${replayFileService(server)}_${start}`);
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0), 0o600);
    } catch (e) {
      throw this.#io(`cannot open the replay cache file ${path}: ${(e as Error).message}`, e);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw this.#io(`the replay cache file ${path} is not a regular file`);
      if (this.#euid >= 0 && st.uid !== this.#euid)
        throw this.#io(`the replay cache file ${path} is not owned by uid ${this.#euid} (set KRB5RCACHEDIR to a directory of the service's own)`);
      if (st.mode & 0o022) throw this.#io(`the replay cache file ${path} can be written by others (mode ${(st.mode & 0o777).toString(8)})`);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    const w: Window = { start, path, fd, offset: 0, set: new TagSet(this.#seed) };
    this.#windows.set(key, w);
    try {
      this.#catchUp(w);
    } catch (e) {
      this.#drop(key, w);
      throw e;
    }
    if (start > this.#newest) {
      this.#newest = start;
      this.#removeOld(now);
    }
    return w;
  }

  #drop(key: string, w: Window): void {
    this.#windows.delete(key);
    this.#size -= w.set.size;
    try {
      closeSync(w.fd);
    } catch {
      // closed already
    }
  }

  /** Forgets the files whose every authenticator is past the skew (at most once a second). */
  #expire(now: number): void {
    const skewMs = this.clockSkewSec * 1000;
    for (const [k, w] of this.#windows) if ((w.start + REPLAY_FILE_WINDOW_SEC) * 1000 + skewMs <= now) this.#drop(k, w);
    this.#expireAt = now + 1000;
  }

  /** Deletes this user's files of minutes long past (any service): a skew and a minute past what {@link #expire} forgets. */
  #removeOld(now: number): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const mine = `${PREFIX}${this.#euid >= 0 ? this.#euid : 'x'}_`;
    // old by the acceptor's clock and by the real one: an acceptor given a clock of its own (a
    // test) never deletes what the host's other processes still use, nor its own live files
    const limit = Math.min(now, Date.now()) / 1000 - REPLAY_FILE_WINDOW_SEC - 2 * this.clockSkewSec - GRACE_SEC;
    for (const name of names) {
      if (!name.startsWith(mine)) continue;
      const start = Number(name.slice(name.lastIndexOf('_') + 1));
      if (!Number.isSafeInteger(start) || start > limit) continue;
      try {
        unlinkSync(join(this.dir, name));
        this.#removed++;
      } catch {
        // another process removed it first
      }
    }
  }

  /** Tags held in memory. */
  get size(): number {
    return this.#size;
  }

  /** Counts since it was made. */
  stats(): FileReplayCacheStats {
    let bytes = 0;
    for (const w of this.#windows.values()) bytes += w.set.bytes;
    return {
      entries: this.#size,
      maxEntries: this.maxEntries,
      accepted: this.#accepted,
      replays: this.#replays,
      refusedFull: this.#full,
      bytes,
      files: this.#windows.size,
      recordsRead: this.#read,
      bytesSkipped: this.#skipped,
      filesRemoved: this.#removed,
    };
  }

  /** Closes its files (the files stay, for the other processes). */
  close(): void {
    for (const [k, w] of this.#windows) this.#drop(k, w);
  }
}

const shared = new Map<string, FileReplayCache>();

/** Options of {@link defaultReplayCache}. */
export interface DefaultReplayCacheOptions {
  /** Environment (default `process.env`): `KRB5RCACHETYPE`, `KRB5RCACHENAME`, `KRB5RCACHEDIR`, `TMPDIR`. */
  env?: Record<string, string | undefined>;
  /** The acceptor's clock skew, seconds (default 300). */
  clockSkewSec?: number;
  maxEntries?: number;
}

/**
 * The replay cache a Node server uses when given none, as MIT chooses one: `KRB5RCACHENAME`
 * (`type:residual`) or `KRB5RCACHETYPE` (default `dfl`); `none` → `false` (no replay cache);
 * `dfl` or `file2` → the host-shared {@link FileReplayCache} in `KRB5RCACHEDIR` (else `TMPDIR`,
 * else `/var/tmp`), one per directory and settings in this process. Any other type, or
 * `file2:PATH` (one file of MIT's own format), is a `ConfigError`, thrown when the server is
 * made.
 * @example
 * ```ts
 * const rc = defaultReplayCache() // KRB5RCACHETYPE=none → false
 * ```
 */
export function defaultReplayCache(o: DefaultReplayCacheOptions = {}): FileReplayCache | false {
  const env = o.env ?? process.env;
  let type = env.KRB5RCACHETYPE || 'dfl';
  let residual = '';
  const name = env.KRB5RCACHENAME;
  if (name) {
    const colon = name.indexOf(':');
    if (colon < 0) throw new ConfigError(`KRB5RCACHENAME=${name}: not type:residual`, {}, { code: 'ERR_REPLAY_CACHE_TYPE' });
    type = name.slice(0, colon);
    residual = name.slice(colon + 1);
  }
  if (type === 'none') return false;
  if (type === 'file2' && residual) {
    throw new ConfigError(
      `KRB5RCACHENAME=${name} names one file of MIT's format; tskrb5's file store keeps a file per service and minute in a directory: set KRB5RCACHEDIR instead`,
      {},
      { code: 'ERR_REPLAY_CACHE_TYPE' },
    );
  }
  if (type !== 'dfl' && type !== 'file2') {
    throw new ConfigError(`replay cache type ${type} (KRB5RCACHETYPE / KRB5RCACHENAME) is unknown: dfl, file2 or none`, {}, { code: 'ERR_REPLAY_CACHE_TYPE' });
  }
  const dir = replayCacheDir(env);
  const skew = o.clockSkewSec ?? 300;
  const max = o.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const key = `${dir}\0${skew}\0${max}`;
  let rc = shared.get(key);
  if (!rc) {
    rc = new FileReplayCache({ dir, clockSkewSec: skew, maxEntries: max });
    shared.set(key, rc);
  }
  return rc;
}
