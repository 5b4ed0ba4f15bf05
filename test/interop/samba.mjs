// A throwaway Samba AD DC (Debian's samba 4.17, its built-in Heimdal KDC) on 127.0.0.1:
// `samba-tool domain provision` into a temp dir (its own smb.conf, no DNS backend), the accounts
// below made with samba-tool and ldbmodify on the private sam.ldb, keytabs exported with
// `samba-tool domain exportkeytab`, then `samba --foreground --no-process-group -M single` as a
// child process. Only the `kdc` server service runs, on free high ports (smb.conf's `krb5 port`
// and `kpasswd port`), so several DCs (and MIT KDCs) can run at once and nothing binds 88, 389 or
// 636; `ldap: true` adds the LDAP service (389/636 on 127.0.0.1: one such DC at a time).
// Usable from tests and plain scripts (`node test/interop/samba.mjs` starts one and prints it).
// stop() kills exactly what it started. Cost: building a DC takes 15-45 s, so the first one is
// kept as a template under the temp dir and each DC is a copy of it (~0.1 s) started in < 1 s.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, killChild, runCmd, trackChild, waitForTcp, which } from './realm.mjs';

export const SAMBA_REALM = 'SAMBA.TEST';
export const SAMBA_DOMAIN = 'samba.test';
export const SAMBA_NETBIOS = 'SAMBA';
/** The DC's host name (its machine account is `DC1$`, its SPNs host/dc1.samba.test …). */
export const SAMBA_DC = 'dc1';
const BASE_DN = 'DC=samba,DC=test';
const SCHEMA = '/usr/share/samba/setup/ad-schema';

/** msDS-SupportedEncryptionTypes: AES128 (0x08) | AES256 (0x10). */
export const AES_ONLY = 24;
/** userAccountControl: NORMAL_ACCOUNT. */
export const UF_NORMAL_ACCOUNT = 0x200;
/** userAccountControl: TRUSTED_TO_AUTH_FOR_DELEGATION (protocol transition allowed). */
export const UF_TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000;

/**
 * The accounts every DC gets. `name` is the sAMAccountName (the Kerberos name `name@SAMBA.TEST`),
 * `password` its password; `upn` a userPrincipalName other than name@samba.test; `enctypes`
 * msDS-SupportedEncryptionTypes (absent: none set, so AD's default, RC4 service tickets); `spns`
 * servicePrincipalNames; `keytab` the file name (in the DC's dir) of the keys of every SPN, exported
 * with `samba-tool domain exportkeytab --principal=<SPN>` (see `keytabs` of the handle): AES keys
 * when msDS-SupportedEncryptionTypes says AES, else only arcfour-hmac.
 */
export const ACCOUNTS = Object.freeze({
  /** In Web Users, Engineers (itself in All Staff: nested) and Local Readers (domain local). */
  alice: { name: 'alice', password: 'Alice-Pa55word!', groups: ['Web Users', 'Engineers', 'Local Readers'] },
  /** In Web Users only. */
  bob: { name: 'bob', password: 'Bob-Pa55word!', groups: ['Web Users'] },
  /** msDS-SupportedEncryptionTypes = 24 (AES only). */
  aesonly: { name: 'aesonly', password: 'Aes-Pa55word!', enctypes: AES_ONLY, groups: [] },
  /** Logs in as the enterprise name cyd.long@samba.test (kinit -E); canonical name cyd@SAMBA.TEST. */
  cyd: { name: 'cyd', password: 'Cyd-Pa55word!', upn: 'cyd.long@samba.test', groups: ['Engineers'] },
  /** A non-ASCII sAMAccountName (NFC). */
  jurgen: { name: 'jürgen', password: 'J\u00fcrgen-Pa55word!', groups: ['Web Users'] },
  /** The web service: HTTP/web.samba.test and HTTP/localhost, AES only; keytab web.keytab (AES). */
  web: { name: 'websvc', password: 'Web-Svc-Pa55word!', enctypes: AES_ONLY, spns: ['HTTP/web.samba.test', 'HTTP/localhost'], keytab: 'web.keytab', groups: [] },
  /** A service without msDS-SupportedEncryptionTypes: RC4 tickets; its SPN keytab has only arcfour-hmac. */
  rc4: { name: 'rc4svc', password: 'Rc4-Svc-Pa55word!', spns: ['HTTP/rc4.samba.test'], keytab: 'rc4.keytab', groups: [] },
  /** The front service: constrained delegation to HTTP/backend.samba.test with protocol transition (S4U). */
  front: {
    name: 'frontsvc',
    password: 'Front-Svc-Pa55word!',
    enctypes: AES_ONLY,
    spns: ['HTTP/front.samba.test'],
    keytab: 'front.keytab',
    delegateTo: ['HTTP/backend.samba.test'],
    protocolTransition: true,
    groups: [],
  },
  /** The backend service the front one may delegate to. */
  backend: { name: 'backendsvc', password: 'Backend-Svc-Pa55word!', enctypes: AES_ONLY, spns: ['HTTP/backend.samba.test'], keytab: 'backend.keytab', groups: [] },
});

