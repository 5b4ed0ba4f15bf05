/**
 * `FILE:` caches over `tskrb5/formats`' codec, shared with MIT krb5's tools and written as
 * they write them:
 *
 * - **Storing a credential appends it in place**, as MIT's `fcc_store` does: the file is opened
 *   `O_RDWR | O_APPEND`, its version read, and the record (in that version's encoding, v1/v2
 *   in host order included) written with one `write()`, which the kernel serializes with every
 *   other append to the file, MIT's included (MIT also takes an fcntl lock, which Node cannot;
 *   none is needed between appends). Then the path is checked to still name the file appended
 *   to: if another writer replaced it meanwhile, the credential is appended to the new file
 *   unless it is already there or the new file is someone else's cache.
 * - **Replacing the cache** (`initialize`, with or without credentials) writes a new file and
 *   renames it over the old one (temp file + rename, mode 0600), as MIT's kinit does: a reader
 *   never sees half a cache and a failed write loses nothing.
 * - **Removing credentials** rewrites the file the same way, but merges: right before the
 *   rename the file is checked unchanged since it was read (inode, size, mtime; on Linux also
 *   that no process holds or awaits MIT's exclusive lock on it, `/proc/locks`), else it is read
 *   again and the change redone; after the rename, records another writer appended to the old
 *   file in the meantime are carried over to the new one.
 * - Readers stop at a record cut short at the end of the file, as MIT's reader does (a writer
 *   in the middle of its append, or one killed during it); an append waits for such a record to
 *   complete, and rewrites the file without it when it never does.
 * - A file owned by another user is refused for writing (`ERR_CCACHE_PERMISSION`, MIT's
 *   "Credentials cache permissions incorrect"): a cache planted in a shared sticky directory
 *   would otherwise receive our tickets. Root may write any user's cache, as with MIT's tools
 *   (a rewrite keeps the file's owner).
 *
 * The version of an existing file is kept when it is 3 or 4 on a rewrite (older ones are
 * rewritten as 4; appends keep every version); new files are version 4, as MIT writes them.
 * @module
 */
import { constants, promises as fsp, type BigIntStats, type Stats } from 'node:fs';
import { DecodeError, KerberosError } from '../../errors.js';
import {
  CCACHE_TRUNCATED,
  allCredentials,
  ccacheRecords,
  decodeCcache,
  type CcacheRecords,
  encodeCcache,
  encodeCcacheCredential,
  withCredentials,
  type Ccache,
  type CcacheHeaderField,
} from '../../formats/index.js';
import { atomicWrite, removeTempFiles, type AtomicWriteOptions } from '../atomic-write.js';
import { waitUnlocked, writeLocked } from './locks.js';
import { samePrincipal, type CcacheCredential, type CcacheSnapshot, type CcacheStore } from './types.js';
import type { Principal } from '../../messages/index.js';

/** The whole-file codec (replaceable for tests). */
export interface CcacheFileCodec {
  decode(bytes: Uint8Array): Ccache;
  /** The header and principal now, the records as they are iterated (default: from `decode`). */
  records?(bytes: Uint8Array): CcacheRecords;
  encode(file: Ccache, options: { version?: 3 | 4 }): Uint8Array;
  /**
   * One record as a file of `version` holds it, for an append in place (default: the formats
   * layer's). A codec without it makes every store a rewrite of the whole file.
   */
  encodeRecord?(cred: CcacheCredential, version: 1 | 2 | 3 | 4): Uint8Array;
}
// The file's bytes are read fresh for each decode and owned by it, so byte fields may alias them.
export const formatsCodec: CcacheFileCodec = {
  decode: (b) => decodeCcache(b, { views: true }),
  records: (b) => ccacheRecords(b, { views: true }),
  encode: encodeCcache,
  encodeRecord: encodeCcacheCredential,
};

export function notFound(name: string, cause?: unknown): KerberosError {
  return new KerberosError(`credentials cache ${name} not found`, { code: 'ERR_CCACHE_NOT_FOUND', cause });
}

/**
 * MIT's KRB5_FCC_PERM, "Credentials cache permissions incorrect": the file is another user's,
 * or the system refused access to it (EACCES, EPERM). Code `ERR_CCACHE_PERMISSION`.
 */
