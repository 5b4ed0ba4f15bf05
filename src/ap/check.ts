/**
 * Checking an AP-REQ (RFC 4120 §3.2.3) as MIT's krb5_rd_req does, for every service that takes
 * one — the GSS-API acceptor (usage 11) and a KDC's TGS (the PA-TGS-REQ, usage 7):
 *
 * 1. the header: pvno 5, msg-type 14, no user-to-user (use-session-key);
 * 2. the service key: the ticket's server among the keys (and the one service asked for, if
 *    any), of the ticket's enctype, of its kvno — or, unless `strictKvno`, any kvno of the
 *    principal, newest first (AD bumps kvnos, some tools write 0);
 * 3. the ticket opened (usage 2), its session key of a permitted enctype, its times within the
 *    clock skew (not before its start, not after its end) and not marked INVALID;
 * 4. the authenticator opened with the session key (usage 11 or 7), a subkey of a permitted
 *    enctype, its client the ticket's, its time within the skew, and new to the replay cache.
 *
 * Weak enctypes (RC4) are refused unless `allowWeakCrypto`, with a message that names RC4 and
 * says how to allow it. The authenticator's checksum is the caller's: the 0x8003 one for GSS-API,
 * the keyed checksum over the KDC-REQ-BODY for a TGS. A refusal is an {@link ApReqError} with a
 * stable `code` and the KRB-ERROR code MIT would answer (`krbErrorCode`).
 * @module
 */
import { enctypeRefusal, type Key } from '../crypto/index.js';
import { IntegrityError, ProtocolError, type KerberosErrorOptions } from '../errors.js';
import { APOptions, ErrorCode, KeyUsage, MessageType, TicketFlags, enctypeName, flagMask } from '../iana/index.js';
import { samePrincipal, unparsePrincipal, type APReq, type Authenticator, type EncTicketPart, type Principal } from '../messages/index.js';
import { secretKey } from '../util/secret.js';
import { openAuthenticator, openTicket } from './open.js';
import { replayTag, type ReplayEntry, type ReplayStore } from './replay-cache.js';

/** A service key, as a keytab entry holds it. */
export interface ServiceKey {
  principal: { realm: string; components: readonly string[] };
  kvno: number;
  key: Key;
}

/** Options of {@link checkApReq}. */
export interface CheckApReqOptions {
  /** The service keys (a keytab's entries; a KDC's keys of its principals). */
  keys: readonly ServiceKey[];
  /** Only tickets for this service (`components` and `realm`; default: any in `keys`). */
  service?: { realm?: string; components: readonly string[] };
  /** Use only the key of the ticket's kvno (default false: any kvno of the principal, newest first). */
  strictKvno?: boolean;
  /** The authenticator's key usage: `KeyUsage.AP_REQ_AUTH` (11, the default) or, in a PA-TGS-REQ, `KeyUsage.TGS_REQ_AUTH` (7). */
  usage?: number;
  /** The time to check against (default the current time). */
  now?: Date | number;
  /** Clock skew allowed, seconds (default 300, krb5.conf's clockskew). */
  clockSkewSec?: number;
  /**
   * Where authenticators seen are remembered (a `ReplayCache`, a `FileReplayCache`); default
   * none. A store that throws (full, I/O) makes this throw the same error: no refusal code of
   * its own, the caller refuses.
   */
  replayCache?: ReplayStore | false;
  allowWeakCrypto?: boolean;
  /**
   * Take a ticket marked INVALID or not valid yet (a postdated one): the KDC's check of a
   * VALIDATE request, as MIT's krb5_rd_req_decoded_anyflag (the KDC then checks the start time
   * itself). Expiry is checked all the same. Default false.
   */
  allowInvalid?: boolean;
}

/** What a checked AP-REQ holds, opened. */
export interface CheckedApReq {
  /** The ticket's server (sname/realm). */
  server: Principal;
  /** The authenticated client (the authenticator's cname/crealm, which are the ticket's). */
  client: Principal;
  /** The ticket's EncTicketPart: flags, times, authorization data (the PAC), the session key. */
  ticket: EncTicketPart;
  /** The key that opened the ticket. */
  serviceKey: ServiceKey;
  sessionKey: Key;
  authenticator: Authenticator;
  /** The authenticator's subkey, if it carried one. */
  subkey: Key | undefined;
  /** The authenticator's time (ctime + cusec), ms since the epoch. */
  time: number;
}

