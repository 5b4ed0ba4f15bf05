/**
 * krb5.conf in MIT's profile syntax: text in, a tree of sections and relations out, no I/O.
 *
 * The parser follows MIT krb5's `src/util/profile/prof_parse.c` (1.20) line by line, and the
 * lookups follow MIT's `profile_node_iterator` (prof_tree.c), checked value for value against
 * libkrb5's own profile library by `test/formats/krb5conf-mit.test.ts`. What MIT does:
 *
 * - Lines before the first line that starts with `[` in column 1 are ignored (so is a relation
 *   there: it is not an error), except `module …`, which MIT reports as an unexpected module
 *   declaration (it names a plugin that would supply the whole profile). `include FILE` / `includedir DIR` are recognised only at the
 *   very start of a line, in any state, and the path is the rest of the line (leading blanks
 *   skipped, trailing blanks kept).
 * - `#` and `;` start a comment only as the first non-blank character of a line; elsewhere they
 *   are part of the value (`kdc = a # b` has the value `a # b`).
 * - `[name]` opens (or re-opens: sections of the same name merge) a top-level section; `[name]*`
 *   makes it final; blanks may follow, anything else is a syntax error. `[]` is allowed.
 * - `tag = value`: the tag ends at the first blank and must be followed by blanks only up to the
 *   `=`; a `*` in the tag cuts it there and marks the relation final. A value that starts with
 *   `"` runs to the next unescaped `"` (the rest of the line is dropped; an unterminated quote is
 *   fine), with `\n`, `\t`, `\b` and `\X` → `X`; an unquoted value is trimmed at the end.
 * - `tag = {` (blanks may follow) or `tag =` followed by a line starting with `{` (the rest of
 *   that line is ignored) opens a subsection; subsections of the same name in one section merge.
 *   `}` closes it, `}*` makes it final, anything else after `}` is ignored. An unclosed `{` at
 *   the end of a file is not an error.
 * - Children are kept sorted by name (byte order), values of the same name in file order: MIT
 *   inserts every node this way, and every lookup sees that order.
 * - Included files are parsed with a fresh state (a dangling `{` in one cannot leak) into the
 *   same root; `includedir` reads, in byte order of name, the files whose names end in `.conf`
 *   or consist only of ASCII letters, digits, `-` and `_`, skipping dotfiles.
 *
 * Not matched on purpose: MIT reads lines with a 2048-byte buffer, so a longer line is split in
 * two; here a line is a line. A `\` as the last character of a quoted value makes MIT read past
 * the end of its buffer (undefined behaviour); here the value ends there. Include recursion is
 * cut at a depth of 32 and at 4096 included files in all (MIT would recurse until it runs out of
 * file descriptors or memory).
 *
 * @example
 * ```ts
 * const conf = parseKrb5Conf(text, { file: '/etc/krb5.conf' })
 * getValues(conf, ['realms', 'EXAMPLE.COM', 'kdc']) // ['kdc1.example.com', 'kdc2.example.com']
 * ```
 * @module
 */

import { ConfigError } from '../errors.js';

/** A `name = value` relation. */
export interface Krb5ConfRelation {
  name: string;
  value: string;
  /** Written `name* = value`. MIT (1.20) keeps the flag but no lookup consults it. */
  final?: boolean;
}

/** A `[section]` or a `name = { … }` subsection. */
export interface Krb5ConfSection {
  name: string;
  /** Written `[name]*` or `}*`: no later file is consulted for anything under it. */
  final?: boolean;
  /** Relations and subsections, sorted by name (byte order), same names in file order. */
  children: Krb5ConfNode[];
}

export type Krb5ConfNode = Krb5ConfRelation | Krb5ConfSection;

/** One parsed file (its includes merged in, as MIT does). */
export interface Krb5Conf {
  /** The top-level `[sections]`, sorted by name. */
  sections: Krb5ConfSection[];
}

/** What `parseKrb5Conf` needs from the outside world: file access is injected. */
export interface ParseKrb5ConfOptions {
  /** The file name, for error messages. */
  file?: string;
  /** Reads a file named by `include`; `undefined` when it cannot be read. */
  include?: (path: string) => string | undefined;
  /** Lists a directory named by `includedir` (every entry; filtering is ours); `undefined` when it cannot be read. */
  includedir?: (dir: string) => { name: string; text: string }[] | undefined;
}

