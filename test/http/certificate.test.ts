/**
 * RFC 5929 tls-server-end-point hashes from certificates made by OpenSSL with every common
 * signature algorithm: our reading of the signatureAlgorithm must name the algorithm OpenSSL says
 * it signed with (`openssl x509 -text`), and the hash must be OpenSSL's own digest of the DER
 * (`openssl x509 -outform DER | openssl dgst`) with RFC 5929's choice (SHA-256 for MD5 and SHA-1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateHashForBindings, certificateSignatureAlgorithm } from '../../src/http/index.js';
import { DecodeError, UnsupportedError } from '../../src/errors.js';
import { createHash } from 'node:crypto';

const IN_CI = process.env.CI === 'true';
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tskrb5-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [label, openssl req key options, digest option, expected openssl algorithm name, RFC 5929 hash] */
const CASES: [string, string[], string[], RegExp, string][] = [
  ['rsa-sha256', ['-newkey', 'rsa:2048'], ['-sha256'], /sha256WithRSAEncryption/, 'sha256'],
  ['rsa-sha384', ['-newkey', 'rsa:2048'], ['-sha384'], /sha384WithRSAEncryption/, 'sha384'],
  ['rsa-sha512', ['-newkey', 'rsa:2048'], ['-sha512'], /sha512WithRSAEncryption/, 'sha512'],
  ['rsa-sha1', ['-newkey', 'rsa:2048'], ['-sha1'], /sha1WithRSAEncryption/, 'sha256'],
  ['ecdsa-p256-sha256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'], ['-sha256'], /ecdsa-with-SHA256/, 'sha256'],
  ['ecdsa-p384-sha384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'], ['-sha384'], /ecdsa-with-SHA384/, 'sha384'],
  ['ed25519', ['-newkey', 'ed25519'], [], /ED25519/i, 'sha256'],
  ['rsa-pss-sha384', ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha384', '-sigopt', 'rsa_padding_mode:pss'], /rsassaPss/, 'sha384'],
];

describe.skipIf(!hasOpenssl && !IN_CI)('tls-server-end-point hash against OpenSSL-made certificates', () => {
  it.each(CASES)('%s', (label, key, digest, algName, hash) => {
    const pem = join(dir, `${label}.pem`);
    execFileSync('openssl', ['req', '-x509', ...key, '-nodes', '-keyout', join(dir, `${label}.key`), '-out', pem, ...digest, '-days', '2', '-subj', `/CN=${label}`], {
      stdio: 'ignore',
    });
    const text = execFileSync('openssl', ['x509', '-in', pem, '-noout', '-text'], { encoding: 'utf8' });
    const osslAlg = /Signature Algorithm: (\S+)/.exec(text)![1]!;
    expect(osslAlg).toMatch(algName);
    const der = new Uint8Array(execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER']));
    const { hash: ours } = certificateSignatureAlgorithm(der);
    expect(ours).toBe(hash);
    const osslHash = execFileSync('openssl', ['dgst', `-${hash}`, '-hex'], { input: der, encoding: 'utf8' })
      .trim()
      .split('= ')
      .pop();
    const nodeHash = (name: string, data: Uint8Array) => new Uint8Array(createHash(name).update(data).digest());
    expect(Buffer.from(certificateHashForBindings(der, nodeHash)).toString('hex')).toBe(osslHash);
    if (hash === 'sha256' || hash === 'sha384') expect(Buffer.from(certificateHashForBindings(der)).toString('hex')).toBe(osslHash);
    else expect(() => certificateHashForBindings(der)).toThrow(UnsupportedError);
    expect(readFileSync(pem, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('bytes that are no certificate: a DecodeError', () => {
    expect(() => certificateSignatureAlgorithm(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]))).toThrow(DecodeError);
    expect(() => certificateSignatureAlgorithm(new Uint8Array([1, 2, 3]))).toThrow(DecodeError);
  });
});
