/**
 * HTTP Negotiate (RFC 4559) for `fetch`, with requests-kerberos's semantics: the request goes out
 * unauthenticated (or with a token at once, `forcePreemptive`); a 401 (or 407) offering Negotiate
 * gets one authenticated retry with the request body replayed; a second 401 is returned as it
 * is; the server's token is verified (mutual authentication `'required'` by default,
 * `'optional'`, `'disabled'`), and with `'required'` an error response that carries no token is
 * sanitized (status kept, body and headers dropped) unless `sanitizeMutualErrorResponse: false`.
 *
 * Runtime-neutral: the credentials (service tickets, forwarded TGTs) come from an injected
 * {@link CredentialSource} and the TLS certificate for channel bindings from an injected hook;
 * `tskrb5` (the Node entry) wires both to the credential caches and `node:https`.
 * @module
 */
import { GssError, KerberosError, ProtocolError, UnsupportedError } from '../errors.js';
import { GssFlags, isRc4 } from '../iana/index.js';
import { GssKrbError, Krb5Initiator, makeKrbCred, type InitiatorCredential } from '../gssapi/initiator.js';
import { decodeSpnegoToken } from '../spnego/spnego-token.js';
import { decodeKrb5Message } from '../gssapi/krb5-message.js';
import { unparsePrincipal, type KRBError } from '../messages/index.js';
import { SpnegoInitiator } from '../spnego/initiator.js';
import { tlsServerEndPointBindings, type ChannelBindings } from '../gssapi/channel-bindings.js';
import { toBase64 } from './base64.js';
import { findNegotiate, parseChallenges, type Challenge } from './negotiate-header.js';

/** The part of a `Headers` object used here. */
export interface HeadersLike {
  get(name: string): string | null;
  forEach?(fn: (value: string, name: string) => void): void;
}

/** The part of a `Response` used here (a real `Response` is one). */
export interface ResponseLike {
  readonly status: number;
  readonly statusText?: string;
  readonly ok?: boolean;
  readonly url?: string;
  readonly redirected?: boolean;
  readonly headers: HeadersLike;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly body?: unknown;
}

/** The part of a web `Request` used when one is the input: its URL, method, headers, body, redirect mode and signal. */
export interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: HeadersLike;
  readonly body: unknown;
  readonly redirect?: string;
  readonly signal?: unknown;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What `fetch` takes as its first argument: a URL string, a `URL`, or a `Request`. */
export type FetchInput = string | { readonly href: string } | RequestLike;

/**
 * Request options as `fetch` takes them (a `RequestInit` is one). The body is read into memory
 * so that it can be sent again after a 401 or a 307/308: strings and bytes as they are; a `Blob`,
 * `FormData`, `URLSearchParams` or stream through the platform's `Response` (which also gives the
 * `Content-Type` fetch would send).
 */
export interface RequestInitLike {
  method?: string;
  headers?: Record<string, string | readonly string[]> | readonly (readonly string[])[] | HeadersLike;
  body?: unknown;
  /** `'follow'` (default, at most 20), `'manual'` (the 3xx is returned) or `'error'` (a redirect is a ProtocolError `ERR_REDIRECT`). */
  redirect?: 'follow' | 'manual' | 'error';
  // fetch's other options, passed to the wrapped fetch as they are. (No index signature: a
  // `RequestInit`, an interface, would not be assignable to this type with one.)
  signal?: unknown;
  cache?: unknown;
  credentials?: unknown;
  integrity?: unknown;
  keepalive?: unknown;
  mode?: unknown;
  priority?: unknown;
  referrer?: unknown;
  referrerPolicy?: unknown;
  window?: unknown;
  duplex?: unknown;
  dispatcher?: unknown;
}

/**
 * What the helper passes to the wrapped fetch: header pairs, a body as a string or an
 * `ArrayBuffer`, `redirect: 'manual'` (redirects are followed here, hop by hop, each
 * authenticated for its own host), and the caller's other options (`signal`, …) as they were.
 */