/** The reasons {@link checkApReq} refuses, as `ApReqError.code`. */
export type ApReqRefusal =
  | 'ERR_AP_BAD_VERSION'
  | 'ERR_AP_MSG_TYPE'
  | 'ERR_AP_USER_TO_USER'
  | 'ERR_AP_WRONG_SERVICE'
  | 'ERR_AP_NO_SERVICE_KEY'
  | 'ERR_AP_TICKET_ETYPE'
  | 'ERR_AP_NO_KEY_OF_ETYPE'
  | 'ERR_AP_NO_KEY_OF_KVNO'
  | 'ERR_AP_TICKET_MALFORMED'
  | 'ERR_AP_TICKET_INTEGRITY'
  | 'ERR_AP_SESSION_KEY_ETYPE'
  | 'ERR_AP_TICKET_NYV'
  | 'ERR_AP_TICKET_EXPIRED'
  | 'ERR_AP_TICKET_INVALID'
  | 'ERR_AP_AUTHENTICATOR_INTEGRITY'
  | 'ERR_AP_AUTHENTICATOR_MALFORMED'
  | 'ERR_AP_SUBKEY_ETYPE'
  | 'ERR_AP_CLIENT_MISMATCH'
  | 'ERR_AP_SKEW'
  | 'ERR_AP_REPLAY';

/** An AP-REQ refused: why (`code`), and the KRB-ERROR code a service answers with. */
export class ApReqError extends ProtocolError {
  static override readonly kind: string = 'ApReqError';
  static override readonly defaultCode: string = 'ERR_AP';
  declare readonly code: ApReqRefusal;
  /** The KRB-ERROR code (ErrorCode) MIT's krb5_rd_req gives for this fault. */
  readonly krbErrorCode: number;
  /**
   * The ticket's server, once the AP-REQ's header (pvno, msg-type, options) was accepted: the
   * service a KRB-ERROR answering this refusal names.
   */
  readonly server: Principal | undefined;
  constructor(message: string, code: ApReqRefusal, krbErrorCode: number, server: Principal | undefined, options: KerberosErrorOptions = {}) {
    super(message, { ...options, code });
    this.krbErrorCode = krbErrorCode;
    this.server = server;
  }
}

/** A key of a refused enctype, said plainly: RC4 by name, with how to allow it. */
function weakMessage(etype: number, what: string, r: { code: string }): string {
  if (r.code === 'ERR_WEAK_CRYPTO') {
    return `${what} ${enctypeName(etype)} (RC4, etype ${etype}), a weak enctype this acceptor does not permit: give the service AES keys (in Active Directory, set msDS-SupportedEncryptionTypes on its account), or pass allowWeakCrypto: true to accept RC4`;
  }
  return `${what} enctype ${etype} (${enctypeName(etype)}), which is not supported`;
}

/**
 * Checks an AP-REQ and opens it (see the module's steps); a refusal is an {@link ApReqError}.
 * @example
 * ```ts
 * const { client, ticket, sessionKey, authenticator } = checkApReq(apReq, { keys: keytab.entries, replayCache })
 * // then the caller's own checksum: GSS 0x8003, or the PA-TGS-REQ's over the request body
 * ```
 */
