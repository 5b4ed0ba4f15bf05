/**
 * Reading krb5.conf as MIT's library does (`KRB5_CONFIG`, a colon list, else /etc/krb5.conf;
 * missing files skipped; `include` and `includedir` followed) and the store options that come
 * from it (`default_ccache_name`, `kcm_socket`, `default_keytab_name`,
 * `default_client_keytab_name`).
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getString, parseKrb5Conf, type Krb5Conf } from '../formats/index.js';
import type { OpenCcacheOptions } from './ccache/index.js';
import { configFiles, type EnvOptions } from './env.js';

/**
 * The krb5.conf files named by `KRB5_CONFIG` (or /etc/krb5.conf), parsed, earliest first. A file
 * that does not exist is skipped, as MIT does; a syntax error is a `ConfigError` with file, line
 * and column.
 * @example
 * ```ts
 * const profile = loadKrb5Conf()            // what kinit would read
 * defaultRealm(profile)                     // 'EXAMPLE.COM'
 * ```
 */
export function loadKrb5Conf(o: Pick<EnvOptions, 'env'> = {}): Krb5Conf[] {
  const out: Krb5Conf[] = [];
  const read = (p: string): string | undefined => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  for (const file of configFiles({ env: o.env })) {
    const text = read(file);
    if (text === undefined) continue;
    out.push(
      parseKrb5Conf(text, {
        file,
        include: read,
        includedir: (dir) => {
          try {
            return readdirSync(dir).map((name) => ({ name, text: read(join(dir, name)) ?? '' }));
          } catch {
            return undefined;
          }
        },
      }),
    );
  }
  return out;
}

/** Store options with the keytab defaults a profile may name too. */
export type ProfileStoreOptions = OpenCcacheOptions & { defaultKeytabName?: string; defaultClientKeytabName?: string };

/** The cache and keytab options (env, uids, `[libdefaults]` names) for a profile. */
export function storeOptionsFrom(profile: readonly Krb5Conf[], o: EnvOptions = {}): ProfileStoreOptions {
  const out: ProfileStoreOptions = { ...o, env: o.env ?? process.env };
  const lib = (k: string) => getString(profile, ['libdefaults', k]);
  const cc = lib('default_ccache_name');
  if (cc !== undefined) out.defaultCcacheName = cc;
  const kcm = lib('kcm_socket');
  if (kcm !== undefined) out.kcmSocket = kcm;
  const kt = lib('default_keytab_name');
  if (kt !== undefined) out.defaultKeytabName = kt;
  const ckt = lib('default_client_keytab_name');
  if (ckt !== undefined) out.defaultClientKeytabName = ckt;
  return out;
}
