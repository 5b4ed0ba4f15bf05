// Start test/interop/gss-peer.py: a python3-gssapi (MIT) GSS peer speaking one JSON object per
// line on stdin/stdout (see the .py for the ops). One context per process.
//   const p = await startGssPeer({ env: { ...realm.env, KRB5_KTNAME: 'FILE:/x/http.keytab' } });
//   const r = await p.request({ op: 'accept', token: b64 });   ...   await p.stop();
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { killChild, trackChild } from './realm.mjs';
import { SYSTEM_PYTHON, gssAcceptorMissing } from './gss-acceptor.mjs';

const SCRIPT = fileURLToPath(new URL('./gss-peer.py', import.meta.url));

/** Debian packages missing for the peer (same as the acceptor's). */
export const gssPeerMissing = gssAcceptorMissing;

/**
 * Spawn the peer with env (a realm's env plus KRB5_KTNAME and/or KRB5CCNAME). Resolves
 * { request(obj) -> Promise<reply object>, pid, pids(), log(), stop() }. Replies come in request
 * order; a GSS error is a reply {"error": ...}, not a rejection (request rejects only when the
 * process is gone).
 */
export async function startGssPeer({ env = process.env } = {}) {
  const child = trackChild(
    spawn(SYSTEM_PYTHON, [SCRIPT], {
      env: { ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-8000)));
  const waiting = [];
  let gone = null;
  const fail = (e) => {
    gone = e;
    while (waiting.length) waiting.shift().reject(e);
  };
  child.once('exit', (code, sig) => fail(new Error(`gss-peer.py exited ${code ?? sig}: ${err}`)));
  child.once('error', fail);
  child.stdin.on('error', () => {});
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (!w) return;
    try {
      w.resolve(JSON.parse(line));
    } catch (e) {
      w.reject(new Error(`gss-peer.py: bad reply ${line}: ${e}`));
    }
  });
  let stopped = false;
  return {
    pid: child.pid,
    pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    log: () => err,
    request(obj) {
      if (gone) return Promise.reject(gone);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(JSON.stringify(obj) + '\n');
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.stdin.end();
      await killChild(child);
    },
  };
}
