/** Every codec of src/messages with an arbitrary of its values: the table the property and fuzz tests run over. */
import type fc from 'fast-check';
import type { Codec } from '../../src/asn1/index.js';
import * as M from '../../src/messages/index.js';
import * as A from './arbitraries.js';

export interface CodecCase {
  name: string;
  codec: Codec<any>;
  arb: fc.Arbitrary<any>;
}

export const CODECS: CodecCase[] = [
  { name: 'Realm', codec: M.Realm, arb: A.realmArb },
  { name: 'PrincipalName', codec: M.PrincipalName, arb: A.principalNameArb },
  { name: 'EncryptionKey', codec: M.EncryptionKey, arb: A.encryptionKeyArb },
  { name: 'EncryptedData', codec: M.EncryptedData, arb: A.encryptedDataArb },
  { name: 'Checksum', codec: M.Checksum, arb: A.checksumArb },
  { name: 'HostAddress', codec: M.HostAddress, arb: A.hostAddressArb },
  { name: 'HostAddresses', codec: M.HostAddresses, arb: A.hostAddressesArb },
  { name: 'AuthorizationData', codec: M.AuthorizationData, arb: A.authorizationDataArb },
  { name: 'ADIfRelevant', codec: M.ADIfRelevant, arb: A.authorizationDataArb },
  { name: 'ADKDCIssued', codec: M.ADKDCIssued, arb: A.adKdcIssuedArb },
  { name: 'ADAndOr', codec: M.ADAndOr, arb: A.adAndOrArb },
  { name: 'ADMandatoryForKDC', codec: M.ADMandatoryForKDC, arb: A.authorizationDataArb },
  { name: 'KerberosFlags', codec: M.KerberosFlags, arb: A.flagsArb },
  { name: 'Microseconds', codec: M.Microseconds, arb: A.usecArb },
  { name: 'KerberosTime', codec: M.KerberosTime, arb: A.timeArb },
  { name: 'Ticket', codec: M.Ticket, arb: A.ticketArb },
  { name: 'TransitedEncoding', codec: M.TransitedEncoding, arb: A.transitedArb },
  { name: 'EncTicketPart', codec: M.EncTicketPart, arb: A.encTicketPartArb },
  { name: 'PAData', codec: M.PAData, arb: A.paDataArb },
  { name: 'MethodData', codec: M.MethodData, arb: A.methodDataArb },
  { name: 'PAEncTsEnc', codec: M.PAEncTsEnc, arb: A.paEncTsEncArb },
  { name: 'ETypeInfoEntry', codec: M.ETypeInfoEntry, arb: A.eTypeInfoEntryArb },
  { name: 'ETypeInfo', codec: M.ETypeInfo, arb: A.arrayOf(A.eTypeInfoEntryArb) },
  { name: 'ETypeInfo2Entry', codec: M.ETypeInfo2Entry, arb: A.eTypeInfo2EntryArb },
  { name: 'ETypeInfo2', codec: M.ETypeInfo2, arb: A.arrayOf(A.eTypeInfo2EntryArb) },
  { name: 'PAPacRequest', codec: M.PAPacRequest, arb: A.paPacRequestArb },
  { name: 'PAForUser', codec: M.PAForUser, arb: A.paForUserArb },
  { name: 'PAPacOptions', codec: M.PAPacOptions, arb: A.paPacOptionsArb },
  { name: 'KDCReqBody', codec: M.KDCReqBody, arb: A.kdcReqBodyArb },
  { name: 'KrbFastArmor', codec: M.KrbFastArmor, arb: A.krbFastArmorArb },
  { name: 'KrbFastArmoredReq', codec: M.KrbFastArmoredReq, arb: A.krbFastArmoredReqArb },
  { name: 'PAFxFastRequest', codec: M.PAFxFastRequest, arb: A.krbFastArmoredReqArb },
  { name: 'KrbFastReq', codec: M.KrbFastReq, arb: A.krbFastReqArb },
  { name: 'KrbFastArmoredRep', codec: M.KrbFastArmoredRep, arb: A.krbFastArmoredRepArb },
  { name: 'PAFxFastReply', codec: M.PAFxFastReply, arb: A.krbFastArmoredRepArb },
  { name: 'KrbFastFinished', codec: M.KrbFastFinished, arb: A.krbFastFinishedArb },
  { name: 'KrbFastResponse', codec: M.KrbFastResponse, arb: A.krbFastResponseArb },
  { name: 'ASReq', codec: M.ASReq, arb: A.kdcReqArb },
  { name: 'TGSReq', codec: M.TGSReq, arb: A.kdcReqArb },
  { name: 'ASRep', codec: M.ASRep, arb: A.kdcRepArb },
  { name: 'TGSRep', codec: M.TGSRep, arb: A.kdcRepArb },
  { name: 'LastReq', codec: M.LastReq, arb: A.lastReqArb },
  { name: 'EncKDCRepPart', codec: M.EncKDCRepPart, arb: A.taggedEncKdcRepPartArb },
  { name: 'EncASRepPart', codec: M.EncASRepPart, arb: A.encKdcRepPartArb },
  { name: 'EncTGSRepPart', codec: M.EncTGSRepPart, arb: A.encKdcRepPartArb },
  { name: 'APReq', codec: M.APReq, arb: A.apReqArb },
  { name: 'Authenticator', codec: M.Authenticator, arb: A.authenticatorArb },
  { name: 'APRep', codec: M.APRep, arb: A.apRepArb },
  { name: 'EncAPRepPart', codec: M.EncAPRepPart, arb: A.encApRepPartArb },
  { name: 'KRBSafeBody', codec: M.KRBSafeBody, arb: A.krbSafeBodyArb },
  { name: 'KRBSafe', codec: M.KRBSafe, arb: A.krbSafeArb },
  { name: 'KRBPriv', codec: M.KRBPriv, arb: A.krbPrivArb },
  { name: 'EncKrbPrivPart', codec: M.EncKrbPrivPart, arb: A.encKrbPrivPartArb },
  { name: 'KrbCredInfo', codec: M.KrbCredInfo, arb: A.krbCredInfoArb },
  { name: 'KRBCred', codec: M.KRBCred, arb: A.krbCredArb },
  { name: 'EncKrbCredPart', codec: M.EncKrbCredPart, arb: A.encKrbCredPartArb },
  { name: 'KRBError', codec: M.KRBError, arb: A.krbErrorArb },
  { name: 'TypedData', codec: M.TypedData, arb: A.typedDataArb },
  { name: 'KDCProxyMessage', codec: M.KDCProxyMessage, arb: A.kdcProxyMessageArb },
];
