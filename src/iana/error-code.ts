/**
 * KRB-ERROR error codes. Names and numbers as in RFC 4120 §7.5.9, with the codes later
 * defined by PKINIT (RFC 4556), FAST (RFC 6113), PKINIT algorithm agility (RFC 8636) and
 * IAKERB (draft-ietf-kitten-iakerb, as MIT uses it). There is no IANA registry for these
 * numbers; the RFCs are the reference.
 */
export const ErrorCode = {
  KDC_ERR_NONE: 0,
  KDC_ERR_NAME_EXP: 1,
  KDC_ERR_SERVICE_EXP: 2,
  KDC_ERR_BAD_PVNO: 3,
  KDC_ERR_C_OLD_MAST_KVNO: 4,
  KDC_ERR_S_OLD_MAST_KVNO: 5,
  KDC_ERR_C_PRINCIPAL_UNKNOWN: 6,
  KDC_ERR_S_PRINCIPAL_UNKNOWN: 7,
  KDC_ERR_PRINCIPAL_NOT_UNIQUE: 8,
  KDC_ERR_NULL_KEY: 9,
  KDC_ERR_CANNOT_POSTDATE: 10,
  KDC_ERR_NEVER_VALID: 11,
  KDC_ERR_POLICY: 12,
  KDC_ERR_BADOPTION: 13,
  KDC_ERR_ETYPE_NOSUPP: 14,
  KDC_ERR_SUMTYPE_NOSUPP: 15,
  KDC_ERR_PADATA_TYPE_NOSUPP: 16,
  KDC_ERR_TRTYPE_NOSUPP: 17,
  KDC_ERR_CLIENT_REVOKED: 18,
  KDC_ERR_SERVICE_REVOKED: 19,
  KDC_ERR_TGT_REVOKED: 20,
  KDC_ERR_CLIENT_NOTYET: 21,
  KDC_ERR_SERVICE_NOTYET: 22,
  KDC_ERR_KEY_EXPIRED: 23,
  KDC_ERR_PREAUTH_FAILED: 24,
  KDC_ERR_PREAUTH_REQUIRED: 25,
  KDC_ERR_SERVER_NOMATCH: 26,
  KDC_ERR_MUST_USE_USER2USER: 27,
  KDC_ERR_PATH_NOT_ACCEPTED: 28,
  KDC_ERR_SVC_UNAVAILABLE: 29,
  KRB_AP_ERR_BAD_INTEGRITY: 31,
  KRB_AP_ERR_TKT_EXPIRED: 32,
  KRB_AP_ERR_TKT_NYV: 33,
  KRB_AP_ERR_REPEAT: 34,
  KRB_AP_ERR_NOT_US: 35,
  KRB_AP_ERR_BADMATCH: 36,
  KRB_AP_ERR_SKEW: 37,
  KRB_AP_ERR_BADADDR: 38,
  KRB_AP_ERR_BADVERSION: 39,
  KRB_AP_ERR_MSG_TYPE: 40,
  KRB_AP_ERR_MODIFIED: 41,
  KRB_AP_ERR_BADORDER: 42,
  KRB_AP_ERR_ILL_CR_TKT: 43, // not in RFC 4120; MIT krb5_err.et keeps it
  KRB_AP_ERR_BADKEYVER: 44,
  KRB_AP_ERR_NOKEY: 45,
  KRB_AP_ERR_MUT_FAIL: 46,
  KRB_AP_ERR_BADDIRECTION: 47,
  KRB_AP_ERR_METHOD: 48,
  KRB_AP_ERR_BADSEQ: 49,
  KRB_AP_ERR_INAPP_CKSUM: 50,
  KRB_AP_PATH_NOT_ACCEPTED: 51,
  KRB_ERR_RESPONSE_TOO_BIG: 52,
  KRB_ERR_GENERIC: 60,
  KRB_ERR_FIELD_TOOLONG: 61,
  // 62–81: RFC 4556 names (RFC 4120 §7.5.9 reserved 62–76 for PKINIT, some under other names).
  KDC_ERR_CLIENT_NOT_TRUSTED: 62,
  KDC_ERR_KDC_NOT_TRUSTED: 63,
  KDC_ERR_INVALID_SIG: 64,
  KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED: 65,
  KDC_ERR_CERTIFICATE_MISMATCH: 66,
  KRB_AP_ERR_NO_TGT: 67,
  KDC_ERR_WRONG_REALM: 68,
  KRB_AP_ERR_USER_TO_USER_REQUIRED: 69,
  KDC_ERR_CANT_VERIFY_CERTIFICATE: 70,
  KDC_ERR_INVALID_CERTIFICATE: 71,
  KDC_ERR_REVOKED_CERTIFICATE: 72,
  KDC_ERR_REVOCATION_STATUS_UNKNOWN: 73,
  KDC_ERR_REVOCATION_STATUS_UNAVAILABLE: 74,
  KDC_ERR_CLIENT_NAME_MISMATCH: 75,
  KDC_ERR_KDC_NAME_MISMATCH: 76,
  KDC_ERR_INCONSISTENT_KEY_PURPOSE: 77, // RFC 4556
  KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED: 78, // RFC 4556
  KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED: 79, // RFC 4556
  KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED: 80, // RFC 4556
  KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED: 81, // RFC 4556
  KRB_AP_ERR_IAKERB_KDC_NOT_FOUND: 85, // draft-ietf-kitten-iakerb (MIT), not in an RFC
  KRB_AP_ERR_IAKERB_KDC_NO_RESPONSE: 86, // draft-ietf-kitten-iakerb (MIT), not in an RFC
  KDC_ERR_PREAUTH_EXPIRED: 90, // RFC 6113
  KDC_ERR_MORE_PREAUTH_DATA_REQUIRED: 91, // RFC 6113
  KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET: 92, // RFC 6113
  KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS: 93, // RFC 6113 (MIT spells it ..._OPTION)
  KDC_ERR_NO_ACCEPTABLE_KDF: 100, // RFC 8636
  // RFC 4120 §7.5.9 spellings of the PKINIT-reserved codes, kept so grep finds both.
  KDC_ERROR_CLIENT_NOT_TRUSTED: 62,
  KDC_ERROR_KDC_NOT_TRUSTED: 63,
  KDC_ERROR_INVALID_SIG: 64,
  KDC_ERR_KEY_TOO_WEAK: 65,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Canonical name of each code (the first name listed in {@link ErrorCode}), by number. */
export const ERROR_CODE_NAMES: Readonly<Record<number, string>> = /* @__PURE__ */ (() => {
  const names: Record<number, string> = {};
  for (const [name, code] of Object.entries(ErrorCode)) names[code] ??= name;
  return names;
})();

/**
 * Short human messages, worded as MIT krb5's error table (`src/lib/krb5/error_tables/krb5_err.et`)
 * words them, so that output reads like `kinit`'s. Codes MIT has no sentence for are absent.
 */
export const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  0: 'No error',
  1: "Client's entry in database has expired",
  2: "Server's entry in database has expired",
  3: 'Requested protocol version not supported',
  4: "Client's key is encrypted in an old master key",
  5: "Server's key is encrypted in an old master key",
  6: 'Client not found in Kerberos database',
  7: 'Server not found in Kerberos database',
  8: 'Principal has multiple entries in Kerberos database',
  9: 'Client or server has a null key',
  10: 'Ticket is ineligible for postdating',
  11: 'Requested effective lifetime is negative or too short',
  12: 'KDC policy rejects request',
  13: "KDC can't fulfill requested option",
  14: 'KDC has no support for encryption type',
  15: 'KDC has no support for checksum type',
  16: 'KDC has no support for padata type',
  17: 'KDC has no support for transited type',
  18: 'Clients credentials have been revoked',
  19: 'Credentials for server have been revoked',
  20: 'TGT has been revoked',
  21: 'Client not yet valid - try again later',
  22: 'Server not yet valid - try again later',
  23: 'Password has expired',
  24: 'Preauthentication failed',
  25: 'Additional pre-authentication required',
  26: "Requested server and ticket don't match",
  27: 'Server principal valid for user2user only',
  28: 'KDC policy rejects transited path',
  29: 'A service is not available that is required to process the request',
  31: 'Decrypt integrity check failed',
  32: 'Ticket expired',
  33: 'Ticket not yet valid',
  34: 'Request is a replay',
  35: "The ticket isn't for us",
  36: "Ticket/authenticator don't match",
  37: 'Clock skew too great',
  38: 'Incorrect net address',
  39: 'Protocol version mismatch',
  40: 'Invalid message type',
  41: 'Message stream modified',
  42: 'Message out of order',
  43: 'Illegal cross-realm ticket',
  44: 'Key version is not available',
  45: 'Service key not available',
  46: 'Mutual authentication failed',
  47: 'Incorrect message direction',
  48: 'Alternative authentication method required',
  49: 'Incorrect sequence number in message',
  50: 'Inappropriate type of checksum in message',
  51: 'Policy rejects transited path',
  52: 'Response too big for UDP, retry with TCP',
  60: 'Generic error (see e-text)',
  61: 'Field is too long for this implementation',
  62: 'Client not trusted',
  63: 'KDC not trusted',
  64: 'Invalid signature',
  65: 'Key parameters not accepted',
  66: 'Certificate mismatch',
  67: 'No ticket granting ticket',
  68: 'Realm not local to KDC',
  69: 'User to user required',
  70: "Can't verify certificate",
  71: 'Invalid certificate',
  72: 'Revoked certificate',
  73: 'Revocation status unknown',
  74: 'Revocation status unavailable',
  75: 'Client name mismatch',
  76: 'KDC name mismatch',
  77: 'Inconsistent key purpose',
  78: 'Digest in certificate not accepted',
  79: 'Checksum must be included',
  80: 'Digest in signed-data not accepted',
  81: 'Public key encryption not supported',
  85: 'The IAKERB proxy could not find a KDC',
  86: 'The KDC did not respond to the IAKERB proxy',
  90: 'Preauthentication expired',
  91: 'More preauthentication data is required',
  93: 'An unsupported critical FAST option was requested',
  100: 'No acceptable KDF offered',
};

/**
 * Name of a KRB-ERROR code, or `error N` when the number is not registered.
 *
 * @example
 * errorCodeName(25); // 'KDC_ERR_PREAUTH_REQUIRED'
 */
export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES[code] ?? `error ${code}`;
}

/**
 * MIT's sentence for a KRB-ERROR code, or MIT's placeholder `KRB5 error code N`.
 *
 * @example
 * errorMessage(24); // 'Preauthentication failed'
 */
export function errorMessage(code: number): string {
  return ERROR_MESSAGES[code] ?? `KRB5 error code ${code}`;
}
