/**
 * Key material that never shows: objects whose secret bytes `JSON.stringify` and Node's
 * `util.inspect` (and so `console.log`) print as `[redacted: N bytes]`. The bytes stay ordinary,
 * enumerable fields — spreading, `structuredClone` and equality in tests see them as before — only
 * the two printers are told otherwise, by methods on the prototype (or, for {@link redact},
 * non-enumerable own methods). No `node:` import: `util.inspect` finds its hook by the registered
 * symbol.
 * @module
 */

const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

type InspectFn = (value: unknown, options?: object) => string;

/** How a secret prints. */
export function redactedBytes(b: unknown): string {
  return b instanceof Uint8Array ? `[redacted: ${b.length} bytes]` : '[redacted]';
}

function show(name: string, shown: object, options: unknown, inspect: unknown): string {
  const text = typeof inspect === 'function' ? (inspect as InspectFn)(shown, options as object) : JSON.stringify(shown);
  return `${name} ${text}`;
}

/** A key as `tskrb5/crypto` takes it (`{ etype, value }`), whose bytes never print. */
export class SecretKey {
  constructor(
    public etype: number,
    public value: Uint8Array,
  ) {}
  toJSON(): object {
    return { etype: this.etype, value: redactedBytes(this.value) };
  }
  [INSPECT](_depth: number, options: unknown, inspect: unknown): string {
    return show('Key', { etype: this.etype, value: redactedBytes(this.value) }, options, inspect);
  }
}

/** An RFC 4120 EncryptionKey (`{ keytype, keyvalue }`), whose bytes never print. */
export class SecretEncryptionKey {
  constructor(
    public keytype: number,
    public keyvalue: Uint8Array,
  ) {}
  toJSON(): object {
    return { keytype: this.keytype, keyvalue: redactedBytes(this.keyvalue) };
  }
  [INSPECT](_depth: number, options: unknown, inspect: unknown): string {
    return show('EncryptionKey', { keytype: this.keytype, keyvalue: redactedBytes(this.keyvalue) }, options, inspect);
  }
}

/** `{ etype, value }` as a {@link SecretKey} (the same bytes, not copied). */
export function secretKey(etype: number, value: Uint8Array): SecretKey {
  return new SecretKey(etype, value);
}

/**
 * Gives `obj` a `toJSON` and an inspect hook (non-enumerable own properties) that print `fields`
 * as `[redacted: N bytes]` and everything else as it is. Returns `obj`.
 * @example
 * ```ts
 * redact({ krbCred, part }, ['krbCred'], 'DelegatedCredentials')
 * ```
 */
export function redact<T extends object>(obj: T, fields: readonly (keyof T & string)[], name = 'Object'): T {
  const shown = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) out[k] = fields.includes(k as keyof T & string) ? redactedBytes((obj as Record<string, unknown>)[k]) : (obj as Record<string, unknown>)[k];
    return out;
  };
  Object.defineProperty(obj, 'toJSON', { value: shown, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(obj, INSPECT, {
    value: (_depth: number, options: unknown, inspect: unknown) => show(name, shown(), options, inspect),
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return obj;
}
