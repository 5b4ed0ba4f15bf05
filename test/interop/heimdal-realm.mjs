// A throwaway Heimdal realm on 127.0.0.1 (Heimdal 7.8's KDC unpacked into HEIMDAL_PREFIX by
// install.sh): krb5.conf + kdc.conf in a temp dir, a fresh db3 database with a stashed random
// master key, and Heimdal's `kdc` as a child process on a free high port (UDP+TCP). Plus
// trustRealms(): a two-way direct cross-realm trust with an MIT realm from realm.mjs, and one
// krb5.conf (MIT syntax, read by MIT, Heimdal and our own code) that knows both realms.
// stop() kills exactly what it started.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEIMDAL_PREFIX, heimdal, heimdalEnv, freePort, runCmd, trackChild, killChild, waitForTcp } from './realm.mjs';

/** Heimdal 7.8 has no aes-sha2 (RFC 8009) enctypes. */
export const HEIMDAL_ENCTYPES = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'];

const LIBEXEC = join(HEIMDAL_PREFIX, 'usr/lib/heimdal-servers');
/** A Heimdal program in the prefix: usr/bin (name.heimdal or name), usr/sbin, usr/lib/heimdal-servers. */
export function heimdalProgram(name) {
  for (const p of [join(HEIMDAL_PREFIX, 'usr/bin', `${name}.heimdal`), join(HEIMDAL_PREFIX, 'usr/bin', name), join(HEIMDAL_PREFIX, 'usr/sbin', name), join(LIBEXEC, name)])
    if (existsSync(p)) return p;
  return null;
}

/** What startHeimdalRealm needs that is not in HEIMDAL_PREFIX (empty array = ready). */
export function heimdalMissing() {
  return ['kdc', 'kstash', 'kadmin', 'kinit', 'klist', 'kgetcred'].filter((n) => !heimdalProgram(n));
}

function realmsSection(list) {
  return list.map(({ realm, kdcPort }) => `  ${realm} = {\n    kdc = 127.0.0.1:${kdcPort}\n    admin_server = 127.0.0.1:1\n  }\n`).join('');
}
function domainRealmSection(list) {
  return list
    .map(({ realm }) => {
      const d = realm.toLowerCase();
      return `  .${d} = ${realm}\n  ${d} = ${realm}\n`;
    })
    .join('');
}
/** Direct trust between every pair (else the shared ".TEST" suffix means a hierarchical path via TEST). */
function capathsSection(list) {
  if (list.length < 2) return '';
  let s = '\n[capaths]\n';
  for (const a of list) {
    s += `  ${a.realm} = {\n`;
    for (const b of list) if (b !== a) s += `    ${b.realm} = .\n`;
    s += '  }\n';
  }
  return s;
}

/** Client krb5.conf: MIT syntax, which Heimdal reads too. realms[0] is the default realm. */
function clientConf({ realms, dir, ccache, keytab }) {
  return `[libdefaults]
  default_realm = ${realms[0].realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  ignore_acceptor_hostname = false
  forwardable = true
  default_ccache_name = FILE:${ccache ?? join(dir, 'ccache')}
  default_keytab_name = FILE:${keytab ?? join(dir, 'default.keytab')}
  kdc_timesync = 0

[realms]
${realmsSection(realms)}
[domain_realm]
  localhost = ${realms[0].realm}
  .localhost = ${realms[0].realm}
  127.0.0.1 = ${realms[0].realm}
${domainRealmSection(realms)}${capathsSection(realms)}`;
}

/**
 * Start a throwaway Heimdal realm. Options: realm (default HEIM.TEST), dir (created if missing;
 * default a new temp dir, removed on stop), mitRealm (a realm.mjs handle, or { realm, kdcPort }:
 * also listed in this realm's krb5.conf, with domain_realm and a direct [capaths] entry),
 * maxLife / maxRenewableLife (Heimdal lifetimes, default '1 day' / '1 week'), keepDir.
 */
