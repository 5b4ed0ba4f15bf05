/**
 * Finding key material in printed text (issue 11, item 3): `JSON.stringify` and `util.inspect`
 * output searched for a key's bytes as a run of numbers (how both printers show a Uint8Array:
 * inspect `[ a, b, … ]`, JSON `{"0":a,"1":b,…}`), as hex and as base64.
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Where `secret`'s bytes show in `text`: 'as numbers', 'as hex', 'as base64'; '' when nowhere. */
export function leak(text: string, secret: Uint8Array | string): string {
  if (typeof secret === 'string') return text.includes(secret) ? 'as text' : '';
  const nums = (text.match(/\d+/g) ?? []).map(Number);
  const want = Array.from(secret);
  for (const stride of [1, 2]) {
    for (let i = 0; i + (want.length - 1) * stride < nums.length; i++) {
      if (want.every((v, j) => nums[i + j * stride] === v)) return 'as numbers';
    }
  }
  const hex = Buffer.from(secret).toString('hex');
  if (text.toLowerCase().includes(hex)) return 'as hex';
  const b64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
  if (text.includes(b64.slice(0, 20))) return 'as base64';
  return '';
}

/** The texts a program's log would hold: JSON, and inspect at full depth and by default. */
export function printed(v: unknown): string[] {
  return [JSON.stringify(v) ?? '', inspect(v, { depth: Infinity, maxArrayLength: Infinity, showHidden: false }), inspect(v)];
}

/** Fails naming the secret and the printer when any secret shows in any printed form of `v`. */
export function expectNoLeak(v: unknown, secrets: Record<string, Uint8Array | string>): void {
  for (const text of printed(v)) {
    for (const [what, s] of Object.entries(secrets)) expect(leak(text, s), `${what} shows in ${text.slice(0, 300)}`).toBe('');
  }
}
