/**
 * `tskrb5/compat/kerberos`: the API of the npm `kerberos` package (2.x and 7.x), in TypeScript
 * on tskrb5's public modules — for the MongoDB driver's GSSAPI authentication, SASL clients and
 * HTTP Negotiate code written against `kerberos`, without native code.
 *
 * It behaves as the native package's Unix code does (src/unix/kerberos_gss.cc over MIT's
 * GSS-API): `initializeClient('mongodb@db.example.com')` imports a host-based name, the first
 * `step('')` gets the service ticket from the default credential cache and returns the initial
 * token (base64), a `step(reply)` checks the AP-REP; `unwrap`/`wrap` are RFC 4752's security-layer
 * exchange; `initializeServer('HTTP@host')` or `''` (any key of the keytab) accepts raw krb5 or
 * SPNEGO tokens in one step. Results are promises, or a trailing callback as 2.x takes. Failures
 * are plain `Error`s worded as the native package's (`Unspecified GSS failure.  Minor code may
 * provide more information: Server not found in Kerberos database`).
 *
 * @example
 * ```ts
 * import { initializeClient } from 'tskrb5/compat/kerberos'
 * const client = await initializeClient('mongodb@db.example.com')
 * const first = await client.step('')          // base64 token for saslStart
 * ```
 * @module
 */
