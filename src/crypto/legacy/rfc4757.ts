/**
 * rc4-hmac (23) and its hmac-md5 checksum (-138), RFC 4757. Weak: RC4 and MD4/MD5. Reachable
 * only through the public API with `allowWeakCrypto: true`.
 * @module
 */

import { IntegrityError } from '../../errors.js';
import { ChecksumType, EncType } from '../../iana/index.js';
import { constantTimeEqual, fromUtf8, u32le, utf8, wipe } from '../../util/bytes.js';
import { backend, randomInto } from '../backend.js';
import type { EncTypeProfile } from '../profile.js';
import { md4 } from './md4.js';
import { rc4 } from './rc4.js';

const SIGNATURE_KEY = utf8('signaturekey\0');

/**
 * RFC 4757 §3: the Kerberos usage numbers as Microsoft's implementation uses them: the AS-REP
 * enc-part takes 8, and usage 23 takes 13. The RFC's table also sends the TGS-REP under a
 * subkey (9) to 8, but Windows, MIT and Heimdal all use 9 there; like MIT we send 9 and, when
 * decrypting usage 9, accept 8 as well (what an RFC-following KDC would send).
 */
export function translateUsage(usage: number): number {
  switch (usage) {
    case 3:
      return 8;
    case 23:
      return 13;
    default:
      return usage;
  }
}

/** UTF-16LE of UTF-8 password bytes (RFC 4757 §2: the password in Unicode). */
function utf16le(passwordUtf8: Uint8Array): Uint8Array {
  let text: string;
  try {
    text = fromUtf8(passwordUtf8);
  } catch {
    throw new RangeError('rc4-hmac string-to-key: password is not valid UTF-8');
  }
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

const hmacMd5 = (key: Uint8Array, data: Uint8Array, more?: Uint8Array) => backend().hmacKey('md5', key).mac(data, more);

export const rc4Hmac: EncTypeProfile = {
  etype: EncType.RC4_HMAC,
  name: 'arcfour-hmac',
  keyBytes: 16,
  cksumtype: ChecksumType.HMAC_MD5,
  checksumBytes: 16,
  overhead: 16 + 8,
  weak: true,
  defaultParams: new Uint8Array(0),

  // RFC 4757 §2: K = MD4(UNICODE(password)); the salt is not used.
  stringToKey(password) {
    const u = utf16le(password);
    const k = md4(u);
    wipe(u);
    return k;
  },

  randomToKey(bytes) {
    return bytes.slice(0, 16);
  },

  // RFC 4757 §4: K1 = HMAC-MD5(K, usage as 4 LE bytes); checksum = HMAC-MD5(K1, confounder |
  // plaintext); K3 = HMAC-MD5(K1, checksum); output = checksum | RC4(K3, confounder | plaintext).
  encrypt(key, usage, plaintext, confounder) {
    const k1 = hmacMd5(key, u32le(translateUsage(usage)));
    const data = new Uint8Array(8 + plaintext.length);
    if (confounder) data.set(confounder);
    else randomInto(data, 0, 8);
    data.set(plaintext, 8);
    const cksum = hmacMd5(k1, data);
    const k3 = hmacMd5(k1, cksum);
    const out = new Uint8Array(16 + data.length);
    out.set(cksum);
    out.set(rc4(k3, data), 16);
    wipe(k1, k3, data);
    return out;
  },

  decrypt(key, usage, ciphertext) {
    if (ciphertext.length < 16 + 8) throw new IntegrityError();
    const plaintext = decryptAs(key, translateUsage(usage), ciphertext) ?? (usage === 9 ? decryptAs(key, 8, ciphertext) : undefined);
    if (!plaintext) throw new IntegrityError();
    return plaintext;
  },

  // RFC 4757 §4: Ksign = HMAC-MD5(K, "signaturekey\0"); tmp = MD5(usage LE | data);
  // checksum = HMAC-MD5(Ksign, tmp).
  checksum(key, usage, data) {
    const ksign = hmacMd5(key, SIGNATURE_KEY);
    const tmp = backend()
      .hmacKey('md5', ksign)
      .mac(md5Of(u32le(translateUsage(usage)), data));
    wipe(ksign);
    return tmp;
  },

  // RFC 4757 defines no PRF; MIT's arcfour PRF (which Heimdal matches) is HMAC-SHA1(key, input).
  prf(key, input) {
    return backend().hmacKey('sha1', key).mac(input);
  },
};

/** RFC 4757 §4 decryption under Microsoft usage `msUsage`; undefined when the MAC fails. */
function decryptAs(key: Uint8Array, msUsage: number, ciphertext: Uint8Array): Uint8Array | undefined {
  const k1 = hmacMd5(key, u32le(msUsage));
  const cksum = ciphertext.subarray(0, 16);
  const k3 = hmacMd5(k1, cksum);
  const data = rc4(k3, ciphertext.subarray(16));
  const ok = constantTimeEqual(hmacMd5(k1, data), cksum);
  wipe(k1, k3);
  if (!ok) {
    wipe(data);
    return undefined;
  }
  const plaintext = data.slice(8);
  wipe(data);
  return plaintext;
}

function md5Of(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(a.length + b.length);
  buf.set(a);
  buf.set(b, a.length);
  return backend().digest('md5', buf);
}
