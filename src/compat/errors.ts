// The native `kerberos` package's error texts. Its Unix code (src/unix/kerberos_gss.cc) builds
// them three ways: `gss_error_result` — MIT's gss_display_status of the major code, ": ", and of
// the minor code (`Unspecified GSS failure.  Minor code may provide more information: Server not
// found in Kerberos database`); `…_with_message_and_code` — a text and a number in parentheses
// (`Preauthentication failed (-1765328360)`, `Principal not found in keytab (-1)`); and plain
// texts (`No challenge parameter in request from client`). Ours are typed errors inside; the
// compat API turns each into a plain `Error` worded as MIT's library would word it.

import { GssError, KdcError, KerberosError, TransportError } from '../errors.js';
import { errorMessage, GssStatus } from '../iana/index.js';

/** MIT's texts of the routine errors (lib/gssapi/generic/disp_major_status.c). */
const MAJOR: Record<number, string> = {
  [GssStatus.GSS_S_BAD_MECH]: 'An unsupported mechanism was requested',
  [GssStatus.GSS_S_BAD_NAME]: 'An invalid name was supplied',
  [GssStatus.GSS_S_BAD_NAMETYPE]: 'A supplied name was of an unsupported type',
  [GssStatus.GSS_S_BAD_BINDINGS]: 'Incorrect channel bindings were supplied',
  [GssStatus.GSS_S_BAD_STATUS]: 'An invalid status code was supplied',
  [GssStatus.GSS_S_BAD_SIG]: 'A token had an invalid Message Integrity Check (MIC)',
  [GssStatus.GSS_S_NO_CRED]: 'No credentials were supplied, or the credentials were unavailable or inaccessible',
  [GssStatus.GSS_S_NO_CONTEXT]: 'No context has been established',
  [GssStatus.GSS_S_DEFECTIVE_TOKEN]: 'Invalid token was supplied',
  [GssStatus.GSS_S_DEFECTIVE_CREDENTIAL]: 'Invalid credential was supplied',
  [GssStatus.GSS_S_CREDENTIALS_EXPIRED]: 'The referenced credential has expired',
  [GssStatus.GSS_S_CONTEXT_EXPIRED]: 'The referenced context has expired',
  [GssStatus.GSS_S_FAILURE]: 'Unspecified GSS failure.  Minor code may provide more information',
  [GssStatus.GSS_S_BAD_QOP]: 'The quality-of-protection (QOP) requested could not be provided',
  [GssStatus.GSS_S_UNAUTHORIZED]: 'The operation is forbidden by local security policy',
  [GssStatus.GSS_S_UNAVAILABLE]: 'The operation or option is not available or unsupported',
  [GssStatus.GSS_S_DUPLICATE_ELEMENT]: 'The requested credential element already exists',
  [GssStatus.GSS_S_NAME_NOT_MN]: 'The provided name was not mechanism specific (MN)',
};
/** …and of the supplementary bits, which MIT prints when there is no routine error. */
const SUPPLEMENTARY: Record<number, string> = {
  [GssStatus.GSS_S_DUPLICATE_TOKEN]: 'The token was a duplicate of an earlier token',
  [GssStatus.GSS_S_OLD_TOKEN]: "The token's validity period has expired",
  [GssStatus.GSS_S_UNSEQ_TOKEN]: 'A later token has already been processed',
  [GssStatus.GSS_S_GAP_TOKEN]: 'An expected per-message token was not received',
};

const KRB5_ERROR_BASE = -1765328384; // ERROR_TABLE_BASE_krb5

/** MIT's com_err code of a KRB-ERROR code (krb5_err.et), as `krb5_get_error_message` numbers it. */
export function krb5Code(errorCode: number): number {
  return KRB5_ERROR_BASE + errorCode;
}

function majorText(major: number): string {
  const routine = major & 0xffff0000;
  if (routine !== 0) return MAJOR[routine] ?? `Unknown routine error ${routine >>> 16}`;
  for (const [bit, text] of Object.entries(SUPPLEMENTARY)) if (major & Number(bit)) return text;
  return MAJOR[GssStatus.GSS_S_FAILURE]!;
}

/** The minor code's text MIT would show for one of our errors. */
function minorText(e: unknown): string {
  if (e instanceof KdcError) return errorMessage(e.errorCode);
  const k = e as { krbErrorCode?: number; code?: string; message?: string };
  if (typeof k.krbErrorCode === 'number') return errorMessage(k.krbErrorCode);
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A `gss_error_result`: MIT's major text, ": ", the minor text. */
export function gssError(major: number, minor: string): Error {
  return new Error(`${majorText(major)}: ${minor}`);
}

/**
 * One of our errors from a GSS step, as the native package would have reported it. `routineOnly`:
 * the acceptor, where MIT reports a replay or an old token as GSS_S_FAILURE with the krb5 minor
 * code, not as a supplementary status.
 */
export function fromGss(e: unknown, fallbackMajor: number = GssStatus.GSS_S_FAILURE, routineOnly = false): Error {
  if (e instanceof TypeError || e instanceof RangeError) return e;
  if (e instanceof GssError) {
    const major = routineOnly && (e.major & 0xffff0000) === 0 ? GssStatus.GSS_S_FAILURE : e.major || fallbackMajor;
    return gssError(major, minorText(e));
  }
  if (e instanceof KdcError) return gssError(GssStatus.GSS_S_FAILURE, minorText(e));
  if (e instanceof TransportError) return gssError(GssStatus.GSS_S_FAILURE, e.message);
  if (e instanceof KerberosError) return gssError(fallbackMajor, minorText(e));
  return e instanceof Error ? new Error(e.message) : new Error(String(e));
}

/** A `gss_error_result_with_message_and_code`: `text (code)`. */
export function withCode(text: string, code: number): Error {
  return new Error(`${text} (${code})`);
}

/** A krb5 library failure (checkPassword) as `krb5_get_err_text(code) (code)`. */
export function fromKrb5(e: unknown): Error {
  if (e instanceof TypeError || e instanceof RangeError) return e;
  if (e instanceof KdcError) return withCode(errorMessage(e.errorCode), krb5Code(e.errorCode));
  const k = e as { code?: string; name?: string; message?: string };
  // a wrong password without preauthentication: the AS-REP does not decrypt (KRB5KRB_AP_ERR_BAD_INTEGRITY)
  if (k?.name === 'IntegrityError' || k?.code === 'ERR_INTEGRITY') return withCode(errorMessage(31), krb5Code(31));
  // no KDC known for the realm: KRB5_REALM_CANT_RESOLVE
  if (k?.code === 'ERR_REALM_CANT_RESOLVE') return withCode('Cannot find KDC for requested realm', -1765328230);
  return new Error(e instanceof Error ? e.message : String(e));
}
