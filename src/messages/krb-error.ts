/**
 * KRB-ERROR and the two shapes of its e-data, METHOD-DATA and TYPED-DATA (RFC 4120 §5.9.1).
 * @module
 */
import { type Codec, type DecodeOptions, app, field, int32, kerberosString, kerberosTime, map, octetString, opt, seq, seqOf } from '../asn1/index.js';
import { DecodeError } from '../errors.js';
import { Microseconds } from './microseconds.js';
import { MethodData } from './pa-data.js';
import { PrincipalName, Realm } from './principal.js';

/**
 * `KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (30),
 * ctime [2] KerberosTime OPTIONAL, cusec [3] Microseconds OPTIONAL, stime [4] KerberosTime,
 * susec [5] Microseconds, error-code [6] Int32, crealm [7] Realm OPTIONAL,
 * cname [8] PrincipalName OPTIONAL, realm [9] Realm -- service realm --,
 * sname [10] PrincipalName -- service name --, e-text [11] KerberosString OPTIONAL,
 * e-data [12] OCTET STRING OPTIONAL }` (RFC 4120 §5.9.1).
 */
export interface KRBError {
  pvno: number;
  msgType: number;
  ctime?: Date;
  cusec?: number;
  stime: Date;
  susec: number;
  /** An {@link ErrorCode} value. */
  errorCode: number;
  crealm?: Realm;
  cname?: PrincipalName;
  realm: Realm;
  sname: PrincipalName;
  eText?: string;
  /** METHOD-DATA or TYPED-DATA depending on the error: see {@link decodeEData}. */
  eData?: Uint8Array;
}

/**
 * The codec of {@link KRBError}.
 *
 * @example
 * ```ts
 * const err = KRBError.decode(bytes)
 * if (err.errorCode === ErrorCode.KDC_ERR_PREAUTH_REQUIRED) decodeEData(err.eData!)
 * ```
 */
export const KRBError: Codec<KRBError> = app(
  30,
  seq('KRB-ERROR', {
    pvno: field(0, int32),
    msgType: field(1, int32),
    ctime: opt(field(2, kerberosTime)),
    cusec: opt(field(3, Microseconds)),
    stime: field(4, kerberosTime),
    susec: field(5, Microseconds),
    errorCode: field(6, int32),
    crealm: opt(field(7, Realm)),
    cname: opt(field(8, PrincipalName)),
    realm: field(9, Realm),
    sname: field(10, PrincipalName),
    eText: opt(field(11, kerberosString)),
    eData: opt(field(12, octetString)),
  }),
);

/** One element of {@link TypedData}: `SEQUENCE { data-type [0] Int32, data-value [1] OCTET STRING OPTIONAL }`. */
export interface TypedDataEntry {
  /** A {@link TypedDataType} value. */
  dataType: number;
  dataValue?: Uint8Array;
}

const TypedDataEntry: Codec<TypedDataEntry> = seq('TYPED-DATA', {
  dataType: field(0, int32),
  dataValue: opt(field(1, octetString)),
});

/** `TYPED-DATA ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { data-type [0] Int32, data-value [1] OCTET STRING OPTIONAL }` (RFC 4120 §5.9.1). */
export type TypedData = TypedDataEntry[];

function nonEmpty(v: TypedData): TypedData {
  if (v.length === 0) throw new DecodeError('TYPED-DATA must have at least one element');
  return v;
}

/**
 * The codec of {@link TypedData}; an empty SEQUENCE is a `DecodeError` (SIZE (1..MAX)).
 *
 * @example
 * ```ts
 * TypedData.decode(err.eData!)[0].dataType
 * ```
 */
export const TypedData: Codec<TypedData> = map(seqOf(TypedDataEntry, 'TYPED-DATA'), nonEmpty, (v) => v, 'TYPED-DATA');

/** The e-data of a KRB-ERROR, by shape. */
export type EData = { type: 'METHOD-DATA'; value: MethodData } | { type: 'TYPED-DATA'; value: TypedData };

/**
 * Decode KRB-ERROR e-data: as METHOD-DATA first (what KDC_ERR_PREAUTH_REQUIRED carries, and
 * what MIT's client tries first), else as TYPED-DATA. The two cannot be confused: PA-DATA
 * numbers its fields from [1], TYPED-DATA from [0]. Neither is a `DecodeError` whose `cause` is
 * the METHOD-DATA failure.
 *
 * @example
 * ```ts
 * const e = decodeEData(err.eData!)
 * if (e.type === 'METHOD-DATA') e.value.find((pa) => pa.padataType === PaDataType.PA_ETYPE_INFO2)
 * ```
 */
export function decodeEData(eData: Uint8Array, options?: DecodeOptions): EData {
  let first: unknown;
  try {
    return { type: 'METHOD-DATA', value: MethodData.decode(eData, options) };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    first = e;
  }
  try {
    return { type: 'TYPED-DATA', value: TypedData.decode(eData, options) };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    throw new DecodeError('e-data is neither METHOD-DATA nor TYPED-DATA', { path: 'e-data', offset: 0, cause: first });
  }
}

/**
 * The e-data as METHOD-DATA (a `DecodeError` otherwise).
 *
 * @example
 * ```ts
 * decodeMethodData(err.eData!).map((pa) => pa.padataType)
 * ```
 */
export function decodeMethodData(eData: Uint8Array, options?: DecodeOptions): MethodData {
  return MethodData.decode(eData, options);
}

/**
 * The e-data as TYPED-DATA (a `DecodeError` otherwise).
 *
 * @example
 * ```ts
 * decodeTypedData(err.eData!)[0].dataType
 * ```
 */
export function decodeTypedData(eData: Uint8Array, options?: DecodeOptions): TypedData {
  return TypedData.decode(eData, options);
}
