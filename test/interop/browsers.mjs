// Headless browsers as Negotiate clients: Debian's Chromium (driven over the DevTools protocol on
// a pipe) and Firefox ESR (driven over WebDriver BiDi on a WebSocket), each in a fresh profile in
// a temp dir, with the environment given (KRB5_CONFIG, KRB5CCNAME: the system GSSAPI, MIT's
// libgssapi_krb5, reads them in the browser's own process). stop() kills exactly what it started.
//
//   const b = await startBrowser('chromium', { env: realm.env, allow: 'localhost', delegate: 'localhost', ca: pemText })
//   const page = await b.open('https://localhost:8443/')   // → { status, headers, body, url }
//   await b.stop()
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killChild, trackChild, which } from './realm.mjs';

/** The browser binaries (Debian's packages `chromium`, `firefox-esr`) and `certutil` (libnss3-tools). */
export const CHROMIUM = '/usr/lib/chromium/chromium';
export const FIREFOX = '/usr/lib/firefox-esr/firefox-esr';

/** Pids of the processes whose command line names `dir` (a browser's helpers: zygote, renderers, crashpad). */
function processesUsing(dir) {
  const pids = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'latin1').includes(dir)) pids.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/**
 * Removes a browser's temp dir once nothing writes in it: the helper processes that outlive the
 * browser (they name the dir on their command line) are killed and waited for, then the removal
 * is retried for up to 10 s (CI saw ENOTEMPTY while a helper was still writing the profile).
 */
export async function removeBrowserDir(dir) {
  const until = Date.now() + 10_000;
  for (;;) {
    const helpers = processesUsing(dir);
    for (const pid of helpers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (helpers.length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50)); // until they are gone (a zombie names nothing)
      continue;
    }
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** What is missing to run `browser` ('chromium' | 'firefox'): package names (empty = all present). */
export function browserMissing(browser) {
  const m = [];
  if (browser === 'chromium' && !which(CHROMIUM)) m.push('chromium');
  if (browser === 'firefox' && !which(FIREFOX)) m.push('firefox-esr');
  if (!which('certutil')) m.push('libnss3-tools');
  return m;
}

/** The Debian package versions of the browsers, as dpkg records them (`{ chromium, 'firefox-esr', ... }`). */
export function browserPackages() {
  const r = spawnSync('dpkg-query', ['-W', 'chromium', 'firefox-esr', 'libnss3-tools', 'libgssapi-krb5-2'], { encoding: 'utf8' });
  return Object.fromEntries(
    (r.stdout ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')),
  );
}

/** A trust store for `dir`: an NSS sql database (cert9.db) trusting `pem` as a CA for TLS servers. */
function nssTrust(dir, pem, env) {
  mkdirSync(dir, { recursive: true });
  const pemFile = join(dir, 'trusted-ca.pem');
  writeFileSync(pemFile, pem);
  const run = (args) => {
    const r = spawnSync(which('certutil') ?? 'certutil', args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`certutil ${args.join(' ')}: ${r.stderr || r.stdout}`);
  };
  run(['-N', '-d', `sql:${dir}`, '--empty-password']);
  run(['-A', '-d', `sql:${dir}`, '-n', 'tskrb5 test CA', '-t', 'C,,', '-i', pemFile]);
}

// ---------------------------------------------------------------------------------------------
// A minimal WebSocket client (RFC 6455), enough for WebDriver BiDi: text messages, ping/pong,
// close. Node 20 has no global WebSocket.

function wsConnect(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const key = randomBytes(16).toString('base64');
    const want = createHash('sha1')
      .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
      .digest('base64');
    let buf = Buffer.alloc(0);
    let open = false;
    const listeners = { message: [], close: [] };
    let fragments = [];
    const send = (opcode, payload) => {
      const mask = randomBytes(4);
      const n = payload.length;
      const head = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
      if (n >= 126 && n < 65536) {
        head[0] = 0x80 | opcode;
        head[1] = 0x80 | 126;
        head.writeUInt16BE(n, 2);
      } else if (n >= 65536) {
        head[0] = 0x80 | opcode;
        head[1] = 0x80 | 127;
        head.writeBigUInt64BE(BigInt(n), 2);
      }
      const body = Buffer.alloc(n);
      for (let i = 0; i < n; i++) body[i] = payload[i] ^ mask[i & 3];
      sock.write(Buffer.concat([head, mask, body]));
    };
    const parse = () => {
      for (;;) {
        if (buf.length < 2) return;
        const fin = (buf[0] & 0x80) !== 0;
        const opcode = buf[0] & 0x0f;
        const masked = (buf[1] & 0x80) !== 0;
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        const maskKey = masked ? buf.subarray(off, off + 4) : undefined;
        if (masked) off += 4;
        if (buf.length < off + len) return;
        let payload = Buffer.from(buf.subarray(off, off + len));
        buf = buf.subarray(off + len);
        if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i & 3];
        if (opcode === 0x9) send(0xa, payload);
        else if (opcode === 0x8) {
          sock.end();
        } else if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
          fragments.push(payload);
          if (fin) {
            payload = Buffer.concat(fragments);
            fragments = [];
            for (const f of listeners.message) f(payload.toString('utf8'));
          }
        }
      }
    };
    sock.once('connect', () => {
      sock.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        const accept = /^sec-websocket-accept:\s*(\S+)/im.exec(head)?.[1];
        if (!/^HTTP\/1\.1 101 /.test(head) || accept !== want) {
          sock.destroy();
          reject(new Error(`WebSocket upgrade refused by ${url}: ${head.split('\r\n')[0]}`));
          return;
        }
        open = true;
        resolve({
          send: (text) => send(0x1, Buffer.from(text, 'utf8')),
          on: (ev, f) => listeners[ev].push(f),
          close: () => {
            try {
              send(0x8, Buffer.alloc(0));
            } catch {
              /* gone */
            }
            sock.end();
          },
        });
      }
      parse();
    });
    sock.once('error', (e) => (open ? undefined : reject(e)));
    sock.once('close', () => {
      for (const f of listeners.close) f();
    });
  });
}

