/**
 * Negotiate for node:http servers: `negotiateMiddleware()` checks each request's
 * `Authorization: Negotiate` with the service keytab (KRB5_KTNAME, else krb5.conf's
 * default_keytab_name, else /etc/krb5.keytab — as MIT's acceptor finds it), answers a challenge
 * or a failure with 401, and otherwise sets `req.negotiate` (principal, local user, context,
 * delegated credentials) and the mutual-authentication header, then calls `next()`. Over TLS the
 * connection's channel bindings (RFC 5929 tls-server-end-point of our certificate) are checked
 * when the client sent them. A SPNEGO negotiation of several round trips continues on its
 * connection. The same engine ({@link nodeNegotiator}) serves the Fastify and Koa adapters.
 * Authenticators are remembered in the replay cache every process of the host shares
 * (`KRB5RCACHEDIR`, as MIT's; `replayCache` chooses another), so a token is accepted once.
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tlsServerEndPointBindings } from '../../gssapi/index.js';
import { KeytabFile, loadKrb5Conf } from '../../node/index.js';
import { defaultReplayCache } from '../../node/replay-file.js';
import { storeOptionsFrom } from '../../node/profile.js';
import type { DelegationPolicy } from '../../node/delegated.js';
import { defaultRealm } from '../../formats/index.js';
import { certificateHashForBindings } from '../certificate.js';
import { GssError, KerberosError } from '../../errors.js';
import { GssStatus } from '../../iana/index.js';
import { createNegotiateAuthenticator, type NegotiateConnection, type NegotiateResult, type NegotiateServerOptions } from '../negotiate-server.js';
import { negotiateGate, type AuthToLocal, type GateOutcome, type NegotiateHooks, type NegotiateInfo } from '../server-gate.js';
import { delegationOf, type Delegation } from './delegation.js';

/** Options of the Node adapters (`Req` is the framework's request object). */
export interface NegotiateNodeOptions<Req> extends Omit<NegotiateServerOptions, 'keys' | 'channelBindings'>, NegotiateHooks<Req, NegotiateRequestInfo> {
  /** The keytab (a path or `FILE:path`; default: the environment's, as MIT finds it). Read once, when the adapter is made. */
  keytab?: string;
  /** The keys themselves, instead of a keytab file. */
  keys?: NegotiateServerOptions['keys'];
  /**
   * The local user name for `info.user`: default MIT's `auth_to_local` from the environment's
   * krb5.conf (KRB5_CONFIG) and its default realm, read once; a function of your own; or `false`.
   */
  authToLocal?: AuthToLocal | false;
  /** What delegated credentials must be to be used (`allowAnyTicket`; default: a forwarded TGT of the client). */
  delegation?: DelegationPolicy;
}

/** Options of {@link negotiateMiddleware}. */
export interface NegotiateMiddlewareOptions extends NegotiateNodeOptions<IncomingMessage> {}

/** What the Node adapters tell the application about an authenticated request. */
export interface NegotiateRequestInfo extends NegotiateInfo {
  /**
   * The credentials the client delegated, ready to use: `fetch(url)` as the client, `ccache()`,
   * `store(name)`; held in a MEMORY cache released when the request ends unless `keep()`.
   * `undefined` when the client delegated nothing.
   */
  delegated: Delegation | undefined;
}

declare module 'node:http' {
  interface IncomingMessage {
    negotiate?: NegotiateRequestInfo;
  }
}

/** The tls-server-end-point bindings of the certificate this TLS server presented. */
function connectionBindings(req: IncomingMessage): ReturnType<typeof tlsServerEndPointBindings> | undefined {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getCertificate !== 'function') return undefined;
  const cert = sock.getCertificate() as { raw?: Uint8Array } | null;
  if (!cert?.raw) return undefined;
  const hash = certificateHashForBindings(new Uint8Array(cert.raw), (name, data) => new Uint8Array(createHash(name).update(data).digest()));
  return tlsServerEndPointBindings(hash);
}

const warn = (message: string) => process.emitWarning(message);

function internal(e: unknown): KerberosError {
  return e instanceof KerberosError
    ? e
    : new GssError(
        `the request could not be checked (${e instanceof Error ? e.message : String(e)})`,
        { major: GssStatus.GSS_S_FAILURE },
        { cause: e, code: 'ERR_ACCEPT_INTERNAL' },
      );
}

