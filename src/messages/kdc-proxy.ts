/**
 * KDC-PROXY-MESSAGE, the body of a Kerberos KDC proxy exchange over HTTPS (MS-KKDCP §2.2.2),
 * and the 4-byte record marking its `kerb-message` carries (RFC 4120 §7.2.2, as on TCP).
 * @module
 */
import { type Codec, type DecodeOptions, field, octetString, opt, seq, uint32AsSent } from '../asn1/index.js';
import { DecodeError } from '../errors.js';
import { Realm } from './principal.js';

/**
 * `KDC-PROXY-MESSAGE ::= SEQUENCE { kerb-message [0] OCTET STRING,
 * target-domain [1] KERB-REALM OPTIONAL, dclocator-hint [2] INTEGER OPTIONAL }` (MS-KKDCP §2.2.2).
 * `kerbMessage` is the Kerberos message with its 4-byte big-endian length in front, exactly as
 * it would travel over TCP. `KERB-REALM` is RFC 4120's `Realm`.
 */
export interface KDCProxyMessage {
  kerbMessage: Uint8Array;
  /** The realm the client wants; a request carries it, a reply usually does not. */
  targetDomain?: Realm;
  /** DC locator flags (a DWORD); kept in the form it was read, as a UInt32 nonce is. */
  dclocatorHint?: number;
}

/**
 * The codec of {@link KDCProxyMessage}.
 *
 * @example
 * ```ts
 * const body = KDCProxyMessage.encode({ kerbMessage: frameKdcMessage(asReq), targetDomain: 'EXAMPLE.COM' })
 * ```
 */
export const KDCProxyMessage: Codec<KDCProxyMessage> = seq('KDC-PROXY-MESSAGE', {
  kerbMessage: field(0, octetString),
  targetDomain: opt(field(1, Realm)),
  dclocatorHint: opt(field(2, uint32AsSent)),
});

/**
 * Prefixes a Kerberos message with its length as a 4-byte big-endian integer (RFC 4120 §7.2.2).
 *
 * @example
 * ```ts
 * frameKdcMessage(Uint8Array.of(1, 2)) // 00 00 00 02 01 02
 * ```
 */
export function frameKdcMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0x7fffffff) throw new RangeError('Kerberos message too long for a record mark');
  const out = new Uint8Array(4 + message.length);
  new DataView(out.buffer).setUint32(0, message.length);
  out.set(message, 4);
  return out;
}

/**
 * Removes the 4-byte length prefix of {@link frameKdcMessage}; a length that disagrees with the
 * bytes that follow (or a reserved high bit, RFC 4120 §7.2.2) is a `DecodeError`.
 *
 * @example
 * ```ts
 * unframeKdcMessage(Uint8Array.of(0, 0, 0, 2, 1, 2)) // 01 02
 * ```
 */
export function unframeKdcMessage(framed: Uint8Array): Uint8Array {
  if (framed.length < 4) throw new DecodeError('record mark: fewer than 4 bytes', { path: 'kerb-message', offset: 0 });
  const n = new DataView(framed.buffer, framed.byteOffset, 4).getUint32(0);
  if (n & 0x80000000) throw new DecodeError('record mark: reserved high bit set', { path: 'kerb-message', offset: 0 });
  if (n !== framed.length - 4) {
    throw new DecodeError(`record mark says ${n} bytes, ${framed.length - 4} follow`, { path: 'kerb-message', offset: 0 });
  }
  return framed.slice(4);
}

/**
 * The HTTP body of a KDC proxy request: `request` framed, with `realm` as target-domain.
 *
 * @example
 * ```ts
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/kerberos' }, body: encodeKdcProxyRequest('EXAMPLE.COM', asReq) })
 * ```
 */
export function encodeKdcProxyRequest(realm: string, request: Uint8Array): Uint8Array {
  return KDCProxyMessage.encode({ kerbMessage: frameKdcMessage(request), targetDomain: realm });
}

/**
 * The Kerberos reply inside a KDC proxy response body (its record mark checked and removed).
 *
 * @example
 * ```ts
 * const reply = decodeKdcProxyReply(new Uint8Array(await res.arrayBuffer())) // AS-REP or KRB-ERROR bytes
 * ```
 */
export function decodeKdcProxyReply(body: Uint8Array, options?: DecodeOptions): Uint8Array {
  return unframeKdcMessage(KDCProxyMessage.decode(body, options).kerbMessage);
}
