/**
 * The server side of RFC 4559: `Authorization: Negotiate <token>` checked with the service's
 * keys, runtime-neutral (web-standard header values in, a decision out). The Node adapter
 * (src/http/node/server.ts) wires it to node:http with the keytab.
 *
 * - no Negotiate credentials: a challenge, `401` with `WWW-Authenticate: Negotiate`;
 * - a token that verifies: the client principal, and the `WWW-Authenticate: Negotiate <reply>`
 *   header carrying the AP-REP (mutual authentication), to send with the response;
 * - a token that does not: `401` with a plain challenge (or SPNEGO's reject token), and the
 *   error — as Apache's mod_auth_gssapi answers 401 and logs the reason;
 * - a SPNEGO negotiation that needs another round trip (Kerberos offered after another
 *   mechanism, or without its token): `401` carrying the acceptor's NegTokenResp, and the
 *   negotiation kept in the caller's {@link NegotiateConnection} for the next request.
 * @module
 */
import { isAsyncReplayStore, type AsyncReplayStore, type ReplayEntry, type ReplayStore } from '../ap/replay-cache.js';
import { GssError, KerberosError, ReplayCacheError } from '../errors.js';
import { ErrorCode, GssStatus, MessageType, Oid } from '../iana/index.js';
import { encodeKrb5Message, GssAcceptError, type Krb5Acceptor, type Krb5AcceptorOptions } from '../gssapi/index.js';
import { encodeNegTokenResp, NegState, SpnegoAcceptor, SpnegoRejectError } from '../spnego/index.js';
import { toBase64 } from './base64.js';
import { MAX_NEGOTIATE_TOKEN_BYTES, negotiateToken } from './negotiate-header.js';
import { unparsePrincipal, type Principal } from '../messages/index.js';

/** Options of {@link createNegotiateAuthenticator}: the acceptor's (keys, service, kvno, channel bindings, skew), the replay cache, and the token bound. */
export interface NegotiateServerOptions extends Omit<Krb5AcceptorOptions, 'replayCache'> {
  /**
   * The longest token taken, in bytes (default 65536, {@link MAX_NEGOTIATE_TOKEN_BYTES}): a
   * longer `Authorization` header is refused before it is decoded.
   */
  maxTokenBytes?: number;
  /**
   * Where authenticators are remembered, so that a captured token is refused the second time:
   *
   * - `new ReplayCache({ maxEntries })` — this process's memory;
   * - `new FileReplayCache({ dir })` (`tskrb5/node`) — every process of the host that uses the
   *   directory (node:cluster, PM2, containers sharing a volume);
   * - `new RedisReplayCache(client)` — every host of a farm that uses the Redis/Valkey server;
   *   asynchronous: the check then returns a promise, which every adapter awaits;
   * - `false` — none (another layer must stop replays).
   *
   * Default: the Node adapters (`negotiateMiddleware`, `negotiateHandler`, Fastify, Koa, Hono)
   * use the host-shared file store of `KRB5RCACHEDIR`, as MIT's acceptors choose theirs
   * (`KRB5RCACHETYPE=none`: none); `createNegotiateAuthenticator` and `negotiateHandlerCore`,
   * the acceptor's in-memory cache. A cache never forgets a live authenticator: when full, or
   * when its file or server fails, the request is refused (401, `onError` gets the reason:
   * `ERR_REPLAY_CACHE_FULL`, `ERR_REPLAY_CACHE_IO`).
   */
  replayCache?: ReplayStore | AsyncReplayStore | false;
}

/** What {@link createNegotiateAuthenticator}'s function decides for one request. */
export type NegotiateResult =
  | {
      status: 'ok';
      /** The client, as MIT's `krb5_unparse_name` writes it (`name/instance@REALM`, `/` `@` `\\` escaped): unambiguous. */
      principal: string;
      /** The client principal, as a record. */
      client: Principal;
      /** The `WWW-Authenticate` value to send with the response (the AP-REP), when there is one. */
      wwwAuthenticate: string | undefined;
      /** The established context: client, flags, delegated credentials, MIC and Wrap. */
      context: Krb5Acceptor;
    }
  | { status: 'challenge'; httpStatus: 401; wwwAuthenticate: 'Negotiate' }
  /** SPNEGO needs the client's next token (accept-incomplete or request-mic in `wwwAuthenticate`), kept in the connection. */
  | { status: 'continue'; httpStatus: 401; wwwAuthenticate: string }
  | { status: 'failed'; httpStatus: 401; wwwAuthenticate: string; error: KerberosError };