/** MIT's com_err texts, so an error reads as `kinit` would print it. */
export const PROFILE_ERRORS = {
  PROF_SECTION_NOTOP: 'Profile section header not at top level',
  PROF_SECTION_SYNTAX: 'Syntax error in profile section header',
  PROF_RELATION_SYNTAX: 'Syntax error in profile relation',
  PROF_EXTRA_CBRACE: 'Extra closing brace in profile',
  PROF_MISSING_OBRACE: 'Missing open brace in profile',
  PROF_FAIL_INCLUDE_FILE: 'Included profile file could not be read',
  PROF_FAIL_INCLUDE_DIR: 'Included profile directory could not be read',
  PROF_MODULE: 'Unexpected module declaration in profile',
} as const;
export type ProfileErrorName = keyof typeof PROFILE_ERRORS;

/** The MIT error name of a `ConfigError` thrown by `parseKrb5Conf`, from its message. */
export function profileErrorName(e: ConfigError): ProfileErrorName | undefined {
  for (const [k, v] of Object.entries(PROFILE_ERRORS)) if (e.message.startsWith(v)) return k as ProfileErrorName;
  return undefined;
}

const MAX_INCLUDE_DEPTH = 32;
/** Files read through include/includedir in one parse, at most (a guard against include bombs). */
const MAX_INCLUDED_FILES = 4096;

/** C's isspace in the C locale. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function skipBlanks(s: string, i: number): number {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

/** strcmp order: UTF-8 byte order, which is code point order (not UTF-16 unit order). */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!,
      y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** MIT's profile_add_node: insert after the last node whose name sorts <= name. */
function insertSorted(children: Krb5ConfNode[], node: Krb5ConfNode): void {
  let i = children.length;
  while (i > 0 && compareNames(children[i - 1]!.name, node.name) > 0) i--;
  children.splice(i, 0, node);
}

export function isSection(n: Krb5ConfNode): n is Krb5ConfSection {
  return (n as Krb5ConfSection).children !== undefined;
}

/** Finds the subsection of that name, or adds one (MIT merges subsections of the same name). */
function subsection(parent: Krb5ConfSection, name: string): Krb5ConfSection {
  for (const c of parent.children) if (isSection(c) && c.name === name) return c;
  const s: Krb5ConfSection = { name, children: [] };
  insertSorted(parent.children, s);
  return s;
}

enum State {
  InitComment,
  StdLine,
  GetObrace,
}

interface ParseState {
  state: State;
  /** The open sections: [top-level section, subsection, …]; empty before the first header. */
  stack: Krb5ConfSection[];
}

class Parser {
  included = 0;
  constructor(
    readonly root: Krb5ConfSection,
    readonly opts: ParseKrb5ConfOptions,
  ) {}

  fail(kind: ProfileErrorName, file: string | undefined, line: number, column: number, detail?: string): never {
    throw new ConfigError(`${PROFILE_ERRORS[kind]}${detail ? `: ${detail}` : ''}`, { file, line, column });
  }

