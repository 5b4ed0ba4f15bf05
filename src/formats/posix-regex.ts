/**
 * POSIX extended regular expressions as glibc's `regcomp(REG_EXTENDED)` / `regexec` read and run
 * them in the C locale — what MIT krb5's auth_to_local RULEs use (lib/krb5/os/localauth_rule.c).
 * JavaScript's RegExp is not that: its alternation and repetition are leftmost-first (Perl), POSIX
 * is leftmost-longest (`s/a|ab/X/` turns `abc` into `Xc` for MIT, `Xbc` for a RegExp), its `.`
 * skips newlines, and its syntax differs (`{`, `\`, brackets). So the expressions are compiled
 * here to a Thompson automaton and simulated for the longest match at the leftmost position.
 *
 * Input and pattern are "binary strings": one character per byte (0–255), so that the C locale's
 * byte semantics hold for UTF-8 text (`.` is one byte, as for glibc in the C locale).
 *
 * The syntax is glibc's RE_SYNTAX_POSIX_EXTENDED: `^` and `$` are anchors anywhere; `*`, `+`,
 * `?` and `{m,n}` (also `{n}`, `{n,}`, `{,n}`) repeat, stack (`a**`), and are an error where no
 * expression precedes them (also after an anchor); an unmatched `)` is an ordinary character, an
 * unmatched `(` an error; `{` always starts an interval (malformed is an error), `}` alone is
 * ordinary; `\` makes the next character ordinary, except glibc's GNU operators `\w \W \s \S`
 * (classes), `\b \B \< \> \` \'` (assertions); a trailing `\` is an error. Bracket expressions:
 * `]` first is ordinary, `-` first or last is ordinary, ranges in byte order (a reversed one is an
 * error), `[:class:]` (the twelve C-locale classes), `[=c=]` and `[.c.]` of one character;
 * backslash is ordinary inside brackets. Back-references (`\1`…`\9`) are not regular: they are
 * refused with a ConfigError rather than run differently.
 * @module
 */
import { ConfigError } from '../errors.js';

/** A leftmost-longest match: [start, end) in the subject. */
export type EreMatch = readonly [start: number, end: number];

/** A compiled expression. */
export interface Ere {
  /** The leftmost-longest match in `subject` (a binary string), as glibc's regexec finds it; `undefined` when none. */
  exec(subject: string): EreMatch | undefined;
  /** Whether the whole of `subject` matches (regexec's match at 0 ending at the end). */
  matchesWhole(subject: string): boolean;
}

/** The most automaton states one expression may compile to (intervals copy their operand). */
const MAX_STATES = 50_000;
/** glibc's RE_DUP_MAX. */
const RE_DUP_MAX = 0x7fff;

type Assertion = 'bol' | 'eol' | 'bufFirst' | 'bufLast' | 'wordFirst' | 'wordLast' | 'wordDelim' | 'notWordDelim';

type Node =
  | { t: 'set'; set: Uint8Array }
  | { t: 'assert'; a: Assertion }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: (Node | undefined)[] }
  | { t: 'group'; body: Node | undefined }
  | { t: 'rep'; body: Node | undefined; min: number; max: number };

/** glibc's regcomp refused the expression (MIT then finds no translation). */
class Refused extends Error {}

const C_CLASSES: Record<string, (c: number) => boolean> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  digit: (c) => c >= 48 && c <= 57,
  xdigit: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
  alnum: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126),
  print: (c) => c >= 32 && c <= 126,
  graph: (c) => c >= 33 && c <= 126,
  cntrl: (c) => c < 32 || c === 127,
};

const isWordByte = (c: number) => c === 95 || C_CLASSES.alnum!(c);

function classSet(pred: (c: number) => boolean, negate = false): Uint8Array {
  const s = new Uint8Array(256);
  for (let c = 1; c < 256; c++) s[c] = pred(c) !== negate ? 1 : 0;
  return s;
}

/** The parser: glibc's parse_reg_exp / parse_branch / parse_expression / parse_bracket_exp. */
class Parser {
  i = 0;
  constructor(readonly p: string) {}

