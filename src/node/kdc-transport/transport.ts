/**
 * The Node KDC transport: KDC location from krb5.conf and DNS, UDP, TCP and KDC proxies
 * (MS-KKDCP over HTTPS), with failover, timeouts, an overall deadline and an `AbortSignal`.
 *
 * How it behaves, and how that differs from MIT krb5 1.20 (lib/krb5/os/sendto_kdc.c):
 *
 * - The KDCs are tried one after another, in the order {@link locateKdcs} gives. For a krb5.conf
 *   `kdc = host` entry each address is tried over UDP then TCP — or TCP then UDP when the request
 *   is larger than `udp_preference_limit` (default 1465 bytes), or TCP only with `tcpOnly`.
 *   MIT starts the next KDC after one second while still listening to the earlier ones; here an
 *   attempt runs until it answers, fails (`ECONNREFUSED`, reset, …) or reaches `timeoutMs`
 *   (default 3 s), and a late answer from an abandoned attempt is not used.
 * - Over UDP the datagram is resent at a third and two thirds of `timeoutMs`, as MIT resends
 *   UDP in its later passes.
 * - A UDP reply that is KRB-ERROR `KRB_ERR_RESPONSE_TOO_BIG` starts the whole list again over TCP
 *   only (MIT does the same). A KRB-ERROR `KDC_ERR_SVC_UNAVAILABLE` moves on to the next KDC,
 *   as MIT's check_for_svc_unavailable does. Any other reply is returned as received.
 * - `deadlineMs` (default 30 s) bounds the whole exchange; each attempt gets what is left.
 * - TCP replies and KDC proxy bodies above `maxReplyBytes` (default 1 MiB) are refused.
 * - DNS (SRV and address lookups) is not itself bounded by the timeouts or the signal: the
 *   resolver's own limits apply.
 * @module
 */
import { isIP } from 'node:net';
import { TransportError, type TransportAttempt } from '../../errors.js';
import { sendKdcProxy, unreachable, MAX_KDC_REPLY_BYTES, type KdcProxyFetch } from '../../client/kdc-proxy-transport.js';
import type { KdcSendOptions, Transport } from '../../client/transport.js';
import type { Krb5Profile } from '../../formats/index.js';
import { KRBError } from '../../messages/index.js';
import { ErrorCode } from '../../iana/error-code.js';
import { abortReason } from './exchange.js';
import { loadAnchors, nodeFetch } from './https-fetch.js';
import { httpAnchors, locateKdcs, udpPreferenceLimit, type KdcServer } from './locate.js';
import { nodeResolver, type ResolvedAddress, type KdcResolver } from './resolver.js';
import { tcpExchange } from './tcp.js';
import { udpExchange } from './udp.js';
import type { Krb5Trace } from '../trace.js';

/** Options of {@link createKdcTransport}. */
export interface KdcTransportOptions {
  /** The parsed krb5.conf file(s), earliest first. */
  profile: Krb5Profile;
  /** DNS for SRV records and host addresses (default {@link nodeResolver}). */
  resolver?: KdcResolver;
  /** Limit of one attempt (one transport to one address or proxy), ms. Default 3000. */
  timeoutMs?: number;
  /** Limit of the whole exchange, ms. Default 30000. */
  deadlineMs?: number;
  /** Largest reply accepted over TCP or from a proxy. Default 1 MiB. */
  maxReplyBytes?: number;
  /** The `fetch` for `https://` KDC entries (default `node:https` trusting the realm's `http_anchors`, else the system store). */
  fetch?: KdcProxyFetch;
  /** For the RFC 2782 weighted SRV draw (default `Math.random`). */
  random?: () => number;
  /** Called after each attempt: which target, and what came of it. */
  trace?: (event: KdcTraceEvent) => void;
  /**
   * MIT-shaped trace messages (`KRB5_TRACE`): `Sending request (183 bytes) to EXAMPLE.COM`,
   * `Resolving hostname kdc.example.com`, `Sending initial UDP request to dgram 10.0.0.1:88`,
   * `Initiating TCP connection to stream …`, `Sending TCP request to stream …`, `Sending HTTPS
   * request to https host:443`, `Received answer (795 bytes) from dgram 10.0.0.1:88`,
   * `Terminating TCP connection to stream …`. `createKrb5Context` sets it from `KRB5_TRACE`.
   */
  krb5Trace?: Krb5Trace;
}

