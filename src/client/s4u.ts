/**
 * MS-SFU's Service-for-User exchanges, as MIT's s4u_creds.c makes them (sans-I/O, through the
 * injected {@link Transport}):
 *
 * - **S4U2Self** (protocol transition, MS-SFU §3.1.5.1): a service asks, with its own TGT, for a
 *   ticket to itself in a user's name. The TGS-REQ carries PA-S4U-X509-USER (MS-SFU §2.2.2: the
 *   user, the request's nonce and the options, under a keyed checksum with the request's subkey,
 *   key usage 26) and PA-FOR-USER (§2.2.1: the user under an HMAC-MD5 checksum keyed with the
 *   TGT's session key, usage 17), in that order after the PA-TGS-REQ; KDC options canonicalize
 *   and the TGT's forwardable, proxiable, allow-postdate and renewable flags. The KDC's
 *   PA-S4U-X509-USER in the reply is checked as MIT's verify_s4u2self_reply does (nonce,
 *   keyed checksum with usage 27 when the KDC says so, a user name), and the ticket's client must
 *   be the user it names.
 * - **S4U2Proxy** (constrained delegation, §3.1.5.2): with its TGT and a user's ticket to itself
 *   (the *evidence*: an S4U2Self ticket, or the ticket the user presented), a service asks for a
 *   ticket to a backend in the user's name: the evidence in additional-tickets, KDC option
 *   cname-in-addl-tkt, and PA-PAC-OPTIONS with the resource-based-constrained-delegation bit (as
 *   MIT always sends it). The reply's client must be the evidence's.
 *
 * Not done: cross-realm S4U (MIT walks referrals with an enterprise server name), X.509 subject
 * certificates, and the AS-REQ MIT sends first to find an enterprise user's realm (the user's
 * realm here is the one given, or the service's).
 * @module
 */
import { checksum, hmacMd5Checksum, mandatoryChecksumType, verifyChecksum, type Key } from '../crypto/index.js';
import { KdcError, ProtocolError } from '../errors.js';
import type { CcacheCredential } from '../formats/ccache.js';
import { EncType, ErrorCode, KDCOptions as KdcOpt, KeyUsage, PaDataType, TicketFlags, flagMask } from '../iana/index.js';
import {
  forUserChecksumInput,
  PAForUser,
  PAPacOptions,
  PAS4UX509User,
  S4UOptions,
  S4UUserID,
  Ticket,
  unparsePrincipal,
  type EncKDCRepPart,
  type KDCRep,
  type PAData,
  type Principal,
} from '../messages/index.js';
import { nameOf, principalOf, sameName, tgsRealmOf, toPrincipal, wholeSeconds, type KdcExchangeParams } from './exchange.js';
import { tgsRequest, type GetServiceTicketParams, type ServiceTicket } from './tgs.js';

/** MIT's KDC_TKT_COMMON_MASK: the ticket flags copied into a TGS request's options (forwardable, proxiable, allow-postdate, renewable). */
const COMMON_FLAGS = 0x54800000;

/** PA-PAC-OPTIONS' resource-based-constrained-delegation bit (MS-KILE §2.2.10, bit 3; MIT's KRB5_PA_PAC_OPTIONS_RBCD). */
export const PAC_OPTIONS_RBCD = 0x10000000;

/** Options of the S4U exchanges. */
export interface S4UOptionsParam {
  /** Ask for a forwardable ticket (MIT's KRB5_GC_FORWARDABLE); the TGT's own flags are asked for in any case. */
  forwardable?: boolean;
  /** Enctypes for the session key (default 18, 17, 20, 19). */
  etypes?: readonly number[];
  allowWeakCrypto?: boolean;
  /** The allowed clock skew in seconds (default 300). */
  clockskewSec?: number;
  /** KDC clock minus local clock in seconds (the ccache's kdcOffset). */
  kdcOffsetSec?: number;
}

