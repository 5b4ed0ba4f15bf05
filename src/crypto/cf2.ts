/**
 * PRF+ and KRB-FX-CF2 (RFC 6113 §5.1): the key-combination function of FAST. PRF+(K, pepper) is
 * PRF(K, 1 || pepper) || PRF(K, 2 || pepper) || … cut to the length wanted (the counter one
 * octet, so at most 255 blocks); KRB-FX-CF2(K1, K2, pepper1, pepper2) is random-to-key of
 * PRF+(K1, pepper1) XOR PRF+(K2, pepper2), both as long as K1's enctype's random-to-key input,
 * and the result is of K1's enctype (as MIT's `krb5_c_fx_cf2_simple`).
 * @module
 */
import { utf8 } from '../util/bytes.js';
import { secretKey, type SecretKey } from '../util/secret.js';
import { profileOf, type CryptoOptions } from './enctypes.js';
import type { Key } from './index.js';

function checked(key: Key, options?: CryptoOptions) {
  if (typeof key !== 'object' || key === null || !(key.value instanceof Uint8Array)) {
    throw new TypeError('key must be { etype: number, value: Uint8Array }');
  }
  const p = profileOf(key.etype, options);
  if (key.value.length !== p.keyBytes) throw new RangeError(`${p.name} key must be ${p.keyBytes} bytes, got ${key.value.length}`);
  return p;
}

function pepperBytes(pepper: string | Uint8Array): Uint8Array {
  if (typeof pepper === 'string') return utf8(pepper);
  if (pepper instanceof Uint8Array) return pepper;
  throw new TypeError('pepper must be a string or a Uint8Array');
}

/**
 * PRF+ (RFC 6113 §5.1): `length` pseudo-random bytes from `key` and `input`.
 * @example
 * ```ts
 * prfPlus(key, new TextEncoder().encode('subkeyarmor'), 32)
 * ```
 */
export function prfPlus(key: Key, input: string | Uint8Array, length: number, options?: CryptoOptions): Uint8Array {
  const p = checked(key, options);
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  const data = pepperBytes(input);
  const out = new Uint8Array(length);
  const block = new Uint8Array(data.length + 1);
  block.set(data, 1);
  let off = 0;
  for (let i = 1; off < length; i++) {
    if (i > 255) throw new RangeError(`PRF+ gives at most 255 PRF blocks; ${length} bytes is too many for ${p.name}`);
    block[0] = i;
    const r = p.prf(key.value, block);
    out.set(r.subarray(0, Math.min(r.length, length - off)), off);
    off += r.length;
  }
  return out;
}

/**
 * KRB-FX-CF2 (RFC 6113 §5.1), MIT's `krb5_c_fx_cf2_simple`: a key of `key1`'s enctype combining
 * two keys. FAST uses it for the armor key (`subkeyarmor`/`ticketarmor`), the strengthened reply
 * key (`strengthenkey`/`replykey`) and the encrypted-challenge keys
 * (`clientchallengearmor`/`kdcchallengearmor` with `challengelongterm`).
 * @example
 * ```ts
 * const armorKey = cf2(subkey, 'subkeyarmor', ticketSessionKey, 'ticketarmor')
 * ```
 */
export function cf2(key1: Key, pepper1: string | Uint8Array, key2: Key, pepper2: string | Uint8Array, options?: CryptoOptions): SecretKey {
  const p1 = checked(key1, options);
  checked(key2, options);
  // The random-to-key input of key1's enctype: its key length for every enctype implemented.
  const n = p1.keyBytes;
  const a = prfPlus(key1, pepper1, n, options);
  const b = prfPlus(key2, pepper2, n, options);
  for (let i = 0; i < n; i++) a[i]! ^= b[i]!;
  const k = p1.randomToKey(a);
  b.fill(0);
  if (k !== a) a.fill(0);
  return secretKey(key1.etype, k);
}
