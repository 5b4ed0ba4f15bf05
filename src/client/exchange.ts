/**
 * What the AS and TGS exchanges share (RFC 4120 §3.1, §3.3): sending one request through the
 * {@link Transport} and reading the reply, nonces, principal comparisons, the reply checks of
 * §3.1.5 / §3.3.4, and turning a reply into the credential shape of a ccache.
 * @module
 */
import { randomBytes } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { EncType, MessageType, NameType } from '../iana/index.js';
import type { CcacheCredential } from '../formats/ccache.js';
import { ASRep, KRBError, TGSRep, Ticket, parsePrincipal, unparsePrincipal, type EncKDCRepPart, type KDCRep, type Principal, type PrincipalName } from '../messages/index.js';
import type { AbortSignalLike, KdcSendOptions, Transport } from './transport.js';
import { secretKey } from '../util/secret.js';

/** What every KDC exchange takes: the transport, and the clock, randomness and signal to use. */
export interface KdcExchangeParams {
  transport: Transport;
  /** The local clock (default `() => new Date()`). */
  now?: () => Date;
  /** Random bytes for nonces and subkeys (default the crypto layer's CSPRNG). */
  random?: (n: number) => Uint8Array;
  signal?: AbortSignalLike;
}

/** The enctypes requested when the caller gives none: MIT 1.20's default order, AES only. */
export const DEFAULT_REQUEST_ENCTYPES: readonly number[] = [
  EncType.AES256_CTS_HMAC_SHA1_96,
  EncType.AES128_CTS_HMAC_SHA1_96,
  EncType.AES256_CTS_HMAC_SHA384_192,
  EncType.AES128_CTS_HMAC_SHA256_128,
];

/** The enctypes this client can use for a request: supported ones, RC4 only on opt-in. */
const USABLE = new Set<number>([17, 18, 19, 20]);

/** The caller's enctype list, filtered to what we implement (RC4 only when weak crypto is allowed). */
export function requestEnctypes(list: readonly number[] | undefined, allowWeakCrypto: boolean): number[] {
  const src = list ?? DEFAULT_REQUEST_ENCTYPES;
  const out: number[] = [];
  for (const e of src) {
    if ((USABLE.has(e) || (e === EncType.RC4_HMAC && allowWeakCrypto)) && !out.includes(e)) out.push(e);
  }
  if (out.length === 0) {
    throw new RangeError(`no usable encryption type in [${src.join(', ')}]: supported are 18, 17, 20, 19${allowWeakCrypto ? ', 23' : ' (23 with allowWeakCrypto)'}`);
  }
  return out;
}

/** A random nonce below 2^31 (MIT and Heimdal KDCs mishandle larger ones in old versions). */
export function makeNonce(random: (n: number) => Uint8Array = randomBytes): number {
  const b = random(4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) & 0x7fffffff) >>> 0;
}

/** Nonces compared as unsigned 32-bit numbers: Heimdal's KDC echoes nonces ≥ 2^31 that our codec reads as negative. */
export function sameNonce(a: number, b: number): boolean {
  return a >>> 0 === b >>> 0;
}

/** A principal from text (`name/inst@REALM`, MIT's syntax) or as given. */
export function toPrincipal(p: Principal | string, defaultRealm?: string, nameType?: number): Principal {
  if (typeof p === 'string') {
    const q = parsePrincipal(p, defaultRealm !== undefined ? { realm: defaultRealm } : { noDefaultRealm: true });
    return nameType === undefined ? q : { ...q, nameType };
  }
  if (typeof p !== 'object' || p === null || typeof p.realm !== 'string' || !Array.isArray(p.components)) {
    throw new TypeError('principal must be a string or { nameType, components, realm }');
  }
  return p;
}

/** A principal's name as messages carry it (PrincipalName, without the realm). */
export function nameOf(p: { nameType: number; components: readonly string[] }): PrincipalName {
  return { nameType: p.nameType, nameString: [...p.components] };
}

/** A principal from a PrincipalName and a realm. */
export function principalOf(name: PrincipalName, realm: string): Principal {
  return { nameType: name.nameType, components: [...name.nameString], realm };
}

/** RFC 4120 §6.2: two names are equal when their components are; the name type does not count. */
export function sameName(a: PrincipalName, b: PrincipalName): boolean {
  return a.nameString.length === b.nameString.length && a.nameString.every((c, i) => c === b.nameString[i]);
}

/** `krbtgt/X@Y`: the realm X it grants tickets for, or `undefined` for another name. */
export function tgsRealmOf(name: PrincipalName): string | undefined {
  return name.nameString.length === 2 && name.nameString[0] === 'krbtgt' ? name.nameString[1] : undefined;
}

