// A throwaway MIT krb5 realm on 127.0.0.1: krb5.conf + kdc.conf in a temp dir, a fresh
// database with its stash, and `krb5kdc -n` as a child process on a free high port (UDP+TCP).
// Usable from vitest globalSetup, tests and plain scripts. stop() kills exactly what it started.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';

export const HEIMDAL_PREFIX = process.env.HEIMDAL_PREFIX ?? '/opt/tskrb5-heimdal';
export const ENCTYPES = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192', 'aes128-cts-hmac-sha256-128'];

const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
export function which(cmd) {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : null;
  const dirs = [...SBIN, ...(process.env.PATH ?? '').split(':')];
  for (const d of dirs) if (d && existsSync(join(d, cmd))) return join(d, cmd);
  return null;
}

/** Which peers are missing on this machine (empty array = all present). */
export function missingPeers(names = ['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kvno']) {
  return names.filter((n) => !which(n));
}

/** Processes started by this module that are still alive, killed on process exit. */
const live = new Set();
process.once('exit', () => {
  for (const c of live)
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
});

export function trackChild(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stop a child: SIGTERM, then SIGKILL after graceMs; resolves when it has exited. */
export function killChild(child, graceMs = 3000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    try {
      child.kill('SIGTERM');
    } catch {
      clearTimeout(t);
      resolve();
    }
  });
}

