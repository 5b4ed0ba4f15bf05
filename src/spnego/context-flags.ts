/**
 * ContextFlags, the reqFlags of NegTokenInit (RFC 4178 §4.2.1), to and from GSS flag words.
 * @module
 */
import type { BitString } from '../asn1/index.js';
import { GssFlags } from '../iana/index.js';

// RFC 4178 §4.2.1:
//   ContextFlags ::= BIT STRING { delegFlag (0), mutualFlag (1), replayFlag (2), sequenceFlag (3),
//                                 anonFlag (4), confFlag (5), integFlag (6) } (SIZE (32))
// Bit n is the mask 0x80 >>> n of the first octet. MIT writes the 7 named bits as one octet
// with one unused bit (03 02 01 xx); that form is what `contextFlags` produces.
const BITS: readonly (readonly [bit: number, gss: number])[] = [
  [0, GssFlags.GSS_C_DELEG_FLAG],
  [1, GssFlags.GSS_C_MUTUAL_FLAG],
  [2, GssFlags.GSS_C_REPLAY_FLAG],
  [3, GssFlags.GSS_C_SEQUENCE_FLAG],
  [4, GssFlags.GSS_C_ANON_FLAG],
  [5, GssFlags.GSS_C_CONF_FLAG],
  [6, GssFlags.GSS_C_INTEG_FLAG],
];

/**
 * ContextFlags for a GSS flag word (other GSS flags have no ContextFlags bit and are dropped).
 *
 * @example
 * ```ts
 * contextFlags(GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_INTEG_FLAG) // { unusedBits: 1, bytes: [0x42] }
 * ```
 */
export function contextFlags(gssFlags: number): BitString {
  let b = 0;
  for (const [bit, gss] of BITS) if ((gssFlags & gss) !== 0) b |= 0x80 >>> bit;
  return { unusedBits: 1, bytes: Uint8Array.of(b) };
}

/**
 * The GSS flag word of ContextFlags, whatever its length on the wire.
 *
 * @example
 * ```ts
 * gssFlagsOf({ unusedBits: 1, bytes: Uint8Array.of(0x42) }) // GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG (34)
 * ```
 */
export function gssFlagsOf(reqFlags: BitString): number {
  const first = reqFlags.bytes.length > 0 ? reqFlags.bytes[0]! : 0;
  let out = 0;
  for (const [bit, gss] of BITS) if ((first & (0x80 >>> bit)) !== 0) out |= gss;
  return out;
}
