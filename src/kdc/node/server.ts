/**
 * The embedded KDC's Node edge: UDP and TCP listeners on one port (127.0.0.1 and port 0 by
 * default), a krb5.conf for MIT's and Heimdal's tools, keytab export, and a kinit into a cache
 * of the caller's choosing. Hostile input is bounded: a datagram is one request; a TCP stream
 * is refused past `maxRequestBytes` or when idle, and the number of connections is capped.
 * @module
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKrb5Conf } from '../../formats/index.js';
import { KDCProxyMessage, frameKdcMessage, unframeKdcMessage } from '../../messages/index.js';
import { kinit as nodeKinit, type KinitResult } from '../../node/kinit.js';
import { createKrb5Context } from '../../node/context.js';
import { KdcDatabase, type KdcDescription, type PrincipalDescription } from '../database.js';
import { Kdc, formatKdcLog, type KdcLogEntry } from '../kdc.js';
import { exportKeytab } from '../keytab.js';

/** Options of {@link startKdc}. */
export interface StartKdcOptions {
  realm: string;
  /** Users (with `password`) and services (without). */
  principals?: PrincipalDescription[];
  /** Long-term key enctypes (default 18, 17, 20, 19). */
  enctypes?: number[];
  /** Direct two-way trusts with other realms (see {@link KdcDescription}). */
  trusts?: KdcDescription['trusts'];
  /** The KDC's `[domain_realm]` for referrals to trusted realms (see {@link KdcDescription}). */
  domainRealms?: KdcDescription['domainRealms'];
  /** The PACs' domain SID and group RIDs (see {@link KdcDescription}). */
  domainSid?: string;
  groupRids?: Record<string, number>;
  /** Realm-wide maximum ticket and renewable lifetimes, seconds. */
  maxLifeSec?: number;
  maxRenewSec?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port for UDP and TCP (default 0: a free one). */
  port?: number;
  /** Replies over UDP larger than this get KRB_ERR_RESPONSE_TOO_BIG (default 4096, MIT's kdc_max_dgram_reply_size). */
  maxDatagramReply?: number;
  /** Largest TCP request accepted (default 65536 bytes). */
  maxRequestBytes?: number;
  /** Most TCP connections at once (default 64). */
  maxConnections?: number;
  /** A TCP connection idle this long is closed (default 10 s). */
  idleTimeoutMs?: number;
  /** One line per exchange (default: kept in `logs` only). */
  log?: (line: string, entry: KdcLogEntry) => void;
  /** Extra [libdefaults] lines of the krb5.conf written for clients. */
  extraLibdefaults?: string[];
  /** The KDC's clock (ms since the epoch). */
  now?: () => number;
  /** Offer and answer FAST (RFC 6113) as MIT's krb5kdc does (see {@link KdcOptions.fast}; default false). */
  fast?: boolean;
  /**
   * An MS-KKDCP endpoint (`POST /KdcProxy`, KDC-PROXY-MESSAGE in and out) over HTTPS with this
   * certificate and key (PEM text), on its own port of `host`; MIT's clients use it as
   * `kdc = https://HOST:PORT/KdcProxy` with `http_anchors` naming the certificate.
   */
  kdcProxy?: { cert: string; key: string };
}

/** A running KDC. */
export interface RunningKdc {
  realm: string;
  host: string;
  /** The port both listeners use. */
  port: number;
  /** A krb5.conf naming this KDC (text). */
  krb5Conf: string;
  /** Where that krb5.conf is written (in the KDC's own temp directory). */
  krb5ConfPath: string;
  /** The KDC's temp directory (removed by `stop`). */
  dir: string;
  /** The environment for child processes: `KRB5_CONFIG` (merge it into `process.env`). */
  env: { KRB5_CONFIG: string };
  /** The database. */
  db: KdcDatabase;
  /** The sans-I/O KDC. */
  kdc: Kdc;
  /** The MS-KKDCP endpoint's URL, when `kdcProxy` was given. */
  kdcProxyUrl?: string;
  /** The log lines so far (the last 1000 to 1200). */
  logs: string[];
  /** The keytab of principals (bytes); `file` also writes it there. */
  keytab(principal: string | string[], file?: string): Uint8Array;
  /** Logs in as `principal` with `password` into `ccache` (e.g. `FILE:/tmp/x`), with our own client. */
  kinit(principal: string, password: string, ccache: string, options?: { forwardable?: boolean; renewable?: boolean }): Promise<KinitResult>;
  /** Closes the listeners and removes the temp directory. */
  stop(): Promise<void>;
}

