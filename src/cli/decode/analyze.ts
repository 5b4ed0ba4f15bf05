/**
 * What `tskrb5 decode` finds in a byte string: it recognises the outer form (a GSS-API initial
 * token, a SPNEGO token, a bare krb5 context token, a MIC or Wrap token, a Kerberos message, a
 * keytab), decodes layer by layer, and with keys opens what they open — the ticket's enc-part
 * with the service key, then the authenticator with the ticket's session key, the 0x8003
 * checksum and a delegated KRB-CRED inside it, and the AP-REP with the same session key.
 * What it cannot open, it says, and why.
 * @module
 */

import { openKdcRepPart, openPaEncTimestamp } from '../../client/index.js';
import { cf2, decrypt, stringToKey, type Key } from '../../crypto/index.js';
import { IntegrityError, KerberosError, UnsupportedError } from '../../errors.js';
import { decodeKeytab, type KeytabEntry } from '../../formats/index.js';
import {
  decodeGssChecksum,
  decodeKrb5Message,
  decodePerMessageToken,
  isFramedToken,
  openApRepPart,
  openAuthenticator,
  openKrbCred,
  openTicket,
  sessionKeyOf,
  unwrapInitialToken,
} from '../../gssapi/index.js';
import { enctypeName, KeyUsage, Oid, PaDataType } from '../../iana/index.js';
import {
  decodeEData,
  decodeKerberosMessage,
  KRBCred,
  PAForUser,
  PAPacOptions,
  PAS4UX509User,
  samePrincipal,
  unparsePrincipal,
  type APRep,
  type APReq as APReqValue,
  EncryptedData,
  APReq,
  KrbFastReq,
  KrbFastResponse,
  PAEncTsEnc,
  PAFxFastReply,
  PAFxFastRequest,
  decodeMethodData,
  type KDCRep,
  type KDCReq,
  type KRBError,
  type PrincipalName,
  type Ticket,
} from '../../messages/index.js';
import { decodeSpnegoToken, isNtlmToken } from '../../spnego/index.js';
import { showPac } from './pac.js';

export interface Section {
  title: string;
  value: unknown;
  /** How to read a `flags` field: Kerberos ticket flags (default) or GSS context flags. */
  flagsAre?: 'ticket' | 'gss';
}

export interface Keys {
  /** Long-term keys from keytabs. */
  keytab: KeytabEntry[];
  /** Keys given on the command line, tried for anything of their enctype. */
  keys: Key[];
  /** A password, for AS exchanges (the client's key with the default salt). */
  password?: string;
  /** Session keys learned from what was opened so far (tickets, KDC replies). */
  session: Key[];
  /** FAST armor keys derived so far (from an armored request's armor). */
  armor: Key[];
}

export interface Analysis {
  sections: Section[];
  notes: string[];
}

const weak = { allowWeakCrypto: true };

const KRB5_OIDS = new Set<string>([Oid.KRB5, Oid.MS_KRB5]);

/** Decodes `bytes` as far as it can, opening what the keys open. Throws a KerberosError if nothing fits. */
export function analyze(bytes: Uint8Array, keys: Keys): Analysis {
  const out: Analysis = { sections: [], notes: [] };
  if (isNtlmToken(bytes)) throw new UnsupportedError('this is an NTLMSSP token (NTLM, not Kerberos)', { code: 'ERR_NTLM' });
  const b0 = bytes[0];
  if (isFramedToken(bytes)) {
    const { mech } = unwrapInitialToken(bytes);
    if (mech === Oid.SPNEGO) spnego(bytes, keys, out);
    else krb5Token(bytes, keys, out);
  } else if (b0 === 0xa0 || b0 === 0xa1) spnego(bytes, keys, out);
  else if ((b0 === 0x01 || b0 === 0x02 || b0 === 0x03) && bytes[1] === 0x00) krb5Token(bytes, keys, out);
  else if ((b0 === 0x04 && bytes[1] === 0x04) || (b0 === 0x05 && bytes[1] === 0x04 && bytes[3] === 0xff)) {
    const t = decodePerMessageToken(bytes);
    out.sections.push({ title: t.tokId === 0x0404 ? 'GSS-API MIC token (RFC 4121 §4.2.6.1)' : 'GSS-API Wrap token (RFC 4121 §4.2.6.2)', value: t });
    out.notes.push('per-message tokens are checked with the context key, which the token does not carry');
  } else if (b0 === 0x05 && (bytes[1] === 0x01 || bytes[1] === 0x02)) {
    const kt = decodeKeytab(bytes);
    out.sections.push({
      title: `keytab (version ${kt.version}, ${kt.entries.length} entries)`,
      value: kt.entries.map((e) => ({
        principal: unparsePrincipal(e.principal),
        kvno: e.kvno,
        timestamp: e.timestamp,
        etype: e.key.etype,
      })),
    });
  } else if (b0 === 0x05 && bytes[1] !== undefined && bytes[1] >= 0x01 && bytes[1] <= 0x04) {
    throw new UnsupportedError('this looks like a credential cache: reading them arrives with `tskrb5 klist`', { code: 'ERR_CCACHE' });
  } else kerberosMessage(bytes, keys, out, 'AP_REQ');
  return out;
}

