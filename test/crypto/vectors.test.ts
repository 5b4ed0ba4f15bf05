/**
 * Known answers transcribed from the RFCs and from MIT krb5's own test vectors
 * (fixtures/rfc/, provenance in fixtures/rfc/SOURCES.md), checked on both backends.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { backend } from '../../src/crypto/backend.js';
import { ctsDecrypt, ctsEncrypt } from '../../src/crypto/cts.js';
import { profileOf } from '../../src/crypto/enctypes.js';
import { md4 } from '../../src/crypto/legacy/md4.js';
import { rc4 } from '../../src/crypto/legacy/rc4.js';
import { checksum, decrypt, nfold, prf, setCryptoBackend, stringToKey, verifyChecksum } from '../../src/crypto/index.js';
import { kdfHmacSha2 } from '../../src/crypto/rfc8009.js';
import { dr, KC, KE, KI, usageConstant } from '../../src/crypto/dk.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

type Entry = Record<string, string | number> & { source: string; kind?: string };
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/rfc/${name}`, import.meta.url), 'utf8')) as Record<string, Entry[]>;
const h = (e: Entry, k: string) => fromHex(String(e[k]));
const weak = { allowWeakCrypto: true };

const nfoldV = load('rfc3961-nfold.json').vectors!;
const r3962 = load('rfc3962.json').vectors!;
const r8009 = load('rfc8009.json').vectors!;
const rc4f = load('rc4.json');
const mit = load('mit-known-answers.json');

afterAll(() => setCryptoBackend('auto'));

it('every fixture entry names its source', () => {
  for (const list of [nfoldV, r3962, r8009, ...Object.values(rc4f), ...Object.values(mit)]) {
    if (!Array.isArray(list) || typeof list[0] !== 'object') continue; // provenance notes are strings
    expect(list.length).toBeGreaterThan(0);
    for (const e of list) expect(e.source).toMatch(/RFC|MIT|krb5|Microsoft|MS-/);
  }
});

it('the fixtures hold every vector fixtures/rfc/SOURCES.md lists (a renamed list would drop its tests silently)', () => {
  const kinds = (l: Entry[]) => {
    const n: Record<string, number> = {};
    for (const e of l) n[String(e.kind)] = (n[String(e.kind)] ?? 0) + 1;
    return n;
  };
  expect(nfoldV).toHaveLength(11);
  expect(kinds(r3962)).toEqual({ 'string-to-key': 7, 'aes-cts': 6 });
  expect(kinds(r8009)).toEqual({ 'string-to-key': 2, 'key-derivation': 2, encryption: 8, checksum: 2, prf: 2 });
  expect([mit.decrypt?.length, mit.checksum?.length, mit.prf?.length]).toEqual([23, 5, 6]);
  expect([rc4f.md4?.length, rc4f.rc4Keystream?.length, rc4f.ntHash?.length, rc4f.decrypt?.length, rc4f.checksum?.length]).toEqual([7, 18, 1, 5, 1]);
});

describe('RFC 3961 A.1 n-fold', () => {
  it.each(nfoldV.map((e) => [e.source, e] as const))('%s', (_s, e) => {
    expect(toHex(nfold(h(e, 'inputHex'), Number(e.nbits)))).toBe(e.outputHex);
  });
});

describe.each(['node', 'pure'] as const)('%s backend', (name) => {
  const use = () => setCryptoBackend(name);

  describe('RFC 3962 Appendix B', () => {
    const s2k = r3962.filter((e) => e.kind === 'string-to-key');
    it.each(s2k.map((e) => [e.source, e] as const))('PBKDF2 and string-to-key: %s', (_s, e) => {
      use();
      const pw = h(e, 'passphraseHex');
      const salt = h(e, 'saltHex');
      const it = Number(e.iterations);
      expect(toHex(backend().pbkdf2('sha1', pw, salt, it, 16))).toBe(e.pbkdf2Output128Hex);
      expect(toHex(backend().pbkdf2('sha1', pw, salt, it, 32))).toBe(e.pbkdf2Output256Hex);
      expect(toHex(stringToKey(17, pw, salt, { iterations: it }).value)).toBe(e.aes128KeyHex);
      expect(toHex(stringToKey(18, pw, salt, { iterations: it }).value)).toBe(e.aes256KeyHex);
    });

    const cts = r3962.filter((e) => e.kind === 'aes-cts');
    it.each(cts.map((e) => [e.source, e] as const))('AES-CTS: %s', (_s, e) => {
      use();
      const aes = backend().aesKey(h(e, 'keyHex'));
      const iv = h(e, 'ivHex');
      expect(toHex(ctsEncrypt(aes, iv, h(e, 'inputHex')))).toBe(e.outputHex);
      expect(toHex(ctsDecrypt(aes, iv, h(e, 'outputHex')))).toBe(e.inputHex);
    });
  });

  describe('RFC 8009 Appendix A', () => {
    const hashOf = (etype: number) => (etype === 19 ? 'sha256' : 'sha384') as const;
    it.each(r8009.map((e) => [`${e.kind}: ${e.source}`, e] as const))('%s', (_s, e) => {
      use();
      const etype = Number(e.etype);
      const p = profileOf(etype);
      switch (e.kind) {
        case 'string-to-key':
          expect(toHex(stringToKey(etype, String(e.passphrase), h(e, 'saltHex'), { iterations: Number(e.iterations) }).value)).toBe(e.keyHex);
          break;
        case 'key-derivation': {
          const base = h(e, 'baseKeyHex');
          const u = Number(e.usage);
          const ke = etype === 19 ? 128 : 256;
          const ki = etype === 19 ? 128 : 192;
          expect(toHex(kdfHmacSha2(hashOf(etype), base, usageConstant(u, KC), ki))).toBe(e.kcHex);
          expect(toHex(kdfHmacSha2(hashOf(etype), base, usageConstant(u, KE), ke))).toBe(e.keHex);
          expect(toHex(kdfHmacSha2(hashOf(etype), base, usageConstant(u, KI), ki))).toBe(e.kiHex);
          break;
        }
        case 'encryption': {
          const base = h(e, 'baseKeyHex');
          const c = p.encrypt(base, Number(e.usage), h(e, 'plaintextHex'), h(e, 'confounderHex'));
          expect(toHex(c)).toBe(e.ciphertextHex);
          expect(toHex(decrypt({ etype, value: base }, Number(e.usage), h(e, 'ciphertextHex')))).toBe(e.plaintextHex);
          break;
        }
        case 'checksum': {
          const key = { etype, value: h(e, 'baseKeyHex') };
          expect(toHex(checksum(key, Number(e.usage), h(e, 'plaintextHex'), Number(e.cksumtype)))).toBe(e.checksumHex);
          expect(verifyChecksum(key, Number(e.usage), h(e, 'plaintextHex'), h(e, 'checksumHex'), Number(e.cksumtype))).toBe(true);
          break;
        }
        case 'prf':
          expect(toHex(prf({ etype, value: h(e, 'baseKeyHex') }, h(e, 'inputHex')))).toBe(e.outputHex);
          break;
        default:
          throw new Error(`unknown fixture kind ${e.kind}`);
      }
    });
  });

  describe('MIT krb5 t_decrypt / t_cksums / prf known answers', () => {
    it.each(mit.decrypt!.concat(rc4f.decrypt!).map((e) => [e.source, e] as const))('decrypt: %s', (_s, e) => {
      use();
      const key = { etype: Number(e.etype), value: h(e, 'keyHex') };
      expect(toHex(decrypt(key, Number(e.usage), h(e, 'ciphertextHex'), weak))).toBe(e.plaintextHex);
    });
    it.each(mit.checksum!.concat(rc4f.checksum!).map((e) => [e.source, e] as const))('checksum: %s', (_s, e) => {
      use();
      const key = { etype: Number(e.etype), value: h(e, 'keyHex') };
      expect(toHex(checksum(key, Number(e.usage), h(e, 'plaintextHex'), Number(e.cksumtype), weak))).toBe(e.checksumHex);
    });
    it.each(mit.prf!.map((e) => [e.source, e] as const))('prf: %s', (_s, e) => {
      use();
      const key = { etype: Number(e.etype), value: h(e, 'keyHex') };
      expect(toHex(prf(key, h(e, 'inputHex'), weak))).toBe(e.outputHex);
    });
  });
});

describe('RFC 1320 MD4, RFC 6229 RC4, NT hash', () => {
  it.each(rc4f.md4!.map((e) => [e.source, e] as const))('MD4: %s', (_s, e) => {
    expect(toHex(md4(h(e, 'inputHex')))).toBe(e.digestHex);
  });
  it.each(rc4f.rc4Keystream!.map((e) => [`${e.source}`, e] as const))('RC4 keystream: %s', (_s, e) => {
    const off = Number(e.offset);
    const want = String(e.keystreamHex);
    const stream = rc4(h(e, 'keyHex'), new Uint8Array(off + want.length / 2));
    expect(toHex(stream.subarray(off))).toBe(want);
  });
  it.each(rc4f.ntHash!.map((e) => [e.source, e] as const))('rc4-hmac string-to-key: %s', (_s, e) => {
    expect(toHex(stringToKey(23, String(e.password), '', undefined, weak).value)).toBe(e.ntHashHex);
  });
});

describe('RFC 3961 DK is what RFC 3962 string-to-key applies', () => {
  it('DK(tkey, "kerberos") of the PBKDF2 output is the key (RFC 3962 B, count 1)', () => {
    const e = r3962.find((x) => x.kind === 'string-to-key')!;
    const aes = backend().aesKey(h(e, 'pbkdf2Output128Hex'));
    expect(toHex(dr(aes, new TextEncoder().encode('kerberos'), 16))).toBe(e.aes128KeyHex);
  });
});
