/**
 * PAC_LOGON_INFO (MS-PAC 2.5): KERB_VALIDATION_INFO, NDR-serialized behind a unique pointer.
 * @module
 */
import { type FileTime, type NdrReader, NdrWriter, closeSerialized, openSerialized, serialize, toUtf16le } from './ndr.js';

/** GROUP_MEMBERSHIP (MS-PAC 2.2.2): a relative id in a domain and its SE_GROUP_* attributes. */
export interface GroupMembership {
  relativeId: number;
  attributes: number;
}

/** KERB_SID_AND_ATTRIBUTES (MS-PAC 2.2.1): a SID (text) and its SE_GROUP_* attributes. */
export interface SidAndAttributes {
  sid: string;
  attributes: number;
}

/**
 * How an RPC_UNICODE_STRING was sent when it is not the usual form (a non-null pointer and
 * MaximumLength = Length): `null` for a null pointer, a number for another MaximumLength. The
 * decoder fills it so that the encoder gives the same bytes back.
 */
export type UnicodeStringForms = Partial<Record<LogonInfoStringField, number | null>>;

/** The RPC_UNICODE_STRING fields of {@link KerbValidationInfo}. */
export type LogonInfoStringField = 'effectiveName' | 'fullName' | 'logonScript' | 'profilePath' | 'homeDirectory' | 'homeDirectoryDrive' | 'logonServer' | 'logonDomainName';

/**
 * KERB_VALIDATION_INFO (MS-PAC 2.5), field for field; FILETIMEs as {@link FileTime} (decimal
 * 100-ns ticks since 1601: `fileTimeToDate` gives the `Date`), SIDs as text `S-1-5-21-…`.
 */
export interface KerbValidationInfo {
  logonTime: FileTime;
  logoffTime: FileTime;
  kickOffTime: FileTime;
  passwordLastSet: FileTime;
  passwordCanChange: FileTime;
  passwordMustChange: FileTime;
  effectiveName: string;
  fullName: string;
  logonScript: string;
  profilePath: string;
  homeDirectory: string;
  homeDirectoryDrive: string;
  logonCount: number;
  badPasswordCount: number;
  /** The user's RID in `logonDomainId`. */
  userId: number;
  primaryGroupId: number;
  /** The domain groups (RIDs in `logonDomainId`); null when the pointer was null. */
  groupIds: GroupMembership[] | null;
  userFlags: number;
  userSessionKey: Uint8Array;
  logonServer: string;
  logonDomainName: string;
  /** The domain SID; null when the pointer was null. */
  logonDomainId: string | null;
  reserved1: [number, number];
  userAccountControl: number;
  subAuthStatus: number;
  lastSuccessfulILogon: FileTime;
  lastFailedILogon: FileTime;
  failedILogonCount: number;
  reserved3: number;
  /** ExtraSids (user flag 0x20); null when the pointer was null. */
  extraSids: SidAndAttributes[] | null;
  /** ResourceGroupDomainSid (user flag 0x200); null when the pointer was null. */
  resourceGroupDomainSid: string | null;
  /** ResourceGroupIds (RIDs in `resourceGroupDomainSid`); null when the pointer was null. */
  resourceGroupIds: GroupMembership[] | null;
  /** See {@link UnicodeStringForms}; absent when every string had the usual form. */
  stringForms?: UnicodeStringForms;
  /**
   * How the NDR referent ids were numbered, when it matters (extra SIDs and a resource group
   * domain both present): Windows numbers the extra SIDs' pointers right after ExtraSids's own
   * (the default), Samba in the order the pointers are written (`'sequential'`). Kept by the
   * decoder so that the encoder gives the same bytes back.
   */
  ndrReferents?: 'sequential';
}

interface StrHead {
  field: LogonInfoStringField;
  length: number;
  max: number;
  present: boolean;
}

function readStrHead(r: NdrReader, field: LogonInfoStringField): StrHead {
  const length = r.u16(field);
  const max = r.u16(field);
  const present = r.pointer(field);
  if (length % 2 !== 0 || max % 2 !== 0 || length > max) r.fail(`RPC_UNICODE_STRING Length ${length} MaximumLength ${max}`, field, r.pos - 8);
  if (!present && length !== 0) r.fail('null string with a length', field, r.pos - 4);
  return { field, length, max, present };
}

function readStrBody(r: NdrReader, h: StrHead, forms: UnicodeStringForms): string {
  if (!h.present) {
    forms[h.field] = null;
    return '';
  }
  if (h.max !== h.length) forms[h.field] = h.max;
  return r.unicodeBody(h.length, h.max, h.field);
}

function readGroups(r: NdrReader, count: number, present: boolean, path: string): GroupMembership[] | null {
  if (!present) {
    if (count !== 0) r.fail(`${count} groups behind a null pointer`, path);
    return null;
  }
  const at = r.pos;
  const max = r.count(8, path);
  if (max !== count) r.fail(`array size ${max} differs from the count ${count}`, path, at);
  const out: GroupMembership[] = [];
  for (let i = 0; i < max; i++) out.push({ relativeId: r.u32(path), attributes: r.u32(path) });
  return out;
}