export function checkApReq(ap: APReq, o: CheckApReqOptions): CheckedApReq {
  if (!o || !Array.isArray(o.keys)) throw new TypeError('keys must be the service keys (keytab entries)');
  const now = o.now === undefined ? Date.now() : typeof o.now === 'number' ? o.now : o.now.getTime();
  const skew = (o.clockSkewSec ?? 300) * 1000;
  const opts = { allowWeakCrypto: o.allowWeakCrypto === true };
  let server: Principal | undefined;
  const fail = (message: string, code: ApReqRefusal, krbErrorCode: number, cause?: unknown): never => {
    throw new ApReqError(message, code, krbErrorCode, server, cause === undefined ? {} : { cause });
  };

  if (ap.pvno !== 5) fail(`AP-REQ pvno ${ap.pvno}`, 'ERR_AP_BAD_VERSION', ErrorCode.KRB_AP_ERR_BADVERSION);
  if (ap.msgType !== MessageType.KRB_AP_REQ) fail(`AP-REQ msg-type ${ap.msgType}`, 'ERR_AP_MSG_TYPE', ErrorCode.KRB_AP_ERR_MSG_TYPE);
  if (ap.apOptions & flagMask(APOptions.USE_SESSION_KEY)) fail('user-to-user tickets are not accepted', 'ERR_AP_USER_TO_USER', ErrorCode.KRB_AP_ERR_METHOD);
  const t = ap.ticket;
  server = { nameType: t.sname.nameType, realm: t.realm, components: t.sname.nameString };
  const want = o.service;
  if (
    want &&
    (want.components.length !== server.components.length ||
      want.components.some((c, i) => c !== server!.components[i]) ||
      (want.realm !== undefined && want.realm !== server.realm))
  ) {
    fail(`the ticket is for ${unparsePrincipal(server)}, not this service`, 'ERR_AP_WRONG_SERVICE', ErrorCode.KRB_AP_ERR_NOT_US);
  }

  // The service key: the principal's keys of the ticket's enctype, its kvno first.
  const etype = t.encPart.etype;
  const kvno = t.encPart.kvno;
  const mine = o.keys.filter((k) => samePrincipal(k.principal, server!));
  if (mine.length === 0) fail(`no key for ${unparsePrincipal(server)} in the keytab`, 'ERR_AP_NO_SERVICE_KEY', ErrorCode.KRB_AP_ERR_NOT_US);
  const refusal = enctypeRefusal(etype, opts);
  if (refusal) fail(weakMessage(etype, 'the ticket is encrypted with', refusal), 'ERR_AP_TICKET_ETYPE', ErrorCode.KDC_ERR_ETYPE_NOSUPP);
  const ofType = mine.filter((k) => k.key.etype === etype);
  if (ofType.length === 0) fail(`no key of enctype ${etype} for the ticket's service`, 'ERR_AP_NO_KEY_OF_ETYPE', ErrorCode.KRB_AP_ERR_NOKEY);
  const exact = ofType.filter((k) => kvno === undefined || k.kvno >>> 0 === kvno >>> 0);
  const candidates = o.strictKvno ? exact : [...exact, ...ofType.filter((k) => !exact.includes(k)).sort((a, b) => (b.kvno >>> 0) - (a.kvno >>> 0))];
  if (candidates.length === 0) fail(`no key of kvno ${kvno} for the ticket's service`, 'ERR_AP_NO_KEY_OF_KVNO', ErrorCode.KRB_AP_ERR_BADKEYVER);
  let part: EncTicketPart | undefined;
  let serviceKey: ServiceKey | undefined;
  for (const c of candidates) {
    try {
      part = openTicket(t, c.key, opts);
      serviceKey = c;
      break;
    } catch (e) {
      if (!(e instanceof IntegrityError))
        fail(`the ticket's encrypted part is malformed: ${(e as Error).message}`, 'ERR_AP_TICKET_MALFORMED', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, e);
    }
  }
  if (!part || !serviceKey) return fail('the ticket does not decrypt with the service key (a stale keytab?)', 'ERR_AP_TICKET_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  const sessionKey = secretKey(part.key.keytype, part.key.keyvalue);
  const sessionRefusal = enctypeRefusal(sessionKey.etype, opts);
  if (sessionRefusal) fail(weakMessage(sessionKey.etype, "the ticket's session key is of", sessionRefusal), 'ERR_AP_SESSION_KEY_ETYPE', ErrorCode.KDC_ERR_ETYPE_NOSUPP);
  const start = (part.starttime ?? part.authtime).getTime();
  if (start - skew > now && o.allowInvalid !== true) fail('the ticket is not valid yet', 'ERR_AP_TICKET_NYV', ErrorCode.KRB_AP_ERR_TKT_NYV);
  if (part.endtime.getTime() + skew < now) fail('the ticket has expired', 'ERR_AP_TICKET_EXPIRED', ErrorCode.KRB_AP_ERR_TKT_EXPIRED);
  // a postdated ticket not yet validated by the KDC (RFC 4120 §2.2)
  if (part.flags & flagMask(TicketFlags.INVALID) && o.allowInvalid !== true)
    fail('the ticket is marked invalid (postdated, not validated)', 'ERR_AP_TICKET_INVALID', ErrorCode.KRB_AP_ERR_TKT_NYV);

  let auth: Authenticator;
  try {
    auth = openAuthenticator(ap, sessionKey, o.usage ?? KeyUsage.AP_REQ_AUTH, opts);
  } catch (e) {
    return e instanceof IntegrityError
      ? fail('the authenticator does not decrypt with the session key', 'ERR_AP_AUTHENTICATOR_INTEGRITY', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, e)
      : fail(`the authenticator is malformed: ${(e as Error).message}`, 'ERR_AP_AUTHENTICATOR_MALFORMED', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, e);
  }
  if (auth.subkey) {
    const r = enctypeRefusal(auth.subkey.keytype, opts);
    if (r) fail(weakMessage(auth.subkey.keytype, "the authenticator's subkey is of", r), 'ERR_AP_SUBKEY_ETYPE', ErrorCode.KDC_ERR_ETYPE_NOSUPP);
  }
  const client: Principal = { nameType: auth.cname.nameType, realm: auth.crealm, components: auth.cname.nameString };
  if (!samePrincipal(client, { realm: part.crealm, components: part.cname.nameString })) {
    fail('the authenticator names another client than the ticket', 'ERR_AP_CLIENT_MISMATCH', ErrorCode.KRB_AP_ERR_BADMATCH);
  }
  const time = auth.ctime.getTime() + Math.floor(auth.cusec / 1000);
  if (Math.abs(time - now) > skew) {
    fail(`the initiator's clock is ${Math.round((time - now) / 1000)} s off (more than ${skew / 1000} s)`, 'ERR_AP_SKEW', ErrorCode.KRB_AP_ERR_SKEW);
  }
  if (o.replayCache) {
    const entry: ReplayEntry = { tag: replayTag(ap.authenticator.cipher), time, expires: time + skew, server: unparsePrincipal(server) };
    if (!o.replayCache.check(entry, now)) fail('this authenticator was seen before: a replay', 'ERR_AP_REPLAY', ErrorCode.KRB_AP_ERR_REPEAT);
  }
  return {
    server,
    client,
    ticket: part,
    serviceKey,
    sessionKey,
    authenticator: auth,
    subkey: auth.subkey ? secretKey(auth.subkey.keytype, auth.subkey.keyvalue) : undefined,
    time,
  };
}
