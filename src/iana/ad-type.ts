/**
 * Authorization data types (the ad-type field). RFC 4120 §7.5.4 (1–8, 64–66, 128, 129),
 * later RFCs as marked, and the Microsoft types of MS-KILE that appear in AD tickets.
 * Names verbatim, hyphens as underscores.
 */
export const AdType = {
  AD_IF_RELEVANT: 1,
  AD_INTENDED_FOR_SERVER: 2,
  AD_INTENDED_FOR_APPLICATION_CLASS: 3,
  AD_KDC_ISSUED: 4,
  AD_AND_OR: 5,
  AD_MANDATORY_TICKET_EXTENSIONS: 6,
  AD_IN_TICKET_EXTENSIONS: 7,
  AD_MANDATORY_FOR_KDC: 8,
  AD_INITIAL_VERIFIED_CAS: 9, // RFC 4556
  OSF_DCE: 64,
  SESAME: 65,
  AD_OSF_DCE_PKI_CERTID: 66,
  AD_AUTHENTICATION_STRENGTH: 70, // RFC 6113
  AD_FX_FAST_ARMOR: 71, // RFC 6113
  AD_FX_FAST_USED: 72, // RFC 6113
  AD_CAMMAC: 96, // RFC 7751
  AD_AUTHENTICATION_INDICATOR: 97, // RFC 8129
  AD_WIN2K_PAC: 128, // the PAC (MS-PAC)
  AD_ETYPE_NEGOTIATION: 129, // RFC 4537
  KERB_AUTH_DATA_TOKEN_RESTRICTIONS: 141, // MS-KILE
  KERB_LOCAL: 142, // MS-KILE
  AD_AUTH_DATA_AP_OPTIONS: 143, // MS-KILE (KERB-AP-OPTIONS, e.g. the CBT flag)
} as const;
export type AdType = (typeof AdType)[keyof typeof AdType];
