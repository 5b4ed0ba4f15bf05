/**
 * PA-DATA (RFC 4120 §5.2.7) and the padata-value types the client and KDC read and write:
 * PA-ENC-TS-ENC, ETYPE-INFO, ETYPE-INFO2 (RFC 4120 §5.2.7.2–§5.2.7.5), METHOD-DATA (§5.9.1),
 * and Microsoft's PA-PAC-REQUEST (MS-KILE §2.2.3), PA-FOR-USER (MS-SFU §2.2.1) and
 * PA-PAC-OPTIONS (MS-KILE §2.2.10).
 *
 * The value of PA-TGS-REQ (1) is an AP-REQ (`APReq`), and that of PA-ENC-TIMESTAMP (2) an
 * EncryptedData whose plaintext is a {@link PAEncTsEnc}.
 * @module
 */
import { type Codec, bool, field, int32, kerberosFlags, kerberosString, kerberosTime, octetString, opt, seq, seqOf } from '../asn1/index.js';
import { Checksum } from './encryption.js';
import { Microseconds } from './microseconds.js';
import { PrincipalName, Realm } from './principal.js';

/** `PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }` (RFC 4120 §5.2.7; tags start at 1). */
export interface PAData {
  /** A {@link PaDataType} value. */
  padataType: number;
  padataValue: Uint8Array;
}

/**
 * The codec of {@link PAData}.
 *
 * @example
 * ```ts
 * PAData.encode({ padataType: PaDataType.PA_PAC_REQUEST, padataValue: PAPacRequest.encode({ includePac: true }) })
 * ```
 */
export const PAData: Codec<PAData> = seq('PA-DATA', {
  padataType: field(1, int32),
  padataValue: field(2, octetString),
});

/** `METHOD-DATA ::= SEQUENCE OF PA-DATA` (RFC 4120 §5.9.1): the e-data of KDC_ERR_PREAUTH_REQUIRED. */
export type MethodData = PAData[];

/**
 * The codec of {@link MethodData}.
 *
 * @example
 * ```ts
 * MethodData.decode(krbError.eData!).map((pa) => pa.padataType) // [19, 2, 16, 15]
 * ```
 */
export const MethodData: Codec<MethodData> = seqOf(PAData, 'METHOD-DATA');

/** `PA-ENC-TS-ENC ::= SEQUENCE { patimestamp [0] KerberosTime, pausec [1] Microseconds OPTIONAL }` (RFC 4120 §5.2.7.2). */
export interface PAEncTsEnc {
  patimestamp: Date;
  pausec?: number;
}

/**
 * The codec of {@link PAEncTsEnc}, the plaintext of PA-ENC-TIMESTAMP (key usage 1).
 *
 * @example
 * ```ts
 * PAEncTsEnc.encode({ patimestamp: new Date(), pausec: 123456 })
 * ```
 */
export const PAEncTsEnc: Codec<PAEncTsEnc> = seq('PA-ENC-TS-ENC', {
  patimestamp: field(0, kerberosTime),
  pausec: opt(field(1, Microseconds)),
});

/** `ETYPE-INFO-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] OCTET STRING OPTIONAL }` (RFC 4120 §5.2.7.4). */
export interface ETypeInfoEntry {
  etype: number;
  salt?: Uint8Array;
}

/**
 * The codec of {@link ETypeInfoEntry}.
 *
 * @example
 * ```ts
 * ETypeInfoEntry.encode({ etype: 23 })
 * ```
 */
export const ETypeInfoEntry: Codec<ETypeInfoEntry> = seq('ETYPE-INFO-ENTRY', {
  etype: field(0, int32),
  salt: opt(field(1, octetString)),
});

/** `ETYPE-INFO ::= SEQUENCE OF ETYPE-INFO-ENTRY` (RFC 4120 §5.2.7.4), PA-ETYPE-INFO (11). */
export type ETypeInfo = ETypeInfoEntry[];

/**
 * The codec of {@link ETypeInfo}.
 *
 * @example
 * ```ts
 * ETypeInfo.decode(pa.padataValue)
 * ```
 */
