/**
 * HostAddress and HostAddresses (RFC 4120 §5.2.5).
 * @module
 */
import { type Codec, field, int32, octetString, seq, seqOf } from '../asn1/index.js';

/** `HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }` (RFC 4120 §5.2.5). */
export interface HostAddress {
  /** An {@link AddressType} value (2 = IPv4, 24 = IPv6, 20 = NetBIOS). */
  addrType: number;
  address: Uint8Array;
}

/**
 * The codec of {@link HostAddress}.
 *
 * @example
 * ```ts
 * HostAddress.encode({ addrType: AddressType.IPV4, address: Uint8Array.of(127, 0, 0, 1) })
 * ```
 */
export const HostAddress: Codec<HostAddress> = seq('HostAddress', {
  addrType: field(0, int32),
  address: field(1, octetString),
});

/** `HostAddresses ::= SEQUENCE OF HostAddress` (RFC 4120 §5.2.5). */
export type HostAddresses = HostAddress[];

/**
 * The codec of {@link HostAddresses}.
 *
 * @example
 * ```ts
 * HostAddresses.encode([]) // 30 00
 * ```
 */
export const HostAddresses: Codec<HostAddresses> = seqOf(HostAddress, 'HostAddresses');
