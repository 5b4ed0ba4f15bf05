/**
 * Host address types (the addr-type field), RFC 4120 §7.5.3. Names from the RFC's table,
 * upper-cased with underscores ("DECNET Phase IV" → DECNET_PHASE_IV).
 */
export const AddressType = {
  IPV4: 2,
  DIRECTIONAL: 3,
  CHAOSNET: 5,
  XNS: 6,
  ISO: 7,
  DECNET_PHASE_IV: 12,
  APPLETALK_DDP: 16,
  NETBIOS: 20,
  IPV6: 24,
} as const;
export type AddressType = (typeof AddressType)[keyof typeof AddressType];
