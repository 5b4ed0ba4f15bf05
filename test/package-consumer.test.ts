/**
 * The package as a user installs it: `npm pack`, unpacked into a temp project's node_modules
 * (its dependencies, @types/node and undici-types linked from ours), then
 *   - `require('tskrb5')` and its subpaths from a CommonJS program (Node ≥ 20.19 loads ES modules
 *     through require), with no warning printed;
 *   - the declarations: a consumer importing every subpath, with `const f: typeof fetch =
 *     createNegotiateFetch()` and `(await f(url)).json()`, compiled with skipLibCheck off by the
 *     pinned TypeScript (package.json's devDependency) and by the oldest version README states
 *     (MIN_TYPESCRIPT, installed into a cache dir under the system temp dir; skipped, visibly,
 *     when npm cannot fetch it), with and without lib DOM; and a CommonJS consumer (.cts, `import`
 *     compiled to require), which needs TypeScript 5.8 (require of an ES module under NodeNext):
 *     compiled by the pinned one and by the oldest 5.8 (MIN_TYPESCRIPT_CJS, fetched the same way).
 *
 * Needs the build (npm run build).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The oldest TypeScript README states: declarations and a consumer compile with it (checked below). */
const MIN_TYPESCRIPT = '4.9.5';
/** The oldest TypeScript README states for a CommonJS consumer: the first 5.8 release (checked below). */
const MIN_TYPESCRIPT_CJS = '5.8.2';

const root = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports)
  .filter((s) => s !== './package.json')
  .map((s) => (s === '.' ? 'tskrb5' : `tskrb5/${s.slice(2)}`));
/** The framework adapters: their declarations import their framework's types, which a program without that framework lacks. */
const FRAMEWORK_SUBPATHS = ['tskrb5/fastify', 'tskrb5/koa', 'tskrb5/hono'];
const plainSubpaths = subpaths.filter((s) => !FRAMEWORK_SUBPATHS.includes(s));
let dir: string;
let app: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/bundle/index.js'))) throw new Error('run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'tskrb5-consumer-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0].filename;
  app = join(dir, 'app');
  const nm = join(app, 'node_modules');
  mkdirSync(join(nm, 'tskrb5'), { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed), '-C', join(nm, 'tskrb5'), '--strip-components=1']);
  // What npm install would add: the dependencies, and the types a TypeScript user has.
  mkdirSync(join(nm, '@types'));
  const from = (p: string) => join(root, 'node_modules', p);
  for (const d of Object.keys(pkg.dependencies)) {
    mkdirSync(join(nm, d.split('/')[0]!), { recursive: true });
    symlinkSync(from(d), join(nm, d));
  }
  symlinkSync(from('@types/node'), join(nm, '@types/node'));
  symlinkSync(from('undici-types'), join(nm, 'undici-types'));
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Every subpath but the framework adapters (a program without Fastify, Koa or Hono must compile
// with everything else: no framework type leaks into them), and what a user writes with fetch.
const CONSUMER = `// Every subpath, and what a user writes with fetch.
${plainSubpaths.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}
import { createNegotiateFetch, negotiateFetch, KerberosError, type NodeNegotiateFetch } from 'tskrb5';
import { createNegotiateFetchCore as createCore, type CredentialSource } from 'tskrb5/http';
import { DecodeError } from 'tskrb5/errors';

export const modules = [${plainSubpaths.map((_, i) => `m${i}`).join(', ')}];

export async function use(url: string, credentials: CredentialSource): Promise<unknown[]> {
  const f: typeof fetch = createNegotiateFetch();
  const json: unknown = await (await f(url)).json();
  const helper: NodeNegotiateFetch = createNegotiateFetch({ mutualAuthentication: 'optional' });
  const r: Response = await helper(new URL(url), { method: 'POST', body: 'x', redirect: 'manual' });
  const once: Response = await negotiateFetch(url);
  const core = createCore({ credentials, fetch });
  const asFetch: typeof fetch = core;
  const e: KerberosError = new DecodeError('x');
  // @ts-expect-error the answer is a Response, not a string
  const wrong: string = await f(url);
  return [json, r.redirected, once, asFetch, e, wrong];
}
`;

function project(name: string, files: Record<string, string>, lib: string[], extra: Record<string, unknown> = {}): string {
  const p = join(app, name);
  mkdirSync(p, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(p, f), text);
  writeFileSync(
    join(p, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib, types: ['node'], strict: true, noEmit: true, skipLibCheck: false, ...extra },
      files: Object.keys(files).filter((f) => /\.[cm]?ts$/.test(f)),
    }),
  );
  return p;
}

