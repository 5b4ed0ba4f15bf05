import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'tskrb5-pkg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** The subpath exports with a module (`.`, `./crypto`, …), and their targets. */
const SUBPATHS = Object.entries(pkg.exports as Record<string, { types: string; default: string } | string>).filter(
  (e): e is [string, { types: string; default: string }] => typeof e[1] !== 'string',
);
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('package', () => {
  it('is ESM-only, side-effect free, for Node >= 20.19, with a tskrb5 bin', () => {
    expect(pkg.name).toBe('tskrb5');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=20.19');
    expect(Object.keys(pkg.bin)).toEqual(['tskrb5']);
  });

  it('every subpath export has types and a module that loads by its public name', () => {
    for (const [sub, target] of Object.entries(pkg.exports) as [string, { types: string; default: string } | string][]) {
      if (typeof target === 'string') continue;
      expect(existsSync(`${root}${target.types}`), `${sub} types`).toBe(true);
      expect(existsSync(`${root}${target.default}`), `${sub} module`).toBe(true);
    }
    // Self-reference by package name, in a separate Node process: what a user's import does.
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const c = await import('tskrb5/crypto'); const e = await import('tskrb5/errors'); const r = await import('tskrb5'); console.log(typeof c.stringToKey, typeof c.encrypt, typeof e.KerberosError, typeof r.kinit)",
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function function function function');
  });

  it('the subpaths are bundled modules sharing one copy of the code (one class per error, one crypto backend)', () => {
    for (const target of Object.values(pkg.exports) as ({ default: string } | string)[]) {
      if (typeof target !== 'string') expect(target.default).toMatch(/^\.\/dist\/bundle\//);
    }
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        [
          "const m = await import('tskrb5/messages'); const e = await import('tskrb5/errors'); const r = await import('tskrb5');",
          'let err; try { m.APReq.decode(new Uint8Array([1, 2, 3])); } catch (x) { err = x; }',
          'console.log(err.constructor === e.DecodeError, r.DecodeError === e.DecodeError, r.KerberosError === e.KerberosError)',
        ].join('\n'),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('true true true');
  });
});

describe('the published package (npm pack, then an installed copy)', () => {
  it('has an MIT LICENSE, copyright the tskrb5 authors, as package.json says', () => {
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(`${root}LICENSE`, 'utf8');
    expect(text).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the tskrb5 authors\n/);
    expect(text).toContain('Permission is hereby granted, free of charge, to any person obtaining a copy');
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it("packs exactly what the exports, bin and types reach: esbuild's module graph, the source maps it names, TypeScript's declaration graph", async () => {
    const packed = (JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root))[0].files as { path: string }[]).map((f) => f.path);
    // JavaScript: every module esbuild reaches from each export's module and the bin (dynamic imports included)
    const entries = [...SUBPATHS.map(([, t]) => t.default), ...Object.values(pkg.bin as Record<string, string>)].map((p) => join(root, p));
    const meta = await build({
      entryPoints: entries,
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      outdir: join(work, 'esbuild'),
      platform: 'node',
      format: 'esm',
      external: ['@noble/*', 'node:*'],
      logLevel: 'silent',
    });
    const js = Object.keys(meta.metafile!.inputs).filter((f) => f.startsWith('dist/'));
    expect(js).toContain('dist/cli/tskrb5.js'); // the bin's import("./tskrb5.js")
    const maps = js.flatMap((f) => {
      const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, f), 'utf8'));
      return m ? [relative(root, join(root, f, '..', m[1]!))] : [];
    });
    // Declarations: the files TypeScript loads for the exports' types
    const program = ts.createProgram(
      SUBPATHS.map(([, t]) => join(root, t.types)),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        noEmit: true,
        types: [],
      },
    );
    const dts = program
      .getSourceFiles()
      .map((f) => relative(root, f.fileName))
      .filter((f) => f.startsWith('dist/'));
    expect(dts).toContain('dist/asn1/index.d.ts'); // messages' codec types
    const expected = new Set([...js, ...maps, ...dts, 'package.json', 'README.md', 'LICENSE']);
    expect(
      packed.filter((f) => !expected.has(f)),
      'packed but reached by nothing',
    ).toEqual([]);
    expect(
      [...expected].filter((f) => !packed.includes(f)),
      'reached but not packed',
    ).toEqual([]);
    // what it was before: 552 files, 334 of them tsc's unexported .js
    expect(packed.length).toBeLessThan(250);
  }, 60_000);

  it('installed from its tarball: every subpath imports by name with the exports of the built modules, the types check under NodeNext, the bin runs', () => {
    const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
    const tarball = join(work, out[0].filename as string);
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // npm install from the tarball with the registry out of reach; without the dependencies in
    // npm's cache, the tarball unpacked into node_modules beside this repository's @noble packages
    let how = 'npm install --offline';
    const inst = spawnSync('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], { cwd: app, encoding: 'utf8' });
    if (inst.status !== 0) {
      how = `unpacked (npm install --offline: ${inst.stderr.split('\n').find((l) => /ERR/.test(l)) ?? inst.status})`;
      const dest = join(app, 'node_modules', 'tskrb5');
      mkdirSync(dest, { recursive: true });
      execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
      symlinkSync(join(root, 'node_modules', '@noble'), join(app, 'node_modules', '@noble'));
      mkdirSync(join(app, 'node_modules', '.bin'));
      symlinkSync(join(dest, pkg.bin.tskrb5), join(app, 'node_modules', '.bin', 'tskrb5'));
    }
    const installed = join(app, 'node_modules', 'tskrb5');
    expect(existsSync(join(installed, 'src')), how).toBe(false);
    // the installed copy's exports, by name, against the same modules in this repository's dist/
    const names = (specs: [string, string][], cwd: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `
      const out = {};
      for (const [sub, spec] of ${JSON.stringify(specs)}) out[sub] = Object.keys(await import(spec)).sort();
      console.log(JSON.stringify(out));`,
          ],
          { cwd, encoding: 'utf8' },
        ),
      );
    const got = names(
      SUBPATHS.map(([sub]) => [sub, 'tskrb5' + sub.slice(1)]),
      app,
    );
    const want = names(
      SUBPATHS.map(([sub, t]) => [sub, 'file://' + join(root, t.default)]),
      root,
    );
    expect(got, how).toEqual(want);
    expect(got['.']).toContain('createNegotiateFetch');
    expect(got['./errors']).toContain('NoCredentialsError');
    const json = execFileSync(process.execPath, ['-e', "console.log(require('tskrb5/package.json').version)"], { cwd: app, encoding: 'utf8' });
    expect(json.trim()).toBe(pkg.version);
    // The types: each subpath's declarations load and type-check (skipLibCheck off: a missing
    // .d.ts, or one that does not compile, is an error); a subpath typed `any` would leave the
    // @ts-expect-error unused, which is an error too.
    // (the framework adapters' declarations need their framework: test/package-consumer.test.ts checks them with it)
    const lines = SUBPATHS.filter(([sub]) => !['./fastify', './koa', './hono'].includes(sub)).map(
      ([sub], i) => `import * as m${i} from 'tskrb5${sub.slice(1)}';\n// @ts-expect-error -- not a string\nexport const s${i}: string = m${i};`,
    );
    writeFileSync(
      join(app, 'check.ts'),
      [
        ...lines,
        "import { NoCredentialsError, type CacheTried } from 'tskrb5/errors';",
        'export const t: CacheTried[] = new NoCredentialsError("x").tried.slice();',
        "import { kinit } from 'tskrb5';",
        'export const k: Promise<{ principal: string }> = kinit({ principal: "a", password: "b" });',
      ].join('\n'),
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        'false',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules/@types'),
        'check.ts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr, how).toBe('');
    expect(tsc.status).toBe(0);
    // the bin, as npm linked it
    const bin = join(app, 'node_modules', '.bin', 'tskrb5');
    const env = { ...process.env, KRB5_CONFIG: join(work, 'none.conf'), KRB5CCNAME: `FILE:${join(work, 'no-cache')}` };
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env }).trim()).toBe(pkg.version);
    expect(execFileSync(bin, ['klist', '-V'], { encoding: 'utf8', env })).toBe(`tskrb5 version ${pkg.version}\n`);
    expect(execFileSync(bin, ['--help'], { encoding: 'utf8', env })).toMatch(/Commands:\n\s+klist/);
    const k = spawnSync(bin, ['klist'], { encoding: 'utf8', env });
    expect({ status: k.status, stderr: k.stderr }).toEqual({ status: 1, stderr: `klist: No credentials cache found (filename: ${join(work, 'no-cache')})\n` });
    const d = spawnSync(bin, ['decode', '--json', 'a003020105'], { encoding: 'utf8', env });
    expect(d.status, d.stderr).not.toBe(70); // the whole command line loads from the installed copy
  }, 120_000);
});

