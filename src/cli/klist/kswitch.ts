/**
 * `tskrb5 kswitch -c NAME | -p PRINCIPAL`: MIT krb5's kswitch (src/clients/kswitch/kswitch.c):
 * makes a cache of a collection (DIR, KCM) the primary one; a FILE or MEMORY cache has no
 * collection to switch in, and MIT accepts that silently.
 * @module
 */

import { defaultRealm, type Krb5Conf } from '../../formats/index.js';
import type { Principal } from '../../messages/index.js';
import { openCcache, switchToCache as switchTo, type CcacheStore } from '../../node/index.js';
import { cacheMatch, ccacheErrorText, comErr, loadProfile, parseToolArgs, parseName, runTool, storeOptions, type Out, type ToolContext } from './common.js';

const PROG = 'kswitch';

export const KSWITCH_USAGE = `Usage: kswitch {-c cache_name | -p principal}
\t-c specify name of credentials cache
\t-p specify name of principal`;

/** Runs `tskrb5 kswitch`; resolves to the exit status (MIT's: 0, 1, or 2 for usage). */
export function runKswitch(argv: readonly string[], out: Out, err: Out, ctx: ToolContext = {}): Promise<number> {
  return runTool(PROG, err, async () => {
    let cacheName: string | undefined;
    let princName: string | undefined;
    let bad = false;
    const parsed = parseToolArgs(PROG, argv, 'c:p:h', KSWITCH_USAGE, out, err);
    if (typeof parsed === 'number') return parsed;
    for (const { opt, arg } of parsed.opts) {
      if (cacheName !== undefined || princName !== undefined) {
        err('Only one -c or -p option allowed');
        bad = true;
      } else if (opt === 'c') cacheName = arg;
      else princName = arg;
    }
    if (parsed.operands.length) bad = true;
    if (cacheName === undefined && princName === undefined) {
      err('One of -c or -p must be specified');
      bad = true;
    }
    if (bad) {
      err(KSWITCH_USAGE);
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
    let store: CcacheStore;
    if (cacheName !== undefined) {
      try {
        store = await openCcache(cacheName, o);
      } catch (e) {
        comErr(err, PROG, ccacheErrorText(e), `while resolving ${cacheName}`);
        return 1;
      }
    } else {
      let p: Principal;
      try {
        p = parseName(princName!, defaultRealm(profile));
      } catch (e) {
        comErr(err, PROG, (e as Error).message, `while parsing principal name ${princName}`);
        return 1;
      }
      let found: CcacheStore | null;
      try {
        found = await cacheMatch(o, p);
      } catch (e) {
        comErr(err, PROG, ccacheErrorText(e), `while searching for ccache for ${princName}`);
        return 1;
      }
      if (!found) {
        comErr(err, PROG, 'Matching credential not found', `while searching for ccache for ${princName}`);
        return 1;
      }
      store = found;
    }
    try {
      await switchTo(store, o);
    } catch (e) {
      comErr(err, PROG, ccacheErrorText(e, store), 'while switching to credential cache');
      return 1;
    }
    return 0;
  });
}
