/**
 * `tskrb5 decode`'s view of a ticket's PAC (MS-PAC): each buffer by its MS-PAC name, SIDs as
 * `S-1-5-21-…`, FILETIMEs as ISO times, the user's SIDs and groups spelled out, and what the
 * keys given could verify (the server checksum with the service key, CLIENT_INFO against the
 * ticket, as MIT's krb5_pac_verify).
 * @module
 */
import { findPac, verifyPac } from '../../ap/index.js';
import type { Key } from '../../crypto/index.js';
import { KerberosError } from '../../errors.js';
import { type EncTicketPart, type FileTime, type PacBuffer, PacBufferType, decodePac, fileTimeToDate, pacSids } from '../../messages/index.js';
import type { Analysis } from './analyze.js';

const NAME = new Map<number, string>(Object.entries(PacBufferType).map(([k, v]) => [v, k]));

const FILETIME_FIELDS = new Set([
  'logonTime',
  'logoffTime',
  'kickOffTime',
  'passwordLastSet',
  'passwordCanChange',
  'passwordMustChange',
  'lastSuccessfulILogon',
  'lastFailedILogon',
  'clientId',
]);

function time(t: FileTime): string {
  if (t === '9223372036854775807') return `never (${t})`;
  if (t === '0') return 'not set (0)';
  const d = fileTimeToDate(t);
  return d ? `${d.toISOString().replace('.000Z', 'Z')} (${t})` : t;
}

const CHECKSUMS: Record<number, string> = {
  15: 'hmac-sha1-96-aes128',
  16: 'hmac-sha1-96-aes256',
  19: 'hmac-sha256-128-aes128',
  20: 'hmac-sha384-192-aes256',
  [-138]: 'hmac-md5 (RC4)',
};

/** One buffer as the tree shows it (names that the renderer would read as Kerberos flags renamed). */
function view(b: PacBuffer): Record<string, unknown> {
  const type = `${b.type} (${NAME.get(b.type) ?? 'unknown'})`;
  if (b.kind === 'raw') return { type, data: b.value };
  const v: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(b.value as unknown as Record<string, unknown>)) {
    if (k === 'stringForms' || k === 'layout' || k === 'ndrReferents') continue;
    if (FILETIME_FIELDS.has(k) && typeof x === 'string') v[k] = time(x);
    else if (k === 'flags')
      v[b.kind === 'attributes' ? 'pacAttributes' : 'upnDnsFlags'] = Array.isArray(x) ? x.map((n: number) => `0x${n.toString(16)}`).join(' ') : `0x${(x as number).toString(16)}`;
    else if (k === 'signatureType') v.signatureType = `${x} (${CHECKSUMS[x as number] ?? 'unknown'})`;
    else if (k === 'userFlags' || k === 'userAccountControl') v[k] = `0x${(x as number).toString(16)}`;
    else v[k] = x;
  }
  if (b.kind === 'logonInfo') {
    const { user, groups } = pacSids(b.value);
    v.userSid = user;
    v.groupSids = groups;
  }
  return { type, ...v };
}

/** Adds the ticket's PAC, if any, to `out` (after the EncTicketPart opened with `serviceKey`). */
export function showPac(part: EncTicketPart, serviceKey: Key, out: Analysis): void {
  let bytes: Uint8Array | undefined;
  try {
    bytes = findPac(part.authorizationData);
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    out.notes.push(`the ticket's AD-IF-RELEVANT does not decode: ${e.message}`);
    return;
  }
  if (!bytes) return;
  let verified: string;
  try {
    verifyPac(bytes, { serverKey: serviceKey, client: { components: part.cname.nameString, realm: part.crealm }, authtime: part.authtime, allowWeakCrypto: true });
    verified = 'server checksum and client verified';
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    verified = `NOT verified: ${e.code}: ${e.message}`;
  }
  try {
    const pac = decodePac(bytes);
    out.sections.push({ title: `PAC (MS-PAC, ${pac.buffers.length} buffers, ${bytes.length} bytes; ${verified})`, value: { buffers: pac.buffers.map(view) } });
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    out.notes.push(`the ticket's PAC does not decode: ${e.message}`);
  }
}
