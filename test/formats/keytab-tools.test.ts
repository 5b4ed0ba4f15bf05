/**
 * Keytabs written by other real tools than MIT ktutil (fixtures/mit/keytab/, made by its
 * generate.mjs; tool versions and commands in SOURCES.txt), checked against MIT klist's listing
 * of them (klist -K -e -t -k, TZ=UTC):
 *  - kadmin-ktadd.keytab: MIT kadmin.local ktadd in a throwaway realm: one service with kvnos
 *    1, 2, 3 (password; cpw -randkey + ktadd -norandkey; a re-keying ktadd) and a principal at
 *    kvno 300 (modprinc -kvno 300 + ktadd -norandkey), each with the four AES enctypes.
 *    Re-encoded byte for byte; the password-derived keys equal string-to-key.
 *  - heimdal-ktutil.keytab: Heimdal ktutil add -w. Heimdal's writer differs from MIT's in one
 *    detail: after the 32-bit kvno every record carries a 32-bit flags word (Heimdal's
 *    keytab_file.c stores `entry->flags`, 0 here), which MIT never writes and skips. Our decoder
 *    keeps such trailing bytes (`extra`), so the file re-encodes byte for byte; without them our
 *    encoding is exactly MIT's record shape. Keys equal string-to-key, and the keys MIT ktutil
 *    derived from the same passwords.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringToKey } from '../../src/crypto/index.js';
import { decodeKeytab, encodeKeytab, type KeytabEntry } from '../../src/formats/index.js';
import { enctypeName } from '../../src/iana/index.js';
import { toHex } from '../../src/util/bytes.js';

const dir = new URL('../../fixtures/mit/keytab/', import.meta.url);
const file = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const text = (n: string) => readFileSync(new URL(n, dir), 'utf8');

/** MIT klist -K -e -t -k lines: " 300 11/25/26 04:37:12 host/big…@TSKRB5.TEST (aes256-cts-hmac-sha1-96)  (0x…)" */
function klistEntries(listing: string) {
  return listing
    .split('\n')
    .map((l) => /^\s*(\d+) (\S+ \S+) (\S+) \((?:DEPRECATED:)?([\w-]+)\)\s+\(0x([0-9a-f]+)\)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kvno: Number(m[1]), time: m[2]!, principal: m[3]!, etype: m[4]!, key: m[5]! }));
}

const princ = (e: KeytabEntry) => `${e.principal.components.join('/')}@${e.principal.realm}`;
/** klist's timestamp format in UTC: MM/DD/YY HH:MM:SS */
function klistTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
const asKlist = (entries: KeytabEntry[]) =>
  entries.map((e) => ({ kvno: e.kvno, time: klistTime(e.timestamp), principal: princ(e), etype: enctypeName(e.key.etype), key: toHex(e.key.value) }));

const AES = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192', 'aes128-cts-hmac-sha256-128'];

/** The password-derived entries (principal → kvno and password given to the tool; default salt). */
function checkStringToKey(entries: KeytabEntry[], passwords: Record<string, { kvno: number; password: string }>) {
  let n = 0;
  for (const e of entries) {
    const pw = passwords[princ(e)];
    if (!pw || pw.kvno !== e.kvno) continue;
    const salt = e.principal.realm + e.principal.components.join('');
    const k = stringToKey(e.key.etype, pw.password, salt, undefined, { allowWeakCrypto: true });
    expect(toHex(k.value), `${princ(e)} kvno ${e.kvno} ${enctypeName(e.key.etype)}`).toBe(toHex(e.key.value));
    n++;
  }
  return n;
}

