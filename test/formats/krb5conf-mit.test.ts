/**
 * Differential test: our krb5.conf parser and lookups against MIT krb5's own profile library
 * (libkrb5 1.20 on Debian), through test/mit/profile-dump.c (built by test/mit/profile-setup.mjs).
 *
 * For each file under fixtures/mit/krb5conf/ (and a few lists of files, for final markers), the
 * C program dumps what MIT makes of it: the node tree as MIT serializes it, then every section's
 * children in MIT's order, every relation's values, and profile_get_boolean where it applies.
 * We produce the same lines from our parse and compare them, all of them. Error files must fail
 * with MIT's error. The expected values come only from MIT's output, never from our parser.
 *
 * In CI (CI=true) a missing compiler or header is a failure; elsewhere the suite is skipped,
 * visibly, only when gcc or profile.h is genuinely absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { PROFILE_ERRORS, getString, getValues, isSection, listSection, parseKrb5Conf, type Krb5Conf, type Krb5ConfSection } from '../../src/formats/krb5conf.js';
import { defaultRealm, domainRealm, enctypeFromName, getEnctypes, parseBoolean, parseDuration } from '../../src/formats/krb5conf/settings.js';
// @ts-ignore: a plain .mjs script without types
import { EXIT_PREREQ_MISSING, PROFILE_DUMP_BINARY, ensureProfileDump } from '../mit/profile-setup.mjs';

const DIR = new URL('../../fixtures/mit/krb5conf/', import.meta.url).pathname;
const SETUP = new URL('../mit/profile-setup.mjs', import.meta.url).pathname;
const IN_CI = process.env.CI === 'true';

const absentReason: string | undefined = (() => {
  if (IN_CI) return undefined;
  const r = spawnSync(process.execPath, [SETUP, '--check'], { encoding: 'utf8' });
  return r.status === EXIT_PREREQ_MISSING ? r.stderr.trim() || 'gcc or profile.h missing' : undefined;
})();
if (absentReason) console.warn(`[krb5conf-mit.test] SKIPPING the MIT profile cross-check: ${absentReason}`);

/** Reads includes relative to the fixture directory, which is the C program's cwd too. */
const io = {
  include: (p: string) => {
    const f = join(DIR, p);
    if (!existsSync(f)) return undefined;
    return statSync(f).isDirectory() ? '' : readFileSync(f, 'utf8');
  },
  includedir: (d: string) => {
    const f = join(DIR, d);
    if (!existsSync(f) || !statSync(f).isDirectory()) return undefined;
    return readdirSync(f).map((name) => ({ name, text: statSync(join(f, name)).isDirectory() ? '' : readFileSync(join(f, name), 'utf8') }));
  },
};

