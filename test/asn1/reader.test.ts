/**
 * Header strictness (X.690 §8.1, §10.1) and the limits of the reader, through codecs and parseDer.
 */
import { describe, expect, it } from 'vitest';
import { DerReader, bool, int32, octetString, parseDer, raw, seq, seqOf, field, app, tagKey, TagClass } from '../../src/asn1/index.js';
import { expectDecodeError, hex } from './helpers.js';

describe('lengths (X.690 §8.1.3, §10.1)', () => {
  it('accepts the short form and the minimal long form', () => {
    expect(octetString.decode(hex('04 03 01 02 03'))).toEqual(hex('010203'));
    // X.690 §8.1.3.5 NOTE example: length 201 is 81 C9
    const content = new Uint8Array(201).fill(7);
    const b = new Uint8Array([0x04, 0x81, 0xc9, ...content]);
    expect(octetString.decode(b)).toEqual(content);
    const big = new Uint8Array(256).fill(1);
    expect(octetString.decode(new Uint8Array([0x04, 0x82, 0x01, 0x00, ...big]))).toEqual(big);
  });

  it('rejects the indefinite form 0x80', () => {
    expectDecodeError(() => seqOf(int32).decode(hex('30 80 02 01 05 00 00')), { offset: 1, message: /indefinite length/ });
  });

  it('rejects the long form for a length below 128', () => {
    expectDecodeError(() => octetString.decode(hex('04 81 03 01 02 03')), { path: 'OCTET STRING', offset: 1, message: /long form for a length below 128/ });
  });

  it('rejects leading zero length octets', () => {
    const body = new Uint8Array(200);
    expectDecodeError(() => octetString.decode(new Uint8Array([0x04, 0x82, 0x00, 0xc8, ...body])), { offset: 1, message: /leading zero/ });
  });

  it('rejects the reserved length octet 0xFF', () => {
    expectDecodeError(() => octetString.decode(hex('04 ff 00')), { offset: 1, message: /reserved/ });
  });

  it('rejects more than four length octets', () => {
    expectDecodeError(() => octetString.decode(hex('04 85 01 00 00 00 00')), { offset: 1, message: /too long/ });
  });

  it('rejects a length longer than the data, before allocating anything', () => {
    // 04 84 7f ff ff ff: an OCTET STRING claiming 2 GiB, followed by 3 bytes.
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      expectDecodeError(() => octetString.decode(hex('04 84 7f ff ff ff 01 02 03')), { offset: 1, message: /length 2147483647 exceeds the 3 bytes remaining/ });
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expectDecodeError(() => parseDer(hex('04 84 7f ff ff ff 01 02 03')), { offset: 1 });
    expectDecodeError(() => raw.decode(hex('30 84 ff ff ff ff 01 02 03')), { offset: 1 });
  });

  it('checks a length against its enclosing value, not just the whole input', () => {
    // SEQUENCE of length 3 containing an OCTET STRING that claims 4 bytes, with bytes after the SEQUENCE.
    expectDecodeError(() => parseDer(hex('30 03 04 04 01 02 03 04 05')), { offset: 3, message: /exceeds the 1 bytes remaining/ });
  });

  it('rejects truncated headers', () => {
    expectDecodeError(() => octetString.decode(hex('')), { offset: 0, message: /expected a tag/ });
    expectDecodeError(() => octetString.decode(hex('04')), { offset: 1, message: /expected a length/ });
    expectDecodeError(() => octetString.decode(hex('04 82 01')), { offset: 1, message: /truncated length/ });
  });
});

describe('identifiers (X.690 §8.1.2)', () => {
  it('reads the high-tag-number form', () => {
    // [31] primitive context: 9f 1f; [APPLICATION 200] constructed: 7f 81 48
    expect(parseDer(hex('9f 1f 01 aa'))).toMatchObject({ tagClass: 2, tagNumber: 31, constructed: false, headerLength: 3, length: 1 });
    expect(parseDer(hex('7f 81 48 00'))).toMatchObject({ tagClass: 1, tagNumber: 200, constructed: true, headerLength: 4, length: 0 });
    const c = app(200, int32);
    expect(c.decode(hex('7f 81 48 03 02 01 05'))).toBe(5);
    expect(c.encode(5)).toEqual(hex('7f 81 48 03 02 01 05'));
    // the largest accepted number, 2^28 - 1, in four octets
    expect(parseDer(hex('df ff ff ff 7f 00')).tagNumber).toBe(0x0fffffff);
  });

  it('rejects the high-tag-number form for numbers below 31', () => {
    expectDecodeError(() => parseDer(hex('9f 1e 00')), { offset: 0, message: /below 31/ });
  });

  it('rejects a non-minimal high tag number (first subsequent octet 0x80)', () => {
    expectDecodeError(() => parseDer(hex('9f 80 1f 00')), { offset: 0, message: /not minimally encoded/ });
  });

  it('rejects tag numbers of more than four octets', () => {
    expectDecodeError(() => parseDer(hex('9f 81 80 80 80 00 00')), { offset: 0, message: /too large/ });
  });

  it('rejects a truncated high tag', () => {
    expectDecodeError(() => parseDer(hex('9f 81')), { offset: 0, message: /truncated tag/ });
  });

  it('tagKey covers both forms', () => {
    expect(tagKey(TagClass.CONTEXT, true, 3)).toBe(0xa3);
    expect(tagKey(TagClass.APPLICATION, true, 200)).toBe(0x7f + 200 * 256);
    expect(() => tagKey(TagClass.CONTEXT, true, -1)).toThrow(RangeError);
  });
});