  peek(): string | undefined {
    return this.p[this.i];
  }

  regExp(nest: number): Node | undefined {
    const items: (Node | undefined)[] = [this.branch(nest)];
    while (this.peek() === '|') {
      this.i++;
      items.push(this.branch(nest));
    }
    return items.length === 1 ? items[0] : { t: 'alt', items };
  }

  branch(nest: number): Node | undefined {
    const items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || (nest > 0 && c === ')')) break;
      items.push(this.expression(nest));
    }
    if (items.length === 0) return undefined;
    return items.length === 1 ? items[0] : { t: 'cat', items };
  }

  expression(nest: number): Node {
    const c = this.p[this.i++]!;
    let atom: Node;
    switch (c) {
      case '(': {
        const body = this.regExp(nest + 1);
        if (this.peek() !== ')') throw new Refused('unmatched (');
        this.i++;
        atom = { t: 'group', body };
        break;
      }
      case '[':
        atom = { t: 'set', set: this.bracket() };
        break;
      case '.':
        atom = { t: 'set', set: classSet(() => true) };
        break;
      case '^':
        return { t: 'assert', a: 'bol' };
      case '$':
        return { t: 'assert', a: 'eol' };
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Refused('repetition with nothing to repeat');
      case '\\': {
        const e = this.p[this.i++];
        if (e === undefined) throw new Refused('trailing backslash');
        if (e >= '1' && e <= '9') throw new ConfigError(`back-references (\\${e}) in an auth_to_local expression are not supported`, {}, { code: 'ERR_AUTH_TO_LOCAL' });
        const assertion = ({ '<': 'wordFirst', '>': 'wordLast', b: 'wordDelim', B: 'notWordDelim', '`': 'bufFirst', "'": 'bufLast' } as const)[e as '<'];
        if (assertion) return { t: 'assert', a: assertion };
        if (e === 'w' || e === 'W') atom = { t: 'set', set: classSet(isWordByte, e === 'W') };
        else if (e === 's' || e === 'S') atom = { t: 'set', set: classSet(C_CLASSES.space!, e === 'S') };
        else atom = literal(e);
        break;
      }
      default:
        atom = literal(c); // including an unmatched ')' and a lone '}'
    }
    for (;;) {
      const d = this.peek();
      if (d === '*') atom = { t: 'rep', body: atom, min: 0, max: -1 };
      else if (d === '+') atom = { t: 'rep', body: atom, min: 1, max: -1 };
      else if (d === '?') atom = { t: 'rep', body: atom, min: 0, max: 1 };
      else if (d === '{') {
        this.i++;
        const [min, max] = this.interval();
        atom = { t: 'rep', body: atom, min, max };
        continue;
      } else break;
      this.i++;
    }
    return atom;
  }

  /** After `{`: glibc's parse_dup_op and fetch_number. */
  interval(): [number, number] {
    const number = (): { n: number; stop: string | undefined } => {
      let n = -1;
      for (;;) {
        const c = this.p[this.i++];
        if (c === undefined) throw new Refused('unterminated interval');
        if (c === '}' || c === ',') return { n, stop: c };
        const d = c.charCodeAt(0) - 48;
        n = d < 0 || d > 9 || n === -2 ? -2 : n === -1 ? d : Math.min(RE_DUP_MAX + 1, n * 10 + d);
      }
    };
    const a = number();
    let min = a.n;
    let max: number;
    if (min === -1) {
      if (a.stop !== ',') throw new Refused('empty interval');
      min = 0;
    }
    if (min === -2) throw new Refused('bad interval');
    if (a.stop === '}') max = min;
    else {
      const b = number();
      if (b.stop !== '}' || b.n === -2) throw new Refused('bad interval');
      max = b.n; // -1: no upper bound
    }
    if (max !== -1 && min > max) throw new Refused('interval minimum above its maximum');
    if ((max === -1 ? min : max) > RE_DUP_MAX) throw new Refused('interval too large');
    return [min, max];
  }

  /** After `[`: glibc's parse_bracket_exp in the C locale. */
  bracket(): Uint8Array {
    const set = new Uint8Array(256);
    const p = this.p;
    let negate = false;
    if (p[this.i] === '^') {
      negate = true;
      this.i++;
    }
    type Elem = { k: 'char'; c: number } | { k: 'class'; name: string } | { k: 'equiv'; name: string } | { k: 'coll'; name: string };
    // peek_token_bracket: the kind of token at i, and its length
    const token = (at: number): { kind: 'end' | 'close' | 'range' | 'openColl' | 'openEquiv' | 'openClass' | 'char'; len: number } => {
      const c = p[at];
      if (c === undefined) return { kind: 'end', len: 0 };
      if (c === '[' && at + 1 < p.length) {
        const d = p[at + 1];
        if (d === '.') return { kind: 'openColl', len: 2 };
        if (d === '=') return { kind: 'openEquiv', len: 2 };
        if (d === ':') return { kind: 'openClass', len: 2 };
      }
      if (c === '-') return { kind: 'range', len: 1 };
      if (c === ']') return { kind: 'close', len: 1 };
      return { kind: 'char', len: 1 };
    };
    // parse_bracket_element
    const element = (tok: ReturnType<typeof token>, acceptHyphen: boolean): Elem => {
      const at = this.i;
      this.i += tok.len;
      if (tok.kind === 'openColl' || tok.kind === 'openEquiv' || tok.kind === 'openClass') {
        const delim = tok.kind === 'openColl' ? '.' : tok.kind === 'openEquiv' ? '=' : ':';
        let name = '';
        for (let n = 0; ; n++) {
          if (n >= 32) throw new Refused('bracket name too long');
          const ch = p[this.i++];
          if (ch === undefined || this.i >= p.length) throw new Refused('unterminated bracket');
          if (ch === delim && p[this.i] === ']') break;
          name += ch;
        }
        this.i++;
        return tok.kind === 'openColl' ? { k: 'coll', name } : tok.kind === 'openEquiv' ? { k: 'equiv', name } : { k: 'class', name };
      }
      if (tok.kind === 'range' && !acceptHyphen && token(this.i).kind !== 'close') throw new Refused("'-' inside a bracket expression");
      return { k: 'char', c: p.charCodeAt(at) };
    };
    const single = (e: Elem): number => {
      if (e.k === 'char') return e.c;
      if (e.name.length !== 1) throw new Refused('collating element of more than one character');
      return e.name.charCodeAt(0);
    };
    let tok = token(this.i);
    if (tok.kind === 'close') tok = { kind: 'char', len: 1 };
    let first = true;
    for (;;) {
      const start = element(tok, first);
      first = false;
      tok = token(this.i);
      let end: Elem | undefined;
      if (start.k !== 'class' && start.k !== 'equiv') {
        if (tok.kind === 'end') throw new Refused('unterminated bracket');
        if (tok.kind === 'range') {
          this.i += tok.len;
          const tok2 = token(this.i);
          if (tok2.kind === 'end') throw new Refused('unterminated bracket');
          if (tok2.kind === 'close') {
            this.i -= tok.len; // the last '-' is an ordinary character
            tok = { kind: 'char', len: 1 };
          } else {
            end = element(tok2, true);
            tok = token(this.i);
          }
        }
      }
      if (end) {
        if (end.k === 'class' || end.k === 'equiv') throw new Refused('class as a range end');
        const a = single(start);
        const b = single(end);
        if (a >= 0x80 || b >= 0x80) throw new Refused('range end outside ASCII in the C locale');
        if (a > b) throw new Refused('reversed range');
        for (let c = a; c <= b; c++) set[c] = 1;
      } else if (start.k === 'class') {
        const pred = C_CLASSES[start.name];
        if (!pred) throw new Refused(`unknown class ${start.name}`);
        for (let c = 0; c < 256; c++) if (pred(c)) set[c] = 1;
      } else {
        set[single(start)] = 1;
      }
      if (tok.kind === 'end') throw new Refused('unterminated bracket');
      if (tok.kind === 'close') break;
    }
    this.i += 1; // the ']'
    if (negate) for (let c = 0; c < 256; c++) set[c] = set[c] ? 0 : 1;
    set[0] = 0; // a C string holds no NUL
    return set;
  }
}

