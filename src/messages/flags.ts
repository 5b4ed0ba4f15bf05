/**
 * The KerberosFlags types (RFC 4120 §5.2.8) as 32-bit flag words: bit 0 of the BIT STRING is
 * the most significant bit (`flagMask(KDCOptions.FORWARDABLE)` from the IANA registry gives the
 * mask of a named bit). The three are the one asn1 `kerberosFlags` codec under their RFC names:
 * decoding keeps bits 0..31 of any length, encoding writes 32 bits, as MIT, Heimdal and Windows do.
 * @module
 */
import { type Codec, kerberosFlags } from '../asn1/index.js';

/**
 * `KerberosFlags ::= BIT STRING (SIZE (32..MAX))` (RFC 4120 §5.2.8) as an unsigned 32-bit word:
 * the codec of KDCOptions, TicketFlags and APOptions alike (their bit names are the IANA
 * registries of the same names in `tskrb5/iana`).
 *
 * @example
 * ```ts
 * KerberosFlags.encode(flagMask(TicketFlags.FORWARDABLE)) // 03 05 00 40 00 00 00
 * ```
 */
export type KerberosFlags = number;
export const KerberosFlags: Codec<KerberosFlags> = kerberosFlags;

/**
 * `KDCOptions ::= KerberosFlags` (RFC 4120 §5.4.1) as an unsigned 32-bit word.
 *
 * @example
 * ```ts
 * KDCOptions.encode(0x40810010) // 03 05 00 40 81 00 10 (forwardable, renewable, canonicalize, renewable-ok)
 * ```
 */
export type KDCOptions = number;
export const KDCOptions: Codec<KDCOptions> = kerberosFlags;

/**
 * `TicketFlags ::= KerberosFlags` (RFC 4120 §5.3) as an unsigned 32-bit word.
 *
 * @example
 * ```ts
 * ticketFlagLetters(TicketFlags.decode(bytes)) // 'FRIA'
 * ```
 */
export type TicketFlags = number;
export const TicketFlags: Codec<TicketFlags> = kerberosFlags;

/**
 * `APOptions ::= KerberosFlags` (RFC 4120 §5.5.1) as an unsigned 32-bit word.
 *
 * @example
 * ```ts
 * APOptions.encode(flagMask(APOptions.MUTUAL_REQUIRED)) // 03 05 00 20 00 00 00
 * ```
 */
export type APOptions = number;
export const APOptions: Codec<APOptions> = kerberosFlags;
