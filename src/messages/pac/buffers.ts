/**
 * The small PAC buffers (MS-PAC 2.6–2.15): PAC_CLIENT_INFO, UPN_DNS_INFO, S4U_DELEGATION_INFO,
 * PAC_SIGNATURE_DATA, PAC_ATTRIBUTES_INFO, PAC_REQUESTOR.
 * @module
 */
import { DecodeError } from '../../errors.js';
import { type FileTime, NdrReader, NdrWriter, closeSerialized, openSerialized, serialize, sidFromString, sidLength, sidToString, toUtf16le, utf16le } from './ndr.js';

// ---------------------------------------------------------------- PAC_CLIENT_INFO (type 10)

/** PAC_CLIENT_INFO (MS-PAC 2.7): the client's name (no realm) and the ticket's authtime. */
export interface PacClientInfo {
  /** ClientId: the ticket's authtime (a {@link FileTime}). */
  clientId: FileTime;
  name: string;
}

/**
 * Decodes PAC_CLIENT_INFO.
 * @example
 * ```ts
 * decodeClientInfo(buffer).name // 'alice'
 * ```
 */
export function decodeClientInfo(bytes: Uint8Array): PacClientInfo {
  const r = new NdrReader(bytes, 'PAC_CLIENT_INFO');
  const clientId = r.filetime('ClientId');
  const n = r.u16('NameLength');
  if (n % 2 !== 0) r.fail(`odd NameLength ${n}`, 'NameLength', 8);
  const name = utf16le(r.raw(n, 'Name'), r, 'Name');
  if (r.remaining !== 0) r.fail(`${r.remaining} bytes after the name`, 'Name');
  return { clientId, name };
}

/** Encodes PAC_CLIENT_INFO. */
export function encodeClientInfo(v: PacClientInfo): Uint8Array {
  const name = toUtf16le(v.name);
  if (name.length > 0xffff) throw new RangeError('PAC_CLIENT_INFO name too long');
  const w = new NdrWriter();
  w.filetime(v.clientId);
  w.u16(name.length);
  w.raw(name);
  return w.finish();
}

// ---------------------------------------------------------------- UPN_DNS_INFO (type 12)

/** UPN_DNS_INFO Flags bit U: the user has no UPN; `upn` was made up from the SAM name. */
export const UPN_DNS_INFO_UPN_CONSTRUCTED = 1;
/** UPN_DNS_INFO Flags bit S: the SAM name and SID extension is present. */
export const UPN_DNS_INFO_EXTENDED = 2;

/** UPN_DNS_INFO (MS-PAC 2.10), with UPN_DNS_INFO_EX's SAM name and SID when flag 2 is set. */
export interface UpnDnsInfo {
  upn: string;
  dnsDomainName: string;
  flags: number;
  /** With flag 2 (S). */
  samName?: string;
  /** With flag 2 (S): the user's SID. */
  sid?: string;
  /**
   * Where the strings were, when not where the encoder puts them (each at the next multiple of
   * 8 after the header, in the order UPN, DNS domain, SAM name, SID; the buffer padded to a
   * multiple of 8): kept by the decoder so that the encoder gives the same bytes back.
   */
  layout?: { upnOffset: number; dnsDomainNameOffset: number; samNameOffset?: number; sidOffset?: number; size: number };
}

/**
 * Decodes UPN_DNS_INFO.
 * @example
 * ```ts
 * const { upn, dnsDomainName, samName, sid } = decodeUpnDnsInfo(buffer)
 * ```
 */
