/**
 * `tskrb5 klist`: MIT krb5's klist (src/clients/klist/klist.c, 1.20), line for line — the same
 * options, layout, messages and exit statuses — plus `--json`.
 * @module
 */

import { readFileSync } from 'node:fs';
import { lookupService } from 'node:dns/promises';
import { DecodeError } from '../../errors.js';
import {
  CCACHE_TRUNCATED,
  viewCredential,
  type CcacheScanner,
  type CcacheRecordView,
  credentialTicket,
  decodeKeytab,
  isConfigPrincipal,
  type CcacheCredential,
  type KeytabEntry,
  type KeytabScan,
  type Krb5Conf,
} from '../../formats/index.js';
import { ticketFlagLetters } from '../../iana/index.js';
import { defaultClientKeytabName, defaultKeytabName, openCcache, parseKeytabName, type CcacheStore } from '../../node/index.js';
import {
  ccacheErrorText,
  collectionStores,
  comErr,
  Exit,
  getopt,
  loadProfile,
  runTool,
  samePrincipal,
  storeOptions,
  storePath,
  tsOf,
  unparseName,
  type Out,
  type Parsed,
  type ToolContext,
} from './common.js';
import { etypeString } from './etypes.js';
import { listFile } from './fast.js';
import { CcacheListing, CredentialLine } from './listing.js';
import type { Principal } from '../../messages/index.js';
import { version } from '../version.js';

export { etypeString };

const PROG = 'klist';

export const KLIST_USAGE = `Usage: klist [-e] [-V] [[-c] [-l] [-A] [-d] [-f] [-s] [-a [-n]]] [-k [-i] [-t] [-K]] [-C] [name]
\t-c specifies credentials cache
\t-k specifies keytab
\t   (Default is credentials cache)
\t-i uses default client keytab if no name given
\t-l lists credential caches in collection
\t-A shows content of all credential caches
\t-e shows the encryption type
\t-V shows the Kerberos version and exits
\toptions for credential caches:
\t\t-d shows the submitted authorization data types
\t\t-f shows credentials flags
\t\t-s sets exit status based on valid tgt existence
\t\t-a displays the address list
\t\t\t-n do not reverse-resolve
\toptions for keytabs:
\t\t-t shows keytab entry timestamps
\t\t-K shows keytab entry keys
\t\t-C includes configuration data entries
\t--json prints the same data as JSON (tskrb5)`;

interface Flags {
  f: boolean;
  e: boolean;
  t: boolean;
  K: boolean;
  s: boolean;
  n: boolean;
  a: boolean;
  d: boolean;
  l: boolean;
  A: boolean;
  C: boolean;
  V: boolean;
  i: boolean;
  json: boolean;
  mode: 'default' | 'ccache' | 'keytab';
}

class Klist {
  readonly now: number;
  /** The text of the cache listings (shared with the quick path). */
  readonly listing: CcacheListing;
  readonly lines: string[] = [];
  readonly json: unknown[] = [];
  defname = '';

  constructor(
    readonly f: Flags,
    readonly ctx: ToolContext,
    readonly out: Out,
    readonly err: Out,
  ) {
    this.now = tsOf(ctx.now ? ctx.now() : new Date());
    this.listing = new CcacheListing(f, this.now, (ctx.env ?? process.env).TZ);
  }

  /**
   * Output goes through here. Text leaves in chunks of whole lines as it grows (MIT's stdio
   * buffering), so that a long listing is not held in memory; JSON is written once, at the end.
   */
  write(s: string): void {
    this.lines.push(s);
    this.pending += s.length;
    if (this.pending >= CHUNK && !this.f.json && s.endsWith('\n')) this.flush();
  }
  private pending = 0;
  flush(): void {
    if (this.f.json) {
      if (this.json.length) this.out(JSON.stringify(this.json.length === 1 ? this.json[0] : this.json, null, 2));
      this.json.length = 0;
    } else if (this.lines.length) {
      const text = this.lines.join('');
      this.out(text.endsWith('\n') ? text.slice(0, -1) : text);
    }
    this.lines.length = 0;
    this.pending = 0;
  }
  fail(message: string, fmt = ''): never {
    this.flush();
    if (!this.f.s) comErr(this.err, PROG, message, fmt);
    throw new Exit(1);
  }

