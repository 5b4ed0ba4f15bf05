/**
 * `tskrb5 klist` for its commonest call — one FILE cache, listed with any of `-c -e -f -C` —
 * with nothing loaded but this module, the cache scanner, the ticket-head reader, the
 * krb5.conf parser and node:fs. A command this short spends most of its time starting up, so
 * the executable (bin.ts) tries this first and loads the whole of klist only when it declines.
 *
 * It declines (returns undefined, having written nothing) whenever the general path could say
 * anything else: another option, a cache type other than FILE, a missing, empty, truncated or
 * malformed file, a krb5.conf it cannot read, and any record the in-place listing leaves to the
 * general one (fast.ts). Its text is the general path's, byte for byte
 * (test/cli/klist-quick.test.ts).
 * @module
 */

import { readFileSync } from 'node:fs';
import { CcacheScanner } from '../../formats/index.js';
import { defaultCcacheName, loadKrb5Conf, parseCcacheName } from '../../node/index.js';
import { storeOptionsFrom } from '../../node/profile.js';
import { listFile, principalText, type Lister } from './fast.js';
import { CcacheListing } from './listing.js';
import { tsOf } from './time.js';

/** Thrown by the lister where the general path must take over. */
class Decline {}

/** What {@link quickKlist} needs from the process (tests give their own). */
export interface QuickContext {
  env: Record<string, string | undefined>;
  now?: Date;
  uid?: number;
}

/** Text is turned into bytes about this often (in characters), so that the lines made die young. */
const CHUNK = 1 << 16;

/**
 * The whole output of `klist argv` (UTF-8, each line ended by a newline), in chunks, when this
 * path can make it, with exit status 0; undefined otherwise.
 */
export function quickKlist(argv: readonly string[], ctx: QuickContext): Uint8Array[] | undefined {
  const f = { C: false, e: false, f: false };
  let operand: string | undefined;
  for (const a of argv) {
    if (a.length > 1 && a[0] === '-') {
      if (a[1] === '-') return undefined;
      for (let i = 1; i < a.length; i++) {
        const c = a[i];
        if (c === 'C' || c === 'e' || c === 'f') f[c] = true;
        else if (c !== 'c' && c !== '5') return undefined;
      }
    } else if (operand === undefined && a !== '' && a !== '-') operand = a;
    else return undefined;
  }
  let path: string;
  let name: string;
  try {
    const o = storeOptionsFrom(loadKrb5Conf({ env: ctx.env }), { env: ctx.env, ...(ctx.uid === undefined ? {} : { uid: ctx.uid }) });
    const n = parseCcacheName(operand ?? defaultCcacheName(o));
    if (n.type !== 'FILE') return undefined;
    path = n.residual;
    name = `FILE:${path}`;
  } catch {
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (bytes.length === 0) return undefined;

  const listing = new CcacheListing({ e: f.e, f: f.f, d: false }, tsOf(ctx.now ?? new Date()), ctx.env.TZ);
  const out: Uint8Array[] = [];
  let chunk = '';
  const k: Lister = {
    f,
    listing,
    other(): string {
      throw new Decline();
    },
    write(s) {
      chunk += s;
      if (chunk.length >= CHUNK) {
        out.push(Buffer.from(chunk, 'utf8'));
        chunk = '';
      }
    },
  };
  try {
    const sc = new CcacheScanner(bytes);
    const def = principalText(bytes, sc.defaultPrincipal);
    if (def === null) return undefined;
    k.write(listing.header(name, def));
    listFile(k, bytes, sc);
  } catch {
    // a Decline, or the scanner's DecodeError on a cache that ends early or is malformed
    return undefined;
  }
  out.push(Buffer.from(chunk, 'utf8'));
  return out;
}
