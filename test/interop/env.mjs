// Everything at once for tests and scripts: realm + Apache (mod_auth_gssapi) + python acceptor.
//   const env = await startAll();  ...  await stopAll();
// Also usable as a vitest globalSetup module (exports setup/teardown; the handle's plain data is
// passed to tests through process.env.TSKRB5_INTEROP as JSON).
import { startRealm, missingPeers } from './realm.mjs';
import { startApache, apacheMissing } from './apache.mjs';
import { startGssAcceptor, gssAcceptorMissing } from './gss-acceptor.mjs';

export const USER = 'alice';
export const PASSWORD = 'alice-Pa55word';

/** Debian packages missing for the whole harness (empty array = ready). */
export function missingPackages() {
  const m = new Set();
  if (missingPeers(['krb5kdc', 'kdb5_util', 'kadmin.local']).length) m.add('krb5-kdc krb5-admin-server');
  if (missingPeers(['kinit', 'klist', 'kvno']).length) m.add('krb5-user');
  if (missingPeers(['curl']).length) m.add('curl');
  for (const p of apacheMissing()) m.add(p);
  for (const p of gssAcceptorMissing()) m.add(p);
  return [...m];
}

let current = null;

/**
 * Start realm, Apache and the python acceptor (each can be turned off). Creates the user
 * alice@REALM (password PASSWORD, aes256-cts-hmac-sha1-96 + the realm defaults).
 */
export async function startAll({ dir, realm: realmName, apache = true, python = true } = {}) {
  if (current) return current;
  const started = [];
  try {
    const realm = await startRealm({ dir, realm: realmName });
    started.push(realm);
    const user = await realm.addPrincipal(USER, { password: PASSWORD });
    const ap = apache ? await startApache({ realm }) : null;
    if (ap) started.push(ap);
    const gss = python && ap ? await startGssAcceptor({ realm, keytab: ap.keytab }) : null;
    if (gss) started.push(gss);
    current = {
      realm,
      apache: ap,
      gss,
      user,
      password: PASSWORD,
      /** pids of every process started (KDC, Apache parent and workers, python). */
      pids: () => [...realm.pids(), ...(ap ? ap.pids() : []), ...(gss ? gss.pids() : [])],
      async stop() {
        await stopAll();
      },
    };
    return current;
  } catch (e) {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    throw e;
  }
}

export async function stopAll() {
  const c = current;
  current = null;
  if (!c) return;
  if (c.gss) await c.gss.stop();
  if (c.apache) await c.apache.stop();
  await c.realm.stop();
}

/** Plain data describing a running harness (for printing or passing between processes). */
export function describe(h = current) {
  if (!h) return null;
  return {
    realm: h.realm.realm,
    dir: h.realm.dir,
    kdc: `127.0.0.1:${h.realm.kdcPort}`,
    env: { KRB5_CONFIG: h.realm.krb5Conf, KRB5CCNAME: h.realm.env.KRB5CCNAME, KRB5_KDC_PROFILE: h.realm.kdcConf },
    user: h.user,
    password: h.password,
    apache: h.apache && { http: h.apache.httpUrl, https: h.apache.httpsUrl, keytab: h.apache.keytab, principal: h.apache.principal, cert: h.apache.certPem },
    gss: h.gss && { url: h.gss.url },
  };
}

// vitest globalSetup interface
export async function setup() {
  const h = await startAll();
  process.env.TSKRB5_INTEROP = JSON.stringify(describe(h));
}
export async function teardown() {
  await stopAll();
}
