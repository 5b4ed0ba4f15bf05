/**
 * The MS-PAC (Privilege Attribute Certificate) as plain data: the container and every buffer
 * type of MS-PAC 2.5–2.15 (NDR, little-endian), decoded and encoded byte for byte. The
 * checksums are verified in `tskrb5/ap`'s PAC functions, which have the crypto.
 *
 * @example
 * ```ts
 * import { decodePac, pacSids } from 'tskrb5/messages'
 * const pac = decodePac(adWin2kPac)
 * const logon = pac.buffers.find((b) => b.kind === 'logonInfo')
 * if (logon) console.log(pacSids(logon.value).groups)   // ['S-1-5-21-…-513', …]
 * ```
 * @module
 */
export { type Pac, type PacBuffer, type PacInfoBuffer, PacBufferType, PAC_MAX_BUFFERS, decodePac, encodePac, encodePacBuffer, parsePacHeader, pacSids } from './pac.js';
export {
  type KerbValidationInfo,
  type GroupMembership,
  type SidAndAttributes,
  type UnicodeStringForms,
  type LogonInfoStringField,
  decodeLogonInfo,
  encodeLogonInfo,
} from './logon-info.js';
export {
  type PacClientInfo,
  type UpnDnsInfo,
  type S4uDelegationInfo,
  type PacSignature,
  type PacAttributes,
  type PacRequestor,
  UPN_DNS_INFO_UPN_CONSTRUCTED,
  UPN_DNS_INFO_EXTENDED,
  PAC_WAS_REQUESTED,
  PAC_WAS_GIVEN_IMPLICITLY,
  signatureLength,
  decodeClientInfo,
  encodeClientInfo,
  decodeUpnDnsInfo,
  encodeUpnDnsInfo,
  decodeDelegationInfo,
  encodeDelegationInfo,
  decodeSignature,
  encodeSignature,
  decodeAttributes,
  encodeAttributes,
  decodeRequestor,
  encodeRequestor,
} from './buffers.js';
export { sidToString, sidFromString, type FileTime, fileTimeToDate, dateToFileTime } from './ndr.js';
