import { expect } from 'vitest';
import { DecodeError } from '../../src/errors.js';

/** Bytes from hex, spaces allowed: `hex('02 01 7f')`. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Hex of bytes, lower case, no spaces. */
export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Run `f`, expect a DecodeError (and nothing else), and return it. */
export function expectDecodeError(f: () => unknown, where?: { path?: string; offset?: number; message?: RegExp }): DecodeError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a DecodeError to be thrown').toBeDefined();
  expect(caught).toBeInstanceOf(DecodeError);
  const err = caught as DecodeError;
  expect(err.constructor).toBe(DecodeError);
  expect(err.code).toBe('ERR_DECODE');
  if (where?.path !== undefined) expect(err.path).toBe(where.path);
  if (where?.offset !== undefined) expect(err.offset).toBe(where.offset);
  if (where?.message !== undefined) expect(err.message).toMatch(where.message);
  return err;
}
