/**
 * krb5.conf parser, serializer and typed reads on their own (no MIT needed); the value-for-value
 * comparison with MIT's library is in krb5conf-mit.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  capaths,
  compareNames,
  DEFAULT_ENCTYPES,
  defaultRealm,
  domainRealm,
  getBoolean,
  getDuration,
  getEnctypes,
  getRelationNames,
  getString,
  getSubsectionNames,
  getValues,
  includedirNameOk,
  isSection,
  libdefault,
  libdefaultBoolean,
  LIBDEFAULTS,
  parseEnctypeList,
  parseKrb5Conf,
  profileErrorName,
  realmConfig,
  realms,
  serializeKrb5Conf,
  type Krb5Conf,
  type Krb5ConfNode,
  type Krb5ConfSection,
} from '../../src/formats/index.js';

const SAMPLE = `
[libdefaults]
  default_realm = EXAMPLE.COM
  forwardable = true
  clockskew = 2m
  EXAMPLE.COM = {
    forwardable = false
  }
[realms]
  EXAMPLE.COM = {
    kdc = kdc1.example.com
    kdc = kdc2.example.com:88
    admin_server = kdc1.example.com
    auth_to_local_names = {
      jdoe = john
    }
    auth_to_local = RULE:[1:$1@$0](.*@OTHER)s/@.*//
    auth_to_local = DEFAULT
  }
[domain_realm]
  .example.com = EXAMPLE.COM
  special.example.com = OTHER.COM
[capaths]
  EXAMPLE.COM = {
    OTHER.COM = MID.COM
    OTHER.COM = .
  }