function spnego(bytes: Uint8Array, keys: Keys, out: Analysis): void {
  const { framed, token } = decodeSpnegoToken(bytes);
  out.sections.push({ title: `SPNEGO ${token.type}${framed ? ' (initial token, RFC 2743 framing)' : ''} (RFC 4178)`, value: token.value });
  const inner = token.type === 'negTokenResp' ? token.value.responseToken : token.type === 'negTokenInit' ? token.value.mechToken : undefined;
  if (inner?.length) krb5Token(inner, keys, out);
}

function krb5Token(bytes: Uint8Array, keys: Keys, out: Analysis): void {
  const t = decodeKrb5Message(bytes);
  if (t.mech !== undefined && !KRB5_OIDS.has(t.mech) && t.mech !== '1.3.5.1.5.2') out.notes.push(`mechanism ${t.mech}`);
  out.sections.push({
    title: `krb5 GSS-API token, TOK_ID ${t.tokId.toString(16).padStart(4, '0')}${t.framed ? ` (framed, mech ${t.mech})` : ''} (RFC 4121 §4.1)`,
    value: { tokId: t.tokId, mech: t.mech },
  });
  if (t.message.type === 'AP-REQ') apReq(t.message.value, keys, out, 'AP_REQ');
  else if (t.message.type === 'AP-REP') apRep(t.message.value, keys, out);
  else krbError(t.message.value, keys, out);
}

function kerberosMessage(bytes: Uint8Array, keys: Keys, out: Analysis, authUsage: 'AP_REQ' | 'TGS_REQ'): void {
  const m = decodeKerberosMessage(bytes);
  switch (m.type) {
    case 'AP-REQ':
      apReq(m.value, keys, out, authUsage);
      return;
    case 'AP-REP':
      apRep(m.value, keys, out);
      return;
    case 'KRB-ERROR':
      krbError(m.value, keys, out);
      return;
    case 'AS-REQ':
    case 'TGS-REQ':
      kdcReq(m.type, m.value, keys, out);
      return;
    case 'AS-REP':
    case 'TGS-REP':
      kdcRep(m.type, m.value, keys, out);
      return;
    case 'Ticket':
      out.sections.push({ title: 'Ticket (RFC 4120 §5.3)', value: m.value });
      showTicket(m.value, keys, out);
      return;
    case 'KRB-CRED':
      out.sections.push({ title: 'KRB-CRED (RFC 4120 §5.8)', value: m.value });
      return;
    default:
      out.sections.push({ title: `${m.type} (RFC 4120)`, value: m.value });
  }
}

/** Tries each candidate key of the right enctype with `opener`; the first that fits wins. */
function open<T>(etype: number, candidates: Key[], opener: (key: Key) => T): { value: T; key: Key } | { why: string } {
  const fitting = candidates.filter((k) => k.etype === etype);
  if (fitting.length === 0) return { why: `no ${enctypeName(etype)} key` };
  for (const key of fitting) {
    try {
      return { value: opener(key), key };
    } catch (e) {
      if (!(e instanceof IntegrityError)) throw e;
    }
  }
  return { why: `${fitting.length} ${enctypeName(etype)} key(s) tried, none fits (integrity check failed)` };
}

const name = (p: PrincipalName, realm: string) => unparsePrincipal({ components: p.nameString, realm });

