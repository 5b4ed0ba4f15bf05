/**
 * Where MIT krb5 looks for things, done the same way: the credential cache name
 * (`KRB5CCNAME`, then `[libdefaults] default_ccache_name`, then `FILE:/tmp/krb5cc_%{uid}`), the
 * keytabs (`KRB5_KTNAME`, `KRB5_CLIENT_KTNAME` and their krb5.conf defaults), the list of
 * configuration files (`KRB5_CONFIG`), and MIT's `%{token}` path expansion
 * (`k5_expand_path_tokens` in `lib/krb5/os/expand_path.c`).
 *
 * Nothing here reads krb5.conf itself: the relevant `[libdefaults]` values are passed in. Every
 * function takes an injected `env` (default `process.env`) and user ids, so tests never touch
 * the process.
 * @module
 */
import { userInfo } from 'node:os';
import { ConfigError } from '../errors.js';

/** The process facts path expansion needs; each defaults to the running process. */
export interface EnvOptions {
  /** Environment variables (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Real user id (default `process.getuid()`). */
  uid?: number;
  /** Effective user id (default `process.geteuid()`). */
  euid?: number;
  /** User name for `%{username}` (default the password-database name of the euid). */
  username?: string;
  /** MIT's compile-time directories for `%{LIBDIR}`, `%{BINDIR}`, `%{SBINDIR}` (Debian's by default). */
  dirs?: { LIBDIR?: string; BINDIR?: string; SBINDIR?: string };
  /** Extra `%{name}` tokens (MIT's `k5_expand_path_tokens_extra`). */
  extraTokens?: Record<string, string>;
}

/** MIT's compiled-in defaults on Debian 12 (krb5 1.20), as found in libkrb5.so.3. */
export const MIT_DEFAULTS = {
  ccacheName: 'FILE:/tmp/krb5cc_%{uid}',
  keytabName: 'FILE:/etc/krb5.keytab',
  /** Debian builds with this; upstream's default is `$(localstatedir)/krb5/user/%{euid}/client.keytab`. */
  clientKeytabName: 'FILE:/etc/krb5/user/%{euid}/client.keytab',
  configFiles: ['/etc/krb5.conf'],
  kcmSocket: '/var/run/.heim_org.h5l.kcm-socket',
  LIBDIR: '/usr/lib/x86_64-linux-gnu',
  BINDIR: '/usr/bin',
  SBINDIR: '/usr/sbin',
} as const;

function envOf(o: EnvOptions): Record<string, string | undefined> {
  return o.env ?? process.env;
}
function uidOf(o: EnvOptions): number {
  return o.uid ?? (typeof process.getuid === 'function' ? process.getuid() : 0);
}
function euidOf(o: EnvOptions): number {
  return o.euid ?? (typeof process.geteuid === 'function' ? process.geteuid() : uidOf(o));
}

/**
 * Expands MIT's `%{token}` path tokens: `%{uid}` and `%{USERID}` (real uid), `%{euid}`,
 * `%{username}`, `%{TEMP}` (`$TMPDIR` or `/tmp`), `%{LIBDIR}`, `%{BINDIR}`, `%{SBINDIR}`,
 * `%{null}` (empty), plus `extraTokens`. A `%{` without `}` or an unknown token is a
 * `ConfigError`, as MIT fails with "Invalid token" / "variable missing }".
 * @example
 * ```ts
 * expandPathTokens('FILE:/tmp/krb5cc_%{uid}', { uid: 1000 }) // 'FILE:/tmp/krb5cc_1000'
 * ```
 */
export function expandPathTokens(path: string, o: EnvOptions = {}): string {
  let out = '';
  let rest = path;
  for (;;) {
    const at = rest.indexOf('%{');
    if (at < 0) return out + rest;
    out += rest.slice(0, at);
    const end = rest.indexOf('}', at);
    if (end < 0) throw new ConfigError(`path "${path}": variable missing }`);
    const name = rest.slice(at + 2, end);
    out += tokenValue(name, path, o);
    rest = rest.slice(end + 1);
  }
}

function tokenValue(name: string, path: string, o: EnvOptions): string {
  if (o.extraTokens && Object.hasOwn(o.extraTokens, name)) return o.extraTokens[name]!;
  switch (name) {
    case 'uid':
    case 'USERID':
      return String(uidOf(o));
    case 'euid':
      return String(euidOf(o));
    case 'username':
      return o.username ?? userInfo().username;
    case 'TEMP':
      return envOf(o).TMPDIR || '/tmp';
    case 'LIBDIR':
      return o.dirs?.LIBDIR ?? MIT_DEFAULTS.LIBDIR;
    case 'BINDIR':
      return o.dirs?.BINDIR ?? MIT_DEFAULTS.BINDIR;
    case 'SBINDIR':
      return o.dirs?.SBINDIR ?? MIT_DEFAULTS.SBINDIR;
    case 'null':
      return '';
    default:
      throw new ConfigError(`path "${path}": invalid token %{${name}}`);
  }
}