export interface FetchInit {
  method?: string;
  headers?: [string, string][];
  body?: string | ArrayBuffer;
  redirect?: 'manual';
  [option: string]: unknown;
}

/** A `fetch`: the global one, or any function of the same shape. */
export type FetchLike<R extends ResponseLike = ResponseLike> = (input: string, init?: FetchInit) => Promise<R>;

/** What the helper asks a credential source for. */
export interface CredentialRequest {
  /** The service name, `HTTP` by default. */
  service: string;
  /** The host the request goes to (or `hostnameOverride`). */
  host: string;
  /** A forwarded TGT is wanted too (delegation). */
  delegate: boolean;
}

/** Credentials for one request. */
export interface NegotiateCredentials {
  /** The service ticket. */
  credential: InitiatorCredential;
  /** KDC clock minus local clock, seconds (the cache's offset). */
  kdcOffsetSec?: number;
  /** A forwarded TGT to delegate (when `delegate` was asked and the KDC gave one). */
  forwarded?: InitiatorCredential;
  /** Who the client is, for logs. */
  client?: string;
}

/** Where service tickets come from (the Node entry provides one over the credential caches). */
export interface CredentialSource {
  getCredentials(request: CredentialRequest): Promise<NegotiateCredentials>;
}

/** A small logger; it gets steps and decoded facts, never keys, tickets or passwords. */
export interface NegotiateLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createNegotiateFetchCore}, as requests-kerberos names them. */
export interface NegotiateOptions<R extends ResponseLike = ResponseLike> {
  credentials: CredentialSource;
  /** The fetch to wrap (default the global `fetch`); the helper returns its responses. */
  fetch?: FetchLike<R>;
  /** `'required'` (default): the server must prove itself; `'optional'`: verified when it sends a token; `'disabled'`. */
  mutualAuthentication?: 'required' | 'optional' | 'disabled';
  /** With `'required'`, replace an error response that carries no token by a bare one (default true). */
  sanitizeMutualErrorResponse?: boolean;
  /** Send the token with the first request, without waiting for a 401. */
  forcePreemptive?: boolean;
  /**
   * After an origin has once answered 401 with a Negotiate challenge, send the token with the
   * first request to that origin (as curl always does): one round trip instead of two. Off by
   * default (requests-kerberos waits for a 401 each time).
   */
  rememberChallenge?: boolean;
  /** The host name of the service principal, instead of the URL's (for the URL's host; a redirect to another host uses that host's name). */
  hostnameOverride?: string;
  /** The service of the principal (default `HTTP`). */
  service?: string;
  /** Delegate a forwarded TGT (GSS_C_DELEG_FLAG) to the URL's host (not to another host a redirect names). */
  delegate?: boolean;
  /**
   * Channel bindings (RFC 5929 tls-server-end-point) over HTTPS (default true). Needs
   * `serverCertificate`; without it no bindings are sent.
   */
  sendCbt?: boolean;
  /** The DER certificate of the TLS server behind `url` (for channel bindings). */
  serverCertificate?: (url: string, response?: ResponseLike) => Promise<Uint8Array | undefined>;
  /** `'spnego'` (default) or `'krb5'` (a raw krb5 token, as requests-kerberos sends). */
  mech?: 'spnego' | 'krb5';
  /** The host of the HTTP proxy, for a 407 (default the request's host). */
  proxyHost?: string;
  logger?: NegotiateLogger;
  /** Hash of a DER certificate for tls-server-end-point (default: the Node entry's). */
  certificateHash?: (der: Uint8Array) => Uint8Array;
}

/**
 * The function {@link createNegotiateFetchCore} returns: `fetch(input, init)`, with the wrapped
 * fetch's responses (with the global fetch: `(input, init) => Promise<Response>`, assignable to
 * `typeof fetch`); an auth chain may pass the 401 an earlier scheme got as `previous`, so the
 * request is not sent unauthenticated again.
 */
