/** Transited encoding types (the tr-type field), RFC 4120 §7.5.5 (encoding in §3.3.3.2). */
export const TransitedType = {
  DOMAIN_X500_COMPRESS: 1,
} as const;
export type TransitedType = (typeof TransitedType)[keyof typeof TransitedType];
