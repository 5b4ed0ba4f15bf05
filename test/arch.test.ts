/**
 * The layering rules of ARCHITECTURE.md, checked by scanning every import specifier under src/.
 * A layer imports only from the layers ARCHITECTURE.md allows; `node:` builtins and `Buffer` only at
 * the edges; third-party packages only where planned.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

/** The public entry points: the modules package.json exports (dist/x.js ← src/x.ts). */
const PUBLIC = new Set(
  Object.values(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).exports as Record<string, { default?: string } | string>)
    // the types name the source module (the JavaScript is its bundle, dist/bundle/…)
    .map((t) => (typeof t === 'string' ? t : ((t as { types?: string }).types ?? '')))
    .filter((t) => t.startsWith('./dist/'))
    .map((t) => t.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '')),
);

const L0 = ['util', 'iana', 'errors'];
/** Which layers each layer may import (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  util: L0,
  iana: L0,
  errors: L0,
  asn1: [...L0],
  crypto: [...L0],
  messages: ['asn1', ...L0],
  // The AP exchange once (issue 12): built by client/ (PA-TGS-REQ) and gssapi/ (initiator), checked by gssapi/ (acceptor) and kdc/ (TGS), so below all three.
  ap: ['messages', 'crypto', ...L0],
  formats: ['messages', 'asn1', ...L0],
  client: ['ap', 'messages', 'crypto', 'formats', 'asn1', ...L0],
  gssapi: ['ap', 'messages', 'crypto', 'asn1', ...L0],
  spnego: ['gssapi', 'asn1', ...L0],
  // ap: the servers choose and check replay stores (issue 13)
  http: ['spnego', 'gssapi', 'ap', 'client', 'messages', 'crypto', 'formats', 'asn1', 'node', ...L0],
  // ap: the host-shared replay store implements ap's store interface (issue 13)
  node: ['ap', 'client', 'formats', 'messages', 'crypto', 'asn1', ...L0],
  // The embedded KDC (issue 15): its sans-I/O core never uses client/ or gssapi/ (an independent
  // peer) nor node/; its Node edge (kdc/node/: listeners, startKdc) may use node/ (kinit into a cache).
  kdc: ['ap', 'messages', 'crypto', 'formats', 'asn1', ...L0],
  'kdc-node': ['kdc', 'node', 'ap', 'messages', 'crypto', 'formats', 'asn1', ...L0],
  cli: ['*'],
  compat: ['*'],
  index: ['*'],
};
/** Layers where `node:` builtins may appear. */
const NODE_OK = new Set(['node', 'http', 'kdc-node', 'cli', 'index']);
/** Third-party packages each layer may use. */
const PACKAGES: Record<string, RegExp> = {
  crypto: /^@noble\/hashes\//,
  http: /^pkijs$|^asn1js$/,
};

/** Packages a layer may import types from, with `import type` only (erased: nothing is loaded). */
const FRAMEWORK_TYPES: Record<string, RegExp> = {
  http: /^(?:fastify|koa|hono)$/,
};

interface Violation {
  file: string;
  message: string;
}

function layerOf(rel: string): string {
  if (rel.startsWith('kdc/node/')) return 'kdc-node';
  const first = rel.split('/')[0]!;
  return first.replace(/\.(ts|js)$/, '');
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s+['"]([^'"]+)['"]/gm;

/** Checks one file's text; `rel` is its path under src/. Tested below too. */
function checkFile(rel: string, text: string): Violation[] {
  const out: Violation[] = [];
  const layer = layerOf(rel);
  const allowed = ALLOWED[layer];
  if (!allowed) return [{ file: rel, message: `file is in no known layer (${layer})` }];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(SPECIFIER)) {
    const spec = (m[1] ?? m[2] ?? m[3])!;
    if (spec.startsWith('node:') || ['fs', 'net', 'dgram', 'dns', 'os', 'path', 'crypto', 'http', 'https', 'tls', 'child_process'].includes(spec)) {
      if (!NODE_OK.has(layer)) out.push({ file: rel, message: `imports ${spec} in the pure layer ${layer}` });
      continue;
    }
    if (spec.startsWith('.')) {
      const target = relative(SRC, join(SRC, rel, '..', spec));
      if (target.startsWith('..')) {
        out.push({ file: rel, message: `imports ${spec}, outside src/` });
        continue;
      }
      const tl = layerOf(target);
      if (tl !== layer && !allowed.includes('*') && !allowed.includes(tl)) out.push({ file: rel, message: `layer ${layer} imports ${tl} (${spec})` });
      // compat/ (the npm `kerberos` drop-in) is built on the public API only, as a user's code would
      // be; cli/ is the package's own tool and may use any layer's modules, so that what it needs
      // does not have to be exported (ARCHITECTURE.md)
      if (layer === 'compat' && tl !== 'compat' && !PUBLIC.has(target.replace(/\.(js|ts)$/, ''))) {
        out.push({ file: rel, message: `compat must use the public API (a module package.json exports), not ${spec}` });
      }
      continue;
    }
    const pkg = PACKAGES[layer];
    // the framework adapters' types (Fastify, Koa, Hono), as types only: erased, never loaded
    const typeOnly = /\b(?:import|export)\s+type\s/.test(m[0]);
    if (FRAMEWORK_TYPES[layer]?.test(spec) && typeOnly) continue;
    if (!pkg?.test(spec) && !allowed.includes('*'))
      out.push({ file: rel, message: `layer ${layer} imports the package ${spec}${FRAMEWORK_TYPES[layer]?.test(spec) ? ' (only `import type` is allowed)' : ''}` });
  }
  if (!NODE_OK.has(layer)) {
    if (/\bBuffer\b/.test(code)) out.push({ file: rel, message: `uses Buffer in the pure layer ${layer}` });
    if (/\brequire\s*\(/.test(code)) out.push({ file: rel, message: 'uses require()' });
    // The one sanctioned run-time lookup of a Node builtin: the crypto backend's feature test.
    if (/getBuiltinModule/.test(code) && rel !== 'crypto/backend-node.ts') {
      out.push({ file: rel, message: 'reaches a Node builtin through getBuiltinModule outside crypto/backend-node.ts' });
    }
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.ts$/.test(n) ? [p] : [];
  });
}

