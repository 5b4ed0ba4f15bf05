/**
 * The TGS exchange (RFC 4120 §3.3): a service ticket, a cross-realm TGT, a renewed ticket or a
 * forwarded TGT, from a TGT. Sans-I/O: requests go out through the injected {@link Transport}.
 *
 * The request carries a PA-TGS-REQ (RFC 4120 §5.4.1): an AP-REQ (`buildApReq`, src/ap) with the TGT and an
 * authenticator (key usage 7) whose checksum is the session key's own keyed checksum over the
 * KDC-REQ-BODY (usage 6; never the unkeyed RSA-MD5), with a fresh subkey by default, as MIT
 * sends. The reply is opened with the subkey (usage 9) or the session key (usage 8).
 *
 * Server referrals (RFC 6806 §8): with canonicalize (the default), a reply whose ticket is
 * `krbtgt/OTHER@THIS` for a request that was not for that name is a referral: the request is
 * made again at OTHER with that TGT, up to `maxReferrals` hops. A server in a named realm other
 * than the TGT's is reached through cross-realm TGTs along `transitPath` (krb5.conf [capaths])
 * or, by default, the realm hierarchy.
 *
 * FAST (RFC 6113, `fast.ts`) as MIT 1.20 does it: every request with a subkey is armored with the
 * implicit TGS armor (armor key = KRB-FX-CF2(subkey, "subkeyarmor", TGT session key,
 * "ticketarmor")); the outer padata are PA-TGS-REQ, PA-FX-FAST and copies of the rest, the FAST
 * checksum covers the AP-REQ. A reply with PA-FX-FAST is checked (nonce, ticket checksum) and its
 * strengthen-key applied to the reply key; a reply or error without it is read as a plain one, as
 * MIT reads it. `fast: false` sends plain requests.
 * @module
 */
import { buildApReq } from '../ap/index.js';
import { checksum, decrypt, isSupportedEnctype, mandatoryChecksumType, randomToKey, type Key } from '../crypto/index.js';
import { IntegrityError, ProtocolError } from '../errors.js';
import { EncType, KDCOptions as KdcOpt, KeyUsage, MessageType, PaDataType, TicketFlags, flagMask } from '../iana/index.js';
import type { CcacheCredential } from '../formats/ccache.js';
import { APReq, EncKDCRepPart, KDCReqBody, TGSReq, Ticket, type KDCRep, type PAData, type Principal, type PrincipalName, unparsePrincipal } from '../messages/index.js';
import { wipe } from '../util/bytes.js';
import { kdcErrorFromKrbError } from './kdc-error.js';
import { armoredPadata, processFastReply, strengthenReplyKey, tgsArmorKey, unwrapFastError, type FastState } from './fast.js';
import {
  checkReply,
  credentialFromReply,
  exchange,
  nameOf,
  makeNonce,
  requestEnctypes,
  sameName,
  show,
  tgsName,
  tgsRealmOf,
  toPrincipal,
  wholeSeconds,
  type KdcExchangeParams,
  type KdcReply,
} from './exchange.js';
import { randomBytes } from '../crypto/index.js';

/**
 * Options of a TGS request. As MIT's krb5_get_credentials, every request made with a TGT asks
 * again for what that TGT has of FORWARDABLE, PROXIABLE, MAY-POSTDATE (as ALLOW-POSTDATE) and
 * RENEWABLE (then renew-till = the TGT's): a ticket got with a forwardable TGT is forwardable.
 */