export function permissionError(path: string, detail?: string, cause?: unknown): KerberosError {
  return new KerberosError(`Credentials cache permissions incorrect (filename: ${path})${detail ? `: ${detail}` : ''}`, {
    code: 'ERR_CCACHE_PERMISSION',
    cause,
  });
}

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;
const denied = (e: unknown) => errnoOf(e) === 'EACCES' || errnoOf(e) === 'EPERM';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often a write starts again because the file changed under it before giving up. */
const MAX_ATTEMPTS = 50;
/** Waits (ms) for a record cut short at the end of the file to be completed by its writer. */
const TRUNCATED_WAITS = [2, 5, 10, 20, 40, 80];
/** Thrown by a rewrite's pre-rename check: the file changed since it was read. */
const CHANGED = Symbol('changed');

/** A cache file's records up to the end, or up to a record cut short there. */
interface FileRecords {
  version: 1 | 2 | 3 | 4;
  header: CcacheHeaderField[];
  defaultPrincipal: Principal;
  records: CcacheCredential[];
  /** The file ends inside a record: a writer is appending right now, or died in the middle. */
  truncated: boolean;
}

/** Every whole record, stopping at a record cut short at the end as MIT's reader does (KRB5_CC_END). */
function readLenient(codec: CcacheFileCodec, bytes: Uint8Array): FileRecords {
  if (!codec.records) {
    const cc = codec.decode(bytes);
    return { version: cc.version, header: cc.header, defaultPrincipal: cc.defaultPrincipal, records: allCredentials(cc), truncated: false };
  }
  const r = codec.records(bytes);
  const records: CcacheCredential[] = [];
  let truncated = false;
  try {
    for (const c of r.records) records.push(c);
  } catch (e) {
    if (!(e instanceof DecodeError && e.code === CCACHE_TRUNCATED)) throw e;
    truncated = true;
  }
  return { version: r.version, header: r.header, defaultPrincipal: r.defaultPrincipal, records, truncated };
}

function toCcache(f: Pick<FileRecords, 'version' | 'header' | 'defaultPrincipal'>, records: CcacheCredential[]): Ccache {
  return withCredentials({ version: f.version, header: f.header, defaultPrincipal: f.defaultPrincipal, credentials: [], config: [] }, records);
}

/** The whole file from its start, whatever its size now. */
async function readAll(fh: fsp.FileHandle): Promise<Uint8Array> {
  let buf = new Uint8Array(Math.max(4096, Number((await fh.stat()).size) + 4096));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      const grown = new Uint8Array(buf.length * 2);
      grown.set(buf);
      buf = grown;
    }
    const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
    if (bytesRead === 0) return buf.subarray(0, n);
    n += bytesRead;
  }
}

/** One write() (O_APPEND: at the end, whatever other writers did), continued if the kernel wrote less. */
async function writeAll(fh: fsp.FileHandle, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; ) {
    const { bytesWritten } = await fh.write(data, off, data.length - off);
    off += bytesWritten;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const contains = (hay: Uint8Array, needle: Uint8Array) =>
  Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength)) >= 0;

function contended(name: string): KerberosError {
  return new KerberosError(`credentials cache ${name} kept changing while it was being written (${MAX_ATTEMPTS} attempts)`, { code: 'ERR_CCACHE_BUSY' });
}

