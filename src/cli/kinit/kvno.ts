/**
 * `tskrb5 kvno`: MIT krb5's kvno (src/clients/kvno/kvno.c) over {@link getServiceCredential}:
 * gets (and caches) a ticket for each service and prints its key version number; with `-k` it
 * also checks that the ticket decrypts with the service's keytab.
 * @module
 */
import { decrypt } from '../../crypto/index.js';
import { KeyUsage } from '../../iana/index.js';
import { defaultRealm, enctypeFromName } from '../../formats/index.js';
import { EncTicketPart, Ticket, unparsePrincipal, samePrincipal } from '../../messages/index.js';
import { createKrb5Context, getServiceCredential, KeytabFile, openCcache, snameToPrincipal } from '../../node/index.js';
import { comErr, getopt, runTool, type Out, type Parsed, type ToolContext } from '../klist/common.js';
import { describeError } from './kinit.js';

const PROG = 'kvno';

export const KVNO_USAGE = `usage: kvno [-c ccache] [-e etype] [-k keytab] [-q] [-S sname] [--cached-only] [--no-store] service1 service2 ...`;

/**
 * Runs `tskrb5 kvno`; resolves to the exit status: 0; 1 when any service failed, and 1 for a
 * usage error too, as MIT's kvno (whose usage() exits 1, unlike kinit's and kdestroy's 2).
 */
export function runKvno(argv: readonly string[], out: Out, err: Out, ctx: ToolContext = {}): Promise<number> {
  return runTool(PROG, err, async () => {
    let parsed: Parsed;
    try {
      parsed = getopt(argv, 'c:e:k:qS:h', ['help', 'cached-only', 'no-store']);
    } catch (e) {
      err(`${PROG}: ${(e as Error).message}`);
      err(KVNO_USAGE);
      return 1;
    }
    if (parsed.long.includes('help') || parsed.opts.some((x) => x.opt === 'h')) {
      out(KVNO_USAGE);
      return 0;
    }
    let ccache: string | undefined;
    let etype: number | undefined;
    let keytab: string | undefined;
    let quiet = false;
    let sname: string | undefined;
    for (const { opt, arg } of parsed.opts) {
      if (opt === 'c') ccache = arg;
      else if (opt === 'e') {
        etype = enctypeFromName(arg!) ?? (/^-?\d+$/.test(arg!) ? Number(arg) : undefined);
        if (etype === undefined) {
          comErr(err, PROG, `Invalid encryption type ${arg}`, 'while converting etype');
          return 1;
        }
      } else if (opt === 'k') keytab = arg;
      else if (opt === 'q') quiet = true;
      else if (opt === 'S') sname = arg;
    }
    const cachedOnly = parsed.long.includes('cached-only');
    const noStore = parsed.long.includes('no-store');
    if (parsed.operands.length === 0) {
      err(KVNO_USAGE);
      return 1;
    }
    const context = createKrb5Context({ env: ctx.env ?? process.env, ...(ctx.now ? { now: ctx.now } : {}) });
    const store = await openCcache(ccache, context.store);
    const kt = keytab !== undefined ? await new KeytabFile(keytab).entries() : undefined;
    let status = 0;
    for (const operand of parsed.operands) {
      // MIT names the service in its messages as it resolved it (kvno -S: canonicalized).
      const realm0 = defaultRealm(context.profile);
      let name = sname !== undefined ? `${sname}/${operand}` : /(^|[^\\])@/.test(operand) || realm0 === undefined ? operand : `${operand}@${realm0}`;
      try {
        const server = sname !== undefined ? await snameToPrincipal(sname, operand, { profile: context.profile }) : name;
        if (typeof server !== 'string') name = unparsePrincipal(server);
        const r = await getServiceCredential({
          server,
          ccache: store,
          context,
          ...(etype !== undefined ? { etype } : {}),
          ...(noStore ? { noStore: true } : {}),
        });
        if (cachedOnly && !r.cached) throw new Error('Matching credential not found');
        let line = `${r.server}: kvno = ${r.kvno ?? 0}`;
        if (kt) {
          const t = Ticket.decode(r.credential.ticket);
          const entry = kt.find(
            (e) =>
              e.principal.realm === t.realm &&
              samePrincipal({ components: e.principal.components, realm: '' }, { components: t.sname.nameString, realm: '' }) &&
              e.key.etype === t.encPart.etype &&
              (t.encPart.kvno === undefined || e.kvno === t.encPart.kvno >>> 0),
          );
          if (!entry) throw new Error(`No key table entry found for ${r.server}`);
          EncTicketPart.decode(decrypt(entry.key, KeyUsage.KDC_REP_TICKET, t.encPart.cipher, { allowWeakCrypto: true }));
          line += ', keytab entry valid';
        }
        if (!quiet) out(line);
      } catch (e) {
        comErr(err, PROG, describeError(e), `while getting credentials for ${name}`);
        status = 1;
      }
    }
    return status;
  });
}
