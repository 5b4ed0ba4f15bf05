/**
 * The PAC (MS-PAC) the embedded KDC puts in its tickets, as an Active Directory DC would for a
 * user of its domain: LOGON_INFO (the user's RID, primary group 513 and the groups the database
 * gives, the domain SID), CLIENT_INFO (the client name and authtime, which MIT's krb5_pac_verify
 * checks), UPN_DNS_INFO (with the SAM name and SID), PAC_ATTRIBUTES (requested or given
 * implicitly), PAC_REQUESTOR, and the server and KDC checksums (`ap/signPac`). In the TGS
 * exchange the TGT's PAC is verified with the krbtgt key and signed again for the service.
 * @module
 */
import { PAC_CHECKSUM_USAGE, pacSignatureSlots, shouldHaveTicketSignature, signPac, signPacBytesAt, verifyPac, findPac, type PacSignatureSlots } from '../ap/index.js';
import type { Key } from '../crypto/index.js';
import { checksum, digest, isSupportedEnctype, mandatoryChecksumType, verifyChecksum } from '../crypto/index.js';
import { IntegrityError } from '../errors.js';
import { AdType } from '../iana/index.js';
import {
  ADIfRelevant,
  AuthorizationData as AuthorizationDataCodec,
  PAC_WAS_GIVEN_IMPLICITLY,
  PAC_WAS_REQUESTED,
  UPN_DNS_INFO_EXTENDED,
  UPN_DNS_INFO_UPN_CONSTRUCTED,
  dateToFileTime,
  decodePac,
  EncTicketPart,
  parsePacHeader,
  signatureLength,
  unparsePrincipal,
  type AuthorizationData,
  type EncTicketPart as EncTicketPartT,
  type KerbValidationInfo,
  type Pac,
  type PacBuffer,
} from '../messages/index.js';
import { utf8 } from '../util/bytes.js';
import type { DbEntry } from './database.js';

/** FILETIME "never" (0x7fffffffffffffff), as AD writes LogoffTime and KickOffTime. */
const NEVER = '9223372036854775807';
/** SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED. */
const GROUP_ATTRIBUTES = 7;
/** USER_NORMAL_ACCOUNT | USER_DONT_EXPIRE_PASSWORD (MS-PAC 2.5's UserAccountControl). */
const NORMAL_ACCOUNT = 0x10 | 0x200;
/** Domain Users. */
export const DOMAIN_USERS_RID = 513;

/** A domain SID for a realm, fixed by its name (S-1-5-21- and three 32-bit numbers from SHA-256). */
export function realmDomainSid(realm: string): string {
  const h = digest('sha256', utf8(`tskrb5 kdc domain ${realm}`));
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  return `S-1-5-21-${dv.getUint32(0, true)}-${dv.getUint32(4, true)}-${dv.getUint32(8, true)}`;
}

/** What the PAC of a client says. */
export interface PacIdentity {
  domainSid: string;
  /** NetBIOS-style domain name (the realm's first label). */
  domainName: string;
  realm: string;
  rid: number;
  groupRids: number[];
}

/**
 * A client's PAC encoded once, with a stand-in authtime: the places its three FILETIMEs
 * (LOGON_INFO's LogonTime and PasswordLastSet, CLIENT_INFO's ClientId) sit, and the signature
 * slots. Only those bytes differ from one ticket to the next, so a ticket's PAC is the template
 * with the times written in and signed again — the NDR encoding (a third of an AS exchange) is
 * done once per client, variant and key enctypes.
 */
interface PacTemplate {
  bytes: Uint8Array;
  times: number[];
  slots: PacSignatureSlots;
}
/** The stand-in authtime: 2107-03-04T05:06:07.089Z, whose FILETIME bytes nothing else in a PAC repeats (checked). */
const STAND_IN = new Date(Date.UTC(2107, 2, 4, 5, 6, 7, 89));
const STAND_IN_BYTES = fileTimeBytes(STAND_IN);
const templates = new WeakMap<DbEntry, Map<string, PacTemplate | null>>();

