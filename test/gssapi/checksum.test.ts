/** RFC 4121 §4.1.1 0x8003 checksum and §4.1.1.2 channel bindings. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { channelBindingsBytes, channelBindingsHash, decodeGssChecksum, encodeGssChecksum, tlsServerEndPointBindings, type GssChecksum } from '../../src/gssapi/index.js';
import { GssFlags } from '../../src/iana/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { expectOnlyKerberosErrors } from './errors-only.js';

const ZEROS = '00'.repeat(16);
const BND = '0123456789abcdef0123456789abcdef';

describe('0x8003 checksum', () => {
  it('encodes the RFC 4121 §4.1.1 layout (little-endian Lgth, Flags, DlgOpt, Dlgth)', () => {
    const F = GssFlags;
    expect(toHex(encodeGssChecksum({ bindingsHash: new Uint8Array(16), flags: F.GSS_C_MUTUAL_FLAG | F.GSS_C_INTEG_FLAG }))).toBe(`10000000${ZEROS}22000000`);
    expect(toHex(encodeGssChecksum({ bindingsHash: fromHex(BND), flags: 0x13f, delegation: Uint8Array.of(0x76, 0x01, 0x00) }))).toBe(
      `10000000${BND}3f010000` + '0100' + '0300' + '760100',
    );
    // MIT extension: 4-byte big-endian type, 4-byte big-endian length
    expect(toHex(encodeGssChecksum({ bindingsHash: new Uint8Array(16), flags: 2, exts: [{ type: 2, data: Uint8Array.of(0, 0, 0, 1) }] }))).toBe(
      `10000000${ZEROS}02000000` + '00000002' + '00000004' + '00000001',
    );
    const c = decodeGssChecksum(fromHex(`10000000${BND}3f010000` + '0100' + '0300' + '760100' + '00000002' + '00000000'));
    expect(c).toEqual({ bindingsHash: fromHex(BND), flags: 0x13f, delegation: Uint8Array.of(0x76, 1, 0), exts: [{ type: 2, data: new Uint8Array(0) }] });
  });

  it('accepts GSS_C_DELEG_FLAG with no delegation fields (as MIT does)', () => {
    const b = fromHex(`10000000${ZEROS}03000000`);
    expect(decodeGssChecksum(b)).toEqual({ bindingsHash: new Uint8Array(16), flags: 3 });
    expect(encodeGssChecksum(decodeGssChecksum(b))).toEqual(b);
  });

  it('rejects every inconsistency with a DecodeError', () => {
    const bad = [
      '',
      `10000000${ZEROS}020000`, // short flags
      `11000000${ZEROS}02000000`, // Lgth 17
      `10000000${ZEROS}01000000` + '01', // partial DlgOpt
      `10000000${ZEROS}01000000` + '02000000', // DlgOpt 2
      `10000000${ZEROS}01000000` + '01000500' + '76010000', // Dlgth 5, 4 bytes left
      `10000000${ZEROS}02000000` + '000000020000', // partial extension header
      `10000000${ZEROS}02000000` + '00000002' + '00000005' + '00', // extension past the end
    ];
    for (const h of bad) expect(() => decodeGssChecksum(fromHex(h)), h).toThrow(DecodeError);
  });

  it('rejects caller mistakes when encoding', () => {
    expect(() => encodeGssChecksum({ bindingsHash: new Uint8Array(15), flags: 0 })).toThrow(RangeError);
    expect(() => encodeGssChecksum({ bindingsHash: new Uint8Array(16), flags: 2, delegation: Uint8Array.of(1) })).toThrow(RangeError);
    expect(() => encodeGssChecksum({ bindingsHash: new Uint8Array(16), flags: 1, delegation: new Uint8Array(65536) })).toThrow(RangeError);
    expect(() => encodeGssChecksum({ bindingsHash: new Uint8Array(16), flags: 1, exts: [{ type: 1, data: new Uint8Array() }] })).toThrow(RangeError);
  });

  it('round-trips', () => {
    const ext = fc.record({ type: fc.integer({ min: 0, max: 0xffffffff }), data: fc.uint8Array({ maxLength: 20 }) });
    const value: fc.Arbitrary<GssChecksum> = fc
      .record({
        bindingsHash: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        flags: fc.integer({ min: 0, max: 0xffffffff }),
        delegation: fc.option(fc.uint8Array({ maxLength: 100 }), { nil: undefined }),
        exts: fc.option(fc.array(ext, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      })
      .map((v) => {
        const out: GssChecksum = { bindingsHash: v.bindingsHash, flags: v.delegation ? (v.flags | 1) >>> 0 : (v.flags & ~1) >>> 0 };
        if (v.delegation) out.delegation = v.delegation;
        if (v.exts) out.exts = v.exts;
        return out;
      });
    fc.assert(
      fc.property(value, (v) => {
        const b = encodeGssChecksum(v);
        expect(decodeGssChecksum(b)).toEqual(v);
      }),
    );
  });

  it('random and mutated bytes give only DecodeError', () => {
    expectOnlyKerberosErrors(decodeGssChecksum, [
      fromHex(`10000000${BND}3f010000` + '0100' + '0300' + '760100' + '00000002' + '00000001' + '07'),
      fromHex(`10000000${ZEROS}3e000000`),
    ]);
  });
});

describe('channel bindings (RFC 4121 §4.1.1.2, RFC 5929 §4)', () => {
  const md5 = (b: Uint8Array) => new Uint8Array(createHash('md5').update(b).digest());

  it('hashes the little-endian layout, by hand', () => {
    const layout = fromHex(
      '02000000' +
        '04000000' +
        '7f000001' + // initiator: GSS_C_AF_INET (2), 4 bytes, 127.0.0.1
        '02000000' +
        '04000000' +
        '0a000002' + // acceptor: GSS_C_AF_INET, 10.0.0.2
        '03000000' +
        '616263', // application data "abc"
    );
    const cb = { initiatorAddrType: 2, initiatorAddress: fromHex('7f000001'), acceptorAddrType: 2, acceptorAddress: fromHex('0a000002'), applicationData: fromHex('616263') };
    expect(channelBindingsBytes(cb)).toEqual(layout);
    expect(channelBindingsHash(cb)).toEqual(md5(layout));
  });

  it('tls-server-end-point application data is the ASCII prefix then the raw hash', () => {
    const h = new Uint8Array(createHash('sha256').update('cert').digest());
    const ad = tlsServerEndPointBindings(h);
    expect(new TextDecoder().decode(ad.slice(0, 21))).toBe('tls-server-end-point:');
    expect(ad.slice(21)).toEqual(h);
    const layout = new Uint8Array([...new Uint8Array(16), 53, 0, 0, 0, ...ad]);
    expect(channelBindingsHash({ applicationData: ad })).toEqual(md5(layout));
  });
});
