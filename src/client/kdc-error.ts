/**
 * A KRB-ERROR from a KDC as a {@link KdcError}: the KDC's own code, name, e-text, e-data and
 * server time kept, and a message a person can act on. The short texts are worded like MIT's
 * error table (`ERROR_MESSAGES`); the advice after the colon says what usually causes the error.
 * @module
 */
import { KdcError } from '../errors.js';
import { ERROR_MESSAGES, ErrorCode, errorCodeName } from '../iana/index.js';
import type { KRBError } from '../messages/index.js';

/** What the request was about, to name it in the message. */
export interface KdcErrorContext {
  /** The client principal, as text. */
  client?: string;
  /** The server principal the request was for, as text. */
  server?: string;
  /** The local clock when the error arrived, to state the skew of KRB_AP_ERR_SKEW. */
  now?: Date;
}

/** Advice per error code: the usual cause, in words a user or an administrator can act on. */
function advice(e: KRBError, ctx: KdcErrorContext): string | undefined {
  const client = ctx.client ?? 'the client';
  const server = ctx.server ?? 'the requested service';
  switch (e.errorCode) {
    case ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN:
      return `client ${client} not found in Kerberos database (check the user name and the realm)`;
    case ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN:
      return `server ${server} not found in Kerberos database (check the service name and host name, and that the service is registered in the realm)`;
    case ErrorCode.KDC_ERR_PREAUTH_FAILED:
      return `password incorrect for ${client} (or the key does not match the KDC's)`;
    case ErrorCode.KDC_ERR_KEY_EXPIRED:
      return `password has expired for ${client}; change it (kpasswd) and try again`;
    case ErrorCode.KDC_ERR_NAME_EXP:
      return `the account ${client} has expired`;
    case ErrorCode.KDC_ERR_CLIENT_REVOKED:
      return `the account ${client} is locked or disabled`;
    case ErrorCode.KDC_ERR_ETYPE_NOSUPP:
      return `the KDC has no key for ${client} or ${server} in any of the requested encryption types (allow more enctypes, or re-key the principal)`;
    case ErrorCode.KDC_ERR_BADOPTION:
      return 'the KDC refused a requested ticket option (forwardable, renewable, postdated…) or the ticket cannot be renewed';
    case ErrorCode.KDC_ERR_POLICY:
      return `the KDC's policy rejects this request for ${client}`;
    case ErrorCode.KDC_ERR_PREAUTH_REQUIRED:
      return 'the KDC requires pre-authentication that was not supplied';
    case ErrorCode.KRB_AP_ERR_SKEW: {
      if (ctx.now === undefined) return 'the local clock and the KDC clock differ by more than the allowed skew; synchronise the clocks';
      const d = Math.round((e.stime.getTime() - ctx.now.getTime()) / 1000);
      return `the KDC's clock is ${Math.abs(d)} s ${d >= 0 ? 'ahead of' : 'behind'} the local clock, beyond the allowed skew; synchronise the clocks`;
    }
    case ErrorCode.KRB_AP_ERR_TKT_EXPIRED:
      return 'the ticket has expired; get a new one (kinit)';
    case ErrorCode.KDC_ERR_WRONG_REALM:
      return `the KDC is not the right one for ${client}`;
    case ErrorCode.KDC_ERR_CLIENT_NOTYET:
      return `the account ${client} is not valid yet`;
    case ErrorCode.KDC_ERR_SVC_UNAVAILABLE:
      return 'the KDC is busy or lacks a service it needs; try again later';
    case ErrorCode.KRB_AP_ERR_BAD_INTEGRITY:
    case ErrorCode.KRB_AP_ERR_MODIFIED:
      return 'the KDC could not decrypt the request: the ticket or key is out of date (the service or krbtgt key may have changed)';
    default:
      return undefined;
  }
}

/**
 * The {@link KdcError} for a KRB-ERROR, e.g. `KDC error 24 KDC_ERR_PREAUTH_FAILED (Preauthentication
 * failed): password incorrect for alice@EXAMPLE.COM`.
 *
 * @example
 * ```ts
 * throw kdcErrorFromKrbError(KRBError.decode(reply), { client: 'alice@EXAMPLE.COM' })
 * ```
 */
export function kdcErrorFromKrbError(e: KRBError, ctx: KdcErrorContext = {}): KdcError {
  const name = errorCodeName(e.errorCode);
  const text = ERROR_MESSAGES[e.errorCode];
  const head = `KDC error ${e.errorCode} ${name}${text ? ` (${text})` : ''}`;
  const tip = advice(e, ctx);
  const etext = e.eText !== undefined && e.eText !== '' && e.eText !== text ? ` [KDC says: ${e.eText}]` : '';
  return new KdcError(`${head}${tip ? `: ${tip}` : ''}${etext}`, {
    errorCode: e.errorCode,
    errorName: name,
    ...(e.eText !== undefined ? { eText: e.eText } : {}),
    ...(e.eData !== undefined ? { eData: e.eData } : {}),
    serverTime: new Date(e.stime.getTime() + Math.floor(e.susec / 1000)),
  });
}
