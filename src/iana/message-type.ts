/**
 * Message types (the msg-type field), RFC 4120 §7.5.7. Names verbatim.
 */
export const MessageType = {
  KRB_AS_REQ: 10,
  KRB_AS_REP: 11,
  KRB_TGS_REQ: 12,
  KRB_TGS_REP: 13,
  KRB_AP_REQ: 14,
  KRB_AP_REP: 15,
  KRB_RESERVED16: 16, // reserved for user-to-user krb_tgt_request
  KRB_RESERVED17: 17, // reserved for user-to-user krb_tgt_reply
  KRB_SAFE: 20,
  KRB_PRIV: 21,
  KRB_CRED: 22,
  KRB_ERROR: 30,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * ASN.1 [APPLICATION n] tag of each RFC 4120 §5 type that has one, keyed by the type's
 * TypeScript name (RFC name with hyphens dropped: `AS-REQ` → `ASReq`). For the protocol
 * messages the tag equals the msg-type; the encrypted parts and Ticket have their own.
 */
export const ApplicationTag = {
  Ticket: 1, // §5.3
  Authenticator: 2, // §5.5.1
  EncTicketPart: 3, // §5.3
  ASReq: 10, // §5.4.1
  ASRep: 11, // §5.4.2
  TGSReq: 12, // §5.4.1
  TGSRep: 13, // §5.4.2
  APReq: 14, // §5.5.1
  APRep: 15, // §5.5.2
  KRBSafe: 20, // §5.6.1
  KRBPriv: 21, // §5.7.1
  KRBCred: 22, // §5.8.1
  EncASRepPart: 25, // §5.4.2
  EncTGSRepPart: 26, // §5.4.2
  EncAPRepPart: 27, // §5.5.2
  EncKrbPrivPart: 28, // §5.7.1
  EncKrbCredPart: 29, // §5.8.1
  KRBError: 30, // §5.9.1
} as const;
export type ApplicationTag = (typeof ApplicationTag)[keyof typeof ApplicationTag];
