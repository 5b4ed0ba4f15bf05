// A throwaway Samba AD DC (Debian's samba 4.17, its built-in Heimdal KDC) on 127.0.0.1:
// `samba-tool domain provision` into a temp dir (its own smb.conf, no DNS backend), the accounts
// below made with samba-tool and ldbmodify on the private sam.ldb, keytabs exported with
// `samba-tool domain exportkeytab`, then `samba --foreground --no-process-group -M single` as a
// child process. Only the `kdc` server service runs, on free high ports (smb.conf's `krb5 port`
// and `kpasswd port`), so several DCs (and MIT KDCs) can run at once and nothing binds 88, 389 or
// 636; `ldap: true` adds the LDAP service (389/636 on 127.0.0.1: one such DC at a time).
// Usable from tests and plain scripts (`node test/interop/samba.mjs` starts one and prints it).
// stop() kills exactly what it started. Cost: provision ~5 s, accounts and keytabs ~6 s, start < 1 s.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
/** userAccountControl: TRUSTED_TO_AUTH_FOR_DELEGATION (protocol transition allowed). */
export const UF_TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000;

/**
 * The accounts every DC gets. `name` is the sAMAccountName (the Kerberos name `name@SAMBA.TEST`),
 * `password` its password; `upn` a userPrincipalName other than name@samba.test; `enctypes`
 * msDS-SupportedEncryptionTypes (absent: none set, so AD's default, RC4 service tickets); `spns`
 * servicePrincipalNames; `keytab` the file name (in the DC's dir) exported with
 * `samba-tool domain exportkeytab --principal=<first SPN>` (see `keytabs` of the handle).
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
 * run the LDAP service on 389/636), adminPassword.
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

  await run(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${target}`,
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
      `--option=log file = ${join(logDir, 'log.%m')}`,
    ],
    { check: true },
  );
  const tProvision = Date.now();

  // No expiry, no complexity (the passwords above would pass it anyway).
  await samTool('domain', 'passwordsettings', 'set', '--complexity=off', '--max-pwd-age=0', '--min-pwd-age=0', '--history-length=0');
  for (const g of GROUPS) await samTool('group', 'add', g.name, ...(g.scope ? [`--group-scope=${g.scope}`] : []));
  for (const g of GROUPS) if (g.memberOf) await samTool('group', 'addmembers', g.memberOf, g.name);
  for (const a of Object.values(ACCOUNTS)) {
    await samTool('user', 'create', a.name, a.password);
    const dn = `CN=${a.name},CN=Users,${BASE_DN}`;
    const mods = [];
    if (a.upn) mods.push(`replace: userPrincipalName\nuserPrincipalName: ${a.upn}`);
    if (a.enctypes !== undefined) mods.push(`replace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: ${a.enctypes}`);
    if (a.spns?.length) mods.push(`add: servicePrincipalName\n${a.spns.map((s) => `servicePrincipalName: ${s}`).join('\n')}`);
    if (mods.length) await ldbmodify(`dn: ${dn}\nchangetype: modify\n${mods.join('\n-\n')}\n`);
    for (const g of a.groups ?? []) await samTool('group', 'addmembers', g, a.name);
    for (const s of a.delegateTo ?? []) await samTool('delegation', 'add-service', a.name, s);
    if (a.protocolTransition) await samTool('delegation', 'for-any-protocol', a.name, 'on');
  }
  // samba-tool computer create leaves the account without keys: set a password.
  await samTool('computer', 'create', WORKSTATION.name.replace(/\$$/, ''));
  await samTool('user', 'setpassword', WORKSTATION.name, `--newpassword=${WORKSTATION.password}`);
  const tAccounts = Date.now();

  const keytabs = {};
  for (const [key, a] of Object.entries(ACCOUNTS)) {
    if (!a.keytab) continue;
    const p = join(dir, a.keytab);
    await tool('domain', 'exportkeytab', p, `--principal=${a.spns[0]}`);
    keytabs[key] = p;
  }
  // Every key of the accounts, by account name (aes256, aes128 and arcfour-hmac as websvc@…).
  keytabs.webAccount = join(dir, 'websvc-account.keytab');
  await tool('domain', 'exportkeytab', keytabs.webAccount, `--principal=${ACCOUNTS.web.name}`);
  keytabs.rc4Account = join(dir, 'rc4svc-account.keytab');
  await tool('domain', 'exportkeytab', keytabs.rc4Account, `--principal=${ACCOUNTS.rc4.name}`);
  keytabs.ws1 = join(dir, WORKSTATION.keytab);
  await tool('domain', 'exportkeytab', keytabs.ws1, `--principal=${WORKSTATION.name}`);
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
    timings: { provision: tProvision - t0, accounts: tAccounts - tProvision, keytabs: tKeytabs - tAccounts, start: tUp - tKeytabs },
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
