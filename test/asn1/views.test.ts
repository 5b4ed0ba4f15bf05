import { describe, expect, it } from 'vitest';
import { field, octetString, raw, seq, withBytes } from '../../src/asn1/index.js';

const Box = seq('Box', { data: field(0, octetString), any: field(1, raw) });
// Box ::= SEQUENCE { data [0] OCTET STRING, any [1] ANY } with data 01 02 03 and any = NULL
const bytes = Uint8Array.of(0x30, 0x0b, 0xa0, 0x05, 0x04, 0x03, 1, 2, 3, 0xa1, 0x02, 0x05, 0x00);

describe('decode options: views', () => {
  it('copies by default: changing the input later changes nothing decoded', () => {
    const input = bytes.slice();
    const v = Box.decode(input);
    input[6] = 0xff;
    expect(Array.from(v.data)).toEqual([1, 2, 3]);
    expect(v.data.buffer).not.toBe(input.buffer);
  });

  it('with { views: true } byte values alias the input (same bytes, no copy)', () => {
    const input = bytes.slice();
    const v = Box.decode(input, { views: true });
    expect(Array.from(v.data)).toEqual([1, 2, 3]);
    expect(Array.from(v.any)).toEqual([0x05, 0x00]);
    expect(v.data.buffer).toBe(input.buffer);
    input[6] = 0xff;
    expect(v.data[0]).toBe(0xff);
    expect(Box.encode(Box.decode(bytes, { views: true }))).toEqual(bytes);
    expect(withBytes(Box).decode(bytes, { views: true }).bytes.buffer).toBe(bytes.buffer);
  });

  it('views of a Node Buffer input are plain Uint8Arrays (no Buffer leaks out)', () => {
    const v = Box.decode(Buffer.from(bytes), { views: true });
    expect(v.data.constructor).toBe(Uint8Array);
    expect(v.any.constructor).toBe(Uint8Array);
  });
});