  fill(n: number, c = ' '): string {
    return n > 0 ? c.repeat(n) : '';
  }

  // ---------------------------------------------------------------------------- keytab

  doKeytab(name: string | undefined, o: ReturnType<typeof storeOptions>): number {
    let ktname: string;
    if (name === undefined && this.f.i) ktname = defaultClientKeytabName(o);
    else if (name === undefined) ktname = defaultKeytabName(o);
    else ktname = name;
    const { type, residual } = parseKeytabName(ktname);
    if (type !== 'FILE' && type !== 'WRFILE') this.fail('Unknown Key table type', `while resolving keytab ${ktname}`);
    const shown = `FILE:${residual}`; // MIT names a WRFILE: keytab FILE: too
    this.write(`Keytab name: ${shown}\n`);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(residual));
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') this.fail(`Key table file '${residual}' not found`, 'while starting keytab scan');
      if (errno === 'EACCES') this.fail(`Permission denied`, 'while starting keytab scan');
      if (errno === 'EISDIR') this.fail('Bad format in keytab', 'while starting keytab scan');
      throw e;
    }
    let scan: KeytabScan;
    try {
      // entry by entry as MIT's reader goes (the strict reading would refuse a damaged file outright)
      scan = decodeKeytab(bytes, { lenient: true });
    } catch (e) {
      if (e instanceof DecodeError) this.fail('Unsupported key table format version number', 'while starting keytab scan');
      throw e;
    }
    const entries: KeytabEntry[] = scan.entries;
    const w = this.listing.width;
    if (this.f.t) {
      this.write(`KVNO Timestamp${this.fill(w - 10 + 2)}Principal\n`);
      this.write(`---- ${this.fill(w, '-')} ${this.fill(78 - w - 5, '-')}\n`);
    } else {
      this.write('KVNO Principal\n');
      this.write(`---- ${'-'.repeat(74)}\n`);
    }
    const jsonEntries: unknown[] = [];
    for (const e of entries) {
      const pname = unparseName(e.principal);
      let line = `${String(e.kvno | 0).padStart(4, ' ')} `;
      if (this.f.t) line += `${this.listing.printtime(tsOf(e.timestamp))} `;
      line += pname;
      if (this.f.e) line += ` (${etypeString(e.key.etype)}) `;
      if (this.f.K) line += ` (0x${hex(e.key.value)})`;
      this.write(line + '\n');
      jsonEntries.push({
        kvno: e.kvno,
        timestamp: e.timestamp.toISOString(),
        principal: pname,
        etype: e.key.etype,
        etypeName: etypeString(e.key.etype),
        ...(this.f.K ? { key: hex(e.key.value) } : {}),
      });
    }
    this.json.push({ keytab: shown, entries: jsonEntries });
    if (scan.end === 'format') this.fail('Bad format in keytab', 'while scanning keytab');
    return 0;
  }

  // ---------------------------------------------------------------------------- caches

  /** MIT check_ccache: 0 if the cache has a current local TGT, or (without any local TGT) any current credential. */
  async check(store: CcacheStore): Promise<number> {
    try {
      const snap = await store.snapshot();
      if (!snap) return 1;
      const realm = snap.principal.realm;
      let tgt = false,
        currentTgt = false,
        currentCred = false;
      for (const c of snap.records) {
        if (isLocalTgt(c.server, realm)) {
          tgt = true;
          if (tsOf(c.endtime) > this.now) currentTgt = true;
        } else if (!isConfigPrincipal(c.server) && tsOf(c.endtime) > this.now) currentCred = true;
      }
      if (tgt) return currentTgt ? 0 : 1;
      return currentCred ? 0 : 1;
    } catch {
      return 1;
    }
  }

  /**
   * MIT show_ccache: the listing of one cache; 0, or 1 after a message. The records are read one
   * at a time, as MIT's cursor reads them: a cache that ends early lists what it holds (status 0),
   * a malformed record ends the listing with MIT's "while retrieving a ticket".
   */
  async show(store: CcacheStore): Promise<number> {
    let snap: Awaited<ReturnType<CcacheStore['snapshot']>>;
    try {
      snap = await store.snapshot();
      if (!snap) throw Object.assign(new Error('not found'), { code: 'ERR_CCACHE_NOT_FOUND' });
    } catch (e) {
      const path = storePath(store);
      // MIT reads an empty file as a malformed one (our stores see an uninitialized cache)
      const empty = (e as { code?: string }).code === 'ERR_CCACHE_NOT_FOUND' && path !== undefined && fileSize(path) === 0;
      this.flush();
      comErr(this.err, PROG, empty ? `Bad format in credentials cache (filename: ${path})` : ccacheErrorText(e, store));
      return 1;
    }
    this.defname = unparseName(snap.principal);
    this.write(this.listing.header(store.name, this.defname));
    const jsonCreds: unknown[] = [];
    this.json.push({ cache: store.name, type: store.type, defaultPrincipal: this.defname, credentials: jsonCreds });
    try {
      if (snap.bytes && !this.f.json && !this.f.a && !this.f.d && this.ctx.fastListing !== false) {
        listFile(this, snap.bytes);
        return 0;
      }
      for (const c of snap.records) {
        if (this.f.C || !isConfigPrincipal(c.server)) {
          this.write(this.credential(c, this.f.a ? await addressList(c, this.f.n) : ''));
          if (this.f.json) jsonCreds.push(credentialJson(c));
        }
      }
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      if (e.code === CCACHE_TRUNCATED) return 0;
      this.flush();
      comErr(this.err, PROG, ccacheErrorText(e, store), 'while retrieving a ticket');
      return 1;
    }
    return 0;
  }

  other(sc: CcacheScanner, v: CcacheRecordView): string {
    return this.credential(viewCredential(sc, v, { views: true }), '');
  }

  /** MIT show_credential, as text; `addresses` is the `-a` line, made by {@link addressList}. */
  credential(cred: CcacheCredential, addresses: string): string {
    const line = new CredentialLine();
    const isConfig = isConfigPrincipal(cred.server);
    const name = unparseName(cred.client);
    line.client = name === this.defname ? null : name;
    line.authtime = tsOf(cred.authtime);
    line.starttime = tsOf(cred.starttime);
    line.endtime = tsOf(cred.endtime);
    line.renewTill = tsOf(cred.renewTill);
    line.flags = cred.flags;
    line.keyEtype = cred.key.etype;
    line.adTypes = cred.authdata.map((a) => a.type);
    line.addresses = addresses;
    if (isConfig) {
      line.config = cred.server.components.slice(1);
      line.configValue = cred.ticket;
      return this.listing.credential(line);
    }
    line.server = unparseName(cred.server);
    let tkt: ReturnType<typeof credentialTicket> | null = null;
    try {
      tkt = credentialTicket(cred, { views: true });
      // MIT's decoder refuses a tkt-vno other than 5, and decodes a kvno into a C int: the
      // 5-byte UInt32 form of 2^31 and above overflows it (the Int32 form, negative, decodes);
      // MIT shows no such ticket
      if (tkt.tktVno !== 5 || (tkt.encPart.kvno ?? 0) > 0x7fffffff) tkt = null;
    } catch {
      tkt = null;
    }
    if (tkt) {
      line.ticketEtype = tkt.encPart.etype;
      const tserver = { realm: tkt.realm, components: tkt.sname.nameString };
      if (!samePrincipal(cred.server, tserver)) line.ticketServer = unparseName(tserver);
    }
    return this.listing.credential(line);
  }
}

