/**
 * Object identifiers, as dotted strings: GSS-API mechanisms and name types.
 */
export const Oid = {
  /** Kerberos V5 GSS-API mechanism, RFC 1964 §1 / RFC 4121 §1. */
  KRB5: '1.2.840.113554.1.2.2',
  /**
   * Microsoft's mis-encoded Kerberos OID (48018 for 113554), listed first by Windows in
   * SPNEGO mech lists.
   */
  MS_KRB5: '1.2.840.48018.1.2.2',
  /** Pre-RFC 1964 Kerberos mechanism OID (MIT gss_mech_krb5_old). */
  KRB5_OLD: '1.3.5.1.5.2',
  /** IAKERB, draft-ietf-kitten-iakerb (MIT gss_mech_iakerb). */
  IAKERB: '1.3.6.1.5.2.5',
  /** SPNEGO, RFC 4178. */
  SPNEGO: '1.3.6.1.5.5.2',
  /** NTLMSSP (MS-NLMP), as offered in SPNEGO mech lists. */
  NTLMSSP: '1.3.6.1.4.1.311.2.2.10',
  /** NEGOEX, MS-NEGOEX. */
  NEGOEX: '1.3.6.1.4.1.311.2.2.30',
  /** GSS_C_NT_USER_NAME, RFC 2743 §4.2. */
  GSS_C_NT_USER_NAME: '1.2.840.113554.1.2.1.1',
  /** GSS_C_NT_MACHINE_UID_NAME, RFC 2743 §4.3. */
  GSS_C_NT_MACHINE_UID_NAME: '1.2.840.113554.1.2.1.2',
  /** GSS_C_NT_STRING_UID_NAME, RFC 2743 §4.4. */
  GSS_C_NT_STRING_UID_NAME: '1.2.840.113554.1.2.1.3',
  /** GSS_C_NT_HOSTBASED_SERVICE ("service@host"), RFC 2744. */
  GSS_C_NT_HOSTBASED_SERVICE: '1.2.840.113554.1.2.1.4',
  /** GSS_C_NT_HOSTBASED_SERVICE_X, the deprecated RFC 2743 §4.1 value of the same name type. */
  GSS_C_NT_HOSTBASED_SERVICE_X: '1.3.6.1.5.6.2',
  /** GSS_C_NT_ANONYMOUS, RFC 2743 §4.5. */
  GSS_C_NT_ANONYMOUS: '1.3.6.1.5.6.3',
  /** GSS_C_NT_EXPORT_NAME, RFC 2743 §4.7. */
  GSS_C_NT_EXPORT_NAME: '1.3.6.1.5.6.4',
  /** GSS_KRB5_NT_PRINCIPAL_NAME ("user@REALM" Kerberos principal), RFC 1964 §2.1.1. */
  GSS_KRB5_NT_PRINCIPAL_NAME: '1.2.840.113554.1.2.2.1',
} as const;
export type Oid = (typeof Oid)[keyof typeof Oid];

/**
 * Two-octet TOK_ID at the start of Kerberos GSS-API tokens (big-endian as a number):
 * RFC 4121 §4.1 (context tokens), §4.2.6.1 (MIC), §4.2.6.2 (Wrap); and the RFC 1964 §1.2
 * values still met from old peers.
 */
export const TokenId = {
  KRB_AP_REQ: 0x0100,
  KRB_AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
  MIC: 0x0404,
  WRAP: 0x0504,
  MIC_RFC1964: 0x0101,
  WRAP_RFC1964: 0x0201,
  DELETE_RFC1964: 0x0102,
} as const;
export type TokenId = (typeof TokenId)[keyof typeof TokenId];
