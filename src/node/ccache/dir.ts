/**
 * `DIR:` collections, as MIT's `cc_dir.c`: a directory (created 0700 when missing) holding
 * FILE caches named `tkt…` and a `primary` file whose one line names the primary member
 * (`tkt\n` when first resolved). `DIR:/d` is the primary member, `DIR::/d/tktXYZ` one member;
 * a new member is `tkt` + 6 random characters; `kswitch` rewrites `primary` atomically.
 * @module
 */
import { promises as fsp, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ConfigError, KerberosError } from '../../errors.js';
import { atomicWrite } from '../atomic-write.js';
import { FileStore, formatsCodec, type CcacheFileCodec } from './file.js';
import type { CcacheCollection, CcacheStore } from './types.js';
import { samePrincipal } from './types.js';
import type { Principal } from '../../messages/index.js';

const isCacheName = (f: string) => f.startsWith('tkt');

/** One member of a DIR collection: a FILE cache named `DIR::<path>`. */
export class DirMemberStore extends FileStore {
  override readonly type = 'DIR';
  constructor(path: string, codec: CcacheFileCodec = formatsCodec) {
    if (!isCacheName(basename(path))) throw new ConfigError(`subsidiary cache path ${path} filename does not begin with "tkt"`);
    super(path, codec, `DIR::${path}`);
  }
}

export class DirCollection implements CcacheCollection {
  readonly type = 'DIR';
  constructor(
    readonly dir: string,
    readonly codec: CcacheFileCodec = formatsCodec,
  ) {}

  /** Verifies the directory, creating it with mode 0700 when missing (MIT verify_dir). */
  async ensureDir(): Promise<void> {
    try {
      const st = await fsp.stat(this.dir);
      if (!st.isDirectory()) throw new KerberosError(`credential cache directory ${this.dir} exists but is not a directory`, { code: 'ERR_CCACHE_FORMAT' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fsp.mkdir(this.dir, { mode: 0o700 });
    }
  }

  /** The primary member's file name from `primary`, or null when there is none. */
  async readPrimary(): Promise<string | null> {
    let text: string;
    try {
      text = await fsp.readFile(join(this.dir, 'primary'), 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const nl = text.indexOf('\n');
    const line = nl < 0 ? '' : text.slice(0, nl);
    if (nl < 0 || nl > 62 || !isCacheName(line) || line.includes('/') || line.includes('\\')) {
      throw new KerberosError(`${join(this.dir, 'primary')} contains invalid filename`, { code: 'ERR_CCACHE_FORMAT' });
    }
    return line;
  }

  async writePrimary(filename: string): Promise<void> {
    await atomicWrite(join(this.dir, 'primary'), new TextEncoder().encode(`${filename}\n`), { mode: 0o600 });
  }

  member(filename: string): DirMemberStore {
    return new DirMemberStore(join(this.dir, filename), this.codec);
  }

  /** The primary member; as MIT's resolve, writes `primary` = `tkt` when it is missing. */
  async primary(): Promise<DirMemberStore> {
    await this.ensureDir();
    let p = await this.readPrimary();
    if (p === null) {
      await this.writePrimary('tkt');
      p = 'tkt';
    }
    return this.member(p);
  }

  async list(): Promise<DirMemberStore[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return []; // MIT returns an empty cursor on any failure
    }
    let primary: string | null = null;
    try {
      primary = await this.readPrimary();
    } catch {
      /* as MIT: ignored */
    }
    const out: DirMemberStore[] = [];
    const exists = async (f: string) =>
      fsp.stat(join(this.dir, f)).then(
        (s) => s.isFile(),
        () => false,
      );
    if (primary !== null && (await exists(primary))) out.push(this.member(primary));
    for (const n of names) {
      if (!isCacheName(n) || n === primary) continue;
      if (!(await exists(n))) continue;
      out.push(this.member(n));
    }
    // as klist -A: only caches that have a principal (initialized ones)
    const ok: DirMemberStore[] = [];
    for (const s of out) {
      try {
        if (await s.getPrincipal()) ok.push(s);
      } catch {
        /* unreadable member: skipped, as MIT's klist -A */
      }
    }
    return ok;
  }

  async newCache(principal: Principal): Promise<DirMemberStore> {
    await this.ensureDir();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    for (let i = 0; i < 100; i++) {
      const name = 'tkt' + [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
      const path = join(this.dir, name);
      try {
        const h = await fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        await h.close();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      const s = this.member(name);
      await s.initialize(principal);
      return s;
    }
    throw new KerberosError(`could not create a unique cache in ${this.dir}`);
  }

  async switchTo(store: CcacheStore): Promise<void> {
    if (!(store instanceof DirMemberStore) || dirname(store.path) !== this.dir.replace(/\/+$/, '')) {
      throw new TypeError(`${store.name} is not a member of DIR:${this.dir}`);
    }
    await this.ensureDir();
    await this.writePrimary(basename(store.path));
  }

  async findByPrincipal(principal: Principal): Promise<DirMemberStore | null> {
    for (const s of await this.list()) {
      const p = await s.getPrincipal();
      if (p && samePrincipal(p, principal)) return s;
    }
    return null;
  }
}