// ---------------------------------------------------------------------------------------------

/** Commands with ids over a message channel; events to listeners. */
function rpc(sendText, label) {
  let next = 1;
  const pending = new Map();
  const events = [];
  const handlers = new Set();
  return {
    receive(text) {
      const m = JSON.parse(text);
      if (m.id !== undefined && pending.has(m.id)) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error) p.reject(new Error(`${label} ${p.method}: ${typeof m.error === 'string' ? `${m.error}: ${m.message}` : JSON.stringify(m.error)}`));
        else p.resolve(m.result);
      } else if (m.method) {
        events.push(m);
        for (const h of handlers) h(m);
      }
    },
    call(method, params = {}, extra = {}, timeout = 30_000) {
      const id = next++;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${label} ${method}: no answer in ${timeout} ms`));
        }, timeout);
        pending.set(id, {
          method,
          resolve: (v) => {
            clearTimeout(t);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(t);
            reject(e);
          },
        });
        sendText(JSON.stringify({ id, method, params, ...extra }));
      });
    },
    /** Resolves with the first event (past or future, after `since`) that `pred` accepts. */
    waitFor(pred, timeout, since = 0) {
      const seen = events.slice(since).find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const h = (m) => {
          if (pred(m)) {
            handlers.delete(h);
            clearTimeout(t);
            resolve(m);
          }
        };
        const t = setTimeout(() => {
          handlers.delete(h);
          reject(new Error(`${label}: event not seen in ${timeout} ms`));
        }, timeout);
        handlers.add(h);
      });
    },
    events,
    failAll(e) {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    },
  };
}

/** Lines of a child's stderr, kept (the last 400) for log(). */
function keepLog(child) {
  const lines = [];
  let rest = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop();
    lines.push(...parts);
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  });
  return lines;
}

/**
 * Start a headless browser in a fresh profile.
 * - browser: 'chromium' | 'firefox'
 * - env: the browser's environment (e.g. a realm's env: KRB5_CONFIG, KRB5CCNAME); HOME is set to
 *   the profile's temp dir so nothing of the user's is read or written.
 * - allow: hosts the browser may answer Negotiate challenges from (Chromium
 *   `--auth-server-allowlist`, Firefox `network.negotiate-auth.trusted-uris`); default 'localhost'.
 * - delegate: hosts it may delegate the TGT to (Chromium Local State
 *   `auth.negotiate_delegate_whitelist`, Firefox `network.negotiate-auth.delegation-uris`);
 *   default none.
 * - ca: a PEM certificate the browser trusts for TLS servers (an NSS db: Chromium's
 *   `$HOME/.pki/nssdb`, Firefox's profile `cert9.db`).
 * - negotiateSeen: Chromium only, default true: the Local State has
 *   `net.received_http_auth_negotiate_headers: true` (without it a new profile does not load GSSAPI).
 * - timeout: ms for each step of open() (default 20000); starting may take twice that (a loaded machine).
 * Returns { browser, version, pid, dir, open(url) → { status, headers, body, url }, pids(), log(), stop() }.
 */
export async function startBrowser(browser, opts = {}) {
  if (browser === 'chromium') return startChromium(opts);
  if (browser === 'firefox') return startFirefox(opts);
  throw new Error(`unknown browser ${browser}`);
}

function baseEnv(opts, dir) {
  const env = { ...(opts.env ?? process.env), HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), XDG_CACHE_HOME: join(dir, '.cache') };
  for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS']) delete env[k];
  return env;
}

async function startChromium(opts) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-chromium-'));
  const ownDir = !opts.dir;
  const timeout = opts.timeout ?? 20_000;
  const profile = join(dir, 'profile');
  mkdirSync(profile, { recursive: true });
  const env = baseEnv(opts, dir);
  const localState = {};
  if (opts.negotiateSeen !== false) localState.net = { received_http_auth_negotiate_headers: true };
  if (opts.delegate) localState.auth = { negotiate_delegate_whitelist: opts.delegate };
  writeFileSync(join(profile, 'Local State'), JSON.stringify(localState));
  if (opts.ca) nssTrust(join(dir, '.pki', 'nssdb'), opts.ca, env);
  const args = [
    '--headless=new',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    `--user-data-dir=${profile}`,
    ...(opts.allow === null ? [] : [`--auth-server-allowlist=${opts.allow ?? 'localhost'}`]),
    '--remote-debugging-pipe',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--enable-logging=stderr',
    'about:blank',
  ];
  const child = trackChild(spawn(CHROMIUM, args, { env, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] }));
  const lines = keepLog(child);
  const toChrome = child.stdio[3];
  const fromChrome = child.stdio[4];
  const c = rpc((t) => toChrome.write(t + '\0'), 'chromium');
  let pending = '';
  fromChrome.setEncoding('utf8').on('data', (d) => {
    const parts = (pending + d).split('\0');
    pending = parts.pop();
    for (const p of parts) c.receive(p);
  });
  toChrome.on('error', () => {});
  child.once('exit', (code, sig) => c.failAll(new Error(`chromium exited ${code ?? sig}: ${lines.slice(-20).join('\n')}`)));

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await Promise.race([c.call('Browser.close', {}, {}, 3000), new Promise((r) => setTimeout(r, 3000))]);
      } catch {
        /* exiting */
      }
      await killChild(child);
      if (ownDir) await removeBrowserDir(dir);
    })());
  try {
    const v = await c.call('Browser.getVersion', {}, {}, 2 * timeout);
    return {
      browser: 'chromium',
      version: v.product,
      pid: child.pid,
      dir,
      args,
      pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
      log: () => lines.join('\n'),
      stop,
      /** Navigate a new tab to url; the final response as the browser got it, and the page's text. */
      async open(url) {
        const { targetId } = await c.call('Target.createTarget', { url: 'about:blank' }, {}, timeout);
        const { sessionId } = await c.call('Target.attachToTarget', { targetId, flatten: true }, {}, timeout);
        const s = (method, params) => c.call(method, params, { sessionId }, timeout);
        try {
          await s('Page.enable', {});
          await s('Network.enable', {});
          const since = c.events.length;
          const nav = await s('Page.navigate', { url });
          // an error page (a refused certificate, a 401 with an empty body) loads too
          await c.waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired', timeout, since);
          const doc = c.events
            .slice(since)
            .filter((m) => m.sessionId === sessionId && m.method === 'Network.responseReceived' && m.params.type === 'Document' && m.params.loaderId === nav.loaderId)
            .at(-1);
          const extra =
            doc && c.events.slice(since).find((m) => m.sessionId === sessionId && m.method === 'Network.responseReceivedExtraInfo' && m.params.requestId === doc.params.requestId);
          const r = await s('Runtime.evaluate', { expression: 'document.body ? document.body.innerText : ""', returnByValue: true });
          const headers = Object.fromEntries(Object.entries(extra?.params.headers ?? doc?.params.response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
          return {
            status: doc?.params.response.status ?? 0,
            headers,
            body: r.result.value,
            url: doc?.params.response.url ?? url,
            ...(nav.errorText ? { error: nav.errorText } : {}),
          };
        } finally {
          await c.call('Target.closeTarget', { targetId }, {}, timeout).catch(() => {});
        }
      },
    };
  } catch (e) {
    await stop();
    throw new Error(`chromium did not start: ${e.message}\n${lines.slice(-20).join('\n')}`);
  }
}

/** Firefox prefs for a quiet headless profile (no update, telemetry, or other background traffic). */
const FIREFOX_QUIET = {
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.aboutwelcome.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.ping-centre.telemetry': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'toolkit.startup.max_resumed_crashes': -1,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.proxy.type': 0,
  'services.settings.server': 'data:,',
  'remote.prefs.recommended': true,
};

async function startFirefox(opts) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tskrb5-firefox-'));
  const ownDir = !opts.dir;
  const timeout = opts.timeout ?? 20_000;
  const profile = join(dir, 'profile');
  mkdirSync(profile, { recursive: true });
  const env = { ...baseEnv(opts, dir), MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1' };
  const allow = opts.allow ?? 'localhost';
  const prefs = {
    ...FIREFOX_QUIET,
    'network.negotiate-auth.trusted-uris': allow,
    'network.negotiate-auth.delegation-uris': opts.delegate ?? '',
    ...(opts.prefs ?? {}),
  };
  writeFileSync(
    join(profile, 'user.js'),
    Object.entries(prefs)
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`)
      .join(''),
  );
  if (opts.ca) nssTrust(profile, opts.ca, env);
  const args = ['-headless', '-no-remote', '-profile', profile, '--remote-debugging-port=0', 'about:blank'];
  const child = trackChild(spawn(FIREFOX, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stdout.resume();
  const lines = keepLog(child);
  let ws;
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      ws?.close();
      await killChild(child, 3000);
      if (ownDir) await removeBrowserDir(dir);
    })());
  try {
    const wsUrl = await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no "WebDriver BiDi listening on" line in ${2 * timeout} ms`)), 2 * timeout);
      const look = () => {
        const l = lines.find((x) => /WebDriver BiDi listening on ws:\/\//.test(x));
        if (l) {
          clearTimeout(t);
          resolve(/ws:\/\/\S+/.exec(l)[0]);
        }
      };
      child.stderr.on('data', () => setImmediate(look));
      child.once('exit', (code, sig) => {
        clearTimeout(t);
        reject(new Error(`firefox exited ${code ?? sig}`));
      });
    });
    ws = await wsConnect(`${wsUrl.replace(/\/$/, '')}/session`);
    const c = rpc((t) => ws.send(t), 'firefox');
    ws.on('message', (t) => c.receive(t));
    ws.on('close', () => c.failAll(new Error('firefox: the BiDi connection closed')));
    const session = await c.call('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } }, {}, timeout);
    await c.call('session.subscribe', { events: ['network.responseCompleted', 'network.fetchError'] }, {}, timeout);
    return {
      browser: 'firefox',
      version: `${session.capabilities.browserName} ${session.capabilities.browserVersion}`,
      pid: child.pid,
      dir,
      args,
      prefs,
      pids: () => (child.exitCode === null && child.signalCode === null ? [child.pid] : []),
      log: () => lines.join('\n'),
      stop,
      /** Navigate a new tab to url; the final response as the browser got it, and the page's text. */
      async open(url) {
        const { context } = await c.call('browsingContext.create', { type: 'tab' }, {}, timeout);
        try {
          const since = c.events.length;
          let error;
          const nav = await c.call('browsingContext.navigate', { context, url, wait: 'complete' }, {}, timeout).catch((e) => {
            error = e.message;
            return undefined;
          });
          const done = c.events
            .slice(since)
            .filter((m) => m.params?.context === context && m.method === 'network.responseCompleted' && m.params.navigation && (!nav || m.params.navigation === nav.navigation))
            .at(-1);
          const r = await c.call('script.evaluate', { expression: 'document.body ? document.body.innerText : ""', target: { context }, awaitPromise: false }, {}, timeout);
          const headers = {};
          for (const h of done?.params.response.headers ?? [])
            headers[h.name.toLowerCase()] = h.value.type === 'string' ? h.value.value : Buffer.from(h.value.value, 'base64').toString('latin1');
          return { status: done?.params.response.status ?? 0, headers, body: r.result?.value ?? '', url: done?.params.response.url ?? url, ...(error ? { error } : {}) };
        } finally {
          await c.call('browsingContext.close', { context }, {}, timeout).catch(() => {});
        }
      },
    };
  } catch (e) {
    await stop();
    throw new Error(`firefox did not start: ${e.message}\n${lines.slice(-20).join('\n')}`);
  }
}
