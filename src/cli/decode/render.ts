/**
 * Turns a decoded message into what a person reads: names as in the RFCs, enctypes and
 * checksum types by name, flags spelled out, times in ISO 8601, principals as
 * `name/instance@REALM`, bytes as hex. Or into JSON with the same conversions.
 * @module
 */

import {
  AddressType,
  AdType,
  APOptions,
  CHECKSUM_TYPE_NAMES,
  errorCodeName,
  enctypeName,
  GssFlags,
  KDCOptions,
  MessageType,
  NameType,
  Oid,
  PaDataType,
  TicketFlags,
  TokenId,
} from '../../iana/index.js';
import { unparsePrincipal } from '../../messages/index.js';

const reverse = (o: Record<string, number | string>): Map<number | string, string> => new Map(Object.entries(o).map(([k, v]) => [v, k]));
const NAMES = {
  msgType: reverse(MessageType),
  nameType: reverse(NameType),
  padataType: reverse(PaDataType),
  adType: reverse(AdType),
  addrType: reverse(AddressType),
  oid: reverse(Oid),
  tokId: reverse(TokenId),
  // RFC 4178 §4.2.2
  negState: new Map<number | string, string>([
    [0, 'accept-completed'],
    [1, 'accept-incomplete'],
    [2, 'reject'],
    [3, 'request-mic'],
  ]),
};

/** Names of the set bits of a 32-bit Kerberos flags word (bit 0 = most significant). */
function kerberosFlagNames(flags: number, registry: Record<string, number>): string {
  const names: string[] = [];
  for (const [name, bit] of Object.entries(registry)) if ((flags >>> (31 - bit)) & 1) names.push(name.toLowerCase().replace(/_/g, '-'));
  return `0x${(flags >>> 0).toString(16).padStart(8, '0')}${names.length ? ` (${names.join(', ')})` : ''}`;
}

function gssFlagNames(flags: number): string {
  const names = Object.entries(GssFlags)
    .filter(([, v]) => (flags & v) !== 0)
    .map(([k]) =>
      k
        .replace(/^GSS_C_/, '')
        .replace(/_FLAG$/, '')
        .toLowerCase(),
    );
  return `0x${(flags >>> 0).toString(16)}${names.length ? ` (${names.join(', ')})` : ''}`;
}

interface PrincipalLike {
  nameType: number;
  nameString: string[];
}
const isPrincipal = (v: unknown): v is PrincipalLike =>
  typeof v === 'object' && v !== null && Array.isArray((v as PrincipalLike).nameString) && typeof (v as PrincipalLike).nameType === 'number';

/** The realm that goes with a principal field, by RFC 4120's pairings. */
const REALM_OF: Record<string, string[]> = { cname: ['crealm', 'realm'], sname: ['srealm', 'realm'] };

export interface RenderOptions {
  /** Show whole byte strings (default: the first 32 bytes). */
  full?: boolean;
  /** `gss` for a GSS 0x8003 checksum's flags. */
  flagsAre?: 'ticket' | 'gss';
}

/** A leaf value as text, or undefined when `value` is a structure. */
function leaf(key: string, value: unknown, parent: Record<string, unknown> | undefined, o: RenderOptions): string | undefined {
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value).toString('hex');
    return o.full || value.length <= 32 ? `${hex} (${value.length} bytes)` : `${hex.slice(0, 64)}… (${value.length} bytes)`;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string')
    return key === 'oid' || /^\d+(\.\d+)+$/.test(value) ? `${value}${NAMES.oid.has(value) ? ` (${NAMES.oid.get(value)})` : ''}` : JSON.stringify(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'number') {
    switch (key) {
      case 'etype':
      case 'keytype':
        return `${value} (${enctypeName(value)})`;
      case 'cksumtype':
        return `${value} (${CHECKSUM_TYPE_NAMES[value] ?? 'unknown'})`;
      case 'errorCode':
        return `${value} (${errorCodeName(value)})`;
      case 'kdcOptions':
        return kerberosFlagNames(value, KDCOptions);
      case 'apOptions':
        return kerberosFlagNames(value, APOptions);
      case 'flags':
        return o.flagsAre === 'gss' ? gssFlagNames(value) : kerberosFlagNames(value, TicketFlags);
      case 'tokId':
        return `0x${value.toString(16).padStart(4, '0')}${NAMES.tokId.has(value) ? ` (${NAMES.tokId.get(value)})` : ''}`;
      default: {
        const names = (NAMES as Record<string, Map<number | string, string>>)[key];
        const n = names?.get(value);
        return n ? `${value} (${n})` : String(value);
      }
    }
  }
  if (isPrincipal(value)) {
    const realm = (REALM_OF[key] ?? []).map((k) => parent?.[k]).find((r): r is string => typeof r === 'string');
    // krb5_unparse_name; without a realm beside it, the name alone, `@` still escaped (MIT's SHORT form, whose realm is dropped)
    const text = realm ? unparsePrincipal({ components: value.nameString, realm }) : unparsePrincipal({ components: value.nameString, realm: '' }, { defaultRealm: '' });
    return `${text} (${NAMES.nameType.get(value.nameType) ?? `name-type ${value.nameType}`})`;
  }
  return undefined;
}

/** Hyphenated RFC field names from our camelCase ones. */
const rfcName = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** An indented tree, one field a line. */
export function renderTree(title: string, value: unknown, o: RenderOptions = {}): string {
  const lines: string[] = [title];
  const walk = (key: string, v: unknown, parent: Record<string, unknown> | undefined, indent: string) => {
    const l = leaf(key, v, parent, o);
    if (l !== undefined) {
      lines.push(`${indent}${rfcName(key)}: ${l}`);
      return;
    }
    if (Array.isArray(v)) {
      if (v.length && v.every((x) => leaf(key, x, parent, o) !== undefined && typeof x !== 'object')) {
        lines.push(`${indent}${rfcName(key)}: ${v.map((x) => leaf(key, x, parent, o)).join(', ')}`);
        return;
      }
      lines.push(`${indent}${rfcName(key)}: [${v.length}]`);
      v.forEach((x, i) => {
        walk(`${i}`, x, parent, indent + '  ');
      });
      return;
    }
    lines.push(`${indent}${rfcName(key)}:`);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) walk(k, x, v as Record<string, unknown>, indent + '  ');
  };
  if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    for (const [k, x] of Object.entries(value as Record<string, unknown>)) if (x !== undefined) walk(k, x, value as Record<string, unknown>, '  ');
  } else walk('value', value, undefined, '  ');
  return lines.join('\n');
}

/** JSON with the same conversions as the tree (bytes as hex, times as ISO, bigint as string). */
export function renderJson(value: unknown): string {
  return JSON.stringify(
    // decode opens what the keys given to it open, and shows it all, keys included (as klist -K
    // does): the redaction the library's objects carry is for logs, not for this tool
    plain(value),
    (_k, v: unknown) => {
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      if (typeof v === 'bigint') return v.toString();
      return v;
    },
    2,
  );
}

/** A copy of decoded data as plain objects, so that no `toJSON` (a redacted key's) applies. */
function plain(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plain(x);
  return out;
}
