/**
 * What every Negotiate server adapter does with a checked request, once, runtime-neutral: the
 * local user name (auth_to_local), the hooks (`onAuthenticated`, `authorize`, `onError`), the
 * `optional` mode, and the pages of a 401 and a 403. The adapters (node:http/Express, Fastify,
 * Koa, Hono, web-standard handlers) run the authenticator with their connection's state and
 * bindings, hand its result here, and write the outcome in their framework's terms.
 *
 * Whatever a hook or the configuration does, the outcome is a decision — the application's turn,
 * a 401 or a 403 — never an exception: an `authorize` or `onAuthenticated` that throws is a 403,
 * an auth_to_local rule that is malformed a 401, each with the reason to `onError`.
 * @module
 */
import { GssError, KerberosError } from '../errors.js';
import { anameToLocalname, type Krb5Profile } from '../formats/index.js';
import type { EvidenceTicket, Krb5Acceptor } from '../gssapi/index.js';
import { GssStatus } from '../iana/index.js';
import type { Pac, Principal } from '../messages/index.js';
import type { NegotiateResult } from './negotiate-server.js';

/** A response body with its type (the page a browser shows for a 401 or a 403). */
export interface HttpPage {
  contentType: string;
  body: string;
}

/** The default 401 page: short, and not empty (a browser shows a blank page for an empty 401). */
export const UNAUTHORIZED_PAGE: HttpPage = {
  contentType: 'text/html; charset=utf-8',
  body:
    '<!doctype html>\n<html><head><meta charset="utf-8"><title>401 Unauthorized</title></head>' +
    '<body><h1>Unauthorized</h1><p>This page needs a Kerberos sign-in (HTTP Negotiate). Sign in to your domain ' +
    '(or run <code>kinit</code>) and make sure your browser may use Negotiate with this site.</p></body></html>\n',
};

/** The default 403 page. */
export const FORBIDDEN_PAGE: HttpPage = {
  contentType: 'text/html; charset=utf-8',
  body: '<!doctype html>\n<html><head><meta charset="utf-8"><title>403 Forbidden</title></head><body><h1>Forbidden</h1><p>You are signed in, but not allowed here.</p></body></html>\n',
};

/**
 * The local user name of a client principal: MIT's `auth_to_local` (a krb5.conf and its default
 * realm, as `krb5_aname_to_localname` reads them), or a function of your own.
 */
export type AuthToLocal = { profile: Krb5Profile; defaultRealm: string | undefined } | ((client: Principal) => string | undefined);

/** What an application is told about an authenticated request, in every adapter. */
export interface NegotiateInfo {
  /** The client, unambiguous text (MIT's `krb5_unparse_name`: `/` `@` `\\` inside a name escaped). */
  principal: string;
  /** The client principal, as a record. */
  client: Principal;
  /**
   * The local user name from the `auth_to_local` rules (`alice` for `alice@EXAMPLE.COM` in the
   * default realm, by default), or `undefined` when there is no translation (a principal of
   * another realm, say) — as MIT's `krb5_aname_to_localname` answers.
   */
  user: string | undefined;
  /** The established context: flags, ticket, delegated credentials, MIC and Wrap. */
  context: Krb5Acceptor;
  /** Whether the client's channel bindings matched this TLS connection's. */
  channelBound: boolean;
  /**
   * The client's ticket to this service: the evidence for S4U2Proxy, to call a backend in the
   * client's name without delegated credentials (`getCredentialForProxy({ keytab, evidence,
   * server })`). Usable for classic constrained delegation only when `evidence.forwardable`.
   */
  evidence: EvidenceTicket | undefined;
  /**
   * The ticket's PAC (MS-PAC), decoded, once its server checksum verified with the service key
   * and its client and authtime matched the ticket; undefined when the ticket had none or it did
   * not verify (`context.pacError` says why; the `pac: 'require'` option refuses such requests).
   */
  pac: Pac | undefined;
  /**
   * The client's SIDs from the verified PAC (`S-1-5-21-…-513`, …): its primary group, groups,
   * extra SIDs (`S-1-18-1`, other domains' groups) and resource groups; empty without a PAC.
   */
  groups: string[];
}

/** The hooks and policy every adapter takes (`Req` is the framework's request, `Info` what it is told). */
export interface NegotiateHooks<Req, Info> {
  /**
   * Let requests without credentials through, with no `negotiate` info (default false: they get
   * a 401 challenge). A token that does not verify is still a 401. Browsers send credentials only
   * after a 401, so a route that needs the user answers 401 itself.
   */
  optional?: boolean;
  /** Whether this client may proceed; `false` is a 403 with {@link forbiddenPage}. May be async. */
  authorize?: (info: Info, req: Req) => boolean | Promise<boolean>;
  /** Each refusal's reason (a 401's or a failed hook's), e.g. to log it; what it throws is ignored. */
  onError?: (error: KerberosError, req: Req) => void;
  /** Each successful authentication, before `authorize` (an audit trail). May be async. */
  onAuthenticated?: (info: Info, req: Req) => void | Promise<void>;
  /** The local user name for `info.user`: see {@link AuthToLocal}; `false` for none. */
  authToLocal?: AuthToLocal | false;
  /** The 401's body and type (default {@link UNAUTHORIZED_PAGE}: never empty). */
  unauthorizedPage?: HttpPage;
  /** The 403's body and type (default {@link FORBIDDEN_PAGE}). */
  forbiddenPage?: HttpPage;
}