/** Text is handed to `out` about this often (in characters), at a line's end. */
const CHUNK = 1 << 16;

/** MIT's `-a` line for a credential. */
async function addressList(cred: CcacheCredential, numeric: boolean): Promise<string> {
  if (cred.addresses.length === 0) return '\tAddresses: (none)\n';
  const parts: string[] = [];
  for (const a of cred.addresses) parts.push(await oneAddr(a, numeric));
  return `\tAddresses: ${parts.join(', ')}\n`;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function fileSize(path: string): number | undefined {
  try {
    return readFileSync(path).length;
  } catch {
    return undefined;
  }
}

function isLocalTgt(p: Principal, realm: string): boolean {
  return p.components.length === 2 && p.realm === realm && p.components[0] === 'krbtgt' && p.components[1] === realm;
}

/** MIT one_addr: getnameinfo (numeric with -n). */
async function oneAddr(a: { type: number; data: Uint8Array }, numeric: boolean): Promise<string> {
  let ip: string;
  if (a.type === 2) {
    if (a.data.length !== 4) return `broken address (type ${a.type} length ${a.data.length})`;
    ip = [...a.data].join('.');
  } else if (a.type === 24) {
    if (a.data.length !== 16) return `broken address (type ${a.type} length ${a.data.length})`;
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((a.data[i]! << 8) | a.data[i + 1]!).toString(16));
    ip = new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
  } else return `unknown addrtype ${a.type}`;
  if (numeric) return ip;
  try {
    return (await lookupService(ip, 0)).hostname;
  } catch {
    return ip;
  }
}

