// A private sssd-kcm for tests: its own socket path, its own configuration and secrets
// database (a private mount namespace bind-mounts a temp dir over /var/lib/sss, so nothing of
// the system's sssd is read or written), idle timeout off. sssd_kcm exits when its parent does:
// the parent is this Node process, which stays alive for the test run.
//   const kcm = await startKcm();  ...  kcm.socket, kcm.krb5ConfExtra ...  await kcm.stop();
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackChild, killChild, which } from './realm.mjs';

export const SSSD_KCM = process.env.SSSD_KCM ?? '/usr/libexec/sssd/sssd_kcm';
export const SSSD = '/usr/sbin/sssd';

/** Debian packages missing for startKcm (empty = ready). */
export function kcmMissing() {
  const m = [];
  if (!existsSync(SSSD_KCM) || !existsSync(SSSD)) m.push('sssd-kcm');
  if (!which('unshare') || !which('mount')) m.push('util-linux mount');
  return m;
}

/**
 * Start sssd_kcm. Options: dir (default a new temp dir, removed on stop), debug (sssd debug
 * level, default 2). Returns { socket, dir, pid, log(), stop() }.
 */
export async function startKcm(opts = {}) {
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-kcm-'));
  const sss = join(dir, 'sss');
  for (const d of ['db', 'secrets', 'mc', 'pipes/private', 'pubconf', 'gpo_cache', 'deskprofile']) mkdirSync(join(sss, d), { recursive: true });
  const socket = join(dir, 'kcm.socket');
  const conf = join(dir, 'sssd.conf');
  writeFileSync(conf, `[sssd]\n\n[kcm]\nsocket_path = ${socket}\nresponder_idle_timeout = 0\n`, { mode: 0o600 });
  // --genconf writes config.ldb (into the private /var/lib/sss) and then complains that no
  // domain is configured, which sssd_kcm does not need: its status is ignored.
  const script = `mount --bind "$1" /var/lib/sss || exit 97; "${SSSD}" --genconf -c "$2" >/dev/null 2>&1; exec "${SSSD_KCM}" -d ${opts.debug ?? 2} --logger=stderr --uid 0 --gid 0`;
  const child = trackChild(
    spawn(which('unshare') ?? 'unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'kcm', sss, conf], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (log += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (log += d));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await killChild(child);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      throw new Error(`sssd_kcm did not create ${socket} (exit ${child.exitCode}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  let stopped = false;
  return {
    socket,
    dir,
    pid: child.pid,
    pids: () => (child.exitCode === null ? [child.pid] : []),
    log: () => log,
    /** krb5.conf [libdefaults] lines that point MIT at this KCM. */
    libdefaults: `  default_ccache_name = KCM:\n  kcm_socket = ${socket}\n`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(child);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
