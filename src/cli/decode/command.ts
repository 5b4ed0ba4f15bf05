/**
 * `tskrb5 decode [--json] [--full] [--keytab FILE]… [--key ETYPE:HEX]… [--password PW] INPUT…`
 * @module
 */

import { readFileSync } from 'node:fs';
import type { Key } from '../../crypto/index.js';
import { KerberosError } from '../../errors.js';
import { decodeKeytab } from '../../formats/index.js';
import { ENCTYPE_NAMES } from '../../iana/index.js';
import { analyze, type Keys } from './analyze.js';
import { readInput } from './input.js';
import { renderJson, renderTree } from './render.js';

export const DECODE_HELP = `Usage: tskrb5 decode [options] INPUT...

Decodes a Kerberos, GSS-API or SPNEGO token, a Kerberos message, or a keytab, and prints it
as a tree (RFC names, flags spelled out, ISO times, principals as name/instance@REALM).

INPUT is a file (DER bytes, or any of the text forms), '-' for standard input, a base64
token, hex, or a whole header: 'Authorization: Negotiate …' / 'WWW-Authenticate: Negotiate …'.
Several inputs share what they open: give the AP-REQ and then the AP-REP, and the session
key from the first opens the second.

Options:
  --keytab FILE      service (or client) keys, to open tickets and replies (repeatable)
  --key ETYPE:HEX    a key to try, e.g. a session key: 18:00112233… or aes256-cts-hmac-sha1-96:… (repeatable)
  --password PW      the client's password, to open an AS exchange (default salt)
  --json             JSON instead of the tree
  --full             whole byte strings (default: the first 32 bytes)
  -h, --help         this text`;

function parseKey(spec: string): Key {
  const m = /^([\w-]+):([0-9a-fA-F]+)$/.exec(spec);
  if (!m) throw new TypeError(`--key wants ETYPE:HEX, got '${spec}'`);
  const byName = Object.entries(ENCTYPE_NAMES).find(([, n]) => n === m[1]);
  const etype = /^-?\d+$/.test(m[1]!) ? Number(m[1]) : byName ? Number(byName[0]) : NaN;
  if (Number.isNaN(etype)) throw new TypeError(`unknown enctype '${m[1]}'`);
  return { etype, value: new Uint8Array(Buffer.from(m[2]!, 'hex')) };
}

/** Runs `tskrb5 decode`; returns the exit status. */
export function runDecode(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const keys: Keys = { keytab: [], keys: [], session: [], armor: [] };
  const inputs: string[] = [];
  let json = false;
  let full = false;
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      const next = () => {
        const v = argv[++i];
        if (v === undefined) throw new TypeError(`${a} needs a value`);
        return v;
      };
      if (a === '-h' || a === '--help') {
        out(DECODE_HELP);
        return 0;
      } else if (a === '--json') json = true;
      else if (a === '--full') full = true;
      else if (a === '--keytab' || a === '-k') keys.keytab.push(...decodeKeytab(new Uint8Array(readFileSync(next()))).entries);
      else if (a === '--key') keys.keys.push(parseKey(next()));
      else if (a === '--password') keys.password = next();
      else if (a.startsWith('--') && a.length > 2) throw new TypeError(`unknown option ${a}`);
      else inputs.push(a);
    }
    if (inputs.length === 0) throw new TypeError('nothing to decode (see tskrb5 decode --help)');
  } catch (e) {
    err(`tskrb5 decode: ${(e as Error).message}`);
    return 2;
  }

  let status = 0;
  const results: unknown[] = [];
  for (const arg of inputs) {
    const label = arg.length > 60 ? `${arg.slice(0, 57)}...` : arg;
    try {
      const input = readInput(arg);
      const a = analyze(input.bytes, keys);
      if (json) results.push({ input: label, form: input.form, sections: a.sections.map((s) => ({ title: s.title, value: s.value })), notes: a.notes });
      else {
        if (inputs.length > 1) out(`== ${label}`);
        for (const s of a.sections) out(renderTree(s.title, s.value, { full, flagsAre: s.flagsAre ?? 'ticket' }));
        for (const n of a.notes) out(`note: ${n}`);
      }
    } catch (e) {
      status = 1;
      const msg = e instanceof KerberosError ? `${e.name} (${e.code}): ${e.message}` : (e as Error).message;
      if (json) results.push({ input: label, error: { name: (e as Error).name, code: (e as KerberosError).code, message: (e as Error).message } });
      else err(`tskrb5 decode: ${label}: ${msg}`);
      if (!(e instanceof KerberosError) && !(e instanceof TypeError) && !(e instanceof RangeError)) throw e;
    }
  }
  if (json) out(renderJson(inputs.length === 1 ? results[0] : results));
  return status;
}