/**
 * Decodes a PAC_LOGON_INFO buffer (type 1).
 * @example
 * ```ts
 * decodeLogonInfo(buffer).groupIds?.map((g) => g.relativeId)
 * ```
 */
export function decodeLogonInfo(bytes: Uint8Array): KerbValidationInfo {
  const r = openSerialized(bytes, 'PAC_LOGON_INFO');
  if (!r.pointer('Info')) r.fail('null KERB_VALIDATION_INFO', 'Info', 0);
  const forms: UnicodeStringForms = {};
  const logonTime = r.filetime('LogonTime');
  const logoffTime = r.filetime('LogoffTime');
  const kickOffTime = r.filetime('KickOffTime');
  const passwordLastSet = r.filetime('PasswordLastSet');
  const passwordCanChange = r.filetime('PasswordCanChange');
  const passwordMustChange = r.filetime('PasswordMustChange');
  const heads1 = (['effectiveName', 'fullName', 'logonScript', 'profilePath', 'homeDirectory', 'homeDirectoryDrive'] as const).map((f) => readStrHead(r, f));
  const logonCount = r.u16('LogonCount');
  const badPasswordCount = r.u16('BadPasswordCount');
  const userId = r.u32('UserId');
  const primaryGroupId = r.u32('PrimaryGroupId');
  const groupCount = r.u32('GroupCount');
  const groupsPtr = r.pointer('GroupIds');
  const userFlags = r.u32('UserFlags');
  const userSessionKey = r.raw(16, 'UserSessionKey');
  const heads2 = (['logonServer', 'logonDomainName'] as const).map((f) => readStrHead(r, f));
  const domainPtr = r.pointer('LogonDomainId');
  const reserved1: [number, number] = [r.u32('Reserved1'), r.u32('Reserved1')];
  const userAccountControl = r.u32('UserAccountControl');
  const subAuthStatus = r.u32('SubAuthStatus');
  const lastSuccessfulILogon = r.filetime('LastSuccessfulILogon');
  const lastFailedILogon = r.filetime('LastFailedILogon');
  const failedILogonCount = r.u32('FailedILogonCount');
  const reserved3 = r.u32('Reserved3');
  const sidCount = r.u32('SidCount');
  const extraPtr = r.pointer('ExtraSids');
  const resDomainPtr = r.pointer('ResourceGroupDomainSid');
  const resCount = r.u32('ResourceGroupCount');
  const resPtr = r.pointer('ResourceGroupIds');

  // The deferred referents, in the order of their pointers.
  const s1 = heads1.map((h) => readStrBody(r, h, forms));
  const groupIds = readGroups(r, groupCount, groupsPtr, 'GroupIds');
  const s2 = heads2.map((h) => readStrBody(r, h, forms));
  const logonDomainId = domainPtr ? r.sid('LogonDomainId') : null;
  let extraSids: SidAndAttributes[] | null = null;
  if (extraPtr) {
    const at = r.pos;
    const max = r.count(8, 'ExtraSids');
    if (max !== sidCount) r.fail(`array size ${max} differs from SidCount ${sidCount}`, 'ExtraSids', at);
    const heads: { present: boolean; attributes: number }[] = [];
    for (let i = 0; i < max; i++) heads.push({ present: r.pointer('ExtraSids.Sid'), attributes: r.u32('ExtraSids.Attributes') });
    extraSids = [];
    for (const h of heads) {
      if (!h.present) r.fail('null SID in ExtraSids', 'ExtraSids.Sid');
      extraSids.push({ sid: r.sid('ExtraSids.Sid'), attributes: h.attributes });
    }
  } else if (sidCount !== 0) r.fail(`${sidCount} extra SIDs behind a null pointer`, 'ExtraSids');
  const resourceGroupDomainSid = resDomainPtr ? r.sid('ResourceGroupDomainSid') : null;
  const resourceGroupIds = readGroups(r, resCount, resPtr, 'ResourceGroupIds');
  closeSerialized(r);
  const sequential = isSequential(r.referents);

  const info: KerbValidationInfo = {
    logonTime,
    logoffTime,
    kickOffTime,
    passwordLastSet,
    passwordCanChange,
    passwordMustChange,
    effectiveName: s1[0]!,
    fullName: s1[1]!,
    logonScript: s1[2]!,
    profilePath: s1[3]!,
    homeDirectory: s1[4]!,
    homeDirectoryDrive: s1[5]!,
    logonCount,
    badPasswordCount,
    userId,
    primaryGroupId,
    groupIds,
    userFlags,
    userSessionKey,
    logonServer: s2[0]!,
    logonDomainName: s2[1]!,
    logonDomainId,
    reserved1,
    userAccountControl,
    subAuthStatus,
    lastSuccessfulILogon,
    lastFailedILogon,
    failedILogonCount,
    reserved3,
    extraSids,
    resourceGroupDomainSid,
    resourceGroupIds,
  };
  if (Object.keys(forms).length > 0) info.stringForms = forms;
  if (sequential && extraSids !== null && extraSids.length > 0 && (resourceGroupDomainSid !== null || resourceGroupIds !== null)) info.ndrReferents = 'sequential';
  return info;
}

