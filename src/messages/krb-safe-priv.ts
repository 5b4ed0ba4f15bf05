/**
 * KRB-SAFE (RFC 4120 §5.6.1) and KRB-PRIV (RFC 4120 §5.7.1).
 * @module
 */
import { type Codec, app, field, int32, kerberosTime, octetString, opt, seq, uint32AsSent } from '../asn1/index.js';
import { Checksum, EncryptedData } from './encryption.js';
import { HostAddress } from './host-address.js';
import { Microseconds } from './microseconds.js';

/**
 * `KRB-SAFE-BODY ::= SEQUENCE { user-data [0] OCTET STRING, timestamp [1] KerberosTime OPTIONAL,
 * usec [2] Microseconds OPTIONAL, seq-number [3] UInt32 OPTIONAL, s-address [4] HostAddress,
 * r-address [5] HostAddress OPTIONAL }` (RFC 4120 §5.6.1).
 */
export interface KRBSafeBody {
  userData: Uint8Array;
  timestamp?: Date;
  usec?: number;
  seqNumber?: number;
  sAddress: HostAddress;
  rAddress?: HostAddress;
}

/**
 * The codec of {@link KRBSafeBody} (the bytes the KRB-SAFE checksum covers).
 *
 * @example
 * ```ts
 * KRBSafeBody.encode({ userData, sAddress })
 * ```
 */
export const KRBSafeBody: Codec<KRBSafeBody> = seq('KRB-SAFE-BODY', {
  userData: field(0, octetString),
  timestamp: opt(field(1, kerberosTime)),
  usec: opt(field(2, Microseconds)),
  seqNumber: opt(field(3, uint32AsSent)),
  sAddress: field(4, HostAddress),
  rAddress: opt(field(5, HostAddress)),
});

/**
 * `KRB-SAFE ::= [APPLICATION 20] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (20),
 * safe-body [2] KRB-SAFE-BODY, cksum [3] Checksum }` (RFC 4120 §5.6.1).
 */
export interface KRBSafe {
  pvno: number;
  msgType: number;
  safeBody: KRBSafeBody;
  cksum: Checksum;
}

/**
 * The codec of {@link KRBSafe}.
 *
 * @example
 * ```ts
 * KRBSafe.decode(bytes).safeBody.userData
 * ```
 */
export const KRBSafe: Codec<KRBSafe> = app(
  20,
  seq('KRB-SAFE', {
    pvno: field(0, int32),
    msgType: field(1, int32),
    safeBody: field(2, KRBSafeBody),
    cksum: field(3, Checksum),
  }),
);

/**
 * `KRB-PRIV ::= [APPLICATION 21] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (21),
 * enc-part [3] EncryptedData }` (RFC 4120 §5.7.1; there is no [2]).
 */
export interface KRBPriv {
  pvno: number;
  msgType: number;
  /** An EncKrbPrivPart (key usage 13). */
  encPart: EncryptedData;
}

/**
 * The codec of {@link KRBPriv}.
 *
 * @example
 * ```ts
 * KRBPriv.encode({ pvno: 5, msgType: MessageType.KRB_PRIV, encPart })
 * ```
 */
export const KRBPriv: Codec<KRBPriv> = app(
  21,
  seq('KRB-PRIV', {
    pvno: field(0, int32),
    msgType: field(1, int32),
    encPart: field(3, EncryptedData),
  }),
);

/**
 * `EncKrbPrivPart ::= [APPLICATION 28] SEQUENCE { user-data [0] OCTET STRING,
 * timestamp [1] KerberosTime OPTIONAL, usec [2] Microseconds OPTIONAL,
 * seq-number [3] UInt32 OPTIONAL, s-address [4] HostAddress, r-address [5] HostAddress OPTIONAL }`
 * (RFC 4120 §5.7.1).
 */
export type EncKrbPrivPart = KRBSafeBody;

/**
 * The codec of {@link EncKrbPrivPart}.
 *
 * @example
 * ```ts
 * EncKrbPrivPart.decode(plaintext).userData
 * ```
 */
export const EncKrbPrivPart: Codec<EncKrbPrivPart> = app(
  28,
  seq('EncKrbPrivPart', {
    userData: field(0, octetString),
    timestamp: opt(field(1, kerberosTime)),
    usec: opt(field(2, Microseconds)),
    seqNumber: opt(field(3, uint32AsSent)),
    sAddress: field(4, HostAddress),
    rAddress: opt(field(5, HostAddress)),
  }),
);
