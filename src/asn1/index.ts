/**
 * Strict DER and `Codec<T>` combinators: each ASN.1 type is declared once, as a value that
 * decodes and encodes it.
 *
 * @example
 * ```ts
 * import { app, seq, field, opt, int32, uint32, octetString, type Infer } from './asn1/index.js'
 * const EncryptedData = seq('EncryptedData', { etype: field(0, int32), kvno: opt(field(1, uint32)), cipher: field(2, octetString) })
 * type EncryptedData = Infer<typeof EncryptedData>
 * EncryptedData.decode(bytes) // { etype, kvno, cipher } or a DecodeError with path and offset
 * ```
 * @module
 */
export { type Codec, type Infer, BaseCodec, TaggedCodec, PrimitiveCodec, isTagged } from './codec.js';
export { DerReader, type DecodeOptions, DEFAULT_MAX_DEPTH } from './reader.js';
export { DerWriter } from './writer.js';
export {
  TagClass,
  UniversalTag,
  MAX_TAG_NUMBER,
  tagKey,
  tagClassOf,
  tagNumberOf,
  isConstructed,
  withConstructed,
  describeTag,
  universalFormError,
} from './tag.js';
export { bool, nullValue, octetString } from './primitives.js';
export { int32, uint32, uint32AsSent, int64, uint64, enumerated } from './integer.js';
export { generalString, kerberosString, utf8String, ia5String } from './strings.js';
export { kerberosTime } from './time.js';
export { bitString, kerberosFlags, type BitString } from './bit-string.js';
export { oid } from './oid.js';
export { raw, withBytes, type WithBytes } from './raw.js';
export { explicit, implicit, app, ctx } from './tagging.js';
export { seq, field, opt, untagged, hyphenate, type Field, type FieldOptions, type SeqOptions, type SeqValue } from './sequence.js';
export { seqOf } from './sequence-of.js';
export { choice, type ChoiceValue } from './choice.js';
export { map } from './map.js';
export { parseDer, type DerNode } from './tree.js';