/** Whether the non-null referent ids were numbered 0x20000, 0x20004, … in the order read. */
function isSequential(ids: readonly number[]): boolean {
  let next = 0x20000;
  for (const id of ids) {
    if (id === 0) continue;
    if (id !== next) return false;
    next += 4;
  }
  return true;
}

/**
 * Encodes a PAC_LOGON_INFO buffer (type 1): the inverse of {@link decodeLogonInfo}, byte for
 * byte on what Windows, Samba and MIT write.
 * @example
 * ```ts
 * encodeLogonInfo({ ...decodeLogonInfo(buffer), groupIds: [{ relativeId: 513, attributes: 7 }] })
 * ```
 */
export function encodeLogonInfo(info: KerbValidationInfo): Uint8Array {
  const w = new NdrWriter();
  const forms = info.stringForms ?? {};
  w.pointer(true);
  w.filetime(info.logonTime);
  w.filetime(info.logoffTime);
  w.filetime(info.kickOffTime);
  w.filetime(info.passwordLastSet);
  w.filetime(info.passwordCanChange);
  w.filetime(info.passwordMustChange);
  const bodies1 = (['effectiveName', 'fullName', 'logonScript', 'profilePath', 'homeDirectory', 'homeDirectoryDrive'] as const).map((f) => writeStrHead(w, f, info[f], forms));
  w.u16(info.logonCount);
  w.u16(info.badPasswordCount);
  w.u32(info.userId);
  w.u32(info.primaryGroupId);
  w.u32(info.groupIds?.length ?? 0);
  w.pointer(info.groupIds !== null);
  w.u32(info.userFlags);
  if (info.userSessionKey.length !== 16) throw new RangeError('userSessionKey must be 16 bytes');
  w.raw(info.userSessionKey);
  const bodies2 = (['logonServer', 'logonDomainName'] as const).map((f) => writeStrHead(w, f, info[f], forms));
  w.pointer(info.logonDomainId !== null);
  w.u32(info.reserved1[0]);
  w.u32(info.reserved1[1]);
  w.u32(info.userAccountControl);
  w.u32(info.subAuthStatus);
  w.filetime(info.lastSuccessfulILogon);
  w.filetime(info.lastFailedILogon);
  w.u32(info.failedILogonCount);
  w.u32(info.reserved3);
  w.u32(info.extraSids?.length ?? 0);
  w.pointer(info.extraSids !== null);
  // Windows numbers the extra SIDs' pointers here (see ndrReferents).
  const sidIds = info.ndrReferents === 'sequential' ? undefined : info.extraSids?.map(() => w.reserve());
  w.pointer(info.resourceGroupDomainSid !== null);
  w.u32(info.resourceGroupIds?.length ?? 0);
  w.pointer(info.resourceGroupIds !== null);

  for (const b of bodies1) b();
  writeGroups(w, info.groupIds);
  for (const b of bodies2) b();
  if (info.logonDomainId !== null) w.sid(info.logonDomainId);
  if (info.extraSids !== null) {
    w.u32(info.extraSids.length);
    info.extraSids.forEach((s, i) => {
      if (sidIds) w.u32(sidIds[i]!);
      else w.pointer(true);
      w.u32(s.attributes);
    });
    for (const s of info.extraSids) w.sid(s.sid);
  }
  if (info.resourceGroupDomainSid !== null) w.sid(info.resourceGroupDomainSid);
  writeGroups(w, info.resourceGroupIds);
  return serialize(w);
}

/** Writes an RPC_UNICODE_STRING's header; returns the writer of its deferred body. */
function writeStrHead(w: NdrWriter, field: LogonInfoStringField, value: string, forms: UnicodeStringForms): () => void {
  const units = toUtf16le(value);
  const form = forms[field];
  if (form === null) {
    if (units.length !== 0) throw new RangeError(`${field}: a null string cannot hold text`);
    w.u16(0);
    w.u16(0);
    w.pointer(false);
    return () => {};
  }
  const max = form ?? units.length;
  if (units.length > 0xffff || max > 0xffff || max < units.length || max % 2 !== 0) throw new RangeError(`${field}: length ${units.length} / MaximumLength ${max}`);
  w.u16(units.length);
  w.u16(max);
  w.pointer(true);
  return () => w.unicodeBody(units, max);
}

function writeGroups(w: NdrWriter, groups: GroupMembership[] | null): void {
  if (groups === null) return;
  w.u32(groups.length);
  for (const g of groups) {
    w.u32(g.relativeId);
    w.u32(g.attributes);
  }
}