function fileTimeBytes(d: Date): Uint8Array {
  let v = BigInt(dateToFileTime(d));
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function templateOf(client: DbEntry, id: PacIdentity, requested: boolean | undefined, serverKey: Key, kdcKey: Key): PacTemplate | null {
  const variant = `${requested}|${serverKey.etype}|${kdcKey.etype}|${unparsePrincipal(client.principal)}|${id.domainSid}|${id.domainName}|${id.realm}|${id.rid}|${id.groupRids.join(',')}`;
  let perEntry = templates.get(client);
  if (!perEntry) {
    perEntry = new Map();
    templates.set(client, perEntry);
  }
  const known = perEntry.get(variant);
  if (known !== undefined) return known;
  const bytes = signPac(pacOf(client, id, STAND_IN, requested), { serverKey, kdcKey });
  const slots = pacSignatureSlots(bytes);
  const times: number[] = [];
  for (let i = 0; i + 8 <= bytes.length; i++) {
    let j = 0;
    while (j < 8 && bytes[i + j] === STAND_IN_BYTES[j]) j++;
    if (j === 8) times.push(i);
  }
  // LogonTime, PasswordLastSet and ClientId, outside the signatures; anything else: no template
  const inSig = (o: number) => (o + 8 > slots.server.offset && o < slots.server.offset + slots.server.size) || (o + 8 > slots.kdc.offset && o < slots.kdc.offset + slots.kdc.size);
  const t = times.length === 3 && !times.some(inSig) ? { bytes, times, slots } : null;
  if (perEntry.size > 16) perEntry.clear();
  perEntry.set(variant, t);
  return t;
}

/** Builds and signs a client's PAC for a ticket (the ticket's service key and the krbtgt key); `unsigned`: see resignPac. */
export function issuePac(
  client: DbEntry,
  id: PacIdentity,
  authtime: Date,
  requested: boolean | undefined,
  serverKey: Key,
  kdcKey: Key,
  options: { unsigned?: boolean } = {},
): Uint8Array {
  const t = templateOf(client, id, requested, serverKey, kdcKey);
  if (!t) return signPac(pacOf(client, id, authtime, requested), { serverKey, kdcKey });
  const bytes = t.bytes.slice();
  const now = fileTimeBytes(authtime);
  for (const at of t.times) bytes.set(now, at);
  // unsigned: ticketAuthorizationData lays the signatures out again and signs once
  if (!options.unsigned) signPacBytesAt(bytes, t.slots, serverKey, kdcKey);
  return bytes;
}

/**
 * The client's name in the PAC (CLIENT_INFO, and the account names beside it): its unparsed name
 * without the realm, as MIT's krb5_pac_verify (k5_pac_validate_client) writes the name it
 * compares CLIENT_INFO's with — KRB5_PRINCIPAL_UNPARSE_DISPLAY | NO_REALM, ours in ap/pac.ts
 * alike. MIT's signer (k5_insert_client_info, for a PAC without the realm) unparses with NO_REALM
 * alone, which differs only for a name with `/`, `\` or a control character inside a component,
 * and there MIT's own acceptor refuses it; the name acceptors check is the one written here.
 */
function pacName(client: DbEntry): string {
  return unparsePrincipal(client.principal, { display: true, noRealm: true });
}

/** The unsigned PAC of a client (blank checksum buffers). */
function pacOf(client: DbEntry, id: PacIdentity, authtime: Date, requested: boolean | undefined): Pac {
  const name = pacName(client);
  const userSid = `${id.domainSid}-${id.rid}`;
  const now = dateToFileTime(authtime);
  const logon: KerbValidationInfo = {
    logonTime: now,
    logoffTime: NEVER,
    kickOffTime: NEVER,
    passwordLastSet: now,
    passwordCanChange: '0',
    passwordMustChange: NEVER,
    effectiveName: name,
    fullName: '',
    logonScript: '',
    profilePath: '',
    homeDirectory: '',
    homeDirectoryDrive: '',
    logonCount: 0,
    badPasswordCount: 0,
    userId: id.rid,
    primaryGroupId: DOMAIN_USERS_RID,
    groupIds: [DOMAIN_USERS_RID, ...id.groupRids].map((relativeId) => ({ relativeId, attributes: GROUP_ATTRIBUTES })),
    userFlags: 0,
    userSessionKey: new Uint8Array(16),
    logonServer: 'TSKRB5-KDC',
    logonDomainName: id.domainName,
    logonDomainId: id.domainSid,
    reserved1: [0, 0],
    userAccountControl: NORMAL_ACCOUNT,
    subAuthStatus: 0,
    lastSuccessfulILogon: '0',
    lastFailedILogon: '0',
    failedILogonCount: 0,
    reserved3: 0,
    extraSids: null,
    resourceGroupDomainSid: null,
    resourceGroupIds: null,
  };
  const buffers: PacBuffer[] = [
    { kind: 'logonInfo', type: 1, value: logon },
    { kind: 'clientInfo', type: 10, value: { clientId: now, name } },
    {
      kind: 'upnDnsInfo',
      type: 12,
      value: { upn: `${name}@${id.realm.toLowerCase()}`, dnsDomainName: id.realm, flags: UPN_DNS_INFO_UPN_CONSTRUCTED | UPN_DNS_INFO_EXTENDED, samName: name, sid: userSid },
    },
    { kind: 'attributes', type: 17, value: { flagsLength: 2, flags: [requested === undefined ? PAC_WAS_GIVEN_IMPLICITLY : PAC_WAS_REQUESTED] } },
    { kind: 'requestor', type: 18, value: { sid: userSid } },
    { kind: 'serverChecksum', type: 6, value: { signatureType: 0, signature: new Uint8Array(0) } },
    { kind: 'kdcChecksum', type: 7, value: { signatureType: 0, signature: new Uint8Array(0) } },
  ];
  return { version: 0, buffers };
}

/** The PAC as a ticket's authorization data: AD-IF-RELEVANT holding AD-WIN2K-PAC, as AD and MIT put it. */
export function pacAuthorizationData(pac: Uint8Array): AuthorizationData {
  return [{ adType: AdType.AD_IF_RELEVANT, adData: ADIfRelevant.encode([{ adType: AdType.AD_WIN2K_PAC, adData: pac }]) }];
}

/**
 * A ticket's authorization data with its signed PAC, as MIT 1.20's `krb5_kdc_sign_ticket` makes
 * it: for a service ticket (not a krbtgt or kadmin/changepw ticket), the ticket signature
 * (MS-PAC PAC_TICKET_CHECKSUM, type 16) — the krbtgt key's checksum over the EncTicketPart whose
 * PAC is replaced by a single zero byte — is added after the PAC's other buffers and before the
 * server and KDC checksums, which are then computed again over the PAC that holds it. It binds
 * the PAC to the rest of the ticket: a service that holds its own key can no longer change the
 * ticket's flags (CVE-2020-17049, "bronze bit") and present it again as S4U2Proxy evidence.
 * `pac`: for a service ticket, the PAC as issuePac or resignPac return it `unsigned` (its
 * signatures are laid out and computed here, once); for a krbtgt or kadmin/changepw ticket, the
 * signed PAC, taken as it is. `serverKey`: the key of the server checksum. Also returns the
 * ticket part's encoding, for the caller to encrypt.
 */
export function ticketAuthorizationData(
  part: EncTicketPartT,
  pac: Uint8Array,
  server: { components: readonly string[] },
  serverKey: Key,
  kdcKey: Key,
): { authorizationData: AuthorizationData; encoded: Uint8Array } {
  // the ticket part is encoded once without authorization data; the placeholder's encoding and
  // the final one are that with their [10] field appended (it is the last field)
  const bare = part.authorizationData === undefined ? EncTicketPart.encode(part) : undefined;
  const withAd = (ad: AuthorizationData) =>
    bare ? appendAuthorizationData(bare, ad) : EncTicketPart.encode({ ...part, authorizationData: [...ad, ...(part.authorizationData ?? [])] });
  // a krbtgt or kadmin/changepw ticket: the PAC as resignPac or issuePac signed it
  if (!shouldHaveTicketSignature(server)) {
    const ad = pacAuthorizationData(pac);
    return { authorizationData: [...ad, ...(part.authorizationData ?? [])], encoded: withAd(ad) };
  }
  const kdcType = mandatoryChecksumType(kdcKey.etype);
  const serverType = mandatoryChecksumType(serverKey.etype);
  // the PAC's other buffers in their order, then the ticket signature, server and KDC checksums,
  // each 8-aligned after the header (MIT's k5_pac_add_buffer layout)
  const keep = parsePacHeader(pac).filter((h) => h.type !== 6 && h.type !== 7 && h.type !== 16 && h.type !== 19);
  const sigs: [number, number][] = [
    [16, 4 + signatureLength(kdcType)!],
    [6, 4 + signatureLength(serverType)!],
    [7, 4 + signatureLength(kdcType)!],
  ];
  const count = keep.length + sigs.length;
  let at = 8 + 16 * count;
  const place = (size: number) => {
    const o = at;
    at = (at + size + 7) & ~7;
    return o;
  };
  const entries = [
    ...keep.map((h) => ({ type: h.type, size: h.size, offset: place(h.size), from: h.offset })),
    ...sigs.map(([type, size]) => ({ type, size, offset: place(size), from: -1 })),
  ];
  const bytes = new Uint8Array(at);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, count, true);
  v.setUint32(4, new DataView(pac.buffer, pac.byteOffset, pac.byteLength).getUint32(4, true), true);
  entries.forEach((e, i) => {
    v.setUint32(8 + 16 * i, e.type, true);
    v.setUint32(12 + 16 * i, e.size, true);
    v.setUint32(16 + 16 * i, e.offset, true);
    if (e.from >= 0) bytes.set(pac.subarray(e.from, e.from + e.size), e.offset);
    else v.setInt32(e.offset, e.type === 6 ? serverType : kdcType, true); // 16 and 7: the KDC key's type
  });
  const slot = (type: number) => entries.find((e) => e.type === type)!;
  bytes.set(checksum(kdcKey, PAC_CHECKSUM_USAGE, withAd(pacAuthorizationData(Uint8Array.of(0))), kdcType), slot(16).offset + 4);
  signPacBytesAt(bytes, { server: slot(6), kdc: slot(7) }, serverKey, kdcKey);
  const ad = pacAuthorizationData(bytes);
  return { authorizationData: [...ad, ...(part.authorizationData ?? [])], encoded: withAd(ad) };
}

