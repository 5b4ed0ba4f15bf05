/**
 * AuthorizationData and the containers RFC 4120 defines for it (§5.2.6.1–§5.2.6.4). The
 * contents of other ad-types (AD-WIN2K-PAC, …) stay bytes in `adData`.
 * @module
 */
import { type Codec, field, int32, octetString, opt, seq, seqOf } from '../asn1/index.js';
import { Checksum } from './encryption.js';
import { PrincipalName, Realm } from './principal.js';

/** One element of {@link AuthorizationData}: `SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING }`. */
export interface AuthorizationDataEntry {
  /** An {@link AdType} value. */
  adType: number;
  adData: Uint8Array;
}

const AuthorizationDataEntry: Codec<AuthorizationDataEntry> = seq('AuthorizationData', {
  adType: field(0, int32),
  adData: field(1, octetString),
});

/** `AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING }` (RFC 4120 §5.2.6). */
export type AuthorizationData = AuthorizationDataEntry[];

/**
 * The codec of {@link AuthorizationData}.
 *
 * @example
 * ```ts
 * AuthorizationData.encode([{ adType: AdType.AD_IF_RELEVANT, adData: ADIfRelevant.encode([{ adType: AdType.AD_WIN2K_PAC, adData: pac }]) }])
 * ```
 */
export const AuthorizationData: Codec<AuthorizationData> = seqOf(AuthorizationDataEntry, 'AuthorizationData');

/** `AD-IF-RELEVANT ::= AuthorizationData` (RFC 4120 §5.2.6.1): the ad-data of ad-type 1. */
export type ADIfRelevant = AuthorizationData;

/**
 * The codec of {@link ADIfRelevant}.
 *
 * @example
 * ```ts
 * ADIfRelevant.decode(entry.adData).find((e) => e.adType === AdType.AD_WIN2K_PAC)
 * ```
 */
export const ADIfRelevant: Codec<ADIfRelevant> = seqOf(AuthorizationDataEntry, 'AD-IF-RELEVANT');

/**
 * `AD-KDCIssued ::= SEQUENCE { ad-checksum [0] Checksum, i-realm [1] Realm OPTIONAL,
 * i-sname [2] PrincipalName OPTIONAL, elements [3] AuthorizationData }` (RFC 4120 §5.2.6.2).
 */
export interface ADKDCIssued {
  adChecksum: Checksum;
  iRealm?: Realm;
  iSname?: PrincipalName;
  elements: AuthorizationData;
}

/**
 * The codec of {@link ADKDCIssued}.
 *
 * @example
 * ```ts
 * ADKDCIssued.decode(entry.adData).elements
 * ```
 */
export const ADKDCIssued: Codec<ADKDCIssued> = seq('AD-KDCIssued', {
  adChecksum: field(0, Checksum),
  iRealm: opt(field(1, Realm)),
  iSname: opt(field(2, PrincipalName)),
  elements: field(3, AuthorizationData),
});

/** `AD-AND-OR ::= SEQUENCE { condition-count [0] Int32, elements [1] AuthorizationData }` (RFC 4120 §5.2.6.3). */
export interface ADAndOr {
  conditionCount: number;
  elements: AuthorizationData;
}

/**
 * The codec of {@link ADAndOr}.
 *
 * @example
 * ```ts
 * ADAndOr.encode({ conditionCount: 1, elements: [] })
 * ```
 */
export const ADAndOr: Codec<ADAndOr> = seq('AD-AND-OR', {
  conditionCount: field(0, int32),
  elements: field(1, AuthorizationData),
});

/** `AD-MANDATORY-FOR-KDC ::= AuthorizationData` (RFC 4120 §5.2.6.4). */
export type ADMandatoryForKDC = AuthorizationData;

/**
 * The codec of {@link ADMandatoryForKDC}.
 *
 * @example
 * ```ts
 * ADMandatoryForKDC.decode(entry.adData)
 * ```
 */
export const ADMandatoryForKDC: Codec<ADMandatoryForKDC> = seqOf(AuthorizationDataEntry, 'AD-MANDATORY-FOR-KDC');
