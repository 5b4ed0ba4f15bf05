#!/usr/bin/env node
// Bring up the interop peers for a developer: node test/interop/up.mjs [--dir DIR]
// Stops everything on Ctrl-C / SIGTERM / SIGHUP.
import { startAll, stopAll, describe, missingPackages } from './env.mjs';

const i = process.argv.indexOf('--dir');
const dir = i > 0 ? process.argv[i + 1] : undefined;
const miss = missingPackages();
if (miss.length) {
  console.error(`missing: ${miss.join(', ')} — run: sudo sh test/interop/install.sh`);
  process.exit(2);
}
const t0 = Date.now();
const h = await startAll({ dir });
const d = describe(h);
console.log(`tskrb5 interop harness up in ${Date.now() - t0} ms (realm ${d.realm}, KDC ${d.kdc}, dir ${d.dir})

  export KRB5_CONFIG=${d.env.KRB5_CONFIG}
  export KRB5CCNAME=${d.env.KRB5CCNAME}
  export KRB5_KDC_PROFILE=${d.env.KRB5_KDC_PROFILE}

  user:     ${d.user}  password: ${d.password}
            echo '${d.password}' | kinit ${d.user}
  apache:   ${d.apache.http}
            ${d.apache.https}   (self-signed: ${d.apache.cert})
            keytab ${d.apache.keytab} (${d.apache.principal})
            curl --negotiate -u : ${d.apache.http}
  python:   ${d.gss.url}   (python3-gssapi acceptor, same keytab)
            curl --negotiate -u : ${d.gss.url}

Ctrl-C stops everything.`);

let stopping = false;
const stop = async (sig) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${sig}: stopping…`);
  await stopAll();
  process.exit(0);
};
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => stop(s));
setInterval(() => {}, 1 << 30);
