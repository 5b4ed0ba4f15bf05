/**
 * The server side of RFC 4559: `Authorization: Negotiate <token>` checked with the service's
 * keys, runtime-neutral (web-standard header values in, a decision out). The Node adapter
 * (src/http/node/server.ts) wires it to node:http with the keytab.
 *
 * - no Negotiate credentials: a challenge, `401` with `WWW-Authenticate: Negotiate`;
 * - a token that verifies: the client principal, and the `WWW-Authenticate: Negotiate <reply>`
 *   header carrying the AP-REP (mutual authentication), to send with the response;
 * - a token that does not: `401` with a plain challenge (or SPNEGO's reject token), and the
 *   error — as Apache's mod_auth_gssapi answers 401 (DESIGN.md) and logs the reason.
 * @module
 */
import { GssError, KerberosError } from '../errors.js';
import { GssStatus } from '../iana/index.js';
import { GssAcceptError, type Krb5Acceptor, type Krb5AcceptorOptions } from '../gssapi/index.js';
import { SpnegoAcceptor, SpnegoRejectError } from '../spnego/index.js';
import { toBase64 } from './base64.js';
import { MAX_NEGOTIATE_TOKEN_BYTES, negotiateToken } from './negotiate-header.js';
import { unparsePrincipal, type Principal } from '../messages/index.js';

/** Options of {@link createNegotiateAuthenticator}: the acceptor's (keys, service, kvno, channel bindings, skew, replay cache), and the token bound. */
export interface NegotiateServerOptions extends Krb5AcceptorOptions {
  /**
   * The longest token taken, in bytes (default 65536, {@link MAX_NEGOTIATE_TOKEN_BYTES}): a
   * longer `Authorization` header is refused before it is decoded.
   */
  maxTokenBytes?: number;
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
  | { status: 'failed'; httpStatus: 401; wwwAuthenticate: string; error: KerberosError };

/**
 * A function that checks one request's `Authorization` header value.
 * @example
 * ```ts
 * const check = createNegotiateAuthenticator({ keys: decodeKeytab(bytes).entries })
 * const r = check(request.headers.get('authorization'))
 * if (r.status !== 'ok') return new Response('', { status: 401, headers: { 'www-authenticate': r.wwwAuthenticate } })
 * ```
 */
export function createNegotiateAuthenticator(o: NegotiateServerOptions): (authorization: string | null | undefined) => NegotiateResult {
  if (!o || !Array.isArray(o.keys)) throw new TypeError('keys must be the service keys (keytab entries)');
  if (o.requireChannelBindings && !o.channelBindings) throw new TypeError('requireChannelBindings needs channelBindings');
  const maxBytes = o.maxTokenBytes ?? MAX_NEGOTIATE_TOKEN_BYTES;
  return (authorization) => {
    // Whatever the header holds, the answer is a decision: a challenge, a refusal or the
    // principal — never an exception (the client chose every byte of it).
    let token: Uint8Array | undefined;
    try {
      token = negotiateToken(authorization, { maxBytes });
    } catch (e) {
      return failed(e);
    }
    if (!token) return { status: 'challenge', httpStatus: 401, wwwAuthenticate: 'Negotiate' };
    try {
      const acceptor = new SpnegoAcceptor(o);
      const reply = acceptor.accept(token);
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

// The web platform's Response and Headers, as far as negotiateHandler uses them (this layer
// compiles without DOM types; any runtime with fetch has them).
interface HeadersLike {
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
}
/** A web-standard Response, structurally. */
export interface WebResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeadersLike;
  readonly body: unknown;
}
declare const Response: new (body: unknown, init?: { status?: number; statusText?: string; headers?: unknown }) => WebResponse;
declare const Headers: new (init?: unknown) => HeadersLike;

/** What {@link negotiateHandler} passes to the application with each authenticated request. */
export interface NegotiateInfo {
  /** The client, unambiguous text (`unparsePrincipal`). */
  principal: string;
  /** The client principal, as a record. */
  client: Principal;
  context: Krb5Acceptor;
}

/**
 * Negotiate for web-standard servers (Deno.serve, Bun.serve, a service worker, anything that
 * takes `(Request) => Response`): unauthenticated requests get `401` with the challenge, the
 * others reach `handler`, whose response gets the mutual-authentication header.
 * @example
 * ```ts
 * Deno.serve(negotiateHandler({ keys }, (req, { principal }) => new Response(`hello ${principal}`)))
 * ```
 */
export function negotiateHandler<Req extends { headers: { get(name: string): string | null } }>(
  o: NegotiateServerOptions & { onError?: (error: KerberosError, req: Req) => void },
  handler: (req: Req, info: NegotiateInfo) => WebResponse | Promise<WebResponse>,
): (req: Req) => Promise<WebResponse> {
  const check = createNegotiateAuthenticator(o);
  return async (req) => {
    const r = check(req.headers.get('authorization'));
    if (r.status !== 'ok') {
      if (r.status === 'failed' && o.onError) {
        try {
          o.onError(r.error, req);
        } catch {
          // the application's logger failed; the refusal stands
        }
      }
      return new Response(null, { status: 401, headers: { 'www-authenticate': r.wwwAuthenticate } });
    }
    const res = await handler(req, { principal: r.principal, client: r.client, context: r.context });
    if (r.wwwAuthenticate && !res.headers.has('www-authenticate')) {
      const headers = new Headers(res.headers);
      headers.set('www-authenticate', r.wwwAuthenticate);
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }
    return res;
  };
}
