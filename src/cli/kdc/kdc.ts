/**
 * `tskrb5 kdc --realm R [--listen 127.0.0.1:PORT] [--user NAME:PASSWORD …] [--service NAME/HOST …]
 * [--keytab FILE] [--write-krb5-conf FILE]`: an embedded KDC until SIGINT or SIGTERM. Prints the
 * address it listens on; writes a krb5.conf MIT's and Heimdal's tools can use and a keytab of
 * the services; one log line per exchange on stderr.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { KdcDescription, PrincipalDescription } from '../../kdc/database.js';
import { startKdc } from '../../kdc/node/server.js';

type Out = (s: string) => void;

const USAGE =
  'Usage: tskrb5 kdc --realm REALM [--config FILE.json] [--listen 127.0.0.1:PORT] [--user NAME:PASSWORD ...] [--service NAME/HOST ...] [--keytab FILE] [--write-krb5-conf FILE] [--fast] [--quiet]';

/** Parsed arguments, or a usage error. */
export function parseKdcArgs(
  argv: readonly string[],
):
  | { realm: string; host: string; port: number; users: [string, string][]; services: string[]; keytab?: string; conf?: string; config?: string; quiet: boolean; fast: boolean }
  | string {
  let realm: string | undefined;
  let config: string | undefined;
  let host = '127.0.0.1';
  let port = 0;
  const users: [string, string][] = [];
  const services: string[] = [];
  let keytab: string | undefined;
  let conf: string | undefined;
  let quiet = false;
  let fast = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--realm':
        realm = value();
        break;
      case '--listen': {
        const v = value() ?? '';
        const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(v) ?? /^()()(\d{1,5})$/.exec(v);
        if (!m || Number(m[3]) > 65535) return `tskrb5 kdc: --listen wants HOST:PORT, got ${JSON.stringify(v)}`;
        host = m[1] || m[2] || host;
        port = Number(m[3]);
        break;
      }
      case '--user': {
        const v = value() ?? '';
        const at = v.indexOf(':');
        if (at <= 0) return `tskrb5 kdc: --user wants NAME:PASSWORD, got ${JSON.stringify(v)}`;
        users.push([v.slice(0, at), v.slice(at + 1)]);
        break;
      }
      case '--service': {
        const v = value();
        if (!v) return 'tskrb5 kdc: --service wants NAME/HOST';
        services.push(v);
        break;
      }
      case '--keytab':
        keytab = value();
        if (!keytab) return 'tskrb5 kdc: --keytab wants a file';
        break;
      case '--write-krb5-conf':
        conf = value();
        if (!conf) return 'tskrb5 kdc: --write-krb5-conf wants a file';
        break;
      case '--config':
        config = value();
        if (!config) return 'tskrb5 kdc: --config wants a JSON file';
        break;
      case '--quiet':
      case '-q':
        quiet = true;
        break;
      case '--fast':
        fast = true;
        break;
      default:
        return `tskrb5 kdc: unknown option ${a}`;
    }
  }
  if (!realm && !config) return 'tskrb5 kdc: --realm is required';
  return { realm: realm ?? '', host, port, users, services, ...(keytab ? { keytab } : {}), ...(conf ? { conf } : {}), ...(config ? { config } : {}), quiet, fast };
}

/** Runs the KDC until SIGINT/SIGTERM; resolves to the exit status. */
export async function runKdc(argv: readonly string[], out: Out, err: Out): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return 0;
  }
  const a = parseKdcArgs(argv);
  if (typeof a === 'string') {
    err(a);
    err(USAGE);
    return 2;
  }
  // --config: a KdcDescription as JSON ({ realm, principals: [{ name, password?, groups?, … }], trusts?, … })
  let described: Partial<KdcDescription> = {};
  if (a.config) {
    try {
      described = JSON.parse(readFileSync(a.config, 'utf8')) as Partial<KdcDescription>;
      if (typeof described !== 'object' || described === null || Array.isArray(described)) throw new TypeError('not a JSON object');
    } catch (e) {
      err(`tskrb5 kdc: ${a.config}: ${(e as Error).message}`);
      return 1;
    }
  }
  const realm = a.realm || described.realm || '';
  if (!realm) {
    err('tskrb5 kdc: no realm (--realm, or "realm" in the --config file)');
    return 2;
  }
  const principals: PrincipalDescription[] = [...(described.principals ?? []), ...a.users.map(([name, password]) => ({ name, password })), ...a.services.map((name) => ({ name }))];
  a.services.push(...(described.principals ?? []).filter((p) => p.password === undefined && p.keys === undefined).map((p) => p.name));
  let kdc: Awaited<ReturnType<typeof startKdc>>;
  try {
    kdc = await startKdc({
      ...described,
      realm,
      host: a.host,
      port: a.port,
      ...(a.fast ? { fast: true } : {}),
      principals,
      ...(a.quiet ? {} : { log: (line: string) => err(line) }),
    });
  } catch (e) {
    err(`tskrb5 kdc: ${(e as Error).message}`);
    return 1;
  }
  try {
    if (a.keytab && a.services.length) kdc.keytab(a.services, a.keytab);
    if (a.conf) writeFileSync(a.conf, kdc.krb5Conf);
  } catch (e) {
    err(`tskrb5 kdc: ${(e as Error).message}`);
    await kdc.stop();
    return 1;
  }
  out(`tskrb5 kdc: realm ${realm} listening on ${kdc.host}:${kdc.port} (UDP and TCP)`);
  if (a.conf) out(`krb5.conf: ${a.conf} (KRB5_CONFIG=${a.conf} kinit ${a.users[0]?.[0] ?? 'NAME'})`);
  else out(`krb5.conf: ${kdc.krb5ConfPath} (until the KDC stops)`);
  if (a.keytab && a.services.length) out(`keytab: ${a.keytab} (${a.services.join(', ')})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await kdc.stop();
  out('tskrb5 kdc: stopped');
  return 0;
}
