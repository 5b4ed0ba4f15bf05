/**
 * How the sans-I/O client reaches a KDC: one request's DER bytes in, the reply's DER bytes out.
 * `tskrb5` (src/node) provides UDP/TCP with KDC location from krb5.conf and DNS; the KDC proxy
 * transport (MS-KKDCP over `fetch`) works wherever `fetch` does.
 * @module
 */

/** The part of the web platform's `AbortSignal` the transports use (the core compiles without DOM types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of one exchange. */
export interface KdcSendOptions {
  /**
   * Use a stream transport only (TCP or the KDC proxy), as after `KRB_ERR_RESPONSE_TOO_BIG`
   * or when `udp_preference_limit` says so.
   */
  tcpOnly?: boolean;
  /** Prefer the realm's primary KDCs (`primary_kdc`), as MIT does to retry a failed password. */
  primary?: boolean;
  /** Abandons the exchange (the transport then rejects with the signal's reason). */
  signal?: AbortSignalLike;
}

/**
 * Sends one KDC request (AS-REQ, TGS-REQ) for `realm` and resolves to the reply's bytes — an
 * AS-REP, TGS-REP or KRB-ERROR, exactly as received. It tries the realm's KDCs in order and
 * fails over; a UDP reply that is `KRB_ERR_RESPONSE_TOO_BIG` is retried over TCP by the
 * transport itself. When no KDC answers, it rejects with a `TransportError` that lists each
 * KDC tried and why it failed.
 */
export interface Transport {
  send(realm: string, request: Uint8Array, options?: KdcSendOptions): Promise<Uint8Array>;
}