/** Parameters of {@link getS4U2SelfTicket}. */
export interface S4U2SelfParams extends KdcExchangeParams {
  /** The service's own TGT (`krbtgt/REALM@REALM` for the service). */
  tgt: CcacheCredential;
  /**
   * The user: `alice@EXAMPLE.COM`, `alice` (the service's realm), or a principal record; an
   * enterprise name (`{ nameType: 10, components: ['alice@example.com'], realm }`) is sent as one.
   */
  user: Principal | string;
  options?: S4UOptionsParam;
}

/** What {@link getS4U2SelfTicket} resolves to. */
export interface S4U2SelfTicket extends ServiceTicket {
  /** The user the KDC issued the ticket for (its checksum-protected name, as MIT takes it). */
  user: Principal;
  /** Whether the ticket is forwardable: usable as evidence for classic constrained delegation (S4U2Proxy). */
  forwardable: boolean;
}

/** The bytes PA-FOR-USER's checksum covers (MS-SFU §2.2.1); the KDC checks them too, so it is in `messages`. */
export { forUserChecksumInput };

/**
 * PA-FOR-USER (129) for `user`, its checksum an HMAC-MD5 (-138) keyed with the TGT's session key
 * (key usage 17), whatever that key's enctype, as MS-SFU and MIT make it.
 * @example
 * ```ts
 * const pa = buildPaForUser({ nameType: 10, components: ['alice'], realm: 'EXAMPLE.COM' }, tgt.key)
 * ```
 */
export function buildPaForUser(user: Principal, tgtSessionKey: Key): PAData {
  const cksum = hmacMd5Checksum(tgtSessionKey, KeyUsage.APP_DATA_CKSUM, forUserChecksumInput(user));
  return {
    padataType: PaDataType.PA_FOR_USER,
    padataValue: PAForUser.encode({ userName: nameOf(user), userRealm: user.realm, cksum: { cksumtype: -138, checksum: cksum }, authPackage: 'Kerberos' }),
  };
}

/** The S4UUserID MIT sends for `user` (no certificate; options: the reply's checksum under usage 27). */
export function s4uUserId(user: Principal, nonce: number): S4UUserID {
  return {
    nonce,
    ...(user.components.length > 0 ? { cname: nameOf(user) } : {}),
    crealm: user.realm,
    options: S4UOptions.USE_REPLY_KEY_USAGE,
  };
}

/**
 * PA-S4U-X509-USER (130): `userId` under the keyed checksum of `key` (the TGS request's subkey;
 * its enctype's mandatory checksum type), key usage 26.
 * @example
 * ```ts
 * buildPaS4UX509User(s4uUserId(user, nonce), subkey)
 * ```
 */
export function buildPaS4UX509User(userId: S4UUserID, key: Key, options: { allowWeakCrypto?: boolean } = {}): PAData {
  const bytes = S4UUserID.encode(userId);
  const value = checksum(key, KeyUsage.PA_S4U_X509_USER_REQUEST, bytes, undefined, options);
  const cksumtype = mandatoryChecksumType(key.etype);
  return { padataType: PaDataType.PA_S4U_X509_USER, padataValue: PAS4UX509User.encode({ userId, checksum: { cksumtype, checksum: value } }) };
}

const modified = (what: string): ProtocolError => new ProtocolError(`S4U2Self reply ${what} (MIT: KRB5_KDCREP_MODIFIED)`, { code: 'ERR_S4U_REPLY_MODIFIED' });

/**
 * The KDC's PA-S4U-X509-USER in an S4U2Self reply, checked as MIT's verify_s4u2self_reply (AES
 * keys): none is fine from a KDC that predates it; else the nonce must be the request's, the
 * checksum over the user-id keyed with `replyKey` (usage 27 when its options say so, else 26)
 * and a keyed type, and the user named. Returns the user the KDC vouches for, or undefined when
 * it sent no PA-S4U-X509-USER.
 */
