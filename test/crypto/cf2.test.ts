/**
 * PRF+ and KRB-FX-CF2 (RFC 6113 §5.1): MIT's t_cf2 known answers (fixtures/rfc/mit-cf2.json) on
 * both backends, and a differential run against MIT's own krb5_c_fx_cf2_simple through the C
 * harness (test/mit/krb5harness.c `cf2`): every pair of enctypes, random keys and peppers.
 * Under CI=true the harness cannot be skipped.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cf2, prf, prfPlus, randomBytes, setCryptoBackend, stringToKey } from '../../src/crypto/index.js';
import { HARNESS_SETUP, hexField, openHarness, toHex, type MitHarness } from '../mit/harness.js';

const IN_CI = process.env.CI === 'true';
const weak = { allowWeakCrypto: true };
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/rfc/mit-cf2.json', import.meta.url), 'utf8')) as {
  cases: { etype: number; password1: string; password2: string; pepper1: string; pepper2: string; outputHex: string }[];
};

describe.each(['node', 'pure'] as const)('KRB-FX-CF2 known answers (MIT t_cf2), %s backend', (backend) => {
  beforeAll(() => setCryptoBackend(backend));
  afterAll(() => setCryptoBackend('auto'));
  it('has the five cases', () => expect(fixture.cases.map((c) => c.etype)).toEqual([17, 18, 23, 19, 20]));
  for (const c of fixture.cases) {
    it(`etype ${c.etype}`, () => {
      const k1 = stringToKey(c.etype, c.password1, c.password1, undefined, weak);
      const k2 = stringToKey(c.etype, c.password2, c.password2, undefined, weak);
      const out = cf2(k1, c.pepper1, k2, c.pepper2, weak);
      expect(out.etype).toBe(c.etype);
      expect(toHex(out.value)).toBe(c.outputHex);
    });
  }
});

describe('PRF+ (RFC 6113 §5.1)', () => {
  it('is PRF(K, 1||x) || PRF(K, 2||x) … cut to length', () => {
    const k = stringToKey(19, 'key1', 'key1');
    const one = prf(k, new Uint8Array([1, 0x61]));
    const two = prf(k, new Uint8Array([2, 0x61]));
    expect(toHex(prfPlus(k, 'a', 40))).toBe(toHex(new Uint8Array([...one, ...two]).subarray(0, 40)));
    expect(prfPlus(k, 'a', 0).length).toBe(0);
  });
  it('refuses more than 255 blocks and bad keys', () => {
    const k = stringToKey(17, 'key1', 'key1');
    expect(() => prfPlus(k, 'a', 16 * 256)).toThrow(RangeError);
    expect(() => cf2({ etype: 17, value: new Uint8Array(5) }, 'a', k, 'b')).toThrow(RangeError);
    expect(() => cf2({ etype: 23, value: new Uint8Array(16) }, 'a', k, 'b')).toThrow(/weak/);
  });
  it('never prints the key', () => {
    const out = cf2(stringToKey(17, 'key1', 'key1'), 'a', stringToKey(17, 'key2', 'key2'), 'b');
    expect(JSON.stringify(out)).not.toContain(toHex(out.value).slice(0, 8));
    expect(JSON.stringify(out)).toContain('redacted');
  });
});

const absent = (() => {
  if (IN_CI) return undefined;
  const r = spawnSync(process.execPath, [HARNESS_SETUP, '--check'], { encoding: 'utf8' });
  return r.status === 3 ? r.stderr.trim() || 'gcc or krb5.h missing' : undefined;
})();

describe.skipIf(absent !== undefined)("cf2 against MIT's krb5_c_fx_cf2_simple (test/mit/krb5harness.c)", () => {
  let mit: MitHarness;
  beforeAll(() => {
    const r = spawnSync(process.execPath, [HARNESS_SETUP], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`harness build failed: ${r.stderr}`);
    mit = openHarness();
  });
  afterAll(async () => mit?.close());

  it('the same key for every pair of enctypes, random keys and the peppers FAST uses', async () => {
    const etypes = [17, 18, 19, 20, 23];
    const len: Record<number, number> = { 17: 16, 18: 32, 19: 16, 20: 32, 23: 16 };
    const peppers = ['subkeyarmor', 'ticketarmor', 'strengthenkey', 'replykey', 'clientchallengearmor', 'kdcchallengearmor', 'challengelongterm', 'explicitarmor', 'tgsarmor', 'x'];
    const enc = new TextEncoder();
    let n = 0;
    for (const e1 of etypes)
      for (const e2 of etypes)
        for (let i = 0; i < 4; i++) {
          const k1 = { etype: e1, value: randomBytes(len[e1]!) };
          const k2 = { etype: e2, value: randomBytes(len[e2]!) };
          const p1 = peppers[(i * 3 + e1) % peppers.length]!;
          const p2 = peppers[(i * 7 + e2) % peppers.length]!;
          const ans = await mit.ok(`cf2 ${e1} ${hexField(k1.value)} ${hexField(enc.encode(p1))} ${e2} ${hexField(k2.value)} ${hexField(enc.encode(p2))}`);
          const ours = cf2(k1, p1, k2, p2, weak);
          expect(`${ours.etype} ${toHex(ours.value)}`, `${e1}/${e2} ${p1}/${p2}`).toBe(ans);
          n++;
        }
    expect(n).toBe(100);
  });
});