/** The default auth_to_local: the environment's krb5.conf, as MIT's library reads it. */
function environmentAuthToLocal(): AuthToLocal {
  const profile = loadKrb5Conf();
  return { profile, defaultRealm: defaultRealm(profile) };
}

/**
 * The acceptor's options with the keys (from `keys`, else the keytab read once, now: a keytab
 * that is missing or damaged fails loudly when the server starts) and the replay cache (the
 * host-shared file store unless given), and the hooks with the environment's auth_to_local
 * unless given.
 */
export function resolveNodeOptions<Req, O extends NegotiateNodeOptions<Req>>(o: O): { base: NegotiateServerOptions; hooks: O } {
  const keys = o.keys ?? (o.keytab ? new KeytabFile(o.keytab) : KeytabFile.default(storeOptionsFrom(loadKrb5Conf()))).readEntriesSync();
  const { requireChannelBindings: _r, keytab: _k, keys: _ks, delegation: _d, ...rest } = o;
  // the host-shared replay cache by default (KRB5RCACHEDIR; KRB5RCACHETYPE=none: none); a bad
  // setting or a directory that cannot be written fails here, when the server starts
  const replayCache = o.replayCache === undefined ? defaultReplayCache(o.clockSkewSec === undefined ? {} : { clockSkewSec: o.clockSkewSec }) : o.replayCache;
  const base: NegotiateServerOptions = { ...rest, keys, replayCache };
  return { base, hooks: { ...o, authToLocal: o.authToLocal === undefined ? environmentAuthToLocal() : o.authToLocal } };
}

/**
 * The engine of the Node adapters: keys read once, per-connection state (channel bindings, a
 * SPNEGO negotiation waiting for its next leg), the gate's hooks, and delegated credentials
 * released when the response ends. `raw` finds node:http's request and response in the
 * framework's request.
 */
export function nodeNegotiator<Req>(
  o: NegotiateNodeOptions<Req>,
  raw: (req: Req) => { req: IncomingMessage; res: ServerResponse | undefined },
): (req: Req) => GateOutcome<NegotiateRequestInfo> | Promise<GateOutcome<NegotiateRequestInfo>> {
  const { base, hooks } = resolveNodeOptions<Req, NegotiateNodeOptions<Req>>(o);
  const { requireChannelBindings, delegation } = o;
  const plain = createNegotiateAuthenticator(base);
  const gate = negotiateGate<Req, NegotiateRequestInfo>(
    hooks,
    (info, req) => {
      const d = delegationOf(info.context.delegated, delegation);
      if (d) {
        const res = raw(req).res;
        if (res) {
          let done = false;
          const end = () => {
            if (done) return;
            done = true;
            d.ended().catch((e) => warn(`negotiate: releasing delegated credentials failed: ${e instanceof Error ? e.message : String(e)}`));
          };
          res.once('close', end);
          res.once('finish', end);
        }
      }
      return { ...info, delegated: d };
    },
    warn,
  );
  // per connection: its state, and the authenticator with its channel bindings
  const perSocket = new WeakMap<
    Socket,
    { connection: NegotiateConnection; check: (a: string | undefined, c: NegotiateConnection) => NegotiateResult | Promise<NegotiateResult>; bound: boolean }
  >();

  // (a promise with an asynchronous replay cache, Redis: the decision once it has answered)
  const checkOne = (req: IncomingMessage): NegotiateResult | Promise<NegotiateResult> => {
    let s = perSocket.get(req.socket);
    if (!s) {
      const cb = connectionBindings(req);
      const check = cb ? createNegotiateAuthenticator({ ...base, channelBindings: { applicationData: cb }, ...(requireChannelBindings ? { requireChannelBindings } : {}) }) : plain;
      s = { connection: {}, check, bound: cb !== undefined };
      perSocket.set(req.socket, s);
    }
    const out = s.check(req.headers.authorization, s.connection);
    return out instanceof Promise ? out.then((r) => unbound(s, r)) : unbound(s, out);
  };
  const unbound = (s: { bound: boolean }, r: NegotiateResult): NegotiateResult => {
    if (!s.bound && requireChannelBindings && r.status === 'ok') {
      // no TLS, so no bindings can match: refused, with the reason (unless there is no token yet)
      r.context.dispose();
      return {
        status: 'failed',
        httpStatus: 401,
        wwwAuthenticate: 'Negotiate',
        error: new GssError('channel bindings are required, and this connection is not TLS', { major: GssStatus.GSS_S_BAD_BINDINGS }),
      };
    }
    return r;
  };

  // (the authenticator itself never throws; reading the connection's certificate might)
  const broken = (e: unknown): NegotiateResult => ({ status: 'failed', httpStatus: 401, wwwAuthenticate: 'Negotiate', error: internal(e) });
  return (req) => {
    let result: NegotiateResult | Promise<NegotiateResult>;
    try {
      result = checkOne(raw(req).req);
    } catch (e) {
      result = broken(e);
    }
    // synchronous unless a hook or an asynchronous replay store is awaited: the 401 a client's
    // first request gets is written in the request's own turn
    return result instanceof Promise
      ? result.then(
          (r) => gate(req, r),
          (e) => gate(req, broken(e)),
        )
      : gate(req, result);
  };
}

