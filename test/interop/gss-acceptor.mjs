// Start test/interop/gss-acceptor.py (python3-gssapi Negotiate acceptor) on 127.0.0.1.
// Needs /usr/bin/python3 with gssapi (the python3 on PATH may be another build).
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { killChild, trackChild } from './realm.mjs';

export const SYSTEM_PYTHON = process.env.TSKRB5_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./gss-acceptor.py', import.meta.url));

export function gssAcceptorMissing() {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import gssapi'], { stdio: 'ignore' });
    return [];
  } catch {
    return ['python3-gssapi'];
  }
}

/**
 * Start the acceptor for a realm. keytab: the acceptor's keytab (e.g. Apache's HTTP/localhost
 * keytab); service: optional hostbased name 'HTTP@localhost'; cbHex: required channel-binding
 * application data. Resolves { url, port, pid, stop() }.
 */
export async function startGssAcceptor({ realm, keytab, service, cbHex, path = '/whoami' }) {
  const args = [SCRIPT];
  if (service) args.push('--service', service);
  if (cbHex) args.push('--cb-hex', cbHex);
  const env = { ...realm.env, KRB5_KTNAME: `FILE:${keytab}`, PYTHONDONTWRITEBYTECODE: '1' };
  const child = trackChild(spawn(SYSTEM_PYTHON, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-8000)));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`gss-acceptor.py did not start: ${err}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /LISTENING (\d+)/.exec(out);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    child.once('exit', (c) => { clearTimeout(t); reject(new Error(`gss-acceptor.py exited ${c}: ${err}`)); });
  }).catch(async (e) => { await killChild(child); throw e; });
  let stopped = false;
  return {
    port,
    url: `http://localhost:${port}${path}`,
    pid: child.pid,
    pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    log: () => err,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(child);
    },
  };
}