/** `krbtgt/REALM` as a PrincipalName (NT-SRV-INST, as MIT sends it). */
export function tgsName(realm: string): PrincipalName {
  return { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', realm] };
}

/** A principal as text, for messages. */
export function show(name: PrincipalName, realm: string): string {
  return unparsePrincipal({ components: name.nameString, realm });
}

/** A decoded KDC reply: the KDC-REP or the KRB-ERROR. */
export type KdcReply = { type: 'rep'; value: KDCRep } | { type: 'error'; value: KRBError };

/**
 * Sends one request and decodes the reply, which must be the expected KDC-REP or a KRB-ERROR
 * (`ProtocolError` otherwise; malformed bytes are a `DecodeError`).
 */
export async function exchange(transport: Transport, realm: string, request: Uint8Array, expect: 'AS' | 'TGS', sendOptions?: KdcSendOptions): Promise<KdcReply> {
  const reply = await transport.send(realm, request, sendOptions);
  if (!(reply instanceof Uint8Array)) throw new TypeError('Transport.send must resolve to a Uint8Array');
  const tag = reply[0];
  if (tag === 0x7e) return { type: 'error', value: KRBError.decode(reply) };
  const want = expect === 'AS' ? 0x6b : 0x6d;
  if (tag !== want) {
    throw new ProtocolError(
      `the KDC for ${realm} answered a ${expect}-REQ with ${tag === undefined ? 'nothing' : `a message of tag 0x${tag.toString(16)}`}, not ${expect}-REP or KRB-ERROR`,
      { code: 'ERR_UNEXPECTED_REPLY' },
    );
  }
  const value = (expect === 'AS' ? ASRep : TGSRep).decode(reply);
  const msgType = expect === 'AS' ? MessageType.KRB_AS_REP : MessageType.KRB_TGS_REP;
  if (value.msgType !== msgType || value.pvno !== 5) {
    throw new ProtocolError(`${expect}-REP with msg-type ${value.msgType} and pvno ${value.pvno} (expected ${msgType} and 5)`, {
      code: 'ERR_UNEXPECTED_REPLY',
    });
  }
  return { type: 'rep', value };
}

/** What a reply is checked against. */
export interface ReplyExpectation {
  nonce: number;
  /** The client asked for (ignored when `clientMayChange`). */
  cname: PrincipalName;
  crealm: string;
  clientMayChange: boolean;
  /** The server asked for; `serverMayChange` allows another (canonicalization, referrals). */
  sname: PrincipalName;
  srealm: string;
  serverMayChange: boolean;
  till?: Date;
  rtime?: Date;
  /** The request asked for renewable (then renew-till is bounded by rtime). */
  renewable: boolean;
}

/**
 * RFC 4120 §3.1.5 / §3.3.4 checks of a decrypted reply, as MIT's verify_as_reply and
 * krb5int_process_tgs_reply make them: nonce, client, server (the enc-part's and the ticket's
 * must agree), and times no later than requested. Any mismatch is a `ProtocolError`.
 */
export function checkReply(kind: 'AS' | 'TGS', rep: KDCRep, part: EncKDCRepPart, exp: ReplyExpectation): void {
  const fail = (what: string, code: string): never => {
    throw new ProtocolError(`${kind}-REP ${what}`, { code });
  };
  if (!sameNonce(part.nonce, exp.nonce)) {
    fail(`nonce ${part.nonce >>> 0} does not match the request's ${exp.nonce >>> 0} (a replayed or forged reply)`, 'ERR_NONCE_MISMATCH');
  }
  if (!exp.clientMayChange && (!sameName(rep.cname, exp.cname) || rep.crealm !== exp.crealm)) {
    fail(`is for client ${show(rep.cname, rep.crealm)}, not the requested ${show(exp.cname, exp.crealm)}`, 'ERR_CLIENT_MISMATCH');
  }
  if (!sameName(part.sname, rep.ticket.sname) || part.srealm !== rep.ticket.realm) {
    fail(`encrypted part names server ${show(part.sname, part.srealm)} but its ticket is for ${show(rep.ticket.sname, rep.ticket.realm)}`, 'ERR_SERVER_MISMATCH');
  }
  if (!exp.serverMayChange && (!sameName(part.sname, exp.sname) || part.srealm !== exp.srealm)) {
    fail(`is for server ${show(part.sname, part.srealm)}, not the requested ${show(exp.sname, exp.srealm)}`, 'ERR_SERVER_MISMATCH');
  }
  if (exp.till !== undefined && part.endtime.getTime() > exp.till.getTime()) {
    fail(`endtime ${part.endtime.toISOString()} is later than the requested ${exp.till.toISOString()}`, 'ERR_TIMES_MISMATCH');
  }
  if (exp.renewable && exp.rtime !== undefined && part.renewTill !== undefined && part.renewTill.getTime() > exp.rtime.getTime()) {
    fail(`renew-till ${part.renewTill.toISOString()} is later than the requested ${exp.rtime.toISOString()}`, 'ERR_TIMES_MISMATCH');
  }
  if (part.starttime !== undefined && part.endtime.getTime() < part.starttime.getTime()) {
    fail(`ends (${part.endtime.toISOString()}) before it starts (${part.starttime.toISOString()})`, 'ERR_TIMES_MISMATCH');
  }
}

/** Whole seconds since the epoch (KerberosTime has no fractions). */
export function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/** A Date rounded down to the second, as KerberosTime carries it. */
export function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/**
 * The ccache form of a reply's credential: the client from the reply (crealm, cname), the server
 * from the encrypted part, the session key, times (starttime = authtime when absent, as MIT
 * stores it), flags, addresses and the DER Ticket.
 */
export function credentialFromReply(rep: KDCRep, part: EncKDCRepPart, extra: { isSkey?: boolean; secondTicket?: Uint8Array } = {}): CcacheCredential {
  return {
    client: principalOf(rep.cname, rep.crealm),
    server: principalOf(part.sname, part.srealm),
    key: secretKey(part.key.keytype, part.key.keyvalue),
    authtime: part.authtime,
    starttime: part.starttime ?? part.authtime,
    endtime: part.endtime,
    renewTill: part.renewTill ?? new Date(0),
    isSkey: extra.isSkey ?? false,
    flags: part.flags >>> 0,
    addresses: (part.caddr ?? []).map((a) => ({ type: a.addrType, data: a.address })),
    authdata: [],
    ticket: Ticket.encode(rep.ticket),
    secondTicket: extra.secondTicket ?? new Uint8Array(0),
  };
}
