/**
 * Recognising NTLM (MS-NLMP) where Kerberos was expected, so that it is reported, never
 * mis-parsed.
 * @module
 */
import { Oid } from '../iana/index.js';
import { UnsupportedError } from '../errors.js';

/** "NTLMSSP\0", the signature of every NTLM message (MS-NLMP §2.2.1). */
const SIGNATURE = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00];

/**
 * Whether bytes are an NTLMSSP message (start with "NTLMSSP\0").
 *
 * @example
 * ```ts
 * isNtlmToken(new TextEncoder().encode('NTLMSSP\0\x01\0\0\0')) // true
 * ```
 */
export function isNtlmToken(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || bytes.length < SIGNATURE.length) return false;
  for (let i = 0; i < SIGNATURE.length; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

/**
 * The error for NTLM offered by the peer: `UnsupportedError` with code `'ERR_NTLM'`.
 *
 * @example
 * ```ts
 * throw ntlmError('the server', 'a raw NTLMSSP token')
 * ```
 */
export function ntlmError(who: string, what: string): UnsupportedError {
  return new UnsupportedError(`${who} offered NTLM (${what}); only Kerberos is supported`, { code: 'ERR_NTLM' });
}

/**
 * Kerberos mechanism OIDs accepted in a SPNEGO mech list (RFC 4121's and Microsoft's).
 *
 * @example
 * ```ts
 * init.mechTypes.find((m) => KERBEROS_MECHS.includes(m))
 * ```
 */
export const KERBEROS_MECHS: readonly string[] = [Oid.KRB5, Oid.MS_KRB5];

/**
 * Whether a mech list offers NTLM and no Kerberos mechanism.
 *
 * @example
 * ```ts
 * onlyNtlm(['1.3.6.1.4.1.311.2.2.10']) // true
 * ```
 */
export function onlyNtlm(mechTypes: readonly string[]): boolean {
  return mechTypes.includes(Oid.NTLMSSP) && !mechTypes.some((m) => KERBEROS_MECHS.includes(m));
}
