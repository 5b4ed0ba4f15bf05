/**
 * aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18), RFC 3962: the RFC 3961
 * simplified profile over AES-CTS with HMAC-SHA1 truncated to 96 bits.
 * @module
 */

import { IntegrityError } from '../errors.js';
import { ChecksumType, EncType } from '../iana/index.js';
import { u32be, utf8, wipe } from '../util/bytes.js';
import { backend } from './backend.js';
import { dr, KC, KE, KI, usageConstant } from './dk.js';
import { baseAes, usageKeys, type UsageKeys } from './key-cache.js';
import type { EncTypeProfile } from './profile.js';
import { iterationCount } from './s2k-params.js';
import { confounded, equalAt, scratch, SMALL_PLAINTEXT } from './scratch.js';

const ZERO_IV = new Uint8Array(16);
const H = 12; // HMAC-SHA1-96
const KERBEROS = utf8('kerberos');
const PRF_CONSTANT = utf8('prf');

function makeProfile(etype: typeof EncType.AES128_CTS_HMAC_SHA1_96 | typeof EncType.AES256_CTS_HMAC_SHA1_96, keyBytes: 16 | 32): EncTypeProfile {
  const is128 = etype === EncType.AES128_CTS_HMAC_SHA1_96;
  const derive = (key: Uint8Array, constant: Uint8Array): Uint8Array => dr(baseAes(key, etype), constant, keyBytes);

  function encKeys(key: Uint8Array, usage: number): Required<Pick<UsageKeys, 'ke' | 'ki'>> {
    const u = usageKeys(key, etype, usage);
    if (!u.ke || !u.ki) {
      const b = backend();
      const ke = derive(key, usageConstant(usage, KE));
      const ki = derive(key, usageConstant(usage, KI));
      u.ke = b.aesKey(ke);
      u.ki = b.hmacKey('sha1', ki);
      wipe(ke, ki);
    }
    return u as Required<Pick<UsageKeys, 'ke' | 'ki'>>;
  }

  return {
    etype,
    name: is128 ? 'aes128-cts-hmac-sha1-96' : 'aes256-cts-hmac-sha1-96',
    keyBytes,
    cksumtype: is128 ? ChecksumType.HMAC_SHA1_96_AES128 : ChecksumType.HMAC_SHA1_96_AES256,
    checksumBytes: H,
    overhead: 16 + H,
    weak: false,
    defaultParams: u32be(4096),

    // RFC 3962 §4: tkey = random-to-key(PBKDF2-HMAC-SHA1(password, salt, count, keylength));
    // key = DK(tkey, "kerberos").
    stringToKey(password, salt, params) {
      const count = iterationCount(params, 4096);
      const tkey = backend().pbkdf2('sha1', password, salt, count, keyBytes);
      const key = dr(backend().aesKey(tkey), KERBEROS, keyBytes);
      wipe(tkey);
      return key;
    },

    randomToKey(bytes) {
      return bytes.slice(0, keyBytes);
    },

    // RFC 3961 §5.3: C = E(Ke, confounder | plaintext), H = HMAC(Ki, confounder | plaintext).
    encrypt(key, usage, plaintext, confounder) {
      const { ke, ki } = encKeys(key, usage);
      const n = 16 + plaintext.length;
      const p = confounded(plaintext, confounder, H);
      const out = ke.encryptCts(p, n, ZERO_IV, H);
      const mac = ki.mac(p.subarray(0, n));
      for (let i = 0; i < H; i++) out[n + i] = mac[i]!;
      p.fill(0);
      return out;
    },

    // A small plaintext is decrypted into the shared buffer and copied out (an array of up to
    // 64 bytes is cheap in V8); a larger one is returned as a view past the confounder of the
    // array it was decrypted into (no second array, no copy).
    decrypt(key, usage, ciphertext) {
      if (ciphertext.length < 16 + H) throw new IntegrityError();
      const { ke, ki } = encKeys(key, usage);
      const n = ciphertext.length - H;
      const small = n - 16 <= SMALL_PLAINTEXT;
      let p: Uint8Array;
      if (small) {
        p = scratch(n);
        ke.decryptCtsInto(ciphertext.subarray(0, n), ZERO_IV, p, 0);
      } else p = ke.decryptCts(ciphertext.subarray(0, n), ZERO_IV);
      const ok = equalAt(ki.mac(p), 0, ciphertext, n, H);
      const plaintext = !ok ? undefined : small ? p.slice(16) : p.subarray(16);
      if (small || !ok) p.fill(0);
      if (!plaintext) throw new IntegrityError();
      return plaintext;
    },

    // RFC 3961 §5.4: HMAC(Kc, data) truncated.
    checksum(key, usage, data) {
      const u = usageKeys(key, etype, usage);
      if (!u.kc) {
        const kc = derive(key, usageConstant(usage, KC));
        u.kc = backend().hmacKey('sha1', kc);
        wipe(kc);
      }
      return u.kc.mac(data).slice(0, H);
    },

    // RFC 3962 §6: PRF = E(DK(key, "prf"), truncate16(SHA1(input))).
    prf(key, input) {
      const tmp = backend().digest('sha1', input).subarray(0, 16);
      const prfKey = derive(key, PRF_CONSTANT);
      const out = new Uint8Array(16);
      out.set(backend().aesKey(prfKey).encryptCbc(tmp, ZERO_IV));
      wipe(prfKey);
      return out;
    },
  };
}

export const aes128CtsHmacSha196 = makeProfile(EncType.AES128_CTS_HMAC_SHA1_96, 16);
export const aes256CtsHmacSha196 = makeProfile(EncType.AES256_CTS_HMAC_SHA1_96, 32);
