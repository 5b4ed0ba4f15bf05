/**
 * klist's text for a credential cache — MIT's show_ccache header and show_credential lines —
 * written here only, whichever path read the cache: the general one (klist.ts, from decoded
 * credentials) and the in-place one (fast.ts, from the file's bytes; quick.ts in the small
 * executable). Each fills a {@link CredentialLine} and hands it to {@link CcacheListing.credential}.
 * Small and free of the codecs: the quick executable loads it.
 * @module
 */

import { ticketFlagLetters } from '../../iana/index.js';
import { etypeString } from './etypes.js';
import { sfstring, timestampWidth } from './time.js';

/** The options that change a credential's lines: `-e`, `-f`, `-d`. */
export interface ListingFlags {
  readonly e: boolean;
  readonly f: boolean;
  readonly d: boolean;
}

const EMPTY = new Uint8Array(0);

/** A record's times (32-bit seconds), flags and session key enctype: a scanner's `CcacheRecordView` has them too. */
export interface CredentialTimes {
  readonly authtime: number;
  /** Zero when the KDC gave none (authtime is shown then). */
  readonly starttime: number;
  readonly endtime: number;
  /** Zero when the ticket is not renewable. */
  readonly renewTill: number;
  readonly flags: number;
  readonly keyEtype: number;
}

/**
 * What MIT's show_credential prints of one record, as text and numbers (one object reused from
 * record to record by the in-place listing). Times are 32-bit seconds.
 */
export class CredentialLine implements CredentialTimes {
  authtime = 0;
  /** Zero when the KDC gave none (authtime is shown then). */
  starttime = 0;
  endtime = 0;
  /** Zero when the ticket is not renewable. */
  renewTill = 0;
  flags = 0;
  /** The service principal, unparsed (krb5_unparse_name). */
  server = '';
  /**
   * For a config entry: the server's components after `krb5_ccache_conf_data` (the key, then the
   * principal it is about, if any), with {@link configValue}; null for a credential.
   */
  config: readonly string[] | null = null;
  configValue: Uint8Array = EMPTY;
  /** The client, unparsed, when it is not the cache's default principal; else null. */
  client: string | null = null;
  keyEtype = 0;
  /** The ticket's enctype; null when MIT shows no ticket (a config entry, a ticket it cannot decode). */
  ticketEtype: number | null = null;
  /** The ticket's server, unparsed, when it is not {@link server}; else ''. */
  ticketServer = '';
  /** `-d`: the authorization data types. */
  adTypes: readonly number[] = [];
  /** `-a`: MIT's addresses line (`\tAddresses: …\n`), or ''. */
  addresses = '';
}

/** MIT klist's listing text: its header and credential lines, and the time and flag text they hold. */
export class CcacheListing {
  /** The width of a timestamp (MIT's `timestamp_width`, from the current time and TZ). */
  readonly width: number;

  private readonly showEtypes: boolean;
  private readonly showFlags: boolean;
  private readonly showAdTypes: boolean;

  constructor(
    flags: ListingFlags,
    now: number,
    readonly tz: string | undefined,
  ) {
    this.width = timestampWidth(now, tz);
    this.showEtypes = flags.e;
    this.showFlags = flags.f;
    this.showAdTypes = flags.d;
  }

  // The credentials of one cache share a handful of times: the last two at hand, the rest in a map.
  private t1 = -1;
  private s1 = '';
  private t2 = -1;
  private s2 = '';
  private readonly times = new Map<number, string>();
  /** MIT's printtime: the time padded to the column's width plus one. */
  printtime(ts: number): string {
    if (ts === this.t1) return this.s1;
    if (ts === this.t2) return this.s2;
    let s = this.times.get(ts);
    if (s === undefined) {
      s = sfstring(ts, this.width + 1, this.tz, ' ') ?? '';
      if (this.times.size >= 256) this.times.clear();
      this.times.set(ts, s);
    }
    this.t2 = this.t1;
    this.s2 = this.s1;
    this.t1 = ts;
    this.s1 = s;
    return s;
  }

  private readonly letters = new Map<number, string>();
  /** klist's flags string (`FRIA`…) for a ticket flags word. */
  flagLetters(flags: number): string {
    let s = this.letters.get(flags);
    if (s === undefined) {
      s = ticketFlagLetters(flags);
      this.letters.set(flags, s);
    }
    return s;
  }

  /** The lines show_ccache prints before the credentials. */
  header(cacheName: string, defaultPrincipal: string): string {
    const w = this.width;
    return `Ticket cache: ${cacheName}\nDefault principal: ${defaultPrincipal}\n\nValid starting${fill(w - 15 + 3)}Expires${fill(w - 8 + 3)}Service principal\n`;
  }

  /**
   * MIT show_credential's text for one record: `c`, with its times, flags and key enctype from
   * `t` (the in-place listing passes the scanner's record view: fewer stores per record).
   */
  credential(c: CredentialLine, t: CredentialTimes = c): string {
    let s: string;
    let extra = 0;
    let col = 0;
    const config = c.config;
    if (config === null) {
      s = `${this.printtime(t.starttime || t.authtime)}  ${this.printtime(t.endtime)}  ${c.server}\n`;
    } else {
      s = 'config: ';
      col = 8;
      for (let i = 0; i < config.length; i++) {
        // MIT prints each with printf's %.*s, which stops at a NUL
        const nul = config[i]!.indexOf('\0');
        const text = nul < 0 ? config[i]! : config[i]!.slice(0, nul);
        const piece = i > 0 ? `(${text})` : text;
        s += piece;
        col += Buffer.byteLength(piece);
      }
      s += ' = ';
      col += 3;
    }
    if (c.client !== null) {
      s += `\tfor client ${c.client}`;
      extra++;
    }
    if (config !== null) s += configData(col, c.configValue);
    if (t.renewTill) {
      s += `${extra ? ', ' : '\t'}renew until ${this.printtime(t.renewTill)}`;
      extra += 2;
    }
    if (this.showFlags) {
      const letters = this.flagLetters(t.flags);
      if (letters) {
        s += `${extra ? ', ' : '\t'}Flags: ${letters}`;
        extra++;
      }
    }
    if (extra > 2) {
      s += '\n';
      extra = 0;
    }
    if (this.showEtypes && c.ticketEtype !== null) {
      s += `${extra ? ', ' : '\t'}Etype (skey, tkt): ${etypeString(t.keyEtype)}, ${etypeString(c.ticketEtype)} `;
      extra++;
    }
    // MIT's unmarshalled authdata is a (possibly empty) list, never NULL: the label is always printed
    if (this.showAdTypes) {
      s += `${extra ? ', ' : '\t'}AD types: ${c.adTypes.join(', ')}`;
      extra++;
    }
    if (extra) s += '\n';
    if (c.addresses) s += c.addresses;
    return c.ticketServer ? `${s}\tTicket server: ${c.ticketServer}\n` : s;
  }
}

function fill(n: number): string {
  return n > 0 ? ' '.repeat(n) : '';
}

/** MIT print_config_data: printable bytes as is, others as `\ooo`, wrapped after column 72. */
function configData(col: number, data: Uint8Array): string {
  let s = '';
  for (const b of data) {
    while (col < 8) {
      s += ' ';
      col++;
    }
    if (b > 0x20 && b < 0x7f) {
      s += String.fromCharCode(b);
      col++;
    } else {
      const o = `\\${b.toString(8).padStart(3, '0')}`;
      s += o;
      col += o.length;
    }
    if (col > 72) {
      s += '\n';
      col = 0;
    }
  }
  if (col > 0) s += '\n';
  return s;
}