function tsc(tscJs: string, p: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [tscJs, '-p', p], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** typescript@version in a cache dir of its own (npm install --prefix), or undefined when npm cannot get it. */
function typescriptAt(version: string): string | undefined {
  const prefix = join(tmpdir(), `tskrb5-typescript-${version}`);
  const bin = join(prefix, 'node_modules/typescript/bin/tsc');
  if (!existsSync(bin)) {
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `typescript@${version}`], { encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0 || !existsSync(bin)) return undefined;
  }
  return bin;
}

/** A program with Fastify, Koa and Hono (linked from ours): the adapters' types as their users write them. */
const FRAMEWORKS_CONSUMER = `import Fastify, { type FastifyRequest } from 'fastify';
import Koa from 'koa';
import { Hono } from 'hono';
import { fastifyNegotiate } from 'tskrb5/fastify';
import { koaNegotiate } from 'tskrb5/koa';
import { honoNegotiate, type NegotiateEnv } from 'tskrb5/hono';
import type { NegotiateRequestInfo } from 'tskrb5';

export async function apps(): Promise<unknown[]> {
  const f = Fastify();
  await f.register(fastifyNegotiate, { keytab: '/etc/http.keytab', authorize: (info, request) => info.user === 'alice' && request.url !== '/x' });
  f.get('/', async (request) => {
    const user: string | undefined = request.negotiate?.user;
    return user;
  });
  const k = new Koa();
  k.use(koaNegotiate({ optional: true, onError: (e, ctx) => console.log(e.code, ctx.path) }));
  k.use((ctx) => {
    const info: NegotiateRequestInfo | undefined = ctx.state.negotiate;
    ctx.body = info?.principal;
  });
  const h = new Hono<NegotiateEnv>();
  h.use(honoNegotiate({ onAuthenticated: (info, c) => console.log(info.principal, c.req.path) }));
  h.get('/', (c) => c.text(c.get('negotiate')?.principal ?? ''));
  const request = null as unknown as FastifyRequest;
  // @ts-expect-error request.negotiate is the client's info, not a string
  const wrong: string = request.negotiate;
  return [f, k, h, wrong];
}
`;

/** A CommonJS consumer (.cts): its imports compile to require() of the package's ES modules. */
const CJS_CONSUMER =
  "import { createNegotiateFetch } from 'tskrb5';\nimport { parseChallenges } from 'tskrb5/http';\nexport const f: typeof fetch = createNegotiateFetch();\nexport const c = parseChallenges('Negotiate');\n";

