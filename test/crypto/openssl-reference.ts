/**
 * An independent implementation of the enctypes, for differential tests: written from RFC 3961,
 * 3962, 4757 and 8009 on node:crypto (OpenSSL) directly, sharing no code with src/crypto.
 * AES comes from `createCipheriv('aes-*-ecb' / 'aes-*-cbc')` (CBC-CTS built from plain CBC:
 * zero-pad, swap the last two blocks, truncate), HMAC and digests from `createHmac` /
 * `createHash`. RC4 is OpenSSL's too, through a child node run with `--openssl-legacy-provider`
 * (OpenSSL 3 keeps RC4 in its legacy provider), a batch at a time.
 *
 * test/crypto/backends.test.ts checks this module itself against the RFC and MIT known answers
 * of fixtures/rfc before using it as a reference.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';

const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const u32be = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const u32le = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const aesName = (key: Uint8Array, mode: string) => `aes-${key.length * 8}-${mode}`;

export function hmac(hash: 'md5' | 'sha1' | 'sha256' | 'sha384', key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return new Uint8Array(h.digest());
}

function aesEcbEncrypt(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key, 'ecb'), key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

function aesEcbDecrypt(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createDecipheriv(aesName(key, 'ecb'), key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key, 'cbc'), key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createDecipheriv(aesName(key, 'cbc'), key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** RFC 3962 §5 CBC-CTS (ciphertext stealing, last two blocks swapped), from OpenSSL's CBC. */
export function ctsEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n < 16) throw new RangeError('CTS needs at least one block');
  if (n === 16) return aesCbcEncrypt(key, iv, data);
  const blocks = Math.ceil(n / 16);
  const padded = new Uint8Array(blocks * 16);
  padded.set(data);
  const c = aesCbcEncrypt(key, iv, padded);
  const r = n - 16 * (blocks - 1); // bytes in the last, partial block (1..16)
  return cat(c.subarray(0, 16 * (blocks - 2)), c.subarray(16 * (blocks - 1)), c.subarray(16 * (blocks - 2), 16 * (blocks - 2) + r));
}

export function ctsDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n < 16) throw new RangeError('CTS needs at least one block');
  if (n === 16) return aesCbcDecrypt(key, iv, data);
  const blocks = Math.ceil(n / 16);
  const r = n - 16 * (blocks - 1);
  const head = data.subarray(0, 16 * (blocks - 2));
  const last = data.subarray(16 * (blocks - 2), 16 * (blocks - 1)); // C(m) of the CBC encryption
  const partial = data.subarray(16 * (blocks - 1)); // the first r bytes of C(m-1)
  // D(C(m)) = P(m) zero-padded xor C(m-1): its tail beyond r is the tail of C(m-1)
  const x = aesEcbDecrypt(key, last);
  const prev = cat(partial, x.subarray(r));
  return aesCbcDecrypt(key, iv, cat(head, prev, last)).subarray(0, n);
}

/** RFC 3961 §5.1 n-fold, bit by bit with BigInt: replicas of the input rotated right 13 bits each, summed with end-around carry. */
export function nfold(input: Uint8Array, outBytes: number): Uint8Array {
  const inBits = BigInt(input.length * 8);
  const outBits = BigInt(outBytes * 8);
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const lcm = (inBits * outBits) / gcd(inBits, outBits);
  const inMask = (1n << inBits) - 1n;
  const x = BigInt(`0x${Buffer.from(input).toString('hex') || '0'}`);
  const rotr = (v: bigint, k: bigint) => {
    const s = k % inBits;
    return ((v >> s) | (v << (inBits - s))) & inMask;
  };
  let all = 0n;
  for (let i = 0n; i < lcm / inBits; i++) all = (all << inBits) | rotr(x, 13n * i);
  const outMask = (1n << outBits) - 1n;
  let sum = 0n;
  for (let i = 0n; i < lcm / outBits; i++) {
    sum += (all >> (lcm - outBits * (i + 1n))) & outMask;
    while (sum > outMask) sum = (sum & outMask) + (sum >> outBits);
  }
  return Uint8Array.from(Buffer.from(sum.toString(16).padStart(outBytes * 2, '0'), 'hex'));
}

