/**
 * `tskrb5 kdestroy [-A] [-q] [-c NAME | -p PRINCIPAL]`: MIT krb5's kdestroy
 * (src/clients/kdestroy/kdestroy.c, 1.20), with its messages and exit statuses.
 * @module
 */

import { existsSync } from 'node:fs';
import { defaultRealm, type Krb5Conf } from '../../formats/index.js';
import type { Principal } from '../../messages/index.js';
import { openCcache, type CcacheStore } from '../../node/index.js';
import { removeTempFiles } from '../../node/atomic-write.js';
import {
  cacheMatch,
  ccacheErrorText,
  collectionStores,
  comErr,
  loadProfile,
  parseToolArgs,
  parseName,
  runTool,
  storePath,
  storeOptions,
  type Out,
  type ToolContext,
} from './common.js';

const PROG = 'kdestroy';

export const KDESTROY_USAGE = `Usage: kdestroy [-A] [-q] [-c cache_name] [-p princ_name]
\t-A destroy all credential caches in collection
\t-q quiet mode
\t-c specify name of credentials cache
\t-p specify principal name within collection`;

/**
 * krb5_cc_destroy: resolves to 'nofile' when there was nothing to destroy (MIT's KRB5_FCC_NOFILE).
 * A FILE or DIR cache's temporary files (`.<name>.<pid>.<hex>.tmp`, left by a write killed
 * before its rename, with tickets inside) go too, the cache file present or not.
 */
async function destroy(store: CcacheStore): Promise<'ok' | 'nofile'> {
  const path = storePath(store);
  if (path !== undefined) {
    if (!existsSync(path)) {
      await removeTempFiles(path, { all: true });
      return 'nofile';
    }
  } else if (store.type !== 'KCM' && !(await store.getPrincipal().catch(() => null))) return 'nofile';
  else if (store.type === 'KCM' && !(await store.getPrincipal())) return 'nofile';
  await store.destroy();
  return 'ok';
}

/** Runs `tskrb5 kdestroy`; resolves to the exit status (MIT's: 0, 1, or 2 for usage). */
export function runKdestroy(argv: readonly string[], out: Out, err: Out, ctx: ToolContext = {}): Promise<number> {
  return runTool(PROG, err, async () => {
    let all = false;
    let quiet = false;
    let cacheName: string | undefined;
    let princName: string | undefined;
    let bad = 0;
    const parsed = parseToolArgs(PROG, argv, '54Aqc:p:h', KDESTROY_USAGE, out, err);
    if (typeof parsed === 'number') return parsed;
    for (const { opt, arg } of parsed.opts) {
      if (opt === 'A') all = true;
      else if (opt === 'q') quiet = true;
      else if (opt === 'c') {
        if (cacheName !== undefined) {
          err('Only one -c option allowed');
          bad++;
        } else cacheName = arg;
      } else if (opt === 'p') {
        if (princName !== undefined) {
          err('Only one -p option allowed');
          bad++;
        } else princName = arg;
      } else if (opt === '4') {
        err('Kerberos 4 is no longer supported');
        return 3;
      }
    }
    if (all && princName !== undefined) {
      err('-A option is exclusive with -p option');
      bad++;
    }
    if (parsed.operands.length) bad++;
    if (bad) {
      err(KDESTROY_USAGE);
      return 2;
    }
    let profile: Krb5Conf[];
    try {
      profile = loadProfile(ctx);
    } catch (e) {
      comErr(err, PROG, (e as Error).message, 'while initializing krb5');
      return 1;
    }
    const o = storeOptions(ctx, profile);
    if (cacheName !== undefined) o.env = { ...o.env, KRB5CCNAME: cacheName };

    if (all) {
      let stores: CcacheStore[];
      try {
        stores = await collectionStores(o);
      } catch (e) {
        comErr(err, PROG, ccacheErrorText(e), 'while listing credential caches');
        return 1;
      }
      for (const s of stores) {
        try {
          await destroy(s);
        } catch (e) {
          comErr(err, PROG, ccacheErrorText(e, s), `while destroying cache ${s.name}`);
        }
      }
      return 0;
    }

    let store: CcacheStore;
    if (princName !== undefined) {
      let p: Principal;
      try {
        p = parseName(princName, defaultRealm(profile));
      } catch (e) {
        comErr(err, PROG, (e as Error).message, `while parsing principal name ${princName}`);
        return 1;
      }
      let found: CcacheStore | null = null;
      try {
        found = await cacheMatch(o, p);
      } catch (e) {
        comErr(err, PROG, ccacheErrorText(e), `while finding cache for ${princName}`);
        return 1;
      }
      if (!found) {
        comErr(err, PROG, 'Matching credential not found', `while finding cache for ${princName}`);
        return 1;
      }
      store = found;
    } else {
      try {
        store = await openCcache(undefined, o);
      } catch (e) {
        comErr(err, PROG, ccacheErrorText(e), 'while resolving ccache');
        return 1;
      }
    }
    let status = 0;
    try {
      if ((await destroy(store)) === 'nofile') comErr(err, PROG, 'No credentials cache found', 'while destroying cache');
    } catch (e) {
      // MIT names no file when the unlink is refused
      comErr(err, PROG, ccacheErrorText(e, (e as { code?: string }).code === 'ERR_CCACHE_PERMISSION' ? undefined : store), 'while destroying cache');
      err(quiet ? 'Ticket cache NOT destroyed!' : 'Ticket cache \x07NOT\x07 destroyed!');
      status = 1;
    }
    if (!quiet && status === 0 && princName === undefined) {
      try {
        if ((await collectionStores(o)).length > 0) err('Other credential caches present, use -A to destroy all');
      } catch (e) {
        comErr(err, PROG, ccacheErrorText(e), 'while listing credential caches');
        return 1;
      }
    }
    return status;
  });
}
