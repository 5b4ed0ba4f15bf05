/**
 * Atomic file replacement: the new content goes to a temporary file in the target's directory
 * (created with O_EXCL and mode 0600), is fsynced, and is renamed over the target; the
 * directory is then fsynced so the rename survives a crash. On any failure the temporary file
 * is removed and the old file is left exactly as it was.
 * @module
 */
import { constants, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o600). */
  mode?: number;
  /** Test hook: replaces the write of the data into the open temporary file. */
  writeImpl?: (handle: fsp.FileHandle, data: Uint8Array) => Promise<void>;
  /** fsync the file and the directory (default true). */
  sync?: boolean;
}

/**
 * Writes `data` to `path` atomically.
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
    tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
    await handle.chmod(mode); // the umask may have narrowed or the caller asked for another mode
    if (sync) await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, path);
  } catch (e) {
    if (handle) await handle.close().catch(() => {});
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  if (sync) {
    try {
      const d = await fsp.open(dir, constants.O_RDONLY);
      try { await d.sync(); } finally { await d.close(); }
    } catch {
      // some filesystems refuse to fsync a directory; the rename itself has happened
    }
  }
}
