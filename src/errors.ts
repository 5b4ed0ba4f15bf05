/**
 * The error classes of tskrb5.
 *
 * One base, {@link KerberosError}, with a stable `code`, a `cause` chain, and an `instanceof`
 * that goes by a brand rather than by prototype identity, so that an error thrown by one copy of
 * the package is recognised by another copy (two versions in one `node_modules`, a bundled and
 * an unbundled copy). Subclasses are split by fault: the bytes were malformed, a MAC did not
 * verify, the peer cannot do what we need, the KDC said no, the peer broke the protocol, …
 *
 * A caller's own mistake (a 17-byte AES key, a string where bytes belong) is a plain
 * `TypeError` / `RangeError`, never one of these.
 *
 * @example
 * ```ts
 * import { decrypt } from 'tskrb5/crypto'
 * import { IntegrityError } from 'tskrb5/errors'
 * try { decrypt(key, 2, bytes) } catch (e) { if (e instanceof IntegrityError) console.log(e.code) }
 * ```
 * @module
 */

const BRAND = Symbol.for('tskrb5.error.kinds');

type Branded = { readonly [BRAND]?: readonly string[] };

/** Options every error accepts: the underlying cause and an override of the default code. */
export interface KerberosErrorOptions {
  cause?: unknown;
  code?: string;
}

/**
 * The base of every error tskrb5 throws for a fault that is not the caller's own mistake: a
 * stable `code`, a `cause`, and an `instanceof` that works across two copies of the package.
 * @example
 * ```ts
 * try { await kinit({ principal: 'alice', password }) } catch (e) { if (e instanceof KerberosError) console.error(e.code, e.message) }
 * ```
 */
export class KerberosError extends Error {
  /** The name used for the brand; each subclass sets its own. */
  static readonly kind: string = 'KerberosError';
  /** The default `code` of errors of this class. */
  static readonly defaultCode: string = 'ERR_KERBEROS';

  /** A stable, machine-readable code such as `'ERR_DECODE'` or `'ERR_INTEGRITY'`. */
  readonly code: string;
  declare readonly [BRAND]: readonly string[];

