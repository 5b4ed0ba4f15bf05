// Bundles the `tskrb5` command into one file, dist/cli/tskrb5.js (the package's bin), after
// `tsc` has built dist/. A short command spends most of its time loading modules: one file
// instead of ~60 saves the resolution and linking of each (see bench/formats.mjs, klist).
// dist/cli/main.js stays the unbundled entry the library's modules are checked with.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/cli/tskrb5.js');
await build({
  entryPoints: [join(root, 'dist/cli/main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Whitespace and syntax only: names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