export type NegotiateFetch<R extends ResponseLike = ResponseLike> = (input: FetchInput, init?: RequestInitLike, previous?: ResponseLike) => Promise<R>;

/**
 * The server did not prove its identity (requests-kerberos's MutualAuthenticationError): no
 * AP-REP, or one that does not verify, under `mutualAuthentication: 'required'`.
 * @example
 * ```ts
 * catch (e) { if (e instanceof MutualAuthenticationError) console.log(e.response?.status) }
 * ```
 */
export class MutualAuthenticationError extends KerberosError {
  static override readonly kind: string = 'MutualAuthenticationError';
  static override readonly defaultCode: string = 'ERR_MUTUAL_AUTH';
  /** The response that could not be trusted (status and headers only; its body is not read). */
  readonly response: ResponseLike | undefined;
  constructor(message: string, response?: ResponseLike, options: { cause?: unknown } = {}) {
    super(message, options);
    this.response = response;
  }
}

interface Prepared {
  url: string;
  method: string;
  headers: [string, string][];
  body: string | ArrayBuffer | undefined;
  redirect: 'follow' | 'manual' | 'error';
  rest: Record<string, unknown>;
}

/** What the platform's `URL` gives (every JavaScript runtime has one; the core's lib declares none). */
interface ParsedUrl {
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
}

function parseUrl(url: string, base?: string): ParsedUrl {
  const U = (globalThis as unknown as { URL: new (url: string, base?: string) => ParsedUrl }).URL;
  return base === undefined ? new U(url) : new U(url, base);
}

/** The URL a response reports: parsed and serialized, without its fragment (as fetch's `response.url`). */
function responseUrl(url: string): string {
  try {
    return parseUrl(url).href.replace(/#[\s\S]*$/, '');
  } catch {
    return url;
  }
}

function headerPairs(h: RequestInitLike['headers']): [string, string][] {
  if (h === undefined || h === null) return [];
  if (Array.isArray(h)) {
    return (h as readonly (readonly string[])[]).map((pair) => {
      if (pair.length !== 2) throw new TypeError('each header pair must be [name, value]');
      return [String(pair[0]), String(pair[1])];
    });
  }
  const hl = h as HeadersLike;
  if (typeof hl.get === 'function' && typeof hl.forEach === 'function') {
    const out: [string, string][] = [];
    hl.forEach!((v, k) => out.push([k, v]));
    return out;
  }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(h as Record<string, string | readonly string[]>)) {
    if (Array.isArray(v)) for (const x of v as readonly string[]) out.push([k, String(x)]);
    else out.push([k, String(v)]);
  }
  return out;
}

function isRequest(x: unknown): x is RequestLike {
  const r = x as RequestLike | null;
  return (
    typeof r === 'object' && r !== null && typeof r.url === 'string' && typeof r.method === 'string' && typeof r.arrayBuffer === 'function' && typeof r.headers?.get === 'function'
  );
}

/** The bytes of a byte view, as an ArrayBuffer of their own unless the view spans a whole one. */
function ownBuffer(v: ArrayBufferView): ArrayBuffer {
  if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) return v.buffer;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice().buffer;
}

/**
 * A body that can be sent again: strings and bytes as they are; anything else (Blob, FormData,
 * URLSearchParams, a stream) read through the platform's `Response`, as fetch extracts a body.
 * The Content-Type fetch would send goes with it unless the caller set one (a string's is
 * `text/plain;charset=UTF-8`, bytes have none).
 */
