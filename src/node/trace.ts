/**
 * `KRB5_TRACE`, as MIT krb5 honours it: when the variable names a file, each traced step is
 * appended to it as one line, `[pid] seconds.microseconds: message` — the shape of MIT's own
 * trace (`lib/krb5/os/trace.c`), so one can read, diff and grep ours beside MIT's.
 *
 * What is traced, each line worded as MIT words it (the full list, and the MIT traces they were
 * taken from, are in `fixtures/mit/trace/`): the KDC transport (`Sending request (N bytes) to
 * REALM`, `Resolving hostname …`, `Sending initial UDP request to dgram …`, `Initiating TCP
 * connection to stream …`, `Sending TCP request to stream …`, `Sending HTTPS request to https …`,
 * `Received answer (N bytes) from …`, `Terminating TCP connection to …`), the AS exchange
 * (`Getting initial credentials for …`, `Found entries for … in keytab: …`, `Received error from
 * KDC: …`), the TGS exchange (`Getting credentials C -> S using ccache …`, `Retrieving C -> S from
 * … with result: …`, `Starting with TGT for client realm: …`, `TGS request result: …`, `Received
 * creds for desired service …`), the caches (`Initializing … with default princ …`, `Storing
 * config in …`, `Storing C -> S in …`, `Matching … in collection with result: …`, `Resolving
 * unique ccache of type …`) and the cache choice (`ccselect module realm chose cache …`,
 * `ccselect can't find appropriate cache for server principal …`). Never a key, not even MIT's
 * two-byte key hashes. Principals are written by `unparsePrincipal` (messages/principal.ts), as
 * MIT's trace writes them with krb5_unparse_name.
 *
 * `KRB5_TRACE=/dev/stderr` (or `/dev/stdout`, `/dev/fd/N`) writes to that descriptor of this
 * process directly: opening `/dev/stderr` fails when stderr is a socket, as it is for a child of
 * Node (MIT's tools then trace nothing). A file that cannot be opened disables tracing quietly,
 * as MIT does.
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Where trace messages go: one message, without the `[pid] time: ` prefix or a newline. */
export type Krb5Trace = (message: string) => void;

/** Descriptors opened for trace files, one per path for the life of the process (MIT: per context). */
const open = new Map<string, number | null>();

function fdOf(path: string): number | null {
  const std = /^\/dev\/(?:(stdout)|(stderr)|fd\/(\d+))$/.exec(path);
  if (std) return std[1] ? 1 : std[2] ? 2 : Number(std[3]);
  let fd = open.get(path);
  if (fd === undefined) {
    try {
      fd = openSync(path, 'a', 0o600);
    } catch {
      fd = null;
    }
    open.set(path, fd);
  }
  return fd;
}

let lastMicros = 0;
/** Microseconds since the epoch, strictly increasing within the process (as MIT's `krb5_crypto_us_timeofday`). */
function micros(): number {
  let us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  if (us <= lastMicros) us = lastMicros + 1;
  lastMicros = us;
  return us;
}

/** `[pid] 1733000000.123456: message` — MIT's trace line, without the newline. */
export function traceLine(message: string, pid: number = process.pid, us: number = micros()): string {
  return `[${pid}] ${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}: ${message}`;
}

/**
 * A trace that appends MIT-shaped lines to `path` (a file, created 0600 when missing, or
 * `/dev/stderr`-like names for this process's descriptors). Writes are synchronous, so lines from
 * one step are in order and nothing is lost when the process exits.
 */
export function traceTo(path: string): Krb5Trace {
  return (message) => {
    const fd = fdOf(path);
    if (fd === null) return;
    try {
      writeSync(fd, traceLine(message) + '\n');
    } catch {
      // a closed descriptor or a full disk: tracing never breaks the operation traced
    }
  };
}

/** The trace `KRB5_TRACE` asks for in `env` (default `process.env`), or undefined when unset. */
export function traceFromEnv(env: Record<string, string | undefined> = process.env): Krb5Trace | undefined {
  const path = env.KRB5_TRACE;
  return path ? traceTo(path) : undefined;
}

/** Closes the trace files opened so far (tests; a process that exits needs nothing). */
export function closeTraceFiles(): void {
  for (const fd of open.values()) if (fd !== null) closeSync(fd);
  open.clear();
}

// ---------------------------------------------------------------------------------- wording

/** MIT's error-table base for KDC error codes (`ERROR_TABLE_BASE_krb5`): code N is reported as base + N. */
export const KRB5_ERROR_BASE = -1765328384;
/** `KRB5_CC_NOTFOUND`, "Matching credential not found". */
export const KRB5_CC_NOTFOUND = -1765328243;

/** MIT's shortest enctype names (`krb5_enctype_to_name(…, TRUE)`), as its trace lines print them. */
const SHORT_ETYPE: Record<number, string> = {
  16: 'des3-cbc-sha1',
  17: 'aes128-cts',
  18: 'aes256-cts',
  19: 'aes128-sha2',
  20: 'aes256-sha2',
  23: 'rc4-hmac',
  24: 'rc4-hmac-exp',
  25: 'camellia128-cts',
  26: 'camellia256-cts',
};
export function traceEtype(etype: number): string {
  return SHORT_ETYPE[etype] ?? String(etype);
}
