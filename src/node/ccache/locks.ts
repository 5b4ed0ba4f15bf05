/**
 * Seeing MIT's FILE cache locks from Node. MIT krb5 takes an fcntl lock on a cache file while
 * it reads it (shared) or appends a credential to it (exclusive; an open file description lock,
 * `F_OFD_SETLKW`, on Linux). Node cannot take such a lock, but on Linux `/proc/locks` lists
 * every one held or awaited: a writer that is about to replace a cache file waits while another
 * process holds or awaits an exclusive lock on it, so that MIT's append in progress lands in the
 * file that is read again, not in one about to be replaced. Elsewhere nothing is known and
 * nothing is waited for.
 * @module
 */
import { promises as fsp, type BigIntStats } from 'node:fs';

/** Linux's `MAJOR()` and `MINOR()` of a `dev_t` as glibc encodes it. */
function devParts(dev: bigint): [bigint, bigint] {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return [major, minor];
}

/**
 * Whether `/proc/locks` shows an exclusive POSIX or OFD lock held or awaited on this file (the
 * lock MIT's `fcc_store` takes to append). False when `/proc/locks` cannot be read.
 */
export async function writeLocked(st: Pick<BigIntStats, 'dev' | 'ino'>, locksText?: string): Promise<boolean> {
  let text = locksText;
  if (text === undefined) {
    try {
      text = await fsp.readFile('/proc/locks', 'latin1');
    } catch {
      return false;
    }
  }
  const [major, minor] = devParts(st.dev);
  // "1: OFDLCK ADVISORY  WRITE -1 fe:00:2147297 0 EOF" ("1: -> POSIX …" for a waiter)
  const re = /^\d+:\s+(?:->\s+)?(POSIX|OFDLCK)\s+\S+\s+WRITE\s+-?\d+\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/gm;
  for (const m of text.matchAll(re)) {
    if (BigInt(m[4]!) === st.ino && BigInt(`0x${m[2]}`) === major && BigInt(`0x${m[3]}`) === minor) return true;
  }
  return false;
}

/**
 * Waits (up to `timeoutMs`) until no exclusive lock is held or awaited on the file; resolves to
 * false when one still is then (a holder that is not just appending: it is not waited for again).
 */
export async function waitUnlocked(st: Pick<BigIntStats, 'dev' | 'ino'>, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await writeLocked(st)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}