/** DER definite length octets. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** Where a DER TLV's content starts and how long it is (definite lengths, as our encoder writes). */
function tlv(b: Uint8Array, at: number): { start: number; length: number } {
  const first = b[at + 1]!;
  if (first < 0x80) return { start: at + 2, length: first };
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + b[at + 2 + i]!;
  return { start: at + 2 + (first & 0x7f), length };
}

/**
 * An encoded EncTicketPart without authorization data, with `ad` appended as its last field
 * (`[10] AuthorizationData`): the same bytes as encoding the part with it, without encoding the
 * rest again. `bare` is our own encoder's output ([APPLICATION 3] SEQUENCE, definite lengths).
 */
function appendAuthorizationData(bare: Uint8Array, ad: AuthorizationData): Uint8Array {
  const seq = tlv(bare, 0);
  const fields = tlv(bare, seq.start);
  const adBytes = AuthorizationDataCodec.encode(ad);
  const field = [0xaa, ...derLength(adBytes.length)];
  const innerLength = fields.length + field.length + adBytes.length;
  const inner = [0x30, ...derLength(innerLength)];
  const outer = [bare[0]!, ...derLength(inner.length + innerLength)];
  const out = new Uint8Array(outer.length + inner.length + innerLength);
  out.set(outer, 0);
  out.set(inner, outer.length);
  let at = outer.length + inner.length;
  out.set(bare.subarray(fields.start, fields.start + fields.length), at);
  at += fields.length;
  out.set(field, at);
  out.set(adBytes, at + field.length);
  return out;
}

