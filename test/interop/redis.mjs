// A throwaway redis-server (Debian's `redis-server` package) on 127.0.0.1: a free port, no
// persistence (no RDB snapshots, no AOF), its files in a temp dir, optionally a unix socket too.
//   const r = await startRedis({ dir });  ...  r.url  r.port  r.socket  ...  await r.stop();
// stop() kills exactly what it started (SIGTERM, then SIGKILL) and removes the dir it made.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killChild, trackChild, waitForTcp, which } from './realm.mjs';

/** Debian packages missing for startRedis (empty array = ready). */
export function redisMissing() {
  return which('redis-server') ? [] : ['redis-server'];
}

/**
 * Start redis-server. Options: dir (created if missing; default a new temp dir, removed on
 * stop), unixSocket (also listen on dir/redis.sock, mode 700). Resolves { url, port, socket,
 * dir, pid, pids(), log(), stop() }.
 */
export async function startRedis({ dir, unixSocket = false } = {}) {
  const bin = which('redis-server');
  if (!bin) throw new Error('redis-server is missing (apt-get install redis-server; test/interop/install.sh)');
  const made = !dir;
  const d = dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-redis-'));
  mkdirSync(d, { recursive: true });
  const port = await freePort();
  const socket = unixSocket ? join(d, 'redis.sock') : undefined;
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    d,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--logfile',
    '',
    ...(socket ? ['--unixsocket', socket, '--unixsocketperm', '700'] : []),
  ];
  const child = trackChild(spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (log = (log + s).slice(-8000)));
  child.stderr.setEncoding('utf8').on('data', (s) => (log = (log + s).slice(-8000)));
  try {
    await waitForTcp(port, '127.0.0.1', Date.now() + 10_000, child);
  } catch (e) {
    await killChild(child);
    if (made) rmSync(d, { recursive: true, force: true });
    throw new Error(`redis-server did not start: ${e.message}\n${log}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    socket,
    dir: d,
    pid: child.pid,
    pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
    log: () => log,
    async stop() {
      await killChild(child);
      if (made) rmSync(d, { recursive: true, force: true });
    },
  };
}
