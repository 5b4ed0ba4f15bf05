/**
 * FAST, the flexible authentication secure tunnelling of RFC 6113 §5.4 (module KerberosV5-FX,
 * EXPLICIT TAGS): the armored request carried in PA-FX-FAST (136) of an AS-REQ or TGS-REQ, the
 * armored reply in PA-FX-FAST of a KDC-REP or of a KRB-ERROR's METHOD-DATA, and what is inside
 * them. No crypto here: `encFastReq` and `encFastRep` stay EncryptedData.
 *
 * The other FAST padata values have no type of their own: PA-FX-COOKIE (133) is opaque bytes to
 * echo, PA-FX-ERROR (137) is a DER KRB-ERROR (`KRBError`), PA-ENCRYPTED-CHALLENGE (138) is an
 * EncryptedData whose plaintext is a PA-ENC-TS-ENC (`PAEncTsEnc`), and PA-REQ-ENC-PA-REP (149,
 * RFC 6806 §11) is empty in a request and a `Checksum` in the reply's encrypted-pa-data.
 * @module
 */
import { type Codec, ctx, field, int32, kerberosFlags, kerberosTime, octetString, opt, seq, seqOf, uint32AsSent } from '../asn1/index.js';
import { Checksum, EncryptedData, EncryptionKey } from './encryption.js';
import { KDCReqBody } from './kdc-req.js';
import { Microseconds } from './microseconds.js';
import { PAData } from './pa-data.js';
import { PrincipalName, Realm } from './principal.js';

/** `KrbFastArmor ::= SEQUENCE { armor-type [0] Int32, armor-value [1] OCTET STRING, ... }` (RFC 6113 §5.4.1); type 1 is FX_FAST_ARMOR_AP_REQUEST (the value an AP-REQ). */
export interface KrbFastArmor {
  armorType: number;
  armorValue: Uint8Array;
}

/**
 * The codec of {@link KrbFastArmor}.
 *
 * @example
 * ```ts
 * KrbFastArmor.encode({ armorType: 1, armorValue: APReq.encode(apReq) })
 * ```
 */
export const KrbFastArmor: Codec<KrbFastArmor> = seq('KrbFastArmor', {
  armorType: field(0, int32),
  armorValue: field(1, octetString),
});

/**
 * `KrbFastArmoredReq ::= SEQUENCE { armor [0] KrbFastArmor OPTIONAL, req-checksum [1] Checksum,
 * enc-fast-req [2] EncryptedData -- KrbFastReq --, ... }` (RFC 6113 §5.4.2). `armor` is absent in
 * a TGS-REQ, whose armor is implicit (the PA-TGS-REQ's subkey and TGT session key).
 */
export interface KrbFastArmoredReq {
  armor?: KrbFastArmor;
  /** Over the outer KDC-REQ-BODY (AS) or the PA-TGS-REQ's AP-REQ (TGS), armor key, usage 50. */
  reqChecksum: Checksum;
  /** A {@link KrbFastReq} encrypted in the armor key, usage 51. */
  encFastReq: EncryptedData;
}

/**
 * The codec of {@link KrbFastArmoredReq}.
 *
 * @example
 * ```ts
 * KrbFastArmoredReq.encode({ armor, reqChecksum, encFastReq })
 * ```
 */
export const KrbFastArmoredReq: Codec<KrbFastArmoredReq> = seq('KrbFastArmoredReq', {
  armor: opt(field(0, KrbFastArmor)),
  reqChecksum: field(1, Checksum),
  encFastReq: field(2, EncryptedData),
});

/** `PA-FX-FAST-REQUEST ::= CHOICE { armored-data [0] KrbFastArmoredReq, ... }` (RFC 6113 §5.4.2), the value of PA-FX-FAST (136) in a request; its one alternative as the value. */
export type PAFxFastRequest = KrbFastArmoredReq;

/**
 * The codec of {@link PAFxFastRequest}.
 *
 * @example
 * ```ts
 * const armored = PAFxFastRequest.decode(asReq.padata!.find((p) => p.padataType === PaDataType.PA_FX_FAST)!.padataValue)
 * ```
 */
export const PAFxFastRequest: Codec<PAFxFastRequest> = ctx(0, KrbFastArmoredReq);

/**
 * `KrbFastReq ::= SEQUENCE { fast-options [0] FastOptions, padata [1] SEQUENCE OF PA-DATA,
 * req-body [2] KDC-REQ-BODY, ... }` (RFC 6113 §5.4.2), the plaintext of `encFastReq`.
 * `FastOptions ::= KerberosFlags`: bit 1 hide-client-names, bit 16 kdc-follow-referrals; bits
 * 0–15 are critical.
 */