function literal(c: string): Node {
  const set = new Uint8Array(256);
  set[c.charCodeAt(0) & 0xff] = 1;
  return { t: 'set', set };
}

// ---- the automaton: states in flat arrays ----

const S_SET = 0;
const S_SPLIT = 1;
const S_ASSERT = 2;
const S_MATCH = 3;
const S_EPS = 4;

class Program {
  kind: number[] = [];
  out1: number[] = [];
  out2: number[] = [];
  sets: (Uint8Array | undefined)[] = [];
  asserts: (Assertion | undefined)[] = [];

  add(kind: number, set?: Uint8Array, a?: Assertion): number {
    if (this.kind.length >= MAX_STATES) throw new ConfigError(`an auth_to_local expression is too large (over ${MAX_STATES} states)`, {}, { code: 'ERR_AUTH_TO_LOCAL' });
    this.kind.push(kind);
    this.out1.push(-1);
    this.out2.push(-1);
    this.sets.push(set);
    this.asserts.push(a);
    return this.kind.length - 1;
  }
}

/** A fragment: its entry state and the states whose out1 is still open. */
interface Frag {
  start: number;
  outs: number[];
}

function build(prog: Program, n: Node | undefined): Frag {
  if (n === undefined) {
    const s = prog.add(S_EPS);
    return { start: s, outs: [s] };
  }
  switch (n.t) {
    case 'set': {
      const s = prog.add(S_SET, n.set);
      return { start: s, outs: [s] };
    }
    case 'assert': {
      const s = prog.add(S_ASSERT, undefined, n.a);
      return { start: s, outs: [s] };
    }
    case 'group':
      return build(prog, n.body);
    case 'cat': {
      let f = build(prog, n.items[0]);
      for (let i = 1; i < n.items.length; i++) f = concat(prog, f, build(prog, n.items[i]));
      return f;
    }
    case 'alt': {
      const frags = n.items.map((x) => build(prog, x));
      let start = frags[frags.length - 1]!.start;
      for (let i = frags.length - 2; i >= 0; i--) {
        const s = prog.add(S_SPLIT);
        prog.out1[s] = frags[i]!.start;
        prog.out2[s] = start;
        start = s;
      }
      return { start, outs: frags.flatMap((f) => f.outs) };
    }
    case 'rep': {
      let f: Frag | undefined;
      for (let k = 0; k < n.min; k++) f = f ? concat(prog, f, build(prog, n.body)) : build(prog, n.body);
      if (n.max === -1) {
        // x*: a split that loops back
        const body = build(prog, n.body);
        const s = prog.add(S_SPLIT);
        prog.out1[s] = body.start;
        patch(prog, body.outs, s);
        const star: Frag = { start: s, outs: [s] }; // out2 open: see patch
        return f ? concat(prog, f, star) : star;
      }
      // up to max - min optional copies, nested: (x(x(x)?)?)?
      let tail: Frag | undefined;
      for (let k = n.min; k < n.max; k++) {
        const body = build(prog, n.body);
        const s = prog.add(S_SPLIT);
        prog.out1[s] = body.start;
        const inner: Frag = tail ? concat(prog, body, tail) : body;
        tail = { start: s, outs: [...inner.outs, s] };
      }
      if (f && tail) return concat(prog, f, tail);
      const r = f ?? tail;
      if (r) return r;
      const e = prog.add(S_EPS); // x{0}: matches the empty string
      return { start: e, outs: [e] };
    }
  }
}