/** RFC 3961 §5.1 DK for the AES enctypes (random-to-key is the identity): DR with E = one AES block. */
export function dk(key: Uint8Array, constant: Uint8Array): Uint8Array {
  let block = constant.length === 16 ? constant : nfold(constant, 16);
  const out: Uint8Array[] = [];
  let have = 0;
  while (have < key.length) {
    block = aesEcbEncrypt(key, block);
    out.push(block);
    have += 16;
  }
  return cat(...out).subarray(0, key.length);
}

const usageConstant = (usage: number, kind: number) => cat(u32be(usage), Uint8Array.of(kind));

/** RFC 8009 §3 KDF-HMAC-SHA2(key, label, [context,] k bits). */
export function kdf8009(hash: 'sha256' | 'sha384', key: Uint8Array, label: Uint8Array, bits: number, context: Uint8Array = new Uint8Array(0)): Uint8Array {
  return hmac(hash, key, u32be(1), label, Uint8Array.of(0), context, u32be(bits)).subarray(0, bits / 8);
}

interface Aes {
  encrypt(key: Uint8Array, usage: number, confounder: Uint8Array, plaintext: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, usage: number, ciphertext: Uint8Array): Uint8Array | undefined;
  checksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array;
  prf(key: Uint8Array, input: Uint8Array): Uint8Array;
}

const ZERO_IV = new Uint8Array(16);
const te = new TextEncoder();

/** RFC 3962: aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18). */
const rfc3962: Aes = {
  encrypt(key, usage, confounder, plaintext) {
    const p = cat(confounder, plaintext);
    const c = ctsEncrypt(dk(key, usageConstant(usage, 0xaa)), ZERO_IV, p);
    return cat(c, hmac('sha1', dk(key, usageConstant(usage, 0x55)), p).subarray(0, 12));
  },
  decrypt(key, usage, ciphertext) {
    const c = ciphertext.subarray(0, ciphertext.length - 12);
    const p = ctsDecrypt(dk(key, usageConstant(usage, 0xaa)), ZERO_IV, c);
    const h = hmac('sha1', dk(key, usageConstant(usage, 0x55)), p).subarray(0, 12);
    return Buffer.from(h).equals(ciphertext.subarray(ciphertext.length - 12)) ? p.subarray(16) : undefined;
  },
  checksum(key, usage, data) {
    return hmac('sha1', dk(key, usageConstant(usage, 0x99)), data).subarray(0, 12);
  },
  prf(key, input) {
    return aesEcbEncrypt(dk(key, te.encode('prf')), new Uint8Array(createHash('sha1').update(input).digest()).subarray(0, 16));
  },
};

/** RFC 8009: aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20). */
function rfc8009(etype: 19 | 20): Aes {
  const hash = etype === 19 ? 'sha256' : 'sha384';
  const keyBits = etype === 19 ? 128 : 256;
  const macBits = etype === 19 ? 128 : 192;
  return {
    encrypt(key, usage, confounder, plaintext) {
      const c = ctsEncrypt(kdf8009(hash, key, usageConstant(usage, 0xaa), keyBits), ZERO_IV, cat(confounder, plaintext));
      return cat(c, hmac(hash, kdf8009(hash, key, usageConstant(usage, 0x55), macBits), ZERO_IV, c).subarray(0, macBits / 8));
    },
    decrypt(key, usage, ciphertext) {
      const c = ciphertext.subarray(0, ciphertext.length - macBits / 8);
      const h = hmac(hash, kdf8009(hash, key, usageConstant(usage, 0x55), macBits), ZERO_IV, c).subarray(0, macBits / 8);
      if (!Buffer.from(h).equals(ciphertext.subarray(c.length))) return undefined;
      return ctsDecrypt(kdf8009(hash, key, usageConstant(usage, 0xaa), keyBits), ZERO_IV, c).subarray(16);
    },
    checksum(key, usage, data) {
      return hmac(hash, kdf8009(hash, key, usageConstant(usage, 0x99), macBits), data).subarray(0, macBits / 8);
    },
    prf(key, input) {
      return kdf8009(hash, key, te.encode('prf'), etype === 19 ? 256 : 384, input);
    },
  };
}