export function decodeUpnDnsInfo(bytes: Uint8Array): UpnDnsInfo {
  const r = new NdrReader(bytes, 'UPN_DNS_INFO');
  const upnLen = r.u16('UpnLength');
  const upnOff = r.u16('UpnOffset');
  const dnsLen = r.u16('DnsDomainNameLength');
  const dnsOff = r.u16('DnsDomainNameOffset');
  const flags = r.u32('Flags');
  const str = (off: number, len: number, path: string): string => {
    if (len % 2 !== 0 || off > bytes.length || len > bytes.length - off) r.fail(`string at ${off} of ${len} bytes outside the ${bytes.length}-byte buffer`, path, 0);
    return utf16le(bytes.subarray(off, off + len), r, path);
  };
  const out: UpnDnsInfo = { upn: str(upnOff, upnLen, 'Upn'), dnsDomainName: str(dnsOff, dnsLen, 'DnsDomainName'), flags };
  let samOff: number | undefined;
  let sidOff: number | undefined;
  if (flags & UPN_DNS_INFO_EXTENDED) {
    const samLen = r.u16('SamNameLength');
    samOff = r.u16('SamNameOffset');
    const sidLen = r.u16('SidLength');
    sidOff = r.u16('SidOffset');
    out.samName = str(samOff, samLen, 'SamName');
    if (sidOff > bytes.length || sidLen > bytes.length - sidOff) r.fail(`SID at ${sidOff} of ${sidLen} bytes outside the buffer`, 'Sid', 0);
    out.sid = sidToString(bytes.subarray(sidOff, sidOff + sidLen));
  }
  const def = upnDnsLayout(out);
  if (def.upnOffset !== upnOff || def.dnsDomainNameOffset !== dnsOff || def.samNameOffset !== samOff || def.sidOffset !== sidOff || def.size !== bytes.length) {
    out.layout = { upnOffset: upnOff, dnsDomainNameOffset: dnsOff, size: bytes.length };
    if (samOff !== undefined) out.layout.samNameOffset = samOff;
    if (sidOff !== undefined) out.layout.sidOffset = sidOff;
  }
  return out;
}

const align8 = (n: number): number => (n + 7) & ~7;

function upnDnsLayout(v: UpnDnsInfo): { upnOffset: number; dnsDomainNameOffset: number; samNameOffset?: number; sidOffset?: number; size: number } {
  let at = v.flags & UPN_DNS_INFO_EXTENDED ? 20 : 12;
  const place = (len: number): number => {
    const off = align8(at);
    at = off + len;
    return off;
  };
  const upnOffset = place(v.upn.length * 2);
  const dnsDomainNameOffset = place(v.dnsDomainName.length * 2);
  if (!(v.flags & UPN_DNS_INFO_EXTENDED)) return { upnOffset, dnsDomainNameOffset, size: align8(at) };
  const samNameOffset = place((v.samName ?? '').length * 2);
  const sidOffset = place(v.sid === undefined ? 0 : sidLength(v.sid));
  return { upnOffset, dnsDomainNameOffset, samNameOffset, sidOffset, size: align8(at) };
}

/** Encodes UPN_DNS_INFO (the SAM name and SID extension when flag 2 is set). */
export function encodeUpnDnsInfo(v: UpnDnsInfo): Uint8Array {
  const ext = (v.flags & UPN_DNS_INFO_EXTENDED) !== 0;
  const l = v.layout ?? upnDnsLayout(v);
  const upn = toUtf16le(v.upn);
  const dns = toUtf16le(v.dnsDomainName);
  const sam = toUtf16le(v.samName ?? '');
  const sid = v.sid === undefined ? new Uint8Array(0) : sidFromString(v.sid);
  const out = new Uint8Array(l.size);
  const dv = new DataView(out.buffer);
  const put = (off: number | undefined, b: Uint8Array, what: string): number => {
    if (off === undefined || off + b.length > out.length || b.length > 0xffff) throw new RangeError(`UPN_DNS_INFO: ${what} does not fit`);
    out.set(b, off);
    return off;
  };
  dv.setUint16(0, upn.length, true);
  dv.setUint16(2, put(l.upnOffset, upn, 'upn'), true);
  dv.setUint16(4, dns.length, true);
  dv.setUint16(6, put(l.dnsDomainNameOffset, dns, 'dnsDomainName'), true);
  dv.setUint32(8, v.flags >>> 0, true);
  if (ext) {
    dv.setUint16(12, sam.length, true);
    dv.setUint16(14, put(l.samNameOffset, sam, 'samName'), true);
    dv.setUint16(16, sid.length, true);
    dv.setUint16(18, put(l.sidOffset, sid, 'sid'), true);
  }
  // A `layout` kept from decoding, with strings since changed, may make them overlap.
  const parts: [number | undefined, Uint8Array][] = [
    [l.upnOffset, upn],
    [l.dnsDomainNameOffset, dns],
    ...(ext
      ? ([
          [l.samNameOffset, sam],
          [l.sidOffset, sid],
        ] as [number | undefined, Uint8Array][])
      : []),
  ];
  for (const [off, b] of parts) {
    for (let i = 0; i < b.length; i++) if (out[off! + i] !== b[i]) throw new RangeError('UPN_DNS_INFO: the strings overlap in `layout` (drop it after changing them)');
  }
  return out;
}

