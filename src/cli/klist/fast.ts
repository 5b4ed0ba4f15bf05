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
import { CONFIG_REALM, CcacheScanner, CcacheRecordView, isConfigSpan, type PrincipalSpan } from '../../formats/index.js';
import { TicketHead, ticketHead } from '../../messages/index.js';
import { CredentialLine, type CcacheListing } from './listing.js';

/** What the listing needs from klist. */
export interface Lister {
  /** `-C`: config entries are listed (through {@link other}). */
  readonly f: { readonly C: boolean };
  /** The text of the lines (shared with the general path). */
  readonly listing: CcacheListing;
  /**
   * MIT's show_credential text for the record `v` of `sc`, which this path leaves to the general
   * one (the quick klist declines the whole listing here: it throws).
   */
  other(sc: CcacheScanner, v: CcacheRecordView): string;
  write(s: string): void;
}

/** What krb5_unparse_name would escape (`/ @ \` NUL TAB LF BS), and anything beyond ASCII. */
const SPECIAL = /[/@\\\0\t\n\b\x80-\xff]/;

/** `comp/comp@REALM` for a principal of the file, when every part prints as itself; else null. */
export function principalText(bytes: Uint8Array, p: PrincipalSpan): string | null {
  const text = (i: number) => Buffer.from(bytes.buffer, bytes.byteOffset + p.spans[i]!, p.spans[i + 1]!).toString('latin1');
  let out = '';
  for (let i = 0; i < p.count; i++) {
    const c = text(2 + 2 * i);
    if (SPECIAL.test(c)) return null;
    out += i ? '/' + c : c;
  }
  const realm = text(0);
  return SPECIAL.test(realm) ? null : `${out}@${realm}`;
}

/**
 * Lists the records of a cache file's bytes through `k`, as MIT's show_ccache loop does;
 * throws the scanner's DecodeError where the file ends early or is malformed (klist decides
 * what that means), after writing the records before it.
 *
 * The loop allocates little: names are compared in the file's text (`startsWith` at an offset),
 * a realm's string is reused while the next record's realm has the same bytes, and only the
 * server's components and the line itself are made. In a process that has just started this
 * loop is most of klist's time, and the garbage collector most of the rest.
 */
export function listFile(k: Lister, bytes: Uint8Array, sc = new CcacheScanner(bytes)): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const v = new CcacheRecordView();
  const t = new TicketHead();
  const dp = sc.defaultPrincipal;
  /** The default principal's bytes from its component count to its last component. */
  const defAt = dp.spans[0]! - 8;
  const defRegion = text.substring(defAt, dp.spans[2 * dp.count]! + dp.spans[2 * dp.count + 1]!);
  /** The server's components, as strings, for the comparison with the ticket's. */
  const comps: string[] = [];
  let realm = '';
  let realmOk = false;
  const listing = k.listing;
  const line = new CredentialLine();
  // Lines go out in batches (fewer calls; the lister's own buffering decides the rest).
  let out = '';
  const flush = () => {
    if (out) k.write(out);
    out = '';
  };
  const other = () => {
    flush();
    k.write(k.other(sc, v));
  };
  // the records before a malformed one are written before its error leaves
  try {
    while (sc.next(v)) {
      const sp = v.server;
      const sv = sp.spans;
      const n = sp.count;
      // (a call per record costs in a cold process: only a realm of the config realm's length is looked at)
      if (sv[1] === CONFIG_REALM.length && isConfigSpan(bytes, sp)) {
        if (k.f.C) other();
        continue;
      }
      // The default client when its bytes are the default principal's (the general path decides otherwise).
      const cs = v.client.spans;
      const cAt = cs[0]! - 8;
      if (cs[2 * v.client.count]! + cs[2 * v.client.count + 1]! - cAt !== defRegion.length || !text.startsWith(defRegion, cAt)) {
        other();
        continue;
      }
      // The server's name, when every part prints as itself.
      let server = '';
      let plain = true;
      for (let i = 0; i < n; i++) {
        const c = text.substring(sv[2 + 2 * i]!, sv[2 + 2 * i]! + sv[3 + 2 * i]!);
        if (SPECIAL.test(c)) {
          plain = false;
          break;
        }
        comps[i] = c;
        server += i ? '/' + c : c;
      }
      if (sv[1] !== realm.length || !text.startsWith(realm, sv[0]!)) {
        realm = text.substring(sv[0]!, sv[0]! + sv[1]!);
        realmOk = !SPECIAL.test(realm);
      }
      if (!plain || !realmOk || !ticketHead(bytes, v.ticketAt, v.ticketLen, t) || t.tktVno !== 5 || t.kvno > 0x7fffffff) {
        other();
        continue;
      }
      // The ticket's server, when it is not the entry's (MIT prints it then).
      let same = t.count === n && t.realmLen === realm.length && text.startsWith(realm, t.realmAt);
      for (let i = 0; same && i < n; i++) same = t.names[2 * i + 1] === comps[i]!.length && text.startsWith(comps[i]!, t.names[2 * i]!);
      line.ticketServer = '';
      if (!same) {
        const tserver = ticketServerName(text, t);
        if (tserver === null) {
          other();
          continue;
        }
        line.ticketServer = tserver;
      }
      // MIT show_credential, for a credential of the default client (times and flags from the view)
      line.server = `${server}@${realm}`;
      line.ticketEtype = t.etype;
      out += listing.credential(line, v);
      if (out.length >= 8192) flush();
    }
  } finally {
    flush();
  }
}

/** The ticket's `comp/comp@REALM` from the file's text, or null when a part would need MIT's escapes. */
function ticketServerName(text: string, t: TicketHead): string | null {
  let out = '';
  for (let i = 0; i < t.count; i++) {
    const c = text.substring(t.names[2 * i]!, t.names[2 * i]! + t.names[2 * i + 1]!);
    if (SPECIAL.test(c)) return null;
    out += i ? '/' + c : c;
  }
  const realm = text.substring(t.realmAt, t.realmAt + t.realmLen);
  return SPECIAL.test(realm) ? null : `${out}@${realm}`;
}