function serviceKeys(keys: Keys, sname: PrincipalName, realm: string, kvno: number | undefined): Key[] {
  const fromKeytab = keys.keytab
    .filter((e) => samePrincipal(e.principal, { components: sname.nameString, realm }))
    // Lenient on kvno (AD bumps it, some tools write 0), but the matching kvno first.
    .sort((a, b) => Number(b.kvno === kvno) - Number(a.kvno === kvno))
    .map((e) => e.key);
  return [...fromKeytab, ...keys.keys];
}

function showTicket(ticket: Ticket, keys: Keys, out: Analysis): Key | undefined {
  const who = name(ticket.sname, ticket.realm);
  const r = open(ticket.encPart.etype, serviceKeys(keys, ticket.sname, ticket.realm, ticket.encPart.kvno), (k) => openTicket(ticket, k, weak));
  if ('why' in r) {
    out.notes.push(`ticket enc-part for ${who} not opened: ${r.why} (give --keytab or --key ETYPE:HEX)`);
    return undefined;
  }
  out.sections.push({ title: `EncTicketPart of ${who} (opened with the service key)`, value: r.value });
  showPac(r.value, r.key, out);
  const session = sessionKeyOf(r.value);
  keys.session.push(session);
  return session;
}

/** The keys an opened AP-REQ gave: its ticket's session key and its authenticator's subkey (for FAST's armor key). */
interface ApKeys {
  session?: Key;
  subkey?: Key;
}

function apReq(req: APReqValue, keys: Keys, out: Analysis, usage: 'AP_REQ' | 'TGS_REQ'): ApKeys {
  out.sections.push({ title: usage === 'TGS_REQ' ? 'PA-TGS-REQ: AP-REQ (RFC 4120 §5.5.1)' : 'AP-REQ (RFC 4120 §5.5.1)', value: req });
  const session = showTicket(req.ticket, keys, out);
  const candidates = session ? [session] : [...keys.session, ...keys.keys];
  const u = usage === 'TGS_REQ' ? KeyUsage.TGS_REQ_AUTH : KeyUsage.AP_REQ_AUTH;
  const r = open(req.authenticator.etype, candidates, (k) => openAuthenticator(req, k, u, weak));
  if ('why' in r) {
    out.notes.push(`authenticator not opened: ${session ? r.why : 'the ticket was not opened, so its session key is unknown'}`);
    return {};
  }
  out.sections.push({ title: 'Authenticator (opened with the session key)', value: r.value });
  if (r.value.subkey) keys.session.push({ etype: r.value.subkey.keytype, value: r.value.subkey.keyvalue });
  const ck = r.value.cksum;
  if (ck?.cksumtype === 0x8003) {
    const g = decodeGssChecksum(ck.checksum);
    out.sections.push({ title: 'GSS-API authenticator checksum 0x8003 (RFC 4121 §4.1.1)', value: g, flagsAre: 'gss' });
    if (g.delegation) delegated(g.delegation, r.key, out);
  }
  return { session: r.key, ...(r.value.subkey ? { subkey: { etype: r.value.subkey.keytype, value: r.value.subkey.keyvalue } } : {}) };
}

function delegated(bytes: Uint8Array, session: Key, out: Analysis): void {
  const cred = KRBCred.decode(bytes);
  out.sections.push({ title: 'delegated credential: KRB-CRED (RFC 4120 §5.8)', value: cred });
  if (cred.encPart.etype === 0) {
    out.sections.push({ title: 'EncKrbCredPart (not encrypted: etype 0)', value: openKrbCred(cred, undefined) });
    return;
  }
  const r = open(cred.encPart.etype, [session], (k) => openKrbCred(cred, k, weak));
  if ('why' in r) out.notes.push(`KRB-CRED enc-part not opened: ${r.why}`);
  else out.sections.push({ title: 'EncKrbCredPart (opened with the session key)', value: r.value });
}

function apRep(rep: APRep, keys: Keys, out: Analysis): void {
  out.sections.push({ title: 'AP-REP (RFC 4120 §5.5.2)', value: rep });
  const r = open(rep.encPart.etype, [...keys.session, ...keys.keys], (k) => openApRepPart(rep, k, weak));
  if ('why' in r) out.notes.push(`AP-REP enc-part not opened: ${r.why} (decode the AP-REQ in the same command, or give --key with the session key)`);
  else out.sections.push({ title: 'EncAPRepPart (opened with the session key)', value: r.value });
}