async function replayableBody(b: unknown, headers: [string, string][]): Promise<string | ArrayBuffer> {
  if (typeof b === 'string') {
    if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', 'text/plain;charset=UTF-8']);
    return b;
  }
  if (b instanceof ArrayBuffer) return b;
  if (ArrayBuffer.isView(b)) return ownBuffer(b);
  const R = (globalThis as { Response?: new (body: unknown) => ResponseLike }).Response;
  if (!R) throw new TypeError('body must be a string or bytes here (there is no Response to read other bodies with)');
  let r: ResponseLike;
  try {
    r = new R(b);
  } catch (e) {
    throw new TypeError(`unsupported body: ${(e as Error).message}`, { cause: e });
  }
  const type = r.headers.get('content-type');
  if (type !== null && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', type]);
  return r.arrayBuffer();
}

const REDIRECT_MODES: readonly string[] = ['follow', 'manual', 'error'];

/** fetch's arguments, as fetch reads them (`new Request(input, init)`): a Request's fields, then init's over them. */
async function prepare(input: FetchInput, init: RequestInitLike | undefined): Promise<Prepared> {
  const { method: m, headers: h, body: b, redirect: rd, ...others } = init ?? {};
  const rest: Record<string, unknown> = others;
  let url: string;
  let method = 'GET';
  let headers: [string, string][] = [];
  let redirect: string = 'follow';
  let request: RequestLike | undefined;
  if (typeof input === 'string') url = input;
  else if (isRequest(input)) {
    request = input;
    url = input.url;
    method = input.method;
    headers = headerPairs(input.headers);
    if (typeof input.redirect === 'string') redirect = input.redirect;
    if (input.signal !== undefined && input.signal !== null && !('signal' in rest)) rest.signal = input.signal;
  } else if (typeof (input as { href?: unknown } | null)?.href === 'string') url = (input as { href: string }).href;
  else throw new TypeError('input must be a URL string, a URL or a Request');
  if (m !== undefined) method = m;
  if (h !== undefined) headers = headerPairs(h);
  let body: string | ArrayBuffer | undefined;
  if (b !== undefined && b !== null) body = await replayableBody(b, headers);
  else if (b === undefined && request !== undefined && request.body !== null && request.body !== undefined) body = await request.arrayBuffer();
  if (rd !== undefined) redirect = rd;
  if (!REDIRECT_MODES.includes(redirect)) throw new TypeError(`redirect must be 'follow', 'manual' or 'error', not ${JSON.stringify(redirect)}`);
  return { url, method: method.toUpperCase(), headers, body, redirect: redirect as Prepared['redirect'], rest };
}

function send<R extends ResponseLike>(fetch: FetchLike<R>, p: Prepared, auth?: { header: string; value: string }): Promise<R> {
  const headers = p.headers.filter(([k]) => auth === undefined || k.toLowerCase() !== auth.header.toLowerCase());
  if (auth) headers.push([auth.header, auth.value]);
  // Redirects are followed here, each hop authenticated for its own host.
  return fetch(p.url, { ...p.rest, method: p.method, headers, ...(p.body !== undefined ? { body: p.body } : {}), redirect: 'manual' });
}

/**
 * A copy of a response with its status only: no body, and of its headers only Date and Server
 * (requests-kerberos's SanitizedResponse). A platform `Response` when there is one, else a
 * minimal ResponseLike: with a fetch whose responses are not `Response`s, the type parameter of
 * {@link createNegotiateFetchCore} names more than this object has.
 */
function sanitized<R extends ResponseLike>(r: R): R {
  const C = (globalThis as { Response?: new (body: null, init: { status: number; statusText?: string; headers: [string, string][] }) => ResponseLike }).Response;
  const headers: [string, string][] = [['content-length', '0']];
  for (const h of ['date', 'server']) {
    const v = r.headers.get(h);
    if (v !== null) headers.push([h, v]);
  }
  if (C) return new C(null, { status: r.status, ...(r.statusText !== undefined ? { statusText: r.statusText } : {}), headers }) as R;
  const map = new Map(headers);
  return {
    status: r.status,
    ...(r.statusText !== undefined ? { statusText: r.statusText } : {}),
    ok: r.status >= 200 && r.status < 300,
    headers: {
      get: (n: string) => map.get(n.toLowerCase()) ?? null,
      forEach: (fn) => {
        for (const [k, v] of map) fn(v, k);
      },
    },
    text: async () => '',
    arrayBuffer: async () => new ArrayBuffer(0),
  } as ResponseLike as R;
}

/**
 * Sets `url` (the URL of the request that got it) and `redirected` on a response as fetch sets
 * them — own properties over the prototype's getters, kept by `clone()`. The wrapped fetch saw
 * one request each time; the redirects were followed here.
 */
export function markResponse<R extends ResponseLike>(r: R, url: string, redirected: boolean): R {
  const want = responseUrl(url);
  const fix: Record<string, { value: unknown; configurable: true; writable?: true }> = {};
  if (r.url !== want) fix.url = { value: want, configurable: true };
  if (redirected && r.redirected !== true) fix.redirected = { value: true, configurable: true };
  if (Object.keys(fix).length === 0) return r;
  const clone = (r as { clone?: unknown }).clone;
  if (typeof clone === 'function') fix.clone = { value: () => markResponse(clone.call(r) as R, url, redirected), configurable: true, writable: true };
  try {
    Object.defineProperties(r, fix);
  } catch {
    // A frozen response keeps its own.
  }
  return r;
}

function hostOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  if (!m) throw new TypeError(`not an absolute URL: ${url}`);
  const h = m[1]!;
  return h.startsWith('[') ? h.slice(1, -1) : h.toLowerCase();
}