export class FileStore implements CcacheStore {
  readonly type: string = 'FILE';
  readonly name: string;
  /** Test hooks passed to every {@link atomicWrite} of this store (e.g. to count or delay renames). */
  hooks: Pick<AtomicWriteOptions, 'writeImpl' | 'renameImpl' | 'sync'> = {};
  constructor(
    readonly path: string,
    readonly codec: CcacheFileCodec = formatsCodec,
    name?: string,
  ) {
    this.name = name ?? `FILE:${path}`;
  }
  /** The file's bytes, or null when it does not exist (or is empty, as a file `mkstemp` just made). */
  private async bytes(): Promise<Uint8Array | null> {
    let bytes: Uint8Array;
    try {
      bytes = await fsp.readFile(this.path);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return null;
      if (denied(e)) throw permissionError(this.path, undefined, e);
      throw e;
    }
    return bytes.length === 0 ? null : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /** The decoded file, or null when it does not exist (or is empty); a record cut short at the end is left out, as MIT's reader stops there. */
  async read(): Promise<Ccache | null> {
    const bytes = await this.bytes();
    if (!bytes) return null;
    try {
      return this.codec.decode(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError && e.code === CCACHE_TRUNCATED)) throw e;
    }
    const f = readLenient(this.codec, bytes);
    return toCcache(f, f.records);
  }
  /** The file read once, its records decoded as they are iterated. */
  private async readRecords(): Promise<(CcacheRecords & { bytes: Uint8Array }) | null> {
    const bytes = await this.bytes();
    if (!bytes) return null;
    if (this.codec.records) return { ...this.codec.records(bytes), bytes };
    const cc = this.codec.decode(bytes);
    return { version: cc.version, header: cc.header, defaultPrincipal: cc.defaultPrincipal, records: allCredentials(cc), bytes };
  }
  /** Refuses a file another user owns (root excepted: MIT's tools let root write any user's cache). */
  private checkOwner(st: { uid: number | bigint }): void {
    const me = process.geteuid?.();
    if (me === undefined || me === 0 || Number(st.uid) === me) return;
    throw permissionError(this.path, `the file belongs to uid ${st.uid}, not to uid ${me}`);
  }
  /** Writes `cc` as the whole file (temp file + rename), the version kept when 3 or 4, else 4. */
  private async replace(cc: Ccache, extra: Pick<AtomicWriteOptions, 'beforeRename' | 'owner'> = {}): Promise<void> {
    const version = cc.version === 3 ? 3 : 4;
    try {
      await atomicWrite(this.path, this.codec.encode({ ...cc, version }, { version }), { mode: 0o600, ...this.hooks, ...extra });
    } catch (e) {
      if (denied(e)) throw permissionError(this.path, undefined, e);
      throw e;
    }
  }
  /**
   * Replaces the file with `cc` in one rename (what `initialize` does), whatever it held; a file
   * another user owns is refused (`ERR_CCACHE_PERMISSION`).
   */
  async write(cc: Ccache): Promise<void> {
    let st: Stats | undefined;
    try {
      st = await fsp.lstat(this.path);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw denied(e) ? permissionError(this.path, undefined, e) : e;
    }
    if (st) this.checkOwner(st);
    await this.replace(cc);
  }
  async getPrincipal(): Promise<Principal | null> {
    return (await this.readRecords())?.defaultPrincipal ?? null;
  }
  async snapshot(): Promise<CcacheSnapshot | null> {
    const f = await this.readRecords();
    if (!f) return null;
    // The bytes are a FILE-format cache only when read through our codec.
    return this.codec === formatsCodec ? { principal: f.defaultPrincipal, records: f.records, bytes: f.bytes } : { principal: f.defaultPrincipal, records: f.records };
  }
  async getCredentials(): Promise<CcacheCredential[]> {
    const f = await this.read();
    if (!f) throw notFound(this.name);
    return allCredentials(f);
  }
  /**
   * Creates or empties the cache with this default principal and these credentials (config
   * entries included) in one replacement: one new file renamed over the old. `kdcOffset` goes
   * into the version 4 header, as MIT keeps the KDC clock offset.
   */
  async initialize(principal: Principal, credentials: CcacheCredential[] = [], o: { kdcOffset?: { seconds: number; microseconds: number } } = {}): Promise<void> {
    const header: CcacheHeaderField[] = o.kdcOffset ? [{ tag: 1, kdcOffset: o.kdcOffset }] : [];
    await this.write(toCcache({ version: 4, header, defaultPrincipal: principal }, credentials));
  }
  /** Appends the credential in place (see the module's description), then removes stale temporary files. */
  async store(cred: CcacheCredential): Promise<void> {
    await this.append([cred]);
    await removeTempFiles(this.path).catch(() => {});
  }
  async remove(match: (c: CcacheCredential) => boolean): Promise<void> {
    await this.rewrite((c) => !match(c));
  }
  async destroy(): Promise<void> {
    try {
      await fsp.unlink(this.path);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw denied(e) ? permissionError(this.path, undefined, e) : e;
    }
    // the temporary files of writes killed before their rename hold tickets too
    await removeTempFiles(this.path, { all: true }).catch(() => {});
  }
  /** The KDC time offset kept in a version 4 header, if any. */
  async getKdcOffset(): Promise<{ seconds: number; microseconds: number } | null> {
    const f = await this.read();
    for (const h of f?.header ?? []) if ('kdcOffset' in h) return h.kdcOffset;
    return null;
  }

