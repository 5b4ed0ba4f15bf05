/**
 * The PAC container (MS-PAC 2.3, 2.4): PACTYPE (cBuffers, Version) and its PAC_INFO_BUFFERs,
 * each buffer's data at an 8-byte-aligned offset. {@link parsePacHeader} reads only the
 * container, with MIT's `krb5_pac_parse` rules; {@link decodePac} also decodes every buffer
 * whose type it knows, keeping the others (credentials, claims, device info, …) as bytes.
 * @module
 */
import { DecodeError } from '../../errors.js';
import {
  type PacAttributes,
  type PacClientInfo,
  type PacRequestor,
  type PacSignature,
  type S4uDelegationInfo,
  type UpnDnsInfo,
  decodeAttributes,
  decodeClientInfo,
  decodeDelegationInfo,
  decodeRequestor,
  decodeSignature,
  decodeUpnDnsInfo,
  encodeAttributes,
  encodeClientInfo,
  encodeDelegationInfo,
  encodeRequestor,
  encodeSignature,
  encodeUpnDnsInfo,
} from './buffers.js';
import { type KerbValidationInfo, decodeLogonInfo, encodeLogonInfo } from './logon-info.js';

/** PAC buffer types (MS-PAC 2.4), by MS-PAC's names. */
export const PacBufferType = {
  LOGON_INFO: 1,
  CREDENTIALS_INFO: 2,
  SERVER_CHECKSUM: 6,
  PRIVSVR_CHECKSUM: 7,
  CLIENT_INFO: 10,
  CONSTRAINED_DELEGATION: 11,
  UPN_DNS_INFO: 12,
  CLIENT_CLAIMS_INFO: 13,
  DEVICE_INFO: 14,
  DEVICE_CLAIMS_INFO: 15,
  TICKET_CHECKSUM: 16,
  ATTRIBUTES_INFO: 17,
  REQUESTOR: 18,
  FULL_CHECKSUM: 19,
} as const;
export type PacBufferType = (typeof PacBufferType)[keyof typeof PacBufferType];

/** One PAC buffer, decoded when its type is known (`kind` says which), else raw bytes. */
export type PacBuffer =
  | { kind: 'logonInfo'; type: 1; value: KerbValidationInfo }
  | { kind: 'clientInfo'; type: 10; value: PacClientInfo }
  | { kind: 'delegationInfo'; type: 11; value: S4uDelegationInfo }
  | { kind: 'upnDnsInfo'; type: 12; value: UpnDnsInfo }
  | { kind: 'serverChecksum'; type: 6; value: PacSignature }
  | { kind: 'kdcChecksum'; type: 7; value: PacSignature }
  | { kind: 'ticketChecksum'; type: 16; value: PacSignature }
  | { kind: 'fullChecksum'; type: 19; value: PacSignature }
  | { kind: 'attributes'; type: 17; value: PacAttributes }
  | { kind: 'requestor'; type: 18; value: PacRequestor }
  | { kind: 'raw'; type: number; value: Uint8Array };

/** A decoded PAC: its buffers in the order of the header. */
export interface Pac {
  /** PACTYPE.Version: 0. */
  version: number;
  buffers: PacBuffer[];
  /**
   * Where each buffer's data was, when not where the encoder puts it (one after the other
   * after the header, each at a multiple of 8): kept so the encoder gives the same bytes back.
   */
  offsets?: number[];
}

/** One PAC_INFO_BUFFER of the header: type, size and offset of its data. */
export interface PacInfoBuffer {
  type: number;
  size: number;
  offset: number;
}

/** The most buffers a PAC may have (MIT's limit). */
export const PAC_MAX_BUFFERS = 4096;

/**
 * Reads the PAC container only, with MIT's `krb5_pac_parse` rules: at least 8 bytes, Version 0,
 * 1 to 4096 buffers, every offset a multiple of 8 after the header and every buffer inside the
 * bytes. Buffers may repeat a type here (a verifier then refuses, as MIT's does).
 * @example
 * ```ts
 * parsePacHeader(pacBytes).map((b) => b.type) // [1, 10, 12, 6, 7]
 * ```
 */
