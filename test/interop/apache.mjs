// Our own Apache 2 instance (not the system service) with mod_auth_gssapi, on 127.0.0.1 high
// ports for HTTP and HTTPS (self-signed EC cert), protecting /auth/ with AuthType GSSAPI.
// GET /auth/whoami answers "user=<REMOTE_USER>\nccache=<KRB5CCNAME>\n" (text/plain, via SSI).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, chmodSync, chownSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { freePort, killChild, trackChild, waitForTcp, which, pidAlive } from './realm.mjs';

const MODULES = '/usr/lib/apache2/modules';

export function apacheMissing() {
  const miss = [];
  if (!which('apache2')) miss.push('apache2');
  if (!existsSync(join(MODULES, 'mod_auth_gssapi.so'))) miss.push('libapache2-mod-auth-gssapi');
  if (!which('openssl')) miss.push('openssl');
  return miss;
}

function wwwData() {
  try {
    const uid = Number(execFileSync('id', ['-u', 'www-data'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'www-data'], { encoding: 'utf8' }).trim());
    return { uid, gid, user: 'www-data', group: 'www-data' };
  } catch {
    return null;
  }
}

/**
 * Start Apache for a realm handle from startRealm(). Options: dir (default realm.dir + '/apache'),
 * service (default HTTP/localhost), modules (more module names to load, e.g. ['rewrite']),
 * extraConf (a function of { htdocs, keytab } returning text appended to httpd.conf). Creates
 * the service principal and its keytab.
 */
export async function startApache({ realm, dir, service = 'HTTP/localhost', modules = [], extraConf }) {
  const root = dir ?? join(realm.dir, 'apache');
  mkdirSync(root, { recursive: true });
  const htdocs = join(root, 'htdocs');
  const logs = join(root, 'logs');
  const delegDir = join(root, 'deleg');
  const rcache = join(root, 'rcache');
  for (const d of [htdocs, join(htdocs, 'auth'), join(htdocs, 'bound'), logs, delegDir, rcache]) mkdirSync(d, { recursive: true });

  const keytab = join(root, 'http.keytab');
  const principal = `${service}@${realm.realm}`;
  await realm.addPrincipal(service, { randkey: true });
  await realm.ktadd(principal, keytab);

  const certPem = join(root, 'cert.pem');
  const keyPem = join(root, 'key.pem');
  execFileSync(
    which('openssl') ?? 'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPem,
      '-out',
      certPem,
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );

  writeFileSync(join(htdocs, 'index.html'), 'tskrb5 interop apache\n');
  writeFileSync(join(htdocs, 'bound', 'whoami'), 'user=<!--#echo var="REMOTE_USER" -->\n');
  writeFileSync(join(htdocs, 'auth', 'whoami'), 'user=<!--#echo var="REMOTE_USER" -->\nccache=<!--#echo var="KRB5CCNAME" -->\n');

  // Running as root, Apache's workers switch to www-data: let them read what they need.
  const w = process.getuid?.() === 0 ? wwwData() : null;
  if (w) {
    // every ancestor of the realm dir must be searchable by www-data
    for (let d = dirname(realm.dir); d !== '/'; d = dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) {
        throw new Error(`startApache: ${d} is not searchable by others; Apache's workers (www-data) could not reach ${realm.dir} (chmod o+x it or use another dir)`);
      }
    }
  }
  for (const d of [realm.dir, root, htdocs, join(htdocs, 'auth'), join(htdocs, 'bound')]) chmodSync(d, 0o755);
  chmodSync(realm.krb5Conf, 0o644);
  chmodSync(keytab, w ? 0o640 : 0o600);
  if (w) {
    chownSync(keytab, 0, w.gid);
    chownSync(delegDir, w.uid, w.gid);
    chownSync(rcache, w.uid, w.gid);
  }
  chmodSync(delegDir, 0o700);
  chmodSync(rcache, 0o700);

  const httpPort = await freePort();
  const httpsPort = await freePort();
  const mods = [
    'mpm_event',
    'authz_core',
    'authz_user',
    'authn_core',
    'auth_gssapi',
    'socache_shmcb',
    'ssl',
    'include',
    'mime',
    'unixd',
    'env',
    'headers',
    'log_config',
    'dir',
    ...modules,
  ];
  const loads = mods
    .filter((m) => existsSync(join(MODULES, `mod_${m}.so`)))
    .map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`)
    .join('\n');
  const conf = join(root, 'httpd.conf');
  const pidFile = join(logs, 'httpd.pid');
  writeFileSync(
    conf,
    `ServerRoot "${root}"
