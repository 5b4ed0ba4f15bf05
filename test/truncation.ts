/**
 * Truncation checks that can fail: every strict prefix of an encoding is decoded, and the test
 * states which prefixes (if any) are complete values of their own. A decoder that accepts a
 * truncated value, or throws something other than the expected error class, fails.
 *
 * Takes the decode function, so the same check runs on any codec (e.g. the node layer's
 * `decodeCredentialV4` today, the formats layer's record codec tomorrow).
 */
import { expect } from 'vitest';

export interface PrefixOutcome {
  /** Prefix lengths that decoded without an error. */
  accepted: number[];
  /** Prefix lengths that threw something other than `error`, with what they threw. */
  wrong: { length: number; thrown: string }[];
}

/** Decodes `bytes.subarray(0, n)` for every n < bytes.length. */
export function decodePrefixes(decode: (b: Uint8Array) => unknown, bytes: Uint8Array, error: abstract new (...a: never[]) => Error): PrefixOutcome {
  const accepted: number[] = [];
  const wrong: PrefixOutcome['wrong'] = [];
  for (let n = 0; n < bytes.length; n++) {
    try {
      decode(bytes.slice(0, n));
      accepted.push(n);
    } catch (e) {
      if (!(e instanceof error)) wrong.push({ length: n, thrown: `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}` });
    }
  }
  return { accepted, wrong };
}

/**
 * Every strict prefix of `bytes` is refused with `error`, except exactly the lengths in
 * `complete` (prefixes that are legitimately whole values, e.g. a cache file cut after its
 * default principal is a cache with no credentials).
 */
export function expectStrictPrefixesRefused(
  decode: (b: Uint8Array) => unknown,
  bytes: Uint8Array,
  error: abstract new (...a: never[]) => Error,
  complete: readonly number[] = [],
): void {
  expect(bytes.length, 'an empty encoding has no strict prefix to check').toBeGreaterThan(0);
  // the whole encoding itself decodes (else the check below says nothing about truncation)
  expect(() => decode(bytes.slice())).not.toThrow();
  const { accepted, wrong } = decodePrefixes(decode, bytes, error);
  expect(wrong, 'prefixes that threw the wrong error').toEqual([]);
  expect(accepted, 'prefixes decoded although truncated').toEqual([...complete]);
}