  parseFile(text: string, file: string | undefined, depth: number): void {
    if (depth > 0 && ++this.included > MAX_INCLUDED_FILES) {
      throw new ConfigError(`${PROFILE_ERRORS.PROF_FAIL_INCLUDE_FILE}: more than ${MAX_INCLUDED_FILES} included files`, { file });
    }
    const st: ParseState = { state: State.InitComment, stack: [] };
    // fgets: each line keeps its newline; a NUL ends what C sees of the line.
    let start = 0,
      lineNo = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      end = end < 0 ? text.length : end + 1;
      let line = text.slice(start, end);
      start = end;
      lineNo++;
      const nul = line.indexOf('\0');
      if (nul >= 0) line = line.slice(0, nul);
      this.parseLine(line, st, file, lineNo, depth);
    }
  }

  parseLine(line: string, st: ParseState, file: string | undefined, lineNo: number, depth: number): void {
    if (line.startsWith('include') && isSpace(line[7])) {
      const path = stripLine(line.slice(skipBlanks(line, 7)));
      this.include(path, file, lineNo, depth);
      return;
    }
    if (line.startsWith('includedir') && isSpace(line[10])) {
      const dir = stripLine(line.slice(skipBlanks(line, 10)));
      this.includeDir(dir, file, lineNo, depth);
      return;
    }
    if (st.state === State.GetObrace) {
      const i = skipBlanks(line, 0);
      if (line[i] !== '{') this.fail('PROF_MISSING_OBRACE', file, lineNo, i + 1);
      st.state = State.StdLine;
      return;
    }
    if (st.state === State.InitComment) {
      // `module PATH:RESIDUAL` hands the whole profile to a plugin; MIT reports it as an error
      // wherever it is not expected, and a pure parser has no plugins to load.
      if (line.startsWith('module') && isSpace(line[6])) this.fail('PROF_MODULE', file, lineNo, 1);
      if (line[0] !== '[') return;
      st.state = State.StdLine;
    }
    this.stdLine(line, st, file, lineNo);
  }

  include(path: string, file: string | undefined, lineNo: number, depth: number): void {
    if (depth >= MAX_INCLUDE_DEPTH) this.fail('PROF_FAIL_INCLUDE_FILE', file, lineNo, 1, `includes nested deeper than ${MAX_INCLUDE_DEPTH}: ${path}`);
    const text = path === '' ? undefined : this.opts.include?.(path);
    if (text === undefined) this.fail('PROF_FAIL_INCLUDE_FILE', file, lineNo, 1, path);
    this.parseFile(text, path, depth + 1);
  }

  includeDir(dir: string, file: string | undefined, lineNo: number, depth: number): void {
    if (depth >= MAX_INCLUDE_DEPTH) this.fail('PROF_FAIL_INCLUDE_DIR', file, lineNo, 1, `includes nested deeper than ${MAX_INCLUDE_DEPTH}: ${dir}`);
    const entries = dir === '' ? undefined : this.opts.includedir?.(dir);
    if (entries === undefined) this.fail('PROF_FAIL_INCLUDE_DIR', file, lineNo, 1, dir);
    const files = entries.filter((e) => includedirNameOk(e.name)).sort((a, b) => compareNames(a.name, b.name));
    for (const e of files) this.parseFile(e.text, `${dir}/${e.name}`, depth + 1);
  }

  stdLine(line: string, st: ParseState, file: string | undefined, lineNo: number): void {
    const cp = skipBlanks(line, 0);
    if (line[cp] === ';' || line[cp] === '#') return;
    line = stripLine(line);
    if (cp >= line.length) return;
    const col = (i: number) => i + 1;
    const ch = line[cp];
    if (ch === '[') {
      if (st.stack.length > 1) this.fail('PROF_SECTION_NOTOP', file, lineNo, col(cp));
      const close = line.indexOf(']', cp + 1);
      if (close < 0) this.fail('PROF_SECTION_SYNTAX', file, lineNo, col(line.length), 'no closing ]');
      const section = subsection(this.root, line.slice(cp + 1, close));
      st.stack = [section];
      let p = close + 1;
      if (line[p] === '*') {
        section.final = true;
        p++;
      }
      p = skipBlanks(line, p);
      if (p < line.length) this.fail('PROF_SECTION_SYNTAX', file, lineNo, col(p), 'text after ]');
      return;
    }
    if (ch === '}') {
      if (st.stack.length <= 1) this.fail('PROF_EXTRA_CBRACE', file, lineNo, col(cp));
      if (line[cp + 1] === '*') st.stack[st.stack.length - 1]!.final = true;
      st.stack.pop();
      return;
    }
    // a relation
    const current = st.stack[st.stack.length - 1]!;
    const eq = line.indexOf('=', cp);
    if (eq < 0) this.fail('PROF_RELATION_SYNTAX', file, lineNo, col(cp), 'no = in relation');
    if (eq === cp) this.fail('PROF_RELATION_SYNTAX', file, lineNo, col(cp), 'relation with no name');
    let tagEnd = cp;
    while (tagEnd < eq && !isSpace(line[tagEnd])) tagEnd++;
    for (let p = tagEnd; p < eq; p++) {
      if (!isSpace(line[p])) this.fail('PROF_RELATION_SYNTAX', file, lineNo, col(p), 'blank inside a relation name');
    }
    let tag = line.slice(cp, tagEnd);
    let final = false;
    const star = tag.indexOf('*');
    if (star >= 0) {
      tag = tag.slice(0, star);
      final = true;
    }
    const v = skipBlanks(line, eq + 1);
    let value: string;
    if (line[v] === '"') {
      value = unquote(line, v + 1);
    } else if (v >= line.length) {
      st.state = State.GetObrace;
      this.openSubsection(st, current, tag, final);
      return;
    } else if (line[v] === '{' && skipBlanks(line, v + 1) >= line.length) {
      this.openSubsection(st, current, tag, final);
      return;
    } else {
      let e = line.length;
      while (e > v + 1 && isSpace(line[e - 1])) e--;
      value = line.slice(v, e);
    }
    const rel: Krb5ConfRelation = { name: tag, value };
    if (final) rel.final = true;
    insertSorted(current.children, rel);
  }

  openSubsection(st: ParseState, current: Krb5ConfSection, tag: string, final: boolean): void {
    const s = subsection(current, tag);
    if (final) s.final = true;
    st.stack.push(s);
  }
}