export function checkS4U2SelfReply(rep: KDCRep, part: EncKDCRepPart, nonce: number, replyKey: Key, options: { allowWeakCrypto?: boolean } = {}): Principal | undefined {
  const repPa = rep.padata?.find((p) => p.padataType === PaDataType.PA_S4U_X509_USER);
  const encPa = part.encryptedPaData?.find((p) => p.padataType === PaDataType.PA_S4U_X509_USER);
  if (repPa === undefined) {
    if (encPa !== undefined) throw modified('has PA-S4U-X509-USER in its encrypted padata but not in its padata');
    return undefined;
  }
  const got = PAS4UX509User.decode(repPa.padataValue);
  if (got.userId.nonce >>> 0 !== nonce >>> 0) throw modified(`PA-S4U-X509-USER nonce ${got.userId.nonce >>> 0} is not the request's ${nonce >>> 0}`);
  const usage = (got.userId.options ?? 0) & S4UOptions.USE_REPLY_KEY_USAGE ? KeyUsage.PA_S4U_X509_USER_REPLY : KeyUsage.PA_S4U_X509_USER_REQUEST;
  let ok: boolean;
  try {
    ok = verifyChecksum(replyKey, usage, S4UUserID.encode(got.userId), got.checksum.checksum, got.checksum.cksumtype, options);
  } catch (e) {
    throw new ProtocolError(
      `S4U2Self reply's PA-S4U-X509-USER checksum is of type ${got.checksum.cksumtype}, not a keyed checksum of the ${replyKey.etype} reply key (MIT: KRB5KRB_AP_ERR_INAPP_CKSUM)`,
      { code: 'ERR_S4U_REPLY_MODIFIED', cause: e },
    );
  }
  if (!ok) throw modified("PA-S4U-X509-USER checksum does not verify with the request's subkey");
  if (got.userId.cname === undefined || got.userId.cname.nameString.length === 0) throw modified('PA-S4U-X509-USER names no user');
  return principalOf(got.userId.cname, got.userId.crealm);
}

/** The TGS exchange's parameters both S4U requests share: the transport, clock and crypto options. */
function exchangeParams(params: KdcExchangeParams, tgt: CcacheCredential, server: Principal, o: S4UOptionsParam): GetServiceTicketParams {
  return {
    transport: params.transport,
    tgt,
    server,
    ...(params.now ? { now: params.now } : {}),
    ...(params.random ? { random: params.random } : {}),
    ...(params.signal ? { signal: params.signal } : {}),
    options: {
      ...(o.etypes ? { etypes: o.etypes } : {}),
      allowWeakCrypto: o.allowWeakCrypto === true,
      ...(o.clockskewSec !== undefined ? { clockskewSec: o.clockskewSec } : {}),
      ...(o.kdcOffsetSec !== undefined ? { kdcOffsetSec: o.kdcOffsetSec } : {}),
    },
  };
}

function kdcOptions(tgt: CcacheCredential, o: S4UOptionsParam, extra: number): number {
  let f = (tgt.flags & COMMON_FLAGS) | flagMask(KdcOpt.CANONICALIZE) | extra;
  if (o.forwardable) f |= flagMask(KdcOpt.FORWARDABLE);
  return f >>> 0;
}

function tgtRealmOf(tgt: CcacheCredential): string {
  const r = tgsRealmOf({ nameType: tgt.server.nameType, nameString: tgt.server.components });
  if (r === undefined) throw new TypeError(`tgt is for ${unparsePrincipal(tgt.server)}, not a krbtgt/REALM ticket`);
  return r;
}

function checkParams(p: KdcExchangeParams & { tgt: CcacheCredential }): void {
  if (typeof p.transport?.send !== 'function') throw new TypeError('transport must have a send(realm, bytes) method');
  if (typeof p.tgt !== 'object' || p.tgt === null || !(p.tgt.ticket instanceof Uint8Array)) throw new TypeError('tgt must be a CcacheCredential');
}