export interface TgsOptions {
  /** Ask for FORWARDABLE (default: when the TGT is forwardable); `false` does not ask even then. */
  forwardable?: boolean;
  /** Ask for PROXIABLE (default: when the TGT is proxiable); `false` does not ask even then. */
  proxiable?: boolean;
  /** Ask for a forwarded ticket (FORWARDED): with a krbtgt server, a TGT to delegate. See {@link getForwardedTgt}. */
  forwarded?: boolean;
  /** Renew `tgt` itself (RENEW): the request is for the ticket's own server. See {@link renewCredential}. */
  renew?: boolean;
  /** User-to-user: the DER Ticket of the other party's TGT (ENC-TKT-IN-SKEY, additional-tickets). */
  encTktInSkey?: Uint8Array;
  /** Set canonicalize and follow referrals (default true, as MIT). */
  canonicalize?: boolean;
  /** Requested lifetime in seconds (default: up to the TGT's end). */
  lifetimeSec?: number;
  /** Enctypes for the session key, in order of preference (default 18, 17, 20, 19; 23 only with `allowWeakCrypto`). */
  etypes?: readonly number[];
  allowWeakCrypto?: boolean;
  /** Send an authenticator subkey and expect the reply under it (default true, as MIT). */
  subkey?: boolean;
  /** The allowed clock skew in seconds (default 300). */
  clockskewSec?: number;
  /** KDC clock minus local clock in seconds (the ccache's kdcOffset), applied to the authenticator and the skew check. */
  kdcOffsetSec?: number;
  /** How many server referrals to follow (default 10). */
  maxReferrals?: number;
  /** Armor the request with FAST (implicit TGS armor; default true, as MIT; needs `subkey`). */
  fast?: boolean;
  /**
   * Intermediate realms from the TGT's realm to the server's (krb5.conf `[capaths]`; `.` entries
   * are ignored). Default: the realm hierarchy (`A.EXAMPLE.COM` → `EXAMPLE.COM` → `B.EXAMPLE.COM`).
   */
  transitPath?: readonly string[];
}

/** Parameters of {@link getServiceTicket}. */
export interface GetServiceTicketParams extends KdcExchangeParams {
  /** A TGT (`krbtgt/REALM@…`), or with `renew` the ticket to renew. */
  tgt: CcacheCredential;
  /**
   * The server: `HTTP/host@REALM`, or without a realm (`HTTP/host`) to ask the TGT's realm and
   * follow its referrals.
   */
  server: Principal | string;
  options?: TgsOptions;
}

/** What {@link getServiceTicket} resolves to. */
export interface ServiceTicket {
  credential: CcacheCredential;
  encPart: EncKDCRepPart;
  reply: KDCRep;
  /** The realm whose KDC issued the ticket. */
  realm: string;
  /** The cross-realm and referral TGTs obtained on the way, in order (a cache may keep them). */
  tgts: CcacheCredential[];
}