/** Redirect statuses, and what fetch does to the request it sends again. */
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 20;
/** Request-body headers, dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length']);
/** Not sent to another origin (fetch's and undici's list). */
const CROSS_ORIGIN_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'host']);

/** The request fetch sends after a redirect: 301/302 POST and 303 (but HEAD) become a GET without body; credentials stay at their origin. */
function redirectedRequest(p: Prepared, status: number, next: ParsedUrl): Prepared {
  let { method, body, headers } = p;
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    headers = headers.filter(([k]) => !BODY_HEADERS.has(k.toLowerCase()));
  }
  if (next.origin !== parseUrl(p.url).origin) headers = headers.filter(([k]) => !CROSS_ORIGIN_HEADERS.has(k.toLowerCase()));
  return { ...p, url: next.href, method, body, headers };
}

/** One context being established for one request. */
interface Attempt {
  kdcOffsetSec: number;
  krb5: Krb5Initiator;
  spnego: SpnegoInitiator | undefined;
  token: Uint8Array;
}

/**
 * A fetch-compatible function that authenticates with Negotiate.
 *
 * Redirects are followed as fetch follows them (`redirect: 'follow'` by default, at most 20;
 * `'manual'` returns the 3xx; `'error'` throws `ProtocolError` `ERR_REDIRECT`), each hop
 * authenticated on its own: a 401 from another host gets a token for that host's service
 * principal, and the mutual authentication is checked on the final response. Authorization,
 * Proxy-Authorization, Cookie and Host headers are not sent to another origin.
 *
 * @example
 * ```ts
 * const fetchK = createNegotiateFetchCore({ credentials, fetch })   // fetchK: (input, init) => Promise<Response>
 * const r = await fetchK('https://api.example.com/v1/me')
 * ```
 */
