/**
 * SEQUENCE with named fields (X.680 §25, X.690 §8.9), as Kerberos declares every structure:
 * `SEQUENCE { pvno [0] INTEGER, msg-type [1] INTEGER, … }` with EXPLICIT context tags.
 * @module
 */
import { type Codec, TaggedCodec } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';
import { TagClass, describeTag } from './tag.js';
import { explicit, implicit } from './tagging.js';

/** How a field is written inside its SEQUENCE. */
export interface FieldOptions {
  /** The ASN.1 name used in error paths; default: the property name, hyphenated (`msgType` → `msg-type`). */
  name?: string;
  /** `[n] IMPLICIT` instead of the default `[n]` EXPLICIT (the inner codec needs one fixed tag). */
  implicit?: boolean;
}

/** One component of a SEQUENCE: its tag, its codec, and whether it is OPTIONAL. */
export interface Field<T, Optional extends boolean = boolean> {
  /** The context tag number, or `undefined` for an untagged component. */
  readonly tagNumber: number | undefined;
  readonly implicit: boolean;
  readonly codec: Codec<T>;
  /** The ASN.1 name, when given explicitly. */
  readonly name: string | undefined;
  readonly optional: Optional;
}

/**
 * A field `[tagNumber] codec`, explicitly tagged unless `{ implicit: true }`. The third argument
 * is the ASN.1 name for error paths, or options.
 *
 * @example
 * ```ts
 * seq('EncryptedData', { etype: field(0, int32), kvno: opt(field(1, uint32)), cipher: field(2, octetString) })
 * ```
 */
export function field<T>(tagNumber: number, codec: Codec<T>, options?: string | FieldOptions): Field<T, false> {
  if (!Number.isInteger(tagNumber) || tagNumber < 0) throw new RangeError(`invalid field tag number ${tagNumber}`);
  const o = typeof options === 'string' ? { name: options } : (options ?? {});
  return { tagNumber, implicit: o.implicit === true, codec, name: o.name, optional: false };
}

/**
 * An untagged component, matched by its own tag (used by GSS-API and PKIX structures; Kerberos
 * tags every field).
 *
 * @example
 * ```ts
 * // RFC 2743 §3.1: InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE { thisMech MechType, … }
 * seq('InitialContextToken', { thisMech: untagged(oid, 'thisMech'), innerContextToken: untagged(raw) })
 * ```
 */
export function untagged<T>(codec: Codec<T>, name?: string): Field<T, false> {
  return { tagNumber: undefined, implicit: false, codec, name, optional: false };
}

/**
 * Mark a field OPTIONAL: absent on the wire ⇔ `undefined` in the value.
 *
 * @example
 * ```ts
 * opt(field(5, seqOf(AuthorizationDataEntry)))
 * ```
 */
export function opt<T>(f: Field<T, false>): Field<T, true> {
  return { ...f, optional: true };
}

// biome-ignore lint/suspicious/noExplicitAny: Field<T> holds an invariant Codec<T>, so no Field<X> is a Field<unknown>; only any admits every component in the SEQUENCE constraint
type AnyField = Field<any, boolean>;
type FieldValue<F> = F extends Field<infer T, boolean> ? T : never;
type RequiredKeys<F> = { [K in keyof F]: F[K] extends { readonly optional: true } ? never : K }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The value type of a SEQUENCE: required fields as `T`, OPTIONAL ones as `?: T | undefined`. */
export type SeqValue<F extends Record<string, AnyField>> = Simplify<
  { [K in RequiredKeys<F>]: FieldValue<F[K]> } & { [K in Exclude<keyof F, RequiredKeys<F>>]?: FieldValue<F[K]> | undefined }
>;

/** Options of {@link seq}. */
export interface SeqOptions {
  /**
   * Skip elements after the last declared field instead of rejecting them (an extensible
   * SEQUENCE, `...` in X.680). Default `false`: unknown trailing elements are a `DecodeError`.
   * (MIT krb5's decoder treats every SEQUENCE as extensible; declare it per type where peers
   * are known to add fields.)
   */
  extensible?: boolean;
  /** How property names become ASN.1 names: `'hyphenate'` (default, RFC 4120 style) or `'verbatim'` (RFC 4178 style). */
  fieldNames?: 'hyphenate' | 'verbatim';
}

/**
 * RFC 4120's hyphenated names from their camelCase form, for error paths.
 *
 * @example
 * ```ts
 * hyphenate('msgType') // 'msg-type'
 * hyphenate('eText')   // 'e-text'
 * ```
 */