/** True if a process with this pid exists (and is not a zombie). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** A port free on 127.0.0.1 for both TCP and UDP. */
export async function freePort() {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const ok = await new Promise((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port on 127.0.0.1');
}

/** Run a command, resolve { code, signal, stdout, stderr } (never rejects on exit status). */
export function runCmd(cmd, args = [], opts = {}) {
  const { input, env, timeout = 30_000, cwd, check = false, argv0 } = opts;
  return new Promise((resolve, reject) => {
    const bin = which(cmd) ?? cmd;
    const child = trackChild(spawn(bin, args, { env, cwd, argv0, stdio: ['pipe', 'pipe', 'pipe'] }));
    let stdout = '',
      stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(t);
      const r = { code, signal, stdout, stderr };
      if (check && code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}: ${stderr || stdout}`));
      } else resolve(r);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

async function waitForTcp(port, host, deadline, child) {
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${host}:${port}`);
}
export { waitForTcp };

function krb5Conf({ realm, kdcAddr, dir, weak, extraLibdefaults = '', extraRealmConf = '' }) {
  return `[libdefaults]
  default_realm = ${realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  ignore_acceptor_hostname = false
  forwardable = true
  allow_weak_crypto = ${weak ? 'true' : 'false'}
  default_ccache_name = FILE:${dir}/ccache
  default_keytab_name = FILE:${dir}/default.keytab
  kdc_timesync = 0
${extraLibdefaults}
[realms]
  ${realm} = {
    kdc = ${kdcAddr}
    admin_server = 127.0.0.1:1
${extraRealmConf}
  }

[domain_realm]
  localhost = ${realm}
  .localhost = ${realm}
  127.0.0.1 = ${realm}
`;
}

/**
 * Start a throwaway realm. Options: dir (created if missing; default a new temp dir, removed
 * on stop), realm, weakCrypto (allow_weak_crypto = true, default true so an opt-in arcfour-hmac
 * user can be made; supported_enctypes itself is AES only), keepDir, extraLibdefaults (lines
 * added to krb5.conf's [libdefaults]), extraKdcDefaults (lines added to kdc.conf's [kdcdefaults],
 * e.g. `kdc_max_dgram_reply_size = 600`), extraConf (text appended to krb5.conf, which the KDC reads
 * too: e.g. a [domain_realm] section for the KDC's server referrals), kdb: 'ldap' (the database in
 * MIT's LDAP KDB module over a private slapd on a free port, instead of DB2: the only MIT database
 * with classic constrained delegation — `allowDelegation(principal, targets)` sets its
 * krbAllowedToDelegateTo; needs krb5-kdc-ldap, slapd, ldap-utils), extraRealmConf (lines added
 * to the realm's block in krb5.conf, the clients' side: e.g. `disable_encrypted_timestamp = true`,
 * which MIT's client honours and the KDC ignores), extraKdcConf (text appended to kdc.conf: e.g.
 * `[plugins]\n kdcpreauth = { disable = encrypted_timestamp }`, which stops the KDC offering and
 * accepting PA-ENC-TIMESTAMP).
 */
export async function startRealm(opts = {}) {
  const realm = opts.realm ?? 'TSKRB5.TEST';
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-realm-'));
  mkdirSync(dir, { recursive: true });
  const weak = opts.weakCrypto ?? true;
  const kdcPort = await freePort();
  const kdcAddr = `127.0.0.1:${kdcPort}`;
  const krb5ConfPath = join(dir, 'krb5.conf');
  const kdcConfPath = join(dir, 'kdc.conf');
  const master = 'master-' + Math.random().toString(36).slice(2);
  writeFileSync(
    krb5ConfPath,
    krb5Conf({ realm, kdcAddr, dir, weak, extraLibdefaults: opts.extraLibdefaults ?? '', extraRealmConf: opts.extraRealmConf ?? '' }) + (opts.extraConf ?? ''),
  );
  writeFileSync(join(dir, 'kadm5.acl'), `*/admin@${realm} *\n`);
  const ldap = opts.kdb === 'ldap' ? await startSlapd(dir, realm) : null;
  writeFileSync(
    kdcConfPath,
    `[kdcdefaults]
  kdc_listen = ${kdcAddr}
  kdc_tcp_listen = ${kdcAddr}
${opts.extraKdcDefaults ?? ''}

[realms]
  ${realm} = {
    ${ldap ? 'database_module = ldapconf' : `database_name = ${dir}/principal`}
    key_stash_file = ${dir}/stash
    acl_file = ${dir}/kadm5.acl
    kdc_listen = ${kdcAddr}
    kdc_tcp_listen = ${kdcAddr}
    master_key_type = aes256-cts-hmac-sha1-96
    supported_enctypes = ${ENCTYPES.map((e) => e + ':normal').join(' ')}
    default_principal_flags = +preauth
    max_life = 1d
    max_renewable_life = 7d
  }

${ldap ? ldap.dbmodules : ''}
[logging]
  kdc = FILE:${dir}/kdc.log
  admin_server = FILE:${dir}/kadmin.log
  default = FILE:${dir}/krb5lib.log
${opts.extraKdcConf ?? ''}`,
  );
  const env = {
    ...process.env,
    KRB5_CONFIG: krb5ConfPath,
    KRB5_KDC_PROFILE: kdcConfPath,
    KRB5CCNAME: `FILE:${dir}/ccache`,
    KRB5_KTNAME: `FILE:${dir}/default.keytab`,
    KRB5RCACHEDIR: dir,
    KRB5_TRACE: undefined,
  };
  delete env.KRB5_TRACE;
  delete env.KRB5_CLIENT_KTNAME;

  const run = (cmd, args = [], o = {}) => runCmd(cmd, args, { ...o, env: { ...env, ...(o.env ?? {}) } });
  const kadmin = async (query) => {
    const r = await run('kadmin.local', ['-r', realm, '-q', query]);
    // kadmin.local exits 0 even when the query fails: any stderr line but the notices is an error.
    const errs = r.stderr.split('\n').filter((l) => l.trim() && !/^(No policy specified|WARNING|Authenticating)/.test(l));
    if (r.code !== 0 || errs.length) {
      throw new Error(`kadmin.local -q "${query}": ${errs.join('; ') || r.stderr.trim()}`);
    }
    return r;
  };

  try {
    if (ldap) {
      const bind = ['-D', ldap.adminDn, '-w', ldap.adminPassword, '-H', ldap.url];
      await run('kdb5_ldap_util', [...bind, 'create', '-subtrees', ldap.suffix, '-r', realm, '-s', '-P', master], { check: true });
      await run('kdb5_ldap_util', [...bind, 'stashsrvpw', '-f', ldap.stash, ldap.adminDn], { check: true, input: `${ldap.adminPassword}\n${ldap.adminPassword}\n` });
    } else await run('kdb5_util', ['-r', realm, 'create', '-s', '-P', master], { check: true });
  } catch (e) {
    if (ldap) await ldap.stop();
    throw e;
  }

  const kdc = trackChild(spawn(which('krb5kdc') ?? 'krb5kdc', ['-n', '-r', realm], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let kdcErr = '';
  kdc.stderr.setEncoding('utf8').on('data', (d) => (kdcErr += d));
  kdc.stdout.resume();
  try {
    await waitForTcp(kdcPort, '127.0.0.1', Date.now() + 15_000, kdc);
  } catch (e) {
    await killChild(kdc);
    if (ldap) await ldap.stop();
    throw new Error(`krb5kdc did not come up on ${kdcAddr}: ${e.message}\n${kdcErr}`);
  }

  let stopped = false;
  const handle = {
    realm,
    kdcPort,
    kdcHost: '127.0.0.1',
    dir,
    krb5Conf: krb5ConfPath,
    kdcConf: kdcConfPath,
    masterPassword: master,
    env,
    pids: () => [...(kdc.exitCode === null ? [kdc.pid] : []), ...(ldap ? ldap.pids() : [])],
    kdb: ldap ? 'ldap' : 'db2',
    /**
     * LDAP KDB only: the services `principal` may get tickets to in a user's name (classic
     * constrained delegation, S4U2Proxy): its entry's krbAllowedToDelegateTo, replaced.
     */
    async allowDelegation(principal, targets) {
      if (!ldap) throw new Error('allowDelegation needs startRealm({ kdb: "ldap" }): MIT\'s DB2 database has no delegation targets');
      const full = (p) => (p.includes('@') ? p : `${p}@${realm}`);
      const dn = `krbPrincipalName=${full(principal)},cn=${realm},cn=krbContainer,${ldap.suffix}`;
      const ldif = `dn: ${dn}\nchangetype: modify\nreplace: krbAllowedToDelegateTo\n${targets.map((t) => `krbAllowedToDelegateTo: ${full(t)}\n`).join('')}`;
      await run('ldapmodify', ['-x', '-H', ldap.url, '-D', ldap.adminDn, '-w', ldap.adminPassword], { check: true, input: ldif });
    },
    kdcPid: kdc.pid,
    kadmin,
    run,
    /**
     * Add a principal. password or randkey (default randkey when no password); enctypes e.g.
     * ['aes256-cts-hmac-sha1-96'] or ['arcfour-hmac'] (normal salt); requiresPreauth default true.
     */
    async addPrincipal(name, { password, randkey, enctypes, requiresPreauth = true } = {}) {
      const args = ['addprinc'];
      if (password !== undefined && !randkey) args.push('-pw', quote(password));
      else args.push('-randkey');
      if (enctypes?.length) args.push('-e', quote(enctypes.map((e) => (e.includes(':') ? e : e + ':normal')).join(',')));
      args.push(requiresPreauth ? '+requires_preauth' : '-requires_preauth');
      args.push(quote(name));
      await kadmin(args.join(' '));
      return name.includes('@') ? name : `${name}@${realm}`;
    },
    /**
     * Export a principal's keys to a keytab. Without enctypes the current keys are kept
     * (-norandkey); with enctypes the principal is re-keyed to those enctypes.
     */
    async ktadd(principal, keytabPath, enctypes) {
      const e = enctypes?.length ? `-e ${quote(enctypes.map((x) => (x.includes(':') ? x : x + ':normal')).join(','))} ` : '-norandkey ';
      await kadmin(`ktadd -k ${quote(keytabPath)} ${e}${quote(principal)}`);
      return keytabPath;
    },
    /** MIT kinit with the password on stdin. */
    kinit(principal, password, args = [], o = {}) {
      return run('kinit', [...args, principal], { ...o, input: password + '\n' });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(kdc);
      if (ldap) await ldap.stop();
      if (ownDir && !opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/**
 * A private slapd for MIT's LDAP KDB: the Kerberos schema Debian's krb5-kdc-ldap ships, an mdb
 * database under `dir/ldap`, the base entry loaded with slapadd, `slapd -d 0` (foreground) on a
 * free port of 127.0.0.1. Resolves to what kdc.conf and kdb5_ldap_util need, and stop().
 */
async function startSlapd(dir, realm) {
  const miss = ['slapd', 'slapadd', 'kdb5_ldap_util', 'ldapmodify'].filter((n) => !which(n));
  const schemaGz = '/usr/share/doc/krb5-kdc-ldap/kerberos.schema.gz';
  if (miss.length || !existsSync(schemaGz))
    throw new Error(`LDAP KDB peers missing: ${[...miss, ...(existsSync(schemaGz) ? [] : [schemaGz])].join(', ')} (run test/interop/install.sh)`);
  const ld = join(dir, 'ldap');
  mkdirSync(join(ld, 'db'), { recursive: true });
  const { gunzipSync } = await import('node:zlib');
  const { readFileSync } = await import('node:fs');
  writeFileSync(join(ld, 'kerberos.schema'), gunzipSync(readFileSync(schemaGz)));
  const suffix = realm
    .toLowerCase()
    .split('.')
    .map((c) => `dc=${c}`)
    .join(',');
  const adminDn = `cn=admin,${suffix}`;
  const adminPassword = 'ldap-' + Math.random().toString(36).slice(2);
  const conf = join(ld, 'slapd.conf');
  writeFileSync(
    conf,
    `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include ${ld}/kerberos.schema
pidfile ${ld}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 104857600
suffix "${suffix}"
rootdn "${adminDn}"
rootpw ${adminPassword}
directory ${ld}/db
`,
  );
  const first = realm.split('.')[0].toLowerCase();
  writeFileSync(join(ld, 'base.ldif'), `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\no: ${first}\ndc: ${first}\n`);
  await runCmd('slapadd', ['-f', conf, '-l', join(ld, 'base.ldif')], { check: true });
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const child = trackChild(spawn(which('slapd'), ['-d', '0', '-f', conf, '-h', `${url}/`], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  child.stdout.resume();
  try {
    await waitForTcp(port, '127.0.0.1', Date.now() + 15_000, child);
  } catch (e) {
    await killChild(child);
    throw new Error(`slapd did not come up on ${url}: ${e.message}\n${err}`);
  }
  const stash = join(ld, 'service.stash');
  return {
    url,
    suffix,
    adminDn,
    adminPassword,
    stash,
    pids: () => (child.exitCode === null ? [child.pid] : []),
    dbmodules: `[dbmodules]
  ldapconf = {
    db_library = kldap
    ldap_kerberos_container_dn = cn=krbContainer,${suffix}
    ldap_kdc_dn = ${adminDn}
    ldap_kadmind_dn = ${adminDn}
    ldap_service_password_file = ${stash}
    ldap_servers = ${url}
  }
`,
    stop: () => killChild(child),
  };
}

/** kadmin's argument quoting: double quotes, backslash-escaped. */
function quote(s) {
  return /^[A-Za-z0-9@._/:,+=-]+$/.test(s) ? s : '"' + String(s).replace(/(["\\])/g, '\\$1') + '"';
}

/** Environment to run Heimdal's unpacked client tools against a realm (or the given env). */
export function heimdalEnv(env = process.env) {
  const lib = join(HEIMDAL_PREFIX, 'usr/lib/x86_64-linux-gnu');
  return { ...env, LD_LIBRARY_PATH: [lib, env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}
export function heimdalBin(name) {
  for (const n of [`${name}.heimdal`, name]) {
    const p = join(HEIMDAL_PREFIX, 'usr/bin', n);
    if (existsSync(p)) return p;
  }
  return null;
}
/**
 * Run a Heimdal client tool (kinit, klist, kgetcred, kvno, kdestroy, kswitch, ktutil…) from the
 * unpacked prefix with env (e.g. a realm's env). Several are links to `heimtools`, which
 * dispatches on argv[0]: it gets the bare tool name.
 */
export function heimdal(name, args = [], opts = {}) {
  const bin = heimdalBin(name);
  if (!bin) return Promise.reject(new Error(`Heimdal ${name} not found in ${HEIMDAL_PREFIX} (run test/interop/install.sh)`));
  return runCmd(bin, args, { ...opts, argv0: name, env: heimdalEnv(opts.env ?? process.env) });
}
