/**
 * EncryptionKey, EncryptedData and Checksum (RFC 4120 §5.2.9): opaque bytes with their type
 * numbers. The messages layer never encrypts or decrypts; `cipher` stays opaque.
 * @module
 */
import { type Codec, field, int32, map, octetString, opt, seq, uint32AsSent } from '../asn1/index.js';
import { keyLengthProblem } from '../iana/index.js';
import { SecretEncryptionKey } from '../util/secret.js';

/** `EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }` (RFC 4120 §5.2.9). */
export interface EncryptedData {
  /** An {@link EncType} value. */
  etype: number;
  kvno?: number;
  cipher: Uint8Array;
}

/**
 * The codec of {@link EncryptedData}.
 *
 * @example
 * ```ts
 * EncryptedData.encode({ etype: 18, kvno: 2, cipher }) // 30 .. a0 03 02 01 12 a1 03 02 01 02 a2 ..
 * ```
 */
export const EncryptedData: Codec<EncryptedData> = seq('EncryptedData', {
  etype: field(0, int32),
  kvno: opt(field(1, uint32AsSent)),
  cipher: field(2, octetString),
});

/** `EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING }` (RFC 4120 §5.2.9). */
export interface EncryptionKey {
  /** An {@link EncType} value. */
  keytype: number;
  keyvalue: Uint8Array;
}

/**
 * The codec of {@link EncryptionKey}. A key of a known enctype whose length is not that
 * enctype's is refused where it is decoded (a `DecodeError`), as a key arriving on the wire must
 * be; an unknown enctype is kept, for its user to refuse. Decoded keys print as
 * `[redacted: N bytes]` in `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * EncryptionKey.decode(bytes).keytype // 18
 * ```
 */
export const EncryptionKey: Codec<EncryptionKey> = map(
  seq('EncryptionKey', {
    keytype: field(0, int32),
    keyvalue: field(1, octetString),
  }),
  (k): EncryptionKey => {
    const problem = keyLengthProblem(k.keytype, k.keyvalue.length);
    if (problem) throw new RangeError(problem);
    return new SecretEncryptionKey(k.keytype, k.keyvalue);
  },
  (k) => k,
);

/** `Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING }` (RFC 4120 §5.2.9). */
export interface Checksum {
  /** A {@link ChecksumType} value. */
  cksumtype: number;
  checksum: Uint8Array;
}

/**
 * The codec of {@link Checksum}.
 *
 * @example
 * ```ts
 * Checksum.encode({ cksumtype: 0x8003, checksum: gssChecksumBytes }) // RFC 4121 §4.1.1
 * ```
 */
export const Checksum: Codec<Checksum> = seq('Checksum', {
  cksumtype: field(0, int32),
  checksum: field(1, octetString),
});
