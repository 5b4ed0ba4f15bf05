/**
 * Channel bindings as the krb5 mechanism hashes them into the 0x8003 checksum
 * (RFC 4121 §4.1.1.2, RFC 2744 §3.11), and the tls-server-end-point binding (RFC 5929 §4).
 * @module
 */
import { digest } from '../crypto/index.js';
import { concat, u32le, utf8 } from '../util/bytes.js';

/** gss_channel_bindings_struct (RFC 2744 §3.11); absent fields are 0 / empty. */
export interface ChannelBindings {
  /** initiator_addrtype (GSS_C_AF_*, 0 = GSS_C_AF_UNSPEC). */
  initiatorAddrType?: number;
  initiatorAddress?: Uint8Array;
  acceptorAddrType?: number;
  acceptorAddress?: Uint8Array;
  /** application_data, e.g. {@link tlsServerEndPointBindings}. */
  applicationData?: Uint8Array;
}

function addrType(v: number | undefined, what: string): Uint8Array {
  const n = v ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${what} must be a 32-bit unsigned integer`);
  return u32le(n);
}

function field(v: Uint8Array | undefined, what: string): Uint8Array {
  const b = v ?? new Uint8Array(0);
  if (!(b instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  return concat(u32le(b.length), b);
}

// RFC 4121 §4.1.1.2: the bytes hashed, all integers 4-octet little-endian:
//   initiator_addrtype | initiator_address.length | initiator_address.value |
//   acceptor_addrtype  | acceptor_address.length  | acceptor_address.value  |
//   application_data.length | application_data.value
// and Bnd = MD5 of them (RFC 1964 §1.1.1 / RFC 4121 §4.1.1.2). Without channel bindings Bnd is
// 16 zero octets, which is not this hash of an empty structure.

/**
 * The exact bytes that are hashed for Bnd.
 *
 * @example
 * ```ts
 * channelBindingsBytes({ applicationData: Uint8Array.of(1) })
 * // 00000000 00000000 00000000 00000000 01000000 01
 * ```
 */
export function channelBindingsBytes(cb: ChannelBindings): Uint8Array {
  return concat(
    addrType(cb.initiatorAddrType, 'initiatorAddrType'),
    field(cb.initiatorAddress, 'initiatorAddress'),
    addrType(cb.acceptorAddrType, 'acceptorAddrType'),
    field(cb.acceptorAddress, 'acceptorAddress'),
    field(cb.applicationData, 'applicationData'),
  );
}

/**
 * Bnd of the 0x8003 checksum: MD5 of {@link channelBindingsBytes}.
 *
 * @example
 * ```ts
 * const bnd = channelBindingsHash({ applicationData: tlsServerEndPointBindings(certHash) })
 * encodeGssChecksum({ bindingsHash: bnd, flags })
 * ```
 */
export function channelBindingsHash(cb: ChannelBindings): Uint8Array {
  return digest('md5', channelBindingsBytes(cb));
}

/**
 * 16 zero octets: Bnd when no channel bindings are given.
 *
 * @example
 * ```ts
 * encodeGssChecksum({ bindingsHash: NO_CHANNEL_BINDINGS, flags })
 * ```
 */
export const NO_CHANNEL_BINDINGS: Uint8Array = new Uint8Array(16);

/**
 * The application data of the RFC 5929 §4 `tls-server-end-point` binding: the prefix
 * `"tls-server-end-point:"` followed by the hash of the server's certificate (SHA-256 for
 * MD5/SHA-1 signatures, else the signature's hash).
 *
 * @example
 * ```ts
 * channelBindingsHash({ applicationData: tlsServerEndPointBindings(sha256(certDer)) })
 * ```
 */
export function tlsServerEndPointBindings(certHash: Uint8Array): Uint8Array {
  if (!(certHash instanceof Uint8Array)) throw new TypeError('certHash must be a Uint8Array');
  return concat(utf8('tls-server-end-point:'), certHash);
}