  constructor(message: string, options: KerberosErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as typeof KerberosError;
    this.name = ctor.kind;
    this.code = options.code ?? ctor.defaultCode;
    // The brand: every class name from this one up to KerberosError, kept once on the class's
    // prototype (made on its first instance) rather than on each error: a refused request makes
    // one, and building it each time was half of the error's cost.
    const proto = ctor.prototype as object;
    if (!Object.hasOwn(proto, BRAND)) {
      const kinds: string[] = [];
      for (let c: unknown = ctor; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
        const k = (c as { kind?: unknown }).kind;
        if (typeof k === 'string' && Object.hasOwn(c, 'kind')) kinds.push(k);
      }
      Object.defineProperty(proto, BRAND, { value: Object.freeze(kinds), enumerable: false });
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as Branded)[BRAND];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof is asked about; subclasses inherit this method, so KerberosError.kind here would brand-test every subclass as KerberosError
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/**
 * Malformed bytes: the field path (`AP-REQ.ticket.enc-part.cipher`) and byte offset say where.
 * @example
 * ```ts
 * try { APReq.decode(bytes) } catch (e) { if (e instanceof DecodeError) console.log(e.path, e.offset) }
 * ```
 */
export class DecodeError extends KerberosError {
  static override readonly kind = 'DecodeError';
  static override readonly defaultCode = 'ERR_DECODE';
  /** The path of fields from the outermost structure to the failing one; may be empty. */
  readonly path: string;
  /** The byte offset in the input where the fault was found, or -1 when not known. */
  readonly offset: number;

  constructor(message: string, options: KerberosErrorOptions & { path?: string; offset?: number } = {}) {
    const path = options.path ?? '';
    const offset = options.offset ?? -1;
    const where = [path && `at ${path}`, offset >= 0 && `offset ${offset}`].filter(Boolean).join(', ');
    super(where ? `${message} (${where})` : message, options);
    this.path = path;
    this.offset = offset;
  }
}

/**
 * A checksum or MAC did not verify: wrong key, wrong key usage, tampered or truncated data.
 * The message is deliberately the same in every case, so that it tells an attacker nothing.
 * @example
 * ```ts
 * try { decrypt(key, KeyUsage.AP_REQ_AUTH, cipher) } catch (e) { if (e instanceof IntegrityError) console.log('wrong key?') }
 * ```
 */
export class IntegrityError extends KerberosError {
  static override readonly kind = 'IntegrityError';
  static override readonly defaultCode = 'ERR_INTEGRITY';
  static readonly MESSAGE = 'integrity check failed';

  constructor(options: KerberosErrorOptions = {}) {
    super(IntegrityError.MESSAGE, options);
  }
}

/**
 * The peer, or the input, needs something tskrb5 does not do (or does only on opt-in): an
 * unknown enctype, RC4 without `allowWeakCrypto` (`code: 'ERR_WEAK_CRYPTO'`), NTLM (`'ERR_NTLM'`).
 * @example
 * ```ts
 * catch (e) { if (e instanceof UnsupportedError && e.code === 'ERR_WEAK_CRYPTO') console.log('RC4: pass allowWeakCrypto') }
 * ```
 */
export class UnsupportedError extends KerberosError {
  static override readonly kind = 'UnsupportedError';
  static override readonly defaultCode = 'ERR_UNSUPPORTED';
}

/**
 * The KDC answered with a KRB-ERROR. Its own code, name, e-text, e-data and time are kept.
 * @example
 * ```ts
 * catch (e) { if (e instanceof KdcError && e.errorName === 'KDC_ERR_PREAUTH_FAILED') console.log('wrong password') }
 * ```
 */
export class KdcError extends KerberosError {
  static override readonly kind = 'KdcError';
  static override readonly defaultCode = 'ERR_KDC';
  readonly errorCode: number;
  readonly errorName: string;
  readonly eText: string | undefined;
  readonly eData: Uint8Array | undefined;
  readonly serverTime: Date | undefined;

  constructor(message: string, details: { errorCode: number; errorName: string; eText?: string; eData?: Uint8Array; serverTime?: Date }, options: KerberosErrorOptions = {}) {
    super(message, options);
    this.errorCode = details.errorCode;
    this.errorName = details.errorName;
    this.eText = details.eText;
    this.eData = details.eData;
    this.serverTime = details.serverTime;
  }
}

/**
 * The peer broke the protocol: nonce, realm or name mismatch, replay, clock skew.
 * @example
 * ```ts
 * catch (e) { if (e instanceof ProtocolError && e.code === 'ERR_CLOCK_SKEW') console.log(e.message) }
 * ```
 */
export class ProtocolError extends KerberosError {
  static override readonly kind: string = 'ProtocolError';
  static override readonly defaultCode: string = 'ERR_PROTOCOL';
}

/**
 * A GSS-API failure, with its major and minor status (RFC 2744 values).
 * @example
 * ```ts
 * catch (e) { if (e instanceof GssError) console.log(e.major.toString(16), e.minor) }
 * ```
 */
export class GssError extends KerberosError {
  static override readonly kind: string = 'GssError';
  static override readonly defaultCode: string = 'ERR_GSS';
  readonly major: number;
  readonly minor: number;

  constructor(message: string, status: { major: number; minor?: number }, options: KerberosErrorOptions = {}) {
    super(message, options);
    this.major = status.major;
    this.minor = status.minor ?? 0;
  }
}

/**
 * A configuration file is wrong (file, line and column say where), or a setting it must have is
 * missing (`code: 'ERR_NO_DEFAULT_REALM'`).
 * @example
 * ```ts
 * catch (e) { if (e instanceof ConfigError) console.log(`${e.file}:${e.line}:${e.column}: ${e.message}`) }
 * ```
 */
export class ConfigError extends KerberosError {
  static override readonly kind = 'ConfigError';
  static override readonly defaultCode = 'ERR_CONFIG';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, where: { file?: string; line?: number; column?: number } = {}, options: KerberosErrorOptions = {}) {
    const at =
      where.file !== undefined || where.line !== undefined
        ? ` (${where.file ?? '<input>'}${where.line !== undefined ? `:${where.line}` : ''}${where.column !== undefined ? `:${where.column}` : ''})`
        : '';
    super(message + at, options);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** One KDC (or proxy) tried, and why it failed. */
export interface TransportAttempt {
  readonly target: string;
  readonly error: unknown;
}

/**
 * No KDC could be reached; every attempt and its cause is kept.
 * @example
 * ```ts
 * catch (e) { if (e instanceof TransportError) for (const a of e.attempts) console.log(a.target, a.error) }
 * ```
 */
export class TransportError extends KerberosError {
  static override readonly kind = 'TransportError';
  static override readonly defaultCode = 'ERR_TRANSPORT';
  readonly attempts: readonly TransportAttempt[];

  constructor(message: string, attempts: readonly TransportAttempt[] = [], options: KerberosErrorOptions = {}) {
    super(message, options);
    this.attempts = attempts;
  }
}

/** One credential cache a client tried, and what it found there (see {@link NoCredentialsError}). */
export interface CacheTried {
  /** The cache's full name (`FILE:/tmp/krb5cc_1000`, `DIR::/run/user/1000/krb5cc/tkt`, `KCM:1000`). */
  readonly name: string;
  /**
   * `not-found`: no such cache; `empty`: a file of no bytes (or a cache without a client);
   * `damaged`: it cannot be read, or is not a credential cache; `no-tgt`: a client but no
   * ticket-granting ticket; `expired`: its ticket-granting ticket has expired; `failed`: the
   * KDC or the network refused (the `detail` says why); `ok`: usable.
   */
  readonly state: 'not-found' | 'empty' | 'damaged' | 'no-tgt' | 'expired' | 'failed' | 'ok';
  /** The cache's client, when it has one (`alice@EXAMPLE.COM`). */
  readonly principal?: string;
  readonly detail?: string;
}

/**
 * No usable Kerberos credentials: `tried` lists each cache looked at and what was wrong with it
 * (the message says the same, and to run kinit).
 * @example
 * ```ts
 * catch (e) { if (e instanceof NoCredentialsError) for (const c of e.tried) console.log(c.name, c.state) }
 * ```
 */
export class NoCredentialsError extends KerberosError {
  static override readonly kind = 'NoCredentialsError';
  static override readonly defaultCode = 'ERR_NO_CREDENTIALS';
  readonly tried: readonly CacheTried[];

  constructor(message: string, tried: readonly CacheTried[] = [], options: KerberosErrorOptions = {}) {
    super(message, options);
    this.tried = tried;
  }
}

/**
 * A replay cache could not record an authenticator, so the acceptor refuses it rather than risk
 * a replay: `ERR_REPLAY_CACHE_FULL` (its bound of live authenticators is reached — it never
 * forgets a live one to make room), `ERR_REPLAY_CACHE_IO` (its file or its Redis server failed,
 * or did not answer in time), `ERR_REPLAY_CACHE_SKEW` (the authenticator is older or newer than
 * the cache was set up to keep). A server answers 401 and hands this reason to `onError`.
 * @example
 * ```ts
 * catch (e) { if (e instanceof ReplayCacheError && e.code === 'ERR_REPLAY_CACHE_FULL') metrics.increment('rcache.full') }
 * ```
 */
export class ReplayCacheError extends KerberosError {
  static override readonly kind = 'ReplayCacheError';
  static override readonly defaultCode = 'ERR_REPLAY_CACHE';
}