/** Points each open state at `to` (a split's open arm is out2, every other state's out1). */
function patch(prog: Program, outs: number[], to: number): void {
  for (const s of outs) {
    if (prog.kind[s] === S_SPLIT) prog.out2[s] = to;
    else prog.out1[s] = to;
  }
}

function concat(prog: Program, a: Frag, b: Frag): Frag {
  patch(prog, a.outs, b.start);
  return { start: a.start, outs: b.outs };
}

class Compiled implements Ere {
  private readonly mark: Int32Array;
  private gen = 0;

  constructor(
    private readonly prog: Program,
    private readonly start: number,
  ) {
    this.mark = new Int32Array(prog.kind.length);
  }

  private holds(a: Assertion, s: string, i: number): boolean {
    const before = i > 0 && isWordByte(s.charCodeAt(i - 1));
    const after = i < s.length && isWordByte(s.charCodeAt(i));
    switch (a) {
      case 'bol':
      case 'bufFirst':
        return i === 0;
      case 'eol':
      case 'bufLast':
        return i === s.length;
      case 'wordFirst':
        return !before && after;
      case 'wordLast':
        return before && !after;
      case 'wordDelim':
        return before !== after;
      case 'notWordDelim':
        return before === after;
    }
  }

  /** Adds `st` and what it reaches without consuming input at position i; returns whether MATCH was reached. */
  private close(list: number[], st: number, s: string, i: number): boolean {
    const { kind, out1, out2 } = this.prog;
    const stack = [st];
    let matched = false;
    while (stack.length) {
      const x = stack.pop()!;
      if (x < 0 || this.mark[x] === this.gen) continue;
      this.mark[x] = this.gen;
      switch (kind[x]) {
        case S_SET:
          list.push(x);
          break;
        case S_MATCH:
          matched = true;
          break;
        case S_EPS:
          stack.push(out1[x]!);
          break;
        case S_SPLIT:
          stack.push(out2[x]!, out1[x]!);
          break;
        case S_ASSERT:
          if (this.holds(this.prog.asserts[x]!, s, i)) stack.push(out1[x]!);
          break;
      }
    }
    return matched;
  }

