/**
 * GSS-API major status values, RFC 2744 §3.9.1 (the C bindings' numbers, which MIT, Heimdal and
 * python-gssapi report): routine errors in bits 16–23, supplementary information in bits 0–15.
 * Names verbatim.
 */
export const GssStatus = {
  GSS_S_COMPLETE: 0,
  GSS_S_BAD_MECH: 1 << 16,
  GSS_S_BAD_NAME: 2 << 16,
  GSS_S_BAD_NAMETYPE: 3 << 16,
  GSS_S_BAD_BINDINGS: 4 << 16,
  GSS_S_BAD_STATUS: 5 << 16,
  GSS_S_BAD_SIG: 6 << 16,
  GSS_S_BAD_MIC: 6 << 16,
  GSS_S_NO_CRED: 7 << 16,
  GSS_S_NO_CONTEXT: 8 << 16,
  GSS_S_DEFECTIVE_TOKEN: 9 << 16,
  GSS_S_DEFECTIVE_CREDENTIAL: 10 << 16,
  GSS_S_CREDENTIALS_EXPIRED: 11 << 16,
  GSS_S_CONTEXT_EXPIRED: 12 << 16,
  GSS_S_FAILURE: 13 << 16,
  GSS_S_BAD_QOP: 14 << 16,
  GSS_S_UNAUTHORIZED: 15 << 16,
  GSS_S_UNAVAILABLE: 16 << 16,
  GSS_S_DUPLICATE_ELEMENT: 17 << 16,
  GSS_S_NAME_NOT_MN: 18 << 16,
  GSS_S_CONTINUE_NEEDED: 1 << 0,
  GSS_S_DUPLICATE_TOKEN: 1 << 1,
  GSS_S_OLD_TOKEN: 1 << 2,
  GSS_S_UNSEQ_TOKEN: 1 << 3,
  GSS_S_GAP_TOKEN: 1 << 4,
} as const;
export type GssStatus = (typeof GssStatus)[keyof typeof GssStatus];