export async function startHeimdalRealm(opts = {}) {
  const missing = heimdalMissing();
  if (missing.length) throw new Error(`Heimdal ${missing.join(', ')} not found in ${HEIMDAL_PREFIX} (run test/interop/install.sh)`);
  const realm = opts.realm ?? 'HEIM.TEST';
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-heimdal-'));
  mkdirSync(dir, { recursive: true });
  const kdcPort = await freePort();
  const krb5ConfPath = join(dir, 'krb5.conf');
  const kdcConfPath = join(dir, 'kdc.conf');
  const mkeyFile = join(dir, 'm-key');
  const realms = [{ realm, kdcPort }];
  if (opts.mitRealm) realms.push({ realm: opts.mitRealm.realm, kdcPort: opts.mitRealm.kdcPort });
  writeFileSync(krb5ConfPath, clientConf({ realms, dir }));
  writeFileSync(join(dir, 'kadmind.acl'), `*/admin@${realm} all\n`);
  // Read by the KDC and by `kadmin -l` through --config-file, which Heimdal puts in front of
  // KRB5_CONFIG's files. Pre-authentication is per principal (attribute requires-pre-auth, set
  // by addPrincipal unless asked otherwise), as MIT does it, so require-preauth is off.
  const kdcConfText = (defaultKeys) => `[kdc]
  database = {
    dbname = db3:${dir}/heimdal
    realm = ${realm}
    mkey_file = ${mkeyFile}
    acl_file = ${dir}/kadmind.acl
    log_file = ${dir}/kadmin.log
  }
  addresses = 127.0.0.1
  ports = ${kdcPort}
  require-preauth = false
  check-ticket-addresses = false
  allow-null-ticket-addresses = true
  enable-http = false
  enable-kx509 = false
  enable-pkinit = false
  enable-digest = false

[kadmin]
  default_keys = ${defaultKeys.join(' ')}
  use_v4_salt = false

[logging]
  kdc = FILE:${dir}/kdc.log
  kadmin = FILE:${dir}/kadmin.log
  default = FILE:${dir}/krb5lib.log
`;
  writeFileSync(kdcConfPath, kdcConfText(HEIMDAL_ENCTYPES.map((e) => e + ':pw-salt')));
  const env = {
    ...process.env,
    KRB5_CONFIG: krb5ConfPath,
    KRB5CCNAME: `FILE:${dir}/ccache`,
    KRB5_KTNAME: `FILE:${dir}/default.keytab`,
  };
  delete env.KRB5_TRACE;
  delete env.KRB5_CLIENT_KTNAME;
  delete env.KRB5_KDC_PROFILE;

  /** Run a Heimdal program from the prefix (LD_LIBRARY_PATH, argv0 = the bare name). */
  const run = (cmd, args = [], o = {}) => {
    const e = { ...env, ...(o.env ?? {}) };
    if (heimdalProgramIsTool(cmd)) return heimdal(cmd, args, { ...o, env: e });
    const bin = heimdalProgram(cmd);
    if (!bin) return Promise.reject(new Error(`Heimdal ${cmd} not found in ${HEIMDAL_PREFIX}`));
    return runCmd(bin, args, { ...o, argv0: cmd, env: heimdalEnv(e) });
  };

  let altConfs = 0;
  /**
   * `kadmin -l` with these arguments (one command). Throws when it fails: Heimdal's local
   * kadmin exits non-zero on failures, and anything on stderr is taken as one too.
   * o.defaultKeys: [kadmin] default_keys for this command (e.g. ['aes128-cts-hmac-sha1-96:pw-salt']),
   * through a copy of kdc.conf (a second file would add to the list, not replace it).
   */
  const kadmin = async (args, o = {}) => {
    const { defaultKeys, ...ro } = o;
    let configFile = kdcConfPath;
    if (defaultKeys?.length) {
      configFile = join(dir, `kdc-${++altConfs}.conf`);
      writeFileSync(configFile, kdcConfText(defaultKeys));
    }
    const r = await run('kadmin', ['-l', `--config-file=${configFile}`, `--realm=${realm}`, ...args], ro);
    if (configFile !== kdcConfPath) rmSync(configFile, { force: true });
    if (r.code !== 0 || r.stderr.trim()) throw new Error(`kadmin -l ${args.join(' ')}: exit ${r.code}: ${(r.stderr || r.stdout).trim()}`);
    return r;
  };

  // A random master key, stashed in the dir; then the database.
  const ks = await run('kstash', ['--random-key', `--key-file=${mkeyFile}`, '--enctype=aes256-cts-hmac-sha1-96']);
  if (ks.code !== 0) throw new Error(`kstash: ${ks.stderr || ks.stdout}`);
  await kadmin(['init', `--realm-max-ticket-life=${opts.maxLife ?? '1 day'}`, `--realm-max-renewable-life=${opts.maxRenewableLife ?? '1 week'}`, realm]);

  const kdc = trackChild(
    spawn(heimdalProgram('kdc'), [`--config-file=${kdcConfPath}`, '--addresses=127.0.0.1', `--ports=${kdcPort}`, '--testing'], {
      env: heimdalEnv(env),
      argv0: 'kdc',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let kdcOut = '';
  kdc.stderr.setEncoding('utf8').on('data', (d) => (kdcOut += d));
  kdc.stdout.setEncoding('utf8').on('data', (d) => (kdcOut += d));
  try {
    await waitForTcp(kdcPort, '127.0.0.1', Date.now() + 15_000, kdc);
  } catch (e) {
    await killChild(kdc);
    if (ownDir && !opts.keepDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(`Heimdal kdc did not come up on 127.0.0.1:${kdcPort}: ${e.message}\n${kdcOut}`);
  }

  let stopped = false;
  const handle = {
    realm,
    kdcPort,
    kdcHost: '127.0.0.1',
    dir,
    krb5Conf: krb5ConfPath,
    kdcConf: kdcConfPath,
    /** Environment for Heimdal's tools through run() (and MIT's: krb5.conf is MIT syntax). */
    env,
    kdcPid: kdc.pid,
    pids: () => (kdc.exitCode === null ? [kdc.pid] : []),
    log: () => (existsSync(join(dir, 'kdc.log')) ? readFileSync(join(dir, 'kdc.log'), 'utf8') : '') + kdcOut,
    run,
    kadmin,
    /**
     * Add a principal: password, or a random key (default when no password). enctypes (default
     * aes256/aes128-cts-hmac-sha1-96) with the normal salt ("pw-salt"; "enc:salt" accepted).
     * requiresPreauth (default true) sets the requires-pre-auth attribute. Returns name@REALM.
     */
    async addPrincipal(name, { password, randkey, enctypes, requiresPreauth = true } = {}) {
      const args = ['add', '--use-defaults'];
      if (password !== undefined && !randkey) args.push(`--password=${password}`);
      else args.push('--random-key');
      if (requiresPreauth) args.push('--attributes=requires-pre-auth');
      args.push(name);
      const defaultKeys = enctypes?.map((e) => (e.includes(':') ? e : e + ':pw-salt'));
      await kadmin(args, { defaultKeys });
      return name.includes('@') ? name : `${name}@${realm}`;
    },
    /** Export a principal's current keys (not re-keyed) to a keytab file. */
    async ktadd(principal, keytabPath) {
      await kadmin(['ext_keytab', `--keytab=FILE:${keytabPath}`, principal]);
      return keytabPath;
    },
    /** Heimdal kinit with the password on stdin. */
    kinit(principal, password, args = [], o = {}) {
      return run('kinit', ['--password-file=STDIN', ...args, principal], { ...o, input: password + '\n' });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(kdc);
      if (ownDir && !opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Tools in usr/bin that realm.mjs's heimdal() runs (heimtools dispatches on argv[0]). */
function heimdalProgramIsTool(name) {
  return existsSync(join(HEIMDAL_PREFIX, 'usr/bin', `${name}.heimdal`)) || existsSync(join(HEIMDAL_PREFIX, 'usr/bin', name));
}

/** Keytab v2 (0x502) entries: { principal, kvno, enctype, key (hex) }. */
export function readKeytab(path) {
  const b = readFileSync(path);
  if (b.readUInt16BE(0) !== 0x502) throw new Error(`${path}: not a v2 keytab`);
  const out = [];
  let o = 2;
  while (o + 4 <= b.length) {
    const size = b.readInt32BE(o);
    o += 4;
    if (size <= 0) {
      o += -size;
      continue;
    }
    const end = o + size;
    let p = o;
    const str = () => {
      const n = b.readUInt16BE(p);
      p += 2;
      const s = b.toString('utf8', p, p + n);
      p += n;
      return s;
    };
    const nComp = b.readUInt16BE(p);
    p += 2;
    const realm = str();
    const comps = [];
    for (let i = 0; i < nComp; i++) comps.push(str());
    p += 4 + 4; // name type, timestamp
    let kvno = b.readUInt8(p);
    p += 1;
    const enctype = b.readUInt16BE(p);
    p += 2;
    const klen = b.readUInt16BE(p);
    p += 2;
    const key = b.toString('hex', p, p + klen);
    p += klen;
    if (end - p >= 4) {
      const k32 = b.readUInt32BE(p);
      if (k32) kvno = k32;
    }
    out.push({ principal: `${comps.join('/')}@${realm}`, kvno, enctype, key });
    o = end;
  }
  return out;
}

/**
 * Two-way direct trust between an MIT realm (realm.mjs handle) and a Heimdal realm: creates
 * krbtgt/HEIM@MIT and krbtgt/MIT@HEIM in both databases from the same password, enctypes
 * (default aes256/aes128-cts-hmac-sha1-96) and the normal salt (MIT "normal" = Heimdal
 * "pw-salt"), aligns the kvnos, then exports the keys from both KDCs and checks they are
 * byte-identical (kvno, enctype, key). Writes a krb5.conf knowing both realms (default realm:
 * the MIT one; domain_realm .mit / .heim; direct [capaths]) into the Heimdal dir.
 * Returns { krb5Conf, text, env (MIT tools), heimdalEnv (Heimdal tools), principals, keys }.
 */
export async function trustRealms(mit, heim, { password, enctypes = HEIMDAL_ENCTYPES, ccache } = {}) {
  if (!password) throw new Error('trustRealms: a password is required');
  const A = mit.realm,
    B = heim.realm;
  const principals = [`krbtgt/${B}@${A}`, `krbtgt/${A}@${B}`];
  const keys = {};
  for (const p of principals) {
    await mit.addPrincipal(p, { password, enctypes });
    await heim.addPrincipal(p, { password, enctypes, requiresPreauth: false });
    const mk = join(heim.dir, `trust-mit-${p.replace(/[^A-Za-z0-9.]/g, '_')}.keytab`);
    const hk = join(heim.dir, `trust-heim-${p.replace(/[^A-Za-z0-9.]/g, '_')}.keytab`);
    await mit.ktadd(p, mk);
    await heim.ktadd(p, hk);
    let m = readKeytab(mk),
      h = readKeytab(hk);
    const mKvno = Math.max(...m.map((k) => k.kvno)),
      hKvno = Math.max(...h.map((k) => k.kvno));
    if (mKvno !== hKvno) {
      // MIT starts at kvno 1 for a new principal and so does Heimdal; align Heimdal if not.
      await heim.kadmin(['modify', `--kvno=${mKvno}`, p]);
      rmSync(hk, { force: true });
      await heim.ktadd(p, hk);
      h = readKeytab(hk);
    }
    const norm = (l) => l.map((k) => `${k.principal} kvno=${k.kvno} etype=${k.enctype} ${k.key}`).sort();
    const mn = norm(m),
      hn = norm(h);
    if (mn.length !== enctypes.length || JSON.stringify(mn) !== JSON.stringify(hn)) {
      throw new Error(`trustRealms: ${p} keys differ between MIT and Heimdal:\nMIT:\n${mn.join('\n')}\nHeimdal:\n${hn.join('\n')}`);
    }
    keys[p] = m.map(({ kvno, enctype, key }) => ({ kvno, enctype, key }));
    rmSync(mk, { force: true });
    rmSync(hk, { force: true });
  }
  const krb5Conf = join(heim.dir, 'cross-krb5.conf');
  const cc = ccache ?? `FILE:${join(heim.dir, 'cross-ccache')}`;
  const text = clientConf({
    realms: [
      { realm: A, kdcPort: mit.kdcPort },
      { realm: B, kdcPort: heim.kdcPort },
    ],
    dir: heim.dir,
    ccache: cc.replace(/^FILE:/, ''),
  });
  writeFileSync(krb5Conf, text);
  const env = { ...process.env, KRB5_CONFIG: krb5Conf, KRB5CCNAME: cc, KRB5RCACHEDIR: heim.dir };
  delete env.KRB5_TRACE;
  delete env.KRB5_KDC_PROFILE;
  delete env.KRB5_KTNAME;
  delete env.KRB5_CLIENT_KTNAME;
  return { krb5Conf, text, env, heimdalEnv: heimdalEnv(env), principals, keys };
}