function credentialJson(c: CcacheCredential): Record<string, unknown> {
  if (isConfigPrincipal(c.server)) {
    return {
      config: true,
      key: c.server.components[1],
      principal: c.server.components[2] ?? null,
      client: unparseName(c.client),
      value: new TextDecoder().decode(c.ticket),
      valueHex: hex(c.ticket),
    };
  }
  let ticketEtype: number | null = null;
  let ticketServer: string | null = null;
  try {
    const t = credentialTicket(c);
    ticketEtype = t.encPart.etype;
    ticketServer = unparseName({ realm: t.realm, components: t.sname.nameString });
  } catch {
    /* an undecodable ticket: no etype */
  }
  const iso = (d: Date) => (tsOf(d) ? d.toISOString() : null);
  return {
    server: unparseName(c.server),
    client: unparseName(c.client),
    ticketServer,
    authtime: iso(c.authtime),
    starttime: iso(c.starttime) ?? iso(c.authtime),
    endtime: iso(c.endtime),
    renewTill: iso(c.renewTill),
    flags: ticketFlagLetters(c.flags),
    flagsValue: c.flags >>> 0,
    sessionKeyEtype: c.key.etype,
    sessionKeyEtypeName: etypeString(c.key.etype),
    ticketEtype,
    ticketEtypeName: ticketEtype === null ? null : etypeString(ticketEtype),
    addresses: c.addresses.map((a) => ({ type: a.type, hex: hex(a.data) })),
    authdataTypes: c.authdata.map((a) => a.type),
  };
}

function usage(err: Out): never {
  err(KLIST_USAGE);
  throw new Exit(1);
}

