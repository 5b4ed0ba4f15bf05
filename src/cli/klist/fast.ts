/**
 * klist's listing of a FILE cache read in place: the records are scanned (`CcacheScanner`) and
 * each ticket's head located (`ticketHead`) without building objects, and the common line — a
 * credential of the default client whose names print as themselves — is cut from the file read
 * as one latin1 string: names are substrings, comparisons are string equality, so a process
 * that has just started (its code still in V8's interpreter) runs no loop over bytes.
 * Anything else (config entries, another client, names MIT would escape, a ticket that is not
 * regular) goes through the general path with the decoded credential, so the text is the same
 * either way (test/cli/klist-fast.test.ts compares the two).
 * @module
 */

import { Buffer } from 'node:buffer';
import { CcacheScanner, CcacheRecordView, viewCredential, type CcacheCredential, type PrincipalSpan } from '../../formats/index.js';
import { TicketHead, ticketHead } from '../../messages/index.js';

/** What the listing needs from klist. */
export interface Lister {
  readonly f: { readonly C: boolean; readonly e: boolean; readonly f: boolean };
  printtime(ts: number): string;
  /** MIT's show_credential text, for a credential the fast path leaves to the general one. */
  credential(cred: CcacheCredential, addresses: string): string;
  etypeString(etype: number): string;
  flagLetters(flags: number): string;
  write(s: string): void;
}

/** What krb5_unparse_name would escape (`/ @ \` NUL TAB LF BS), and anything beyond ASCII. */
const SPECIAL = /[/@\\\0\t\n\b\x80-\xff]/;

/**
 * Lists the records of a cache file's bytes through `k`, as MIT's show_ccache loop does;
 * throws the scanner's DecodeError where the file ends early or is malformed (klist decides
 * what that means), after writing the records before it.
 */
export function listFile(k: Lister, bytes: Uint8Array): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const sc = new CcacheScanner(bytes);
  const v = new CcacheRecordView();
  const t = new TicketHead();
  const str = (at: number, len: number) => text.substring(at, at + len);
  /** The principal's bytes from its component count to its last component. */
  const region = (p: PrincipalSpan) => text.substring(p.spans[0]! - 8, p.spans[2 * p.count]! + p.spans[2 * p.count + 1]!);
  const defRegion = region(sc.defaultPrincipal);
  /** `comp/comp@REALM` when every part prints as itself, else null. */
  const name = (s: Int32Array, count: number, realmAt: number, realmLen: number, first: number) => {
    let out = '';
    for (let i = 0; i < count; i++) {
      const c = str(s[first + 2 * i]!, s[first + 2 * i + 1]!);
      if (SPECIAL.test(c)) return null;
      out += i ? '/' + c : c;
    }
    const realm = str(realmAt, realmLen);
    return SPECIAL.test(realm) ? null : `${out}@${realm}`;
  };
  while (sc.next(v)) {
    const sv = v.server.spans;
    const config = (v.server.count === 2 || v.server.count === 3) && str(sv[0]!, sv[1]!) === 'X-CACHECONF:' && str(sv[2]!, sv[3]!) === 'krb5_ccache_conf_data';
    if (config && !k.f.C) continue;
    // The default client when its bytes are the default principal's (the general path decides otherwise).
    const server = config || region(v.client) !== defRegion ? null : name(sv, v.server.count, sv[0]!, sv[1]!, 2);
    if (server === null || !ticketHead(bytes, v.ticketAt, v.ticketLen, t)) {
      k.write(k.credential(viewCredential(sc, v, { views: true }), ''));
      continue;
    }
    // The ticket's server, when it is not the entry's (MIT prints it then).
    let ticketServer = '';
    const tserver = name(t.names, t.count, t.realmAt, t.realmLen, 0);
    if (tserver === null) {
      k.write(k.credential(viewCredential(sc, v, { views: true }), ''));
      continue;
    }
    if (tserver !== server || t.count !== v.server.count) ticketServer = `\tTicket server: ${tserver}\n`;
    // MIT show_credential, for a credential of the default client
    let s = `${k.printtime(v.starttime || v.authtime)}  ${k.printtime(v.endtime)}  ${server}\n`;
    let extra = 0;
    if (v.renewTill) {
      s += `\trenew until ${k.printtime(v.renewTill)}`;
      extra += 2;
    }
    if (k.f.f) {
      const flags = k.flagLetters(v.flags);
      if (flags) {
        s += `${extra ? ', ' : '\t'}Flags: ${flags}`;
        extra++;
      }
    }
    if (extra > 2) {
      s += '\n';
      extra = 0;
    }
    if (k.f.e) {
      s += `${extra ? ', ' : '\t'}Etype (skey, tkt): ${k.etypeString(v.keyEtype)}, ${k.etypeString(t.etype)} `;
      extra++;
    }
    if (extra) s += '\n';
    k.write(s + ticketServer);
  }
}
