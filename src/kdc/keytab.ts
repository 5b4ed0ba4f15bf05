/**
 * Keytab export: a service's keys as MIT's `kadmin ktadd -norandkey` writes them (version 2,
 * NT-PRINCIPAL, the 32-bit kvno), through the keytab encoder of `formats/`.
 * @module
 */
import { encodeKeytab, type KeytabEntry } from '../formats/index.js';
import { NameType } from '../iana/index.js';
import { parsePrincipal, unparsePrincipal } from '../messages/index.js';
import type { KdcDatabase } from './database.js';

/**
 * The keytab of one or more principals of the database (every key of each).
 * @example
 * ```ts
 * writeFileSync('http.keytab', exportKeytab(db, ['HTTP/web.example.test']))
 * ```
 */
export function exportKeytab(db: KdcDatabase, principals: readonly string[], now: Date = new Date()): Uint8Array {
  const entries: KeytabEntry[] = [];
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  for (const name of principals) {
    const p = parsePrincipal(name, { realm: db.realm });
    const e = db.lookup(p.components, p.realm);
    if (!e) throw new RangeError(`no principal ${unparsePrincipal(p)} in the database`);
    for (const k of e.keys) {
      entries.push({
        principal: { realm: e.principal.realm, components: [...e.principal.components], nameType: NameType.NT_PRINCIPAL },
        timestamp,
        kvno: k.kvno,
        key: { etype: k.key.etype, value: k.key.value },
        kvno32: true,
      });
    }
  }
  return encodeKeytab({ version: 2, entries });
}
