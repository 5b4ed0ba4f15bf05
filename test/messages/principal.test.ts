/**
 * parsePrincipal / unparsePrincipal against MIT's own krb5_parse_name_flags and
 * krb5_unparse_name_flags (libkrb5 1.20, through test/mit/krb5harness's parse/unparse/defrealm
 * requests): random names full of `/ @ \ \n \t \b \0` and non-ASCII text, with every flag MIT
 * has, with and without a default realm. Every disagreement is collected and reported together.
 * Plus the known cases and the round trip.
 *
 * In CI (CI=true) a harness that cannot be built is a failure; elsewhere the MIT part is skipped,
 * visibly, only when gcc or krb5.h is absent.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DecodeError } from '../../src/errors.js';
import { parsePrincipal, unparsePrincipal, type ParsePrincipalOptions, type Principal, type UnparsePrincipalOptions } from '../../src/messages/index.js';
import { HARNESS_SETUP, openHarness, type MitHarness } from '../mit/harness.js';

const P = (components: string[], realm: string, nameType = 1): Principal => ({ nameType, components, realm });

describe('principal text form: known cases (MIT rules)', () => {
  it('joins components with / and the realm with @ (an empty realm too, as MIT writes it)', () => {
    expect(unparsePrincipal(P(['hftsai', 'extra'], 'ATHENA.MIT.EDU'))).toBe('hftsai/extra@ATHENA.MIT.EDU');
    expect(unparsePrincipal(P(['alice'], ''))).toBe('alice@');
    expect(parsePrincipal('HTTP/www.example.com@EXAMPLE.COM')).toEqual(P(['HTTP', 'www.example.com'], 'EXAMPLE.COM'));
    expect(parsePrincipal('krbtgt/R@R')).toEqual(P(['krbtgt', 'R'], 'R', 2));
    expect(parsePrincipal('WELLKNOWN/ANONYMOUS@WELLKNOWN:ANONYMOUS')).toEqual(P(['WELLKNOWN', 'ANONYMOUS'], 'WELLKNOWN:ANONYMOUS', 11));
  });

  it('escapes / @ \\ newline tab backspace NUL; display does not; noRealm leaves @ alone; defaultRealm shortens', () => {
    expect(unparsePrincipal(P(['a/b', 'c@d', 'e\\f'], 'R@S/T'))).toBe('a\\/b/c\\@d/e\\\\f@R\\@S\\/T');
    expect(unparsePrincipal(P(['x\ny\tz\bw\0'], 'R'))).toBe('x\\ny\\tz\\bw\\0@R');
    expect(unparsePrincipal(P(['a/b', 'c@d'], 'R'), { display: true })).toBe('a/b/c@d@R');
    expect(unparsePrincipal(P(['c@d'], 'R'), { noRealm: true })).toBe('c@d');
    expect(unparsePrincipal(P(['c@d'], 'R'), { defaultRealm: 'R' })).toBe('c\\@d');
    expect(unparsePrincipal(P(['c@d'], 'S'), { defaultRealm: 'R' })).toBe('c\\@d@S');
  });

  it('the bug this replaces: a\\/b@R is one component, whichever entry it comes from', () => {
    expect(parsePrincipal('a\\/b@R').components).toEqual(['a/b']);
  });

  it('enterprise names: one component, the first @ in the name', () => {
    expect(parsePrincipal('cyd.long@samba.test@SAMBA.TEST', { enterprise: true })).toEqual(P(['cyd.long@samba.test'], 'SAMBA.TEST', 10));
    expect(parsePrincipal('cyd@samba.test', { enterprise: true, realm: 'SAMBA.TEST' })).toEqual(P(['cyd@samba.test'], 'SAMBA.TEST', 10));
    expect(parsePrincipal('a/b@c', { enterprise: true, realm: 'R' })).toEqual(P(['a/b@c'], 'R', 10));
    expect(unparsePrincipal(P(['cyd.long@samba.test'], 'SAMBA.TEST', 10))).toBe('cyd.long\\@samba.test@SAMBA.TEST');
  });

  it('malformed text is a DecodeError (ERR_PRINCIPAL_MALFORMED); no realm and no default a ConfigError', () => {
    for (const t of ['a\\', 'a@b@c', 'a@R/S']) expect(() => parsePrincipal(t, { realm: 'X' }), t).toThrow(DecodeError);
    expect(() => parsePrincipal('a@R', { noRealm: true })).toThrow(expect.objectContaining({ code: 'ERR_PRINCIPAL_MALFORMED' }));
    expect(() => parsePrincipal('a', { requireRealm: true, realm: 'X' })).toThrow(DecodeError);
    expect(() => parsePrincipal('alice')).toThrow(ConfigError);
    expect(parsePrincipal('alice', { noDefaultRealm: true })).toEqual(P(['alice'], ''));
  });

  it('parsePrincipal(unparsePrincipal(p)) = p for any principal', () => {
    const comp = fc.string({ unit: fc.constantFrom('a', 'B', '/', '@', '\\', '\n', '\t', '\b', '\0', 'é', '.', 'n', '0', '日'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(comp, { minLength: 1, maxLength: 4 }), comp, (names, realm) => {
        const v = P(names, realm, names.length === 2 && names[0] === 'krbtgt' ? 2 : 1);
        if (names.length >= 2 && names[0] === 'WELLKNOWN') v.nameType = 11;
        expect(parsePrincipal(unparsePrincipal(v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- against MIT's libkrb5

const IN_CI = process.env.CI === 'true';
const absentReason: string | undefined = (() => {
  if (IN_CI) return undefined;
  const r = spawnSync(process.execPath, [HARNESS_SETUP, '--check'], { encoding: 'utf8' });
  return r.status === 3 ? r.stderr.trim() || 'gcc or krb5.h missing' : undefined;
})();
if (absentReason) console.warn(`[principal.test] SKIPPING the MIT cross-check: ${absentReason}`);

const KRB5_PARSE_MALFORMED = -1765328250;
const KRB5_CONFIG_NODEFREALM = -1765328160;
const PARSE = { noRealm: 0x1, requireRealm: 0x2, enterprise: 0x4, ignoreRealm: 0x8, noDefaultRealm: 0x10 } as const;
const UNPARSE = { short: 0x1, noRealm: 0x2, display: 0x4 } as const;
const hex = (s: string) => (s === '' ? '-' : Buffer.from(s, 'utf8').toString('hex'));
const unhex = (h: string) => (h === '-' ? '' : Buffer.from(h, 'hex').toString('utf8'));

let seed = 0x9e3779b9;
const rnd = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 2 ** 32;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
// a text: separators, escapes of every kind, and multi-byte characters (no literal NUL: MIT reads C strings)
const TEXT_UNITS = ['a', 'b', 'Z', '.', '/', '/', '@', '@', '\\', '\\', 'n', 't', 'b', '0', '\n', '\t', '\b', ' ', 'é', '日', '😀', 'R'];
const COMP_UNITS = ['a', 'Z', '.', '/', '@', '\\', '\n', '\t', '\b', '\0', 'é', '日', '😀', 'n', '0', ' '];
const text = (units: readonly string[], max: number) => Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(units)).join('');

describe.skipIf(absentReason !== undefined)("against MIT's krb5_parse_name_flags / krb5_unparse_name_flags", () => {
  let mit: MitHarness;
  beforeAll(async () => {
    const args = [HARNESS_SETUP, ...(IN_CI ? ['--install'] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 15 * 60_000 });
    if (r.error || r.status !== 0) throw new Error(`cannot build the MIT krb5 harness: ${r.stdout}${r.stderr}`);
    mit = openHarness();
  }, 16 * 60_000);
  afterAll(async () => {
    await mit?.close();
  });

  for (const defRealm of [undefined, 'DEF.REALM', 'D@F/\\X']) {
    it(`parse: 3,000 random texts × random flags, default realm ${JSON.stringify(defRealm ?? null)}`, async () => {
      expect(await mit.ok(`defrealm ${defRealm === undefined ? '-' : hex(defRealm)}`)).toBe('ok');
      const cases = Array.from({ length: 3000 }, () => {
        const t = text(TEXT_UNITS, 14);
        const flags = pick([
          0,
          0,
          0,
          PARSE.enterprise,
          PARSE.enterprise,
          PARSE.requireRealm,
          PARSE.noRealm,
          PARSE.ignoreRealm,
          PARSE.noDefaultRealm,
          PARSE.enterprise | PARSE.ignoreRealm,
        ]);
        return { t, flags };
      });
      const answers = await Promise.all(cases.map((c) => mit.call(`parse ${c.flags} ${hex(c.t)}`)));
      const bad: string[] = [];
      cases.forEach(({ t, flags }, i) => {
        const a = answers[i]!;
        const o: ParsePrincipalOptions = {};
        for (const [k, bit] of Object.entries(PARSE)) if (flags & bit) (o as Record<string, boolean>)[k] = true;
        if (defRealm !== undefined) o.realm = defRealm;
        let ours: string;
        try {
          const p = parsePrincipal(t, o);
          ours = `${p.nameType} ${hex(p.realm)} ${p.components.map((c) => (c === '' ? '' : hex(c))).join(',')}`;
        } catch (e) {
          ours = e instanceof DecodeError ? `ERR ${KRB5_PARSE_MALFORMED}` : e instanceof ConfigError ? `ERR ${KRB5_CONFIG_NODEFREALM}` : `THROWN ${(e as Error).message}`;
        }
        const theirs = a.startsWith('ERR ') ? a.split(' ').slice(0, 2).join(' ') : a;
        if (ours !== theirs)
          bad.push(
            `${JSON.stringify(t)} flags ${flags}: MIT ${theirs} (${
              a.startsWith('ERR')
                ? a
                : a
                    .split(' ')
                    .slice(1)
                    .map((x) => x.split(',').map(unhex).join('|'))
                    .join(' ')
            }), ours ${ours}`,
          );
      });
      expect(bad.slice(0, 20), `${bad.length} of ${cases.length} disagree`).toEqual([]);
    });
  }

  for (const defRealm of [undefined, 'R']) {
    it(`unparse: 3,000 random principals × every flag, default realm ${JSON.stringify(defRealm ?? null)}`, async () => {
      expect(await mit.ok(`defrealm ${defRealm === undefined ? '-' : hex(defRealm)}`)).toBe('ok');
      const cases = Array.from({ length: 3000 }, () => {
        const n = Math.floor(rnd() * 4);
        const components = Array.from({ length: n }, () => text(COMP_UNITS, 6));
        const realm = rnd() < 0.3 && defRealm ? defRealm : text(COMP_UNITS, 5);
        const flags =
          defRealm === undefined
            ? pick([0, 0, UNPARSE.noRealm, UNPARSE.display, UNPARSE.display | UNPARSE.noRealm])
            : pick([0, UNPARSE.short, UNPARSE.short | UNPARSE.noRealm, UNPARSE.short | UNPARSE.display, UNPARSE.noRealm]);
        return { p: P(components, realm), flags };
      });
      const answers = await Promise.all(
        cases.map(({ p, flags }) => mit.call(`unparse ${flags} 1 ${hex(p.realm)} ${p.components.length === 0 ? '~' : p.components.map((c) => hex(c)).join(',')}`)),
      );
      const bad: string[] = [];
      cases.forEach(({ p, flags }, i) => {
        const o: UnparsePrincipalOptions = {};
        if (flags & UNPARSE.display) o.display = true;
        if (flags & UNPARSE.noRealm) o.noRealm = true;
        if (flags & UNPARSE.short) o.defaultRealm = defRealm!;
        let ours = unparsePrincipal(p, o);
        // MIT's answer is a C string: with display, a NUL inside ends it
        if (o.display && ours.includes('\0')) ours = ours.slice(0, ours.indexOf('\0'));
        const theirs = Buffer.from(answers[i]!, 'hex').toString('utf8');
        if (ours !== theirs) bad.push(`${JSON.stringify(p)} flags ${flags}: MIT ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours)}`);
      });
      expect(bad.slice(0, 20), `${bad.length} of ${cases.length} disagree`).toEqual([]);
    });
  }
});
