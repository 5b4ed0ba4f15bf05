#!/usr/bin/env node
// The `tskrb5` executable: everything lives in run.ts, so tests can call it without a process.
import { main } from './run.js';

process.exitCode = main(process.argv.slice(2));