/** Runs `tskrb5 klist`; resolves to the exit status (MIT's). */
export function runKlist(argv: readonly string[], out: Out, err: Out, ctx: ToolContext = {}): Promise<number> {
  return runTool(PROG, err, async () => {
    const f: Flags = {
      f: false,
      e: false,
      t: false,
      K: false,
      s: false,
      n: false,
      a: false,
      d: false,
      l: false,
      A: false,
      C: false,
      V: false,
      i: false,
      json: false,
      mode: 'default',
    };
    let parsed: Parsed;
    try {
      parsed = getopt(argv, 'dfetKsnacki45lAVCh', ['json', 'help']);
    } catch (e) {
      err(`${PROG}: ${(e as Error).message}`);
      usage(err);
    }
    if (parsed.long.includes('help')) {
      out(KLIST_USAGE);
      return 0;
    }
    f.json = parsed.long.includes('json');
    for (const { opt } of parsed.opts) {
      switch (opt) {
        case 'c':
        case 'k':
          if (f.mode !== 'default') usage(err);
          f.mode = opt === 'c' ? 'ccache' : 'keytab';
          break;
        case '4':
          err('Kerberos 4 is no longer supported');
          return 3;
        case '5':
          break;
        case 'h':
          out(KLIST_USAGE);
          return 0;
        default:
          (f as unknown as Record<string, boolean>)[opt] = true;
      }
    }
    if (f.n && !f.a) usage(err);
    if (f.mode !== 'keytab') {
      if (f.t || f.K) usage(err);
      if ((f.A && f.l) || (f.s && f.l)) usage(err);
    } else if (f.f || f.s || f.a || f.A || f.l) usage(err);
    if (parsed.operands.length > 1) {
      err(`Extra arguments (starting with "${parsed.operands[1]}").`);
      usage(err);
    }
    if (f.V) {
      // MIT: "Kerberos 5 version 1.20.1" (the product, then its version); ours names tskrb5's
      out(`tskrb5 version ${version()}`);
      return 0;
    }
    const name = parsed.operands[0];

    let profile: Krb5Conf[];
    try {
      profile = loadProfile(ctx);
    } catch (e) {
      comErr(err, PROG, (e as Error).message, 'while initializing krb5');
      return 1;
    }
    const o = storeOptions(ctx, profile);
    // MIT: krb5_cc_set_default_name(name) for every cache mode
    if (name !== undefined && f.mode !== 'keytab') o.env = { ...o.env, KRB5CCNAME: name };
    const k = new Klist(f, ctx, out, err);
    try {
      let status: number;
      if (f.l) status = await listAll(k, o);
      else if (f.A) status = await showAll(k, o);
      else if (f.mode !== 'keytab') {
        const store = await openCcache(undefined, o).catch((e: unknown) => k.fail(ccacheErrorText(e), 'while resolving ccache'));
        status = f.s ? await k.check(store) : await k.show(store);
      } else status = k.doKeytab(name, o);
      k.flush();
      return status;
    } catch (e) {
      if (!(e instanceof Exit)) k.flush();
      throw e;
    }
  });
}

async function collectionOf(k: Klist, o: ReturnType<typeof storeOptions>): Promise<CcacheStore[]> {
  try {
    return await collectionStores(o);
  } catch (e) {
    k.fail(ccacheErrorText(e), 'while listing ccache collection');
  }
}

/** MIT list_all_ccaches (`-l`). */
async function listAll(k: Klist, o: ReturnType<typeof storeOptions>): Promise<number> {
  const stores = await collectionOf(k, o);
  k.write(`${'Principal name'.padEnd(30)} Cache name\n`);
  k.write(`${'--------------'.padEnd(30)} ----------\n`);
  let status = 1;
  const rows: unknown[] = [];
  for (const s of stores) {
    let p: Principal | null = null;
    try {
      p = await s.getPrincipal();
    } catch {
      /* uninitialized or unreadable: skipped, as MIT */
    }
    if (!p) continue;
    const princ = unparseName(p);
    const expired = (await k.check(s)) !== 0;
    k.write(`${pad30(princ)} ${s.name}${expired ? ' (Expired)' : ''}\n`);
    rows.push({ principal: princ, cache: s.name, expired });
    status = 0;
  }
  k.json.push({ caches: rows });
  return status;
}

/** printf's `%-30.30s`: at most 30 bytes, padded to 30 bytes (C counts bytes, not characters). */
function pad30(s: string): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    const len = Buffer.byteLength(ch);
    if (n + len > 30) break;
    out += ch;
    n += len;
  }
  return out + ' '.repeat(30 - n);
}

/** MIT show_all_ccaches (`-A`). */
async function showAll(k: Klist, o: ReturnType<typeof storeOptions>): Promise<number> {
  const stores = await collectionOf(k, o);
  let status = 1;
  let first = true;
  for (const s of stores) {
    if (!k.f.s && !first) k.write('\n');
    first = false;
    const st = k.f.s ? await k.check(s) : await k.show(s);
    status = st && status;
  }
  return status;
}
