/**
 * The FAST registries of RFC 6113 §7 (IANA "FAST Armor Types" and "FAST Options").
 */
/** The FAST armor types (RFC 6113 §5.4.1, IANA "FAST Armor Types"). */
export const FastArmorType = {
  FX_FAST_ARMOR_AP_REQUEST: 1,
} as const;
export type FastArmorType = (typeof FastArmorType)[keyof typeof FastArmorType];

/** FastOptions bits (RFC 6113 §5.4.1, IANA "FAST Options"): bits 0–15 are critical. */
export const FastOption = {
  RESERVED: 0,
  HIDE_CLIENT_NAMES: 1,
  KDC_FOLLOW_REFERRALS: 16,
} as const;
export type FastOption = (typeof FastOption)[keyof typeof FastOption];