/** MIT's strip_line: trailing CRs and LFs go. */
function stripLine(s: string): string {
  let e = s.length;
  while (e > 0 && (s[e - 1] === '\n' || s[e - 1] === '\r')) e--;
  return s.slice(0, e);
}

/** MIT's parse_quoted_string, from just after the opening quote. */
function unquote(s: string, i: number): string {
  let out = '';
  for (; i < s.length && s[i] !== '"'; i++) {
    if (s[i] === '\\') {
      i++;
      if (i >= s.length) break; // MIT: undefined behaviour (reads past the string); we stop
      const c = s[i];
      out += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'b' ? '\b' : c;
      continue;
    }
    out += s[i];
  }
  return out;
}

/**
 * MIT's rule for `includedir` entries: not a dotfile, and either ending in `.conf` or made only
 * of ASCII letters, digits, `-` and `_`.
 */
export function includedirNameOk(name: string): boolean {
  if (name.startsWith('.')) return false;
  if (name.length >= 5 && name.endsWith('.conf')) return true;
  return /^[A-Za-z0-9_-]*$/.test(name);
}

/**
 * Parses krb5.conf text (MIT profile syntax). Files named by `include` / `includedir` are read
 * through the injected functions; without them such a directive is an error, as an unreadable
 * file is for MIT. Any syntax error is a `ConfigError` with file, line and column, and a message
 * that starts with MIT's own text (see {@link PROFILE_ERRORS}).
 */
export function parseKrb5Conf(text: string, options: ParseKrb5ConfOptions = {}): Krb5Conf {
  if (typeof text !== 'string') throw new TypeError('krb5.conf text must be a string');
  const root: Krb5ConfSection = { name: '', children: [] };
  new Parser(root, options).parseFile(text, options.file, 0);
  return { sections: root.children as Krb5ConfSection[] };
}

// ---------------------------------------------------------------- serializing

