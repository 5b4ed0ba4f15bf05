#!/usr/bin/env node
// The `tskrb5` executable: everything lives in run.ts, so tests can call it without a process.
import { runAsync } from './run.js';

// `tskrb5 decode … | head`: a closed pipe ends the output quietly, as it does for MIT's tools.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runAsync(process.argv.slice(2));
