/**
 * The wiring of the Node client: krb5.conf (KRB5_CONFIG), the KDC transport, the credential
 * cache options, the clock and `KRB5_TRACE` in one {@link Krb5Context} (MIT's krb5_context), which
 * `kinit` and `getServiceCredential` take.
 * @module
 */
import type { Krb5Conf } from '../formats/index.js';
import { errorMessage } from '../iana/index.js';
import { KRBError } from '../messages/index.js';
import type { Transport } from '../client/index.js';
import { traceFromEnv, KRB5_ERROR_BASE, type Krb5Trace } from './trace.js';
import type { EnvOptions } from './env.js';
import { createKdcTransport, type KdcTransportOptions } from './kdc-transport/index.js';
import { loadKrb5Conf, storeOptionsFrom, type ProfileStoreOptions } from './profile.js';

/** What the client reads from the outside world, each defaulting to the running process. */
export interface Krb5Context {
  /** The parsed krb5.conf files. */
  readonly profile: readonly Krb5Conf[];
  /** How requests reach the KDCs. */
  readonly transport: Transport;
  /** Cache and keytab names (KRB5CCNAME, default_ccache_name, …). */
  readonly store: ProfileStoreOptions;
  /** The local clock. */
  readonly now: () => Date;
  /** MIT-shaped trace lines (`KRB5_TRACE`), when tracing. */
  readonly trace?: Krb5Trace;
}

/** Options of {@link createKrb5Context}. */
export interface Krb5ContextOptions extends EnvOptions {
  /** krb5.conf, parsed (default: `KRB5_CONFIG` or /etc/krb5.conf, read now). */
  profile?: readonly Krb5Conf[];
  /** The KDC transport (default: UDP/TCP/KDC proxy located from the profile). */
  transport?: Transport;
  /** Options of the default transport (timeouts, resolver, trace). */
  transportOptions?: Omit<KdcTransportOptions, 'profile'>;
  now?: () => Date;
  /** Where MIT-shaped trace lines go (default: the file `KRB5_TRACE` names, if set); `false`: none. */
  trace?: Krb5Trace | false;
}

/**
 * A context over krb5.conf and the environment.
 * @example
 * ```ts
 * const ctx = createKrb5Context()                       // KRB5_CONFIG, KRB5CCNAME, … as MIT reads them
 * const ctx2 = createKrb5Context({ env: { ...process.env, KRB5_CONFIG: '/tmp/krb5.conf' } })
 * ```
 */
export function createKrb5Context(o: Krb5ContextOptions = {}): Krb5Context {
  const { profile: given, transport: t, transportOptions, now, trace: traceOption, ...env } = o;
  const profile = given ?? loadKrb5Conf({ env: env.env });
  const trace = traceOption === false ? undefined : (traceOption ?? traceFromEnv(env.env ?? process.env));
  return {
    profile,
    transport: t ?? createKdcTransport({ ...(trace ? { krb5Trace: trace } : {}), ...transportOptions, profile }),
    store: storeOptionsFrom(profile, env),
    now: now ?? (() => new Date()),
    ...(trace ? { trace } : {}),
  };
}

/** MIT's `code/message` for a KRB-ERROR reply, or undefined for any other reply. */
export function krbErrorResult(reply: Uint8Array): string | undefined {
  if (reply[0] !== 0x7e) return undefined;
  try {
    const code = KRBError.decode(reply).errorCode;
    return `${KRB5_ERROR_BASE + code}/${errorMessage(code)}`;
  } catch {
    return undefined;
  }
}

/**
 * The context's transport, tracing each reply as MIT's client library does: an AS exchange's
 * `Received error from KDC: …`, a TGS exchange's `TGS request result: …`.
 */
export function tracedTransport(ctx: Krb5Context, kind: 'as' | 'tgs'): Transport {
  const trace = ctx.trace;
  if (!trace) return ctx.transport;
  return {
    async send(realm, request, options) {
      const reply = await ctx.transport.send(realm, request, options);
      const err = krbErrorResult(reply);
      if (kind === 'as') {
        if (err) trace(`Received error from KDC: ${err}`);
      } else if (err) trace(`TGS request result: ${err}`);
      else if (reply[0] === 0x6d) trace('TGS request result: 0/Success');
      return reply;
    },
  };
}
