/**
 * `tskrb5 kinit`: MIT krb5's kinit (src/clients/kinit/kinit.c) over {@link kinit}: a TGT for a
 * password (from the terminal without echo, or stdin when it is not a terminal) or a keytab
 * (`-k [-t KEYTAB]`), renewal (`-R`), and the cache MIT's kinit would write.
 * @module
 */
import { KdcError, KerberosError, TransportError } from '../../errors.js';
import { parseDuration } from '../../formats/index.js';
import { createKrb5Context, kinit, type KinitOptions, type Krb5Context } from '../../node/index.js';
import { comErr, getopt, runTool, type Out, type Parsed, type ToolContext } from '../klist/common.js';
import { promptPassword } from './password.js';

const PROG = 'kinit';

export const KINIT_USAGE = `Usage: kinit [-V] [-l lifetime] [-r renewable_life] [-f | -F] [-p | -P] [-C] [-E] [-R] [-k [-i|-t keytab_file]] [-c cachename] [-S service] [-T ticket_armor_cache] [principal]

    options:
\t-V verbose
\t-l lifetime
\t-r renewable lifetime
\t-f forwardable
\t-F not forwardable
\t-p proxiable
\t-P not proxiable
\t-C canonicalize
\t-E client is enterprise principal name
\t-R renew
\t-k use keytab
\t-i use default client keytab (with -k)
\t-t filename of keytab to use
\t-c Kerberos 5 cache name
\t-S service
\t-T armor credential cache`;

/** Options of the command besides argv (tests inject a password source and a context). */
export interface KinitToolContext extends ToolContext {
  prompt?: (text: string) => Promise<string>;
}

function life(text: string, err: Out, what: string): number {
  const s = parseDuration(text);
  if (s === undefined || s <= 0) {
    err(`Bad ${what} value ${text}`);
    throw new RangeError('usage');
  }
  return s;
}

/** What MIT prints for an error from the exchange, followed by its "while …" context. */
export function describeError(e: unknown): string {
  if (e instanceof KdcError || e instanceof TransportError || e instanceof KerberosError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Runs `tskrb5 kinit`; resolves to the exit status (0, 1; 2 for usage). */
export function runKinit(argv: readonly string[], out: Out, err: Out, ctx: KinitToolContext = {}): Promise<number> {
  return runTool(PROG, err, async () => {
    let parsed: Parsed;
    try {
      parsed = getopt(argv, 'Vl:r:fFpPCERkit:c:S:T:h', ['help', 'forwardable', 'noforwardable', 'proxiable', 'noproxiable', 'canonicalize', 'enterprise']);
    } catch (e) {
      err(`${PROG}: ${(e as Error).message}`);
      err(KINIT_USAGE);
      return 2;
    }
    if (parsed.long.includes('help') || parsed.opts.some((x) => x.opt === 'h')) {
      out(KINIT_USAGE);
      return 0;
    }
    const o: KinitOptions = {};
    let verbose = false;
    let useKeytab = false;
    let keytabName: string | undefined;
    let clientKeytab = false;
    try {
      for (const { opt, arg } of parsed.opts) {
        switch (opt) {
          case 'V':
            verbose = true;
            break;
          case 'l':
            o.lifetimeSec = life(arg!, err, 'lifetime');
            break;
          case 'r':
            o.renewLifetimeSec = life(arg!, err, 'renewable time');
            break;
          case 'f':
            o.forwardable = true;
            break;
          case 'F':
            o.forwardable = false;
            break;
          case 'p':
            o.proxiable = true;
            break;
          case 'P':
            o.proxiable = false;
            break;
          case 'C':
            o.canonicalize = true;
            break;
          case 'E':
            o.enterprise = true;
            break;
          case 'R':
            o.renew = true;
            break;
          case 'k':
            useKeytab = true;
            break;
          case 'i':
            clientKeytab = true;
            break;
          case 't':
            keytabName = arg!;
            break;
          case 'c':
            o.ccache = arg!;
            break;
          case 'S':
            o.service = arg!;
            break;
          case 'T':
            // MIT: "Only one armor_ccache"
            if (o.armorCcache !== undefined) {
              err('Only one armor_ccache');
              throw new RangeError('usage');
            }
            o.armorCcache = arg!;
            break;
        }
      }
    } catch {
      err(KINIT_USAGE);
      return 2;
    }
    for (const l of parsed.long) {
      if (l === 'forwardable') o.forwardable = true;
      if (l === 'noforwardable') o.forwardable = false;
      if (l === 'proxiable') o.proxiable = true;
      if (l === 'noproxiable') o.proxiable = false;
      if (l === 'canonicalize') o.canonicalize = true;
      if (l === 'enterprise') o.enterprise = true;
    }
    if (parsed.operands.length > 1) {
      err(KINIT_USAGE);
      return 2;
    }
    if (keytabName !== undefined && !useKeytab) {
      err(`${PROG}: Only one of -t or -k may be used... -t requires -k`);
      return 2;
    }
    if (useKeytab && o.renew) {
      err(`${PROG}: Only one of -k and -R may be specified`);
      return 2;
    }
    if (parsed.operands[0] !== undefined) o.principal = parsed.operands[0];
    if (useKeytab) {
      o.keytab = keytabName ?? true;
      if (clientKeytab) o.clientKeytab = true;
    }
    let context: Krb5Context;
    try {
      context = createKrb5Context({ env: ctx.env ?? process.env, ...(ctx.now ? { now: ctx.now } : {}) });
    } catch (e) {
      comErr(err, PROG, describeError(e), 'while initializing Kerberos 5 library');
      return 1;
    }
    o.context = context;
    o.prompt = ctx.prompt ?? ((text) => promptPassword(text));
    if (verbose) {
      if (o.ccache !== undefined) out(`Using specified cache: ${o.ccache}`);
      if (o.principal !== undefined) out(`Using principal: ${o.principal}`);
      if (useKeytab) out(`Using keytab: ${keytabName ?? 'default'}`);
    }
    try {
      const r = await kinit(o);
      if (verbose) {
        out(`Using cache: ${r.store.name}`);
        out(o.renew ? 'Authenticated to Kerberos v5 (ticket renewed)' : `Authenticated to Kerberos v5 as ${r.principal}`);
      }
      return 0;
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) throw e;
      // MIT's kinit names no file here: "Failed to store credentials: Credentials cache permissions incorrect"
      const text = (e as KerberosError).code === 'ERR_CCACHE_PERMISSION' ? describeError(e).replace(/ \(filename: [\s\S]*$/, '') : describeError(e);
      comErr(err, PROG, text, o.renew ? 'while renewing credentials' : 'while getting initial credentials');
      return 1;
    }
  });
}