export interface KrbFastReq {
  fastOptions: number;
  padata: PAData[];
  reqBody: KDCReqBody;
}

/**
 * The codec of {@link KrbFastReq}.
 *
 * @example
 * ```ts
 * KrbFastReq.encode({ fastOptions: 0, padata: [], reqBody })
 * ```
 */
export const KrbFastReq: Codec<KrbFastReq> = seq('KrbFastReq', {
  fastOptions: field(0, kerberosFlags),
  padata: field(1, seqOf(PAData, 'SEQUENCE OF PA-DATA')),
  reqBody: field(2, KDCReqBody),
});

/** `KrbFastArmoredRep ::= SEQUENCE { enc-fast-rep [0] EncryptedData -- KrbFastResponse --, ... }` (RFC 6113 §5.4.3). */
export interface KrbFastArmoredRep {
  /** A {@link KrbFastResponse} encrypted in the armor key, usage 52. */
  encFastRep: EncryptedData;
}

/**
 * The codec of {@link KrbFastArmoredRep}.
 *
 * @example
 * ```ts
 * KrbFastArmoredRep.decode(bytes).encFastRep.cipher
 * ```
 */
export const KrbFastArmoredRep: Codec<KrbFastArmoredRep> = seq('KrbFastArmoredRep', {
  encFastRep: field(0, EncryptedData),
});

/** `PA-FX-FAST-REPLY ::= CHOICE { armored-data [0] KrbFastArmoredRep, ... }` (RFC 6113 §5.4.3), the value of PA-FX-FAST in a reply or a KRB-ERROR. */
export type PAFxFastReply = KrbFastArmoredRep;

/**
 * The codec of {@link PAFxFastReply}.
 *
 * @example
 * ```ts
 * const { encFastRep } = PAFxFastReply.decode(pa.padataValue)
 * ```
 */
export const PAFxFastReply: Codec<PAFxFastReply> = ctx(0, KrbFastArmoredRep);

/**
 * `KrbFastFinished ::= SEQUENCE { timestamp [0] KerberosTime, usec [1] Microseconds,
 * crealm [2] Realm, cname [3] PrincipalName, ticket-checksum [4] Checksum, ... }`
 * (RFC 6113 §5.4.3): in a successful reply, the client name the KDC authenticated and a checksum
 * over the reply's Ticket (armor key, usage 53).
 */
export interface KrbFastFinished {
  timestamp: Date;
  usec: number;
  crealm: Realm;
  cname: PrincipalName;
  ticketChecksum: Checksum;
}

/**
 * The codec of {@link KrbFastFinished}.
 *
 * @example
 * ```ts
 * KrbFastFinished.decode(bytes).ticketChecksum
 * ```
 */
export const KrbFastFinished: Codec<KrbFastFinished> = seq('KrbFastFinished', {
  timestamp: field(0, kerberosTime),
  usec: field(1, Microseconds),
  crealm: field(2, Realm),
  cname: field(3, PrincipalName),
  ticketChecksum: field(4, Checksum),
});

/**
 * `KrbFastResponse ::= SEQUENCE { padata [0] SEQUENCE OF PA-DATA, strengthen-key [1]
 * EncryptionKey OPTIONAL, finished [2] KrbFastFinished OPTIONAL, nonce [3] UInt32, ... }`
 * (RFC 6113 §5.4.3), the plaintext of `encFastRep`: the padata that replace the outer ones (in an
 * error, PA-FX-ERROR with the real KRB-ERROR), the key that strengthens the reply key, and the
 * request's nonce.
 */
export interface KrbFastResponse {
  padata: PAData[];
  strengthenKey?: EncryptionKey;
  finished?: KrbFastFinished;
  nonce: number;
}

/**
 * The codec of {@link KrbFastResponse}.
 *
 * @example
 * ```ts
 * const r = KrbFastResponse.decode(decrypt(armorKey, KeyUsage.FAST_REP, encFastRep.cipher))
 * ```
 */
export const KrbFastResponse: Codec<KrbFastResponse> = seq('KrbFastResponse', {
  padata: field(0, seqOf(PAData, 'SEQUENCE OF PA-DATA')),
  strengthenKey: opt(field(1, EncryptionKey)),
  finished: opt(field(2, KrbFastFinished)),
  nonce: field(3, uint32AsSent),
});
