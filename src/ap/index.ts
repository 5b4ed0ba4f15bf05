/**
 * The AP exchange (RFC 4120 §3.2) once, for every layer that needs it: building an AP-REQ (the
 * TGS exchange's PA-TGS-REQ, the GSS-API initiator) and checking one as MIT's krb5_rd_req does
 * (the GSS-API acceptor, a KDC's TGS). Below `client/`, `gssapi/` and `kdc/`, on `messages/` and
 * `crypto/`; runtime-neutral.
 *
 * @example
 * ```ts
 * const apReq = buildApReq({ ticket, sessionKey, client, ctime, cusec, subkey })
 * const { client, sessionKey, authenticator } = checkApReq(apReq, { keys, replayCache: new ReplayCache() })
 * ```
 * @module
 */
export { buildApReq, type BuildApReqParams } from './build.js';
export { checkApReq, ApReqError, type ApReqRefusal, type CheckApReqOptions, type CheckedApReq, type ServiceKey } from './check.js';
export {
  ReplayCache,
  replayTag,
  DEFAULT_MAX_ENTRIES,
  isAsyncReplayStore,
  type ReplayEntry,
  type ReplayStore,
  type AsyncReplayStore,
  type ReplayCacheStats,
  type ReplayCacheOptions,
} from './replay-cache.js';
export { openTicket, openAuthenticator, openApRepPart, sessionKeyOf } from './open.js';
export {
  verifyPac,
  verifyTicketPac,
  shouldHaveTicketSignature,
  findPac,
  signPac,
  signPacBytesAt,
  pacSignatureSlots,
  type PacSignatureSlots,
  PAC_CHECKSUM_USAGE,
  type VerifyPacOptions,
  type VerifyTicketPacOptions,
  type SignPacOptions,
} from './pac.js';