/** What to do with a request: the application's turn (with the headers to add), or a response. */
export type GateOutcome<Info> =
  | { pass: true; info: Info | undefined; headers: Record<string, string> }
  | { pass: false; status: 401 | 403; headers: Record<string, string>; body: string };

function hookError(what: string, e: unknown): KerberosError {
  if (e instanceof KerberosError) return e;
  return new GssError(`${what} threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { major: GssStatus.GSS_S_FAILURE }, { cause: e, code: 'ERR_HOOK' });
}

/** The local-name function for the options. */
export function localNameOf(a: AuthToLocal | false | undefined): (client: Principal) => string | undefined {
  if (!a) return () => undefined;
  if (typeof a === 'function') return a;
  return (client) => anameToLocalname(a.profile, client, a.defaultRealm);
}

/**
 * The decision for one checked request. `extend` makes the adapter's info from the base one
 * (Node adds delegated credentials); `report` receives each refusal's reason after `onError`
 * (adapters warn when `onError` itself throws).
 */
export function createNegotiateGate<Req, Info extends NegotiateInfo>(
  o: NegotiateHooks<Req, Info>,
  extend: (base: NegotiateInfo, req: Req) => Info,
  warn: (message: string) => void = () => {},
): (req: Req, result: NegotiateResult) => Promise<GateOutcome<Info>> {
  const gate = negotiateGate(o, extend, warn);
  return async (req, r) => gate(req, r);
}

/**
 * {@link createNegotiateGate}'s decision, synchronous where no hook is awaited: a challenge, a
 * refusal (and `optional`'s pass without a token) come back as they are; only an authenticated
 * client's turn (onAuthenticated, authorize) is a promise. The Node middleware answers the 401
 * every client's first request gets in the same turn as the request (no promise, one write).
 * @internal
 */
export function negotiateGate<Req, Info extends NegotiateInfo>(
  o: NegotiateHooks<Req, Info>,
  extend: (base: NegotiateInfo, req: Req) => Info,
  warn: (message: string) => void = () => {},
): (req: Req, result: NegotiateResult) => GateOutcome<Info> | Promise<GateOutcome<Info>> {
  const unauthorized = o.unauthorizedPage ?? UNAUTHORIZED_PAGE;
  const forbidden = o.forbiddenPage ?? FORBIDDEN_PAGE;
  const localName = localNameOf(o.authToLocal);
  const tell = (error: KerberosError, req: Req) => {
    if (!o.onError) return;
    try {
      o.onError(error, req);
    } catch (e) {
      warn(`negotiate: onError threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const refuse = (www: string, req: Req, error?: KerberosError): GateOutcome<Info> => {
    if (error) tell(error, req);
    return { pass: false, status: 401, headers: { 'WWW-Authenticate': www, 'Content-Type': unauthorized.contentType }, body: unauthorized.body };
  };
  const authenticated = async (req: Req, r: Extract<NegotiateResult, { status: 'ok' }>): Promise<GateOutcome<Info>> => {
    const headers: Record<string, string> = r.wwwAuthenticate ? { 'WWW-Authenticate': r.wwwAuthenticate } : {};
    let user: string | undefined;
    try {
      user = localName(r.client);
    } catch (e) {
      r.context.dispose();
      return refuse('Negotiate', req, hookError('auth_to_local', e));
    }
    let info: Info;
    try {
      info = extend(
        {
          principal: r.principal,
          client: r.client,
          user,
          context: r.context,
          channelBound: r.context.channelBound,
          evidence: r.context.evidence,
          pac: r.context.pac,
          groups: r.context.groups,
        },
        req,
      );
    } catch (e) {
      r.context.dispose();
      return refuse('Negotiate', req, hookError('the adapter', e));
    }
    const deny = (error?: KerberosError): GateOutcome<Info> => {
      if (error) tell(error, req);
      r.context.dispose();
      return { pass: false, status: 403, headers: { ...headers, 'Content-Type': forbidden.contentType }, body: forbidden.body };
    };
    try {
      if (o.onAuthenticated) await o.onAuthenticated(info, req);
    } catch (e) {
      return deny(hookError('onAuthenticated', e));
    }
    if (o.authorize) {
      let ok: boolean;
      try {
        ok = (await o.authorize(info, req)) === true;
      } catch (e) {
        return deny(hookError('authorize', e));
      }
      if (!ok) return deny();
    }
    return { pass: true, info, headers };
  };
  return (req, r) => {
    if (r.status === 'challenge') return o.optional ? { pass: true, info: undefined, headers: {} } : refuse(r.wwwAuthenticate, req);
    if (r.status === 'continue') return refuse(r.wwwAuthenticate, req);
    if (r.status === 'failed') return refuse(r.wwwAuthenticate, req, r.error);
    return authenticated(req, r);
  };
}
