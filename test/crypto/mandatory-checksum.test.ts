/**
 * The mandatory checksum type of each enctype, as the RFCs assign it: RFC 3962 §7 (aes128 → 15
 * hmac-sha1-96-aes128, aes256 → 16 hmac-sha1-96-aes256), RFC 8009 §8 (19 → 19
 * hmac-sha256-128-aes128, 20 → 20 hmac-sha384-192-aes256), RFC 4757 §4 (rc4-hmac → -138
 * hmac-md5). One table serves PA-TGS-REQ, FAST, S4U, PAC signing and the KDC.
 */
import { describe, expect, it } from 'vitest';
import { mandatoryChecksumType } from '../../src/crypto/index.js';
import { UnsupportedError } from '../../src/errors.js';

describe('mandatoryChecksumType', () => {
  it('is the RFCs’ required checksum of every implemented enctype', () => {
    expect([17, 18, 19, 20, 23].map(mandatoryChecksumType)).toEqual([15, 16, 19, 20, -138]);
  });
  it('refuses an enctype it does not implement with ERR_UNSUPPORTED_ETYPE', () => {
    for (const e of [1, 3, 16, 25, 26, 0, -1]) {
      expect(() => mandatoryChecksumType(e)).toThrow(UnsupportedError);
      try {
        mandatoryChecksumType(e);
      } catch (err) {
        expect((err as UnsupportedError).code).toBe('ERR_UNSUPPORTED_ETYPE');
      }
    }
  });
});
