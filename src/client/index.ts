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