`;

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('parseKrb5Conf', () => {
  it('reads sections, subsections and repeated relations', () => {
    const c = parseKrb5Conf(SAMPLE);
    expect(getValues(c, ['realms', 'EXAMPLE.COM', 'kdc'])).toEqual(['kdc1.example.com', 'kdc2.example.com:88']);
    expect(getString(c, ['libdefaults', 'default_realm'])).toBe('EXAMPLE.COM');
    expect(getValues(c, ['libdefaults', 'nothing'])).toEqual([]);
    expect(getSubsectionNames(c, ['realms'])).toEqual(['EXAMPLE.COM']);
    expect(getRelationNames(c, ['libdefaults'])).toEqual(['clockskew', 'default_realm', 'forwardable']);
    expect(c.sections.map((s) => s.name)).toEqual(['capaths', 'domain_realm', 'libdefaults', 'realms']);
  });

  it("reports syntax errors with file, line, column and MIT's message", () => {
    const e = thrown(() => parseKrb5Conf('[a]\n  x = 1\n  bad line\n', { file: 'k.conf' })) as ConfigError;
    expect(e).toBeInstanceOf(ConfigError);
    expect([e.file, e.line, e.column]).toEqual(['k.conf', 3, 3]);
    expect(profileErrorName(e)).toBe('PROF_RELATION_SYNTAX');
    const e2 = thrown(() => parseKrb5Conf('[a]\n x y = 1\n')) as ConfigError;
    expect([e2.line, e2.column]).toEqual([2, 4]);
    expect(profileErrorName(thrown(() => parseKrb5Conf('[a]\n}\n')) as ConfigError)).toBe('PROF_EXTRA_CBRACE');
    expect(profileErrorName(thrown(() => parseKrb5Conf('[a]\nb = {\n[c]\n')) as ConfigError)).toBe('PROF_SECTION_NOTOP');
    expect(profileErrorName(thrown(() => parseKrb5Conf('[a]\nb =\n# c\n')) as ConfigError)).toBe('PROF_MISSING_OBRACE');
  });

  it('ignores what comes before the first section, as MIT does', () => {
    expect(parseKrb5Conf('x = 1\n  [y]\n').sections).toEqual([]);
  });

  it("reads include and includedir through the injected functions, with MIT's name rule and order", () => {
    const files: Record<string, string> = { '/inc.conf': '[a]\n x = inc\n' };
    const dir = [
      { name: 'z.conf', text: '[a]\n x = z\n' },
      { name: 'b_1', text: '[a]\n x = b\n' },
      { name: 'skip~', text: '[a]\n x = skip\n' },
      { name: '.dot.conf', text: '[a]\n x = dot\n' },
      { name: 'A-2', text: '[a]\n x = A\n' },
    ];
    const c = parseKrb5Conf('include /inc.conf\nincludedir /d\n[a]\n x = main\n', {
      include: (p) => files[p],
      includedir: (d) => (d === '/d' ? dir : undefined),
    });
    expect(getValues(c, ['a', 'x'])).toEqual(['inc', 'A', 'b', 'z', 'main']);
    expect(profileErrorName(thrown(() => parseKrb5Conf('include /nope\n', { include: () => undefined })) as ConfigError)).toBe('PROF_FAIL_INCLUDE_FILE');
    expect(profileErrorName(thrown(() => parseKrb5Conf('includedir /nope\n')) as ConfigError)).toBe('PROF_FAIL_INCLUDE_DIR');
    const err = thrown(() => parseKrb5Conf('include /x\n', { file: 'main', include: () => '\n\nincludedir /x\n' })) as ConfigError;
    expect(err.file).toBe('/x');
    expect(err.line).toBe(3);
    expect(['a', 'a_b-C9', 'x.conf', 'x.y.conf'].map(includedirNameOk)).toEqual([true, true, true, true]);
    expect(['.conf', 'a.b', 'a~', '.x.conf', 'a b', 'ü'].map(includedirNameOk)).toEqual([false, false, false, false, false, false]);
  });

  it('cuts include loops and include bombs with a ConfigError, quickly', () => {
    expect(thrown(() => parseKrb5Conf('include /self\n', { include: () => 'include /self\n' }))).toBeInstanceOf(ConfigError);
    const t0 = Date.now();
    const bomb = () => [
      { name: 'a', text: 'includedir /d\n' },
      { name: 'b', text: 'includedir /d\n' },
    ];
    expect(thrown(() => parseKrb5Conf('includedir /d\n', { includedir: bomb }))).toBeInstanceOf(ConfigError);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('sorts names in byte order (strcmp), not UTF-16 order', () => {
    expect(compareNames('\uffff', '\u{10000}')).toBeLessThan(0);
    expect(compareNames('B', 'a')).toBeLessThan(0);
    expect(compareNames('ab', 'a')).toBeGreaterThan(0);
  });
});

describe('typed reads', () => {
  const c = parseKrb5Conf(SAMPLE);
  it('booleans, durations, realm-specific libdefaults', () => {
    expect(getBoolean(c, ['libdefaults', 'forwardable'], false)).toBe(true);
    expect(getBoolean(c, ['libdefaults', 'proxiable'], LIBDEFAULTS.proxiable)).toBe(false);
    expect(thrown(() => getBoolean(parseKrb5Conf('[l]\nb = maybe\n'), ['l', 'b'], true))).toBeInstanceOf(ConfigError);
    expect(libdefaultBoolean(c, 'forwardable', false, 'EXAMPLE.COM')).toBe(false);
    expect(libdefaultBoolean(c, 'forwardable', false)).toBe(true);
    expect(libdefaultBoolean(parseKrb5Conf('[libdefaults]\nrdns = maybe\n'), 'rdns', true)).toBe(false);
    expect(libdefault(c, 'default_realm', 'EXAMPLE.COM')).toBe('EXAMPLE.COM');
    expect(getDuration(c, ['libdefaults', 'clockskew'], LIBDEFAULTS.clockskew)).toBe(120);
    expect(getDuration(c, ['libdefaults', 'ticket_lifetime'], LIBDEFAULTS.ticket_lifetime)).toBe(86400);
    expect(thrown(() => getDuration(parseKrb5Conf('[l]\nd = 1h 2\n'), ['l', 'd'], 0))).toBeInstanceOf(ConfigError);
  });

  it('enctype lists', () => {
    expect(getEnctypes(c, 'permitted_enctypes')).toEqual(DEFAULT_ENCTYPES);
    expect(parseEnctypeList('aes -aes128-sha1 +rc4 des DEFAULT')).toEqual([18, 20, 19, 23, 17, 16, 25, 26]);
    expect(parseEnctypeList('arcfour-hmac-exp,aes256-cts')).toEqual([18]);
    expect(parseEnctypeList('arcfour-hmac-exp,aes256-cts', true)).toEqual([24, 18]);
  });

  it('realms, domain_realm, capaths', () => {
    expect(defaultRealm(c)).toBe('EXAMPLE.COM');
    expect(realms(c)).toEqual(['EXAMPLE.COM']);
    const r = realmConfig(c, 'EXAMPLE.COM');
    expect(r.kdc).toEqual(['kdc1.example.com', 'kdc2.example.com:88']);
    expect(r.admin_server).toEqual(['kdc1.example.com']);
    expect(r.auth_to_local).toEqual(['RULE:[1:$1@$0](.*@OTHER)s/@.*//', 'DEFAULT']);
    expect(r.auth_to_local_names).toEqual({ jdoe: ['john'] });
    expect(domainRealm(c, 'Host.Example.COM.')).toBe('EXAMPLE.COM');
    expect(domainRealm(c, 'special.example.com')).toBe('OTHER.COM');
    expect(domainRealm(c, 'example.org')).toBeUndefined();
    expect(capaths(c, 'EXAMPLE.COM', 'OTHER.COM')).toEqual(['MID.COM', '.']);
  });
});

// ---------------------------------------------------------------- properties

/** What the parser makes of a tree: children sorted (stable), same-name subsections merged. */
function canonical(children: Krb5ConfNode[]): Krb5ConfNode[] {
  const sorted = children
    .map((c, i) => [c, i] as const)
    .sort((a, b) => compareNames(a[0].name, b[0].name) || a[1] - b[1])
    .map((x) => x[0]);
  const out: Krb5ConfNode[] = [];
  for (const c of sorted) {
    if (isSection(c)) {
      const prev = out.find((o): o is Krb5ConfSection => isSection(o) && o.name === c.name);
      if (prev) {
        prev.children = [...prev.children, ...c.children];
        if (c.final) prev.final = true;
        continue;
      }
      out.push({ ...c, children: [...c.children] });
    } else out.push({ ...c });
  }
  for (const o of out) if (isSection(o)) o.children = canonical(o.children);
  return out;
}

const nameChars = fc.constantFrom(...'abcXYZ019_-.é/:@ä{"\\#;[]}'.split(''), '\u{1F600}', '\uffff');
const relName = fc.string({ unit: nameChars, minLength: 1, maxLength: 6 }).filter((n) => !/^[[}#;]/.test(n));
const sectionName = fc.string({ unit: fc.oneof(nameChars, fc.constantFrom(' ', '\t', '=', '*')), maxLength: 6 }).filter((n) => !n.includes(']'));
const value = fc.string({
  unit: fc.oneof(fc.constantFrom(' ', '\t', '\n', '\b', '\r', '\v', '"', '\\', '{', '}', '#', '=', '*', '['), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })),
  maxLength: 12,
});
const flag = fc.option(fc.constant(true as const), { nil: undefined });

const node: fc.Memo<Krb5ConfNode> = fc.memo((depth) =>
  depth <= 1
    ? fc.record({ name: relName, value, final: flag }, { requiredKeys: ['name', 'value'] })
    : fc.oneof(
        fc.record({ name: relName, value, final: flag }, { requiredKeys: ['name', 'value'] }),
        fc.record({ name: relName, final: flag, children: fc.array(node(depth - 1), { maxLength: 4 }) }, { requiredKeys: ['name', 'children'] }),
      ),
);
const profile = fc.array(fc.record({ name: sectionName, final: flag, children: fc.array(node(3), { maxLength: 5 }) }, { requiredKeys: ['name', 'children'] }), { maxLength: 4 });

function strip(nodes: Krb5ConfNode[]): Krb5ConfNode[] {
  return nodes.map((n) => {
    const o: Record<string, unknown> = { ...n };
    if (o.final === undefined) delete o.final;
    if (isSection(n)) o.children = strip(n.children);
    return o as unknown as Krb5ConfNode;
  });
}

describe('properties', () => {
  it('parse(serialize(profile)) = profile', () => {
    fc.assert(
      fc.property(profile, (sections) => {
        const expected: Krb5Conf = { sections: strip(canonical(sections)) as Krb5ConfSection[] };
        const text = serializeKrb5Conf(expected);
        expect(parseKrb5Conf(text)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  const grammarChar = fc.constantFrom(...'[]{}=*"\\#; \t\n\r\0ab'.split(''));
  const lines = fc.array(
    fc.oneof(
      fc.string({ unit: grammarChar, maxLength: 20 }),
      fc.constantFrom('[a]', '[a]*', 'x = {', '}', '}*', 'x =', '{', 'y = "q\\', 'include f', 'includedir d', 'x* = 1'),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 30 },
  );

  it('random text gives a profile or a ConfigError, nothing else, and never hangs', () => {
    fc.assert(
      fc.property(lines, lines, (main, inc) => {
        const text = main.join('\n');
        const incText = inc.join('\n');
        try {
          const c = parseKrb5Conf(text, {
            file: 'fuzz',
            include: (p) => (p === 'f' ? incText : undefined),
            includedir: (d) => (d === 'd' ? [{ name: 'x', text: incText }] : undefined),
          });
          expect(Array.isArray(c.sections)).toBe(true);
          // whatever we parsed, we can write back unless a name cannot be written
          try {
            expect(parseKrb5Conf(serializeKrb5Conf(c))).toEqual(c);
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
          }
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          expect(e.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