/** Groups made (all global security groups but Local Readers, domain local; All Staff holds Engineers). */
export const GROUPS = Object.freeze([{ name: 'Web Users' }, { name: 'All Staff' }, { name: 'Engineers', memberOf: 'All Staff' }, { name: 'Local Readers', scope: 'Domain' }]);

/** A computer account for FAST armor (ws1$@SAMBA.TEST; keytab ws1.keytab by account name: aes256, aes128, arcfour-hmac). */
export const WORKSTATION = Object.freeze({ name: 'ws1$', password: 'Ws1-Pa55word!', keytab: 'ws1.keytab' });

/** Which peers are missing on this machine (empty array = all present). */
export function missingPeers(names = ['samba', 'samba-tool', 'ldbsearch', 'ldbmodify', 'kinit', 'klist', 'kvno']) {
  const m = names.filter((n) => !which(n));
  if (names.includes('samba-tool') && !existsSync(SCHEMA)) m.push('samba-ad-provision');
  return m;
}

function krb5Conf({ kdcAddr, kpasswdAddr, dir, weak }) {
  return `[libdefaults]
  default_realm = ${SAMBA_REALM}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  forwardable = true
  allow_weak_crypto = ${weak ? 'true' : 'false'}
  default_ccache_name = FILE:${dir}/ccache
  default_keytab_name = FILE:${dir}/default.keytab
  kdc_timesync = 0

[realms]
  ${SAMBA_REALM} = {
    kdc = ${kdcAddr}
    kpasswd_server = ${kpasswdAddr}
    admin_server = 127.0.0.1:1
  }

[domain_realm]
  .${SAMBA_DOMAIN} = ${SAMBA_REALM}
  ${SAMBA_DOMAIN} = ${SAMBA_REALM}
  localhost = ${SAMBA_REALM}
  127.0.0.1 = ${SAMBA_REALM}
`;
}

/**
 * Provision and start a DC. Options: dir (default a new temp dir, removed on stop), keepDir,
 * weakCrypto (allow_weak_crypto in the krb5.conf written for clients, default false), ldap (also
 * run the LDAP service on 389/636), adminPassword, cache (default true: copy this machine's
 * template DC, built on first use; false: provision and populate here, 20-45 s).
 */