export const ETypeInfo: Codec<ETypeInfo> = seqOf(ETypeInfoEntry, 'ETYPE-INFO');

/**
 * `ETYPE-INFO2-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] KerberosString OPTIONAL,
 * s2kparams [2] OCTET STRING OPTIONAL }` (RFC 4120 §5.2.7.5).
 */
export interface ETypeInfo2Entry {
  etype: number;
  salt?: string;
  s2kparams?: Uint8Array;
}

/**
 * The codec of {@link ETypeInfo2Entry}.
 *
 * @example
 * ```ts
 * ETypeInfo2Entry.encode({ etype: 18, salt: 'EXAMPLE.COMalice' })
 * ```
 */
export const ETypeInfo2Entry: Codec<ETypeInfo2Entry> = seq('ETYPE-INFO2-ENTRY', {
  etype: field(0, int32),
  salt: opt(field(1, kerberosString)),
  s2kparams: opt(field(2, octetString)),
});

/** `ETYPE-INFO2 ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY` (RFC 4120 §5.2.7.5), PA-ETYPE-INFO2 (19). */
export type ETypeInfo2 = ETypeInfo2Entry[];

/**
 * The codec of {@link ETypeInfo2}. (The SIZE (1..MAX) constraint is not enforced: an empty
 * list is read as one, as MIT does.)
 *
 * @example
 * ```ts
 * const [best] = ETypeInfo2.decode(pa.padataValue) // { etype: 18, salt: 'EXAMPLE.COMalice' }
 * ```
 */
export const ETypeInfo2: Codec<ETypeInfo2> = seqOf(ETypeInfo2Entry, 'ETYPE-INFO2');

/** `KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN }` (MS-KILE §2.2.3), PA-PAC-REQUEST (128). */
export interface PAPacRequest {
  includePac: boolean;
}

/**
 * The codec of {@link PAPacRequest}.
 *
 * @example
 * ```ts
 * PAPacRequest.encode({ includePac: true }) // 30 05 a0 03 01 01 ff
 * ```
 */
export const PAPacRequest: Codec<PAPacRequest> = seq('KERB-PA-PAC-REQUEST', {
  includePac: field(0, bool),
});

/**
 * `PA-FOR-USER ::= SEQUENCE { userName [0] PrincipalName, userRealm [1] Realm,
 * cksum [2] Checksum, auth-package [3] KerberosString }` (MS-SFU §2.2.1), PA-FOR-USER (129),
 * the S4U2Self request. `authPackage` is `'Kerberos'`.
 */
export interface PAForUser {
  userName: PrincipalName;
  userRealm: Realm;
  cksum: Checksum;
  authPackage: string;
}

/**
 * The codec of {@link PAForUser}.
 *
 * @example
 * ```ts
 * PAForUser.encode({ userName, userRealm: 'EXAMPLE.COM', cksum, authPackage: 'Kerberos' })
 * ```
 */
export const PAForUser: Codec<PAForUser> = seq('PA-FOR-USER', {
  userName: field(0, PrincipalName, 'userName'),
  userRealm: field(1, Realm, 'userRealm'),
  cksum: field(2, Checksum),
  authPackage: field(3, kerberosString),
});

/**
 * `PA-PAC-OPTIONS ::= SEQUENCE { KerberosFlags }` with the flags at `[0]` (MS-KILE §2.2.10),
 * PA-PAC-OPTIONS (167): bit 0 claims, 1 branch-aware, 2 forward-to-full-DC,
 * 3 resource-based constrained delegation.
 */
export interface PAPacOptions {
  flags: number;
}

/**
 * The codec of {@link PAPacOptions}.
 *
 * @example
 * ```ts
 * PAPacOptions.encode({ flags: 0x10000000 }) // resource-based constrained delegation
 * ```
 */
export const PAPacOptions: Codec<PAPacOptions> = seq('PA-PAC-OPTIONS', {
  flags: field(0, kerberosFlags),
});