export function createNegotiateFetchCore<R extends ResponseLike = ResponseLike>(options: NegotiateOptions<R>): NegotiateFetch<R> {
  const o = options;
  if (!o || typeof o.credentials?.getCredentials !== 'function') throw new TypeError('credentials must be a CredentialSource');
  const mutual = o.mutualAuthentication ?? 'required';
  if (!['required', 'optional', 'disabled'].includes(mutual)) throw new RangeError(`mutualAuthentication must be 'required', 'optional' or 'disabled'`);
  const mech = o.mech ?? 'spnego';
  if (mech !== 'spnego' && mech !== 'krb5') throw new RangeError(`mech must be 'spnego' or 'krb5'`);
  const log = o.logger ?? {};
  const fetchFn: FetchLike<R> =
    o.fetch ??
    ((u, i) => {
      const g = (globalThis as unknown as { fetch?: FetchLike<R> }).fetch;
      if (!g) throw new TypeError('no global fetch: give options.fetch');
      return g(u, i);
    });

  async function newAttempt(p: Prepared, host: string, delegate: boolean, response?: ResponseLike): Promise<Attempt> {
    const creds = await o.credentials.getCredentials({ service: o.service ?? 'HTTP', host, delegate });
    // An RC4 session key exists only when the user's policy let the KDC exchange ask for RC4
    // (allow_weak_crypto): the initiator may use what the credential source obtained.
    const weak = { allowWeakCrypto: isRc4(creds.credential.key.etype) };
    let flags = GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG;
    let delegation: Uint8Array | undefined;
    if (delegate) {
      if (creds.forwarded) {
        delegation = makeKrbCred([creds.forwarded], { etype: creds.credential.key.etype, value: creds.credential.key.value }, weak);
        flags |= GssFlags.GSS_C_DELEG_FLAG;
      } else log.warn?.('delegation asked for, but no forwarded TGT was obtained: sending none');
    }
    let channelBindings: ChannelBindings | undefined;
    if (p.url.toLowerCase().startsWith('https:') && o.sendCbt !== false && o.serverCertificate) {
      const der = await o.serverCertificate(p.url, response);
      if (der && o.certificateHash) {
        channelBindings = { applicationData: tlsServerEndPointBindings(o.certificateHash(der)) };
        log.debug?.('channel bindings: tls-server-end-point of the server certificate');
      } else log.debug?.('no server certificate: no channel bindings sent');
    }
    const krb5 = new Krb5Initiator({
      credential: creds.credential,
      flags,
      ...(delegation ? { delegation } : {}),
      ...(channelBindings ? { channelBindings } : {}),
      ...(creds.kdcOffsetSec ? { kdcOffsetSec: creds.kdcOffsetSec } : {}),
      ...weak,
    });
    const spnego = mech === 'spnego' ? new SpnegoInitiator(krb5) : undefined;
    const server = unparsePrincipal(creds.credential.server);
    log.debug?.(`Negotiate: ${mech} token for ${server}`, {
      client: creds.client,
      server,
      flags: krb5.flags,
      delegated: delegation !== undefined,
      cbt: channelBindings !== undefined,
    });
    return { krb5, spnego, token: spnego ? spnego.token : krb5.token, kdcOffsetSec: creds.kdcOffsetSec ?? 0 };
  }

  /** Verifies the server's token; `true` when verified. Throws MutualAuthenticationError when it does not verify. */
  function verifyServer(a: Attempt, r: ResponseLike, header: string): boolean {
    const neg = findNegotiate(parseChallenges(r.headers.get(header) ?? ''));
    if (!neg?.token) return false;
    try {
      if (a.spnego) {
        const more = a.spnego.step(neg.token);
        if (more !== undefined) {
          // HTTP has no round for our mechListMIC after the final response.
          throw new GssError('the server asked for another SPNEGO round after its final response', { major: 0x90000 });
        }
      } else {
        a.krb5.step(neg.token);
      }
    } catch (e) {
      throw new MutualAuthenticationError(`mutual authentication failed: the server's Negotiate token does not verify (${(e as Error).message})`, r, { cause: e });
    }
    return true;
  }

  function offersOnlyNtlm(ch: readonly Challenge[]): boolean {
    return ch.some((c) => c.scheme.toLowerCase() === 'ntlm') && !ch.some((c) => c.scheme.toLowerCase() === 'negotiate');
  }

  /** Origins that asked for Negotiate (with `rememberChallenge`). */
  const negotiating = new Set<string>();
  const originOf = (url: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0].toLowerCase() ?? url;

  /**
   * One request to one URL, with its Negotiate exchange: the response and the context
   * established for it (none when the server asked for nothing, or refused the token).
   * `firstHost` is the host the caller named: `hostnameOverride`, `delegate` and
   * `forcePreemptive` are for it, not for a host a redirect names.
   */
  async function exchange(p: Prepared, firstHost: string, previous: ResponseLike | undefined): Promise<{ r: R; attempt: Attempt | undefined; proxy: boolean }> {
    const urlHost = hostOf(p.url);
    const named = urlHost === firstHost;
    const targetHost = named ? (o.hostnameOverride ?? urlHost) : urlHost;
    const delegate = o.delegate === true && named;
    const preemptive = (o.forcePreemptive === true && named) || (o.rememberChallenge === true && negotiating.has(originOf(p.url)));
    let attempt: Attempt | undefined;
    let proxy = false;
    let r: R;
    if (previous !== undefined) {
      // An earlier step of an auth chain already got this challenge.
      r = previous as R;
    } else if (preemptive) {
      attempt = await newAttempt(p, targetHost, delegate);
      r = await send(fetchFn, p, { header: 'Authorization', value: `Negotiate ${toBase64(attempt.token)}` });
    } else {
      r = await send(fetchFn, p);
    }
    if (attempt !== undefined && r.status === 401) {
      // As requests-kerberos: a 401 to the preemptive token is the first 401; one more try.
      log.debug?.('401 to the preemptive token: trying once more with a new context');
      attempt = undefined;
    }
    if (attempt === undefined && (r.status === 401 || r.status === 407)) {
      proxy = r.status === 407;
      const chHeader = proxy ? 'proxy-authenticate' : 'www-authenticate';
      const challenges = parseChallenges(r.headers.get(chHeader) ?? '');
      if (!findNegotiate(challenges)) {
        if (offersOnlyNtlm(challenges)) {
          throw new UnsupportedError(`${p.url}: the server offers only NTLM authentication, which tskrb5 does not implement (ask for Negotiate/Kerberos to be enabled)`, {
            code: 'ERR_NTLM',
          });
        }
        log.debug?.(`${r.status} without a Negotiate challenge: returned as it is`);
        return { r, attempt: undefined, proxy };
      }
      await r.arrayBuffer().catch(() => undefined); // drain, so the connection can be reused
      if (o.rememberChallenge && !proxy) negotiating.add(originOf(p.url));
      attempt = await newAttempt(p, proxy ? (o.proxyHost ?? targetHost) : targetHost, delegate, r);
      r = await send(fetchFn, p, { header: proxy ? 'Proxy-Authorization' : 'Authorization', value: `Negotiate ${toBase64(attempt.token)}` });
      if (r.status === 401 || r.status === 407) {
        const token = findNegotiate(parseChallenges(r.headers.get(r.status === 407 ? 'proxy-authenticate' : 'www-authenticate') ?? ''))?.token;
        const krbError = token ? krbErrorIn(token) : undefined;
        if (krbError) {
          // The server said why: that is an error a person can act on (clock skew, stale keytab…).
          const e = new GssKrbError(krbError, { now: new Date(), kdcOffsetSec: attempt.kdcOffsetSec });
          log.warn?.(`authentication failed: ${e.message}`);
          throw e;
        }
        log.warn?.(`authentication failed: a second ${r.status}${token ? ` with a token of ${token.length} bytes` : ''}`);
        return { r, attempt: undefined, proxy };
      }
    }
    return { r, attempt, proxy };
  }

  /** The mutual authentication of the response returned: verified, sanitized, or a MutualAuthenticationError. */
  function checked(attempt: Attempt | undefined, r: R, proxy: boolean, url: string): R {
    if (attempt === undefined || mutual === 'disabled') return r;
    if (verifyServer(attempt, r, proxy ? 'proxy-authenticate' : 'www-authenticate')) {
      log.debug?.('mutual authentication: the server proved its identity');
      return r;
    }
    const httpError = r.status >= 400;
    if (httpError || mutual === 'optional') {
      if (httpError) log.warn?.(`mutual authentication unavailable on a ${r.status} response`);
      return mutual === 'required' && o.sanitizeMutualErrorResponse !== false ? sanitized(r) : r;
    }
    throw new MutualAuthenticationError(
      `mutual authentication failed: ${url} answered ${r.status} without a Negotiate token, so the server did not prove its identity (mutualAuthentication: 'required')`,
      r,
    );
  }

  return async function negotiateFetch(input, init, previous) {
    let p = await prepare(input, init);
    const firstHost = hostOf(p.url);
    for (let hops = 0; ; hops++) {
      const { r, attempt, proxy } = await exchange(p, firstHost, hops === 0 ? previous : undefined);
      markResponse(r, p.url, hops > 0);
      if (!REDIRECT_STATUS.has(r.status) || p.redirect === 'manual') return markResponse(checked(attempt, r, proxy, p.url), p.url, hops > 0);
      const location = r.headers.get('location');
      if (location === null && p.redirect === 'follow') return markResponse(checked(attempt, r, proxy, p.url), p.url, hops > 0);
      // A redirect: the token of a server we authenticated to must verify when it sends one;
      // the response returned in the end is the one that must prove its identity.
      if (attempt !== undefined && mutual !== 'disabled' && verifyServer(attempt, r, proxy ? 'proxy-authenticate' : 'www-authenticate')) {
        log.debug?.(`mutual authentication: the server of the ${r.status} redirect proved its identity`);
      }
      await r.arrayBuffer().catch(() => undefined);
      if (p.redirect === 'error')
        throw new ProtocolError(`${responseUrl(p.url)} answered ${r.status} (a redirect${location !== null ? ` to ${location}` : ''}) and redirect is 'error'`, {
          code: 'ERR_REDIRECT',
        });
      if (hops === MAX_REDIRECTS)
        throw new ProtocolError(`more than ${MAX_REDIRECTS} redirects (the last, ${r.status} from ${responseUrl(p.url)} to ${location})`, { code: 'ERR_TOO_MANY_REDIRECTS' });
      let next: ParsedUrl;
      try {
        next = parseUrl(location!, p.url);
      } catch (e) {
        throw new ProtocolError(`${responseUrl(p.url)} redirected to ${JSON.stringify(location)}, which is not a URL`, { code: 'ERR_REDIRECT_LOCATION', cause: e });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new ProtocolError(`${responseUrl(p.url)} redirected to ${next.protocol} (${location}); only http: and https: are followed`, { code: 'ERR_REDIRECT_LOCATION' });
      }
      log.debug?.(`${r.status} redirect to ${next.href}${next.origin !== parseUrl(p.url).origin ? ' (another origin: its own authentication, no credentials carried over)' : ''}`);
      p = redirectedRequest(p, r.status, next);
    }
  };
}

/** The KRB-ERROR inside a server token: a raw krb5 token, or a SPNEGO NegTokenResp carrying one. */
function krbErrorIn(token: Uint8Array): KRBError | undefined {
  const krb5 = (t: Uint8Array): KRBError | undefined => {
    try {
      const m = decodeKrb5Message(t);
      return m.message.type === 'KRB-ERROR' ? m.message.value : undefined;
    } catch {
      return undefined;
    }
  };
  const direct = krb5(token);
  if (direct) return direct;
  try {
    const t = decodeSpnegoToken(token).token;
    return t.type === 'negTokenResp' && t.value.responseToken ? krb5(t.value.responseToken) : undefined;
  } catch {
    return undefined;
  }
}