/** PA-FX-FAST (RFC 6113) in a reply or error: the armored reply, sealed in the armor key. */
function fastReply(padata: readonly { padataType: number; padataValue: Uint8Array }[], keys: Keys, out: Analysis): void {
  const pa = padata.find((p) => p.padataType === PaDataType.PA_FX_FAST);
  if (pa === undefined || pa.padataValue.length === 0) return;
  try {
    const armored = PAFxFastReply.decode(pa.padataValue);
    out.sections.push({ title: 'PA-FX-FAST: KrbFastArmoredRep (RFC 6113 §5.4.3)', value: armored });
    const r = open(armored.encFastRep.etype, [...keys.armor, ...keys.keys], (k) => KrbFastResponse.decode(decrypt(k, KeyUsage.FAST_REP, armored.encFastRep.cipher, weak)));
    if ('why' in r)
      out.notes.push(
        'the KrbFastResponse (the real padata or error, strengthen-key, finished) is encrypted in the FAST armor key: decode the armored request in the same command, or give --key with the armor key',
      );
    else out.sections.push({ title: 'KrbFastResponse (opened with the armor key)', value: r.value });
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    out.notes.push(`PA-FX-FAST is not a KrbFastArmoredRep: ${e.message}`);
  }
}

function krbError(err: KRBError, keys: Keys, out: Analysis): void {
  out.sections.push({ title: 'KRB-ERROR (RFC 4120 §5.9.1)', value: err });
  if (err.eData?.length) {
    try {
      const d = decodeEData(err.eData);
      out.sections.push({ title: `e-data: ${d.type}`, value: d.value });
      if (d.type === 'METHOD-DATA') fastReply(decodeMethodData(err.eData), keys, out);
    } catch (e) {
      if (!(e instanceof KerberosError)) throw e;
      out.notes.push(`e-data is neither METHOD-DATA nor TYPED-DATA: ${e.message}`);
    }
  }
}

function clientKeys(keys: Keys, cname: PrincipalName, realm: string, etype: number): Key[] {
  const out: Key[] = [...serviceKeys(keys, cname, realm, undefined)];
  if (keys.password !== undefined) {
    try {
      out.push(stringToKey(etype, keys.password, realm + cname.nameString.join(''), undefined, weak));
    } catch (e) {
      if (!(e instanceof KerberosError)) throw e;
    }
  }
  return out;
}

/** The S4U padata (MS-SFU), decoded: PA-FOR-USER, PA-S4U-X509-USER, PA-PAC-OPTIONS. */
function s4uPadata(pa: { padataType: number; padataValue: Uint8Array }, out: Analysis): boolean {
  const codec =
    pa.padataType === PaDataType.PA_FOR_USER
      ? { title: 'PA-FOR-USER (MS-SFU §2.2.1)', c: PAForUser }
      : pa.padataType === PaDataType.PA_S4U_X509_USER
        ? { title: 'PA-S4U-X509-USER (MS-SFU §2.2.2)', c: PAS4UX509User }
        : pa.padataType === PaDataType.PA_PAC_OPTIONS
          ? { title: 'PA-PAC-OPTIONS (MS-KILE §2.2.10)', c: PAPacOptions }
          : undefined;
  if (!codec) return false;
  try {
    out.sections.push({ title: codec.title, value: codec.c.decode(pa.padataValue) });
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    out.notes.push(`${codec.title} does not decode: ${e.message}`);
  }
  return true;
}