/** The realm hierarchy path between two realms, endpoints excluded (RFC 4120 §1.2). */
export function hierarchicalPath(from: string, to: string): string[] {
  const a = from.split('.');
  const b = to.split('.');
  let k = 0;
  while (k < a.length && k < b.length && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
  if (k === 0) return [];
  const path: string[] = [];
  for (let i = 1; i <= a.length - k; i++) path.push(a.slice(i).join('.'));
  for (let i = b.length - k - 1; i >= 1; i--) path.push(b.slice(i).join('.'));
  return path.filter((r, i) => r !== from && r !== to && path.indexOf(r) === i);
}

interface Once {
  credential: CcacheCredential;
  encPart: EncKDCRepPart;
  reply: KDCRep;
}

/** One TGS request's own parameters (see {@link tgsRequest}). */
export interface OnceParams {
  kdcRealm: string;
  sname: PrincipalName;
  serverMayChange: boolean;
  kdcOptions: number;
  till: Date;
  /** With RENEWABLE in kdcOptions: the renew-till asked for. */
  rtime?: Date;
  additionalTicket?: Uint8Array;
  /** The additional ticket is S4U2Proxy's evidence (cname-in-addl-tkt), not a user-to-user TGT. */
  evidence?: boolean;
  /**
   * PA-DATA after the PA-TGS-REQ, made once the nonce and the authenticator's subkey (else the TGT
   * session key) are known: MIT's pacb_fn, for S4U. It is that key even under FAST (MIT's KDC
   * checks PA-S4U-X509-USER with the authenticator subkey, not the strengthened reply key); under
   * FAST this padata belongs inside the KrbFastReq, as MIT sends it.
   */
  padata?: (nonce: number, subkey: Key) => PAData[];
  /** The client the reply must name when it is not the TGT's (S4U2Proxy: the evidence ticket's). */
  client?: Principal;
  /** Any client may come back (S4U2Self: `onReply` checks it against the KDC's protected name). */
  clientMayChange?: boolean;
  /** Checks the reply after the usual checks, with the authenticator's subkey (else the session key) and the nonce: S4U2Self's PA-S4U-X509-USER (under FAST: in the KrbFastResponse's padata). */
  onReply?: (rep: KDCRep, part: EncKDCRepPart, subkey: Key, nonce: number) => void;
}

/** The realm a TGT is for (`krbtgt/X@Y` → X), or a ProtocolError-free TypeError when `tgt` is no TGT. */
function tgtRealm(tgt: CcacheCredential): string {
  const r = tgsRealmOf({ nameType: tgt.server.nameType, nameString: tgt.server.components });
  if (r === undefined) throw new TypeError(`tgt is for ${unparsePrincipal(tgt.server)}, not a krbtgt/REALM ticket`);
  return r;
}

/** One TGS-REQ / TGS-REP with `tgt`, no referral followed (the S4U exchanges' building block). */
export { tgsOnce as tgsRequest };

/** One TGS-REQ / TGS-REP with `tgt`. */
async function tgsOnce(params: GetServiceTicketParams, tgt: CcacheCredential, p: OnceParams): Promise<Once> {
  const o = params.options ?? {};
  const clock = params.now ?? (() => new Date());
  const random = params.random ?? randomBytes;
  const allowWeakCrypto = o.allowWeakCrypto === true;
  const cryptoOpts = { allowWeakCrypto };
  const etypes = requestEnctypes(o.etypes, allowWeakCrypto);
  const offsetMs = (o.kdcOffsetSec ?? 0) * 1000;
  const sessionKey: Key = { etype: tgt.key.etype, value: tgt.key.value };
  if (!isSupportedEnctype(sessionKey.etype)) throw new TypeError(`session key enctype ${sessionKey.etype} is not supported`);
  const cksumtype = mandatoryChecksumType(sessionKey.etype);

  const sent = clock();
  const nonce = makeNonce(random);
  const body: KDCReqBody = {
    kdcOptions: p.kdcOptions >>> 0,
    realm: p.kdcRealm,
    sname: p.sname,
    till: p.till,
    ...(p.rtime ? { rtime: p.rtime } : {}),
    nonce,
    etype: etypes,
    ...(p.additionalTicket ? { additionalTickets: [Ticket.decode(p.additionalTicket)] } : {}),
  };
  const bodyBytes = KDCReqBody.encode(body);
  let subkey: Key | undefined;
  if (o.subkey !== false) subkey = randomToKey(sessionKey.etype, random(32), cryptoOpts);
  const ctime = sent.getTime() + offsetMs;
  const apReq = APReq.encode(
    buildApReq({
      ticket: Ticket.decode(tgt.ticket),
      sessionKey,
      client: tgt.client,
      // RFC 4120 §7.5.1 usage 6: a keyed checksum over the KDC-REQ-BODY as sent.
      cksum: { cksumtype, checksum: checksum(sessionKey, KeyUsage.TGS_REQ_AUTH_CKSUM, bodyBytes, cksumtype, cryptoOpts) },
      cusec: Math.floor((((ctime % 1000) + 1000) % 1000) * 1000),
      ctime: wholeSeconds(ctime),
      ...(subkey ? { subkey } : {}),
      // RFC 4120 §7.5.1 usage 7: the authenticator of a PA-TGS-REQ.
      usage: KeyUsage.TGS_REQ_AUTH,
      ...cryptoOpts,
    }),
  );
  const tgsPa = { padataType: PaDataType.PA_TGS_REQ, padataValue: apReq };
  // Padata besides PA-TGS-REQ (S4U's, made with the authenticator subkey even under FAST, as MIT's
  // KDC checks them); with FAST they go inside and, as MIT does, outside too.
  const otherPadata: PAData[] = p.padata ? p.padata(nonce, subkey ?? sessionKey) : [];
  const fast: FastState | undefined = subkey && o.fast !== false ? { armorKey: tgsArmorKey(subkey, sessionKey, cryptoOpts) } : undefined;
  const req = TGSReq.encode({
    pvno: 5,
    msgType: MessageType.KRB_TGS_REQ,
    padata: fast ? [tgsPa, armoredPadata(fast, otherPadata, body, apReq, cryptoOpts), ...otherPadata] : [tgsPa, ...otherPadata],
    reqBody: body,
  });
  const clientText = show({ nameType: tgt.client.nameType, nameString: tgt.client.components }, tgt.client.realm);
  let reply: KdcReply;
  try {
    reply = await exchange(params.transport, p.kdcRealm, req, 'TGS', params.signal ? { signal: params.signal } : undefined);
  } catch (e) {
    if (subkey) wipe(subkey.value);
    if (fast) wipe(fast.armorKey.value);
    throw e;
  }
  if (reply.type === 'error') {
    if (subkey) wipe(subkey.value);
    // MIT krb5int_fast_process_error: the real error from inside FAST, else the error as it came.
    const inner = fast ? unwrapFastError(fast, reply.value, nonce, cryptoOpts) : undefined;
    if (fast) wipe(fast.armorKey.value);
    throw kdcErrorFromKrbError(inner?.error ?? reply.value, { client: clientText, server: show(p.sname, p.kdcRealm), now: clock() });
  }
  let rep = reply.value;
  let part: EncKDCRepPart;
  let strengthen: Key | undefined;
  const client = p.client ?? tgt.client;
  try {
    // MIT krb5int_decode_tgs_rep: a reply without PA-FX-FAST is a plain one (KRB5_ERR_FAST_REQUIRED ignored).
    const f = fast ? processFastReply(fast, rep, nonce, cryptoOpts) : undefined;
    if (f) {
      rep = { ...rep, padata: f.padata, cname: f.finished.cname, crealm: f.finished.crealm };
      strengthen = f.strengthenKey;
    }
    const sess = strengthenReplyKey(strengthen, sessionKey, cryptoOpts);
    const sub = subkey ? strengthenReplyKey(strengthen, subkey, cryptoOpts) : undefined;
    try {
      part = EncKDCRepPart.decode(openTgsRep(rep, sess, sub, cryptoOpts));
    } finally {
      if (strengthen) wipe(sess.value, sub?.value);
    }
    checkReply('TGS', rep, part, {
      nonce,
      cname: nameOf(client),
      crealm: client.realm,
      clientMayChange: p.clientMayChange === true,
      sname: p.sname,
      srealm: p.kdcRealm,
      serverMayChange: p.serverMayChange,
      till: p.till,
      ...(p.rtime ? { rtime: p.rtime } : {}),
      renewable: p.rtime !== undefined,
    });
    // S4U's reply checks: the padata of the KrbFastResponse under FAST, the unstrengthened subkey (MIT)
    p.onReply?.(rep, part, subkey ?? sessionKey, nonce);
  } finally {
    if (subkey) wipe(subkey.value);
    if (fast) wipe(fast.armorKey.value);
  }
  if (!etypes.includes(part.key.keytype)) {
    throw new ProtocolError(`TGS-REP session key is of enctype ${part.key.keytype}, which was not requested ([${etypes.join(', ')}])`, {
      code: 'ERR_ETYPE_MISMATCH',
    });
  }
  // MIT krb5int_process_tgs_reply: the new ticket must start within the clock skew of now.
  const skewMs = (o.clockskewSec ?? 300) * 1000;
  const start = (part.starttime ?? part.authtime).getTime();
  const d = start - (sent.getTime() + offsetMs);
  if (Math.abs(d) > skewMs) {
    const s = Math.round(d / 1000);
    throw new ProtocolError(
      `clock skew too great in the TGS-REP: its ticket starts ${Math.abs(s)} s ${s >= 0 ? 'after' : 'before'} the local clock${offsetMs ? ' (with the KDC offset applied)' : ''}, beyond the allowed ${skewMs / 1000} s`,
      { code: 'ERR_CLOCK_SKEW' },
    );
  }
  const credential = credentialFromReply(rep, part, p.additionalTicket ? { isSkey: p.evidence !== true, secondTicket: p.additionalTicket } : {});
  return { credential, encPart: part, reply: rep };
}

/** RFC 4120 §3.3.3: the subkey (usage 9) when one was sent, else the session key (usage 8). */
function openTgsRep(rep: KDCRep, sessionKey: Key, subkey: Key | undefined, cryptoOpts: { allowWeakCrypto: boolean }): Uint8Array {
  if (subkey === undefined) return decrypt(sessionKey, KeyUsage.TGS_REP_ENCPART_SESSKEY, rep.encPart.cipher, cryptoOpts);
  try {
    return decrypt(subkey, KeyUsage.TGS_REP_ENCPART_SUBKEY, rep.encPart.cipher, cryptoOpts);
  } catch (e) {
    // Windows KDCs encrypt an RC4 reply under the subkey with usage 8; MIT accepts that too.
    if (!(e instanceof IntegrityError) || subkey.etype !== EncType.RC4_HMAC) throw e;
    return decrypt(subkey, KeyUsage.TGS_REP_ENCPART_SESSKEY, rep.encPart.cipher, cryptoOpts);
  }
}

/**
 * MIT's FLAGS2OPTS (KDC_TKT_COMMON_MASK, get_creds.c make_request): the KDC options a TGT's own
 * flags imply for a request made with it — FORWARDABLE, PROXIABLE, ALLOW-POSTDATE (from
 * MAY-POSTDATE) and RENEWABLE, the same bit numbers in both — less what `o` turns off.
 */
function fromTgtFlags(tgt: CcacheCredential, o: TgsOptions): number {
  const flags = tgt.flags >>> 0;
  let f = 0;
  const pairs: [number, number][] = [
    [TicketFlags.FORWARDABLE, KdcOpt.FORWARDABLE],
    [TicketFlags.PROXIABLE, KdcOpt.PROXIABLE],
    [TicketFlags.MAY_POSTDATE, KdcOpt.ALLOW_POSTDATE],
    [TicketFlags.RENEWABLE, KdcOpt.RENEWABLE],
  ];
  for (const [flag, opt] of pairs) if (flags & flagMask(flag)) f |= flagMask(opt);
  if (o.forwardable === false) f &= ~flagMask(KdcOpt.FORWARDABLE);
  if (o.proxiable === false) f &= ~flagMask(KdcOpt.PROXIABLE);
  return f >>> 0;
}

/** With RENEWABLE from the TGT, the renew-till asked for: the TGT's (MIT's KDC caps it there; Heimdal's wants one). */
function inheritedRtime(tgt: CcacheCredential, kdcOptions: number): { rtime?: Date } {
  return kdcOptions & flagMask(KdcOpt.RENEWABLE) && tgt.renewTill.getTime() > 0 ? { rtime: wholeSeconds(tgt.renewTill.getTime()) } : {};
}

function kdcOptionsOf(o: TgsOptions, canonicalize: boolean, renewable = false): number {
  let f = 0;
  if (o.forwardable) f |= flagMask(KdcOpt.FORWARDABLE);
  if (o.forwarded) f |= flagMask(KdcOpt.FORWARDED);
  if (o.proxiable) f |= flagMask(KdcOpt.PROXIABLE);
  if (canonicalize) f |= flagMask(KdcOpt.CANONICALIZE);
  if (o.encTktInSkey) f |= flagMask(KdcOpt.ENC_TKT_IN_SKEY);
  if (o.renew) f |= flagMask(KdcOpt.RENEW);
  if (renewable) f |= flagMask(KdcOpt.RENEWABLE);
  return f >>> 0;
}

/**
 * Gets a ticket for `server` with a TGT: follows referrals, crosses realms, renews.
 *
 * A KRB-ERROR is a `KdcError` (7 for an unknown server…); a reply that fails a check is a
 * `ProtocolError`.
 *
 * @example
 * ```ts
 * const { credential } = await getServiceTicket({ transport, tgt, server: 'HTTP/www.example.com@EXAMPLE.COM' })
 * ```
 */
export async function getServiceTicket(params: GetServiceTicketParams): Promise<ServiceTicket> {
  const { transport, tgt } = params;
  if (typeof transport?.send !== 'function') throw new TypeError('transport must have a send(realm, bytes) method');
  if (typeof tgt !== 'object' || tgt === null || !(tgt.ticket instanceof Uint8Array)) throw new TypeError('tgt must be a CcacheCredential');
  const o = params.options ?? {};
  const clock = params.now ?? (() => new Date());
  const lifetimeMs = o.lifetimeSec !== undefined ? o.lifetimeSec * 1000 : undefined;
  const tillFor = (cred: CcacheCredential): Date => {
    const end = cred.endtime.getTime();
    return wholeSeconds(lifetimeMs === undefined ? end : Math.min(end, clock().getTime() + lifetimeMs));
  };

  if (o.renew) {
    // RFC 4120 §3.3.1: renewal presents the ticket itself; the server and realm stay. As MIT's
    // krb5_get_renewed_creds, RENEWABLE with rtime = the old renew-till too: MIT's KDC keeps the
    // new ticket renewable only when the request asks for it.
    const realm = tgt.server.realm;
    const renewable = tgt.renewTill.getTime() > 0;
    const renewTill = renewable ? tgt.renewTill : tgt.endtime;
    const r = await tgsOnce(params, tgt, {
      kdcRealm: realm,
      sname: { nameType: tgt.server.nameType, nameString: tgt.server.components },
      serverMayChange: false,
      // MIT's val_renew.c: RENEW plus the ticket's own FLAGS2OPTS.
      kdcOptions: (kdcOptionsOf(o, false, renewable) | fromTgtFlags(tgt, o)) >>> 0,
      till: wholeSeconds(renewTill.getTime()),
      ...(renewable ? { rtime: wholeSeconds(renewTill.getTime()) } : {}),
    });
    return { ...r, realm, tgts: [] };
  }

  const canonicalize = o.canonicalize !== false;
  const server = toPrincipal(params.server, '');
  let cur = tgt;
  const tgts: CcacheCredential[] = [];
  const clientRealm = tgtRealm(tgt);

  // A named realm other than the TGT's: cross-realm TGTs along the path first (MIT's capaths walk).
  if (server.realm !== '' && server.realm !== clientRealm && tgsRealmOf(nameOf(server)) !== server.realm) {
    const path = (o.transitPath ?? hierarchicalPath(clientRealm, server.realm)).filter((r) => r !== '.' && r !== '' && r !== clientRealm);
    for (const next of [...path, server.realm]) {
      const at = tgtRealm(cur);
      if (at === next) continue;
      const kdcOptions = (kdcOptionsOf({ forwardable: o.forwardable ?? false }, false) | fromTgtFlags(cur, o)) >>> 0;
      const r = await tgsOnce(params, cur, {
        kdcRealm: at,
        sname: tgsName(next),
        serverMayChange: false,
        kdcOptions,
        till: tillFor(cur),
        ...inheritedRtime(cur, kdcOptions),
      });
      cur = r.credential;
      tgts.push(cur);
    }
  }

  const maxReferrals = o.maxReferrals ?? 10;
  const visited = [tgtRealm(cur)];
  for (let hop = 0; ; hop++) {
    const kdcRealm = tgtRealm(cur);
    const kdcOptions = (kdcOptionsOf(o, canonicalize) | fromTgtFlags(cur, o)) >>> 0;
    const r = await tgsOnce(params, cur, {
      kdcRealm,
      sname: nameOf(server),
      serverMayChange: canonicalize,
      kdcOptions,
      till: tillFor(cur),
      ...inheritedRtime(cur, kdcOptions),
      ...(o.encTktInSkey ? { additionalTicket: o.encTktInSkey } : {}),
    });
    const other = tgsRealmOf(r.encPart.sname);
    const isReferral = canonicalize && other !== undefined && other !== kdcRealm && !sameName(r.encPart.sname, nameOf(server));
    if (!isReferral) return { ...r, realm: kdcRealm, tgts };
    // RFC 6806 §8: krbtgt/OTHER@THIS in answer to another name is a referral to OTHER.
    if (visited.includes(other)) {
      throw new ProtocolError(`referral loop for ${unparsePrincipal({ components: server.components, realm: server.realm || kdcRealm })}: ${[...visited, other].join(' → ')}`, {
        code: 'ERR_REFERRAL_LOOP',
      });
    }
    if (hop + 1 > maxReferrals) {
      throw new ProtocolError(
        `more than ${maxReferrals} referrals for ${unparsePrincipal({ components: server.components, realm: server.realm || kdcRealm })}: ${visited.join(' → ')}`,
        {
          code: 'ERR_REFERRAL_LIMIT',
        },
      );
    }
    visited.push(other);
    cur = r.credential;
    tgts.push(cur);
  }
}

/**
 * Renews a renewable ticket (TGS-REQ with RENEW, RFC 4120 §3.3.1).
 *
 * @example
 * ```ts
 * const { credential } = await renewCredential({ transport, tgt: oldTgt })
 * ```
 */
export function renewCredential(params: Omit<GetServiceTicketParams, 'server'>): Promise<ServiceTicket> {
  const t = params.tgt;
  return getServiceTicket({
    ...params,
    server: { nameType: t.server.nameType, components: [...t.server.components], realm: t.server.realm },
    options: { ...params.options, renew: true },
  });
}

/**
 * A forwarded TGT for delegation (FORWARDED and FORWARDABLE, RFC 4120 §2.6), as MIT's
 * `krb5_fwd_tgt_creds`: the TGT's own server, so the copy can be sent in a KRB-CRED.
 *
 * @example
 * ```ts
 * const { credential } = await getForwardedTgt({ transport, tgt })
 * ```
 */
export function getForwardedTgt(params: Omit<GetServiceTicketParams, 'server'>): Promise<ServiceTicket> {
  const t = params.tgt;
  return getServiceTicket({
    ...params,
    server: { nameType: t.server.nameType, components: [...t.server.components], realm: t.server.realm },
    options: { forwardable: true, ...params.options, forwarded: true, canonicalize: false },
  });
}
