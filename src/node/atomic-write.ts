/**
 * Atomic file replacement: the new content goes to a temporary file in the target's directory
 * (created with O_EXCL and mode 0600), is fsynced, and is renamed over the target; the
 * directory is then fsynced so the rename survives a crash. On any failure the temporary file
 * is removed and the old file is left exactly as it was.
 *
 * A process killed between the temporary file's creation and the rename (kill -9, a crash, a
 * power cut) leaves the temporary file behind, and for a credential cache it holds tickets. The
 * temporary file is named `.<name>.<pid>.<12 hex>.tmp` after the target and the writer's process
 * id, so that a later writer can tell a leftover from a write in progress: every successful
 * write removes the temporary files of the same target whose writer is gone
 * ({@link removeTempFiles}).
 * @module
 */
import { constants, promises as fsp, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o600). */
  mode?: number;
  /** Test hook: replaces the write of the data into the open temporary file. */
  writeImpl?: (handle: fsp.FileHandle, data: Uint8Array) => Promise<void>;
  /** fsync the file and the directory (default true). */
  sync?: boolean;
  /**
   * Called when the temporary file is complete, right before the rename: throwing abandons the
   * write (the temporary file is removed, the target left as it was) — e.g. because the target
   * changed since its content was read.
   */
  beforeRename?: () => Promise<void>;
  /** Owner and group of the new file (a root process rewriting a user's file keeps it theirs). */
  owner?: { uid: number; gid: number };
  /** Test hook: replaces the rename of the temporary file over the target. */
  renameImpl?: (from: string, to: string) => Promise<void>;
}

/** The name of a temporary file for `path` written by process `pid`. */
export function tempFileName(path: string, pid: number = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `path` atomically, then removes the stale temporary files of `path`
 * ({@link removeTempFiles}).
 * @example
 * ```ts
 * await atomicWrite('/tmp/krb5cc_1000', bytes)
 * ```
 */
export async function atomicWrite(path: string, data: Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const mode = opts.mode ?? 0o600;
  const sync = opts.sync ?? true;
  let tmp = '';
  let handle: fsp.FileHandle | undefined;
  for (let i = 0; ; i++) {
    tmp = tempFileName(path);
    try {
      handle = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && i < 10) continue;
      throw e;
    }
  }
  try {
    if (opts.writeImpl) await opts.writeImpl(handle, data);
    else await handle.writeFile(data);
    if (opts.owner) await handle.chown(opts.owner.uid, opts.owner.gid);
    await handle.chmod(mode); // the umask may have narrowed or the caller asked for another mode
    if (sync) await handle.sync();
    await handle.close();
    handle = undefined;
    if (opts.beforeRename) await opts.beforeRename();
    await (opts.renameImpl ?? fsp.rename)(tmp, path);
  } catch (e) {
    if (handle) await handle.close().catch(() => {});
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  if (sync) {
    try {
      const d = await fsp.open(dir, constants.O_RDONLY);
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      // some filesystems refuse to fsync a directory; the rename itself has happened
    }
  }
  await removeTempFiles(path).catch(() => {});
}

/** How old a temporary file must be to be removed whatever its writer (default 10 minutes). */
export const STALE_TEMP_AGE_MS = 10 * 60 * 1000;

export interface RemoveTempFilesOptions {
  /** Every temporary file of the target, whoever wrote it and when (kdestroy). */
  all?: boolean;
  /** Age after which a temporary file is stale even when its writer's pid is alive (default {@link STALE_TEMP_AGE_MS}). */
  maxAgeMs?: number;
  /** The current time (tests). */
  now?: number;
  /** Whether a process is alive (default: `process.kill(pid, 0)`; ESRCH = gone, EPERM = alive). */
  isAlive?: (pid: number) => boolean;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes the temporary files {@link atomicWrite} left for `path` (`.<name>.<pid>.<hex>.tmp`,
 * and `.<name>.<hex>.tmp` as earlier versions named them) that are stale: their writer's
 * process no longer exists, or they are older than `maxAgeMs` (a pid may have been reused);
 * with `all`, every one of them. Only regular files owned by this process's user are touched
 * (root: any). Resolves to the paths removed. Never throws for a file that vanished meanwhile.
 */
export async function removeTempFiles(path: string, o: RemoveTempFilesOptions = {}): Promise<string[]> {
  const dir = dirname(path);
  const re = new RegExp(`^\\.${escapeRe(basename(path))}\\.(?:(\\d+)\\.)?[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const now = o.now ?? Date.now();
  const maxAge = o.maxAgeMs ?? STALE_TEMP_AGE_MS;
  const alive = o.isAlive ?? pidAlive;
  const me = process.geteuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    let st: Stats;
    try {
      st = await fsp.lstat(file);
    } catch {
      continue;
    }
    if (!st.isFile() || (me !== undefined && me !== 0 && st.uid !== me)) continue;
    const pid = m[1] === undefined ? undefined : Number(m[1]);
    const stale = o.all === true || now - st.mtimeMs > maxAge || (pid !== undefined && pid !== process.pid && !alive(pid));
    if (!stale) continue;
    try {
      await fsp.unlink(file);
      removed.push(file);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
