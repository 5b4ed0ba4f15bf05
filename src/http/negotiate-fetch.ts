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
import { GssError, KerberosError, UnsupportedError } from '../errors.js';
import { GssFlags } from '../iana/index.js';
import { GssKrbError, Krb5Initiator, makeKrbCred, type InitiatorCredential } from '../gssapi/initiator.js';
import { decodeSpnegoToken } from '../spnego/spnego-token.js';
import { decodeKrb5Message } from '../gssapi/krb5-message.js';
import type { KRBError } from '../messages/index.js';
import { SpnegoInitiator } from '../spnego/initiator.js';
import { tlsServerEndPointBindings } from '../gssapi/channel-bindings.js';
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
  readonly headers: HeadersLike;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly body?: unknown;
}

/** Request options as `fetch` takes them; a body must be replayable (string or bytes). */
export interface RequestInitLike {
  method?: string;
  headers?: Record<string, string> | readonly (readonly [string, string])[] | HeadersLike;
  body?: string | Uint8Array | ArrayBuffer | null;
  [option: string]: unknown;
}

/** A `fetch`: the global one, or any function of the same shape. */
export type FetchLike = (input: string, init?: RequestInitLike) => Promise<ResponseLike>;

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

/** Options of {@link createNegotiateFetch}, as requests-kerberos names them. */
export interface NegotiateOptions {
  credentials: CredentialSource;
  /** The fetch to wrap (default the global `fetch`). */
  fetch?: FetchLike;
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
  /** The host name of the service principal, instead of the URL's. */
  hostnameOverride?: string;
  /** The service of the principal (default `HTTP`). */
  service?: string;
  /** Delegate a forwarded TGT (GSS_C_DELEG_FLAG). */
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
 * The function {@link createNegotiateFetch} returns: `fetch(input, init)`; an auth chain may pass
 * the 401 an earlier scheme got as `previous`, so the request is not sent unauthenticated again.
 */
export type NegotiateFetch = (input: string | { href: string }, init?: RequestInitLike, previous?: ResponseLike) => Promise<ResponseLike>;

/** The server did not prove its identity (requests-kerberos's MutualAuthenticationError). */
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
  body: Uint8Array | string | undefined;
  rest: Record<string, unknown>;
}

function headerPairs(h: RequestInitLike['headers']): [string, string][] {
  if (h === undefined || h === null) return [];
  if (Array.isArray(h)) return h.map(([k, v]) => [String(k), String(v)]);
  const hl = h as HeadersLike;
  if (typeof hl.get === 'function' && typeof hl.forEach === 'function') {
    const out: [string, string][] = [];
    hl.forEach!((v, k) => out.push([k, v]));
    return out;
  }
  return Object.entries(h as Record<string, string>).map(([k, v]) => [k, String(v)]);
}

function prepare(input: string | { href: string } | { url: string }, init: RequestInitLike = {}): Prepared {
  const url = typeof input === 'string' ? input : 'href' in input ? input.href : input.url;
  if (typeof url !== 'string') throw new TypeError('input must be a URL string or a URL');
  const { method, headers, body, ...rest } = init;
  let b: Uint8Array | string | undefined;
  if (body === undefined || body === null) b = undefined;
  else if (typeof body === 'string') b = body;
  else if (body instanceof Uint8Array) b = body;
  else if (body instanceof ArrayBuffer) b = new Uint8Array(body);
  else throw new TypeError('body must be a string, Uint8Array or ArrayBuffer, so that it can be sent again after a 401');
  return { url, method: (method ?? 'GET').toUpperCase(), headers: headerPairs(headers), body: b, rest };
}

function send(fetch: FetchLike, p: Prepared, auth?: { header: string; value: string }): Promise<ResponseLike> {
  const headers = p.headers.filter(([k]) => auth === undefined || k.toLowerCase() !== auth.header.toLowerCase());
  if (auth) headers.push([auth.header, auth.value]);
  return fetch(p.url, { ...p.rest, method: p.method, headers, ...(p.body !== undefined ? { body: p.body } : {}) });
}

/** A copy of a response with its status only: no body, and of its headers only Date and Server (requests-kerberos's SanitizedResponse). */
function sanitized(r: ResponseLike): ResponseLike {
  const R = (globalThis as { Response?: new (body: null, init: { status: number; statusText?: string; headers: [string, string][] }) => ResponseLike }).Response;
  const headers: [string, string][] = [['content-length', '0']];
  for (const h of ['date', 'server']) {
    const v = r.headers.get(h);
    if (v !== null) headers.push([h, v]);
  }
  if (R) return new R(null, { status: r.status, ...(r.statusText !== undefined ? { statusText: r.statusText } : {}), headers });
  const map = new Map(headers);
  return {
    status: r.status,
    ...(r.statusText !== undefined ? { statusText: r.statusText } : {}),
    ok: r.status >= 200 && r.status < 300,
    headers: { get: (n: string) => map.get(n.toLowerCase()) ?? null, forEach: (fn) => map.forEach((v, k) => fn(v, k)) },
    text: async () => '',
    arrayBuffer: async () => new ArrayBuffer(0),
  };
}

function hostOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  if (!m) throw new TypeError(`not an absolute URL: ${url}`);
  const h = m[1]!;
  return h.startsWith('[') ? h.slice(1, -1) : h.toLowerCase();
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
 * @example
 * ```ts
 * const fetchK = createNegotiateFetch({ credentials, mutualAuthentication: 'required' })
 * const r = await fetchK('https://api.example.com/v1/me')
 * ```
 */
export function createNegotiateFetch(options: NegotiateOptions): NegotiateFetch {
  const o = options;
  if (!o || typeof o.credentials?.getCredentials !== 'function') throw new TypeError('credentials must be a CredentialSource');
  const mutual = o.mutualAuthentication ?? 'required';
  if (!['required', 'optional', 'disabled'].includes(mutual)) throw new RangeError(`mutualAuthentication must be 'required', 'optional' or 'disabled'`);
  const mech = o.mech ?? 'spnego';
  if (mech !== 'spnego' && mech !== 'krb5') throw new RangeError(`mech must be 'spnego' or 'krb5'`);
  const log = o.logger ?? {};
  const fetchFn: FetchLike =
    o.fetch ??
    ((u, i) => {
      const g = (globalThis as { fetch?: FetchLike }).fetch;
      if (!g) throw new TypeError('no global fetch: give options.fetch');
      return g(u, i);
    });

  async function newAttempt(p: Prepared, host: string, response?: ResponseLike): Promise<Attempt> {
    const creds = await o.credentials.getCredentials({ service: o.service ?? 'HTTP', host, delegate: o.delegate === true });
    // An RC4 session key exists only when the user's policy let the KDC exchange ask for RC4
    // (allow_weak_crypto): the initiator may use what the credential source obtained.
    const weak = { allowWeakCrypto: creds.credential.key.etype === 23 };
    let flags = GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG;
    let delegation: Uint8Array | undefined;
    if (o.delegate) {
      if (creds.forwarded) {
        delegation = makeKrbCred([creds.forwarded], { etype: creds.credential.key.etype, value: creds.credential.key.value }, weak);
        flags |= GssFlags.GSS_C_DELEG_FLAG;
      } else log.warn?.('delegation asked for, but no forwarded TGT was obtained: sending none');
    }
    let channelBindings;
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
    const server = `${creds.credential.server.components.join('/')}@${creds.credential.server.realm}`;
    log.debug?.(`Negotiate: ${mech} token for ${server}`, { client: creds.client, server, flags: krb5.flags, delegated: delegation !== undefined, cbt: channelBindings !== undefined });
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

  return async function negotiateFetch(input, init, previous) {
    const p = prepare(input, init);
    const targetHost = o.hostnameOverride ?? hostOf(p.url);
    const preemptive = o.forcePreemptive === true || (o.rememberChallenge === true && negotiating.has(originOf(p.url)));
    let attempt: Attempt | undefined;
    let proxy = false;
    let r: ResponseLike;
    if (previous !== undefined) {
      // An earlier step of an auth chain already got this challenge.
      r = previous;
    } else if (preemptive) {
      attempt = await newAttempt(p, targetHost);
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
          throw new UnsupportedError(`${p.url}: the server offers only NTLM authentication, which tskrb5 does not implement (ask for Negotiate/Kerberos to be enabled)`, { code: 'ERR_NTLM' });
        }
        log.debug?.(`${r.status} without a Negotiate challenge: returned as it is`);
        return r;
      }
      await r.arrayBuffer().catch(() => undefined); // drain, so the connection can be reused
      if (o.rememberChallenge && !proxy) negotiating.add(originOf(p.url));
      attempt = await newAttempt(p, proxy ? (o.proxyHost ?? targetHost) : targetHost, r);
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
        return r;
      }
    }
    if (attempt === undefined || mutual === 'disabled') return r;
    const header = proxy ? 'proxy-authenticate' : 'www-authenticate';
    if (verifyServer(attempt, r, header)) {
      log.debug?.('mutual authentication: the server proved its identity');
      return r;
    }
    const httpError = r.status >= 400;
    if (httpError || mutual === 'optional') {
      if (httpError) log.warn?.(`mutual authentication unavailable on a ${r.status} response`);
      return mutual === 'required' && o.sanitizeMutualErrorResponse !== false ? sanitized(r) : r;
    }
    throw new MutualAuthenticationError(`mutual authentication failed: ${p.url} answered ${r.status} without a Negotiate token, so the server did not prove its identity (mutualAuthentication: 'required')`, r);
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