function kdcReq(type: 'AS-REQ' | 'TGS-REQ', req: KDCReq, keys: Keys, out: Analysis): void {
  out.sections.push({ title: `${type} (RFC 4120 §5.4.1)`, value: req });
  let tgsAp: ApKeys = {};
  for (const pa of req.padata ?? []) {
    if (s4uPadata(pa, out)) continue;
    if (pa.padataType === PaDataType.PA_TGS_REQ) {
      const m = decodeKerberosMessage(pa.padataValue);
      if (m.type === 'AP-REQ') tgsAp = apReq(m.value, keys, out, 'TGS_REQ');
      else kerberosMessage(pa.padataValue, keys, out, 'TGS_REQ');
    } else if (pa.padataType === PaDataType.PA_FX_FAST && pa.padataValue.length > 0) {
      try {
        const armored = PAFxFastRequest.decode(pa.padataValue);
        out.sections.push({ title: 'PA-FX-FAST: KrbFastArmoredReq (RFC 6113 §5.4.2)', value: armored });
        // The explicit armor (AS) is an AP-REQ with a TGT; a TGS request's armor is implicit (its PA-TGS-REQ).
        const ap = armored.armor?.armorType === 1 ? apReq(APReq.decode(armored.armor.armorValue), keys, out, 'AP_REQ') : armored.armor ? {} : tgsAp;
        if (ap.session && ap.subkey) {
          const armorKey = cf2(ap.subkey, 'subkeyarmor', ap.session, 'ticketarmor', weak);
          keys.armor.push(armorKey);
          const inner = KrbFastReq.decode(decrypt(armorKey, KeyUsage.FAST_ENC, armored.encFastReq.cipher, weak));
          out.sections.push({ title: 'KrbFastReq (opened with the armor key: KRB-FX-CF2 of the armor subkey and ticket session key)', value: inner });
          const ec = inner.padata.find((p) => p.padataType === PaDataType.PA_ENCRYPTED_CHALLENGE);
          const cname = inner.reqBody.cname;
          if (ec && cname) {
            const enc = EncryptedData.decode(ec.padataValue);
            const r = open(enc.etype, clientKeys(keys, cname, inner.reqBody.realm, enc.etype), (k) =>
              PAEncTsEnc.decode(decrypt(cf2(armorKey, 'clientchallengearmor', k, 'challengelongterm', weak), KeyUsage.ENC_CHALLENGE_CLIENT, enc.cipher, weak)),
            );
            if ('why' in r) out.notes.push(`PA-ENCRYPTED-CHALLENGE not opened: ${r.why} (give --password or --key)`);
            else out.sections.push({ title: 'PA-ENCRYPTED-CHALLENGE: PA-ENC-TS-ENC (opened with the client key and the armor key)', value: r.value });
          }
        } else {
          out.notes.push('the KrbFastReq (the real padata and body) is encrypted in the FAST armor key: open the armor AP-REQ (--key with the krbtgt key) to derive it');
        }
      } catch (e) {
        if (!(e instanceof KerberosError)) throw e;
        out.notes.push(`PA-FX-FAST not opened: ${e.message}`);
      }
    } else if (pa.padataType === PaDataType.PA_ENC_TIMESTAMP && req.reqBody.cname) {
      const enc = EncryptedData.decode(pa.padataValue);
      const realm = req.reqBody.realm;
      const r = open(enc.etype, clientKeys(keys, req.reqBody.cname, realm, enc.etype), (k) => openPaEncTimestamp(pa.padataValue, k, weak));
      if ('why' in r) out.notes.push(`PA-ENC-TIMESTAMP not opened: ${r.why} (give --password or --key)`);
      else out.sections.push({ title: 'PA-ENC-TS-ENC (opened with the client key)', value: r.value });
    }
  }
}

function kdcRep(type: 'AS-REP' | 'TGS-REP', rep: KDCRep, keys: Keys, out: Analysis): void {
  out.sections.push({ title: `${type} (RFC 4120 §5.4.2)`, value: rep });
  fastReply(rep.padata ?? [], keys, out);
  for (const pa of rep.padata ?? []) s4uPadata(pa, out);
  showTicket(rep.ticket, keys, out);
  const candidates = type === 'AS-REP' ? clientKeys(keys, rep.cname, rep.crealm, rep.encPart.etype) : [...keys.session, ...keys.keys];
  const usages = type === 'AS-REP' ? [KeyUsage.AS_REP_ENCPART] : [KeyUsage.TGS_REP_ENCPART_SESSKEY, KeyUsage.TGS_REP_ENCPART_SUBKEY];
  for (const u of usages) {
    const r = open(rep.encPart.etype, candidates, (k) => openKdcRepPart(rep, k, u, weak));
    if (!('why' in r)) {
      out.sections.push({ title: `${type === 'AS-REP' ? 'EncASRepPart' : 'EncTGSRepPart'} (opened)`, value: r.value });
      keys.session.push(sessionKeyOf(r.value));
      return;
    }
  }
  out.notes.push(`${type} enc-part not opened (${type === 'AS-REP' ? 'give --password or --key with the client key' : 'give --key with the TGT session key'})`);
}
