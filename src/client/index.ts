/**
 * `tskrb5/client`: the sans-I/O Kerberos client — the AS exchange (password or keys,
 * PA-ENC-TIMESTAMP from ETYPE-INFO2, client referrals), the TGS exchange (service tickets,
 * cross-realm, referrals, renewal, forwarded TGTs) and the KDC-proxy transport, talking through
 * an injected {@link Transport}. On Node, `tskrb5`'s `kinit` and `getServiceCredential` wire
 * these to krb5.conf, the KDC transport and the credential caches.
 *
 * @example
 * ```ts
 * import { getInitialCredentials } from 'tskrb5/client'
 * const { credential } = await getInitialCredentials({ transport, client: 'alice@EXAMPLE.COM', password })
 * ```
 * @module
 */
export { openKdcRepPart, openPaEncTimestamp } from './enc-part.js';
export type { Transport, KdcSendOptions } from './transport.js';
export {
  createKdcProxyTransport,
  sendKdcProxy,
  MAX_KDC_REPLY_BYTES,
  type KdcProxyTransportOptions,
  type SendKdcProxyOptions,
  type KdcProxyFetch,
  type KdcProxyResponse,
} from './kdc-proxy-transport.js';
export type { AbortSignalLike } from './transport.js';
export {
  getInitialCredentials,
  type GetInitialCredentialsParams,
  type InitialCredentials,
  type AsOptions,
  type ClientKey,
} from './as.js';
export {
  getServiceTicket,
  renewCredential,
  getForwardedTgt,
  hierarchicalPath,
  type GetServiceTicketParams,
  type ServiceTicket,
  type TgsOptions,
} from './tgs.js';
export { kdcErrorFromKrbError, type KdcErrorContext } from './kdc-error.js';
export { DEFAULT_REQUEST_ENCTYPES } from './exchange.js';
export type { KdcExchangeParams } from './exchange.js';
export {
  getS4U2SelfTicket,
  getS4U2ProxyTicket,
  buildPaForUser,
  buildPaS4UX509User,
  checkS4U2SelfReply,
  forUserChecksumInput,
  s4uUserId,
  PAC_OPTIONS_RBCD,
  type S4U2SelfParams,
  type S4U2SelfTicket,
  type S4U2ProxyParams,
  type S4UEvidence,
  type S4UOptionsParam,
} from './s4u.js';
export type { FastArmorSource } from './fast.js';