function mit(args: string[], input?: string): string {
  const r = spawnSync(PROFILE_DUMP_BINARY, args, { cwd: DIR, encoding: 'utf8', input, env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
  if (r.status !== 0) throw new Error(`profile-dump ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------- our side of the dump

/** MIT's need_double_quotes and output_quoted_string (prof_parse.c), for the tree text. */
function mitValue(v: string): string {
  const needs = v === '' || /^\s|\s$/.test(v) || /[\n\t\b]/.test(v);
  if (!needs) return v;
  return `"${v.replace(/[\\\n\t\b]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\b': '\\b' })[c]!)}"`;
}

/** MIT's dump_profile: relations first, then subsections; `[x]*` / `}*` for final sections. */
function mitTree(conf: Krb5Conf): string {
  let out = '';
  const dump = (s: Krb5ConfSection, level: number): void => {
    for (const c of s.children) if (!isSection(c)) out += `${'\t'.repeat(level)}${c.name} = ${mitValue(c.value)}\n`;
    for (const c of s.children) {
      if (!isSection(c)) continue;
      if (level === 0) {
        out += `[${c.name}]${c.final ? '*' : ''}\n`;
        dump(c, 1);
        out += '\n';
      } else {
        out += `${'\t'.repeat(level)}${c.name} = {\n`;
        dump(c, level + 1);
        out += `${'\t'.repeat(level)}}${c.final ? '*' : ''}\n`;
      }
    }
  };
  dump({ name: '', children: conf.sections }, 0);
  return out;
}

function ourDump(files: Krb5Conf[]): unknown[] {
  const lines: unknown[] = [{ tree: mitTree(files[0]!) }];
  const walk = (names: string[]): void => {
    const children = listSection(files, names);
    lines.push({ path: names, children: children.map((c) => [c.name, c.value ?? null]) });
    const rels = [...new Set(children.filter((c) => c.value !== undefined).map((c) => c.name))];
    for (const n of rels) lines.push({ path: [...names, n], values: getValues(files, [...names, n]) });
    if (names.length >= 1 && names.length <= 2) {
      for (const n of rels) lines.push({ path: [...names, n], boolean: parseBoolean(getString(files, [...names, n])!) ?? null });
    }
    const subs = [...new Set(children.filter((c) => c.value === undefined).map((c) => c.name))];
    for (const n of subs) if (names.length + 2 < 16) walk([...names, n]);
  };
  walk([]);
  return lines;
}

function parseFiles(list: string): Krb5Conf[] {
  return list.split(':').map((f) => parseKrb5Conf(readFileSync(join(DIR, f), 'utf8'), { file: f, ...io }));
}

const GOOD = ['example.conf', 'debian.conf', 'freeipa.conf', 'tricky.conf', 'tricky-inc.conf', 'tricky-inc2.conf', 'final-1.conf', 'final-2.conf'];
const LISTS = ['final-1.conf:final-2.conf', 'final-2.conf:final-1.conf', 'example.conf:final-1.conf:freeipa.conf', 'tricky.conf:debian.conf'];
const ERRORS = readdirSync(join(DIR, 'errors'))
  .filter((f) => f.endsWith('.conf'))
  .map((f) => `errors/${f}`);

describe.skipIf(absentReason !== undefined)('krb5.conf against MIT profile library', () => {
  beforeAll(() => {
    const res = ensureProfileDump({ install: IN_CI });
    if (!res.ok) throw new Error(res.reason);
  });

  it.each([...GOOD, ...LISTS])('%s: tree, every section, every value, booleans agree', (list) => {
    const expected = mit([list])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(expected[0]).not.toHaveProperty('error');
    expect(ourDump(parseFiles(list))).toEqual(expected);
  });

  it.each(ERRORS)('%s: fails as MIT fails', (file) => {
    const expected = JSON.parse(mit([file]).trim().split('\n')[0]!) as { error?: number; message?: string };
    expect(expected.error).toBeDefined();
    let err: unknown;
    try {
      parseFiles(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.message.startsWith(expected.message!)).toBe(true);
    expect(Object.values(PROFILE_ERRORS)).toContain(expected.message);
    expect(e.line).toBeGreaterThan(0);
    expect(e.column).toBeGreaterThan(0);
    expect(e.file).toBeDefined();
  });

  // Random profile-ish text, written to files and read by both sides. Left out: include lines
  // (they would read arbitrary files), lines ending in a backslash, before a NUL too (inside a
  // quoted value MIT then reads past its string: undefined behaviour), and lines over MIT's
  // 2047-byte buffer.
  const tmp = mkdtempSync(join(tmpdir(), 'krb5conf-fuzz-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const piece = fc.oneof(
    fc.constantFrom('[', ']', '{', '}', '=', '*', '"', '\\', '#', ';', ' ', '\t', '\r', '\v', '\0', 'a', 'b', 'x y', 'é', '\\n', '\\"', 'module'),
    fc.constantFrom('[libdefaults]', '[realms]*', 'R = {', '}*', 'k = v', 'k* = v', 'k =', 'k = "q\\tw"', '  ', 'k = { '),
  );
  const junk = fc.array(piece, { maxLength: 8 }).map((a) => a.join(''));
  const word = fc
    .array(fc.constantFrom('a', 'b', 'k', 'R', 'é', '_', '.', '"', '\\', '{', '}', '#', '=', '*', ' ', '\t', '[', ']', '\r', '\0', '\v'), { maxLength: 5 })
    .map((a) => a.join(''));
  const ws = fc.constantFrom('', ' ', '\t', '  ');
  const cat = (parts: string[]) => parts.join('');
  const line = fc
    .oneof(
      { weight: 4, arbitrary: fc.tuple(ws, word, ws, fc.constantFrom('=', ' = ', '* = ', '*='), ws, word, ws).map(cat) },
      { weight: 2, arbitrary: fc.tuple(ws, word, fc.constantFrom(' = "', '="'), word, fc.constantFrom('"', '', '" tail', '\\"x"')).map(cat) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('[', '[', ' ['), word, fc.constantFrom(']', ']*', '] ', ']x', '', ']* ')).map(cat) },
      { weight: 2, arbitrary: fc.tuple(ws, word, fc.constantFrom(' = {', ' =', '* = {', ' = { ', ' = {x')).map(cat) },
      { weight: 2, arbitrary: fc.tuple(ws, fc.constantFrom('}', '}*', '} x', '{', '{ y', '')).map(cat) },
      { weight: 1, arbitrary: fc.tuple(ws, fc.constantFrom('#', ';'), word).map(cat) },
      { weight: 1, arbitrary: junk },
    )
    .filter((l) => !/^include/.test(l) && !/\\[\r]*$/.test(l.split('\0')[0]!));
  const fileText = fc.tuple(fc.constantFrom('[libdefaults]\n', '[realms]*\n', '', 'junk = 1\n'), fc.array(line, { maxLength: 25 })).map(([head, ls]) => head + ls.join('\n'));

  it("random text: our parse equals MIT's, or both reject it with the same error", () => {
    let n = 0;
    const outcome = { parsed: 0, rejected: 0, nonEmpty: 0 };
    fc.assert(
      fc.property(fileText, fc.boolean(), (text, second) => {
        const name = `f${n++}.conf`;
        writeFileSync(join(tmp, name), text);
        const list = second ? `${name}:${name}` : name;
        const r = spawnSync(PROFILE_DUMP_BINARY, [list], { cwd: tmp, encoding: 'utf8' });
        expect(r.status).toBe(0);
        const expected = r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        if (expected[0]!.error !== undefined) outcome.rejected++;
        else {
          outcome.parsed++;
          if (expected.length > 2) outcome.nonEmpty++;
        }
        let ours: unknown[];
        try {
          const conf = parseKrb5Conf(text, { file: name });
          ours = ourDump(second ? [conf, conf] : [conf]);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          ours = [{ error: expected[0]!.error, message: Object.values(PROFILE_ERRORS).find((m) => e.message.startsWith(m)) }];
        }
        expect(ours).toEqual(expected);
      }),
      { numRuns: Number(process.env.KRB5CONF_FUZZ_RUNS ?? 400) },
    );
    // the generator must exercise both outcomes, and non-trivial trees
    expect(outcome.rejected).toBeGreaterThan(0);
    expect(outcome.nonEmpty).toBeGreaterThan(outcome.parsed / 10);
    console.log(`[krb5conf-mit.test] random files: ${JSON.stringify(outcome)}`);
  });

  it('durations agree with krb5_string_to_deltat', () => {
    const cases = [
      '10h',
      '1d 2h 3m 4s',
      '36000',
      '1:2',
      '1:2:3',
      ' 5',
      '5 ',
      '1d2h',
      '-5',
      '1d 1:00:00',
      '1:99',
      '2s3m',
      '1 d',
      '1h 2',
      '',
      ' ',
      '99999999999',
      '+5',
      '1d -2h',
      '1:-2',
      '1d2h3m4s',
      '1d 2h',
      ' 1d',
      '1d ',
      '1h30m',
      '1m 30s',
      '5s ',
      '1:2:3 ',
      ' 1:2',
      '01:02',
      '1:2:3:4',
      '1d3',
      '10 s',
      '1h1h',
      '2h1d',
      '1d2m',
      '1d 4s',
      '1s2',
      '-1d',
      '1d-2h',
      '--5',
      '- 5',
      '1d 2:00',
      '0x10',
      '1.5h',
      '1D',
      '1H',
      '1d  2h',
      '1d\t2h',
      '1d2h ',
      '1h 30m ',
      '-1:30',
      '1:-30',
      '1: 30',
      '2147483647',
      '2147483648',
      '100000d',
      '24855d',
      '24856d',
      '-2147483648',
      '-2147483647',
      '1d 2h 3m 4s 5s',
      '1h 1d',
      '3m 1h',
      '007',
      '1d2h3m',
      '1:2:3s',
      '1h2',
      '4s3',
      '1d 5',
      '1 ',
      '1m1s',
      ' 1m',
      '24855d 3h 14m 7s',
      '24855d 3h 14m 8s',
      '9999999999s',
      '5m',
      '7:00',
      '24h',
      '0',
      '0s',
      '1:0:0',
      'abc',
      's',
      'd',
      '1x',
      '2h x',
      '5s\t',
      '1m ',
      '1h\t',
      '1d 4s ',
      '3 h',
      '-0',
      '1d 1d',
      '12:34:56',
      '596523h',
      '596524h',
      '35791394m',
      '35791395m',
      '-24855d',
    ];
    const out = mit(['--eval'], cases.map((c) => `deltat ${c}\n`).join(''))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { deltat?: number });
    const mismatches = cases.flatMap((c, i) => (parseDuration(c) !== out[i]!.deltat ? [{ input: c, ours: parseDuration(c), mit: out[i]!.deltat }] : []));
    expect(mismatches).toEqual([]);
  });

  it('enctype names agree with krb5_string_to_enctype', () => {
    const cases = [
      'aes',
      'AES256-SHA1',
      'aes256-cts',
      'aes256-cts-hmac-sha1-96',
      'aes128-cts',
      'aes128-sha1',
      'aes128-cts-hmac-sha1-96',
      'aes128-sha2',
      'aes256-sha2',
      'aes128-cts-hmac-sha256-128',
      'aes256-cts-hmac-sha384-192',
      'des3',
      'des3-cbc-sha1',
      'des3-hmac-sha1',
      'des3-cbc-sha1-kd',
      'rc4-hmac',
      'arcfour-hmac',
      'arcfour-hmac-md5',
      'arcfour-hmac-exp',
      'rc4-hmac-exp',
      'arcfour-hmac-md5-exp',
      'camellia128-cts-cmac',
      'camellia128-cts',
      'camellia256-cts-cmac',
      'camellia256-cts',
      'des-cbc-crc',
      'des-cbc-md5',
      'des-cbc-md4',
      'des',
      '18',
      'DEFAULT',
      'Aes128-Cts',
      '',
    ];
    const out = mit(['--eval'], cases.map((c) => `enctype ${c}\n`).join(''))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { enctype?: number });
    expect(cases.map((c) => enctypeFromName(c) ?? null)).toEqual(out.map((o) => o.enctype ?? null));
  });

  const HOSTS = [
    'a.mit.edu',
    'mit.edu',
    'x.y.mit.edu',
    'MIT.EDU.',
    'other.org',
    'ipa1.ipa.example.test',
    'h.ipa.example.test',
    'ipa.example.test',
    'dc.ad.example.test',
    'x.first.example',
    'x.second.example',
    'host.b.example',
    'x.b.example',
    'b.example',
    'a.example',
    'x.a.example',
    '127.0.0.1',
    '::1',
    '10.1.2.3',
    '9.2.3',
    'localhost',
    '1.2.3.4.example',
    '127.1',
    '0x7f.0.0.1',
    '1.2.3.4.1',
    '127.000.0.1',
  ];
  const CONTEXT = [
    ['example.conf'],
    ['debian.conf'],
    ['freeipa.conf'],
    ['tricky.conf'],
    ['final-1.conf:final-2.conf'],
    ['final-2.conf:final-1.conf'],
    ['enctypes-1.conf'],
    ['enctypes-2.conf'],
    ['enctypes-3.conf'],
    ['enctypes-4.conf'],
    ['addresses.conf'],
  ];
  it.each(CONTEXT)('%s: permitted enctypes, domain_realm and default_realm agree with libkrb5', (list) => {
    const expected = JSON.parse(mit(['--context', list, ...HOSTS]).trim()) as { permitted: number[]; realms: Record<string, string[]>; default_realm: string | null };
    const files = parseFiles(list);
    expect({
      permitted: getEnctypes(files, 'permitted_enctypes'),
      realms: Object.fromEntries(HOSTS.map((h) => [h, [domainRealm(files, h) ?? '']])),
      default_realm: defaultRealm(files) ?? null,
    }).toEqual(expected);
  });
});
