/**
 * The `tskrb5` command. For now it prints help and version; the MIT-shaped subcommands
 * (klist, kinit, kvno, kswitch, kdestroy, decode, fetch, kdc, demo) arrive with their layers.
 * @module
 */

import { readFileSync } from 'node:fs';
import { runDecode } from './decode/command.js';

const COMMANDS: [string, string][] = [
  ['klist', 'list credential caches and keytabs (coming)'],
  ['kinit', 'get a ticket-granting ticket (coming)'],
  ['kvno', 'get service tickets and print key version numbers (coming)'],
  ['kswitch', 'make another cache of a collection the primary one (coming)'],
  ['kdestroy', 'destroy credential caches (coming)'],
  ['decode', 'decode a Kerberos, GSS-API or SPNEGO token, a header, a message or a keytab'],
  ['fetch', 'an HTTP request with Negotiate authentication (coming)'],
  ['kdc', 'run the embedded KDC (coming)'],
  ['demo', 'a full demonstration on the embedded KDC (coming)'],
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function help(): string {
  const width = Math.max(...COMMANDS.map(([c]) => c.length));
  return [
    `tskrb5 ${version()} — Kerberos v5 and SPNEGO in pure TypeScript`,
    '',
    'Usage: tskrb5 <command> [options]',
    '       tskrb5 --help | --version',
    '',
    'Commands:',
    ...COMMANDS.map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
  ].join('\n');
}

/** Runs the command line; returns the exit status. */
export function main(argv: readonly string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): number {
  const [cmd] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out(help());
    return 0;
  }
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    out(version());
    return 0;
  }
  if (cmd === 'decode') return runDecode(argv.slice(1), out, err);
  const known = COMMANDS.find(([c]) => c === cmd);
  err(known ? `tskrb5 ${cmd}: not implemented yet in this version` : `tskrb5: unknown command '${cmd}' (see tskrb5 --help)`);
  return known ? 3 : 2;
}