/** One attempt, as reported to {@link KdcTransportOptions.trace}. */
export interface KdcTraceEvent {
  realm: string;
  /** `udp/127.0.0.1:88`, `tcp/[::1]:88`, `https://host/KdcProxy`, or `udp+tcp/host:88` when the host did not resolve. */
  target: string;
  /** `reply`: returned to the caller; the others moved on. */
  outcome: 'reply' | 'error' | 'response-too-big' | 'svc-unavailable';
  error?: unknown;
}

function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}
function targetOf(proto: 'udp' | 'tcp', address: string, port: number): string {
  return `${proto}/${hostPort(address, port)}`;
}
/** MIT's name of a KDC address in trace lines: `dgram 127.0.0.1:88`, `stream …`, `https host:443`. */
function mitAddr(kind: 'dgram' | 'stream' | 'https', hostAndPort: string): string {
  return `${kind} ${hostAndPort}`;
}
function urlHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
function urlHostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  } catch {
    return url;
  }
}

/** The KRB-ERROR code of `reply`, or `undefined` when it is no KRB-ERROR. */
function krbErrorCode(reply: Uint8Array): number | undefined {
  if (reply[0] !== 0x7e) return undefined;
  try {
    return KRBError.decode(reply).errorCode;
  } catch {
    return undefined;
  }
}

/**
 * A {@link Transport} over the KDCs that `profile` (and DNS) name for each realm.
 *
 * @example
 * ```ts
 * const profile = [parseKrb5Conf(readFileSync('/etc/krb5.conf', 'utf8'))]
 * const transport = createKdcTransport({ profile })
 * const reply = await transport.send('EXAMPLE.COM', ASReq.encode(req))
 * ```
 */