/**
 * Where a SPNEGO negotiation of several round trips waits between two requests of one
 * connection (RFC 4559 §4: the legs of one negotiation travel on one connection). Keep one per
 * connection (a WeakMap on the socket, say) and pass it with each request's header.
 */
export interface NegotiateConnection {
  /** The acceptor waiting for the client's next token, and until when (ms since the epoch). */
  pending?: { acceptor: SpnegoAcceptor; expires: number } | undefined;
}

/** How long a negotiation waits for its next leg. */
const PENDING_MS = 60_000;

/**
 * A function that checks one request's `Authorization` header value; with a
 * {@link NegotiateConnection}, a negotiation of several legs continues on it. With an
 * asynchronous replay cache (`RedisReplayCache`) it returns a promise: the token is checked,
 * then the cache is awaited before the decision.
 * @example
 * ```ts
 * const check = createNegotiateAuthenticator({ keys: decodeKeytab(bytes).entries })
 * const r = check(request.headers.get('authorization'))
 * if (r.status !== 'ok') return new Response('', { status: 401, headers: { 'www-authenticate': r.wwwAuthenticate } })
 * ```
 */
export function createNegotiateAuthenticator(
  o: NegotiateServerOptions & { replayCache: AsyncReplayStore },
): (authorization: string | null | undefined, connection?: NegotiateConnection) => Promise<NegotiateResult>;
export function createNegotiateAuthenticator(
  o: NegotiateServerOptions & { replayCache?: ReplayStore | false },
): (authorization: string | null | undefined, connection?: NegotiateConnection) => NegotiateResult;
export function createNegotiateAuthenticator(
  o: NegotiateServerOptions,
): (authorization: string | null | undefined, connection?: NegotiateConnection) => NegotiateResult | Promise<NegotiateResult>;
export function createNegotiateAuthenticator(
  o: NegotiateServerOptions,
): (authorization: string | null | undefined, connection?: NegotiateConnection) => NegotiateResult | Promise<NegotiateResult> {
  if (!o || !Array.isArray(o.keys)) throw new TypeError('keys must be the service keys (keytab entries)');
  if (o.requireChannelBindings && !o.channelBindings) throw new TypeError('requireChannelBindings needs channelBindings');
  const store = o.replayCache;
  if (isAsyncReplayStore(store)) return deferredReplayCheck(o, store);
  if (store !== undefined && store !== false && typeof (store as { check?: unknown }).check !== 'function') {
    throw new TypeError('replayCache must be a replay cache (ReplayCache, FileReplayCache, RedisReplayCache) or false');
  }
  const negotiate = negotiator({ ...o, replayCache: store }, o.maxTokenBytes);
  return (authorization, connection) => negotiate(authorization, connection).result;
}

/** The check of one header, and whether the token that decided it was SPNEGO. */
function negotiator(
  o: Krb5AcceptorOptions,
  maxTokenBytes: number | undefined,
): (authorization: string | null | undefined, connection?: NegotiateConnection) => { result: NegotiateResult; spnego: boolean } {
  const maxBytes = maxTokenBytes ?? MAX_NEGOTIATE_TOKEN_BYTES;
  const now = () => (o.now ?? (() => new Date()))().getTime();
  let spnego = false;
  const decide = (authorization: string | null | undefined, connection?: NegotiateConnection): NegotiateResult => {
    // Whatever the header holds, the answer is a decision: a challenge, a refusal or the
    // principal — never an exception (the client chose every byte of it).
    let token: Uint8Array | undefined;
    try {
      token = negotiateToken(authorization, { maxBytes });
    } catch (e) {
      if (connection) connection.pending = undefined;
      return failed(e);
    }
    if (!token) {
      if (connection) connection.pending = undefined;
      return { status: 'challenge', httpStatus: 401, wwwAuthenticate: 'Negotiate' };
    }
    try {
      // A bare NegTokenResp ([1], 0xa1) continues the negotiation waiting on this connection;
      // anything else starts a new one.
      const waiting = connection?.pending;
      if (connection) connection.pending = undefined;
      let acceptor: SpnegoAcceptor;
      if (token[0] === 0xa1) {
        if (!waiting || waiting.expires < now()) {
          throw new GssError(
            waiting
              ? 'the next SPNEGO token came after the negotiation on this connection had expired'
              : 'a SPNEGO continuation token came, but no negotiation is waiting on this connection (its first leg went to another connection or server, or this server keeps no connection state)',
            { major: GssStatus.GSS_S_NO_CONTEXT },
            { code: 'ERR_SPNEGO_NO_CONTEXT' },
          );
        }
        acceptor = waiting.acceptor;
      } else {
        waiting?.acceptor.krb5.dispose();
        acceptor = new SpnegoAcceptor(o);
      }
      const reply = acceptor.accept(token);
      spnego = acceptor.mech === 'spnego';
      if (acceptor.continueNeeded) {
        if (connection) connection.pending = { acceptor, expires: now() + PENDING_MS };
        return { status: 'continue', httpStatus: 401, wwwAuthenticate: `Negotiate ${toBase64(reply!)}` };
      }
      const c = acceptor.krb5.client!;
      return {
        status: 'ok',
        principal: unparsePrincipal(c),
        client: { nameType: c.nameType, components: [...c.components], realm: c.realm },
        wwwAuthenticate: reply ? `Negotiate ${toBase64(reply)}` : undefined,
        context: acceptor.krb5,
      };
    } catch (e) {
      return failed(e);
    }
  };
  return (authorization, connection) => {
    spnego = false;
    const result = decide(authorization, connection);
    return { result, spnego };
  };
}