ServerName localhost
PidFile "${pidFile}"
DefaultRuntimeDir "${logs}"
Mutex file:${logs} default
${loads}
${w ? `User ${w.user}\nGroup ${w.group}` : ''}
Listen 127.0.0.1:${httpPort}
Listen 127.0.0.1:${httpsPort}
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MinSpareThreads 1
MaxSpareThreads 8
MaxRequestWorkers 8
ErrorLog "${logs}/error.log"
LogLevel warn auth_gssapi:debug
LogFormat "%h %u \\"%r\\" %>s %b" common
CustomLog "${logs}/access.log" common
TypesConfig /dev/null
DocumentRoot "${htdocs}"
SSLSessionCache none
<Directory />
  Require all granted
</Directory>
<Location /auth/>
  SetOutputFilter INCLUDES
  Options +Includes
  ForceType text/plain
  AuthType GSSAPI
  AuthName "tskrb5"
  GssapiCredStore keytab:${keytab}
  GssapiAllowedMech krb5
  GssapiBasicAuth Off
  GssapiUseS4U2Proxy Off
  GssapiDelegCcacheDir ${delegDir}
  Require valid-user
</Location>
# The same, but a connection stays authenticated after its first success (no 401 on later requests).
<Location /bound/>
  SetOutputFilter INCLUDES
  Options +Includes
  ForceType text/plain
  AuthType GSSAPI
  AuthName "tskrb5"
  GssapiCredStore keytab:${keytab}
  GssapiAllowedMech krb5
  GssapiBasicAuth Off
  GssapiConnectionBound On
  Require valid-user
</Location>
<VirtualHost 127.0.0.1:${httpsPort}>
  SSLEngine on
  SSLCertificateFile "${certPem}"
  SSLCertificateKeyFile "${keyPem}"
</VirtualHost>
${extraConf ? extraConf({ htdocs, keytab }) : ''}
`,
  );

  const env = { ...realm.env, KRB5RCACHEDIR: rcache, KRB5CCNAME: `FILE:${delegDir}/none`, KRB5_KTNAME: keytab };
  const child = trackChild(spawn(which('apache2') ?? '/usr/sbin/apache2', ['-f', conf, '-DFOREGROUND'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
  try {
    await waitForTcp(httpPort, '127.0.0.1', Date.now() + 15_000, child);
    await waitForTcp(httpsPort, '127.0.0.1', Date.now() + 5_000, child);
  } catch (e) {
    await killChild(child);
    let log = '';
    try {
      log = readFileSync(join(logs, 'error.log'), 'utf8');
    } catch {
      /* none */
    }
    throw new Error(`apache2 did not come up: ${e.message}\n${out}\n${log}`);
  }

  /** pids of the Apache parent and its workers (from /proc, by parent pid). */
  const pids = () => {
    if (child.exitCode !== null) return [];
    const all = [child.pid];
    try {
      const kids = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' });
      all.push(...kids.split('\n').filter(Boolean).map(Number));
    } catch {
      /* none */
    }
    return all;
  };

  let stopped = false;
  return {
    httpPort,
    httpsPort,
    httpUrl: `http://localhost:${httpPort}/auth/whoami`,
    httpsUrl: `https://localhost:${httpsPort}/auth/whoami`,
    /** GssapiConnectionBound On: a keep-alive connection stays authenticated. */
    boundUrl: `http://localhost:${httpPort}/bound/whoami`,
    baseHttp: `http://localhost:${httpPort}`,
    baseHttps: `https://localhost:${httpsPort}`,
    principal,
    keytab,
    delegDir,
    certPem,
    keyPem,
    conf,
    errorLog: join(logs, 'error.log'),
    pid: child.pid,
    pids,
    async stop() {
      if (stopped) return;
      stopped = true;
      const workers = pids();
      await killChild(child, 5000);
      // Workers normally exit with the parent; make sure none is left.
      const deadline = Date.now() + 3000;
      while (workers.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const p of workers)
        if (pidAlive(p))
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            /* gone */
          }
    },
  };
}