function krb5ConfText(realm: string, host: string, port: number, dir: string, extra: readonly string[]): string {
  return `[libdefaults]
  default_realm = ${realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  forwardable = true
  default_ccache_name = FILE:${dir}/ccache
  default_keytab_name = FILE:${dir}/default.keytab
${extra.map((l) => `  ${l}\n`).join('')}
[realms]
  ${realm} = {
    kdc = ${host}:${port}
  }
`;
}

async function listenTcp(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function bindUdp(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/**
 * Starts a KDC for a realm on 127.0.0.1 (UDP and TCP, one port), with the principals given.
 * @example
 * ```ts
 * const kdc = await startKdc({ realm: 'EXAMPLE.TEST', principals: [{ name: 'alice', password: 'pw' }, { name: 'HTTP/localhost' }] })
 * execFileSync('kinit', ['alice'], { env: { ...process.env, ...kdc.env }, input: 'pw\n' })
 * await kdc.stop()
 * ```
 */
export async function startKdc(options: StartKdcOptions): Promise<RunningKdc> {
  const description: KdcDescription = {
    realm: options.realm,
    principals: options.principals ?? [],
    ...(options.enctypes ? { enctypes: options.enctypes } : {}),
    ...(options.trusts ? { trusts: options.trusts } : {}),
    ...(options.domainRealms ? { domainRealms: options.domainRealms } : {}),
    ...(options.domainSid ? { domainSid: options.domainSid } : {}),
    ...(options.groupRids ? { groupRids: options.groupRids } : {}),
    ...(options.maxLifeSec !== undefined ? { maxLifeSec: options.maxLifeSec } : {}),
    ...(options.maxRenewSec !== undefined ? { maxRenewSec: options.maxRenewSec } : {}),
  };
  const db = new KdcDatabase(description);
  const kdc = new Kdc(db, { ...(options.now ? { now: options.now } : {}), ...(options.fast ? { fast: true } : {}) });
  const host = options.host ?? '127.0.0.1';
  const maxDgram = options.maxDatagramReply ?? 4096;
  const maxRequest = options.maxRequestBytes ?? 65536;
  const maxConnections = options.maxConnections ?? 64;
  const idleMs = options.idleTimeoutMs ?? 10_000;
  const logs: string[] = [];
  const record = (entry: KdcLogEntry, from: string, proto: string) => {
    const line = `${new Date().toISOString()} ${proto} ${formatKdcLog(entry, from)}`;
    logs.push(line);
    // trimmed in batches: one shift per exchange would copy the array each time
    if (logs.length > 1200) logs.splice(0, logs.length - 1000);
    options.log?.(line, entry);
  };
  const answer = (req: Uint8Array, from: string, proto: string): Uint8Array | undefined => {
    let result: ReturnType<Kdc['handle']>;
    try {
      result = kdc.handle(req);
    } catch {
      // handle() turns every fault into a KRB-ERROR or a drop; this is a last guard.
      return undefined;
    }
    record(result.log, from, proto);
    return result.reply;
  };

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer({ pauseOnConnect: false }, (sock) => {
    if (sockets.size >= maxConnections) {
      sock.destroy();
      return;
    }
    sockets.add(sock);
    sock.setTimeout(idleMs, () => sock.destroy());
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    const from = `${sock.remoteAddress}`;
    let buf = new Uint8Array(0);
    sock.on('data', (chunk: Buffer) => {
      const next = new Uint8Array(buf.length + chunk.length);
      next.set(buf);
      next.set(chunk, buf.length);
      buf = next;
      while (buf.length >= 4) {
        const len = ((buf[0]! << 24) | (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) >>> 0;
        if (len > maxRequest || len === 0) {
          // The high bit (RFC 4120 §7.2.2's reserved extension) or a request too long for us: close.
          sock.destroy();
          return;
        }
        if (buf.length < 4 + len) return;
        const req = buf.slice(4, 4 + len);
        buf = buf.slice(4 + len);
        const reply = answer(req, from, 'tcp');
        if (!reply) {
          sock.destroy();
          return;
        }
        const framed = new Uint8Array(4 + reply.length);
        new DataView(framed.buffer).setUint32(0, reply.length);
        framed.set(reply, 4);
        sock.write(framed);
      }
    });
  });
  tcp.maxConnections = maxConnections;

  let udp: dgram.Socket | undefined;
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await listenTcp(tcp, host, options.port ?? 0);
    const sock = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
    try {
      await bindUdp(sock, host, port);
      udp = sock;
      break;
    } catch (e) {
      sock.close();
      await new Promise<void>((r) => tcp.close(() => r()));
      if (options.port || attempt >= 20) throw e;
    }
  }
  udp.on('error', () => {
    /* a send failure to one client must not stop the KDC */
  });
  udp.on('message', (msg, rinfo) => {
    const reply = answer(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), rinfo.address, 'udp');
    if (!reply) return;
    const out = reply.length > maxDgram ? kdc.tooBig() : reply;
    udp!.send(out, rinfo.port, rinfo.address);
  });

  let proxy: https.Server | undefined;
  let proxyUrl: string | undefined;
  if (options.kdcProxy) {
    proxy = https.createServer({ cert: options.kdcProxy.cert, key: options.kdcProxy.key }, (req, res) => {
      const refuse = (status: number) => {
        res.statusCode = status;
        res.end();
      };
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/KdcProxy') return refuse(req.method === 'POST' ? 404 : 405);
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxRequest + 64) {
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        let request: Uint8Array;
        try {
          const m = KDCProxyMessage.decode(new Uint8Array(Buffer.concat(chunks)));
          request = unframeKdcMessage(m.kerbMessage);
        } catch {
          return refuse(400);
        }
        const reply = answer(request, `${req.socket.remoteAddress}`, 'kkdcp');
        if (!reply) return refuse(400);
        const body = KDCProxyMessage.encode({ kerbMessage: frameKdcMessage(reply) });
        res.setHeader('content-type', 'application/kerberos');
        res.end(body);
      });
    });
    proxy.headersTimeout = idleMs;
    proxy.requestTimeout = idleMs;
    proxy.maxConnections = maxConnections;
    const p = await new Promise<number>((resolve, reject) => {
      proxy!.once('error', reject);
      proxy!.listen(0, host, () => resolve((proxy!.address() as net.AddressInfo).port));
    });
    proxyUrl = `https://${net.isIPv6(host) ? `[${host}]` : host}:${p}/KdcProxy`;
  }

  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-'));
  const krb5Conf = krb5ConfText(options.realm, host, port, dir, options.extraLibdefaults ?? []);
  const krb5ConfPath = join(dir, 'krb5.conf');
  writeFileSync(krb5ConfPath, krb5Conf);
  const profile = [parseKrb5Conf(krb5Conf)];
  let stopped = false;

  return {
    realm: options.realm,
    host,
    port,
    krb5Conf,
    krb5ConfPath,
    dir,
    env: { KRB5_CONFIG: krb5ConfPath },
    ...(proxyUrl ? { kdcProxyUrl: proxyUrl } : {}),
    db,
    kdc,
    logs,
    keytab(principal, file) {
      const bytes = exportKeytab(db, Array.isArray(principal) ? principal : [principal]);
      if (file !== undefined) writeFileSync(file, bytes, { mode: 0o600 });
      return bytes;
    },
    async kinit(principal, password, ccache, o = {}) {
      const context = createKrb5Context({ profile, trace: false, env: { ...process.env, KRB5_CONFIG: krb5ConfPath, KRB5CCNAME: ccache } });
      return nodeKinit({
        principal,
        password,
        ccache,
        context,
        ...(o.forwardable !== undefined ? { forwardable: o.forwardable } : {}),
        ...(o.renewable ? { renewLifetimeSec: 7 * 86400 } : {}),
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const s of sockets) s.destroy();
      proxy?.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => tcp.close(() => r())),
        new Promise<void>((r) => udp!.close(() => r())),
        ...(proxy ? [new Promise<void>((r) => proxy!.close(() => r()))] : []),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