  /**
   * Appends records at the end of the file, as MIT's `fcc_store`: O_APPEND and one write() in
   * the file's own version. When the path names another file afterwards (a writer replaced it
   * meanwhile), the records go to the new file too, unless it already holds them or is now the
   * cache of another principal.
   */
  private async append(creds: CcacheCredential[]): Promise<void> {
    const encode = this.codec.encodeRecord;
    if (!encode) return this.rewrite(() => true, creds);
    let appendedAs: Principal | null = null;
    let waits = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(this.path, constants.O_RDWR | constants.O_APPEND);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') {
          if (appendedAs) return; // destroyed after our append: gone with it, as MIT's would be
          throw notFound(this.name, e);
        }
        throw denied(e) ? permissionError(this.path, undefined, e) : e;
      }
      let stale = false;
      try {
        const st = await fh.stat({ bigint: true });
        this.checkOwner(st);
        const bytes = await readAll(fh);
        if (bytes.length === 0) {
          if (appendedAs) return;
          throw notFound(this.name);
        }
        const f = readLenient(this.codec, bytes);
        if (appendedAs && !samePrincipal(appendedAs, f.defaultPrincipal)) return; // initialized anew for someone else
        const record = concat(creds.map((c) => encode(c, f.version)));
        if (appendedAs && contains(bytes, record)) return; // whoever replaced the file carried our records over
        if (f.truncated) {
          // A record cut short at the end: its writer is still writing (wait), or died (MIT's
          // reader would stop there and never see what follows: rewrite without it).
          if (waits < TRUNCATED_WAITS.length) {
            await sleep(TRUNCATED_WAITS[waits++]!);
            continue;
          }
          stale = true;
        } else {
          await writeAll(fh, record);
          if (await this.stillNames(st)) return;
          appendedAs = f.defaultPrincipal;
        }
      } finally {
        await fh.close().catch(() => {});
      }
      if (stale) return this.rewrite(() => true, creds, { waited: true });
    }
    throw contended(this.name);
  }

  /** Whether the path still names the file `st` describes. */
  private async stillNames(st: BigIntStats): Promise<boolean> {
    try {
      const now = await fsp.stat(this.path, { bigint: true });
      return now.ino === st.ino && now.dev === st.dev;
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return false;
      throw e;
    }
  }

  /**
   * Rewrites the file with the records `keep` accepts, then `extra`, merging with concurrent
   * writers: the rename happens only if the file is unchanged since it was read (else it is
   * read and changed again), and records appended to the old file meanwhile follow to the new.
   */
  private async rewrite(keep: (c: CcacheCredential) => boolean, extra: CcacheCredential[] = [], o: { waited?: boolean } = {}): Promise<void> {
    let waits = o.waited ? TRUNCATED_WAITS.length : 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(this.path, constants.O_RDONLY);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') throw notFound(this.name, e);
        throw denied(e) ? permissionError(this.path, undefined, e) : e;
      }
      let late: CcacheCredential[] | null = null;
      try {
        const st = await fh.stat({ bigint: true });
        this.checkOwner(st);
        const bytes = await readAll(fh);
        if (bytes.length === 0) throw notFound(this.name);
        const f = readLenient(this.codec, bytes);
        if (f.truncated && waits < TRUNCATED_WAITS.length) {
          await sleep(TRUNCATED_WAITS[waits++]!);
          continue;
        }
        const next = f.records.filter(keep);
        if (next.length === f.records.length && extra.length === 0 && !f.truncated) return; // nothing to change
        // MIT appends under an exclusive lock: let one in progress finish into the file read again
        const unlocked = await waitUnlocked(st);
        const me = process.geteuid?.();
        const owner = me === 0 && st.uid !== 0n ? { uid: Number(st.uid), gid: Number(st.gid) } : undefined;
        try {
          await this.replace(toCcache(f, [...next, ...extra]), {
            ...(owner ? { owner } : {}),
            beforeRename: async () => {
              const now = await fsp.stat(this.path, { bigint: true }).catch(() => null);
              if (!now || now.ino !== st.ino || now.dev !== st.dev || now.size !== BigInt(bytes.length) || now.mtimeNs !== st.mtimeNs) throw CHANGED;
              if (unlocked && (await writeLocked(now))) throw CHANGED;
            },
          });
        } catch (e) {
          if (e === CHANGED) continue;
          throw e;
        }
        // A writer that opened the old file before the rename appends to it after: carry those over.
        await waitUnlocked(st);
        late = [];
        const after = await readAll(fh);
        if (after.length > bytes.length) {
          try {
            late = readLenient(this.codec, after).records.slice(f.records.length).filter(keep);
          } catch {
            // appended after a record cut short: unreadable to MIT as to us
          }
        }
      } finally {
        await fh.close().catch(() => {});
      }
      if (late) {
        if (late.length) await this.append(late);
        return;
      }
    }
    throw contended(this.name);
  }
}