import { GssStatus } from '../iana/index.js';
import { GssError, KdcError, KerberosError } from '../errors.js';
import { Krb5Initiator, makeKrbCred, type AcceptorKey, type Krb5Acceptor } from '../gssapi/index.js';
import { SpnegoAcceptor, SpnegoInitiator } from '../spnego/index.js';
import { parsePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import {
  createKrb5Context,
  defaultKeytabName,
  defaultReplayCache,
  getForwardedCredential,
  getServiceCredential,
  KeytabFile,
  kinit,
  openCcache,
  openCollection,
  snameToPrincipal,
  cacheStamp,
  type CcacheCredential,
  type CcacheStore,
  type Krb5Context,
} from '../node/index.js';
import { fromBase64, toBase64 } from './base64.js';
import { fromGss, fromKrb5, gssError, withCode } from './errors.js';

// GSS flags (RFC 2744), as the native package exports them.
export const GSS_C_DELEG_FLAG = 1;
export const GSS_C_MUTUAL_FLAG = 2;
export const GSS_C_REPLAY_FLAG = 4;
export const GSS_C_SEQUENCE_FLAG = 8;
export const GSS_C_CONF_FLAG = 16;
export const GSS_C_INTEG_FLAG = 32;
export const GSS_C_ANON_FLAG = 64;
export const GSS_C_PROT_READY_FLAG = 128;
export const GSS_C_TRANS_FLAG = 256;
/** No mechanism asked for: MIT's default, raw krb5 tokens. */
export const GSS_C_NO_OID = 0;
/** The krb5 mechanism (the native package's code: the OID's length, 9). */
export const GSS_MECH_OID_KRB5 = 9;
/** SPNEGO (the native package's code: the OID's length, 6). */
export const GSS_MECH_OID_SPNEGO = 6;
/** The `kerberos` API version this module implements. */
export const version = '7.0.0';
/** The N-API version the native package is built for (a function, as there: `'9'`); here for programs that print it. */
export function definedNapiVersion(): string {
  return '9';
}

/** RFC 4752's security layers (the first byte of the negotiation). */
const GSS_AUTH_P_NONE = 1;

const KRB5_OID = '1.2.840.113554.1.2.2';

/** Options of {@link initializeClient}: the native package's names, and the typings' spellings. */
export interface InitializeClientOptions {
  /** The client principal (`alice@EXAMPLE.COM`): its cache in the collection is used. */
  principal?: string;
  /** GSS flags (default `GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG`). */
  flags?: number;
  /** The typings' spelling of `flags`. */
  gssFlag?: number;
  /** Also accepted for `flags`. */
  gssFlags?: number;
  /** `GSS_C_NO_OID` (default: raw krb5), `GSS_MECH_OID_KRB5` or `GSS_MECH_OID_SPNEGO`. */
  mechOID?: number;
  /** Log in as this user with `password` (or `pass`) instead of using the credential cache. */
  user?: string;
  /** The password of `user`. */
  password?: string;
  /** The typings' spelling of `password`. */
  pass?: string;
}

/** Options of {@link KerberosClient.wrap}. */
export interface WrapOptions {
  /** The authorization identity sent after the security layer (RFC 4752 §3.1). */
  user?: string;
  /** Ask for confidentiality on the wrap token. */
  protect?: boolean;
}

type Callback<T> = (err: Error | null, result?: T) => void;

/**
 * The native package's properties and results are `null` where there is nothing, while its
 * typings (which code written against it compiles with) say `string`: the same here.
 */
const NULL = null as unknown as string;

/** Runs `work`, handing its result to a trailing callback (2.x) or returning the promise (7.x). */
function settle<T>(work: () => Promise<T>, cb: unknown): Promise<T> | undefined {
  const p = (async () => work())();
  if (typeof cb !== 'function') return p;
  p.then(
    (v) => (cb as Callback<T>)(null, v),
    (e) => (cb as Callback<T>)(e as Error, null as T),
  );
  return undefined;
}

function mustBeString(v: unknown, name: string): void {
  if (typeof v !== 'string') throw new TypeError(`parameter \`${name}\` must be a string.`);
}

/** A cached ticket's server is the one asked for (any realm when the name has none yet: a referral). */
function sameService(have: Principal, want: Principal): boolean {
  return have.components.length === want.components.length && have.components.every((c, i) => c === want.components[i]) && (want.realm === '' || have.realm === want.realm);
}

/** Service tickets found, by cache and service, with the cache's stamp when they were found. */
const tickets = new Map<string, { credential: CcacheCredential; stamp: string | undefined; endtime: number }>();

// One context per environment: reading krb5.conf for every handshake would cost more than it.
let shared: { key: string; ctx: Krb5Context } | undefined;
function context(): Krb5Context {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const key = [env.KRB5_CONFIG, env.KRB5CCNAME, env.KRB5_KTNAME, env.KRB5_CLIENT_KTNAME, env.KRB5RCACHEDIR, env.KRB5_TRACE].join('\0');
  if (shared?.key !== key) shared = { key, ctx: createKrb5Context() };
  return shared.ctx;
}

/**
 * The target of `initializeClient`: `service@host` (a host-based name, as GSS_C_NT_HOSTBASED_SERVICE:
 * the host canonicalized and its realm found as MIT does), `service@host@REALM` (what the MongoDB
 * driver builds from SERVICE_REALM: that realm, across a trust if it is not ours), or a principal
 * `service/host@REALM`.
 */
async function targetOf(service: string, ctx: Krb5Context): Promise<Principal> {
  const at = service.indexOf('@');
  if (service.includes('/') || at < 0) {
    try {
      return parsePrincipal(service, { noDefaultRealm: true });
    } catch (e) {
      throw gssError(GssStatus.GSS_S_BAD_NAME, (e as Error).message);
    }
  }
  const name = service.slice(0, at);
  const rest = service.slice(at + 1);
  const second = rest.indexOf('@');
  if (second >= 0) {
    return { realm: rest.slice(second + 1), components: [name, rest.slice(0, second)], nameType: 3 };
  }
  return snameToPrincipal(name, rest || undefined, { profile: ctx.profile });
}

/** The cache of `principal` in the default collection (MIT's `krb5_cc_cache_match`). */
async function principalCache(principal: string, ctx: Krb5Context): Promise<CcacheStore> {
  const found = await (await openCollection(undefined, ctx.store)).findByPrincipal(parsePrincipal(principal, { noDefaultRealm: true }));
  if (found) return found;
  throw gssError(GssStatus.GSS_S_NO_CRED, `Can't find client principal ${principal} in cache collection`);
}

/**
 * The client side of a GSS-API exchange (`initializeClient`), as the native `KerberosClient`.
 * `response` is the last token (base64) or `null`; `username` the client principal once the
 * context is complete.
 */
export class KerberosClient {
  /**
   * The client principal (`alice@EXAMPLE.COM`) once the context is complete. `null` before, as
   * natively (whose typings, which these follow so that code written against them compiles, say `string`).
   */
  username: string = NULL;
  /** The last token produced (base64); `null` when the last call produced none (as natively; typed as the native typings type it). */
  response: string = NULL;
  /** Whether the last `unwrap` found confidentiality applied (1) or not (0). */
  responseConf = 0;
  /** Whether the context is established. */
  contextComplete = false;
  readonly #service: string;
  readonly #flags: number;
  readonly #mech: number;
  readonly #principal: string | undefined;
  readonly #login: { user: string; password: string } | undefined;
  #krb5: Krb5Initiator | undefined;
  #spnego: SpnegoInitiator | undefined;
  #client: string | undefined;

  /** @internal use {@link initializeClient} */
  constructor(service: string, o: InitializeClientOptions) {
    this.#service = service;
    const f = o.flags ?? o.gssFlags ?? o.gssFlag;
    this.#flags = typeof f === 'number' ? f >>> 0 : GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG;
    this.#mech = typeof o.mechOID === 'number' ? o.mechOID : GSS_C_NO_OID;
    this.#principal = typeof o.principal === 'string' && o.principal !== '' ? o.principal : undefined;
    const password = typeof o.password === 'string' ? o.password : typeof o.pass === 'string' ? o.pass : undefined;
    // an empty password (the MongoDB driver passes one when the URI has none) means the cache, as on Unix natively
    this.#login = typeof o.user === 'string' && o.user !== '' && password !== undefined && password !== '' ? { user: o.user, password } : undefined;
  }

  /** The credential cache to take the ticket from. */
  async #store(ctx: Krb5Context): Promise<CcacheStore> {
    if (this.#login) {
      const r = await kinit({ principal: this.#login.user, password: this.#login.password, ccache: `MEMORY:kerberos-compat-${Math.random().toString(36).slice(2)}`, context: ctx });
      return r.store;
    }
    if (this.#principal !== undefined) return principalCache(this.#principal, ctx);
    return openCcache(undefined, ctx.store);
  }

  async #first(): Promise<Uint8Array> {
    const ctx = context();
    const server = await targetOf(this.#service, ctx);
    const store = await this.#store(ctx);
    const key = `${store.name}\0${unparsePrincipal(server)}`;
    const hit = tickets.get(key);
    const now = ctx.now().getTime();
    let credential: CcacheCredential;
    // The ticket found last time, while the cache is unchanged (one stat, where MIT's library
    // would read the cache again and find that same ticket) and the ticket has a while to live.
    if (hit && hit.stamp !== undefined && hit.endtime > now + 30_000 && cacheStamp(store) === hit.stamp) {
      credential = hit.credential;
    } else {
      // one read of the cache: the ticket when it is there, else the TGS exchange
      const snap = await store.snapshot().catch(() => null);
      if (!snap) throw gssError(GssStatus.GSS_S_NO_CRED, `No Kerberos credentials available (default cache: ${store.name})`);
      let held: CcacheCredential | undefined;
      try {
        for (const c of snap.records) if (sameService(c.server, server) && c.endtime.getTime() > now) held = c;
      } catch {
        held = undefined; // a damaged record: getServiceCredential reports it
      }
      try {
        credential = held ?? (await getServiceCredential({ server, ccache: store, context: ctx })).credential;
      } catch (e) {
        // MIT's message names the service the KDC does not know
        if (e instanceof KdcError && e.errorCode === 7) throw gssError(GssStatus.GSS_S_FAILURE, `Server ${unparsePrincipal(server)} not found in Kerberos database`);
        throw e;
      }
      if (tickets.size >= 256) tickets.clear();
      tickets.set(key, { credential, stamp: cacheStamp(store), endtime: credential.endtime.getTime() });
    }
    this.#client = unparsePrincipal(credential.client);
    let delegation: Uint8Array | undefined;
    if (this.#flags & GSS_C_DELEG_FLAG) {
      // As MIT: a TGT that cannot be forwarded means no delegation, not a failure.
      try {
        delegation = makeKrbCred([await getForwardedCredential({ ccache: store, context: ctx })], credential.key);
      } catch {
        delegation = undefined;
      }
    }
    const spnego = this.#mech === GSS_MECH_OID_SPNEGO;
    const krb5 = new Krb5Initiator({
      credential,
      flags: this.#flags,
      ...(delegation ? { delegation } : {}),
      ...(spnego ? {} : { mech: KRB5_OID }),
    });
    this.#krb5 = krb5;
    if (spnego) {
      this.#spnego = new SpnegoInitiator(krb5);
      return this.#spnego.token;
    }
    return krb5.token;
  }

  #complete(): boolean {
    return this.#spnego ? this.#spnego.established : this.#krb5?.established === true;
  }

  /**
   * One client step: `''` first (the initial token), then the server's reply (base64). Resolves
   * with the token to send (base64), or `null` when there is none.
   */
  step(challenge: string, callback?: Callback<string>): Promise<string> {
    const cb = callback;
    return settle(async () => {
      mustBeString(challenge, 'challenge');
      this.response = NULL;
      let out: Uint8Array | undefined;
      if (this.#krb5 && this.#complete()) throw gssError(GssStatus.GSS_S_FAILURE, 'Context is already fully established');
      try {
        if (!this.#krb5) {
          out = await this.#first();
          if (challenge !== '' && this.#spnego) out = this.#spnego.step(fromBase64(challenge)) ?? out;
        } else if (this.#spnego) {
          out = this.#spnego.step(fromBase64(challenge));
        } else {
          this.#krb5.step(fromBase64(challenge));
        }
      } catch (e) {
        throw e instanceof KerberosError ? fromGss(e) : e instanceof Error && !(e instanceof TypeError) ? e : fromGss(e);
      }
      if (out && out.length > 0) this.response = toBase64(out);
      if (this.#complete()) {
        this.contextComplete = true;
        this.username = this.#client ?? NULL;
      }
      return this.response;
    }, cb) as Promise<string>;
  }

  #protection(): Krb5Initiator {
    if (!this.#krb5 || !this.#complete()) throw gssError(GssStatus.GSS_S_NO_CONTEXT, 'Attempt to use incomplete security context');
    return this.#krb5;
  }

  /**
   * Unwraps a Wrap token from the server (base64): `response` becomes the message (base64) and
   * `responseConf` whether it was encrypted. In SASL GSSAPI, the server's layer mask and
   * maximum size (RFC 4752 §3.1).
   */
  unwrap(challenge: string, callback?: Callback<string>): Promise<string> {
    return settle(async () => {
      mustBeString(challenge, 'challenge');
      this.response = NULL;
      this.responseConf = 0;
      let r: { message: Uint8Array; conf: boolean };
      try {
        r = this.#protection().unwrap(fromBase64(challenge));
      } catch (e) {
        throw e instanceof KerberosError ? fromGss(e) : e;
      }
      if (r.message.length > 0) {
        this.response = toBase64(r.message);
        this.responseConf = r.conf ? 1 : 0;
      }
      return this.response as string;
    }, callback) as Promise<string>;
  }

  /**
   * RFC 4752's answer, wrapped: as the native package on Unix, the server's maximum size taken
   * from `challenge` (the message `unwrap` returned, base64), the layer "none" (1), then
   * `options.user` as the authorization identity; `protect` asks for confidentiality.
   */
  wrap(challenge: string, options?: WrapOptions | Callback<string>, callback?: Callback<string>): Promise<string> {
    const cb = typeof options === 'function' ? options : callback;
    const o = typeof options === 'object' && options !== null ? options : {};
    return settle(async () => {
      mustBeString(challenge, 'challenge');
      if ('protect' in o && typeof o.protect !== 'boolean') throw new TypeError('options.protect must be a boolean.');
      this.response = NULL;
      const user = typeof o.user === 'string' ? o.user : '';
      const offer = fromBase64(challenge);
      const u = new TextEncoder().encode(user);
      const nul = u.indexOf(0);
      const userBytes = (nul >= 0 ? u.subarray(0, nul) : u).subarray(0, 4091);
      const msg = new Uint8Array(4 + userBytes.length);
      msg.set(offer.subarray(0, 4));
      msg[0] = GSS_AUTH_P_NONE;
      msg.set(userBytes, 4);
      let token: Uint8Array;
      try {
        token = this.#protection().wrap(msg, o.protect === true);
      } catch (e) {
        throw e instanceof KerberosError ? fromGss(e) : e;
      }
      this.response = toBase64(token);
      return this.response;
    }, cb) as Promise<string>;
  }
}

/** The keytab's keys an acceptor for `service` may use. */
function acceptorKeys(service: string): { keys: AcceptorKey[]; components?: string[]; label?: string } {
  const ctx = context();
  const kt = new KeytabFile(defaultKeytabName(ctx.store));
  let entries: AcceptorKey[];
  try {
    entries = kt.readEntriesSync();
  } catch (e) {
    throw gssError(GssStatus.GSS_S_FAILURE, (e as Error).message);
  }
  if (service === '') return { keys: entries };
  const at = service.indexOf('@');
  const components = at < 0 ? [service] : [service.slice(0, at), service.slice(at + 1)];
  const keys = entries.filter(
    (k) => k.principal.components.length === components.length && k.principal.components.every((c, i) => c.toLowerCase() === components[i]!.toLowerCase()),
  );
  // MIT names the wanted principal with krb5_unparse_name, its realm empty (`HTTP/host@`)
  const label = unparsePrincipal({ components, realm: '' });
  if (keys.length === 0) {
    throw gssError(GssStatus.GSS_S_NO_CRED, `No key table entry found matching ${label}`);
  }
  // all the keys, and the service to hold tickets to: a ticket for another key of the keytab is
  // refused as MIT refuses it (found in keytab but does not match)
  return { keys: entries, components: [...keys[0]!.principal.components], label };
}

/**
 * The server side (`initializeServer`), as the native `KerberosServer`: one `step` with the
 * client's token (raw krb5 or SPNEGO) authenticates it.
 */
export class KerberosServer {
  /** The authenticated client (`alice@EXAMPLE.COM`); `null` before (typed as the native typings type it). */
  username: string = NULL;
  /** The token for the client (base64: an AP-REP or a SPNEGO reply); `null` when there is none (typed as the native typings type it). */
  response: string = NULL;
  /** With `initializeServer('')`, the service principal the client's ticket was for; else `null`. */
  targetName: string = NULL;
  /** Whether a step succeeded. */
  contextComplete = false;
  readonly #any: boolean;
  readonly #keys: AcceptorKey[];
  readonly #components: string[] | undefined;
  readonly #label: string | undefined;
  #acceptor: SpnegoAcceptor | undefined;

  /** @internal use {@link initializeServer} */
  constructor(service: string, keys: AcceptorKey[], components?: string[], label?: string) {
    this.#components = components;
    this.#label = label;
    this.#any = service === '';
    this.#keys = keys;
  }

  /** Accepts the client's token (base64); resolves with the reply token (base64) or `null`. */
  step(challenge: string, callback?: Callback<string>): Promise<string> {
    return settle(async () => {
      mustBeString(challenge, 'challenge');
      this.response = NULL;
      if (challenge === '') throw new Error('No challenge parameter in request from client');
      if (this.contextComplete) throw gssError(GssStatus.GSS_S_FAILURE, 'accept_sec_context called with existing context handle');
      if (!this.#acceptor) {
        // MIT's default: the host-shared replay cache in KRB5RCACHEDIR (KRB5RCACHETYPE=none: none)
        let replayCache: ReturnType<typeof defaultReplayCache>;
        try {
          replayCache = defaultReplayCache();
        } catch (e) {
          throw gssError(GssStatus.GSS_S_FAILURE, (e as Error).message);
        }
        this.#acceptor = new SpnegoAcceptor({ keys: this.#keys, replayCache, ...(this.#components ? { service: { components: this.#components } } : {}) });
      }
      const a = this.#acceptor;
      let out: Uint8Array | undefined;
      try {
        out = a.accept(fromBase64(challenge));
      } catch (e) {
        const wrong = e instanceof GssError && e.code === 'ERR_AP_WRONG_SERVICE' ? /the ticket is for (\S+), not this service/.exec(e.message) : null;
        if (wrong) throw gssError(GssStatus.GSS_S_FAILURE, `Request ticket server ${wrong[1]} found in keytab but does not match server principal ${this.#label}`);
        throw e instanceof GssError ? fromGss(e, GssStatus.GSS_S_FAILURE, true) : e instanceof KerberosError ? fromGss(e, GssStatus.GSS_S_DEFECTIVE_TOKEN) : e;
      }
      if (out && out.length > 0) this.response = toBase64(out);
      const k: Krb5Acceptor = a.krb5;
      if (k.client) this.username = unparsePrincipal(k.client);
      if (this.#any && k.server) this.targetName = unparsePrincipal(k.server);
      this.contextComplete = true;
      return this.response;
    }, callback) as Promise<string>;
  }
}

/**
 * A client context for `service` (`mongodb@db.example.com`, `HTTP/www.example.com@EXAMPLE.COM`).
 * Nothing is asked of the KDC until the first `step`.
 */
export function initializeClient(service: string, options?: InitializeClientOptions | Callback<KerberosClient>, callback?: Callback<KerberosClient>): Promise<KerberosClient> {
  const cb = typeof options === 'function' ? options : callback;
  const o = typeof options === 'object' && options !== null ? options : { mechOID: GSS_C_NO_OID };
  return settle(async () => {
    mustBeString(service, 'service');
    const client = new KerberosClient(service, o);
    // as MIT's gss_acquire_cred with a name, here: no cache of that principal, no client
    const pass = typeof o.password === 'string' ? o.password : o.pass;
    const login = typeof o.user === 'string' && o.user !== '' && typeof pass === 'string' && pass !== '';
    if (typeof o.principal === 'string' && o.principal !== '' && !login) await principalCache(o.principal, context());
    return client;
  }, cb) as Promise<KerberosClient>;
}

/** A server context for `service` (`HTTP@www.example.com`), or `''` for any key in the keytab. */
export function initializeServer(service: string, callback?: Callback<KerberosServer>): Promise<KerberosServer> {
  return settle(async () => {
    mustBeString(service, 'service');
    const { keys, components, label } = acceptorKeys(service);
    return new KerberosServer(service, keys, components, label);
  }, callback) as Promise<KerberosServer>;
}

/**
 * The first principal of the default keytab that starts with `service/hostname@`, as text;
 * `Principal not found in keytab (-1)` when there is none.
 */
export function principalDetails(service: string, hostname: string, callback?: Callback<string>): Promise<string> {
  return settle(async () => {
    mustBeString(service, 'service');
    mustBeString(hostname, 'hostname');
    const match = `${service}/${hostname}@`;
    const kt = new KeytabFile(defaultKeytabName(context().store));
    let entries: { principal: Principal }[];
    try {
      entries = kt.readEntriesSync();
    } catch (e) {
      if ((e as KerberosError).code === 'ERR_KEYTAB_NOT_FOUND') throw withCode('Cannot get sequence cursor from keytab', 2);
      throw fromKrb5(e);
    }
    for (const e of entries) {
      const name = unparsePrincipal(e.principal);
      if (name.startsWith(match)) return name;
    }
    throw withCode('Principal not found in keytab', -1);
  }, callback) as Promise<string>;
}

/**
 * Checks a password by getting a TGT with it (the KDC's answer is not verified against a service
 * key: as the native package says, for tests only). `username` without a realm gets
 * `defaultRealm`; as the 7.x package does, a missing `defaultRealm` in the promise form is the
 * text `undefined`, and in the callback form empty.
 */
export function checkPassword(username: string, password: string, service: string, defaultRealm?: string | Callback<void>, callback?: Callback<void>): Promise<void> {
  const cb = typeof defaultRealm === 'function' ? defaultRealm : callback;
  const realm = typeof defaultRealm === 'function' ? '' : defaultRealm === undefined ? (cb ? '' : 'undefined') : String(defaultRealm);
  return settle(async () => {
    mustBeString(username, 'username');
    mustBeString(password, 'password');
    mustBeString(service, 'service');
    if (defaultRealm && typeof defaultRealm !== 'string' && typeof defaultRealm !== 'function') throw new TypeError('if specified, parameter `defaultRealm` must be a string.');
    try {
      parsePrincipal(service, { noDefaultRealm: true });
    } catch (e) {
      throw fromKrb5(e);
    }
    const name = username.includes('@') ? username : `${username}@${realm}`;
    // an empty realm (`alice@`): MIT finds no KDC address for it (KRB5_REALM_UNKNOWN)
    if (name.endsWith('@') && !name.endsWith('\\@')) throw withCode('Cannot resolve network address for KDC in requested realm', -1765328164);
    try {
      await kinit({ principal: name, password, ccache: `MEMORY:kerberos-compat-check-${Math.random().toString(36).slice(2)}`, context: context() });
    } catch (e) {
      throw fromKrb5(e);
    }
    return null;
  }, cb) as unknown as Promise<void>;
}
