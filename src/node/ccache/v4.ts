/**
 * The ccache v4 marshalling of single principals and credentials, as the KCM protocol carries
 * them (MIT `k5_marshal_princ` / `k5_marshal_cred` with version 4). Whole FILE caches are
 * `tskrb5/formats`' decodeCcache / encodeCcache. Decoding is bounded (every length checked
 * against what is left) and throws `DecodeError`.
 * @module
 */
import { DecodeError } from '../../errors.js';
import { fromUtf8, utf8 } from '../../util/bytes.js';
import type { CcacheCredential } from '../../formats/index.js';
import type { Principal } from '../../messages/index.js';

export class V4Writer {
  private parts: number[] = [];
  u8(n: number): this { this.parts.push(n & 0xff); return this; }
  u16(n: number): this { this.parts.push((n >>> 8) & 0xff, n & 0xff); return this; }
  u32(n: number): this { this.parts.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff); return this; }
  raw(b: Uint8Array): this { for (const x of b) this.parts.push(x); return this; }
  data(b: Uint8Array): this { return this.u32(b.length).raw(b); }
  principal(p: Principal): this {
    this.u32(p.nameType).u32(p.components.length).data(utf8(p.realm));
    for (const c of p.components) this.data(utf8(c));
    return this;
  }
  credential(c: CcacheCredential): this {
    this.principal(c.client).principal(c.server);
    this.u16(c.key.etype).data(c.key.value);
    for (const t of [c.authtime, c.starttime, c.endtime, c.renewTill]) this.u32(Math.floor(t.getTime() / 1000));
    this.u8(c.isSkey ? 1 : 0).u32(c.flags);
    this.u32(c.addresses.length);
    for (const a of c.addresses) this.u16(a.type).data(a.data);
    this.u32(c.authdata.length);
    for (const a of c.authdata) this.u16(a.type).data(a.data);
    return this.data(c.ticket).data(c.secondTicket);
  }
  bytes(): Uint8Array { return Uint8Array.from(this.parts); }
}

export class V4Reader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly what = 'ccache') {}
  get left(): number { return this.b.length - this.pos; }
  need(n: number, f: string): void {
    if (n < 0 || this.pos + n > this.b.length) throw new DecodeError(`${this.what}: ${f} runs past the end of the data`, { path: this.what, offset: this.pos });
  }
  u8(f: string): number { this.need(1, f); return this.b[this.pos++]!; }
  u16(f: string): number { this.need(2, f); const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!; this.pos += 2; return v; }
  u32(f: string): number {
    this.need(4, f);
    const b = this.b, p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  raw(n: number, f: string): Uint8Array { this.need(n, f); const o = this.b.slice(this.pos, this.pos + n); this.pos += n; return o; }
  data(f: string): Uint8Array { return this.raw(this.u32(`${f} length`), f); }
  text(f: string): string {
    const at = this.pos;
    try { return fromUtf8(this.data(f)); } catch (e) {
      if (e instanceof DecodeError) throw e;
      throw new DecodeError(`${this.what}: ${f} is not valid UTF-8`, { path: this.what, offset: at });
    }
  }
  principal(): Principal {
    const nameType = this.u32('name type') | 0;
    const count = this.u32('component count');
    // each component takes at least 4 bytes: a count larger than that cannot be honest
    if (count > this.left / 4) throw new DecodeError(`${this.what}: component count ${count} exceeds the data`, { path: this.what, offset: this.pos });
    const realm = this.text('realm');
    const components: string[] = [];
    for (let i = 0; i < count; i++) components.push(this.text('component'));
    return { realm, components, nameType };
  }
  list<T>(f: string, min: number, one: () => T): T[] {
    const n = this.u32(`${f} count`);
    if (n > this.left / min) throw new DecodeError(`${this.what}: ${f} count ${n} exceeds the data`, { path: this.what, offset: this.pos });
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(one());
    return out;
  }
  credential(): CcacheCredential {
    const client = this.principal();
    const server = this.principal();
    const etype = (this.u16('enctype') << 16) >> 16;
    const value = this.data('key');
    const [authtime, starttime, endtime, renewTill] = [0, 0, 0, 0].map(() => new Date(this.u32('time') * 1000)) as [Date, Date, Date, Date];
    const isSkey = this.u8('is_skey') !== 0;
    const flags = this.u32('ticket flags');
    const addresses = this.list('address', 6, () => ({ type: this.u16('address type'), data: this.data('address') }));
    const authdata = this.list('authdata', 6, () => ({ type: (this.u16('authdata type') << 16) >> 16, data: this.data('authdata') }));
    const ticket = this.data('ticket');
    const secondTicket = this.data('second ticket');
    return { client, server, key: { etype, value }, authtime, starttime, endtime, renewTill, isSkey, flags, addresses, authdata, ticket, secondTicket };
  }
}

export function encodePrincipalV4(p: Principal): Uint8Array { return new V4Writer().principal(p).bytes(); }
export function decodePrincipalV4(b: Uint8Array): Principal { return new V4Reader(b, 'principal').principal(); }
export function encodeCredentialV4(c: CcacheCredential): Uint8Array { return new V4Writer().credential(c).bytes(); }
export function decodeCredentialV4(b: Uint8Array): CcacheCredential { return new V4Reader(b, 'credential').credential(); }