/**
 * With an asynchronous store: the token is checked synchronously with a replay cache that only
 * notes the authenticator (the check is synchronous, so no other request runs in between), then
 * the store is awaited; a replay, a failure of the store or no answer is a refusal, and the
 * context is disposed of.
 */
function deferredReplayCheck(
  o: NegotiateServerOptions,
  store: AsyncReplayStore,
): (authorization: string | null | undefined, connection?: NegotiateConnection) => Promise<NegotiateResult> {
  let noted: ReplayEntry | undefined;
  const note: ReplayStore = {
    check(entry) {
      noted = entry;
      return true;
    },
  };
  const negotiate = negotiator({ ...o, replayCache: note }, o.maxTokenBytes);
  return async (authorization, connection) => {
    noted = undefined;
    const { result, spnego } = negotiate(authorization, connection);
    const entry = noted;
    noted = undefined;
    if (result.status !== 'ok') return result;
    const refuse = (e: unknown): NegotiateResult => {
      result.context.dispose();
      return failed(e);
    };
    if (!entry) return refuse(new GssError('the replay cache was not consulted', { major: GssStatus.GSS_S_FAILURE }, { code: 'ERR_ACCEPT_INTERNAL' }));
    const now = (o.now ?? (() => new Date()))().getTime();
    let fresh: boolean;
    try {
      fresh = await store.checkAsync(entry, now);
    } catch (e) {
      return refuse(e instanceof ReplayCacheError ? new GssAcceptError(e.message, GssStatus.GSS_S_FAILURE, undefined, { cause: e, code: e.code }) : e);
    }
    if (fresh === true) return result;
    if (fresh !== false)
      return refuse(new GssError(`the replay cache answered ${String(fresh)}, not true or false`, { major: GssStatus.GSS_S_FAILURE }, { code: 'ERR_ACCEPT_INTERNAL' }));
    // as the acceptor refuses a replay its synchronous cache caught: KRB_AP_ERR_REPEAT, with the
    // KRB-ERROR token MIT's acceptor sends (inside a SPNEGO reject when the request was SPNEGO)
    const e = new GssAcceptError('this authenticator was seen before: a replay', GssStatus.GSS_S_DUPLICATE_TOKEN, ErrorCode.KRB_AP_ERR_REPEAT);
    const sname = result.context.server!;
    const krbError = encodeKrb5Message(
      {
        type: 'KRB-ERROR',
        value: {
          pvno: 5,
          msgType: MessageType.KRB_ERROR,
          stime: new Date(Math.floor(now / 1000) * 1000),
          susec: (now % 1000) * 1000,
          errorCode: ErrorCode.KRB_AP_ERR_REPEAT,
          realm: sname.realm,
          sname: { nameType: sname.nameType, nameString: [...sname.components] },
        },
      },
      { framed: true, mech: Oid.KRB5 },
    );
    e.token = spnego ? encodeNegTokenResp({ negState: NegState.reject, responseToken: krbError }) : krbError;
    return refuse(e);
  };
}

/** A refusal: the reject token or the KRB-ERROR the acceptor made (a clock skew tells the client our time). */
function failed(thrown: unknown): NegotiateResult {
  const e =
    thrown instanceof KerberosError
      ? thrown
      : new GssError(
          `the request's credentials could not be checked (${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)})`,
          { major: GssStatus.GSS_S_FAILURE },
          { cause: thrown, code: 'ERR_ACCEPT_INTERNAL' },
        );
  const t = e instanceof SpnegoRejectError ? e.token : e instanceof GssAcceptError ? e.token : undefined;
  return { status: 'failed', httpStatus: 401, wwwAuthenticate: t ? `Negotiate ${toBase64(t)}` : 'Negotiate', error: e };
}
