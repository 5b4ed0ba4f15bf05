/**
 * Type-level checks: value types are inferred from the combinators, and a codec declared against
 * a separately written interface is checked against it (both directions: Codec<T> is invariant).
 * `expectTypeOf` and `@ts-expect-error` are checked by the compiler, so the last test runs
 * `tsc -p test/asn1` to make them part of `vitest run`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { type Codec, type Infer, app, choice, ctx, field, int32, kerberosTime, map, octetString, opt, seq, seqOf, uint64, type withBytes } from '../../src/asn1/index.js';
import { APReq, type Ticket } from '../../src/messages/index.js';

const EncryptedData = seq('EncryptedData', { etype: field(0, int32), kvno: opt(field(1, int32)), cipher: field(2, octetString) });

describe('inferred types', () => {
  it('SEQUENCE: required as T, OPTIONAL as ?: T | undefined', () => {
    expectTypeOf<Infer<typeof EncryptedData>>().toEqualTypeOf<{ etype: number; kvno?: number | undefined; cipher: Uint8Array }>();
    const Nested = app(1, seq('N', { when: field(0, kerberosTime), list: opt(field(1, seqOf(EncryptedData))), big: field(2, uint64) }));
    expectTypeOf<Infer<typeof Nested>>().toEqualTypeOf<{
      when: Date;
      list?: { etype: number; kvno?: number | undefined; cipher: Uint8Array }[] | undefined;
      big: bigint;
    }>();
  });

  it('CHOICE, map, withBytes', () => {
    const C = choice('C', { a: ctx(0, int32), b: ctx(1, octetString) });
    expectTypeOf<Infer<typeof C>>().toEqualTypeOf<{ type: 'a'; value: number } | { type: 'b'; value: Uint8Array }>();
    const M = map(
      int32,
      (n) => n > 0,
      (b: boolean) => (b ? 1 : 0),
    );
    expectTypeOf<Infer<typeof M>>().toEqualTypeOf<boolean>();
    expectTypeOf<Infer<ReturnType<typeof withBytes<Ticket>>>>().toEqualTypeOf<{ value: Ticket; bytes: Uint8Array }>();
  });

  it('a codec is checked against an explicit interface', () => {
    interface Good {
      etype: number;
      kvno?: number;
      cipher: Uint8Array;
    }
    const ok: Codec<Good> = EncryptedData;
    // @ts-expect-error a field of the wrong type
    const wrongType: Codec<{ etype: string; kvno?: number; cipher: Uint8Array }> = EncryptedData;
    // @ts-expect-error a required field the codec does not declare
    const extraRequired: Codec<Good & { extra: string }> = EncryptedData;
    // Known limit of structural typing: an interface with an extra OPTIONAL property is accepted.
    const extraOptional: Codec<Good & { extra?: string }> = EncryptedData;
    // @ts-expect-error an OPTIONAL field declared required in the interface
    const notOptional: Codec<{ etype: number; kvno: number; cipher: Uint8Array }> = EncryptedData;
    expect([ok, wrongType, extraRequired, extraOptional, notOptional].length).toBe(5);
    expectTypeOf(APReq).toEqualTypeOf<Codec<APReq>>();
  });

  it('encode is checked too', () => {
    // @ts-expect-error missing required field
    expect(() => EncryptedData.encode({ etype: 1 })).toThrow(TypeError);
  });

  it('tsc -p test/asn1 passes (enforces the checks above)', () => {
    const require = createRequire(import.meta.url);
    const tsc = require.resolve('typescript/bin/tsc');
    const project = fileURLToPath(new URL('.', import.meta.url));
    const out = execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    expect(out).toBe('');
  }, 120_000);
});
