/**
 * aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20), RFC 8009: AES-CTS with
 * keys from KDF-HMAC-SHA2 (the SP 800-108 counter-mode KDF) and an HMAC-SHA2 over IV | C.
 * @module
 */

import { IntegrityError } from '../errors.js';
import { ChecksumType, EncType } from '../iana/index.js';
import { u32be, utf8, wipe } from '../util/bytes.js';
import { backend, type HashName } from './backend.js';
import { KC, KE, KI, usageConstant } from './dk.js';
import { usageKeys, type UsageKeys } from './key-cache.js';
import type { EncTypeProfile } from './profile.js';
import { iterationCount } from './s2k-params.js';
import { confounded, equalAt, scratch, SMALL_PLAINTEXT } from './scratch.js';

const ZERO_IV = new Uint8Array(16);
const KERBEROS = utf8('kerberos');
const PRF_LABEL = utf8('prf');

/**
 * RFC 8009 §3: KDF-HMAC-SHA2(key, label, [context,] k) = k-truncate(HMAC(key, 1 | label | 0x00 |
 * [context |] k)), with 1 and k as 32-bit big-endian numbers, k in bits. One HMAC block is
 * enough for every k this profile uses (k ≤ the hash length).
 */
export function kdfHmacSha2(hash: HashName, key: Uint8Array, label: Uint8Array, bits: number, context?: Uint8Array): Uint8Array {
  const ctx = context ?? new Uint8Array(0);
  const input = new Uint8Array(4 + label.length + 1 + ctx.length + 4);
  input.set(u32be(1), 0);
  input.set(label, 4);
  input[4 + label.length] = 0;
  input.set(ctx, 5 + label.length);
  input.set(u32be(bits), 5 + label.length + ctx.length);
  const out = backend().hmacKey(hash, key).mac(input);
  return out.slice(0, bits / 8);
}

function makeProfile(etype: typeof EncType.AES128_CTS_HMAC_SHA256_128 | typeof EncType.AES256_CTS_HMAC_SHA384_192): EncTypeProfile {
  const is128 = etype === EncType.AES128_CTS_HMAC_SHA256_128;
  const hash: HashName = is128 ? 'sha256' : 'sha384';
  const name = is128 ? 'aes128-cts-hmac-sha256-128' : 'aes256-cts-hmac-sha384-192';
  const keyBytes = is128 ? 16 : 32;
  const h = is128 ? 16 : 24; // truncated HMAC length
  const prfBits = is128 ? 256 : 384;
  const nameBytes = utf8(name);

  function encKeys(key: Uint8Array, usage: number): Required<Pick<UsageKeys, 'ke' | 'ki'>> {
    const u = usageKeys(key, etype, usage);
    if (!u.ke || !u.ki) {
      const ke = kdfHmacSha2(hash, key, usageConstant(usage, KE), keyBytes * 8);
      const ki = kdfHmacSha2(hash, key, usageConstant(usage, KI), h * 8);
      u.ke = backend().aesKey(ke);
      u.ki = backend().hmacKey(hash, ki);
      wipe(ke, ki);
    }
    return u as Required<Pick<UsageKeys, 'ke' | 'ki'>>;
  }

  return {
    etype,
    name,
    keyBytes,
    cksumtype: is128 ? ChecksumType.HMAC_SHA256_128_AES128 : ChecksumType.HMAC_SHA384_192_AES256,
    checksumBytes: h,
    overhead: 16 + h,
    weak: false,
    defaultParams: u32be(32768),

    // RFC 8009 §4: saltp = enctype-name | 0x00 | salt; tkey = PBKDF2-HMAC-SHA2(password,
    // saltp, count, keylength); key = KDF-HMAC-SHA2(tkey, "kerberos", keylength).
    stringToKey(password, salt, params) {
      const count = iterationCount(params, 32768);
      const saltp = new Uint8Array(nameBytes.length + 1 + salt.length);
      saltp.set(nameBytes);
      saltp.set(salt, nameBytes.length + 1);
      const tkey = backend().pbkdf2(hash, password, saltp, count, keyBytes);
      const key = kdfHmacSha2(hash, tkey, KERBEROS, keyBytes * 8);
      wipe(tkey);
      return key;
    },

    randomToKey(bytes) {
      return bytes.slice(0, keyBytes);
    },

    // RFC 8009 §5: C = E(Ke, N | plaintext, IV); H = HMAC(Ki, IV | C) truncated; IV is zero.
    encrypt(key, usage, plaintext, confounder) {
      const { ke, ki } = encKeys(key, usage);
      const n = 16 + plaintext.length;
      const p = confounded(plaintext, confounder, h);
      const out = ke.encryptCts(p, n, ZERO_IV, h);
      p.fill(0);
      const mac = ki.mac(ZERO_IV, out.subarray(0, n));
      for (let i = 0; i < h; i++) out[n + i] = mac[i]!;
      return out;
    },

    // A small plaintext is decrypted into the shared buffer and copied out (an array of up to
    // 64 bytes is cheap in V8); a larger one is returned as a view past the confounder of the
    // array it was decrypted into (no second array, no copy).
    decrypt(key, usage, ciphertext) {
      if (ciphertext.length < 16 + h) throw new IntegrityError();
      const { ke, ki } = encKeys(key, usage);
      const n = ciphertext.length - h;
      const c = ciphertext.subarray(0, n);
      // Encrypt-then-MAC: check the tag before decrypting anything.
      if (!equalAt(ki.mac(ZERO_IV, c), 0, ciphertext, n, h)) throw new IntegrityError();
      if (n - 16 > SMALL_PLAINTEXT) return ke.decryptCts(c, ZERO_IV).subarray(16);
      const p = scratch(n);
      ke.decryptCtsInto(c, ZERO_IV, p, 0);
      const plaintext = p.slice(16);
      p.fill(0);
      return plaintext;
    },

    // RFC 8009 §5: checksum = HMAC(Kc, message) truncated.
    checksum(key, usage, data) {
      const u = usageKeys(key, etype, usage);
      if (!u.kc) {
        const kc = kdfHmacSha2(hash, key, usageConstant(usage, KC), h * 8);
        u.kc = backend().hmacKey(hash, kc);
        wipe(kc);
      }
      return u.kc.mac(data).slice(0, h);
    },

    // RFC 8009 §5: PRF = KDF-HMAC-SHA2(base-key, "prf", octet-string, 256 or 384).
    prf(key, input) {
      return kdfHmacSha2(hash, key, PRF_LABEL, prfBits, input);
    },
  };
}

export const aes128CtsHmacSha256128 = makeProfile(EncType.AES128_CTS_HMAC_SHA256_128);
export const aes256CtsHmacSha384192 = makeProfile(EncType.AES256_CTS_HMAC_SHA384_192);