export function createKdcTransport(o: KdcTransportOptions): Transport {
  const resolver = o.resolver ?? nodeResolver();
  const timeoutMs = o.timeoutMs ?? 3000;
  const deadlineMs = o.deadlineMs ?? 30_000;
  const maxReplyBytes = o.maxReplyBytes ?? MAX_KDC_REPLY_BYTES;
  const mit = o.krb5Trace ?? (() => {});
  const fetches = new Map<string, KdcProxyFetch>();
  const fetchFor = (realm: string): KdcProxyFetch => {
    if (o.fetch) return o.fetch;
    let f = fetches.get(realm);
    if (!f) {
      f = nodeFetch({ ca: loadAnchors(httpAnchors(o.profile, realm)) });
      fetches.set(realm, f);
    }
    return f;
  };

  async function run(realm: string, request: Uint8Array, options: KdcSendOptions, tcpOnly: boolean, deadline: number, attempts: TransportAttempt[]): Promise<Uint8Array> {
    const { signal } = options;
    mit(`Sending request (${request.length} bytes) to ${realm}${options.primary ? ' (primary)' : ''}${tcpOnly ? ' (tcp only)' : ''}`);
    const tcpFirst = request.length > udpPreferenceLimit(o.profile, realm);
    const servers = await locateKdcs(o.profile, realm, { primary: options.primary, tcpOnly, tcpFirst, resolver, random: o.random });
    if (signal?.aborted) throw abortReason(signal);
    if (servers.length === 0) throw new TransportError(`Cannot find KDC for realm "${realm}"`, attempts, { code: 'ERR_REALM_CANT_RESOLVE' });
    const addresses = new Map<string, Promise<ResolvedAddress[]>>();
    // An attempt cut short by the deadline ends the exchange even if the timer fired a
    // millisecond before Date.now() reached the deadline (timers and clock disagree slightly).
    let expired = false;
    const remaining = () => (expired ? 0 : deadline - Date.now());
    const failed = (target: string, error: unknown, outcome: KdcTraceEvent['outcome'] = 'error') => {
      attempts.push({ target, error });
      o.trace?.({ realm, target, outcome, error });
    };

    /** One attempt; `via` names it as MIT's trace does (`dgram 127.0.0.1:88`). */
    const attempt = async (target: string, via: string, f: (limit: number) => Promise<Uint8Array>, udp: boolean): Promise<Uint8Array | 'too-big' | undefined> => {
      if (signal?.aborted) throw abortReason(signal);
      const limit = Math.min(timeoutMs, remaining());
      if (limit <= 0) return undefined;
      if (udp) mit(`Sending initial UDP request to ${via}`);
      else if (via.startsWith('https ')) mit(`Sending HTTPS request to ${via}`);
      else mit(`Initiating TCP connection to ${via}`);
      let reply: Uint8Array;
      try {
        reply = await f(limit);
      } catch (e) {
        if (!udp) mit(`Terminating TCP connection to ${via}`);
        if (signal?.aborted) throw abortReason(signal);
        if (limit < timeoutMs && (e as { code?: unknown }).code === 'ETIMEDOUT') expired = true;
        failed(target, e);
        return undefined;
      }
      mit(`Received answer (${reply.length} bytes) from ${via}`);
      if (!udp) mit(`Terminating TCP connection to ${via}`);
      const code = krbErrorCode(reply);
      if (udp && code === ErrorCode.KRB_ERR_RESPONSE_TOO_BIG) {
        failed(target, new TransportError('KRB_ERR_RESPONSE_TOO_BIG: retrying over TCP', [], { code: 'KRB_ERR_RESPONSE_TOO_BIG' }), 'response-too-big');
        // MIT's TRACE_INIT_CREDS_RETRY_TCP / TRACE_TKT_CREDS_RETRY_TCP, then its request again "(tcp only)".
        mit('Request or response is too big for UDP; retrying with TCP');
        return 'too-big';
      }
      if (code === ErrorCode.KDC_ERR_SVC_UNAVAILABLE) {
        failed(target, new TransportError('KDC_ERR_SVC_UNAVAILABLE', [], { code: 'KDC_ERR_SVC_UNAVAILABLE' }), 'svc-unavailable');
        return undefined;
      }
      o.trace?.({ realm, target, outcome: 'reply' });
      return reply;
    };

    const order = (s: Extract<KdcServer, { kind: 'host' }>): ('udp' | 'tcp')[] => {
      if (s.transport !== 'any') return tcpOnly && s.transport === 'udp' ? [] : [s.transport];
      return tcpOnly ? ['tcp'] : tcpFirst ? ['tcp', 'udp'] : ['udp', 'tcp'];
    };

    for (const s of servers) {
      if (remaining() <= 0) break;
      if (s.kind === 'https') {
        mit(`Resolving hostname ${urlHost(s.url)}`);
        const r = await attempt(
          s.url,
          mitAddr('https', urlHostPort(s.url)),
          (limit) => sendKdcProxy(s.url, realm, request, { fetch: fetchFor(realm), signal, timeoutMs: limit, maxReplyBytes }),
          false,
        );
        if (r instanceof Uint8Array) return r;
        continue;
      }
      const protos = order(s);
      if (protos.length === 0) continue;
      let addrs: ResolvedAddress[];
      mit(`Resolving hostname ${s.host}`);
      if (isIP(s.host)) addrs = [{ address: s.host, family: isIP(s.host) }];
      else {
        let p = addresses.get(s.host);
        if (!p) {
          p = resolver.lookup(s.host);
          addresses.set(s.host, p);
        }
        try {
          addrs = await p;
          if (addrs.length === 0) throw Object.assign(new Error(`unresolvable host ${s.host}`), { code: 'ENOTFOUND' });
        } catch (e) {
          failed(`${protos.join('+')}/${s.host}:${s.port}`, e);
          continue;
        }
      }
      for (const a of addrs) {
        for (const proto of protos) {
          const ex = proto === 'udp' ? udpExchange : tcpExchange;
          const via = mitAddr(proto === 'udp' ? 'dgram' : 'stream', hostPort(a.address, s.port));
          const onConnect = () => mit(`Sending TCP request to ${via}`);
          const r = await attempt(
            targetOf(proto, a.address, s.port),
            via,
            (limit) => ex(a.address, s.port, request, { timeoutMs: limit, maxReplyBytes, signal, onConnect }),
            proto === 'udp',
          );
          if (r === 'too-big') return run(realm, request, options, true, deadline, attempts);
          if (r) return r;
        }
      }
    }
    const err = unreachable(realm, attempts);
    if (remaining() <= 0) throw new TransportError(`${err.message}; deadline of ${deadlineMs} ms reached`, attempts);
    throw err;
  }

  return {
    send(realm, request, options = {}) {
      return run(realm, request, options, options.tcpOnly ?? false, Date.now() + deadlineMs, []);
    },
  };
}
