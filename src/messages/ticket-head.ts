/**
 * A DER Ticket's head read in place (realm, server name, enc-part etype and kvno): what a
 * listing of many cached tickets needs, without the codec. No imports, so that the quick klist
 * path loads nothing else.
 * @module
 */

/**
 * Where a DER Ticket's realm, server name and enc-part etype lie, read in place by
 * {@link ticketHead}: offsets into the bytes given, nothing decoded. Reusable.
 */
export class TicketHead {
  /** tkt-vno as sent (5; MIT refuses any other). */
  tktVno = 0;
  realmAt = 0;
  realmLen = 0;
  nameType = 0;
  /** The number of name components. */
  count = 0;
  /** Offset and length of each name component: `[c0At, c0Len, c1At, c1Len, …]`. */
  names: Int32Array = new Int32Array(8);
  etype = 0;
  /** Whether the enc-part has a kvno. */
  hasKvno = false;
  /**
   * The enc-part's kvno as sent (negative: the Int32 form of 2^31 and above; `>>> 0` gives the
   * UInt32), -1 when absent.
   */
  kvno = -1;
}

// The header last read by hdr(): where its content starts and ends.
let hAt = 0;
let hEnd = 0;

/** One DER TLV header at `p` within `end` (low tag numbers, minimal definite lengths): its tag, or -1. */
function hdr(b: Uint8Array, p: number, end: number): number {
  if (p + 2 > end) return -1;
  const tag = b[p]!;
  if ((tag & 0x1f) === 0x1f) return -1;
  let len = b[p + 1]!;
  p += 2;
  if (len >= 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3 || p + n > end || b[p] === 0) return -1;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    if (len < 0x80) return -1;
    p += n;
  }
  if (len > end - p) return -1;
  hAt = p;
  hEnd = p + len;
  return tag;
}

/** A minimal DER INTEGER of at most 4 bytes in `[at, end)` as a signed 32-bit value, or null. */
function int32At(b: Uint8Array, at: number, end: number): number | null {
  const n = end - at;
  if (n < 1 || n > 4) return null;
  if (n > 1 && ((b[at] === 0 && b[at + 1]! < 0x80) || (b[at] === 0xff && b[at + 1]! >= 0x80))) return null;
  let v = (b[at]! << 24) >> 24;
  for (let i = at + 1; i < end; i++) v = v * 256 + b[i]!;
  return v;
}

/**
 * Locates the realm, server name and enc-part etype (and kvno) of the DER Ticket in
 * `bytes[at, at + length)` without building it — what a listing of many cached tickets needs
 * (MIT klist compares each ticket's server with the cache entry's). The whole structure is
 * walked (every tag, length and the INTEGERs it reads are checked, nothing may trail); the
 * strings and the cipher text are not interpreted. Returns false for anything irregular:
 * Ticket.decode then says what.
 */
export function ticketHead(bytes: Uint8Array, at: number, length: number, out: TicketHead): boolean {
  const b = bytes;
  const end = at + length;
  if (end > b.length || hdr(b, at, end) !== 0x61 || hEnd !== end) return false;
  if (hdr(b, hAt, end) !== 0x30 || hEnd !== end) return false;
  // tkt-vno [0] INTEGER
  if (hdr(b, hAt, end) !== 0xa0) return false;
  let next = hEnd;
  if (hdr(b, hAt, next) !== 0x02 || hEnd !== next) return false;
  const vno = int32At(b, hAt, hEnd);
  if (vno === null) return false;
  out.tktVno = vno;
  // realm [1] GeneralString
  if (hdr(b, next, end) !== 0xa1) return false;
  next = hEnd;
  if (hdr(b, hAt, next) !== 0x1b || hEnd !== next) return false;
  out.realmAt = hAt;
  out.realmLen = hEnd - hAt;
  // sname [2] PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF GeneralString }
  if (hdr(b, next, end) !== 0xa2) return false;
  next = hEnd;
  if (hdr(b, hAt, next) !== 0x30 || hEnd !== next) return false;
  if (hdr(b, hAt, next) !== 0xa0) return false;
  let inner = hEnd;
  if (hdr(b, hAt, inner) !== 0x02 || hEnd !== inner) return false;
  const nameType = int32At(b, hAt, hEnd);
  if (nameType === null) return false;
  out.nameType = nameType;
  if (hdr(b, inner, next) !== 0xa1 || hEnd !== next) return false;
  inner = hEnd;
  if (hdr(b, hAt, inner) !== 0x30 || hEnd !== inner) return false;
  let n = 0;
  for (let p = hAt; p < inner; n++) {
    if (hdr(b, p, inner) !== 0x1b) return false;
    // each component takes at least two bytes: the table grows with the input, never past it
    if (out.names.length < 2 * (n + 1)) {
      const grown = new Int32Array(out.names.length * 2);
      grown.set(out.names);
      out.names = grown;
    }
    out.names[2 * n] = hAt;
    out.names[2 * n + 1] = hEnd - hAt;
    p = hEnd;
  }
  out.count = n;
  // enc-part [3] EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
  if (hdr(b, next, end) !== 0xa3 || hEnd !== end) return false;
  if (hdr(b, hAt, end) !== 0x30 || hEnd !== end) return false;
  if (hdr(b, hAt, end) !== 0xa0) return false;
  next = hEnd;
  if (hdr(b, hAt, next) !== 0x02 || hEnd !== next) return false;
  const etype = int32At(b, hAt, hEnd);
  if (etype === null) return false;
  out.etype = etype;
  out.kvno = -1;
  out.hasKvno = false;
  let t = hdr(b, next, end);
  if (t === 0xa1) {
    const kvEnd = hEnd;
    if (hdr(b, hAt, kvEnd) !== 0x02 || hEnd !== kvEnd) return false;
    // UInt32 as peers send it (uint32AsSent): the UInt32 form, up to 5 bytes with a leading
    // zero, or the Int32 form of 2^31 and above (negative), as MIT's and our codec read it
    const n5 = hEnd - hAt;
    if (n5 === 5) {
      if (b[hAt] !== 0 || b[hAt + 1]! < 0x80) return false;
      out.kvno = b[hAt + 1]! * 0x1000000 + b[hAt + 2]! * 0x10000 + b[hAt + 3]! * 0x100 + b[hAt + 4]!;
    } else {
      const v = int32At(b, hAt, hEnd);
      if (v === null) return false;
      out.kvno = v;
    }
    out.hasKvno = true;
    t = hdr(b, kvEnd, end);
  }
  if (t !== 0xa2 || hEnd !== end) return false;
  const cEnd = hEnd;
  return hdr(b, hAt, cEnd) === 0x04 && hEnd === cEnd;
}
