/**
 * SEQUENCE OF (X.680 §26, X.690 §8.10).
 * @module
 */
import { type Codec, TaggedCodec } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';

class SequenceOfCodec<T> extends TaggedCodec<T[]> {
  constructor(
    private readonly element: Codec<T>,
    name: string,
  ) {
    super(0x30, name);
  }
  readContent(r: DerReader, len: number): T[] {
    const saved = r.enter(len);
    const out: T[] = [];
    // Each element takes at least two octets, so the input bounds the element count.
    for (let i = 0; r.pos < r.end; i++) {
      r.path.push(`[${i}]`);
      out.push(this.element.read(r));
      r.path.pop();
    }
    r.leave(saved);
    return out;
  }
  writeContent(w: DerWriter, value: T[]): void {
    if (!Array.isArray(value)) throw w.typeError(`${this.name}: expected an array`);
    for (let i = value.length - 1; i >= 0; i--) {
      w.path.push(`[${i}]`);
      this.element.write(w, value[i]!);
      w.path.pop();
    }
  }
}

/**
 * `SEQUENCE OF element` as an array. Error paths index the element: `padata[1].padata-type`.
 *
 * @example
 * ```ts
 * const AuthorizationData = seqOf(seq('AuthorizationData', { adType: field(0, int32), adData: field(1, octetString) }))
 * seqOf(int32).encode([0, 1]) // 30 06 02 01 00 02 01 01
 * ```
 */
export function seqOf<T>(element: Codec<T>, name = `SEQUENCE OF ${element.name}`): TaggedCodec<T[]> {
  return new SequenceOfCodec(element, name);
}
