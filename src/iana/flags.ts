/**
 * Bit numbers of the KerberosFlags fields, and the GSS-API flag words.
 *
 * KerberosFlags (RFC 4120 §5.2.8) is a BIT STRING whose bit 0 is the most significant bit
 * of the first octet; MIT, Heimdal and the ccache format keep the first 32 bits as one
 * 32-bit word, so bit `n` is the mask `0x80000000 >>> n` ({@link flagMask}).
 */

/** Mask of KerberosFlags bit `bit` (0 = most significant) in the 32-bit flags word. */
export function flagMask(bit: number): number {
  return 0x80000000 >>> bit;
}

/** TicketFlags bits, RFC 4120 §5.3; 15 from RFC 6806 §11, 16 from RFC 8062. */
export const TicketFlags = {
  RESERVED: 0,
  FORWARDABLE: 1,
  FORWARDED: 2,
  PROXIABLE: 3,
  PROXY: 4,
  MAY_POSTDATE: 5,
  POSTDATED: 6,
  INVALID: 7,
  RENEWABLE: 8,
  INITIAL: 9,
  PRE_AUTHENT: 10,
  HW_AUTHENT: 11,
  TRANSITED_POLICY_CHECKED: 12,
  OK_AS_DELEGATE: 13,
  ENC_PA_REP: 15, // RFC 6806
  ANONYMOUS: 16, // RFC 8062
} as const;
export type TicketFlags = (typeof TicketFlags)[keyof typeof TicketFlags];

/** KDCOptions bits, RFC 4120 §5.4.1, with the later assignments marked. */
export const KDCOptions = {
  RESERVED: 0,
  FORWARDABLE: 1,
  FORWARDED: 2,
  PROXIABLE: 3,
  PROXY: 4,
  ALLOW_POSTDATE: 5,
  POSTDATED: 6,
  RENEWABLE: 8,
  OPT_HARDWARE_AUTH: 11,
  CNAME_IN_ADDL_TKT: 14, // MS-SFU (constrained delegation, S4U2Proxy)
  CANONICALIZE: 15, // RFC 6806
  REQUEST_ANONYMOUS: 16, // RFC 8062
  DISABLE_TRANSITED_CHECK: 26,
  RENEWABLE_OK: 27,
  ENC_TKT_IN_SKEY: 28,
  RENEW: 30,
  VALIDATE: 31,
} as const;
export type KDCOptions = (typeof KDCOptions)[keyof typeof KDCOptions];

/** APOptions bits, RFC 4120 §5.5.1. */
export const APOptions = {
  RESERVED: 0,
  USE_SESSION_KEY: 1,
  MUTUAL_REQUIRED: 2,
} as const;
export type APOptions = (typeof APOptions)[keyof typeof APOptions];

/**
 * The single letters MIT `klist -f` prints for ticket flags, in the order it prints them
 * (`flags_string()` in MIT's `src/clients/klist/klist.c`). enc-pa-rep has no letter.
 */
export const TICKET_FLAG_LETTERS: ReadonlyArray<readonly [bit: number, letter: string]> = [
  [TicketFlags.FORWARDABLE, 'F'],
  [TicketFlags.FORWARDED, 'f'],
  [TicketFlags.PROXIABLE, 'P'],
  [TicketFlags.PROXY, 'p'],
  [TicketFlags.MAY_POSTDATE, 'D'],
  [TicketFlags.POSTDATED, 'd'],
  [TicketFlags.INVALID, 'i'],
  [TicketFlags.RENEWABLE, 'R'],
  [TicketFlags.INITIAL, 'I'],
  [TicketFlags.HW_AUTHENT, 'H'],
  [TicketFlags.PRE_AUTHENT, 'A'],
  [TicketFlags.TRANSITED_POLICY_CHECKED, 'T'],
  [TicketFlags.OK_AS_DELEGATE, 'O'],
  [TicketFlags.ANONYMOUS, 'a'],
];

/**
 * Ticket flags word → MIT `klist -f` letters.
 *
 * @example
 * ticketFlagLetters(0x40e10000); // 'FRIA' (forwardable, renewable, initial, pre-authent)
 */
export function ticketFlagLetters(flags: number): string {
  let out = '';
  for (const [bit, letter] of TICKET_FLAG_LETTERS) if ((flags & flagMask(bit)) !== 0) out += letter;
  return out;
}

/**
 * GSS-API context flags (req_flags / ret_flags), values as in RFC 2744; the same bits are
 * the Flags field of the RFC 4121 §4.1.1 authenticator checksum (0x8003).
 */
export const GssFlags = {
  GSS_C_DELEG_FLAG: 1,
  GSS_C_MUTUAL_FLAG: 2,
  GSS_C_REPLAY_FLAG: 4,
  GSS_C_SEQUENCE_FLAG: 8,
  GSS_C_CONF_FLAG: 16,
  GSS_C_INTEG_FLAG: 32,
  GSS_C_ANON_FLAG: 64,
  GSS_C_PROT_READY_FLAG: 128,
  GSS_C_TRANS_FLAG: 256,
  GSS_C_DCE_STYLE: 0x1000, // RFC 4757 (Microsoft)
  GSS_C_IDENTIFY_FLAG: 0x2000, // RFC 4757 (Microsoft)
  GSS_C_EXTENDED_ERROR_FLAG: 0x4000, // RFC 4757 (Microsoft)
  GSS_C_DELEG_POLICY_FLAG: 32768, // RFC 5896
} as const;
export type GssFlags = (typeof GssFlags)[keyof typeof GssFlags];

/** Flags octet of RFC 4121 MIC and Wrap tokens, RFC 4121 §4.2.2. Names verbatim. */
export const TokenFlags = {
  SentByAcceptor: 0x01,
  Sealed: 0x02,
  AcceptorSubkey: 0x04,
} as const;
export type TokenFlags = (typeof TokenFlags)[keyof typeof TokenFlags];