const isForwardable = (flags: number): boolean => (flags & flagMask(TicketFlags.FORWARDABLE)) !== 0;

/**
 * S4U2Self: a ticket to the TGT's client (the service) in `user`'s name, as MIT's
 * `krb5_get_credentials_for_user` gets it from the service's realm.
 *
 * MIT's KDC issues it to any service with a key, forwardable only when the service has
 * `ok_to_auth_as_delegate`; Active Directory when the account may do protocol transition
 * (forwardable with TRUSTED_TO_AUTH_FOR_DELEGATION, unless the user is sensitive).
 *
 * @example
 * ```ts
 * const { credential, forwardable } = await getS4U2SelfTicket({ transport, tgt: serviceTgt, user: 'alice@EXAMPLE.COM' })
 * ```
 */
export async function getS4U2SelfTicket(params: S4U2SelfParams): Promise<S4U2SelfTicket> {
  checkParams(params);
  const { tgt } = params;
  const o = params.options ?? {};
  const realm = tgtRealmOf(tgt);
  const user = toPrincipal(params.user, realm);
  if (user.realm === '') throw new TypeError('user must name a realm');
  const cryptoOpts = { allowWeakCrypto: o.allowWeakCrypto === true };
  let protectedUser: Principal | undefined;
  let sentX509 = false;
  const service = tgt.client;
  const r = await tgsRequest(exchangeParams(params, tgt, service, o), tgt, {
    kdcRealm: realm,
    sname: nameOf(service),
    serverMayChange: true,
    kdcOptions: kdcOptions(tgt, o, 0),
    till: wholeSeconds(tgt.endtime.getTime()),
    clientMayChange: true,
    padata: (nonce, replyKey) => {
      const out: PAData[] = [];
      // MIT sends PA-S4U-X509-USER only where its checksum is a keyed one (not with an RC4 subkey, whose type is the unkeyed MD4).
      if (replyKey.etype !== EncType.RC4_HMAC) {
        out.push(buildPaS4UX509User(s4uUserId(user, nonce), replyKey, cryptoOpts));
        sentX509 = true;
      }
      out.push(buildPaForUser(user, tgt.key));
      return out;
    },
    onReply: (rep, part, replyKey, nonce) => {
      protectedUser = sentX509 ? checkS4U2SelfReply(rep, part, nonce, replyKey, cryptoOpts) : undefined;
      const want = protectedUser ?? user;
      // MIT: the unprotected client name of the reply must be the checksum-protected one.
      if (!sameName(rep.cname, nameOf(want)) || rep.crealm !== want.realm) {
        throw new ProtocolError(
          `S4U2Self reply is for client ${unparsePrincipal(principalOf(rep.cname, rep.crealm))}, not the user ${unparsePrincipal(want)} (MIT: KRB5_KDCREP_MODIFIED)`,
          { code: 'ERR_CLIENT_MISMATCH' },
        );
      }
      // MIT: the server must be the service, in any realm.
      if (!sameName(part.sname, nameOf(service))) {
        throw new ProtocolError(`S4U2Self reply is for server ${unparsePrincipal(principalOf(part.sname, part.srealm))}, not the service ${unparsePrincipal(service)}`, {
          code: 'ERR_SERVER_MISMATCH',
        });
      }
    },
  }).catch((e: unknown) => {
    throw explainS4U2SelfError(e, user, service);
  });
  return { ...r, realm, tgts: [], user: protectedUser ?? principalOf(r.reply.cname, r.reply.crealm), forwardable: isForwardable(r.credential.flags) };
}

