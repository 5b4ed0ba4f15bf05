/**
 * The `tskrb5` executable (bundled as dist/cli/tskrb5.cjs). `tskrb5 klist` of one FILE cache
 * is answered by the quick path, which loads almost nothing; everything else, and anything the
 * quick path declines, loads the whole command line (dist/cli/tskrb5.js, from main.ts).
 * `TSKRB5_NO_QUICK=1` skips the quick path (tests and benchmarks compare the two).
 * @module
 */

import { writeSync } from 'node:fs';
import { quickKlist } from './klist/quick.js';

/** Writes `chunks` to stdout, in order, each whole. */
function writeOut(chunks: readonly Uint8Array[]): void {
  for (let i = 0; i < chunks.length; i++) {
    let rest = chunks[i]!;
    try {
      while (rest.length) rest = rest.subarray(writeSync(1, rest));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // `klist | head`: a closed pipe ends the output quietly, as for MIT's tools
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw e;
      // a non-blocking pipe that is full: the stream layer waits for it to drain
      process.stdout.on('error', () => {});
      process.stdout.write(rest);
      for (let j = i + 1; j < chunks.length; j++) process.stdout.write(chunks[j]!);
      return;
    }
  }
}

const argv = process.argv.slice(2);
const chunks = argv[0] === 'klist' && !process.env.TSKRB5_NO_QUICK ? quickKlist(argv.slice(1), { env: process.env }) : undefined;
if (chunks !== undefined) writeOut(chunks);
else {
  // the whole command line; a variable, so that the bundler leaves the import to Node
  const main = './tskrb5.js';
  import(main).catch((e: unknown) => {
    process.stderr.write(`tskrb5: ${(e as Error).message}\n`);
    process.exitCode = 70;
  });
}