// ---------------------------------------------------------------- S4U_DELEGATION_INFO (type 11)

/** S4U_DELEGATION_INFO (MS-PAC 2.9): the S4U2Proxy target and the services the ticket passed. */
export interface S4uDelegationInfo {
  s4u2proxyTarget: string;
  transitedServices: string[];
  /** MaximumLength of strings sent with another than their Length (by index; -1 the target). */
  stringForms?: Record<number, number>;
}

/**
 * Decodes S4U_DELEGATION_INFO (NDR).
 * @example
 * ```ts
 * decodeDelegationInfo(buffer).transitedServices // ['HTTP/web.samba.test@SAMBA.TEST']
 * ```
 */
export function decodeDelegationInfo(bytes: Uint8Array): S4uDelegationInfo {
  const r = openSerialized(bytes, 'S4U_DELEGATION_INFO');
  if (!r.pointer('Info')) r.fail('null S4U_DELEGATION_INFO', 'Info', 0);
  const forms: Record<number, number> = {};
  const head = (path: string): { len: number; max: number } => {
    const len = r.u16(path);
    const max = r.u16(path);
    if (!r.pointer(path)) r.fail('null string', path);
    if (len % 2 !== 0 || max % 2 !== 0 || len > max) r.fail(`RPC_UNICODE_STRING Length ${len} MaximumLength ${max}`, path);
    return { len, max };
  };
  const target = head('S4U2proxyTarget');
  const count = r.u32('TransitedListSize');
  const listPtr = r.pointer('S4UTransitedServices');
  if (!listPtr && count !== 0) r.fail(`${count} services behind a null pointer`, 'S4UTransitedServices');
  const s4u2proxyTarget = r.unicodeBody(target.len, target.max, 'S4U2proxyTarget');
  if (target.max !== target.len) forms[-1] = target.max;
  const transitedServices: string[] = [];
  if (listPtr) {
    const at = r.pos;
    const max = r.count(8, 'S4UTransitedServices');
    if (max !== count) r.fail(`array size ${max} differs from TransitedListSize ${count}`, 'S4UTransitedServices', at);
    const heads: { len: number; max: number }[] = [];
    for (let i = 0; i < max; i++) heads.push(head('S4UTransitedServices'));
    heads.forEach((h, i) => {
      transitedServices.push(r.unicodeBody(h.len, h.max, 'S4UTransitedServices'));
      if (h.max !== h.len) forms[i] = h.max;
    });
  }
  closeSerialized(r);
  const out: S4uDelegationInfo = { s4u2proxyTarget, transitedServices };
  if (Object.keys(forms).length > 0) out.stringForms = forms;
  return out;
}

/** Encodes S4U_DELEGATION_INFO (NDR). */
export function encodeDelegationInfo(v: S4uDelegationInfo): Uint8Array {
  const w = new NdrWriter();
  const forms = v.stringForms ?? {};
  const head = (s: string, i: number): Uint8Array => {
    const u = toUtf16le(s);
    const max = forms[i] ?? u.length;
    if (u.length > 0xffff || max > 0xffff || max < u.length) throw new RangeError('S4U_DELEGATION_INFO: string too long');
    w.u16(u.length);
    w.u16(max);
    w.pointer(true);
    return u;
  };
  w.pointer(true);
  const target = head(v.s4u2proxyTarget, -1);
  w.u32(v.transitedServices.length);
  w.pointer(true);
  w.unicodeBody(target, forms[-1] ?? target.length);
  w.u32(v.transitedServices.length);
  const units = v.transitedServices.map((s, i) => head(s, i));
  for (const [i, u] of units.entries()) w.unicodeBody(u, forms[i] ?? u.length);
  return serialize(w);
}

// ---------------------------------------------------------------- PAC_SIGNATURE_DATA (6, 7, 16, 19)

/** PAC_SIGNATURE_DATA (MS-PAC 2.8): a checksum type (signed), its value, and RODCIdentifier. */
export interface PacSignature {
  /** A Kerberos checksum type: 16 hmac-sha1-96-aes256, 15 …-aes128, -138 hmac-md5 (RC4), 19, 20. */
  signatureType: number;
  signature: Uint8Array;
  /** Present on PACs signed by a read-only DC. */
  rodcIdentifier?: number;
  /** Bytes after the signature that are not an RODCIdentifier (kept for re-encoding). */
  trailer?: Uint8Array;
}

