/**
 * The Kerberos V5 GSS-API mechanism (RFC 2743, RFC 4121): token formats. Runtime-neutral.
 *
 * @example
 * ```ts
 * import { unwrapInitialToken, decodeKrb5Token, decodeGssChecksum } from 'tskrb5/gssapi'
 * const { tokId, inner } = decodeKrb5Token(token)   // 0x0100 and the AP-REQ bytes
 * ```
 * @module
 */
export { wrapInitialToken, unwrapInitialToken, decodeInitialToken, isFramedToken, INITIAL_CONTEXT_TOKEN_TAG, type InitialContextToken } from './framing.js';
export { decodeKrb5Token, encodeKrb5Token, KRB5_MECHS, type Krb5Token, type ContextTokenId } from './krb5-token.js';
export { decodeKrb5Message, encodeKrb5Message, type Krb5Message, type Krb5ContextMessage } from './krb5-message.js';
export {
  decodePerMessageToken,
  encodePerMessageToken,
  TOKEN_HEADER_LENGTH,
  type MicToken,
  type WrapToken,
  type PerMessageToken,
} from './per-message-token.js';
export {
  decodeGssChecksum,
  encodeGssChecksum,
  GSS_CHECKSUM_TYPE,
  DLG_OPT_KRB_CRED,
  type GssChecksum,
  type GssChecksumExtension,
} from './checksum.js';
export {
  channelBindingsBytes,
  channelBindingsHash,
  tlsServerEndPointBindings,
  NO_CHANNEL_BINDINGS,
  type ChannelBindings,
} from './channel-bindings.js';
export { openTicket, openAuthenticator, openApRepPart, openKrbCred, sessionKeyOf } from './open.js';
export { Protection, protectionKey, type ProtectionOptions, type ReceivedInfo } from './protection.js';
export { Krb5Initiator, GssKrbError, makeKrbCred, type Krb5InitiatorOptions, type InitiatorCredential } from './initiator.js';
export { Krb5Acceptor, GssAcceptError, ReplayCache, type Krb5AcceptorOptions, type AcceptorKey, type DelegatedCredentials, type EvidenceTicket } from './acceptor.js';
export { replayTag, type ReplayEntry, type ReplayStore, type AsyncReplayStore, type ReplayCacheStats, type ReplayCacheOptions } from '../ap/index.js';
// The PAC of a ticket, verified as MIT's krb5_pac_verify (the acceptor's `pac`; the codec is tskrb5/messages').
export { verifyPac, verifyTicketPac, findPac, signPac, PAC_CHECKSUM_USAGE, type VerifyPacOptions, type VerifyTicketPacOptions, type SignPacOptions } from '../ap/index.js';
export { GssContext } from './context.js';
