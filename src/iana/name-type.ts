/**
 * Principal name types. RFC 4120 §6.2 and §7.5.8 (NT-UNKNOWN … NT-ENTERPRISE), RFC 6111 §3
 * (NT-WELLKNOWN), RFC 5179 (NT-SRV-HST-DOMAIN), and the negative Microsoft types that
 * Active Directory puts on the wire (MS-KILE; MIT's KRB5_NT_MS_PRINCIPAL and friends).
 * Names verbatim from the RFC, hyphens as underscores.
 */
export const NameType = {
  NT_UNKNOWN: 0,
  NT_PRINCIPAL: 1,
  NT_SRV_INST: 2,
  NT_SRV_HST: 3,
  NT_SRV_XHST: 4,
  NT_UID: 5,
  NT_X500_PRINCIPAL: 6,
  NT_SMTP_NAME: 7,
  NT_ENTERPRISE: 10, // RFC 4120 §6.2; semantics in RFC 6806 §5
  NT_WELLKNOWN: 11, // RFC 6111 §3
  NT_SRV_HST_DOMAIN: 12, // RFC 5179
  NT_MS_PRINCIPAL: -128, // MS-KILE (MIT KRB5_NT_MS_PRINCIPAL: UPN and SID)
  NT_MS_PRINCIPAL_AND_ID: -129, // MS-KILE (MIT KRB5_NT_MS_PRINCIPAL_AND_ID: NT 4 style name)
  NT_ENT_PRINCIPAL_AND_ID: -130, // MS-KILE (MIT KRB5_NT_ENT_PRINCIPAL_AND_ID: NT 4 name and SID)
} as const;
export type NameType = (typeof NameType)[keyof typeof NameType];