export function hyphenate(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `firstTags` markers: the field matches any tag (untagged ANY) / one of several tags (untagged CHOICE). */
const ANY_TAG = -2;
const SEVERAL_TAGS = -3;

class SequenceCodec<T> extends TaggedCodec<T> {
  private readonly keys: string[] = [];
  private readonly names: string[] = [];
  private readonly codecs: Codec<unknown>[] = [];
  /** The one tag of each field, or ANY_TAG, or SEVERAL_TAGS when `tagLists` decides. */
  private readonly firstTags: number[] = [];
  private readonly tagLists: (readonly number[] | null)[] = [];
  private readonly optional: boolean[] = [];
  private readonly extensible: boolean;
  /**
   * Every key, undefined, in declaration order: a decoded value starts as a copy of it, so that
   * filling it in stores to existing properties instead of adding them one by one (a new hidden
   * class per addition), and every value of this type has one shape.
   */
  private readonly template: Record<string, unknown> = {};

  constructor(name: string, fields: Record<string, AnyField>, options: SeqOptions) {
    super(0x30, name);
    this.extensible = options.extensible === true;
    const verbatim = options.fieldNames === 'verbatim';
    for (const [key, f] of Object.entries(fields)) {
      // Integer-like keys would be enumerated first, whatever their place in the declaration.
      if (/^\d+$/.test(key)) throw new TypeError(`${name}: field name ${key} must not be an integer`);
      const codec = f.tagNumber === undefined ? f.codec : f.implicit ? implicit(f.tagNumber, f.codec, TagClass.CONTEXT) : explicit(TagClass.CONTEXT, f.tagNumber, f.codec);
      this.keys.push(key);
      this.names.push(f.name ?? (verbatim ? key : hyphenate(key)));
      this.codecs.push(codec);
      this.tagLists.push(codec.tags);
      this.firstTags.push(codec.tags === null ? ANY_TAG : codec.tags.length === 1 ? codec.tags[0]! : SEVERAL_TAGS);
      this.optional.push(f.optional);
      this.template[key] = undefined;
    }
    this.checkDistinctTags();
  }

  /**
   * X.680 §25.6: the tags of an OPTIONAL component and of the components that may follow it up
   * to the next mandatory one must differ, or decoding would be ambiguous.
   */
  private checkDistinctTags(): void {
    const n = this.keys.length;
    for (let i = 0; i < n; i++) {
      if (!this.optional[i]) continue;
      const mine = this.tagLists[i]!;
      if (mine === null) throw new TypeError(`${this.name}: OPTIONAL field ${this.names[i]} must have a known tag`);
      for (let j = i + 1; j < n; j++) {
        const other = this.tagLists[j]!;
        if (other === null || other.some((t) => mine.includes(t))) {
          throw new TypeError(`${this.name}: fields ${this.names[i]} and ${this.names[j]} have overlapping tags`);
        }
        if (!this.optional[j]) break;
      }
    }
  }

  private matches(i: number, tag: number): boolean {
    const first = this.firstTags[i]!;
    return first === tag || first === ANY_TAG || (first === SEVERAL_TAGS && this.tagLists[i]!.includes(tag));
  }

  readContent(r: DerReader, len: number): T {
    const saved = r.enter(len);
    const out: Record<string, unknown> = { ...this.template };
    const n = this.keys.length;
    for (let i = 0; i < n; i++) {
      const tag = r.peekTag();
      if (tag !== -1 && this.matches(i, tag)) {
        r.path.push(this.names[i]!);
        out[this.keys[i]!] = this.codecs[i]!.read(r);
        r.path.pop();
      } else if (this.optional[i]) {
        // absent: stays undefined
      } else {
        const name = this.names[i]!;
        r.path.push(name);
        r.fail(tag === -1 ? `missing required field ${name}` : `missing required field ${name}, found ${describeTag(tag)}`);
      }
    }
    if (r.pos < r.end) {
      if (this.extensible) {
        while (r.pos < r.end) r.skip();
      } else {
        const at = r.pos;
        const tag = r.peekTag();
        const earlier = this.keys.findIndex((_, i) => this.matches(i, tag));
        r.fail(earlier >= 0 ? `field ${this.names[earlier]} repeated or out of order` : `unexpected element ${describeTag(tag)} after the last field of ${this.name}`, at);
      }
    }
    r.leave(saved);
    return out as T;
  }

  writeContent(w: DerWriter, value: T): void {
    if (typeof value !== 'object' || value === null) throw w.typeError(`${this.name}: expected an object`);
    const obj = value as Record<string, unknown>;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const v = obj[this.keys[i]!];
      if (v === undefined) {
        if (this.optional[i]) continue;
        w.path.push(this.names[i]!);
        throw w.typeError(`missing required field ${this.names[i]}`);
      }
      w.path.push(this.names[i]!);
      this.codecs[i]!.write(w, v);
      w.path.pop();
    }
  }
}

/**
 * `SEQUENCE { … }` from named fields, in declaration order. The value type is inferred from the
 * fields; a codec can also be checked against an interface declared separately.
 *
 * Decoding reads fields in order; an absent OPTIONAL field is `undefined`; a missing required
 * field is a `DecodeError` naming it; elements after the last field are rejected unless
 * `extensible`.
 *
 * @example
 * ```ts
 * const EncryptedData = seq('EncryptedData', {
 *   etype: field(0, int32), kvno: opt(field(1, uint32)), cipher: field(2, octetString),
 * })
 * type EncryptedData = Infer<typeof EncryptedData> // { etype: number; kvno?: number; cipher: Uint8Array }
 * ```
 */
export function seq<F extends Record<string, AnyField>>(name: string, fields: F, options: SeqOptions = {}): TaggedCodec<SeqValue<F>> {
  return new SequenceCodec<SeqValue<F>>(name, fields, options);
}
