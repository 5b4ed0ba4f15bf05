/**
 * Enctypes by name (issue 12: each registry declared once): outside src/iana, where the numbers
 * are declared (`EncType`), no code compares an enctype with a number literal. Every file under
 * src/ is parsed with TypeScript's own parser and each of these is a violation, listed as
 * file:line: an expression whose name says enctype (`etype`, `enctype`, `keytype`, `…Enctypes`,
 * `sessionEnctypes`, …) compared with a number (`etype === 23`, `keytype !== 18`, `23 == e.etype`,
 * `etype < 17`); `.includes(23)` or `.indexOf(23)` on such a list; `case 17:` in a `switch` on one;
 * a list of numbers or a number assigned to such a name (`DEFAULT_ENCTYPES = [18, 17]`, `{ etype:
 * 23 }`). Tolerated: the number 0, which is no enctype of the registry but "no encryption" (an
 * unencrypted KRB-CRED, RFC 4120 §3.6, MIT's ENCTYPE_NULL; an absent key in a KCM reply).
 * What the scan cannot see is an enctype under another name (`(e) => e === 18`): name it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
/**
 * Whether an identifier names an enctype or a list of them: one of its words (camelCase or
 * snake_case) is `etype`, `enctype` or `keytype` (or `enc`/`key` then `type`), plural or not —
 * `replyKey.etype`, `keyType`, `sessionEnctypes`, `DEFAULT_ENCTYPES`, but not `nameType`.
 */
function enctypeName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/_+/);
  return words.some((w, i) => /^(?:e|enc|key)types?$/.test(w) || (/^(?:e|enc|key)$/.test(w) && /^types?$/.test(words[i + 1] ?? '')));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

/** The name an expression goes by: `etype`, `key.etype`, `etypes[0]`, `o.etypes!`. */
function nameOf(e: ts.Expression): string | undefined {
  e = unwrap(e);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e)) return nameOf(e.expression);
  return undefined;
}
const namesEnctype = (e: ts.Expression): boolean => enctypeName(nameOf(e) ?? '');

/** A number literal other than 0 (`23`, `-138`, `0x17`). */
function magic(e: ts.Expression): boolean {
  e = unwrap(e);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) e = e.operand;
  return ts.isNumericLiteral(e) && Number(e.text) !== 0;
}

const COMPARISON = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

/** The violations in one file's text; `rel` is its path under src/. Tested below on planted ones. */
function magicEnctypes(rel: string, text: string): string[] {
  if (rel.startsWith('iana/')) return [];
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const hit = (n: ts.Node, what: string) =>
    out.push(`src/${rel}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${what}: ${n.getText(sf).split('\n')[0]!.slice(0, 100)}`);
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && COMPARISON.has(n.operatorToken.kind) && ((namesEnctype(n.left) && magic(n.right)) || (namesEnctype(n.right) && magic(n.left))))
      hit(n, 'an enctype compared with a number');
    else if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      (n.expression.name.text === 'includes' || n.expression.name.text === 'indexOf') &&
      namesEnctype(n.expression.expression) &&
      n.arguments[0] !== undefined &&
      magic(n.arguments[0])
    )
      hit(n, 'a number looked up in a list of enctypes');
    else if (ts.isSwitchStatement(n) && namesEnctype(n.expression)) {
      for (const c of n.caseBlock.clauses) if (ts.isCaseClause(c) && magic(c.expression)) hit(c, 'a number as a case of a switch on an enctype');
    } else if ((ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n)) && n.initializer && enctypeName(n.name.getText(sf))) {
      const init = unwrap(n.initializer);
      if (magic(init)) hit(n, 'a number given as an enctype');
      else if (ts.isArrayLiteralExpression(init) && init.elements.some(magic)) hit(n, 'numbers given as a list of enctypes');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('enctypes by name, declared once in src/iana', () => {
  it('no file under src/ compares an enctype with a number, or lists enctypes as numbers, outside src/iana', () => {
    const found = files(SRC).flatMap((f) => magicEnctypes(relative(SRC, f), readFileSync(f, 'utf8')));
    expect(found, `use EncType's names (src/iana/enctype.ts):\n${found.join('\n')}`).toEqual([]);
  });

  it('the scan catches each kind of violation (planted), with its file and line, and leaves names, 0 and src/iana alone', () => {
    const planted = [
      'if (replyKey.etype !== 23) send();',
      'const weak = 23 === key.etype;',
      'if (keytype === 18) x();',
      'const rc4 = etypes.includes(23);',
      'const at = o.sessionEnctypes!.indexOf(18);',
      'switch (etype) {\n  case 17:\n    break;\n}',
      'export const DEFAULT_ENCTYPES: readonly number[] = [18, 17];',
      'const k = { etype: 23, value };',
      'const ok = (etype: number) => etype === EncType.AES256_CTS_HMAC_SHA1_96;',
      'if (cred.encPart.etype === 0) plain();',
      'const n = etypes.length > 1;',
      'const p = { nameType: 3, serverNameType: 1, keyType: 17 };',
    ].join('\n');
    expect(magicEnctypes('client/x.ts', planted).map((v) => v.replace(/: .*/, ''))).toEqual([
      'src/client/x.ts:1',
      'src/client/x.ts:2',
      'src/client/x.ts:3',
      'src/client/x.ts:4',
      'src/client/x.ts:5',
      'src/client/x.ts:7',
      'src/client/x.ts:10',
      'src/client/x.ts:11',
      'src/client/x.ts:15',
    ]);
    expect(magicEnctypes('iana/enctype.ts', planted)).toEqual([]);
  });
});