export const AES_REFERENCE: Record<17 | 18 | 19 | 20, Aes> = { 17: rfc3962, 18: rfc3962, 19: rfc8009(19), 20: rfc8009(20) };

/** RC4 keystream XOR from OpenSSL (legacy provider), for a batch of (key, data) pairs. */
export function rc4Batch(jobs: { key: Uint8Array; data: Uint8Array }[]): Uint8Array[] {
  const script = `
    const c = require('node:crypto');
    const jobs = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const out = jobs.map(([k, d]) => { const x = c.createCipheriv('rc4', Buffer.from(k, 'hex'), null); return Buffer.concat([x.update(Buffer.from(d, 'hex')), x.final()]).toString('hex'); });
    process.stdout.write(JSON.stringify(out));`;
  const input = JSON.stringify(jobs.map((j) => [Buffer.from(j.key).toString('hex'), Buffer.from(j.data).toString('hex')]));
  const r = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', script], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`OpenSSL RC4 (node --openssl-legacy-provider) failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as string[]).map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
}

/** RFC 4757 §3: the usage numbers Microsoft's implementation uses (3 → 8); 9 and 23 are left out of these tests. */
export function rc4Usage(usage: number): number {
  if (usage === 9 || usage === 23) throw new RangeError('usage 9 and 23 are not used with this reference');
  return usage === 3 ? 8 : usage;
}

/**
 * RFC 4757 §4 encryption, batched (one RC4 child process): K1 = HMAC-MD5(K, usage LE32);
 * checksum = HMAC-MD5(K1, confounder | plaintext); K3 = HMAC-MD5(K1, checksum);
 * output = checksum | RC4(K3, confounder | plaintext).
 */
export function rc4HmacEncryptBatch(jobs: { key: Uint8Array; usage: number; confounder: Uint8Array; plaintext: Uint8Array }[]): Uint8Array[] {
  const prep = jobs.map((j) => {
    const k1 = hmac('md5', j.key, u32le(rc4Usage(j.usage)));
    const data = cat(j.confounder, j.plaintext);
    const cksum = hmac('md5', k1, data);
    return { cksum, key: hmac('md5', k1, cksum), data };
  });
  const streams = rc4Batch(prep.map((p) => ({ key: p.key, data: p.data })));
  return prep.map((p, i) => cat(p.cksum, streams[i]!));
}

/** RFC 4757 §4 decryption, batched; undefined where the checksum does not match. */
export function rc4HmacDecryptBatch(jobs: { key: Uint8Array; usage: number; ciphertext: Uint8Array }[]): (Uint8Array | undefined)[] {
  const prep = jobs.map((j) => {
    const k1 = hmac('md5', j.key, u32le(rc4Usage(j.usage)));
    const cksum = j.ciphertext.subarray(0, 16);
    return { k1, cksum, key: hmac('md5', k1, cksum), data: j.ciphertext.subarray(16) };
  });
  const plain = rc4Batch(prep.map((p) => ({ key: p.key, data: p.data })));
  return prep.map((p, i) => (Buffer.from(hmac('md5', p.k1, plain[i]!)).equals(p.cksum) ? plain[i]!.subarray(8) : undefined));
}

/** RFC 4757 §4 hmac-md5 checksum (-138): Ksign = HMAC-MD5(K, "signaturekey\0"); HMAC-MD5(Ksign, MD5(usage LE32 | data)). */
export function rc4HmacChecksum(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array {
  const ksign = hmac('md5', key, te.encode('signaturekey\0'));
  return hmac(
    'md5',
    ksign,
    new Uint8Array(
      createHash('md5')
        .update(u32le(rc4Usage(usage)))
        .update(data)
        .digest(),
    ),
  );
}

/** MIT's arcfour PRF (RFC 4757 defines none): HMAC-SHA1(key, input). */
export const rc4HmacPrf = (key: Uint8Array, input: Uint8Array) => hmac('sha1', key, input);
