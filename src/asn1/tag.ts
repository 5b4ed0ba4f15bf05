/**
 * Tags as small numbers ("tag keys"), so that matching a tag is one integer comparison.
 *
 * For tag numbers 0..30 the key is the identifier octet itself (X.690 §8.1.2.2: class in bits
 * 8-7, constructed in bit 6, number in bits 5-1). For tag numbers >= 31 (high-tag-number form,
 * X.690 §8.1.2.4) the key is `firstOctet + number * 256`, where the first octet has bits 5-1 all
 * set; the two ranges cannot collide. Tag numbers are bounded by {@link MAX_TAG_NUMBER}.
 * @module
 */

/** The four tag classes of X.690 §8.1.2.2, Table 1. */
export const TagClass = {
  UNIVERSAL: 0,
  APPLICATION: 1,
  CONTEXT: 2,
  PRIVATE: 3,
} as const;

/** One of the {@link TagClass} values. */
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

/** Universal tag numbers used by Kerberos and SPNEGO (X.680 §8.4, Table 1). */
export const UniversalTag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OBJECT_IDENTIFIER: 6,
  ENUMERATED: 10,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  GeneralString: 27,
} as const;

/**
 * The largest tag number accepted: four subsequent octets of seven bits each. Far above any tag
 * used by Kerberos, GSS-API or PKIX, and small enough that a key stays an exact integer.
 */
export const MAX_TAG_NUMBER = 0x0fffffff;

/**
 * The key of a tag (see the module comment).
 *
 * @example
 * ```ts
 * tagKey(TagClass.UNIVERSAL, true, UniversalTag.SEQUENCE) // 0x30
 * tagKey(TagClass.APPLICATION, true, 14)                  // 0x6e (AP-REQ)
 * ```
 */
export function tagKey(tagClass: TagClass, constructed: boolean, tagNumber: number): number {
  if (!Number.isInteger(tagClass) || tagClass < 0 || tagClass > 3) throw new RangeError(`invalid tag class ${tagClass}`);
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > MAX_TAG_NUMBER) {
    throw new RangeError(`tag number must be an integer in 0..${MAX_TAG_NUMBER}, got ${tagNumber}`);
  }
  const lead = (tagClass << 6) | (constructed ? 0x20 : 0);
  return tagNumber < 31 ? lead | tagNumber : (lead | 0x1f) + tagNumber * 256;
}

/**
 * The class of a tag key.
 *
 * @example
 * ```ts
 * tagClassOf(0x6e) // TagClass.APPLICATION
 * ```
 */
export function tagClassOf(key: number): TagClass {
  return ((key & 0xff) >> 6) as TagClass;
}

/**
 * Whether a tag key has the constructed bit (X.690 §8.1.2.5).
 *
 * @example
 * ```ts
 * isConstructed(0x30) // true
 * ```
 */
export function isConstructed(key: number): boolean {
  return (key & 0x20) !== 0;
}

/**
 * The tag number of a tag key.
 *
 * @example
 * ```ts
 * tagNumberOf(0xa3) // 3
 * ```
 */
export function tagNumberOf(key: number): number {
  return (key & 0x1f) === 0x1f ? Math.floor(key / 256) : key & 0x1f;
}

/**
 * The same tag with the constructed bit set or cleared.
 *
 * @example
 * ```ts
 * withConstructed(0x04, true) // 0x24, a constructed OCTET STRING (not DER)
 * ```
 */
export function withConstructed(key: number, constructed: boolean): number {
  return constructed ? key | 0x20 : key & ~0x20;
}

const UNIVERSAL_NAMES: Record<number, string> = {
  1: 'BOOLEAN',
  2: 'INTEGER',
  3: 'BIT STRING',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OBJECT IDENTIFIER',
  10: 'ENUMERATED',
  12: 'UTF8String',
  16: 'SEQUENCE',
  17: 'SET',
  19: 'PrintableString',
  22: 'IA5String',
  23: 'UTCTime',
  24: 'GeneralizedTime',
  27: 'GeneralString',
};
const CLASS_NAMES = ['UNIVERSAL', 'APPLICATION', '', 'PRIVATE'];

/**
 * A readable name for a tag key, for error messages and tooling.
 *
 * @example
 * ```ts
 * describeTag(0x30) // 'SEQUENCE'
 * describeTag(0xa3) // '[3]'
 * describeTag(0x6e) // '[APPLICATION 14]'
 * ```
 */
export function describeTag(key: number): string {
  const cls = tagClassOf(key);
  const num = tagNumberOf(key);
  const cons = isConstructed(key);
  if (cls === TagClass.UNIVERSAL) {
    const name = UNIVERSAL_NAMES[num] ?? `[UNIVERSAL ${num}]`;
    // SEQUENCE and SET are always constructed, the others normally primitive: only say so when unusual.
    const normallyConstructed = num === 16 || num === 17;
    return cons === normallyConstructed ? name : `${name} (${cons ? 'constructed' : 'primitive'})`;
  }
  const prefix = CLASS_NAMES[cls] ? `${CLASS_NAMES[cls]} ` : '';
  return `[${prefix}${num}]${cons ? '' : ' (primitive)'}`;
}

/**
 * Why a UNIVERSAL tag's form is not DER, or `undefined` when it is fine (other classes always
 * are). Tag 0 is end-of-contents, which only the indefinite form uses (X.690 §8.1.5);
 * SEQUENCE, SET, EXTERNAL, EMBEDDED PDV and CHARACTER STRING are constructed (X.690 §8.9.1,
 * §8.11.1, §8.18.1); every other universal type is primitive in DER (X.690 §10.2 for strings,
 * and by definition for the rest).
 *
 * @example
 * ```ts
 * universalFormError(0x24) // 'constructed OCTET STRING is not allowed in DER'
 * universalFormError(0x30) // undefined
 * ```
 */
export function universalFormError(key: number): string | undefined {
  if (tagClassOf(key) !== TagClass.UNIVERSAL) return undefined;
  const num = tagNumberOf(key);
  if (num === 0) return 'end-of-contents octets are not allowed in DER';
  const mustBeConstructed = num === 16 || num === 17 || num === 8 || num === 11 || num === 29;
  if (isConstructed(key) === mustBeConstructed) return undefined;
  return mustBeConstructed ? `${describeTag(withConstructed(key, true))} must be constructed` : `constructed ${describeTag(withConstructed(key, false))} is not allowed in DER`;
}