export function parsePacHeader(bytes: Uint8Array): PacInfoBuffer[] {
  const fail = (m: string, path: string, offset: number): never => {
    throw new DecodeError(m, { path: `PACTYPE.${path}`, offset });
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes: too short for PACTYPE`, 'cBuffers', 0);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = v.getUint32(0, true);
  const version = v.getUint32(4, true);
  if (version !== 0) fail(`Version ${version} is not 0`, 'Version', 4);
  if (count < 1 || count > PAC_MAX_BUFFERS) fail(`cBuffers ${count} is not 1 to ${PAC_MAX_BUFFERS}`, 'cBuffers', 0);
  const headerLength = 8 + 16 * count;
  if (bytes.length < headerLength) fail(`${count} buffers need a ${headerLength}-byte header, ${bytes.length} bytes given`, 'Buffers', 8);
  const out: PacInfoBuffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + 16 * i;
    const type = v.getUint32(at, true);
    const size = v.getUint32(at + 4, true);
    const lo = v.getUint32(at + 8, true);
    const hi = v.getUint32(at + 12, true);
    if (lo % 8 !== 0) fail(`buffer ${i} (type ${type}) at offset ${lo}, not a multiple of 8`, `Buffers[${i}].Offset`, at + 8);
    if (hi !== 0 || lo < headerLength || lo > bytes.length || size > bytes.length - lo) {
      fail(`buffer ${i} (type ${type}): ${size} bytes at offset ${hi ? `${hi}·2^32+` : ''}${lo} outside the ${bytes.length}-byte PAC`, `Buffers[${i}]`, at);
    }
    out.push({ type, size, offset: lo });
  }
  return out;
}

function decodeBuffer(type: number, data: Uint8Array): PacBuffer {
  switch (type) {
    case 1:
      return { kind: 'logonInfo', type, value: decodeLogonInfo(data) };
    case 10:
      return { kind: 'clientInfo', type, value: decodeClientInfo(data) };
    case 11:
      return { kind: 'delegationInfo', type, value: decodeDelegationInfo(data) };
    case 12:
      return { kind: 'upnDnsInfo', type, value: decodeUpnDnsInfo(data) };
    case 6:
      return { kind: 'serverChecksum', type, value: decodeSignature(data, 'PAC_SERVER_CHECKSUM') };
    case 7:
      return { kind: 'kdcChecksum', type, value: decodeSignature(data, 'PAC_PRIVSVR_CHECKSUM') };
    case 16:
      return { kind: 'ticketChecksum', type, value: decodeSignature(data, 'PAC_TICKET_CHECKSUM') };
    case 19:
      return { kind: 'fullChecksum', type, value: decodeSignature(data, 'PAC_FULL_CHECKSUM') };
    case 17:
      return { kind: 'attributes', type, value: decodeAttributes(data) };
    case 18:
      return { kind: 'requestor', type, value: decodeRequestor(data) };
    default:
      return { kind: 'raw', type, value: data.slice() };
  }
}

/** The bytes of one buffer's data. */
export function encodePacBuffer(b: PacBuffer): Uint8Array {
  switch (b.kind) {
    case 'logonInfo':
      return encodeLogonInfo(b.value);
    case 'clientInfo':
      return encodeClientInfo(b.value);
    case 'delegationInfo':
      return encodeDelegationInfo(b.value);
    case 'upnDnsInfo':
      return encodeUpnDnsInfo(b.value);
    case 'serverChecksum':
    case 'kdcChecksum':
    case 'ticketChecksum':
    case 'fullChecksum':
      return encodeSignature(b.value);
    case 'attributes':
      return encodeAttributes(b.value);
    case 'requestor':
      return encodeRequestor(b.value);
    case 'raw':
      return b.value;
  }
}

/**
 * Decodes a PAC (the ad-data of AD-WIN2K-PAC): the container, then every buffer it knows.
 * On any bytes it returns or throws a {@link DecodeError}. Stricter than {@link parsePacHeader}:
 * buffers may not overlap.
 * @example
 * ```ts
 * const pac = decodePac(bytes)
 * const logon = pac.buffers.find((b) => b.kind === 'logonInfo')?.value
 * ```
 */
export function decodePac(bytes: Uint8Array): Pac {
  const header = parsePacHeader(bytes);
  // Buffers sharing bytes (which MIT's parser lets by) are no PAC a KDC writes, and could not be
  // written back as decoded.
  const byOffset = header.map((h, i) => ({ ...h, i })).sort((a, b) => a.offset - b.offset);
  for (let k = 1; k < byOffset.length; k++) {
    const prev = byOffset[k - 1]!;
    const h = byOffset[k]!;
    if (h.offset < prev.offset + prev.size) throw new DecodeError(`PAC buffers ${prev.i} and ${h.i} overlap`, { path: `PAC.Buffers[${h.i}].Offset`, offset: 8 + 16 * h.i + 8 });
  }
  const buffers: PacBuffer[] = [];
  let at = 8 + 16 * header.length;
  let regular = true;
  for (const [i, h] of header.entries()) {
    const data = bytes.subarray(h.offset, h.offset + h.size);
    try {
      buffers.push(decodeBuffer(h.type, data));
    } catch (e) {
      if (e instanceof DecodeError) {
        throw new DecodeError(`PAC buffer ${i} (type ${h.type}): ${e.message}`, {
          path: `PAC.Buffers[${i}]${e.path ? `.${e.path}` : ''}`,
          offset: e.offset >= 0 ? h.offset + e.offset : h.offset,
          cause: e,
        });
      }
      throw e;
    }
    if (h.offset !== at) regular = false;
    at = (h.offset + h.size + 7) & ~7;
  }
  const pac: Pac = { version: 0, buffers };
  if (!regular) pac.offsets = header.map((h) => h.offset);
  return pac;
}

/**
 * Encodes a PAC: the header, then each buffer's data at the next multiple of 8 (zero-padded),
 * or at `pac.offsets` when given. Signatures are written as they are: sign with `signPac`
 * (tskrb5/ap's PAC functions) to fill them in.
 * @example
 * ```ts
 * encodePac({ version: 0, buffers: [{ kind: 'clientInfo', type: 10, value: { clientId, name: 'alice' } }] })
 * ```
 */
export function encodePac(pac: Pac): Uint8Array {
  const datas = pac.buffers.map(encodePacBuffer);
  const headerLength = 8 + 16 * datas.length;
  let at = headerLength;
  const offsets = datas.map((d, i) => {
    const off = pac.offsets?.[i] ?? at;
    if (off % 8 !== 0 || off < headerLength) throw new RangeError(`PAC buffer ${i}: offset ${off}`);
    at = Math.max(at, (off + d.length + 7) & ~7);
    return off;
  });
  const out = new Uint8Array(at);
  const v = new DataView(out.buffer);
  v.setUint32(0, datas.length, true);
  v.setUint32(4, pac.version, true);
  datas.forEach((d, i) => {
    const b = pac.buffers[i]!;
    v.setUint32(8 + 16 * i, b.type, true);
    v.setUint32(12 + 16 * i, d.length, true);
    v.setUint32(16 + 16 * i, offsets[i]!, true);
    out.set(d, offsets[i]!);
  });
  // `offsets` kept from decoding, with buffers since changed, may make them overlap.
  if (pac.offsets) {
    datas.forEach((d, i) => {
      for (let j = 0; j < d.length; j++)
        if (out[offsets[i]! + j] !== d[j]) throw new RangeError(`PAC buffer ${i}: overlaps another at the offsets given (drop \`offsets\` after changing buffers)`);
    });
  }
  return out;
}

/**
 * The SIDs a PAC's LOGON_INFO gives the user, as Windows builds a token from it: the user's SID,
 * then the primary group, the groups, the extra SIDs and the resource groups (duplicates
 * removed, first kept).
 * @example
 * ```ts
 * pacSids(pac.buffers.find((b) => b.kind === 'logonInfo')!.value).groups
 * // ['S-1-5-21-…-513', 'S-1-5-21-…-1105', 'S-1-18-1', …]
 * ```
 */
export function pacSids(info: KerbValidationInfo): { user: string | undefined; groups: string[] } {
  const dom = info.logonDomainId;
  const rid = (base: string | null, r: number): string | undefined => (base === null ? undefined : `${base}-${r}`);
  const all: (string | undefined)[] = [rid(dom, info.primaryGroupId)];
  for (const g of info.groupIds ?? []) all.push(rid(dom, g.relativeId));
  for (const s of info.extraSids ?? []) all.push(s.sid);
  for (const g of info.resourceGroupIds ?? []) all.push(rid(info.resourceGroupDomainSid, g.relativeId));
  const groups = [...new Set(all.filter((s): s is string => s !== undefined))];
  return { user: rid(dom, info.userId), groups };
}
