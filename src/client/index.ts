/**
 * The sans-I/O Kerberos client. So far: opening what a KDC sends; the AS and TGS exchanges
 * come next.
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
  type FetchLike,
  type FetchResponseLike,
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