/** MIT's need_double_quotes, plus what else our parser would not give back unquoted. */
function needsQuotes(v: string): boolean {
  if (v === '') return true;
  if (isSpace(v[0]) || isSpace(v[v.length - 1])) return true;
  if (/[\n\t\b\r\0"\\]/.test(v)) return true;
  if (v[0] === '{') return true;
  return false;
}

function quote(v: string): string {
  let out = '"';
  for (const c of v) {
    out += c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\b' ? '\\b' : c === '"' ? '\\"' : c;
  }
  return out + '"';
}

/** Whether a name can be written at all (MIT's syntax has no escapes for names). */
function checkName(name: string, section: boolean): void {
  const bad = section ? /[\]\n\0]/.test(name) : name === '' || /[ \t\n\v\f\r=*\0]/.test(name) || /^[[}#;]/.test(name);
  if (bad) throw new RangeError(`krb5.conf: the name ${JSON.stringify(name)} cannot be written in profile syntax`);
}

/**
 * Writes a profile back as krb5.conf text, in MIT's layout (tabs, `name = {`, `}*`), so that
 * `parseKrb5Conf(serializeKrb5Conf(c))` equals `c` (children sorted as the parser sorts them).
 * Values that MIT would not read back unquoted are quoted, escaping `\`, `"`, newline, tab and
 * backspace. A name that cannot be written (a blank, `=` or `*` in a relation name, `]` in a
 * section name) is a `RangeError`; so is a value with a NUL or a carriage return that the
 * format cannot carry.
 */
export function serializeKrb5Conf(conf: Krb5Conf): string {
  const out: string[] = [];
  const write = (nodes: Krb5ConfNode[], level: number): void => {
    const ind = '\t'.repeat(level);
    for (const n of nodes) {
      if (isSection(n)) {
        checkName(n.name, false);
        out.push(`${ind}${n.name} = {\n`);
        write(n.children, level + 1);
        out.push(`${ind}}${n.final ? '*' : ''}\n`);
      } else {
        checkName(n.name, false);
        if (n.value.includes('\0')) throw new RangeError('krb5.conf: a value cannot contain NUL');
        out.push(`${ind}${n.name}${n.final ? '*' : ''} = ${needsQuotes(n.value) ? quote(n.value) : n.value}\n`);
      }
    }
  };
  for (const s of conf.sections) {
    checkName(s.name, true);
    out.push(`[${s.name}]${s.final ? '*' : ''}\n`);
    write(s.children, 1);
    out.push('\n');
  }
  return out.join('');
}

// ---------------------------------------------------------------- lookups (MIT's profile_node_iterator)

/** One file or several, earliest first (as `KRB5_CONFIG=a:b` lists them). */
export type Krb5Profile = Krb5Conf | readonly Krb5Conf[];

function files(p: Krb5Profile): readonly Krb5Conf[] {
  return Array.isArray(p) ? (p as readonly Krb5Conf[]) : [p as Krb5Conf];
}

/**
 * MIT's iterator: for each file in turn, descend `path` taking the first subsection of each
 * name, and yield the matching children there; stop after a file in which a section on the path
 * was final. The `final` flag of a relation, or of a listed subsection, is not consulted (MIT
 * 1.20 behaves so; checked against libkrb5).
 */
function* iterate(profile: Krb5Profile, path: readonly string[], name: string | undefined): Generator<Krb5ConfNode> {
  for (const f of files(profile)) {
    let section: Krb5ConfSection | undefined = { name: '', children: f.sections };
    let finalSeen = false;
    for (const n of path) {
      const next: Krb5ConfSection | undefined = section!.children.find((c): c is Krb5ConfSection => isSection(c) && c.name === n);
      if (!next) {
        section = undefined;
        break;
      }
      section = next;
      if (next.final) finalSeen = true;
    }
    if (section) for (const c of section.children) if (name === undefined || c.name === name) yield c;
    if (finalSeen) return;
  }
}

/**
 * Every child of the section at `path` (`[]` lists the top-level sections), as MIT's
 * `profile_iterator` with `PROFILE_ITER_LIST_SECTION` gives them: `value` is `undefined` for a
 * subsection.
 */
export function listSection(profile: Krb5Profile, path: readonly string[]): { name: string; value: string | undefined }[] {
  return [...iterate(profile, path, undefined)].map((c) => ({ name: c.name, value: isSection(c) ? undefined : c.value }));
}

/** All values of the relation at `path` (`['libdefaults', 'default_realm']`), in MIT's order; `[]` when none. */
export function getValues(profile: Krb5Profile, path: readonly string[]): string[] {
  if (path.length === 0) throw new RangeError('getValues: the path needs at least a relation name');
  const out: string[] = [];
  for (const c of iterate(profile, path.slice(0, -1), path[path.length - 1])) if (!isSection(c)) out.push(c.value);
  return out;
}

/** The first value of the relation at `path` (MIT's `profile_get_string`), or `undefined`. */
export function getString(profile: Krb5Profile, path: readonly string[]): string | undefined {
  return getValues(profile, path)[0];
}

/** Names of the subsections at `path`, each once, in MIT's order (`profile_get_subsection_names`). */
export function getSubsectionNames(profile: Krb5Profile, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of iterate(profile, path, undefined)) if (isSection(c) && !out.includes(c.name)) out.push(c.name);
  return out;
}

/** Names of the relations at `path`, each once (`profile_get_relation_names`). */
export function getRelationNames(profile: Krb5Profile, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of iterate(profile, path, undefined)) if (!isSection(c) && !out.includes(c.name)) out.push(c.name);
  return out;
}
