/**
 * `tskrb5 kvno`: MIT krb5's kvno (src/clients/kvno/kvno.c) over {@link getServiceCredential}:
 * gets (and caches) a ticket for each service and prints its key version number; with `-k` it
 * also checks that the ticket decrypts with the service's keytab.
 * @module
 */
import { decrypt } from '../../crypto/index.js';
import { KeyUsage, NameType } from '../../iana/index.js';
import { defaultRealm, enctypeFromName } from '../../formats/index.js';
import { EncTicketPart, Ticket, parsePrincipal, unparsePrincipal, samePrincipal, type Principal } from '../../messages/index.js';
import {
  createKrb5Context,
  getCredentialForProxy,
  getCredentialForUser,
  getServiceCredential,
  KeytabFile,
  openCcache,
  snameToPrincipal,
  type CcacheCredential,
  type CcacheStore,
  type Krb5Context,
} from '../../node/index.js';
import { comErr, getopt, runTool, type Out, type Parsed, type ToolContext } from '../klist/common.js';
import { describeError } from './kinit.js';

const PROG = 'kvno';

export const KVNO_USAGE = `usage: kvno [-c ccache] [-e etype] [-k keytab] [-q] [-S sname]
\t[{-I | -U} for_user [-P]] [--cached-only] [--no-store] service1 service2 ...`;

/**
 * Runs `tskrb5 kvno`; resolves to the exit status: 0; 1 when any service failed, and 1 for a
 * usage error too, as MIT's kvno (whose usage() exits 1, unlike kinit's and kdestroy's 2).
 */
export function runKvno(argv: readonly string[], out: Out, err: Out, ctx: ToolContext = {}): Promise<number> {
  return runTool(PROG, err, async () => {
    let parsed: Parsed;
    try {
      parsed = getopt(argv, 'c:e:k:qS:hI:U:P', ['help', 'cached-only', 'no-store']);
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
    let forUser: string | undefined;
    let enterprise = false;
    let proxy = false;
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
      else if (opt === 'I' || opt === 'U') {
        forUser = arg;
        enterprise = opt === 'U';
      } else if (opt === 'P') proxy = true;
    }
    if (proxy && forUser === undefined) {
      err('Option -P (constrained delegation) requires option -I|-U|-F (protocol transition)');
      err(KVNO_USAGE);
      return 1;
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
    const checkKeytab = (ticket: Uint8Array, server: string): void => {
      const t = Ticket.decode(ticket);
      const entry = kt!.find(
        (e) =>
          e.principal.realm === t.realm &&
          samePrincipal({ components: e.principal.components, realm: '' }, { components: t.sname.nameString, realm: '' }) &&
          e.key.etype === t.encPart.etype &&
          (t.encPart.kvno === undefined || e.kvno === t.encPart.kvno >>> 0),
      );
      if (!entry) throw new Error(`No key table entry found for ${server}`);
      EncTicketPart.decode(decrypt(entry.key, KeyUsage.KDC_REP_TICKET, t.encPart.cipher, { allowWeakCrypto: true }));
    };
    if (forUser !== undefined) {
      return kvnoForUser({ operands: parsed.operands, forUser, enterprise, proxy, store, context, quiet, out, err, cachedOnly, noStore, ...(kt ? { checkKeytab } : {}) });
    }
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
          checkKeytab(r.credential.ticket, r.server);
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

interface ForUserRun {
  operands: readonly string[];
  /** --cached-only (MIT's KRB5_GC_CACHED): no KDC exchange. */
  cachedOnly: boolean;
  /** --no-store (KRB5_GC_NO_STORE). */
  noStore: boolean;
  forUser: string;
  enterprise: boolean;
  proxy: boolean;
  store: CcacheStore;
  context: Krb5Context;
  quiet: boolean;
  out: Out;
  err: Out;
  checkKeytab?: (ticket: Uint8Array, server: string) => void;
}

/**
 * `kvno -I|-U user [-P] service…`, as MIT 1.20's kvno: S4U2Self to the cache's own principal for
 * the user (the service named must be that principal unless -P), its line printed (with -k, the
 * S4U2Self ticket checked against the keytab), then with -P S4U2Proxy to each service with that
 * ticket as evidence, silent on success.
 */
async function kvnoForUser(r: ForUserRun): Promise<number> {
  const { context, store, err, out } = r;
  const me = await store.getPrincipal().catch(() => null);
  if (!me) {
    comErr(err, PROG, `No credentials cache found (filename: ${store.name.replace(/^FILE:/, '')})`, 'while getting client principal name');
    return 1;
  }
  const realm0 = defaultRealm(context.profile);
  const user: Principal = r.enterprise
    ? { nameType: NameType.NT_ENTERPRISE, components: [r.forUser], realm: realm0 ?? me.realm }
    : parsePrincipal(r.forUser, realm0 !== undefined ? { realm: realm0 } : { noDefaultRealm: true });
  let status = 0;
  for (const operand of r.operands) {
    const server = parsePrincipal(operand, realm0 !== undefined ? { realm: realm0 } : { noDefaultRealm: true });
    const name = unparsePrincipal(server);
    if (!r.proxy && !samePrincipal(server, me)) {
      comErr(err, PROG, 'Invalid argument', 'client and server principal names must match');
      status = 1;
      continue;
    }
    let evidence: CcacheCredential;
    try {
      const self = await getCredentialForUser({ user, ccache: store, context, ...(r.noStore ? { noStore: true } : {}), ...(r.cachedOnly ? { cachedOnly: true } : {}) });
      evidence = self.credential;
      let line = `${name}: kvno = ${self.kvno ?? 0}`;
      if (r.checkKeytab) {
        r.checkKeytab(self.credential.ticket, name);
        line += ', keytab entry valid';
      }
      if (!r.quiet) out(line);
    } catch (e) {
      comErr(err, PROG, describeError(e), `while getting credentials for ${name}`);
      status = 1;
      continue;
    }
    if (!r.proxy) continue;
    try {
      await getCredentialForProxy({ evidence, server, ccache: store, context, ...(r.noStore ? { noStore: true } : {}) });
    } catch (e) {
      comErr(err, PROG, describeError(e), `${name}: constrained delegation failed`);
      status = 1;
    }
  }
  return status;
}
