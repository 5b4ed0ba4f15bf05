/**
 * Keytab files: read, append and remove entries over `decodeKeytab` / `encodeKeytab`, every
 * change written atomically (temp file + rename, mode 0600). Names take `FILE:` or `WRFILE:`
 * (MIT's writable alias) or no prefix.
 * @module
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { KerberosError, UnsupportedError } from '../errors.js';
import { decodeKeytab, encodeKeytab, type Keytab, type KeytabEntry } from '../formats/index.js';
import { atomicWrite } from './atomic-write.js';
import { defaultKeytabName, parseKeytabName, type EnvOptions } from './env.js';

/** The file path of a keytab name (`FILE:` / `WRFILE:` / bare path); other types are refused. */
export function keytabPath(name: string): string {
  const { type, residual } = parseKeytabName(name);
  if (type !== 'FILE' && type !== 'WRFILE') throw new UnsupportedError(`keytab type ${type}: is not supported: use a FILE: keytab`);
  return residual;
}

/**
 * A keytab file (`FILE:` / `WRFILE:` / a path), read and written as MIT's tools do (version 2,
 * atomic replacement).
 * @example
 * ```ts
 * const entries = await new KeytabFile('FILE:/etc/http.keytab').entries()
 * for (const e of entries) console.log(unparsePrincipal(e.principal), e.kvno, e.key.etype)
 * ```
 */
export class KeytabFile {
  readonly path: string;
  constructor(readonly name: string) {
    this.path = keytabPath(name);
  }
  /** The default keytab (KRB5_KTNAME, default_keytab_name, FILE:/etc/krb5.keytab). */
  static default(o: EnvOptions & { defaultKeytabName?: string } = {}): KeytabFile {
    return new KeytabFile(defaultKeytabName(o));
  }
  /** The keytab, or an empty version-2 keytab when the file does not exist. */
  async read(): Promise<Keytab> {
    let b: Buffer;
    try {
      b = await fsp.readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 2, entries: [] };
      throw e;
    }
    return decodeKeytab(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }
  /**
   * The keytab's entries, read synchronously (a server reading its keys once as it starts);
   * a missing file is a `KerberosError` (code ERR_KEYTAB_NOT_FOUND), as MIT's acceptor finds no
   * credentials then.
   */
  readEntriesSync(): KeytabEntry[] {
    let b: Buffer;
    try {
      b = readFileSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new KerberosError(`keytab ${this.name} not found`, { code: 'ERR_KEYTAB_NOT_FOUND', cause: e });
      throw e;
    }
    return decodeKeytab(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).entries;
  }
  async entries(): Promise<KeytabEntry[]> {
    return (await this.read()).entries;
  }
  /** Appends entries (a version-1 file is rewritten as version 2). */
  async add(...entries: KeytabEntry[]): Promise<void> {
    const kt = await this.read();
    await this.write({ version: 2, entries: [...kt.entries, ...entries] });
  }
  /** Removes the entries for which `match` is true; returns how many were removed. */
  async remove(match: (e: KeytabEntry) => boolean): Promise<number> {
    const kt = await this.read();
    const keep = kt.entries.filter((e) => !match(e));
    const n = kt.entries.length - keep.length;
    if (n > 0) await this.write({ version: 2, entries: keep });
    return n;
  }
  async write(kt: Keytab): Promise<void> {
    await atomicWrite(this.path, encodeKeytab({ ...kt, version: 2 }), { mode: 0o600 });
  }
}
