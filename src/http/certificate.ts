/**
 * RFC 5929 §4.1 tls-server-end-point: the hash of the server's DER certificate, with the hash of
 * its signature algorithm — SHA-256 when that is MD5 or SHA-1, or when the algorithm names no
 * hash (Ed25519, Ed448), as Go, OpenSSL-based servers and MIT-using clients do. The certificate
 * is read as far as its signatureAlgorithm with the strict DER reader (no X.509 library).
 * @module
 */
import { oid, parseDer } from '../asn1/index.js';
import { digest } from '../crypto/index.js';
import { DecodeError, UnsupportedError } from '../errors.js';

/** The hash RFC 5929 prescribes for a signature algorithm OID, or `undefined` when unknown. */
const HASH_OF: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512' | 'sha224'>> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption → SHA-256
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption → SHA-256
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1 → SHA-256
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha256', // dsa-with-sha1 → SHA-256
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
  '1.3.101.112': 'sha256', // Ed25519: no hash of its own
  '1.3.101.113': 'sha256', // Ed448
};
/** RSASSA-PSS: the hash is in the parameters (default SHA-1, hence SHA-256). */
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const HASH_OIDS: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512' | 'sha224'>> = {
  '1.3.14.3.2.26': 'sha256', // SHA-1 → SHA-256
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

function readOid(content: Uint8Array, at: string): string {
  try {
    return oid.decode(content);
  } catch (e) {
    throw new DecodeError(`certificate ${at}: not an OBJECT IDENTIFIER`, { path: `Certificate.${at}`, offset: 0, cause: e });
  }
}

/**
 * The certificate's signatureAlgorithm OID and the hash tls-server-end-point uses with it.
 * @example
 * ```ts
 * certificateSignatureAlgorithm(der)   // { oid: '1.2.840.10045.4.3.2', hash: 'sha256' }
 * ```
 */
export function certificateSignatureAlgorithm(der: Uint8Array): { oid: string; hash: 'sha256' | 'sha384' | 'sha512' | 'sha224' } {
  if (!(der instanceof Uint8Array)) throw new TypeError('certificate must be DER bytes');
  const cert = parseDer(der);
  const parts = cert.children;
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
  if (parts?.length !== 3 || !parts[1]!.children?.length) {
    throw new DecodeError('not an X.509 certificate (SEQUENCE of tbsCertificate, signatureAlgorithm, signature)', { path: 'Certificate', offset: 0 });
  }
  const alg = parts[1]!;
  const algOid = readOid(
    der.subarray(alg.children![0]!.offset, alg.children![0]!.offset + alg.children![0]!.headerLength + alg.children![0]!.length),
    'signatureAlgorithm.algorithm',
  );
  if (algOid === RSASSA_PSS) {
    // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, … }
    const params = alg.children![1];
    const h0 = params?.children?.find((c) => c.tagClass === 2 && c.tagNumber === 0);
    const hashAlg = h0?.children?.[0]?.children?.[0];
    if (!hashAlg) return { oid: algOid, hash: 'sha256' };
    const h = HASH_OIDS[readOid(der.subarray(hashAlg.offset, hashAlg.offset + hashAlg.headerLength + hashAlg.length), 'signatureAlgorithm.parameters.hashAlgorithm')];
    if (!h) throw new UnsupportedError('RSASSA-PSS certificate with an unknown hash: no tls-server-end-point binding', { code: 'ERR_CBT_HASH' });
    return { oid: algOid, hash: h };
  }
  const hash = HASH_OF[algOid];
  if (!hash) throw new UnsupportedError(`certificate signature algorithm ${algOid} has no tls-server-end-point hash that tskrb5 knows`, { code: 'ERR_CBT_HASH' });
  return { oid: algOid, hash };
}

/**
 * The certificate hash of RFC 5929 §4.1, for `tlsServerEndPointBindings`. SHA-224 and SHA-512
 * need `hash` (the Node entry passes node:crypto's); SHA-256 and SHA-384 work anywhere.
 * @example
 * ```ts
 * const applicationData = tlsServerEndPointBindings(certificateHashForBindings(der))
 * ```
 */
export function certificateHashForBindings(der: Uint8Array, hash?: (name: 'sha224' | 'sha256' | 'sha384' | 'sha512', data: Uint8Array) => Uint8Array): Uint8Array {
  const { hash: h } = certificateSignatureAlgorithm(der);
  if (hash) return hash(h, der);
  if (h === 'sha256' || h === 'sha384') return digest(h, der);
  throw new UnsupportedError(`${h} of the certificate needs a hash function (give one)`, { code: 'ERR_CBT_HASH' });
}
