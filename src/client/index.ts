/**
 * The sans-I/O Kerberos client. So far: opening what a KDC sends; the AS and TGS exchanges
 * come next.
 * @module
 */
export { openKdcRepPart, openPaEncTimestamp } from './enc-part.js';
export type { Transport, KdcSendOptions } from './transport.js';