describe('the packed package, as a user gets it', () => {
  it("require('tskrb5') and its subpaths from CommonJS (Node >= 20.19), one copy of the classes, no warning", () => {
    writeFileSync(
      join(app, 'main.cjs'),
      `const t = require('tskrb5');
const http = require('tskrb5/http');
const errors = require('tskrb5/errors');
const all = ${JSON.stringify(subpaths)}.map((s) => Object.keys(require(s)).length > 0);
console.log(JSON.stringify({ fetch: typeof t.createNegotiateFetch, core: typeof http.createNegotiateFetchCore, same: t.KerberosError === errors.KerberosError, all }));
`,
    );
    const r = spawnSync(process.execPath, ['main.cjs'], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ fetch: 'function', core: 'function', same: true, all: subpaths.map(() => true) });
    expect(r.stderr).not.toMatch(/ExperimentalWarning|Warning/);
    // node -e, as README shows it.
    const e = spawnSync(process.execPath, ['-e', "const { createNegotiateFetch } = require('tskrb5'); console.log(typeof createNegotiateFetch())"], { cwd: app, encoding: 'utf8' });
    expect([e.status, e.stdout.trim()]).toEqual([0, 'function']);
  });

  it('the declarations with the pinned TypeScript: an ES module consumer (with and without lib DOM) and a CommonJS one', () => {
    const pinned = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    // consumer.ts is an ES module (package.json type module), consumer.cts CommonJS: one program.
    const p = project('pinned', { 'consumer.ts': CONSUMER, 'consumer.cts': CJS_CONSUMER, 'package.json': '{"type":"module"}' }, ['ES2022']);
    expect(tsc(pinned, p)).toEqual({ code: 0, out: '' });
    const dom = project('pinned-dom', { 'consumer.ts': CONSUMER, 'package.json': '{"type":"module"}' }, ['ES2022', 'DOM', 'DOM.Iterable']);
    expect(tsc(pinned, dom)).toEqual({ code: 0, out: '' });
    // the framework adapters, with their frameworks present (as a user of each has them)
    const nm = join(app, 'node_modules');
    for (const d of ['fastify', 'koa', 'hono', '@types/koa']) if (!existsSync(join(nm, d))) symlinkSync(join(root, 'node_modules', d), join(nm, d));
    // (our dev tree hoists Express's content-disposition 2, whose own types lack what @types/koa
    // reads from v1's @types: a Koa project gets @types/content-disposition, and so does this one)
    const fw = project('frameworks', { 'consumer.ts': FRAMEWORKS_CONSUMER, 'package.json': '{"type":"module"}' }, ['ES2022', 'DOM', 'DOM.Iterable'], {
      paths: { 'content-disposition': [join(root, 'node_modules/@types/content-disposition')] },
    });
    expect(tsc(pinned, fw)).toEqual({ code: 0, out: '' });
  }, 180_000);

  it(`the declarations with the oldest TypeScript README states (${MIN_TYPESCRIPT}), with and without lib DOM`, (ctx) => {
    const bin = typescriptAt(MIN_TYPESCRIPT);
    if (!bin) {
      console.warn(`typescript@${MIN_TYPESCRIPT} could not be installed (no network?): the minimum-version check is skipped`);
      ctx.skip();
      return;
    }
    expect(execFileSync(process.execPath, [bin, '-v'], { encoding: 'utf8' }).trim()).toBe(`Version ${MIN_TYPESCRIPT}`);
    for (const lib of [['ES2022'], ['ES2022', 'DOM', 'DOM.Iterable']]) {
      const p = project(`min-${lib.length}`, { 'consumer.ts': CONSUMER, 'package.json': '{"type":"module"}' }, lib);
      expect(tsc(bin, p), lib.join(',')).toEqual({ code: 0, out: '' });
    }
  }, 300_000);

  it(`a CommonJS consumer with the oldest TypeScript README states for one (${MIN_TYPESCRIPT_CJS})`, (ctx) => {
    const bin = typescriptAt(MIN_TYPESCRIPT_CJS);
    if (!bin) {
      console.warn(`typescript@${MIN_TYPESCRIPT_CJS} could not be installed (no network?): the CommonJS minimum-version check is skipped`);
      ctx.skip();
      return;
    }
    expect(execFileSync(process.execPath, [bin, '-v'], { encoding: 'utf8' }).trim()).toBe(`Version ${MIN_TYPESCRIPT_CJS}`);
    const p = project('min-cjs', { 'consumer.ts': CONSUMER, 'consumer.cts': CJS_CONSUMER, 'package.json': '{"type":"module"}' }, ['ES2022']);
    expect(tsc(bin, p)).toEqual({ code: 0, out: '' });
  }, 300_000);
});