describe('structure', () => {
  it('rejects trailing data after the top-level value', () => {
    expectDecodeError(() => int32.decode(hex('02 01 05 00')), { path: 'INTEGER', offset: 3, message: /trailing data/ });
    expectDecodeError(() => parseDer(hex('05 00 05 00')), { offset: 2, message: /trailing data/ });
  });

  it('rejects trailing data inside a constructed value', () => {
    const S = seq('S', { a: field(0, int32) });
    // a0 04 02 01 05 00: one extra byte inside the explicit tag [0]
    expectDecodeError(() => S.decode(hex('30 06 a0 04 02 01 05 00')), { path: 'S.a', offset: 7, message: /1 unexpected bytes at the end/ });
    // an element after the last field
    expectDecodeError(() => S.decode(hex('30 07 a0 03 02 01 05 05 00')), { path: 'S', offset: 7, message: /unexpected element NULL after the last field/ });
  });

  it('enforces the depth limit (default 64, configurable)', () => {
    const nest = (n: number) => {
      let b = hex('05 00');
      for (let i = 0; i < n; i++) b = new Uint8Array([0x30, ...(b.length < 128 ? [b.length] : [0x81, b.length]), ...b]);
      return b;
    };
    expect(parseDer(nest(64)).constructed).toBe(true);
    expectDecodeError(() => parseDer(nest(65)), { message: /nesting deeper than 64/ });
    expectDecodeError(() => parseDer(nest(5), { maxDepth: 4 }), { message: /nesting deeper than 4/ });
    // deep enough to overflow the stack without the limit
    let deep = new Uint8Array(0);
    const parts: number[] = [];
    for (let i = 0; i < 100000; i++) parts.push(0x30, 0x80);
    deep = Uint8Array.from(parts);
    expectDecodeError(() => parseDer(deep));
    expect(() => parseDer(hex('05 00'), { maxDepth: 0 })).toThrow(RangeError);
  });

  it('rejects a constructed encoding where DER needs a primitive one (X.690 §10.2)', () => {
    // constructed OCTET STRING 24 03 04 01 aa
    expectDecodeError(() => octetString.decode(hex('24 03 04 01 aa')), { message: /expected OCTET STRING, found OCTET STRING \(constructed\)/ });
    expectDecodeError(() => bool.decode(hex('21 03 01 01 ff')));
  });

  it('parseDer and ANY check the DER form of universal tags', () => {
    expectDecodeError(() => parseDer(hex('00 00')), { offset: 0, message: /end-of-contents/ });
    expectDecodeError(() => parseDer(hex('30 02 24 00')), { path: 'DER[0]', offset: 2, message: /constructed OCTET STRING is not allowed/ });
    expectDecodeError(() => parseDer(hex('2c 00')), { message: /constructed UTF8String is not allowed/ });
    expectDecodeError(() => parseDer(hex('10 00')), { message: /SEQUENCE must be constructed/ });
    expectDecodeError(() => raw.decode(hex('22 00')), { message: /constructed INTEGER is not allowed/ });
    expect(parseDer(hex('a0 00 ')).constructed).toBe(true);
    expect(parseDer(hex('80 00 ')).constructed).toBe(false);
  });

  it('DerReader exposes absolute offsets for custom codecs', () => {
    const r = new DerReader(hex('30 06 02 01 05 02 01 06'));
    expect(r.readHeader()).toBe(0x30);
    const saved = r.enter();
    expect(int32.read(r)).toBe(5);
    expect(r.pos).toBe(5);
    expect(int32.read(r)).toBe(6);
    r.leave(saved);
    expect(r.pos).toBe(8);
    expect(() => new DerReader('x' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