function explainS4U2SelfError(e: unknown, user: Principal, service: Principal): unknown {
  if (!(e instanceof KdcError)) return e;
  const u = unparsePrincipal(user);
  const s = unparsePrincipal(service);
  let why: string | undefined;
  if (e.errorCode === ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN) why = `the KDC knows no user ${u}`;
  else if (e.errorCode === ErrorCode.KDC_ERR_BADOPTION || e.errorCode === ErrorCode.KDC_ERR_POLICY) {
    // MIT's and Samba's KDCs issue S4U2Self tickets to any service with a key (not forwardable
    // without protocol transition rights): a refusal here is the KDC's own policy.
    why = `the KDC's policy does not let ${s} ask for tickets in a user's name (protocol transition); the account's right to delegate with any protocol (Active Directory: TRUSTED_TO_AUTH_FOR_DELEGATION; MIT: ok_to_auth_as_delegate) only decides whether such tickets are forwardable`;
  }
  if (why === undefined) return e;
  return new KdcError(`S4U2Self for ${u} refused: ${why} (${kdcHead(e)})`, kdcDetails(e), { code: 'ERR_S4U2SELF_REFUSED', cause: e });
}

/** `KDC error 13 KDC_ERR_BADOPTION [KDC says: …]`: the KDC's own words without the generic advice. */
function kdcHead(e: KdcError): string {
  return `KDC error ${e.errorCode} ${e.errorName}${e.eText ? `, KDC says: ${e.eText}` : ''}`;
}

function kdcDetails(e: KdcError): ConstructorParameters<typeof KdcError>[1] {
  return {
    errorCode: e.errorCode,
    errorName: e.errorName,
    ...(e.eText !== undefined ? { eText: e.eText } : {}),
    ...(e.eData !== undefined ? { eData: e.eData } : {}),
    ...(e.serverTime !== undefined ? { serverTime: e.serverTime } : {}),
  };
}

/** The evidence of S4U2Proxy: a user's ticket to the service (a ccache credential or an acceptor's evidence ticket fit). */
export interface S4UEvidence {
  /** The DER Ticket. */
  ticket: Uint8Array;
  /** The user (the ticket's client). */
  client: Principal;
  /** The ticket's flags (TicketFlags bits); tells a forwardable ticket from one that is not. */
  flags: number;
}

/** Parameters of {@link getS4U2ProxyTicket}. */
export interface S4U2ProxyParams extends KdcExchangeParams {
  /** The service's own TGT. */
  tgt: CcacheCredential;
  /** The user's ticket to the service: from {@link getS4U2SelfTicket}, or the one the user presented (the acceptor's `evidence`). */
  evidence: S4UEvidence;
  /** The backend: `HTTP/backend.example.com`, in the service's realm unless named. */
  server: Principal | string;
  options?: S4UOptionsParam & {
    /** Send PA-PAC-OPTIONS with the resource-based-constrained-delegation bit (default true, as MIT). */
    resourceBased?: boolean;
  };
}

/**
 * S4U2Proxy: a ticket to `server` in the evidence ticket's user's name, as MIT's
 * `krb5_get_credentials_for_proxy` asks for it in the service's realm.
 *
 * A refusal is a `KdcError` that says why it usually happens, with the code
 * `ERR_S4U_EVIDENCE_NOT_FORWARDABLE` when the evidence ticket is not forwardable (no protocol
 * transition for the service, a user who may not be delegated, or a user ticket that came in
 * not forwardable) and `ERR_S4U2PROXY_REFUSED` otherwise.
 *
 * @example
 * ```ts
 * const self = await getS4U2SelfTicket({ transport, tgt, user: 'alice' })
 * const { credential } = await getS4U2ProxyTicket({ transport, tgt, evidence: self.credential, server: 'HTTP/backend.example.com' })
 * ```
 */