describe('npm start and prepare build only when the sources changed (scripts/fresh.mjs)', () => {
  it('package.json: prepare and start ask scripts/fresh.mjs first; the build writes its stamp last', () => {
    expect(pkg.scripts.prepare).toMatch(/^node scripts\/fresh\.mjs\b.* \|\| npm run build$/);
    expect(pkg.scripts.start).toMatch(/^\(node scripts\/fresh\.mjs\b.* \|\| npm run build --silent\) && /);
    expect(pkg.scripts.build).toMatch(/ && node scripts\/fresh\.mjs --write$/);
  });

  it('fresh after a build; stale when a source file changes, appears or goes, or an output is missing; a touch is not a change', () => {
    const copy = join(work, 'repo');
    for (const f of ['src', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.core.json', 'tsconfig.build.json'])
      cpSync(join(root, f), join(copy, f), { recursive: true });
    const fresh = () => spawnSync(process.execPath, [join(copy, 'scripts/fresh.mjs')], { encoding: 'utf8' }).status;
    expect(fresh()).toBe(1); // never built
    // what a build leaves: the outputs package.json names, then the stamp
    const outputs = [...SUBPATHS.flatMap(([, t]) => [t.types, t.default]), pkg.bin.tskrb5 as string];
    for (const o of outputs) {
      mkdirSync(join(copy, o, '..'), { recursive: true });
      writeFileSync(join(copy, o), '');
    }
    execFileSync(process.execPath, [join(copy, 'scripts/fresh.mjs'), '--write']);
    expect(fresh()).toBe(0);
    const errors = join(copy, 'src/errors.ts');
    const text = readFileSync(errors, 'utf8');
    writeFileSync(errors, text + '\n// changed\n');
    expect(fresh()).toBe(1);
    writeFileSync(errors, text); // the same bytes again, a newer mtime
    expect(fresh()).toBe(0);
    writeFileSync(join(copy, 'src/new.ts'), 'export {};\n');
    expect(fresh()).toBe(1);
    rmSync(join(copy, 'src/new.ts'));
    expect(fresh()).toBe(0);
    writeFileSync(join(copy, 'tsconfig.json'), readFileSync(join(copy, 'tsconfig.json'), 'utf8').replace('ES2022', 'ES2023'));
    expect(fresh()).toBe(1);
    cpSync(join(root, 'tsconfig.json'), join(copy, 'tsconfig.json'));
    expect(fresh()).toBe(0);
    rmSync(join(copy, pkg.bin.tskrb5));
    expect(fresh()).toBe(1);
  });
});
