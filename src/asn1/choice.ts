/**
 * CHOICE (X.680 §29, X.690 §8.13): the alternative is chosen by the tag.
 * @module
 */
import { BaseCodec, type Codec, type Infer } from './codec.js';
import type { DerReader } from './reader.js';
import type { DerWriter } from './writer.js';
import { describeTag } from './tag.js';
import { hyphenate } from './sequence.js';

/** The value of a CHOICE: which alternative, and its value. */
export type ChoiceValue<A extends Record<string, Codec<unknown>>> = {
  [K in keyof A & string]: { type: K; value: Infer<A[K]> };
}[keyof A & string];

class ChoiceCodec<T extends { type: string; value: unknown }> extends BaseCodec<T> {
  readonly tags: readonly number[];
  private readonly byTag = new Map<number, { key: string; name: string; codec: Codec<unknown> }>();
  private readonly byKey = new Map<string, { name: string; codec: Codec<unknown> }>();

  constructor(
    readonly name: string,
    alternatives: Record<string, Codec<unknown>>,
    verbatim: boolean,
  ) {
    super();
    for (const [key, codec] of Object.entries(alternatives)) {
      // X.680 §29.3: the alternatives of a CHOICE have distinct tags.
      if (codec.tags === null) throw new TypeError(`${name}: alternative ${key} has no fixed tag (ANY)`);
      const entry = { key, name: verbatim ? key : hyphenate(key), codec };
      for (const t of codec.tags) {
        if (this.byTag.has(t)) throw new TypeError(`${name}: alternatives ${this.byTag.get(t)!.key} and ${key} share the tag ${describeTag(t)}`);
        this.byTag.set(t, entry);
      }
      this.byKey.set(key, entry);
    }
    this.tags = [...this.byTag.keys()];
  }

  read(r: DerReader): T {
    const tag = r.peekTag();
    if (tag === -1) r.fail(`unexpected end of data, expected ${this.name}`);
    const alt = this.byTag.get(tag);
    if (alt === undefined) r.fail(`no alternative of ${this.name} has the tag ${describeTag(tag)}`);
    r.path.push(alt.name);
    const value = alt.codec.read(r);
    r.path.pop();
    return { type: alt.key, value } as T;
  }

  write(w: DerWriter, v: T): void {
    if (typeof v !== 'object' || v === null) throw w.typeError(`${this.name}: expected { type, value }`);
    const alt = this.byKey.get(v.type);
    if (alt === undefined) throw w.typeError(`${this.name}: unknown alternative ${String(v.type)}`);
    w.path.push(alt.name);
    alt.codec.write(w, v.value);
    w.path.pop();
  }
}

/**
 * `CHOICE { … }` as `{ type: 'alternative', value }`. Alternatives must have distinct, known tags.
 *
 * @example
 * ```ts
 * // RFC 4178 §4.2: NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp }
 * const NegotiationToken = choice('NegotiationToken', { negTokenInit: ctx(0, NegTokenInit), negTokenResp: ctx(1, NegTokenResp) }, { names: 'verbatim' })
 * NegotiationToken.encode({ type: 'negTokenResp', value: { negState: 0 } })
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: Codec<T> is invariant in T (encode is a property), so no Codec<X> is a Codec<unknown>; only any admits every alternative's codec in the constraint
export function choice<A extends Record<string, Codec<any>>>(name: string, alternatives: A, options: { names?: 'hyphenate' | 'verbatim' } = {}): Codec<ChoiceValue<A>> {
  return new ChoiceCodec<ChoiceValue<A>>(name, alternatives, options.names === 'verbatim');
}