export async function getS4U2ProxyTicket(params: S4U2ProxyParams): Promise<ServiceTicket> {
  checkParams(params);
  const { tgt, evidence } = params;
  if (typeof evidence !== 'object' || evidence === null || !(evidence.ticket instanceof Uint8Array)) throw new TypeError('evidence must be { ticket, client, flags }');
  const o = params.options ?? {};
  const realm = tgtRealmOf(tgt);
  const server = toPrincipal(params.server, realm);
  const target = server.realm === '' ? { ...server, realm } : server;
  const rbcd = o.resourceBased !== false;
  Ticket.decode(evidence.ticket); // a DecodeError here, not a KDC's puzzled answer
  try {
    const r = await tgsRequest(exchangeParams(params, tgt, target, o), tgt, {
      kdcRealm: realm,
      sname: nameOf(target),
      serverMayChange: true,
      kdcOptions: kdcOptions(tgt, o, flagMask(KdcOpt.CNAME_IN_ADDL_TKT)),
      till: wholeSeconds(tgt.endtime.getTime()),
      additionalTicket: evidence.ticket,
      evidence: true,
      client: evidence.client,
      ...(rbcd ? { padata: () => [{ padataType: PaDataType.PA_PAC_OPTIONS, padataValue: PAPacOptions.encode({ flags: PAC_OPTIONS_RBCD }) }] } : {}),
      onReply: (_rep, part) => {
        if (!sameName(part.sname, nameOf(target))) {
          // MIT follows a referral (cross-realm RBCD) here; not done.
          throw new ProtocolError(
            `S4U2Proxy reply is for ${unparsePrincipal(principalOf(part.sname, part.srealm))}, not ${unparsePrincipal(target)} (cross-realm S4U2Proxy is not supported)`,
            { code: 'ERR_SERVER_MISMATCH' },
          );
        }
      },
    });
    return { ...r, realm, tgts: [] };
  } catch (e) {
    throw explainS4U2ProxyError(e, evidence, tgt.client, target);
  }
}

function explainS4U2ProxyError(e: unknown, evidence: S4UEvidence, service: Principal, target: Principal): unknown {
  if (!(e instanceof KdcError)) return e;
  const u = unparsePrincipal(evidence.client);
  const s = unparsePrincipal(service);
  const t = unparsePrincipal(target);
  if (e.errorCode !== ErrorCode.KDC_ERR_BADOPTION && e.errorCode !== ErrorCode.KDC_ERR_POLICY) return e;
  if (!isForwardable(evidence.flags)) {
    return new KdcError(
      `S4U2Proxy to ${t} for ${u} refused: the evidence ticket (${u} to ${s}) is not forwardable, and the KDC allows classic constrained delegation only with a forwardable one. ` +
        `From S4U2Self, that means ${s} may not use protocol transition (MIT: kadmin modprinc +ok_to_auth_as_delegate; Active Directory: "Use any authentication protocol", TRUSTED_TO_AUTH_FOR_DELEGATION) ` +
        `or the user may not be delegated (Active Directory: "Account is sensitive and cannot be delegated", or the Protected Users group); ` +
        `from a user's request, the user's own ticket was not forwardable (kinit -f, forwardable = true in krb5.conf). ` +
        `Resource-based delegation, which takes such a ticket, needs ${s} in ${t}'s msDS-AllowedToActOnBehalfOfOtherIdentity and a KDC that supports it (Samba 4.17's and MIT's packaged databases do not) (${kdcHead(e)})`,
      kdcDetails(e),
      { code: 'ERR_S4U_EVIDENCE_NOT_FORWARDABLE', cause: e },
    );
  }
  return new KdcError(
    `S4U2Proxy to ${t} for ${u} refused: ${s} may not delegate to ${t}. ` +
      `Classic constrained delegation needs ${t} among ${s}'s allowed targets (Active Directory: msDS-AllowedToDelegateTo; MIT: krbAllowedToDelegateTo, LDAP database only — MIT's default DB2 database has neither it nor resource-based delegation); ` +
      `resource-based delegation needs ${s} in ${t}'s msDS-AllowedToActOnBehalfOfOtherIdentity and a KDC that supports it (Samba 4.17's and MIT's packaged databases do not) (${kdcHead(e)})`,
    kdcDetails(e),
    { code: 'ERR_S4U2PROXY_REFUSED', cause: e },
  );
}