/** The signature length of a checksum type (MS-PAC 2.8.1), or undefined when not known. */
export function signatureLength(type: number): number | undefined {
  switch (type) {
    case 15:
    case 16:
      return 12;
    case -138:
    case 19:
      return 16;
    case 20:
      return 24;
    default:
      return undefined;
  }
}

/**
 * Decodes PAC_SIGNATURE_DATA.
 * @example
 * ```ts
 * decodeSignature(buffer) // { signatureType: 16, signature: Uint8Array(12) }
 * ```
 */
export function decodeSignature(bytes: Uint8Array, what = 'PAC_SIGNATURE_DATA'): PacSignature {
  if (bytes.length < 4) throw new DecodeError(`needs 4 bytes, ${bytes.length} remain`, { path: `${what}.SignatureType`, offset: 0 });
  const signatureType = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
  const n = signatureLength(signatureType) ?? bytes.length - 4;
  if (n > bytes.length - 4) throw new DecodeError(`needs ${n} bytes, ${bytes.length - 4} remain`, { path: `${what}.Signature`, offset: 4 });
  const out: PacSignature = { signatureType, signature: bytes.slice(4, 4 + n) };
  const left = bytes.length - 4 - n;
  if (left === 2) out.rodcIdentifier = bytes[4 + n]! | (bytes[5 + n]! << 8);
  else if (left > 0) out.trailer = bytes.slice(4 + n);
  return out;
}

/** Encodes PAC_SIGNATURE_DATA. */
export function encodeSignature(v: PacSignature): Uint8Array {
  const w = new NdrWriter();
  w.u32(v.signatureType);
  w.raw(v.signature);
  if (v.rodcIdentifier !== undefined) w.u16(v.rodcIdentifier);
  if (v.trailer) w.raw(v.trailer);
  return w.finish();
}

// ---------------------------------------------------------------- PAC_ATTRIBUTES_INFO (17)

/** PAC_ATTRIBUTES_INFO flag: the client asked for the PAC (PA-PAC-REQUEST true). */
export const PAC_WAS_REQUESTED = 1;
/** PAC_ATTRIBUTES_INFO flag: the PAC was given without being asked for. */
export const PAC_WAS_GIVEN_IMPLICITLY = 2;

/** PAC_ATTRIBUTES_INFO (MS-PAC 2.14): FlagsLength (in bits) and the flag words. */
export interface PacAttributes {
  flagsLength: number;
  flags: number[];
}

/** Decodes PAC_ATTRIBUTES_INFO. */
export function decodeAttributes(bytes: Uint8Array): PacAttributes {
  const r = new NdrReader(bytes, 'PAC_ATTRIBUTES_INFO');
  const flagsLength = r.u32('FlagsLength');
  const words = Math.ceil(flagsLength / 32);
  if (words * 4 !== r.remaining) r.fail(`FlagsLength ${flagsLength} needs ${words} words, ${r.remaining} bytes follow`, 'Flags');
  const flags: number[] = [];
  for (let i = 0; i < words; i++) flags.push(r.u32('Flags'));
  return { flagsLength, flags };
}

/** Encodes PAC_ATTRIBUTES_INFO. */
export function encodeAttributes(v: PacAttributes): Uint8Array {
  if (v.flags.length !== Math.ceil(v.flagsLength / 32)) throw new RangeError('PAC_ATTRIBUTES_INFO: flags do not match flagsLength');
  const w = new NdrWriter();
  w.u32(v.flagsLength);
  for (const f of v.flags) w.u32(f);
  return w.finish();
}

// ---------------------------------------------------------------- PAC_REQUESTOR (18)

/** PAC_REQUESTOR (MS-PAC 2.15): the SID of the client the TGT was issued to. */
export interface PacRequestor {
  sid: string;
}

/** Decodes PAC_REQUESTOR. */
export function decodeRequestor(bytes: Uint8Array): PacRequestor {
  return { sid: sidToString(bytes) };
}

/** Encodes PAC_REQUESTOR. */
export function encodeRequestor(v: PacRequestor): Uint8Array {
  return sidFromString(v.sid);
}
