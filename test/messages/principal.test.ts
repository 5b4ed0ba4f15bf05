/** principalToString / parsePrincipal against MIT's krb5_unparse_name / krb5_parse_name rules. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePrincipal, principalToString } from '../../src/messages/index.js';

const p = (nameString: string[], realm: string, nameType = 1) => ({ name: { nameType, nameString }, realm });

describe('principal text form (MIT rules)', () => {
  it('joins components with / and the realm with @', () => {
    expect(principalToString(p(['hftsai', 'extra'], 'ATHENA.MIT.EDU'))).toBe('hftsai/extra@ATHENA.MIT.EDU');
    expect(principalToString(p(['alice'], ''))).toBe('alice');
    expect(parsePrincipal('HTTP/www.example.com@EXAMPLE.COM')).toEqual(p(['HTTP', 'www.example.com'], 'EXAMPLE.COM'));
  });

  it('escapes / @ \\ newline tab backspace NUL as MIT does', () => {
    expect(principalToString(p(['a/b', 'c@d', 'e\\f'], 'R@S/T'))).toBe('a\\/b/c\\@d/e\\\\f@R\\@S\\/T');
    expect(principalToString(p(['x\ny\tz\bw\0'], 'R'))).toBe('x\\ny\\tz\\bw\\0@R');
    expect(parsePrincipal('a\\/b/c\\@d/e\\\\f@R\\@S\\/T')).toEqual(p(['a/b', 'c@d', 'e\\f'], 'R@S/T'));
    expect(parsePrincipal('x\\ny\\tz\\bw\\0@R')).toEqual(p(['x\ny\tz\bw\0'], 'R'));
  });

  it('parses like krb5_parse_name: unknown escapes are the character', () => {
    expect(parsePrincipal('a\\qb@R')).toEqual(p(['aqb'], 'R'));
    expect(parsePrincipal('a@R\\/S')).toEqual(p(['a'], 'R/S'));
    expect(parsePrincipal('a//b@')).toEqual(p(['a', '', 'b'], ''));
    expect(parsePrincipal('alice', { defaultRealm: 'EXAMPLE.COM' })).toEqual(p(['alice'], 'EXAMPLE.COM'));
    expect(parsePrincipal('alice@X', { defaultRealm: 'EXAMPLE.COM', nameType: 10 })).toEqual(p(['alice'], 'X', 10));
  });

  it('rejects a trailing backslash, and an unescaped @ or / in the realm', () => {
    expect(() => parsePrincipal('a\\')).toThrow(RangeError);
    expect(() => parsePrincipal('a@b@c')).toThrow(RangeError);
    expect(() => parsePrincipal('a@R/S')).toThrow(RangeError);
  });

  it('parsePrincipal(principalToString(p)) = p', () => {
    const comp = fc.string({ unit: fc.constantFrom('a', 'B', '/', '@', '\\', '\n', '\t', '\b', '\0', 'é', '.', 'n', '0'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(comp, { minLength: 1, maxLength: 4 }), comp, (names, realm) => {
        const v = p(names, realm);
        expect(parsePrincipal(principalToString(v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});
