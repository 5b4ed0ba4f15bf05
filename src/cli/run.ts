/**
 * The `tskrb5` command: help, version, and the subcommands (each loaded only when run). Only
 * commands that exist are listed.
 * @module
 */

import { version } from './version.js';

export { version };

const COMMANDS: [string, string][] = [
  ['klist', 'list credential caches and keytabs'],
  ['kinit', 'get a ticket-granting ticket (password or keytab), or renew one'],
  ['kvno', 'get service tickets and print key version numbers'],
  ['kswitch', 'make another cache of a collection the primary one'],
  ['kdestroy', 'destroy credential caches'],
  ['decode', 'decode a Kerberos, GSS-API or SPNEGO token, a header, a message or a keytab'],
  ['fetch', 'an HTTP request with Negotiate authentication (curl --negotiate-like)'],
  ['kdc', 'run an embedded KDC for a realm (users, services, keytab, krb5.conf)'],
  ['demo', 'the whole flow on an embedded KDC: kinit, Negotiate, delegation (npm start)'],
];

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

type Out = (s: string) => void;

/**
 * The subcommands, each loaded only when run: a `klist` need not load the GSS-API and SPNEGO
 * code (module loading is most of a short command's time).
 */
const ASYNC: Record<string, (argv: readonly string[], out: Out, err: Out) => Promise<number>> = {
  klist: async (a, o, e) => (await import('./klist/klist.js')).runKlist(a, o, e),
  kswitch: async (a, o, e) => (await import('./klist/kswitch.js')).runKswitch(a, o, e),
  kdestroy: async (a, o, e) => (await import('./klist/kdestroy.js')).runKdestroy(a, o, e),
  decode: async (a, o, e) => (await import('./decode/command.js')).runDecode(a, o, e),
  kinit: async (a, o, e) => (await import('./kinit/kinit.js')).runKinit(a, o, e),
  kvno: async (a, o, e) => (await import('./kinit/kvno.js')).runKvno(a, o, e),
  fetch: async (a, o, e) => (await import('./fetch/fetch.js')).runFetch(a, o, e),
  kdc: async (a, o, e) => (await import('./kdc/kdc.js')).runKdc(a, o, e),
  demo: async (a, o, e) => (await import('./demo/demo.js')).runDemo(a, o, e),
};

function asyncCommand(cmd: string | undefined) {
  return cmd !== undefined && Object.hasOwn(ASYNC, cmd) ? ASYNC[cmd] : undefined;
}

/** Runs the command line, the asynchronous subcommands included; resolves to the exit status. */
export function runAsync(argv: readonly string[], out: Out = (s) => process.stdout.write(s + '\n'), err: Out = (s) => process.stderr.write(s + '\n')): Promise<number> {
  const task = asyncCommand(argv[0]);
  if (task) return task(argv.slice(1), out, err);
  const o = (s: string) => {
    out(s);
    return true;
  };
  const e = (s: string) => {
    err(s);
    return true;
  };
  return Promise.resolve(main(argv, o, e));
}

/**
 * Runs the command line; returns the exit status. An asynchronous subcommand (klist, kswitch,
 * kdestroy) returns 0 at once and sets `process.exitCode` to its status when it ends: await
 * {@link runAsync} to get it.
 */
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
  const task = asyncCommand(cmd);
  if (task) {
    void task(argv.slice(1), out, err).then((status) => {
      process.exitCode = status;
    });
    return 0;
  }
  err(`tskrb5: unknown command '${cmd}' (see tskrb5 --help)`);
  return 2;
}