/**
 * The default credential cache name, as `krb5_cc_default_name`: `KRB5CCNAME` if set and not
 * empty, else `default_ccache_name` from krb5.conf, else `FILE:/tmp/krb5cc_%{uid}`; tokens
 * expanded in the last two (MIT does not expand `KRB5CCNAME`).
 */
export function defaultCcacheName(o: EnvOptions & { defaultCcacheName?: string } = {}): string {
  const v = envOf(o).KRB5CCNAME;
  if (v) return v;
  return expandPathTokens(o.defaultCcacheName ?? MIT_DEFAULTS.ccacheName, o);
}

/** The cache types MIT knows. */
export type CcacheType = 'FILE' | 'DIR' | 'KCM' | 'MEMORY' | 'KEYRING' | 'API' | 'MSLSA';

/** A parsed cache name. For `DIR:`, `subsidiary` is true when the residual names one member file (`DIR::path`). */
export interface CcacheName {
  type: string;
  residual: string;
  /** `DIR::/path/tktXXXX` → true and residual `/path/tktXXXX`; `DIR:/path` → false. */
  subsidiary?: boolean;
}

/**
 * Splits `TYPE:residual` as `krb5_cc_resolve` does: no colon → `FILE`; a one-letter prefix is a
 * Windows drive letter, also `FILE`. The type is kept as written (MIT compares it exactly).
 */
export function parseCcacheName(name: string): CcacheName {
  if (name === '') throw new ConfigError('empty credential cache name');
  const colon = name.indexOf(':');
  if (colon <= 0 || colon === 1) return { type: 'FILE', residual: name };
  const type = name.slice(0, colon);
  const residual = name.slice(colon + 1);
  if (type === 'DIR' && residual.startsWith(':')) return { type, residual: residual.slice(1), subsidiary: true };
  if (type === 'DIR') return { type, residual, subsidiary: false };
  return { type, residual };
}

/** The default keytab: `KRB5_KTNAME` (as is), else `default_keytab_name`, else `FILE:/etc/krb5.keytab` (tokens expanded in those two). */
export function defaultKeytabName(o: EnvOptions & { defaultKeytabName?: string } = {}): string {
  const v = envOf(o).KRB5_KTNAME;
  if (v) return v; // MIT copies the variable as is (ktdefname.c)
  return expandPathTokens(o.defaultKeytabName || MIT_DEFAULTS.keytabName, o);
}

/**
 * The default client keytab: `KRB5_CLIENT_KTNAME`, else `default_client_keytab_name`, else
 * `FILE:/etc/krb5/user/%{euid}/client.keytab` (Debian's build; tokens expanded).
 */
export function defaultClientKeytabName(o: EnvOptions & { defaultClientKeytabName?: string } = {}): string {
  const v = envOf(o).KRB5_CLIENT_KTNAME;
  if (v) return v; // not expanded, as MIT
  return expandPathTokens(o.defaultClientKeytabName || MIT_DEFAULTS.clientKeytabName, o);
}

/** The krb5.conf files to read, in order: `KRB5_CONFIG` split on `:` (empty parts dropped), else `/etc/krb5.conf`. */
export function configFiles(o: Pick<EnvOptions, 'env'> = {}): string[] {
  const v = envOf(o).KRB5_CONFIG;
  if (v === undefined) return [...MIT_DEFAULTS.configFiles];
  return v.split(':').filter((p) => p !== '');
}

/** The KCM socket path: `kcm_socket` from krb5.conf, else Heimdal's and MIT's default. `-` disables KCM (MIT). */
export function kcmSocketPath(o: { kcmSocket?: string } = {}): string {
  return o.kcmSocket ?? MIT_DEFAULTS.kcmSocket;
}

/** A keytab name split into its type and path: `FILE:`/`WRFILE:` prefixes, no prefix = FILE. */
export function parseKeytabName(name: string): { type: string; residual: string } {
  const colon = name.indexOf(':');
  if (colon <= 0 || colon === 1) return { type: 'FILE', residual: name };
  return { type: name.slice(0, colon), residual: name.slice(colon + 1) };
}
