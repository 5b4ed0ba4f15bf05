/**
 * RFC 4120 §5 types and messages as plain data, each declared once as a `Codec` value named
 * as the RFC names it: `APReq.decode(bytes)`, `KRBError.encode(value)`. No crypto here:
 * EncryptedData's `cipher` stays opaque bytes.
 *
 * @example
 * ```ts
 * import { APReq, decodeKerberosMessage } from 'tskrb5/messages'
 * const ap = APReq.decode(bytes)                 // or a DecodeError with path AP-REQ.ticket.enc-part.cipher
 * const m = decodeKerberosMessage(reply)         // { type: 'AS-REP', value } | { type: 'KRB-ERROR', value } | …
 * ```
 * @module
 */
export { Realm, PrincipalName, type Principal, type ParsePrincipalOptions, type UnparsePrincipalOptions, parsePrincipal, unparsePrincipal, samePrincipal } from './principal.js';
export { EncryptionKey, EncryptedData, Checksum } from './encryption.js';
export { HostAddress, HostAddresses } from './host-address.js';
export {
  AuthorizationData,
  type AuthorizationDataEntry,
  ADIfRelevant,
  ADKDCIssued,
  ADAndOr,
  ADMandatoryForKDC,
} from './authorization-data.js';
export { KerberosFlags } from './flags.js';
export { Microseconds } from './microseconds.js';
export { Ticket, EncTicketPart, TransitedEncoding } from './ticket.js';
export { TicketHead, ticketHead } from './ticket-head.js';
export {
  PAData,
  MethodData,
  PAEncTsEnc,
  ETypeInfoEntry,
  ETypeInfo,
  ETypeInfo2Entry,
  ETypeInfo2,
  PAPacRequest,
  PAForUser,
  PAPacOptions,
} from './pa-data.js';
export { S4UUserID, S4UOptions, PAS4UX509User, forUserChecksumInput } from './s4u.js';
export { KDCReqBody, type KDCReq, ASReq, TGSReq } from './kdc-req.js';
export {
  KrbFastArmor,
  KrbFastArmoredReq,
  PAFxFastRequest,
  KrbFastReq,
  KrbFastArmoredRep,
  PAFxFastReply,
  KrbFastFinished,
  KrbFastResponse,
} from './fast.js';
export {
  type KDCRep,
  ASRep,
  TGSRep,
  EncKDCRepPart,
  EncASRepPart,
  EncTGSRepPart,
  LastReq,
  type LastReqEntry,
} from './kdc-rep.js';
export { APReq, Authenticator, APRep, EncAPRepPart } from './ap.js';
export { KRBSafe, KRBSafeBody, KRBPriv, EncKrbPrivPart } from './krb-safe-priv.js';
export { KRBCred, EncKrbCredPart, KrbCredInfo } from './krb-cred.js';
export {
  KRBError,
  TypedData,
  type TypedDataEntry,
  type EData,
  decodeEData,
  decodeMethodData,
  decodeTypedData,
} from './krb-error.js';
export { decodeKerberosMessage, type KerberosMessage, type KerberosMessageType } from './decode.js';
export { kerberosTime as KerberosTime } from '../asn1/index.js';
export {
  KDCProxyMessage,
  frameKdcMessage,
  unframeKdcMessage,
  encodeKdcProxyRequest,
  decodeKdcProxyReply,
} from './kdc-proxy.js';
export * from './pac/index.js';
