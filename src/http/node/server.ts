/**
 * Negotiate for node:http servers: `negotiateMiddleware()` checks each request's
 * `Authorization: Negotiate` with the service keytab (KRB5_KTNAME, else krb5.conf's
 * default_keytab_name, else /etc/krb5.keytab — as MIT's acceptor finds it), answers a challenge
 * or a failure with 401, and otherwise sets `req.negotiate` (principal, context) and the
 * mutual-authentication header, then calls `next()`. Over TLS the connection's channel bindings
 * (RFC 5929 tls-server-end-point of our certificate) are checked when the client sent them.
 * Authenticators are remembered in the replay cache every process of the host shares
 * (`KRB5RCACHEDIR`, as MIT's; `replayCache` chooses another), so a token is accepted once.
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { tlsServerEndPointBindings, type Krb5Acceptor } from '../../gssapi/index.js';
import { KeytabFile, loadKrb5Conf } from '../../node/index.js';
import { defaultReplayCache } from '../../node/replay-file.js';
import { storeOptionsFrom } from '../../node/profile.js';
import { certificateHashForBindings } from '../certificate.js';
import { GssError, KerberosError } from '../../errors.js';
import { GssStatus } from '../../iana/index.js';
import type { Principal } from '../../messages/index.js';
import { createNegotiateAuthenticator, type NegotiateResult, type NegotiateServerOptions } from '../negotiate-server.js';

/** Options of {@link negotiateMiddleware}. */
export interface NegotiateMiddlewareOptions extends Omit<NegotiateServerOptions, 'keys' | 'channelBindings'> {
  /** The keytab (a path or `FILE:path`; default: the environment's, as MIT finds it). */
  keytab?: string;
  /** The keys themselves, instead of a keytab file. */
  keys?: NegotiateServerOptions['keys'];
  /** Called with each refusal (a KerberosError), e.g. to log why (default: nothing). */
  onError?: (error: KerberosError, req: IncomingMessage) => void;
}

/** What the middleware puts on an authenticated request. */
export interface NegotiateRequestInfo {
  /** The client, unambiguous text (MIT's `krb5_unparse_name`: `/` `@` `\\` inside a name escaped). */
  principal: string;
  /** The client principal, as a record. */
  client: Principal;
  context: Krb5Acceptor;
  /** Whether the client's channel bindings matched this TLS connection's. */
  channelBound: boolean;
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

/**
 * A node:http (or Express/Connect) middleware: `(req, res, next)`.
 * @example
 * ```ts
 * const auth = negotiateMiddleware({ keytab: '/etc/http.keytab' })
 * http.createServer((req, res) => auth(req, res, () => res.end(`hello ${req.negotiate!.principal}`))).listen(8080)
 * ```
 */
export function negotiateMiddleware(o: NegotiateMiddlewareOptions = {}): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  let keys = o.keys;
  if (!keys) {
    // read once, when the server starts: a keytab that is missing or damaged fails loudly here
    keys = (o.keytab ? new KeytabFile(o.keytab) : KeytabFile.default(storeOptionsFrom(loadKrb5Conf()))).readEntriesSync();
  }
  const { requireChannelBindings, ...rest } = o;
  // the host-shared replay cache by default (KRB5RCACHEDIR; KRB5RCACHETYPE=none: none); a bad
  // setting or an unwritable directory fails here, when the server starts
  const replayCache = o.replayCache === undefined ? defaultReplayCache(o.clockSkewSec === undefined ? {} : { clockSkewSec: o.clockSkewSec }) : o.replayCache;
  const base = { ...rest, keys, replayCache };
  const plain = createNegotiateAuthenticator(base);
  const refuse = (req: IncomingMessage, res: ServerResponse, www: string, error: KerberosError | undefined) => {
    if (error && o.onError) {
      try {
        o.onError(error, req);
      } catch (e) {
        // the application's own logger failed: the refusal stands, and the failure is said once
        process.emitWarning(`negotiateMiddleware: onError threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    res.statusCode = 401;
    res.setHeader('WWW-Authenticate', www);
    res.end();
  };
  const internal = (e: unknown): KerberosError =>
    e instanceof KerberosError
      ? e
      : new GssError(
          `the request could not be checked (${e instanceof Error ? e.message : String(e)})`,
          { major: GssStatus.GSS_S_FAILURE },
          { cause: e, code: 'ERR_ACCEPT_INTERNAL' },
        );
  const noTls = (r: NegotiateResult): NegotiateResult => {
    if (r.status !== 'ok') return r;
    r.context.dispose();
    return {
      status: 'failed',
      httpStatus: 401,
      wwwAuthenticate: 'Negotiate',
      error: new GssError('channel bindings are required, and this connection is not TLS', { major: GssStatus.GSS_S_BAD_BINDINGS }),
    };
  };
  const finish = (req: IncomingMessage, res: ServerResponse, next: () => void, r: NegotiateResult) => {
    if (r.status !== 'ok') {
      refuse(req, res, r.wwwAuthenticate, r.status === 'failed' ? r.error : undefined);
      return;
    }
    if (r.wwwAuthenticate) res.setHeader('WWW-Authenticate', r.wwwAuthenticate);
    req.negotiate = { principal: r.principal, client: r.client, context: r.context, channelBound: r.context.channelBound };
    next();
  };
  return (req, res, next) => {
    let r: NegotiateResult | Promise<NegotiateResult>;
    try {
      const cb = connectionBindings(req);
      if (!cb && requireChannelBindings) {
        // no TLS, so no bindings can match: refused, with the reason (unless there is no token yet)
        const out = plain(req.headers.authorization);
        r = out instanceof Promise ? out.then(noTls) : noTls(out);
      } else {
        const check = cb
          ? createNegotiateAuthenticator({ ...base, channelBindings: { applicationData: cb }, ...(requireChannelBindings ? { requireChannelBindings } : {}) })
          : plain;
        r = check(req.headers.authorization);
      }
    } catch (e) {
      // (the authenticator itself never throws; reading the connection's certificate might)
      refuse(req, res, 'Negotiate', internal(e));
      return;
    }
    // an asynchronous replay cache (Redis): the decision once it has answered
    if (r instanceof Promise) {
      r.then(
        (d) => finish(req, res, next, d),
        (e) => refuse(req, res, 'Negotiate', internal(e)),
      );
    } else finish(req, res, next, r);
  };
}
