/**
 * A generic DER tree, for tooling (`tskrb5 decode`) and for differential tests.
 * @module
 */
import { DerReader, type DecodeOptions } from './reader.js';
import { type TagClass, isConstructed, tagClassOf, tagNumberOf, universalFormError } from './tag.js';

/** One TLV of a parsed DER tree. */
export interface DerNode {
  /** The tag class (X.690 §8.1.2.2): 0 universal, 1 application, 2 context, 3 private. */
  readonly tagClass: TagClass;
  /** Whether the encoding is constructed (X.690 §8.1.2.5). */
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The tag key (see `tagKey`), handy to compare against `UniversalTag`/codec tags. */
  readonly tag: number;
  /** Offset of the identifier octet in the input. */
  readonly offset: number;
  /** Identifier plus length octets. */
  readonly headerLength: number;
  /** Content length. */
  readonly length: number;
  /** The content octets: a **view** into the input (not a copy), valid while the input is. */
  readonly content: Uint8Array;
  /** The elements of a constructed value; absent for a primitive one. */
  readonly children?: readonly DerNode[];
}

function parseNode(r: DerReader, index: number | undefined): DerNode {
  const offset = r.pos;
  if (index !== undefined) r.path.push(`[${index}]`);
  const tag = r.readHeader();
  const formError = universalFormError(tag);
  if (formError !== undefined) r.fail(formError, offset);
  const length = r.len;
  const headerLength = r.pos - offset;
  const content = r.buf.subarray(r.pos, r.pos + length);
  const constructed = isConstructed(tag);
  const tagClass = tagClassOf(tag);
  const tagNumber = tagNumberOf(tag);
  let node: DerNode;
  if (constructed) {
    // X.690 §8.1.1 / §10.1: a constructed content is a series of complete TLVs, nothing else.
    const saved = r.enter(length);
    const children: DerNode[] = [];
    for (let i = 0; r.pos < r.end; i++) children.push(parseNode(r, i));
    r.leave(saved);
    node = { tagClass, constructed, tagNumber, tag, offset, headerLength, length, content, children };
  } else {
    r.pos += length;
    node = { tagClass, constructed, tagNumber, tag, offset, headerLength, length, content };
  }
  if (index !== undefined) r.path.pop();
  return node;
}

/**
 * Parse exactly one DER TLV into a tree, with the same header strictness and limits as the
 * codecs (definite minimal lengths, minimal high tags, depth limit, no trailing data), and the
 * DER form of universal tags (no end-of-contents, SEQUENCE/SET constructed, strings and other
 * universal types primitive). Primitive contents are not interpreted. Errors are `DecodeError`s with a path like `DER[2][0]`.
 *
 * @example
 * ```ts
 * const node = parseDer(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05))
 * node.children?.[0]?.content // Uint8Array [5]
 * ```
 */
export function parseDer(bytes: Uint8Array, options?: DecodeOptions): DerNode {
  const r = new DerReader(bytes, options);
  r.path.push('DER');
  const node = parseNode(r, undefined);
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes of trailing data`);
  return node;
}
