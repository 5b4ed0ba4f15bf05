/** Shared property: a decoder given any bytes returns or throws exactly DecodeError / UnsupportedError. */
import fc from 'fast-check';
import { DecodeError, UnsupportedError } from '../../src/errors.js';

export function onlyKerberosErrors(decode: (b: Uint8Array) => unknown, b: Uint8Array): void {
  try {
    decode(b);
  } catch (e) {
    const ctor = (e as object).constructor;
    if (ctor !== DecodeError && ctor !== UnsupportedError) throw e;
  }
}

/** Random bytes, and mutations (flip, truncate, extend, splice) of the given seeds. */
export function fuzzBytes(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  const mutated = fc.tuple(seed, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'set', 'truncate', 'extend', 'delete', 'insert')).map(([s, at, v, how]) => {
    const i = s.length === 0 ? 0 : at % s.length;
    const b = s.slice();
    switch (how) {
      case 'flip':
        if (b.length) b[i] = b[i]! ^ (1 << (v & 7));
        return b;
      case 'set':
        if (b.length) b[i] = v;
        return b;
      case 'truncate':
        return b.slice(0, i);
      case 'extend':
        return Uint8Array.from([...b, v]);
      case 'delete':
        return Uint8Array.from([...b.slice(0, i), ...b.slice(i + 1)]);
      default:
        return Uint8Array.from([...b.slice(0, i), v, ...b.slice(i)]);
    }
  });
  return fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated, mutated);
}

export function expectOnlyKerberosErrors(decode: (b: Uint8Array) => unknown, seeds: Uint8Array[], numRuns = 3000): void {
  fc.assert(
    fc.property(fuzzBytes(seeds), (b) => onlyKerberosErrors(decode, b)),
    { numRuns },
  );
}