const RESPONSE = Symbol('tskrb5.response');
type WithResponse = IncomingMessage & { [RESPONSE]?: ServerResponse };

/**
 * Remembers the response of a request (for the release of its delegated credentials when it
 * ends), as a property of the request: a WeakMap entry per request made the garbage collector's
 * work a tenth of a plain 401's cost.
 * @internal
 */
export function attachResponse(req: IncomingMessage, res: ServerResponse): void {
  (req as WithResponse)[RESPONSE] = res;
}

/** The response {@link attachResponse} remembered, or Express's `req.res`. @internal */
export function responseOf(req: IncomingMessage): ServerResponse | undefined {
  return (req as WithResponse)[RESPONSE] ?? (req as IncomingMessage & { res?: ServerResponse }).res;
}

/** Writes a refusal on a node:http response. */
export function writeRefusal(res: ServerResponse, outcome: Extract<GateOutcome<unknown>, { pass: false }>): void {
  res.statusCode = outcome.status;
  for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
  res.setHeader('Content-Length', Buffer.byteLength(outcome.body));
  res.end(outcome.body);
}

/**
 * A node:http (or Express/Connect) middleware: `(req, res, next)`. Options: `keytab` (or `keys`),
 * `authorize` (false → 403), `optional`, `onAuthenticated`, `onError`, `authToLocal`,
 * `unauthorizedPage` / `forbiddenPage`, `requireChannelBindings`, and the acceptor's (`now`,
 * `clockSkewSec`, `replayCache`, `allowWeakCrypto`, …). `req.negotiate` holds the client
 * (`principal`, `user`, `client`), the context, `channelBound` and `delegated`.
 * @example
 * ```ts
 * const auth = negotiateMiddleware({ keytab: '/etc/http.keytab', authorize: ({ user }) => user === 'alice' })
 * http.createServer((req, res) => auth(req, res, () => res.end(`hello ${req.negotiate!.user}`))).listen(8080)
 * ```
 */
export function negotiateMiddleware(o: NegotiateMiddlewareOptions = {}): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const negotiate = nodeNegotiator<IncomingMessage>(o, (req) => ({ req, res: responseOf(req) }));
  return (req, res, next) => {
    attachResponse(req, res);
    const settle = (outcome: GateOutcome<NegotiateRequestInfo>) => {
      if (!outcome.pass) return writeRefusal(res, outcome);
      for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
      if (outcome.info) req.negotiate = outcome.info;
      try {
        next();
      } catch (e) {
        // the application's own exception: as uncaught as it would have been without us
        process.nextTick(() => {
          throw e;
        });
      }
    };
    const lastDefence = (e: unknown) => {
      // the engine answers decisions, not exceptions; this is the last line of defence
      warn(`negotiateMiddleware: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) writeRefusal(res, { pass: false, status: 401, headers: { 'WWW-Authenticate': 'Negotiate', 'Content-Type': 'text/plain' }, body: 'Unauthorized\n' });
    };
    let outcome: GateOutcome<NegotiateRequestInfo> | Promise<GateOutcome<NegotiateRequestInfo>>;
    try {
      outcome = negotiate(req);
    } catch (e) {
      return lastDefence(e);
    }
    if (outcome instanceof Promise) outcome.then(settle, lastDefence);
    else settle(outcome);
  };
}