describe('kadmin-ktadd.keytab (MIT kadmin.local ktadd, throwaway realm)', () => {
  const name = 'kadmin-ktadd.keytab';
  const bytes = file(name);
  const kt = decodeKeytab(bytes);
  const golden = klistEntries(text(`${name}.klist.txt`));

  it('decodes to what MIT klist lists (kvno, timestamp, principal, enctype, key)', () => {
    expect(golden).toHaveLength(16);
    expect(asKlist(kt.entries)).toEqual(golden);
  });

  it('re-encodes to the same bytes', () => {
    expect(toHex(encodeKeytab(kt))).toBe(toHex(bytes));
  });

  it('holds several kvnos of one service (old entries kept) and a kvno of 300, each with the four AES enctypes', () => {
    const svc = kt.entries.filter((e) => princ(e) === 'HTTP/svc.tskrb5.test@TSKRB5.TEST');
    const big = kt.entries.filter((e) => princ(e) === 'host/big.tskrb5.test@TSKRB5.TEST');
    expect(svc.map((e) => e.kvno)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(big.map((e) => e.kvno)).toEqual([300, 300, 300, 300]);
    for (const kvno of [1, 2, 3]) {
      expect(
        svc
          .filter((e) => e.kvno === kvno)
          .map((e) => enctypeName(e.key.etype))
          .sort(),
      ).toEqual([...AES].sort());
    }
    expect(big.map((e) => enctypeName(e.key.etype)).sort()).toEqual([...AES].sort());
    // every ktadd gave new keys (cpw -randkey, then the re-keying ktadd)
    expect(new Set(svc.map((e) => toHex(e.key.value))).size).toBe(12);
    // MIT wrote the 32-bit kvno on every record; the 8-bit one of kvno 300 is 300 mod 256
    expect(kt.entries.every((e) => e.kvno32 === true)).toBe(true);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 2;
    for (const e of kt.entries) {
      const size = v.getInt32(at);
      const rec = bytes.subarray(at + 4, at + 4 + size);
      const keyLen = e.key.value.length;
      expect(rec[size - 4 - keyLen - 2 - 2 - 1]).toBe(e.kvno & 0xff); // 8-bit kvno
      expect(new DataView(rec.buffer, rec.byteOffset).getUint32(size - 4)).toBe(e.kvno); // 32-bit trailer
      at += 4 + size;
    }
    expect(at).toBe(bytes.length);
  });

  it('the password-derived keys (kvno 1 and kvno 300) equal string-to-key with the default salt', () => {
    const n = checkStringToKey(kt.entries, {
      'HTTP/svc.tskrb5.test@TSKRB5.TEST': { kvno: 1, password: 'svc-Pa55word' },
      'host/big.tskrb5.test@TSKRB5.TEST': { kvno: 300, password: 'big kvno pässword' },
    });
    expect(n).toBe(8);
  });
});

describe('heimdal-ktutil.keytab (Heimdal ktutil add -w)', () => {
  const name = 'heimdal-ktutil.keytab';
  const bytes = file(name);
  const kt = decodeKeytab(bytes);
  const golden = klistEntries(text(`${name}.klist.txt`));

  it('decodes to what MIT klist lists (kvno, timestamp, principal, enctype, key)', () => {
    expect(golden).toHaveLength(6);
    expect(asKlist(kt.entries)).toEqual(golden);
    expect(kt.entries.map((e) => e.kvno)).toEqual([3, 3, 300, 300, 300, 1]);
    expect(kt.entries.every((e) => e.principal.nameType === 1)).toBe(true);
  });

  it("re-encodes to the same bytes (Heimdal's trailing flags word kept as `extra`)", () => {
    expect(kt.entries.every((e) => e.extra !== undefined && toHex(e.extra) === '00000000')).toBe(true);
    expect(toHex(encodeKeytab(kt))).toBe(toHex(bytes));
  });

  it('Heimdal writes a 32-bit flags word after the 32-bit kvno (MIT does not): without it, our encoding is its bytes minus that word', () => {
    // Walk Heimdal's records: each ends with kvno32 then flags32 (0). Drop the flags word.
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stripped: number[] = [0x05, 0x02];
    let at = 2;
    for (const e of kt.entries) {
      const size = v.getInt32(at);
      const rec = bytes.subarray(at + 4, at + 4 + size);
      const expectedMitSize =
        2 + 2 + Buffer.byteLength(e.principal.realm) + e.principal.components.reduce((n, c) => n + 2 + Buffer.byteLength(c), 0) + 4 + 4 + 1 + 2 + 2 + e.key.value.length + 4;
      expect(size).toBe(expectedMitSize + 4);
      const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      expect(rv.getUint32(size - 8)).toBe(e.kvno); // the 32-bit kvno, as MIT writes it
      expect(rv.getUint32(size - 4)).toBe(0); // Heimdal's flags
      const sz = size - 4;
      stripped.push((sz >>> 24) & 0xff, (sz >>> 16) & 0xff, (sz >>> 8) & 0xff, sz & 0xff, ...rec.subarray(0, sz));
      at += 4 + size;
    }
    expect(at).toBe(bytes.length);
    const mitShaped = { ...kt, entries: kt.entries.map(({ extra: _extra, ...e }) => e) };
    expect(toHex(encodeKeytab(mitShaped))).toBe(toHex(Uint8Array.from(stripped)));
    // and what we write decodes to the same entries
    expect(asKlist(decodeKeytab(encodeKeytab(kt)).entries)).toEqual(golden);
  });

  it('holds the keys string-to-key gives for the passwords ktutil was given (default salt)', () => {
    const n = checkStringToKey(kt.entries, {
      'alice@EXAMPLE.COM': { kvno: 3, password: 'secret' },
      'HTTP/www.example.com@EXAMPLE.COM': { kvno: 300, password: 'secret2' },
      'bob@EXAMPLE.COM': { kvno: 1, password: 'Password' },
    });
    expect(n).toBe(6);
  });

  it('holds the same keys MIT ktutil derived from the same passwords (several.keytab, rc4.keytab)', () => {
    const mit = [...decodeKeytab(file('several.keytab')).entries, ...decodeKeytab(file('rc4.keytab')).entries];
    const id = (e: KeytabEntry) => `${princ(e)} ${e.kvno} ${e.key.etype}`;
    const mitKeys = new Map(mit.map((e) => [id(e), toHex(e.key.value)]));
    let shared = 0;
    for (const e of kt.entries) {
      const k = mitKeys.get(id(e));
      if (k === undefined) continue;
      expect(toHex(e.key.value), id(e)).toBe(k);
      shared++;
    }
    expect(shared).toBe(5); // all but HTTP/www.example.com aes256-cts-hmac-sha1-96
  });
});