export async function startSamba(opts = {}) {
  const missing = missingPeers();
  if (missing.length) throw new Error(`samba peers missing: ${missing.join(', ')} (run test/interop/install.sh)`);
  const t0 = Date.now();
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-samba-'));
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'dc');
  const logDir = join(dir, 'log');
  mkdirSync(logDir, { recursive: true });
  const adminPassword = opts.adminPassword ?? 'Admin-Pa55word!';
  const kdcPort = await freePort();
  let kpasswdPort = await freePort();
  while (kpasswdPort === kdcPort) kpasswdPort = await freePort();
  const kdcAddr = `127.0.0.1:${kdcPort}`;
  const krb5ConfPath = join(dir, 'krb5.conf');
  writeFileSync(krb5ConfPath, krb5Conf({ kdcAddr, kpasswdAddr: `127.0.0.1:${kpasswdPort}`, dir, weak: opts.weakCrypto === true }));
  const smbConf = join(target, 'etc', 'smb.conf');
  const services = opts.ldap ? 'kdc, ldap' : 'kdc';
  const env = {
    ...process.env,
    KRB5_CONFIG: krb5ConfPath,
    KRB5CCNAME: `FILE:${dir}/ccache`,
    KRB5_KTNAME: `FILE:${dir}/default.keytab`,
    KRB5RCACHEDIR: dir,
  };
  delete env.KRB5_TRACE;
  delete env.KRB5_CLIENT_KTNAME;
  const run = (cmd, args = [], o = {}) => runCmd(cmd, args, { timeout: 120_000, ...o, env: { ...env, ...(o.env ?? {}) } });
  // samba-tool against the private sam.ldb (no server needed); throws on a non-zero exit.
  const tool = (...args) => run('samba-tool', [...args, '-s', smbConf], { check: true });
  const samTool = (...args) => tool(...args, '-H', join(target, 'private', 'sam.ldb'));
  const ldbmodify = async (ldif) => {
    const f = join(dir, `modify-${Math.random().toString(36).slice(2)}.ldif`);
    writeFileSync(f, ldif);
    try {
      return await run('ldbmodify', ['-H', join(target, 'private', 'sam.ldb'), f], { check: true });
    } finally {
      rmSync(f, { force: true });
    }
  };

  // The provisioned and populated DC: a copy of this machine's template for these options
  // (built once, ~20 s), or built here with `cache: false`.
  const keytabs = keytabPaths(dir);
  const timings = {};
  if (opts.cache === false) await buildDc(dir, { adminPassword, services, kdcPort, kpasswdPort, run, tool, samTool, ldbmodify }, timings);
  else {
    const t0c = Date.now();
    const template = await dcTemplate({ adminPassword, services });
    cpSync(template, dir, { recursive: true });
    rmSync(join(dir, 'READY'), { force: true });
    // Only smb.conf names the template's directory; the ports are this DC's.
    const conf = readFileSync(smbConf, 'utf8')
      .split(template)
      .join(dir)
      .replace(/^(\s*krb5 port = ).*$/m, `$1${kdcPort}`)
      .replace(/^(\s*kpasswd port = ).*$/m, `$1${kpasswdPort}`);
    writeFileSync(smbConf, conf);
    timings.copy = Date.now() - t0c;
  }
  const tKeytabs = Date.now();

  // -M single: one process, not prefork's five (the machine is shared).
  const child = trackChild(
    spawn(which('samba') ?? 'samba', ['--foreground', '--no-process-group', '-M', 'single', '-s', smbConf, '-l', logDir, '--debug-stdout', '-d', String(opts.debugLevel ?? 1)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  const keep = (d) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  try {
    await waitForTcp(kdcPort, '127.0.0.1', Date.now() + 60_000, child);
  } catch (e) {
    await killChild(child);
    throw new Error(`samba did not come up on ${kdcAddr}: ${e.message}\n${out}`);
  }
  const tUp = Date.now();

  const sam = join(target, 'private', 'sam.ldb');
  let stopped = false;
  const handle = {
    realm: SAMBA_REALM,
    domain: SAMBA_DOMAIN,
    netbios: SAMBA_NETBIOS,
    kdcHost: '127.0.0.1',
    kdcPort,
    kpasswdPort,
    kdcAddr,
    dir,
    /** The provision's directory (etc/smb.conf, private/sam.ldb …). */
    target,
    smbConf,
    samLdb: sam,
    krb5Conf: krb5ConfPath,
    env,
    adminPassword,
    accounts: ACCOUNTS,
    keytabs,
    /** Milliseconds spent: provision, accounts, keytabs, start. */
    timings: { ...timings, start: tUp - tKeytabs, total: tUp - t0 },
    pids: () => (child.exitCode === null ? [child.pid] : []),
    pid: child.pid,
    /** What samba wrote to stdout/stderr so far (its log at -d 1, or opts.debugLevel). */
    output: () => out,
    run,
    /** samba-tool with this DC's smb.conf (and `-H sam.ldb` when `sam` is true). */
    samba_tool: (args, { sam: onSam = false } = {}) => (onSam ? samTool(...args) : tool(...args)),
    ldbmodify,
    /** ldbsearch on the sam.ldb: the records as { dn, attr: [values] } objects. */
    async ldbsearch(filter, attrs = [], { base, scope } = {}) {
      const args = ['-H', sam];
      if (base) args.push('-b', base);
      if (scope) args.push('-s', scope);
      args.push(filter, ...attrs);
      const r = await run('ldbsearch', args, { check: true });
      return parseLdif(r.stdout);
    },
    /**
     * The SIDs of a user (sAMAccountName) as the directory reports them: objectSid, the primary
     * group's SID (domain SID + primaryGroupID), memberOf's groups' SIDs (direct only),
     * tokenGroups (transitive, with the primary group and BUILTIN aliases such as S-1-5-32-545),
     * and the domain SID.
     */
    async sidsOf(name) {
      const [u] = await handle.ldbsearch(`(sAMAccountName=${ldapEscape(name)})`, ['objectSid', 'primaryGroupID', 'memberOf'], { base: BASE_DN });
      if (!u) throw new Error(`no account ${name} in ${sam}`);
      const objectSid = u.objectSid[0];
      const domainSid = objectSid.replace(/-\d+$/, '');
      const primaryGroupSid = `${domainSid}-${u.primaryGroupID[0]}`;
      const memberOf = [];
      for (const dn of u.memberOf ?? []) {
        const [g] = await handle.ldbsearch('(objectClass=*)', ['objectSid'], { base: dn, scope: 'base' });
        memberOf.push(g.objectSid[0]);
      }
      const [t] = await handle.ldbsearch('(objectClass=*)', ['tokenGroups'], { base: u.dn, scope: 'base' });
      return { dn: u.dn, objectSid, domainSid, primaryGroupSid, memberOf, tokenGroups: t.tokenGroups ?? [] };
    },
    /** MIT kinit with the password on stdin. */
    kinit(principal, password, args = [], o = {}) {
      return run('kinit', [...args, principal], { ...o, input: password + '\n' });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(child);
      if (ownDir && !opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Where a DC's keytabs are, in its dir (see the handle's `keytabs`). */
function keytabPaths(dir) {
  const keytabs = {};
  for (const [key, a] of Object.entries(ACCOUNTS)) {
    if (!a.keytab) continue;
    keytabs[key] = join(dir, a.keytab);
    keytabs[`${key}Account`] = join(dir, `${a.name}-account.keytab`);
  }
  keytabs.ws1 = join(dir, WORKSTATION.keytab);
  return keytabs;
}

/**
 * Provision into `dir/dc`, make the accounts, export the keytabs into `dir`. Only smb.conf
 * names `dir` (checked: no other file of the provision holds the path), so a built DC can be
 * copied elsewhere with smb.conf rewritten.
 */
async function buildDc(dir, { adminPassword, services, kdcPort, kpasswdPort, run, tool, samTool, ldbmodify }, timings) {
  const t0 = Date.now();
  mkdirSync(join(dir, 'log'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  await run(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${join(dir, 'dc')}`,
      `--realm=${SAMBA_REALM}`,
      `--domain=${SAMBA_NETBIOS}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--host-ip=127.0.0.1',
      `--host-name=${SAMBA_DC}`,
      `--adminpass=${adminPassword}`,
      '--option=interfaces = 127.0.0.1',
      '--option=bind interfaces only = yes',
      `--option=server services = ${services}`,
      `--option=krb5 port = ${kdcPort}`,
      `--option=kpasswd port = ${kpasswdPort}`,
      `--option=log file = ${join(dir, 'log', 'log.%m')}`,
      // Else /run/samba: one samba per machine ("samba is already running").
      `--option=pid directory = ${join(dir, 'run')}`,
      `--option=ncalrpc dir = ${join(dir, 'run', 'ncalrpc')}`,
      `--option=winbindd socket directory = ${join(dir, 'run', 'winbindd')}`,
      `--option=ntp signd socket directory = ${join(dir, 'run', 'ntp_signd')}`,
    ],
    { check: true },
  );
  timings.provision = Date.now() - t0;
  const tProvision = Date.now();

  // No expiry, no complexity (the passwords above would pass it anyway).
  await samTool('domain', 'passwordsettings', 'set', '--complexity=off', '--max-pwd-age=0', '--min-pwd-age=0', '--history-length=0');
  for (const g of GROUPS) await samTool('group', 'add', g.name, ...(g.scope ? [`--group-scope=${g.scope}`] : []));
  for (const a of Object.values(ACCOUNTS)) await samTool('user', 'create', a.name, a.password);
  // Everything else in one ldbmodify on the sam.ldb (each samba-tool call costs ~0.3-1 s).
  const userDn = (name) => `CN=${name},CN=Users,${BASE_DN}`;
  const ldif = [];
  const members = new Map(GROUPS.map((g) => [g.name, []]));
  for (const g of GROUPS) if (g.memberOf) members.get(g.memberOf).push(userDn(g.name));
  for (const a of Object.values(ACCOUNTS)) {
    const mods = [];
    if (a.upn) mods.push(`replace: userPrincipalName\nuserPrincipalName: ${a.upn}`);
    if (a.enctypes !== undefined) mods.push(`replace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: ${a.enctypes}`);
    if (a.spns?.length) mods.push(`add: servicePrincipalName\n${a.spns.map((x) => `servicePrincipalName: ${x}`).join('\n')}`);
    // samba-tool delegation add-service / for-any-protocol on, as attributes.
    if (a.delegateTo?.length) mods.push(`add: msDS-AllowedToDelegateTo\n${a.delegateTo.map((x) => `msDS-AllowedToDelegateTo: ${x}`).join('\n')}`);
    if (a.protocolTransition) mods.push(`replace: userAccountControl\nuserAccountControl: ${UF_NORMAL_ACCOUNT | UF_TRUSTED_TO_AUTH_FOR_DELEGATION}`);
    if (mods.length) ldif.push(`dn: ${userDn(a.name)}\nchangetype: modify\n${mods.join('\n-\n')}\n`);
    for (const g of a.groups ?? []) members.get(g).push(userDn(a.name));
  }
  for (const [g, dns] of members) {
    if (dns.length) ldif.push(`dn: ${userDn(g)}\nchangetype: modify\nadd: member\n${dns.map((d) => `member: ${d}`).join('\n')}\n`);
  }
  await ldbmodify(ldif.join('\n'));
  // samba-tool computer create leaves the account without keys: set a password.
  await samTool('computer', 'create', WORKSTATION.name.replace(/\$$/, ''));
  await samTool('user', 'setpassword', WORKSTATION.name, `--newpassword=${WORKSTATION.password}`);
  timings.accounts = Date.now() - tProvision;
  const tAccounts = Date.now();

  const keytabs = keytabPaths(dir);
  for (const [key, a] of Object.entries(ACCOUNTS)) {
    if (!a.keytab) continue;
    // Every SPN of the account, appended to one keytab (exportkeytab adds to an existing file).
    for (const spn of a.spns) await tool('domain', 'exportkeytab', keytabs[key], `--principal=${spn}`);
  }
  // Every key of the service accounts by account name too (aes256, aes128 and arcfour-hmac as
  // websvc@SAMBA.TEST …): Samba's AS refuses an SPN as the client (kinit -k HTTP/front… is
  // C_PRINCIPAL_UNKNOWN), so a service logs in (and asks S4U2Self for itself) as its account.
  for (const [key, a] of Object.entries(ACCOUNTS)) {
    if (!a.keytab) continue;
    await tool('domain', 'exportkeytab', keytabs[`${key}Account`], `--principal=${a.name}`);
  }
  await tool('domain', 'exportkeytab', keytabs.ws1, `--principal=${WORKSTATION.name}`);
  timings.keytabs = Date.now() - tAccounts;
}

/**
 * A populated DC for these options, built once per machine (per samba version and version of
 * this file) under the temp dir and copied by each startSamba: provisioning and the ~20
 * samba-tool calls cost 20-45 s, a copy ~50 ms. Built in a directory of its own, then renamed
 * into place, so that processes starting at once each build or use a complete one.
 */
async function dcTemplate({ adminPassword, services }) {
  const version = (await runCmd('samba', ['-V'])).stdout.trim();
  const key = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(JSON.stringify({ version, adminPassword, services }))
    .digest('hex')
    .slice(0, 16);
  const uid = process.getuid?.() ?? 0;
  const path = join(tmpdir(), `tskrb5-samba-template-${uid}-${key}`);
  if (existsSync(join(path, 'READY'))) return path;
  const tmp = mkdtempSync(`${path}.tmp-`);
  const env = { ...process.env };
  delete env.KRB5_TRACE;
  const run = (cmd, args = [], o = {}) => runCmd(cmd, args, { timeout: 120_000, ...o, env });
  const smbConf = join(tmp, 'dc', 'etc', 'smb.conf');
  const tool = (...args) => run('samba-tool', [...args, '-s', smbConf], { check: true });
  const samTool = (...args) => tool(...args, '-H', join(tmp, 'dc', 'private', 'sam.ldb'));
  const ldbmodify = async (ldif) => {
    const f = join(tmp, 'modify.ldif');
    writeFileSync(f, ldif);
    try {
      return await run('ldbmodify', ['-H', join(tmp, 'dc', 'private', 'sam.ldb'), f], { check: true });
    } finally {
      rmSync(f, { force: true });
    }
  };
  try {
    // Ports 1 and 2 stand in: each copy gets its own.
    await buildDc(tmp, { adminPassword, services, kdcPort: 1, kpasswdPort: 2, run, tool, samTool, ldbmodify }, {});
    writeFileSync(smbConf, readFileSync(smbConf, 'utf8').split(tmp).join(path));
    writeFileSync(join(tmp, 'READY'), `${new Date().toISOString()}\n`);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(join(path, 'READY'))) return path; // another process won the race
    throw e;
  }
  return path;
}

let shared = null;
/** One DC per process (per vitest test file): started on first call, stopped at exit or by stop(). */
export function sharedSamba(opts = {}) {
  if (!shared) {
    shared = startSamba(opts);
    shared.catch(() => {
      shared = null;
    });
  }
  return shared;
}

function ldapEscape(s) {
  return s.replace(/[\\*()\0]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** ldbsearch's LDIF (base64 values `attr:: …` decoded, folded lines joined) as records. */
export function parseLdif(text) {
  const records = [];
  let cur = null;
  const lines = text.replace(/\n /g, '').split('\n');
  for (const line of lines) {
    if (line.startsWith('# record')) {
      cur = {};
      records.push(cur);
      continue;
    }
    if (!cur || !line || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9;-]+)(::?) ?(.*)$/.exec(line);
    if (!m) continue;
    const value = m[2] === '::' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
    if (m[1] === 'dn') cur.dn = value;
    else {
      if (!cur[m[1]]) cur[m[1]] = [];
      cur[m[1]].push(value);
    }
  }
  return records;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dc = await startSamba({ keepDir: true, ldap: process.argv.includes('--ldap') });
  console.log(
    JSON.stringify(
      { realm: dc.realm, kdc: dc.kdcAddr, KRB5_CONFIG: dc.krb5Conf, dir: dc.dir, smbConf: dc.smbConf, keytabs: dc.keytabs, timings: dc.timings, alice: await dc.sidsOf('alice') },
      null,
      2,
    ),
  );
  console.log('Ctrl-C stops the DC');
  process.once('SIGINT', () => dc.stop().then(() => process.exit(0)));
}
