/**
 * What `tskrb5 klist`, `kswitch` and `kdestroy` share: the tool context (environment, clock,
 * krb5.conf), MIT's time format (`krb5_timestamp_to_sfstring` in the C locale, honouring `TZ`),
 * MIT's principal unparsing, `com_err`-shaped messages, and a GNU-getopt-like option scanner.
 * @module
 */

import { readFileSync } from 'node:fs';
import { ConfigError, DecodeError, KerberosError } from '../../errors.js';
import type { Krb5Conf } from '../../formats/index.js';
import { cacheMatch, loadKrb5Conf } from '../../node/index.js';
import { collectionStores } from '../../node/ccache/select.js';
import { storeOptionsFrom, type ProfileStoreOptions } from '../../node/profile.js';
import { parsePrincipal, samePrincipal, unparsePrincipal, type Principal } from '../../messages/index.js';

/** What the tools take from the outside world; each defaults to the running process. */
export interface ToolContext {
  /** Environment variables (default `process.env`): KRB5CCNAME, KRB5_CONFIG, KRB5_KTNAME, TZ… */
  env?: Record<string, string | undefined>;
  /** The clock (default `new Date()`): expiry checks and the timestamp width. */
  now?: () => Date;
  uid?: number;
  euid?: number;
  /** klist lists FILE caches from their bytes in place (default true; false: every credential decoded). */
  fastListing?: boolean;
}

export type Out = (s: string) => void;

/** Thrown to end a tool with a status (after its message has been written). */
export class Exit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

// ------------------------------------------------------------------------------ krb5.conf

/** The krb5.conf files (KRB5_CONFIG or /etc/krb5.conf), parsed; missing files are skipped, as MIT does. */
export function loadProfile(ctx: ToolContext): Krb5Conf[] {
  return loadKrb5Conf({ env: ctx.env });
}

/** The store options (env, uids, default_ccache_name, kcm_socket) for this context. */
export function storeOptions(ctx: ToolContext, profile: Krb5Conf[]): ProfileStoreOptions {
  return storeOptionsFrom(profile, { env: ctx.env ?? process.env, ...(ctx.uid !== undefined ? { uid: ctx.uid } : {}), ...(ctx.euid !== undefined ? { euid: ctx.euid } : {}) });
}

export { cacheMatch, collectionStores };

export { localTm, sfstring, timestampWidth, tsOf } from './time.js';

// ------------------------------------------------------------------------------ principals

/** A principal as MIT's klist prints it (`krb5_unparse_name`). */
export const unparseName = (p: { realm: string; components: readonly string[] }): string => unparsePrincipal(p);

export { samePrincipal };

/**
 * `krb5_parse_name` for what the tools accept (`a/b@R`, escapes, the default realm when the name
 * has none), with MIT's messages for what it refuses.
 */
export function parseName(s: string, defaultRealm: string | undefined): Principal {
  let p: Principal;
  try {
    p = parsePrincipal(s, defaultRealm !== undefined ? { realm: defaultRealm } : {});
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError('Configuration file does not specify default realm');
    throw new ConfigError('Malformed representation of principal');
  }
  if (p.components.length === 1 && p.components[0] === '') throw new ConfigError('Malformed representation of principal');
  return p;
}

// ------------------------------------------------------------------------------ messages

/** The path behind a FILE or DIR store, when it has one. */
export function storePath(store: unknown): string | undefined {
  const p = (store as { path?: unknown }).path;
  return typeof p === 'string' ? p : undefined;
}

/**
 * MIT's message for a failure on a cache (`krb5_get_error_message` text, with the
 * `(filename: …)` MIT's FILE cache adds).
 */
