/**
 * A keytab file read entry by entry as MIT's FILE keytab reads it (kt_file.c,
 * krb5_ktfileint_internal_read_entry), for `klist -k`: where `decodeKeytab` refuses a damaged
 * file outright with the offset of the fault, MIT lists the entries before it and stops quietly
 * at most faults — a zero size, a count or length of zero or less (they are 16-bit signed), a
 * field that runs past the end — and fails only on a size of -2^31. The next entry is always at
 * the record's start plus its size, whatever the fields inside took. A key that runs past the
 * end of the file is kept short where MIT keeps the bytes it found in a buffer of the full
 * length, the rest uninitialised: the scan is then flagged `partial` (the listing is the same
 * unless -K shows that key).
 * @module
 */

import type { KeytabEntry } from '../../formats/index.js';

/** The entries MIT would list, and how its iteration ends: at the end, or with KRB5_KT_FORMAT. */
export interface MitKeytabScan {
  entries: KeytabEntry[];
  end: 'end' | 'format';
  /** Whether some entry listed has a key cut short by the end of the file. */
  partial: boolean;
}

const utf8 = new TextDecoder('utf-8');

/**
 * The listing of a keytab file's bytes; null when its version header is not 0x0501 or 0x0502
 * (MIT: "Unsupported key table format version number", before any entry).
 */
export function scanKeytabAsMit(b: Uint8Array): MitKeytabScan | null {
  if (b.length < 2 || b[0] !== 0x05 || (b[1] !== 0x01 && b[1] !== 0x02)) return null;
  const v1 = b[1] === 0x01;
  const n = b.length;
  const u16 = (p: number) => (v1 ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!);
  const s16 = (p: number) => (u16(p) << 16) >> 16;
  const u32 = (p: number) => (v1 ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0);
  const entries: KeytabEntry[] = [];
  let partial = false;
  const done = (end: 'end' | 'format'): MitKeytabScan => ({ entries, end, partial });
  let p = 2;
  for (;;) {
    // the record size; negative: a hole of that many bytes
    let size: number;
    for (;;) {
      if (n - p < 4) return done('end');
      size = u32(p) | 0;
      p += 4;
      if (size >= 0) break;
      if (size === -0x80000000) return done('format');
      p += -size;
    }
    if (size === 0) return done('end');
    const start = p;
    /** A signed 16-bit length and that many bytes, as text; null where MIT's iteration ends. */
    const counted = (): string | null => {
      if (n - p < 2) return null;
      const len = s16(p);
      p += 2;
      // (a component cut short is read as far as it goes, and the next field then finds the end)
      if (len <= 0 || n - p < len) return null;
      const s = utf8.decode(b.subarray(p, p + len));
      p += len;
      return s;
    };
    if (n - p < 2) return done('end');
    let count = s16(p);
    p += 2;
    if (v1) count = ((count - 1) << 16) >> 16;
    if (count <= 0) return done('end');
    const realm = counted();
    if (realm === null) return done('end');
    const components: string[] = [];
    for (let i = 0; i < count; i++) {
      const c = counted();
      if (c === null) return done('end');
      components.push(c);
    }
    let nameType = 1;
    if (!v1) {
      if (n - p < 4) return done('end');
      nameType = u32(p) | 0;
      p += 4;
    }
    // timestamp (4), 8-bit kvno (1), key type (2), key length (2)
    if (n - p < 9) return done('end');
    const timestamp = u32(p);
    let kvno = b[p + 4]!;
    const etype = s16(p + 5);
    const keyLen = s16(p + 7);
    p += 9;
    if (keyLen <= 0 || n - p < 1) return done('end');
    // a key cut short: MIT keeps what it read, and the file is then at its end
    const cut = n - p < keyLen;
    const value = b.slice(p, Math.min(n, p + keyLen));
    p = Math.min(n, p + keyLen);
    let kvno32 = false;
    if (p - start + 4 <= size) {
      if (n - p < 4) return done('end');
      const v = u32(p);
      kvno32 = true;
      if (v !== 0) kvno = v;
    }
    entries.push({ principal: { realm, components, nameType }, timestamp: new Date(timestamp * 1000), kvno, key: { etype, value }, kvno32 });
    if (cut) partial = true;
    p = start + size;
  }
}