describe('architecture', () => {
  it('src/ follows the layering and purity rules of ARCHITECTURE.md', () => {
    const files = walk(SRC);
    expect(files.length).toBeGreaterThan(20);
    const violations = files.flatMap((f) => checkFile(relative(SRC, f), readFileSync(f, 'utf8')));
    expect(violations).toEqual([]);
  });

  it('the checker catches each kind of violation', () => {
    expect(checkFile('crypto/x.ts', "import { x } from '../messages/index.js';")).toHaveLength(1);
    expect(checkFile('asn1/x.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(checkFile('messages/x.ts', "export * from 'fs';")).toHaveLength(1);
    expect(checkFile('gssapi/x.ts', 'const b = Buffer.from([1]);')).toHaveLength(1);
    expect(checkFile('asn1/x.ts', "import * as a from 'asn1js';")).toHaveLength(1);
    expect(checkFile('kdc/x.ts', "import { c } from '../client/index.js';")).toHaveLength(1);
    expect(checkFile('kdc/x.ts', "import dgram from 'node:dgram';")).toHaveLength(1);
    expect(checkFile('kdc/x.ts', "import { kinit } from '../node/kinit.js';")).toHaveLength(1);
    expect(checkFile('kdc/node/x.ts', "import dgram from 'node:dgram';\nimport { kinit } from '../../node/kinit.js';\nimport { Kdc } from '../kdc.js';")).toEqual([]);
    expect(checkFile('kdc/node/x.ts', "import { c } from '../../client/index.js';")).toHaveLength(1);
    expect(checkFile('ap/x.ts', "import { g } from '../gssapi/index.js';")).toHaveLength(1);
    expect(checkFile('ap/x.ts', "import { c } from '../client/index.js';")).toHaveLength(1);
    expect(checkFile('compat/x.ts', "import { c } from '../crypto/rfc3962.js';")).toHaveLength(1);
    expect(checkFile('compat/x.ts', "import { c } from '../crypto/index.js';")).toEqual([]);
    expect(checkFile('cli/x.ts', "import { c } from '../crypto/rfc3962.js';")).toEqual([]);
    expect(checkFile('messages/x.ts', "const m = await import('node:crypto');")).toHaveLength(1);
    expect(checkFile('util/x.ts', 'const c = process.getBuiltinModule("node:crypto");')).toHaveLength(1);
    // and lets the allowed ones pass
    expect(checkFile('crypto/x.ts', "import { hmac } from '@noble/hashes/hmac.js';\nimport { u } from '../util/bytes.js';")).toEqual([]);
    expect(checkFile('node/x.ts', "import { readFileSync } from 'node:fs';\nimport { a } from '../client/index.js';")).toEqual([]);
    expect(checkFile('gssapi/x.ts', "import { checkApReq } from '../ap/index.js';")).toEqual([]);
    expect(checkFile('crypto/x.ts', "// import { x } from '../messages/index.js';")).toEqual([]);
    expect(checkFile('http/node/x.ts', "import type { FastifyRequest } from 'fastify';")).toEqual([]);
    expect(checkFile('http/node/x.ts', "import { fastify } from 'fastify';")).toHaveLength(1);
    expect(checkFile('node/x.ts', "import type { Context } from 'koa';")).toHaveLength(1);
  });
});