export function ccacheErrorText(e: unknown, store?: { type: string; name: string }): string {
  const path = store ? storePath(store) : undefined;
  const file = path !== undefined ? ` (filename: ${path})` : '';
  const code = (e as { code?: string }).code;
  const errno = (e as NodeJS.ErrnoException).code;
  if (code === 'ERR_CCACHE_NOT_FOUND' || errno === 'ENOENT') {
    if (store?.type === 'KCM') return `Credentials cache '${store.name}' not found`;
    return `No credentials cache found${file}`;
  }
  if (errno === 'EISDIR') return `Bad format in credentials cache${file}`;
  // MIT's interpret_errno: EACCES / EPERM are KRB5_FCC_PERM; and a FILE cache another user owns is refused so
  if (code === 'ERR_CCACHE_PERMISSION' || errno === 'EACCES' || errno === 'EPERM') return `Credentials cache permissions incorrect${file}`;
  if (code === 'ERR_KCM_NO_SERVER') return 'Connection refused';
  if (e instanceof DecodeError) {
    // MIT checks the two leading bytes (0x05, version 1-4) before anything else
    let head: Uint8Array | undefined;
    try {
      head = path === undefined ? undefined : readFileSync(path).subarray(0, 2);
    } catch {
      /* gone meanwhile */
    }
    const badVersion = head !== undefined && head.length === 2 && (head[0] !== 5 || head[1]! < 1 || head[1]! > 4);
    return badVersion ? `Unsupported credentials cache format version number${file}` : `Bad format in credentials cache${file}`;
  }
  if (e instanceof KerberosError && /^unknown credential cache type/.test(e.message)) return 'Unknown credential cache type';
  const m = e instanceof Error ? e.message : String(e);
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** `com_err(progname, code, fmt)`: `prog: message fmt`, or `prog: message` when fmt is empty. */
export function comErr(err: Out, prog: string, message: string, fmt = ''): void {
  err(`${prog}: ${message}${fmt === '' ? '' : ' ' + fmt}`);
}

// ------------------------------------------------------------------------------ getopt

export interface Parsed {
  opts: { opt: string; arg?: string }[];
  operands: string[];
  long: string[];
}

/**
 * GNU getopt over `spec` (`"c:p:"`: a colon after a letter that takes an argument), permuting
 * operands, `--` ending options; `--name` long options are collected when listed in `longs`.
 * An unknown option or a missing argument throws a TypeError with glibc's message.
 */
/**
 * getopt for kswitch and kdestroy with MIT's handling around it: a bad option prints the error and
 * the usage (status 2); `-h` / `--help` prints the usage (status 0). Returns the parse, or the status.
 */
export function parseToolArgs(prog: string, argv: readonly string[], spec: string, usage: string, out: (s: string) => void, err: (s: string) => void): Parsed | number {
  let parsed: Parsed;
  try {
    parsed = getopt(argv, spec, ['help']);
  } catch (e) {
    err(`${prog}: ${(e as Error).message}`);
    err(usage);
    return 2;
  }
  if (parsed.long.includes('help') || parsed.opts.some((x) => x.opt === 'h')) {
    out(usage);
    return 0;
  }
  return parsed;
}

export function getopt(argv: readonly string[], spec: string, longs: readonly string[] = []): Parsed {
  const out: Parsed = { opts: [], operands: [], long: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (longs.includes(name)) {
        out.long.push(name);
        continue;
      }
      throw new TypeError(`unrecognized option '${a}'`);
    }
    if (a === '-' || !a.startsWith('-')) {
      out.operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ':') throw new TypeError(`invalid option -- '${c}'`);
      if (spec[at + 1] === ':') {
        let arg = a.slice(j + 1);
        if (arg === '') {
          if (i + 1 >= argv.length) throw new TypeError(`option requires an argument -- '${c}'`);
          arg = argv[++i]!;
        }
        out.opts.push({ opt: c, arg });
        break;
      }
      out.opts.push({ opt: c });
    }
  }
  return out;
}

/** Runs a tool body, turning `Exit` into its status and anything unexpected into a one-line message and status 1. */
export async function runTool(prog: string, err: Out, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof Exit) return e.status;
    comErr(err, prog, ccacheErrorText(e));
    return 1;
  }
}
