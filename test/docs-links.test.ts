/**
 * The docs stay in the repository (issue 12: "no link leaves the repository"): no tracked
 * Markdown file links to a web address, and each relative link names a tracked file inside the
 * package it ships with (the repository for the root's files, packages/<name>/ for a file there:
 * a published package has nothing beside it); and every `NAME.md` the sources, tests and docs
 * name is a file of the repository.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const trackedSet = new Set(tracked);
const markdown = tracked.filter((f) => f.endsWith('.md'));

/** The links of a Markdown text: `[text](target)` and `<scheme://…>`, outside code. */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '');
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|<([a-z][a-z0-9+.-]*:\/\/[^>\s]+)>/gi)].map((m) => (m[1] ?? m[2])!);
}

/** What is wrong with one Markdown file's links; `file` is its tracked path. Tested below on planted ones. */
function linkProblems(file: string, text: string): string[] {
  const pkg = /^packages\/[^/]+\//.exec(file)?.[0] ?? '';
  const out: string[] = [];
  for (const target of links(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(`${file}: ${target} leaves the repository`);
    else if (!target.startsWith('#')) {
      const path = normalize(join(dirname(file), decodeURIComponent(target.replace(/#.*$/, ''))));
      if (!path.startsWith(pkg) || path.startsWith('..')) out.push(`${file}: ${target} leaves ${pkg ? `the package ${pkg}` : 'the repository'}`);
      else if (!trackedSet.has(path) && !tracked.some((t) => t.startsWith(`${path}/`))) out.push(`${file}: ${target} names no file of the repository`);
    }
  }
  return out;
}

describe('docs in the repository', () => {
  it('no Markdown link leaves the repository, or the package its file ships with', () => {
    const found = markdown.flatMap((f) => linkProblems(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('every NAME.md that src/, the tests and the docs name is a file of the repository', () => {
    const names = new Set(markdown.map((f) => basename(f)));
    const found: string[] = [];
    // (this file's own planted names aside)
    for (const f of tracked.filter((t) => /^src\/.*\.ts$|^test\/.*\.test\.ts$|\.md$/.test(t) && t !== 'test/docs-links.test.ts')) {
      for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/\b[A-Z][A-Z_-]*\.md\b/g)) if (!names.has(m[0])) found.push(`${f}: ${m[0]}`);
    }
    expect(found).toEqual([]);
  });

  it('the link check catches a web address, a path out of the package and a missing file (planted)', () => {
    const planted = ['see [x](https://example.com/x) and <https://example.com>', '[r](../../README.md#a)', '[n](NOPE.md)', '[ok](#anchor) `[c](https://in.code)`'].join('\n');
    expect(linkProblems('packages/kerberos-compat/README.md', planted)).toEqual([
      'packages/kerberos-compat/README.md: https://example.com/x leaves the repository',
      'packages/kerberos-compat/README.md: https://example.com leaves the repository',
      'packages/kerberos-compat/README.md: ../../README.md#a leaves the package packages/kerberos-compat/',
      'packages/kerberos-compat/README.md: NOPE.md names no file of the repository',
    ]);
  });
});
