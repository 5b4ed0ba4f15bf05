/**
 * KDC-PROXY-MESSAGE (MS-KKDCP §2.2.2): a DER vector written out by hand from the ASN.1, the
 * record mark of RFC 4120 §7.2.2, and a cross-check with an independent implementation —
 * python3-kdcproxy's pyasn1 codec (kdcproxy.parse_pyasn1) decodes what we encode and we decode
 * what it encodes. The cross-check fails in CI (CI=true) when python3-kdcproxy is missing and is
 * skipped visibly elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { KDCProxyMessage, decodeKdcProxyReply, encodeKdcProxyRequest, frameKdcMessage, unframeKdcMessage } from '../../src/messages/index.js';
import { hex, toHex } from '../asn1/helpers.js';
// @ts-ignore -- plain ESM helper without types
import { kdcproxyMissing, SYSTEM_PYTHON } from '../interop/kdcproxy.mjs';

// SEQUENCE {
//   [0] { OCTET STRING 00 00 00 02 01 02 }     a0 08 04 06 00000002 0102
//   [1] { GeneralString "R" }                  a1 03 1b 01 52
//   [2] { INTEGER 5 }                          a2 03 02 01 05
// }                                            30 14 (8+2 + 3+2 + 3+2 = 20)
const VECTOR = '3014' + 'a008040600000002' + '0102' + 'a1031b0152' + 'a203020105';

describe('KDC-PROXY-MESSAGE codec', () => {
  it('encodes and decodes the hand-written DER vector', () => {
    const v = { kerbMessage: hex('000000020102'), targetDomain: 'R', dclocatorHint: 5 };
    expect(toHex(KDCProxyMessage.encode(v))).toBe(VECTOR);
    expect(KDCProxyMessage.decode(hex(VECTOR))).toEqual(v);
  });

  it('optional fields may be absent (a reply usually has kerb-message only)', () => {
    const only = '3008' + 'a006040400000000'; // kerb-message = record mark of an empty message
    expect(KDCProxyMessage.decode(hex(only))).toEqual({ kerbMessage: hex('00000000') });
    expect(toHex(KDCProxyMessage.encode({ kerbMessage: hex('00000000') }))).toBe(only);
  });

  it('a dclocator-hint with the top bit set (a DWORD flag) round-trips', () => {
    const enc = KDCProxyMessage.encode({ kerbMessage: hex('00000000'), dclocatorHint: 0x80000000 });
    // INTEGER 2147483648 needs a leading zero: 02 05 00 80 00 00 00
    expect(toHex(enc)).toContain('a20702050080000000');
    expect(KDCProxyMessage.decode(enc).dclocatorHint).toBe(0x80000000);
  });

  it('rejects trailing data, a missing kerb-message and wrong tags', () => {
    expect(() => KDCProxyMessage.decode(hex(VECTOR + '00'))).toThrow(DecodeError);
    expect(() => KDCProxyMessage.decode(hex('3005a1031b0152'))).toThrow(DecodeError);
    expect(() => KDCProxyMessage.decode(hex('3108a006040400000000'))).toThrow(DecodeError);
  });

  it('record mark: a 4-byte big-endian length, checked on the way back', () => {
    expect(toHex(frameKdcMessage(hex('aabbcc')))).toBe('00000003aabbcc');
    expect(toHex(unframeKdcMessage(hex('00000003aabbcc')))).toBe('aabbcc');
    expect(() => unframeKdcMessage(hex('00000004aabbcc'))).toThrow(/record mark says 4 bytes, 3 follow/);
    expect(() => unframeKdcMessage(hex('000003'))).toThrow(DecodeError);
    expect(() => unframeKdcMessage(hex('80000000'))).toThrow(/reserved high bit/);
  });

  it('encodeKdcProxyRequest / decodeKdcProxyReply frame and unframe', () => {
    const body = encodeKdcProxyRequest('EXAMPLE.COM', hex('6a00'));
    const m = KDCProxyMessage.decode(body);
    expect(m.targetDomain).toBe('EXAMPLE.COM');
    expect(toHex(m.kerbMessage)).toBe('000000026a00');
    expect(toHex(decodeKdcProxyReply(hex('3009a0070405000000017e')))).toBe('7e');
    expect(() => decodeKdcProxyReply(hex('3009a0070405000000027e'))).toThrow(DecodeError);
  });
});

const IN_CI = process.env.CI === 'true';
const missing: string[] = kdcproxyMissing().filter((m: string) => m === 'python3-kdcproxy');

function python(script: string, input: string): string {
  return execFileSync(SYSTEM_PYTHON, ['-c', script], { input, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }).trim();
}

describe.skipIf(!IN_CI && missing.length > 0)('KDC-PROXY-MESSAGE against python3-kdcproxy (pyasn1)', () => {
  it('kdcproxy decodes our request: the message, its length prefix and the realm', () => {
    if (missing.length) throw new Error(`missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    // An AS-REQ-shaped message: kdcproxy only looks at the outer tag when it classifies it.
    const asReq = hex('6a023000'); // [APPLICATION 10] SEQUENCE {}
    const body = encodeKdcProxyRequest('TSKRB5.TEST', asReq);
    const out = python(
      `import sys, binascii\nfrom kdcproxy import parse_pyasn1 as p, codec\nd = binascii.unhexlify(sys.stdin.read().strip())\nm, realm, hint = p.decode_proxymessage(d)\nr = codec.decode(d)\nprint(binascii.hexlify(m).decode(), realm, hint, type(r).__name__)`,
      toHex(body),
    );
    expect(out).toBe(`000000046a023000 TSKRB5.TEST None ASProxyRequest`);
  });

  it('we decode what kdcproxy encodes as a reply', () => {
    if (missing.length) throw new Error(`missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    const framed = '000000037e0100';
    const enc = python(`import sys, binascii\nfrom kdcproxy import codec\nprint(binascii.hexlify(codec.encode(binascii.unhexlify(sys.stdin.read().strip()))).decode())`, framed);
    expect(toHex(decodeKdcProxyReply(hex(enc)))).toBe('7e0100');
    expect(KDCProxyMessage.decode(hex(enc))).toEqual({ kerbMessage: hex(framed) });
  });
});