  /** The longest match starting at `from`: its end, or -1. */
  private longestFrom(s: string, from: number): number {
    const { out1, sets } = this.prog;
    this.gen++;
    let list: number[] = [];
    let last = this.close(list, this.start, s, from) ? from : -1;
    for (let i = from; i < s.length && list.length > 0; i++) {
      const c = s.charCodeAt(i) & 0xff;
      this.gen++;
      const next: number[] = [];
      let matched = false;
      for (const x of list) if (sets[x]![c]) matched = this.close(next, out1[x]!, s, i + 1) || matched;
      if (matched) last = i + 1;
      list = next;
    }
    return last;
  }

  exec(subject: string): EreMatch | undefined {
    for (let from = 0; from <= subject.length; from++) {
      const end = this.longestFrom(subject, from);
      if (end >= 0) return [from, end];
    }
    return undefined;
  }

  matchesWhole(subject: string): boolean {
    // a match at 0 exists iff the leftmost one starts there; its longest end is the end iff a whole match exists
    return this.longestFrom(subject, 0) === subject.length;
  }
}

/**
 * Compiles a POSIX extended regular expression (a binary string) as glibc's `regcomp(REG_EXTENDED)`
 * in the C locale would: `undefined` where glibc refuses it. Back-references and expressions that
 * compile to more than 50,000 states are a ConfigError (`ERR_AUTH_TO_LOCAL`).
 *
 * @example
 * ```ts
 * compileEre('a|ab')!.exec('abc') // [0, 2]: leftmost-longest, as glibc
 * compileEre('a{2,1}')            // undefined: glibc refuses it
 * ```
 */
export function compileEre(pattern: string): Ere | undefined {
  let tree: Node | undefined;
  try {
    const parser = new Parser(pattern);
    tree = parser.regExp(0);
    // at nesting 0, ')' is ordinary, so the parser reads to the end
    if (parser.i !== pattern.length) return undefined;
  } catch (e) {
    if (e instanceof Refused) return undefined;
    throw e;
  }
  const prog = new Program();
  const f = build(prog, tree);
  const m = prog.add(S_MATCH);
  patch(prog, f.outs, m);
  return new Compiled(prog, f.start);
}
