/**
 * Pre-authentication data types: the IANA "Pre-authentication and Typed Data" registry
 * (RFC 4120 §7.5.2 and later RFCs; MS-KILE and MS-SFU for the Microsoft numbers). Names
 * verbatim from the registry, hyphens as underscores. Where two names share a number both
 * are kept, the registry's first. The TD-* (typed data) half of the registry is
 * {@link TypedDataType}.
 */
export const PaDataType = {
  PA_TGS_REQ: 1,
  PA_ENC_TIMESTAMP: 2,
  PA_PW_SALT: 3,
  PA_ENC_UNIX_TIME: 5, // deprecated
  PA_SANDIA_SECUREID: 6,
  PA_SESAME: 7,
  PA_OSF_DCE: 8,
  PA_CYBERSAFE_SECUREID: 9,
  PA_AFS3_SALT: 10, // RFC 4120, RFC 3961
  PA_ETYPE_INFO: 11,
  PA_SAM_CHALLENGE: 12,
  PA_SAM_RESPONSE: 13,
  PA_PK_AS_REQ_OLD: 14, // draft PKINIT, still sent by Windows
  PA_PK_AS_REP_OLD: 15,
  PA_PK_AS_REQ: 16, // RFC 4556
  PA_PK_AS_REP: 17, // RFC 4556
  PA_PK_OCSP_RESPONSE: 18, // RFC 4557
  PA_ETYPE_INFO2: 19,
  PA_USE_SPECIFIED_KVNO: 20,
  PA_SVR_REFERRAL_INFO: 20, // RFC 6806 (shares 20)
  PA_SAM_REDIRECT: 21,
  PA_GET_FROM_TYPED_DATA: 22,
  PA_SAM_ETYPE_INFO: 23,
  PA_ALT_PRINC: 24,
  PA_SERVER_REFERRAL: 25,
  PA_SAM_CHALLENGE2: 30,
  PA_SAM_RESPONSE2: 31,
  PA_EXTRA_TGT: 41, // RFC 6113 (reserved)
  PA_PAC_REQUEST: 128, // MS-KILE
  PA_FOR_USER: 129, // MS-SFU (S4U2Self)
  PA_FOR_X509_USER: 130, // registry name
  PA_S4U_X509_USER: 130, // MS-SFU name for the same number
  PA_FOR_CHECK_DUPS: 131,
  PA_AS_CHECKSUM: 132,
  PA_FX_COOKIE: 133, // RFC 6113
  PA_AUTHENTICATION_SET: 134, // RFC 6113
  PA_AUTH_SET_SELECTED: 135, // RFC 6113
  PA_FX_FAST: 136, // RFC 6113
  PA_FX_ERROR: 137, // RFC 6113
  PA_ENCRYPTED_CHALLENGE: 138, // RFC 6113
  PA_OTP_CHALLENGE: 141, // RFC 6560
  PA_OTP_REQUEST: 142, // RFC 6560
  PA_OTP_CONFIRM: 143, // RFC 6560 (obsolete)
  PA_OTP_PIN_CHANGE: 144, // RFC 6560
  PA_EPAK_AS_REQ: 145,
  PA_EPAK_AS_REP: 146,
  PA_PKINIT_KX: 147, // RFC 6112, RFC 8062 (anonymous PKINIT)
  PA_PKU2U_NAME: 148,
  PA_REQ_ENC_PA_REP: 149, // RFC 6806
  PA_AS_FRESHNESS: 150, // RFC 8070
  PA_SPAKE: 151, // draft-ietf-kitten-krb-spake-preauth (MIT)
  PA_REDHAT_IDP_OAUTH2: 152, // Red Hat (MIT krb5.h)
  PA_REDHAT_PASSKEY: 153, // Red Hat (MIT krb5.h)
  KERB_KEY_LIST_REQ: 161, // MS-KILE
  KERB_KEY_LIST_REP: 162, // MS-KILE
  PA_SUPPORTED_ETYPES: 165, // MS-KILE (PA-SUPPORTED-ENCTYPES there)
  PA_EXTENDED_ERROR: 166, // MS-KILE
  PA_PAC_OPTIONS: 167, // MS-KILE, MS-SFU
} as const;
export type PaDataType = (typeof PaDataType)[keyof typeof PaDataType];

/**
 * The TD-* entries of the same IANA registry: types of TYPED-DATA in KRB-ERROR e-data
 * (RFC 4120 §5.9.1, RFC 4556).
 */
export const TypedDataType = {
  TD_PADATA: 22, // shares 22 with PA-GET-FROM-TYPED-DATA
  TD_PKINIT_CMS_CERTIFICATES: 101, // RFC 4556
  TD_KRB_PRINCIPAL: 102,
  TD_KRB_REALM: 103,
  TD_TRUSTED_CERTIFIERS: 104, // RFC 4556
  TD_CERTIFICATE_INDEX: 105, // RFC 4556
  TD_APP_DEFINED_ERROR: 106, // RFC 4120
  TD_REQ_NONCE: 107, // RFC 4120
  TD_REQ_SEQ: 108, // RFC 4120
  TD_DH_PARAMETERS: 109, // RFC 4556
  TD_CMS_DIGEST_ALGORITHMS: 111, // RFC 8636
  TD_CERT_DIGEST_ALGORITHMS: 112, // RFC 8636
} as const;
export type TypedDataType = (typeof TypedDataType)[keyof typeof TypedDataType];