/**
 * The checksum a PAC signature with this key has, as MIT's krb5_pac_sign chooses it (the
 * enctype's mandatory checksum, krb5int_c_mandatory_cksumtype), and its length.
 */
function pacChecksumOf(key: Key): { type: number; length: number } | undefined {
  if (!isSupportedEnctype(key.etype)) return undefined;
  const type = mandatoryChecksumType(key.etype);
  const length = signatureLength(type);
  return length === undefined ? undefined : { type, length };
}

/**
 * The TGT's PAC, verified with the krbtgt key (a PAC that does not verify is an error for the
 * caller to refuse), signed again for the service; undefined when the TGT has none. The common
 * case — exactly one server and one KDC checksum, no ticket or full checksum, a server signature
 * of the new key's length — is done in place, without decoding the buffers: the signatures
 * zeroed, both checked, the server checksum (PAC_CHECKSUM_USAGE over the whole PAC) and the KDC
 * checksum (over the server signature) written again, as MIT's krb5_pac_sign computes them. Any
 * other PAC goes through `verifyPac`, `decodePac` and `signPac`. With `unsigned`, the verified PAC
 * is returned as it came, for `ticketAuthorizationData` to lay out and sign once.
 */
export function resignPac(
  tgtAuthorizationData: AuthorizationData | undefined,
  verify: { serverKey: Key; kdcKey?: Key },
  serverKey: Key,
  signer: Key,
  options: { unsigned?: boolean } = {},
): Uint8Array | undefined {
  // verify.serverKey: the key of the ticket the PAC came in (a TGT's krbtgt key, a cross-realm
  // trust key, an S4U2Proxy evidence ticket's service key); verify.kdcKey: our krbtgt key, absent
  // for a cross-realm TGT (its KDC checksum is the other realm's, which we cannot check, as MIT)
  const crossRealm = verify.kdcKey === undefined;
  const krbtgtKey = verify.serverKey;
  const bytes = findPac(tgtAuthorizationData);
  if (!bytes) return undefined;
  const header = parsePacHeader(bytes);
  const server = header.filter((h) => h.type === 6);
  const kdc = header.filter((h) => h.type === 7);
  const want = pacChecksumOf(serverKey);
  const kdcType = pacChecksumOf(signer);
  if (
    server.length === 1 &&
    kdc.length === 1 &&
    want &&
    kdcType &&
    !header.some((h) => h.type === 16 || h.type === 19) &&
    server[0]!.size === 4 + want.length &&
    kdc[0]!.size === 4 + kdcType.length
  ) {
    const s = server[0]!;
    const k = kdc[0]!;
    const out = bytes.slice();
    const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const oldServerType = v.getUint32(s.offset, true) | 0;
    const oldKdcType = v.getUint32(k.offset, true) | 0;
    const oldServerSig = bytes.subarray(s.offset + 4, s.offset + s.size);
    const oldKdcSig = bytes.subarray(k.offset + 4, k.offset + k.size);
    out.fill(0, s.offset + 4, s.offset + s.size);
    out.fill(0, k.offset + 4, k.offset + k.size);
    if (!verifyChecksum(krbtgtKey, PAC_CHECKSUM_USAGE, out, oldServerSig, oldServerType)) throw new IntegrityError({ code: 'ERR_PAC_SERVER_CHECKSUM' });
    if (!crossRealm && !verifyChecksum(verify.kdcKey!, PAC_CHECKSUM_USAGE, oldServerSig, oldKdcSig, oldKdcType)) throw new IntegrityError({ code: 'ERR_PAC_KDC_CHECKSUM' });
    if (options.unsigned) return bytes;
    v.setUint32(s.offset, want.type >>> 0, true);
    v.setUint32(k.offset, kdcType.type >>> 0, true);
    out.set(checksum(serverKey, PAC_CHECKSUM_USAGE, out, want.type), s.offset + 4);
    out.set(checksum(signer, PAC_CHECKSUM_USAGE, out.subarray(s.offset + 4, s.offset + s.size), kdcType.type), k.offset + 4);
    return out;
  }
  verifyPac(bytes, crossRealm ? { serverKey: verify.serverKey } : { serverKey: verify.serverKey, kdcKey: verify.kdcKey! });
  if (options.unsigned) return bytes;
  const pac: Pac = decodePac(bytes);
  const { offsets: _, ...rest } = pac;
  return signPac({ ...rest, buffers: pac.buffers.filter((b) => b.kind !== 'ticketChecksum' && b.kind !== 'fullChecksum') }, { serverKey, kdcKey: signer });
}
