/**
 * The embedded KDC's exchanges, sans-I/O: a request's bytes in, the reply's bytes out (or none,
 * for bytes that are not a Kerberos request). The AS exchange (RFC 4120 §3.1) with
 * PA-ENC-TIMESTAMP pre-authentication and the TGS exchange (§3.3) with the PA-TGS-REQ checked by
 * `ap/checkApReq` and its body checksum verified, following the rules of MIT krb5kdc 1.20
 * (`kdc/do_as_req.c`, `do_tgs_req.c`, `kdc_util.c`): the error codes it sends for the same
 * faults, its enctype choices, ticket flags, lifetimes and renewable times.
 * @module
 */
import { checkApReq, ApReqError, shouldHaveTicketSignature, verifyTicketPac, type ServiceKey } from '../ap/index.js';
import { checksum, decrypt, encrypt, hmacMd5Checksum, mandatoryChecksumType, randomKey, verifyChecksum, isSupportedEnctype, type Key } from '../crypto/index.js';
import { IntegrityError, KerberosError, UnsupportedError } from '../errors.js';
import {
  ChecksumType,
  EncType,
  ErrorCode,
  FastArmorType,
  KDCOptions as Opt,
  KeyUsage,
  MessageType,
  NameType,
  PaDataType,
  TicketFlags as Flag,
  enctypeName,
  errorCodeName,
  flagMask,
} from '../iana/index.js';
import {
  APReq,
  ASRep,
  ASReq,
  Checksum,
  EncASRepPart,
  EncTGSRepPart,
  EncTicketPart,
  EncryptedData,
  ETypeInfo2,
  KDCReqBody,
  KRBError,
  MethodData,
  PAEncTsEnc,
  PAForUser,
  PAPacRequest,
  PAS4UX509User,
  S4UOptions,
  S4UUserID,
  TGSRep,
  TGSReq,
  type EncTicketPart as EncTicketPartT,
  forUserChecksumInput,
  type KDCReq,
  type KrbFastArmoredReq,
  type PAForUser as PAForUserT,
  type PAData,
  type PrincipalName,
  type Ticket,
  unparsePrincipal,
} from '../messages/index.js';
import { constantTimeEqual } from '../util/bytes.js';
import { secretKey } from '../util/secret.js';
import type { DbEntry, KdcDatabase } from './database.js';
import { armorKeyOf, clientChallengeTime, FastRefusal, fastErrorEData, fastReplyPadata, findFastRequest, kdcChallenge, openFastRequest, strengthen } from './fast.js';
import { issuePac, resignPac, ticketAuthorizationData, type PacIdentity } from './pac.js';

/** Options of {@link Kdc}. */
export interface KdcOptions {
  /** The clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Clock skew allowed, seconds (default 300). */
  clockSkewSec?: number;
  /** Put a PAC in tickets (default true; a client's PA-PAC-REQUEST include-pac false asks for none). */
  pac?: boolean;
  /**
   * Offer and answer FAST (RFC 6113), as MIT's krb5kdc: PA-FX-FAST in PREAUTH_REQUIRED's hints,
   * AS requests armored with a TGT (MIT `kinit -T`) and pre-authenticated by encrypted challenge,
   * TGS requests armored implicitly, replies and errors inside the armor (default false).
   */
  fast?: boolean;
}

/** One request's FAST state: its armor key and the inner request's nonce; errors go inside the armor. */
interface FastContext {
  fast?: { armorKey: Key; nonce: number };
  /** The request as the KDC read it (the inner one under FAST), for the error's names. */
  req?: KDCReq;
}

/** What one exchange did, for the request log. */
export interface KdcLogEntry {
  /** `AS_REQ`, `TGS_REQ`, or `UNKNOWN` for bytes that are not a request. */
  request: 'AS_REQ' | 'TGS_REQ' | 'UNKNOWN';
  /** The enctypes the client asked for. */
  etypes: number[];
  client?: string;
  server?: string;
  /** `ISSUE`, or the KRB-ERROR code's name, or `DROPPED`. */
  status: string;
  /** For an issued ticket: reply, ticket and session key enctypes. */
  issued?: { rep: number; tkt: number; ses: number; authtime: number };
  /** Why, in words (never key material). */
  reason?: string;
  /** The request came armored with FAST (RFC 6113). */
  fast?: boolean;
}

/** The result of {@link Kdc.handle}. */
export interface KdcResult {
  /** The reply's bytes; `undefined`: nothing to send (not a Kerberos request). */
  reply: Uint8Array | undefined;
  log: KdcLogEntry;
}

const etypeTexts = new Map<string, string>();
/** `N etypes {name(n), …}`, remembered per list (clients send the same few lists). */
function etypesText(etypes: readonly number[]): string {
  const k = etypes.join(',');
  let t = etypeTexts.get(k);
  if (t === undefined) {
    t = `${etypes.length} etypes {${etypes.map((x) => `${enctypeName(x)}(${x})`).join(', ')}}`;
    if (etypeTexts.size < 256) etypeTexts.set(k, t);
  }
  return t;
}

/** Formats a log entry as one line, in the shape of MIT krb5kdc's. */
export function formatKdcLog(e: KdcLogEntry, from = ''): string {
  const et = etypesText(e.etypes);
  const who = `${e.client ?? '<unknown client>'} for ${e.server ?? '<unknown server>'}`;
  const issued = e.issued ? `: authtime ${e.issued.authtime}, etypes {rep=${e.issued.rep} tkt=${e.issued.tkt} ses=${e.issued.ses}}` : '';
  const reason = e.reason ? `, ${e.reason}` : '';
  return `${e.request} (${et})${from ? ` ${from}` : ''}: ${e.status}${issued}, ${who}${reason}`;
}

class Refusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly eData?: Uint8Array,
    readonly eText?: string,
  ) {
    super(reason);
  }
}

const refuse = (code: number, reason: string, eData?: Uint8Array, eText?: string): never => {
  throw new Refusal(code, reason, eData, eText);
};

const bit = flagMask;
const has = (word: number, b: number): boolean => (word & bit(b)) !== 0;

const NON_TGT_OPTIONS = bit(Opt.FORWARDED) | bit(Opt.PROXY) | bit(Opt.RENEW) | bit(Opt.VALIDATE);
const AS_INVALID_OPTIONS = NON_TGT_OPTIONS | bit(Opt.ENC_TKT_IN_SKEY) | bit(Opt.CNAME_IN_ADDL_TKT);
const OPTS_COMMON = bit(Opt.FORWARDABLE) | bit(Opt.FORWARDED) | bit(Opt.PROXIABLE) | bit(Opt.PROXY) | bit(Opt.ALLOW_POSTDATE) | bit(Opt.POSTDATED);
const TGS_COPIED = bit(Flag.FORWARDED) | bit(Flag.PROXY) | bit(Flag.PRE_AUTHENT) | bit(Flag.HW_AUTHENT);
/** PA-REQ-ENC-PA-REP (RFC 6806 §11), PA-FX-FAST (RFC 6113). */
const PA_REQ_ENC_PA_REP = 149;
const KERBEROS_TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59);

function nameText(name: PrincipalName | undefined, realm: string): string | undefined {
  return name ? unparsePrincipal({ components: name.nameString, realm }) : undefined;
}

/**
 * The KDC: one database, a clock. `handle(bytes)` answers one request, synchronously.
 * @example
 * ```ts
 * const kdc = new Kdc(new KdcDatabase({ realm: 'EXAMPLE.TEST', principals: [{ name: 'alice', password: 'pw' }] }))
 * const { reply, log } = kdc.handle(requestBytes)
 * ```
 */
export class Kdc {
  readonly db: KdcDatabase;
  private readonly now: () => number;
  private readonly skewMs: number;
  private readonly pac: boolean;
  private readonly fast: boolean;

  constructor(db: KdcDatabase, options: KdcOptions = {}) {
    this.db = db;
    this.pac = options.pac !== false;
    this.fast = options.fast === true;
    this.now = options.now ?? Date.now;
    this.skewMs = (options.clockSkewSec ?? 300) * 1000;
  }

  /** Answers one request (AS-REQ or TGS-REQ bytes, without the TCP length prefix). */
  handle(bytes: Uint8Array): KdcResult {
    const log: KdcLogEntry = { request: 'UNKNOWN', etypes: [], status: 'DROPPED' };
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) return { reply: undefined, log };
    const isAs = bytes[0] === 0x6a;
    const isTgs = bytes[0] === 0x6c;
    if (!isAs && !isTgs) {
      log.reason = 'not an AS-REQ or TGS-REQ';
      return { reply: undefined, log };
    }
    log.request = isAs ? 'AS_REQ' : 'TGS_REQ';
    let req: KDCReq;
    try {
      req = (isAs ? ASReq : TGSReq).decode(bytes);
    } catch (e) {
      // MIT's dispatch drops a request it cannot decode; so do we.
      log.reason = `undecodable: ${e instanceof KerberosError ? e.message : 'malformed'}`;
      return { reply: undefined, log };
    }
    const body = req.reqBody;
    log.etypes = body.etype.slice(0, 16);
    log.server = nameText(body.sname, body.realm);
    if (isAs) log.client = nameText(body.cname, body.realm);
    const nowMs = this.now();
    const tgsClient: { crealm?: string; cname?: PrincipalName } = {};
    const ctx: FastContext = {};
    try {
      if (req.pvno !== 5) refuse(ErrorCode.KDC_ERR_BAD_PVNO, `pvno ${req.pvno}`);
      const reply = isAs ? this.as(req, bytes, nowMs, log, ctx) : this.tgs(req, nowMs, log, tgsClient, ctx);
      log.status = 'ISSUE';
      return { reply, log };
    } catch (thrown) {
      const e = thrown instanceof FastRefusal ? new Refusal(thrown.code, thrown.reason) : thrown;
      if (!(e instanceof Refusal)) {
        // A fault of ours (never key material in the text): KRB_ERR_GENERIC, as MIT for an internal error.
        log.status = errorCodeName(ErrorCode.KRB_ERR_GENERIC);
        log.reason = e instanceof KerberosError ? e.message : 'internal error';
        return { reply: this.error(ctx.req ?? req, nowMs, ErrorCode.KRB_ERR_GENERIC, isAs, tgsClient, undefined, undefined, ctx), log };
      }
      log.status = errorCodeName(e.code);
      log.reason = e.reason;
      return { reply: this.error(ctx.req ?? req, nowMs, e.code, isAs, tgsClient, e.eData, e.eText, ctx), log };
    }
  }

  /** KRB_ERR_RESPONSE_TOO_BIG, as MIT's make_too_big_error: server krbtgt, no client. */
  tooBig(): Uint8Array {
    const now = this.now();
    return KRBError.encode({
      pvno: 5,
      msgType: MessageType.KRB_ERROR,
      stime: new Date(Math.floor(now / 1000) * 1000),
      susec: (now % 1000) * 1000,
      errorCode: ErrorCode.KRB_ERR_RESPONSE_TOO_BIG,
      realm: this.db.realm,
      sname: { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', this.db.realm] },
    });
  }

  private error(
    req: KDCReq,
    nowMs: number,
    code: number,
    isAs: boolean,
    tgsClient: { crealm?: string; cname?: PrincipalName },
    eData?: Uint8Array,
    eText?: string,
    ctx: FastContext = {},
  ): Uint8Array {
    if (ctx.fast) {
      // MIT's kdc_fast_handle_error: the error without its e-data goes inside the armor
      // (PA-FX-ERROR) with its METHOD-DATA; the outer error's e-data is that PA-FX-FAST
      const inner = this.error(req, nowMs, code, isAs, tgsClient, undefined, eText);
      let methods: PAData[] = [];
      if (eData !== undefined) {
        try {
          methods = MethodData.decode(eData);
        } catch {
          methods = [];
        }
      }
      return this.error(req, nowMs, code, isAs, tgsClient, fastErrorEData(ctx.fast.armorKey, ctx.fast.nonce, inner, methods), eText);
    }
    const b = req.reqBody;
    // AS: the client asked for; TGS: the TGT's client, once the PA-TGS-REQ was opened (as MIT)
    return KRBError.encode({
      pvno: 5,
      msgType: MessageType.KRB_ERROR,
      stime: new Date(Math.floor(nowMs / 1000) * 1000),
      susec: (nowMs % 1000) * 1000,
      errorCode: code,
      ...(isAs && b.cname ? { crealm: b.realm, cname: b.cname } : {}),
      ...(!isAs && tgsClient.cname ? { crealm: tgsClient.crealm!, cname: tgsClient.cname } : {}),
      realm: b.realm,
      sname: b.sname ?? { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', this.db.realm] },
      ...(eText !== undefined ? { eText } : {}),
      ...(eData !== undefined ? { eData } : {}),
    });
  }

  /** MIT's select_session_keytype: the first requested enctype the server supports. */
  private sessionEnctype(server: DbEntry, etypes: readonly number[]): number | undefined {
    const supports = (etype: number) =>
      server.sessionEnctypes ? server.sessionEnctypes.includes(etype) : etype === EncType.AES256_CTS_HMAC_SHA1_96 || server.keys.some((k) => k.key.etype === etype);
    return etypes.find((e) => isSupportedEnctype(e) && supports(e));
  }

  private ticketKey(server: DbEntry) {
    return server.keys[0]!;
  }

  private endtime(start: number, limit: number, till: Date, client: DbEntry | undefined, server: DbEntry): number {
    const tillMs = till.getTime() === 0 ? KERBEROS_TIME_MAX : till.getTime();
    let life = Math.max(0, Math.min(tillMs, limit) - start);
    if (client?.maxLifeSec) life = Math.min(life, client.maxLifeSec * 1000);
    if (server.maxLifeSec) life = Math.min(life, server.maxLifeSec * 1000);
    if (this.db.maxLifeSec) life = Math.min(life, this.db.maxLifeSec * 1000);
    return start + life;
  }

  /** MIT's kdc_get_ticket_renewtime: the renewable flag and renew-till, or none. */
  private renewTill(body: KDCReq['reqBody'], start: number, end: number, client: DbEntry | undefined, server: DbEntry, tgt: EncTicketPartT | undefined): number | undefined {
    if (!server.flags.allowRenewable || (client && !client.flags.allowRenewable)) return undefined;
    if (tgt && !has(tgt.flags, Flag.RENEWABLE)) return undefined;
    let rtime: number;
    const renewable = has(body.kdcOptions, Opt.RENEWABLE);
    if (renewable) rtime = body.rtime && body.rtime.getTime() !== 0 ? body.rtime.getTime() : KERBEROS_TIME_MAX;
    else if (has(body.kdcOptions, Opt.RENEWABLE_OK) && body.till.getTime() > end) rtime = body.till.getTime();
    else return undefined;
    if (tgt) rtime = Math.min(rtime, tgt.renewTill?.getTime() ?? 0);
    let max = Math.min(server.maxRenewSec, this.db.maxRenewSec);
    if (client) max = Math.min(max, client.maxRenewSec);
    rtime = Math.min(rtime, start + max * 1000);
    if (!renewable && rtime <= end) return undefined;
    return rtime;
  }

  /** MIT's get_ticket_flags. */
  private ticketFlags(options: number, client: DbEntry | undefined, server: DbEntry, header: EncTicketPartT | undefined): number {
    if (header && options & (bit(Opt.VALIDATE) | bit(Opt.RENEW))) return (header.flags & ~bit(Flag.INVALID)) >>> 0;
    let flags = options & OPTS_COMMON & ~bit(Opt.REQUEST_ANONYMOUS);
    if (has(options, Opt.POSTDATED)) flags |= bit(Flag.INVALID);
    if (header) flags |= header.flags & TGS_COPIED;
    else flags |= bit(Flag.INITIAL);
    if (header && server.flags.okAsDelegate) flags |= bit(Flag.OK_AS_DELEGATE);
    if ((client && !client.flags.allowProxiable) || !server.flags.allowProxiable || (header && !has(header.flags, Flag.PROXIABLE))) flags &= ~bit(Flag.PROXIABLE);
    if ((client && !client.flags.allowForwardable) || !server.flags.allowForwardable || (header && !has(header.flags, Flag.FORWARDABLE))) flags &= ~bit(Flag.FORWARDABLE);
    return flags >>> 0;
  }

  /** `encoded`: the part's encoding when the caller has it (ticketAuthorizationData's). */
  private issueTicket(server: DbEntry, part: EncTicketPartT, encoded?: Uint8Array): Ticket {
    const k = this.ticketKey(server);
    return {
      tktVno: 5,
      realm: server.principal.realm,
      sname: { nameType: server.principal.nameType, nameString: server.principal.components },
      encPart: { etype: k.key.etype, kvno: k.kvno, cipher: encrypt(k.key, KeyUsage.KDC_REP_TICKET, encoded ?? EncTicketPart.encode(part)) },
    };
  }

  /**
   * PREAUTH_REQUIRED's METHOD-DATA, as MIT's: ETYPE-INFO2 and PA-ENC-TIMESTAMP; with FAST on, also
   * PA-FX-FAST (FAST is available); inside FAST, PA-ENCRYPTED-CHALLENGE in PA-ENC-TIMESTAMP's place
   * (MIT's encrypted timestamp module is not offered once there is an armor key).
   */
  private preauthHints(client: DbEntry, key: { key: Key; salt?: string }, armored = false): Uint8Array {
    const empty = new Uint8Array(0);
    const info: PAData[] = [
      { padataType: PaDataType.PA_ETYPE_INFO2, padataValue: ETypeInfo2.encode([{ etype: key.key.etype, ...(key.salt !== undefined ? { salt: key.salt } : {}) }]) },
      armored ? { padataType: PaDataType.PA_ENCRYPTED_CHALLENGE, padataValue: empty } : { padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: empty },
      ...(this.fast ? [{ padataType: PaDataType.PA_FX_FAST, padataValue: empty }] : []),
    ];
    void client;
    return MethodData.encode(info);
  }

  /** The keys an armor or PA-TGS-REQ ticket may be under: our krbtgt's (and, for TGS, the trusted realms' cross-realm ones). */
  private tgtKeys(crossRealm: boolean): ServiceKey[] {
    const tgs = this.db.tgs;
    const keys: ServiceKey[] = tgs.keys.map((k) => ({ principal: tgs.principal, kvno: k.kvno, key: k.key }));
    if (crossRealm) {
      for (const [other, ks] of this.db.inbound) {
        for (const k of ks) keys.push({ principal: { realm: other, components: ['krbtgt', this.db.realm] }, kvno: k.kvno, key: k.key });
      }
    }
    return keys;
  }

  /** An AS request's explicit FAST armor (FX_FAST_ARMOR_AP_REQUEST with a TGT of this realm): the armor key. */
  private asArmorKey(armored: KrbFastArmoredReq, nowMs: number): Key {
    if (!armored.armor || armored.armor.armorType !== FastArmorType.FX_FAST_ARMOR_AP_REQUEST) {
      return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'FAST in an AS request needs AP-REQ armor');
    }
    let ap: APReq;
    try {
      ap = APReq.decode(armored.armor.armorValue);
    } catch {
      return refuse(ErrorCode.KRB_AP_ERR_MSG_TYPE, 'the FAST armor is not an AP-REQ');
    }
    let checked: ReturnType<typeof checkApReq>;
    try {
      checked = checkApReq(ap, { keys: this.tgtKeys(false), usage: KeyUsage.AP_REQ_AUTH, now: nowMs, clockSkewSec: this.skewMs / 1000, replayCache: false });
    } catch (e) {
      if (e instanceof ApReqError) return refuse(e.krbErrorCode, `the FAST armor: ${e.code}`);
      throw e;
    }
    if (!checked.subkey) return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'the FAST armor AP-REQ has no subkey');
    return armorKeyOf(checked.subkey, checked.sessionKey);
  }

  private as(outer: KDCReq, raw: Uint8Array, nowMs: number, log: KdcLogEntry, ctx: FastContext): Uint8Array {
    let req = outer;
    // FAST (MIT's kdc_find_fast): the armor key from the armor TGT, the request inside the armor
    let armorKey: Key | undefined;
    const armored = this.fast ? findFastRequest(outer.padata) : undefined;
    if (armored) {
      armorKey = this.asArmorKey(armored, nowMs);
      const inner = openFastRequest(armorKey, armored, KDCReqBody.encode(outer.reqBody));
      req = { ...outer, reqBody: inner.reqBody, padata: inner.padata };
      ctx.fast = { armorKey, nonce: inner.reqBody.nonce };
      ctx.req = req;
      log.client = nameText(req.reqBody.cname, req.reqBody.realm);
      log.fast = true;
    }
    const body = req.reqBody;
    const kdcTime = Math.floor(nowMs / 1000) * 1000;
    if (!body.cname) return refuse(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, 'no client name');
    if (!body.sname) return refuse(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'no server name');
    if (body.realm !== this.db.realm) return refuse(ErrorCode.KDC_ERR_WRONG_REALM, `realm ${body.realm} is not ${this.db.realm}`);
    const client = body.cname.nameType === NameType.NT_ENTERPRISE ? this.enterprise(body.cname) : this.db.lookup(body.cname.nameString, body.realm);
    if (!client) return refuse(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, 'CLIENT_NOT_FOUND');
    const server = this.db.lookup(body.sname.nameString, body.realm);
    if (!server) return refuse(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'SERVER_NOT_FOUND');
    const options = body.kdcOptions >>> 0;
    if (options & AS_INVALID_OPTIONS) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'INVALID AS OPTIONS');
    if ((has(options, Opt.ALLOW_POSTDATE) || has(options, Opt.POSTDATED)) && (!client.flags.allowPostdated || !server.flags.allowPostdated)) {
      return refuse(ErrorCode.KDC_ERR_CANNOT_POSTDATE, 'POSTDATE NOT ALLOWED');
    }
    if (client.flags.disallowAllTix) return refuse(ErrorCode.KDC_ERR_CLIENT_REVOKED, 'CLIENT LOCKED OUT');
    if (server.flags.disallowAllTix) return refuse(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'SERVER LOCKED OUT');
    if (server.flags.disallowSvr) return refuse(ErrorCode.KDC_ERR_MUST_USE_USER2USER, 'SERVER NOT ALLOWED');
    const sesEtype = this.sessionEnctype(server, body.etype);
    if (sesEtype === undefined) return refuse(ErrorCode.KDC_ERR_ETYPE_NOSUPP, 'BAD_ENCRYPTION_TYPE');
    // MIT's select_client_key: the first requested enctype the client has a key of.
    const replyEtype = body.etype.find((e) => isSupportedEnctype(e) && client.keys.some((k) => k.key.etype === e));
    if (replyEtype === undefined) return refuse(ErrorCode.KDC_ERR_ETYPE_NOSUPP, 'BAD_ENCRYPTION_TYPE');
    const clientKey = client.keys.find((k) => k.key.etype === replyEtype)!;

    let preauthed = false;
    let challenged = false;
    const ts = req.padata?.find((p) => p.padataType === PaDataType.PA_ENC_TIMESTAMP);
    const ec = armorKey ? req.padata?.find((p) => p.padataType === PaDataType.PA_ENCRYPTED_CHALLENGE) : undefined;
    if (ec && armorKey) {
      // PA-ENCRYPTED-CHALLENGE (RFC 6113 §5.4.6): the client's time under the client challenge key
      const hints = this.preauthHints(client, clientKey, true);
      let etype: number;
      try {
        etype = EncryptedData.decode(ec.padataValue).etype;
      } catch {
        return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED (malformed encrypted challenge)', hints);
      }
      const key = client.keys.find((k) => k.key.etype === etype);
      if (!key) return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED (no key of the challenge enctype)', hints);
      let t: number;
      try {
        t = clientChallengeTime(armorKey, key.key, ec.padataValue);
      } catch (e) {
        if (e instanceof FastRefusal) return refuse(e.code, e.reason, hints);
        throw e;
      }
      if (Math.abs(t - nowMs) > this.skewMs) return refuse(ErrorCode.KRB_AP_ERR_SKEW, 'PREAUTH_FAILED (clock skew)');
      preauthed = true;
      challenged = true;
    } else if (ts) {
      const hints = this.preauthHints(client, clientKey, armorKey !== undefined);
      let tsTime: number;
      try {
        const enc = EncryptedData.decode(ts.padataValue);
        const key = client.keys.find((k) => k.key.etype === enc.etype);
        if (!key) return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED (no key of the timestamp enctype)', hints);
        const t = PAEncTsEnc.decode(decrypt(key.key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, enc.cipher));
        tsTime = t.patimestamp.getTime() + Math.floor((t.pausec ?? 0) / 1000);
      } catch (e) {
        if (e instanceof Refusal) throw e;
        if (e instanceof IntegrityError) return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED', hints);
        return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED (malformed timestamp)', hints);
      }
      if (Math.abs(tsTime - nowMs) > this.skewMs) return refuse(ErrorCode.KRB_AP_ERR_SKEW, 'PREAUTH_FAILED (clock skew)');
      preauthed = true;
    } else if (client.flags.requiresPreauth) {
      return refuse(ErrorCode.KDC_ERR_PREAUTH_REQUIRED, 'NEEDED_PREAUTH', this.preauthHints(client, clientKey, armorKey !== undefined), 'NEEDED_PREAUTH');
    }
    // under FAST the reply key is strengthened (MIT's kdc_fast_handle_reply_key)
    const strengthened = armorKey ? strengthen(clientKey.key) : undefined;
    const replyKey = strengthened ? strengthened.replyKey : clientKey.key;

    const sessionKey = randomKey(sesEtype);
    let flags = this.ticketFlags(options, client, server, undefined);
    if (preauthed) flags |= bit(Flag.PRE_AUTHENT);
    const start = has(options, Opt.POSTDATED) && body.from ? body.from.getTime() : kdcTime;
    const end = this.endtime(start, KERBEROS_TIME_MAX, body.till, client, server);
    const renewTill = this.renewTill(body, start, end, client, server, undefined);
    if (renewTill !== undefined) flags |= bit(Flag.RENEWABLE);
    const encPaRep = req.padata?.some((p) => p.padataType === PA_REQ_ENC_PA_REP) === true;
    if (encPaRep) flags |= bit(Flag.ENC_PA_REP);
    flags >>>= 0;
    const canonical = has(options, Opt.CANONICALIZE);
    const cname: PrincipalName =
      canonical || body.cname.nameType === NameType.NT_ENTERPRISE ? { nameType: client.principal.nameType, nameString: client.principal.components } : body.cname;
    const sname: PrincipalName = body.sname;
    const pacRequest = req.padata?.find((p) => p.padataType === PaDataType.PA_PAC_REQUEST);
    let requested: boolean | undefined;
    if (pacRequest) {
      try {
        requested = PAPacRequest.decode(pacRequest.padataValue).includePac;
      } catch {
        requested = undefined;
      }
    }
    const pac =
      this.pac && requested !== false
        ? issuePac(client, this.pacIdentity(client), new Date(kdcTime), requested, this.ticketKey(server).key, this.ticketKey(this.db.tgs).key, {
            unsigned: shouldHaveTicketSignature(server.principal),
          })
        : undefined;
    const part: EncTicketPartT = {
      flags,
      key: { keytype: sessionKey.etype, keyvalue: sessionKey.value },
      crealm: this.db.realm,
      cname,
      transited: { trType: 1, contents: new Uint8Array(0) },
      authtime: new Date(kdcTime),
      starttime: new Date(start),
      endtime: new Date(end),
      ...(renewTill !== undefined ? { renewTill: new Date(renewTill) } : {}),
      ...(body.addresses ? { caddr: body.addresses } : {}),
    };
    let encoded: Uint8Array | undefined;
    if (pac)
      ({ authorizationData: part.authorizationData, encoded } = ticketAuthorizationData(part, pac, server.principal, this.ticketKey(server).key, this.ticketKey(this.db.tgs).key));
    const ticket = this.issueTicket(server, part, encoded);
    ticket.sname = sname;
    const encPart = EncASRepPart.encode({
      ...replyPart(sessionKey, body.nonce, flags, part, this.db.realm, sname),
      ...(body.addresses ? { caddr: body.addresses } : {}),
      ...(encPaRep
        ? {
            encryptedPaData: [
              {
                padataType: PA_REQ_ENC_PA_REP,
                padataValue: Checksum.encode({ cksumtype: mandatoryChecksumType(replyKey.etype), checksum: checksum(replyKey, KeyUsage.AS_REQ, raw) }),
              },
              // FAST negotiation (RFC 6113 §5.4.2.3, MIT's return_enc_padata): FAST is available here
              ...(this.fast ? [{ padataType: PaDataType.PA_FX_FAST, padataValue: new Uint8Array(0) }] : []),
            ],
          }
        : {}),
    });
    const plainPadata: PAData[] = [
      {
        padataType: PaDataType.PA_ETYPE_INFO2,
        padataValue: ETypeInfo2.encode([{ etype: replyEtype, ...(clientKey.salt !== undefined ? { salt: clientKey.salt } : {}) }]),
      },
      ...(challenged && armorKey ? [kdcChallenge(armorKey, clientKey.key, nowMs)] : []),
    ];
    // under FAST: the padata inside the armor, with the strengthen key and a checksum over the ticket
    const padata: PAData[] =
      armorKey && strengthened
        ? [
            fastReplyPadata(armorKey, {
              padata: plainPadata,
              strengthenKey: strengthened.strengthenKey,
              nonce: body.nonce,
              nowMs,
              crealm: this.db.realm,
              cname,
              ticket,
            }),
          ]
        : plainPadata;
    log.client = unparsePrincipal({ components: cname.nameString, realm: this.db.realm });
    log.issued = { rep: replyEtype, tkt: ticket.encPart.etype, ses: sesEtype, authtime: kdcTime / 1000 };
    return ASRep.encode({
      pvno: 5,
      msgType: MessageType.KRB_AS_REP,
      padata,
      crealm: this.db.realm,
      cname,
      ticket,
      encPart: { etype: replyEtype, kvno: clientKey.kvno, cipher: encrypt(replyKey, KeyUsage.AS_REP_ENCPART, encPart) },
    });
  }

  /**
   * MIT krb5kdc's is_referral_req + find_referral_tgs: a CANONICALIZE request (not user-to-user)
   * for a two-component host-based name (NT-SRV-HST / NT-SRV-XHST) of this realm that the
   * database lacks gets our TGT to the realm the host maps to, when we trust it
   * (`krbtgt/OTHER@REALM` exists); the reply then names that TGT as its server.
   */
  private referral(sname: PrincipalName, options: number, realm: string, log: KdcLogEntry): DbEntry | undefined {
    if (realm !== this.db.realm || !has(options, Opt.CANONICALIZE) || has(options, Opt.ENC_TKT_IN_SKEY)) return undefined;
    if (sname.nameString.length !== 2 || (sname.nameType !== NameType.NT_SRV_HST && sname.nameType !== NameType.NT_SRV_XHST)) return undefined;
    const target = this.db.realmOfHost(sname.nameString[1]!);
    if (target === undefined || target === this.db.realm) return undefined;
    const tgt = this.db.lookup(['krbtgt', target], this.db.realm);
    if (tgt) log.reason = `referral: ${unparsePrincipal({ components: sname.nameString, realm }, { defaultRealm: this.db.realm })} is in ${target}`;
    return tgt;
  }

  private pacIdentity(client: DbEntry): PacIdentity {
    return {
      domainSid: this.db.domainSid,
      domainName: this.db.realm.split('.')[0]!,
      realm: this.db.realm,
      rid: client.rid,
      groupRids: client.groups.map((g) => this.db.groupRids.get(g)!).filter((r) => r !== undefined),
    };
  }

  /** An enterprise name `user@REALM` (or `user`) of this realm's users. */
  private enterprise(name: PrincipalName): DbEntry | undefined {
    const text = name.nameString[0] ?? '';
    const at = text.lastIndexOf('@');
    const user = at < 0 ? text : text.slice(0, at);
    const realm = at < 0 ? this.db.realm : text.slice(at + 1);
    if (realm.toUpperCase() !== this.db.realm.toUpperCase()) return undefined;
    return this.db.lookup([user], this.db.realm);
  }

  /** A user of this realm by name: an enterprise name (`alice@REALM`, one component) as {@link enterprise} reads it. */
  private lookupUser(name: PrincipalName): DbEntry | undefined {
    if (name.nameType === NameType.NT_ENTERPRISE && name.nameString.length === 1) return this.enterprise(name);
    return this.db.lookup(name.nameString, this.db.realm);
  }

  private tgs(req: KDCReq, nowMs: number, log: KdcLogEntry, errClient: { crealm?: string; cname?: PrincipalName }, ctx: FastContext): Uint8Array {
    let body = req.reqBody;
    let padata = req.padata;
    const kdcTime = Math.floor(nowMs / 1000) * 1000;
    const pa = req.padata?.find((p) => p.padataType === PaDataType.PA_TGS_REQ);
    if (!pa) return refuse(ErrorCode.KDC_ERR_PADATA_TYPE_NOSUPP, 'no PA-TGS-REQ');
    let ap: APReq;
    try {
      ap = APReq.decode(pa.padataValue);
    } catch {
      return refuse(ErrorCode.KRB_AP_ERR_MSG_TYPE, 'PA-TGS-REQ is not an AP-REQ');
    }
    const tgs = this.db.tgs;
    // our krbtgt's keys, and the cross-realm TGTs of the realms we trust: krbtgt/REALM@OTHER
    const keys = this.tgtKeys(true);
    let checked: ReturnType<typeof checkApReq>;
    try {
      // a VALIDATE request brings a postdated TGT not valid yet, marked INVALID (MIT: rd_req "anyflag")
      const validating = has(body.kdcOptions >>> 0, Opt.VALIDATE);
      checked = checkApReq(ap, { keys, usage: KeyUsage.TGS_REQ_AUTH, now: nowMs, clockSkewSec: this.skewMs / 1000, replayCache: false, allowInvalid: validating });
    } catch (e) {
      if (e instanceof ApReqError) return refuse(e.krbErrorCode, e.code);
      throw e;
    }
    const tgt = checked.ticket;
    errClient.crealm = tgt.crealm;
    errClient.cname = tgt.cname;
    log.client = unparsePrincipal({ components: tgt.cname.nameString, realm: tgt.crealm });
    const cksum = checked.authenticator.cksum;
    if (!cksum) return refuse(ErrorCode.KRB_AP_ERR_INAPP_CKSUM, 'no checksum over the request body');
    let ok: boolean;
    try {
      ok = verifyChecksum(checked.sessionKey, KeyUsage.TGS_REQ_AUTH_CKSUM, KDCReqBody.encode(body), cksum.checksum, cksum.cksumtype);
    } catch (e) {
      if (e instanceof UnsupportedError) return refuse(ErrorCode.KRB_AP_ERR_INAPP_CKSUM, `checksum type ${cksum.cksumtype} not accepted`);
      throw e;
    }
    if (!ok) return refuse(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, 'the request body checksum does not verify');

    // FAST, armored implicitly (RFC 6113 §5.4.1.1): the armor key from the authenticator's subkey
    // and the TGT's session key, the request checksum over the PA-TGS-REQ's AP-REQ, the request
    // inside the armor (its padata: S4U's go there too)
    let armorKey: Key | undefined;
    const armored = this.fast ? findFastRequest(req.padata) : undefined;
    if (armored) {
      if (armored.armor) return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'explicit FAST armor in a TGS request');
      if (!checked.subkey) return refuse(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'FAST in a TGS request needs an authenticator subkey');
      armorKey = armorKeyOf(checked.subkey, checked.sessionKey);
      const inner = openFastRequest(armorKey, armored, pa.padataValue);
      body = inner.reqBody;
      padata = inner.padata;
      ctx.fast = { armorKey, nonce: inner.reqBody.nonce };
      ctx.req = { ...req, reqBody: body, padata };
      log.server = nameText(body.sname, body.realm);
      log.fast = true;
    }

    // S4U2Self (MS-SFU, as MIT's kdc_process_s4u2self_req): PA-S4U-X509-USER, its checksum keyed
    // with the authenticator's subkey (else the session key), usage 26; or, without it, the older
    // PA-FOR-USER alone (what Heimdal's kgetcred --impersonate sends), its checksum keyed with
    // the TGT's session key, usage 17, as MIT's kdc_process_for_user; a ticket to the
    // requesting service itself, for the user named
    const s4uPa = padata?.find((p) => p.padataType === PaDataType.PA_S4U_X509_USER);
    const forUserPa = s4uPa ? undefined : padata?.find((p) => p.padataType === PaDataType.PA_FOR_USER);
    let s4u: { user: DbEntry; cname: PrincipalName; x509: PAS4UX509User | undefined } | undefined;
    if (s4uPa || forUserPa) {
      let x509: PAS4UX509User | undefined;
      let cname: PrincipalName | undefined;
      let crealm: string;
      if (s4uPa) {
        try {
          x509 = PAS4UX509User.decode(s4uPa.padataValue);
        } catch {
          return refuse(ErrorCode.KRB_AP_ERR_MODIFIED, 'PA-S4U-X509-USER does not decode');
        }
        let good = false;
        try {
          good = verifyChecksum(
            checked.subkey ?? checked.sessionKey,
            KeyUsage.PA_S4U_X509_USER_REQUEST,
            S4UUserID.encode(x509.userId),
            x509.checksum.checksum,
            x509.checksum.cksumtype,
          );
        } catch {
          good = false;
        }
        if (!good) return refuse(ErrorCode.KRB_AP_ERR_MODIFIED, 'the PA-S4U-X509-USER checksum does not verify');
        cname = x509.userId.cname;
        crealm = x509.userId.crealm;
      } else {
        let f: PAForUserT;
        try {
          f = PAForUser.decode(forUserPa!.padataValue);
        } catch {
          return refuse(ErrorCode.KRB_AP_ERR_MODIFIED, 'PA-FOR-USER does not decode');
        }
        const input = forUserChecksumInput({ nameType: f.userName.nameType, components: f.userName.nameString, realm: f.userRealm }, f.authPackage);
        let good = false;
        try {
          // HMAC-MD5 (-138) keyed with the session key whatever its enctype, as MS-SFU makes it;
          // a keyed checksum of the key's own enctype too, as MIT's krb5_c_verify_checksum allows
          good =
            f.cksum.cksumtype === ChecksumType.HMAC_MD5
              ? constantTimeEqual(hmacMd5Checksum(checked.sessionKey, KeyUsage.APP_DATA_CKSUM, input), f.cksum.checksum)
              : verifyChecksum(checked.sessionKey, KeyUsage.APP_DATA_CKSUM, input, f.cksum.checksum, f.cksum.cksumtype);
        } catch {
          good = false;
        }
        if (!good) return refuse(ErrorCode.KRB_AP_ERR_MODIFIED, 'INVALID_S4U2SELF_CHECKSUM: the PA-FOR-USER checksum does not verify');
        cname = f.userName;
        crealm = f.userRealm;
      }
      if (
        !body.sname ||
        tgt.crealm !== this.db.realm ||
        tgt.cname.nameString.length !== body.sname.nameString.length ||
        tgt.cname.nameString.some((c, i) => c !== body.sname!.nameString[i])
      ) {
        return refuse(ErrorCode.KDC_ERR_BADOPTION, 'S4U2SELF: the service asked for is not the TGT client');
      }
      const user = cname && crealm === this.db.realm ? this.lookupUser(cname) : undefined;
      if (!user) return refuse(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, 'S4U2SELF: no such user');
      if (user.flags.disallowAllTix) return refuse(ErrorCode.KDC_ERR_CLIENT_REVOKED, 'CLIENT LOCKED OUT');
      s4u = { user, cname: cname!, x509 };
      log.client = `${unparsePrincipal({ components: cname!.nameString, realm: this.db.realm })} (S4U2Self by ${log.client}${x509 ? '' : ', PA-FOR-USER'})`;
    }

    const options = body.kdcOptions >>> 0;
    if (!body.sname) return refuse(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'no server name');
    // VALIDATE (RFC 4120 §2.2, MIT's validate_tgs_request): a postdated ticket marked INVALID, its
    // start time come, is issued again without INVALID, its times kept
    const validate = has(options, Opt.VALIDATE);
    if (validate) {
      if (!has(tgt.flags, Flag.INVALID)) return refuse(ErrorCode.KDC_ERR_POLICY, 'VALIDATE VALID TICKET');
      if ((tgt.starttime ?? tgt.authtime).getTime() > nowMs) return refuse(ErrorCode.KRB_AP_ERR_TKT_NYV, 'VALIDATE NYV');
    } else if (has(tgt.flags, Flag.INVALID)) {
      return refuse(ErrorCode.KRB_AP_ERR_TKT_NYV, 'TICKET NOT VALID');
    }
    const renew = has(options, Opt.RENEW);
    const u2u = has(options, Opt.ENC_TKT_IN_SKEY);
    const server = this.db.lookup(body.sname.nameString, body.realm) ?? this.referral(body.sname, options, body.realm, log);
    if (!server) return refuse(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'SERVER_NOT_FOUND');
    if (server.flags.disallowAllTix) return refuse(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'SERVER LOCKED OUT');
    if (server.flags.disallowSvr && !u2u) return refuse(ErrorCode.KDC_ERR_MUST_USE_USER2USER, 'SERVER NOT ALLOWED');
    // user-to-user (MIT's check_tgs_u2u): the second ticket is a TGT of this realm whose client is
    // the requested server; the new ticket is encrypted in that TGT's session key
    let u2uKey: { key: Key; kvno: undefined } | undefined;
    if (u2u) {
      if (renew || has(options, Opt.FORWARDED) || has(options, Opt.PROXY)) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'user-to-user with renew/forward/proxy');
      const second = body.additionalTickets?.[0];
      if (!second) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'NO_2ND_TKT');
      const tgsName = second.sname.nameString;
      if (second.realm !== this.db.realm || tgsName.length !== 2 || tgsName[0] !== 'krbtgt' || tgsName[1] !== this.db.realm) {
        return refuse(ErrorCode.KDC_ERR_POLICY, '2ND_TKT_NOT_TGS');
      }
      const tgsKey = this.db.tgs.keys.find((k) => k.key.etype === second.encPart.etype);
      if (!tgsKey) return refuse(ErrorCode.KRB_AP_ERR_NOKEY, '2ND_TKT: no krbtgt key of its enctype');
      let sp: EncTicketPartT;
      try {
        sp = EncTicketPart.decode(decrypt(tgsKey.key, KeyUsage.KDC_REP_TICKET, second.encPart.cipher));
      } catch {
        return refuse(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, '2ND_TKT does not decrypt');
      }
      if (sp.endtime.getTime() + this.skewMs < nowMs) return refuse(ErrorCode.KRB_AP_ERR_TKT_EXPIRED, '2ND_TKT expired');
      const sameClient =
        sp.crealm === this.db.realm &&
        sp.cname.nameString.length === server.principal.components.length &&
        sp.cname.nameString.every((c, i) => c === server.principal.components[i]);
      if (!sameClient) return refuse(ErrorCode.KDC_ERR_SERVER_NOMATCH, '2ND_TKT_MISMATCH');
      if (!isSupportedEnctype(sp.key.keytype)) return refuse(ErrorCode.KDC_ERR_ETYPE_NOSUPP, 'BAD_ETYPE_IN_2ND_TKT');
      u2uKey = { key: secretKey(sp.key.keytype, sp.key.keyvalue), kvno: undefined };
    }
    // MIT's check_tgs_svc_reqd_flags: a service marked requires_preauth only for pre-authenticated TGTs
    if (server.flags.requiresPreauth && server !== this.db.tgs && !has(tgt.flags, Flag.PRE_AUTHENT)) return refuse(ErrorCode.KRB_ERR_GENERIC, 'NO PREAUTH');
    if (has(options, Opt.FORWARDED) && !has(tgt.flags, Flag.FORWARDABLE)) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'TGT NOT FORWARDABLE');
    if (has(options, Opt.PROXY) && !has(tgt.flags, Flag.PROXIABLE)) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'TGT NOT PROXIABLE');
    if (validate && server !== tgs) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'only the TGT itself is validated here');
    if (renew) {
      if (!has(tgt.flags, Flag.RENEWABLE)) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'TICKET NOT RENEWABLE');
      if ((tgt.renewTill?.getTime() ?? 0) < nowMs) return refuse(ErrorCode.KRB_AP_ERR_TKT_EXPIRED, 'TICKET EXPIRED');
      if (server !== tgs) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'only the TGT itself is renewed here');
    }
    // S4U2Proxy (constrained delegation, as MIT's check_tgs_s4u2proxy with a delegation list): the
    // evidence ticket is the user's ticket to the impersonator, forwardable, with a PAC; the
    // impersonator may delegate to this server
    let proxy: { evidence: EncTicketPartT; key: Key } | undefined;
    if (has(options, Opt.CNAME_IN_ADDL_TKT)) {
      if (renew || u2u || has(options, Opt.FORWARDED) || has(options, Opt.PROXY)) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'INVALID_S4U2PROXY_OPTIONS');
      if (server === this.db.tgs || server.principal.components[0] === 'krbtgt') return refuse(ErrorCode.KDC_ERR_POLICY, 'NOT_ALLOWED_TO_DELEGATE');
      const ev = body.additionalTickets?.[0];
      if (!ev) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'NO_2ND_TKT');
      const impersonator = tgt.crealm === this.db.realm ? this.db.lookup(tgt.cname.nameString, tgt.crealm) : undefined;
      if (!impersonator) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'S4U2PROXY: the impersonator is not ours');
      const sameName =
        ev.realm === this.db.realm &&
        ev.sname.nameString.length === impersonator.principal.components.length &&
        ev.sname.nameString.every((c, i) => c === impersonator.principal.components[i]);
      if (!sameName) return refuse(ErrorCode.KDC_ERR_SERVER_NOMATCH, 'EVIDENCE_TICKET_MISMATCH');
      const ek = impersonator.keys.find((k) => k.key.etype === ev.encPart.etype);
      if (!ek) return refuse(ErrorCode.KRB_AP_ERR_NOKEY, 'no key of the evidence ticket enctype');
      let evidence: EncTicketPartT;
      try {
        evidence = EncTicketPart.decode(decrypt(ek.key, KeyUsage.KDC_REP_TICKET, ev.encPart.cipher));
      } catch {
        return refuse(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, 'the evidence ticket does not decrypt');
      }
      if (evidence.endtime.getTime() + this.skewMs < nowMs) return refuse(ErrorCode.KRB_AP_ERR_TKT_EXPIRED, 'EVIDENCE_TKT_EXPIRED');
      // MIT 1.20's krb5_kdc_verify_ticket: the evidence ticket's signature (the krbtgt key's, over
      // the ticket with its PAC blanked) must verify before its flags are believed — the service
      // holds the key the ticket is encrypted in and could have set FORWARDABLE itself (bronze bit)
      try {
        verifyTicketPac(evidence, { server: impersonator.principal, serverKey: ek.key, kdcKey: this.ticketKey(tgs).key });
      } catch (e) {
        if (e instanceof KerberosError) return refuse(ErrorCode.KRB_AP_ERR_MODIFIED, `the evidence ticket's PAC does not verify: ${e.message}`);
        throw e;
      }
      if (!has(evidence.flags, Flag.FORWARDABLE)) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'EVIDENCE_TKT_NOT_FORWARDABLE');
      if (!impersonator.allowedToDelegateTo.includes(unparsePrincipal(server.principal))) return refuse(ErrorCode.KDC_ERR_BADOPTION, 'NOT_ALLOWED_TO_DELEGATE');
      proxy = { evidence, key: ek.key };
      log.client = `${unparsePrincipal({ components: evidence.cname.nameString, realm: evidence.crealm })} (S4U2Proxy by ${log.client})`;
    }
    const subject = proxy ? proxy.evidence : tgt;
    const client = subject.crealm === this.db.realm ? this.db.lookup(subject.cname.nameString, subject.crealm) : undefined;
    if (client?.flags.disallowAllTix) return refuse(ErrorCode.KDC_ERR_CLIENT_REVOKED, 'CLIENT LOCKED OUT');

    // MIT's get_2ndtkt_enctype: user-to-user takes the second ticket's session key enctype when asked for
    const sesEtype = u2uKey && body.etype.includes(u2uKey.key.etype) ? u2uKey.key.etype : this.sessionEnctype(server, body.etype);
    if (sesEtype === undefined) return refuse(ErrorCode.KDC_ERR_ETYPE_NOSUPP, 'BAD_ENCRYPTION_TYPE');
    const sessionKey = randomKey(sesEtype);
    let flags = this.ticketFlags(options & ~bit(Opt.ENC_TKT_IN_SKEY) & ~bit(Opt.CNAME_IN_ADDL_TKT), s4u ? s4u.user : client, server, tgt);
    // MIT's s4u2self_forwardable: forwardable only for a service trusted to authenticate for others
    if (s4u && !server.flags.okToAuthAsDelegate) flags &= ~bit(Flag.FORWARDABLE);
    let start: number;
    let end: number;
    let renewTill: number | undefined;
    if (validate) {
      start = (tgt.starttime ?? tgt.authtime).getTime();
      end = tgt.endtime.getTime();
      renewTill = tgt.renewTill?.getTime();
    } else if (renew) {
      start = kdcTime;
      const old = tgt.endtime.getTime() - (tgt.starttime ?? tgt.authtime).getTime();
      end = Math.min(tgt.renewTill!.getTime(), start + old);
      renewTill = tgt.renewTill!.getTime();
    } else {
      start = kdcTime;
      end = this.endtime(start, Math.min(tgt.endtime.getTime(), proxy ? proxy.evidence.endtime.getTime() : Number.POSITIVE_INFINITY), body.till, client, server);
      flags &= ~bit(Flag.RENEWABLE);
      renewTill = this.renewTill(body, start, end, client, server, tgt);
      if (renewTill !== undefined) flags |= bit(Flag.RENEWABLE);
    }
    // MIT checks the (here empty) transited path and says so, unless asked not to
    if (!has(options, Opt.DISABLE_TRANSITED_CHECK)) flags |= bit(Flag.TRANSITED_POLICY_CHECKED);
    flags >>>= 0;
    const caddr = has(options, Opt.FORWARDED) || has(options, Opt.PROXY) ? body.addresses : tgt.caddr;
    // the TGT's PAC, verified with the krbtgt key, signed again for the service (as MIT's KDC)
    let pac: Uint8Array | undefined;
    const pacServerKey = !proxy && !s4u && u2uKey ? u2uKey.key : this.ticketKey(server).key;
    // a service ticket's PAC is signed once, with its ticket signature (ticketAuthorizationData)
    const unsigned = { unsigned: shouldHaveTicketSignature(server.principal) };
    try {
      const crossRealm = checked.server.realm !== this.db.realm;
      pac = proxy
        ? resignPac(proxy.evidence.authorizationData, { serverKey: proxy.key, kdcKey: this.ticketKey(tgs).key }, pacServerKey, this.ticketKey(tgs).key, unsigned)
        : s4u
          ? issuePac(s4u.user, this.pacIdentity(s4u.user), tgt.authtime, true, pacServerKey, this.ticketKey(tgs).key, unsigned)
          : resignPac(
              tgt.authorizationData,
              crossRealm ? { serverKey: checked.serviceKey.key } : { serverKey: checked.serviceKey.key, kdcKey: checked.serviceKey.key },
              pacServerKey,
              this.ticketKey(tgs).key,
              unsigned,
            );
    } catch (e) {
      if (e instanceof KerberosError) return refuse(ErrorCode.KRB_AP_ERR_MODIFIED, `the TGT's PAC does not verify: ${e.message}`);
      throw e;
    }
    const part: EncTicketPartT = {
      flags,
      key: { keytype: sessionKey.etype, keyvalue: sessionKey.value },
      crealm: s4u ? this.db.realm : subject.crealm,
      cname: s4u ? s4u.cname : subject.cname,
      transited: subject.transited,
      authtime: subject.authtime,
      starttime: new Date(start),
      endtime: new Date(end),
      ...(renewTill !== undefined ? { renewTill: new Date(renewTill) } : {}),
      ...(caddr ? { caddr } : {}),
    };
    let encoded: Uint8Array | undefined;
    if (pac) ({ authorizationData: part.authorizationData, encoded } = ticketAuthorizationData(part, pac, server.principal, pacServerKey, this.ticketKey(tgs).key));
    const sname: PrincipalName = has(options, Opt.CANONICALIZE) ? { nameType: server.principal.nameType, nameString: server.principal.components } : body.sname;
    const ticket = u2uKey
      ? {
          tktVno: 5,
          realm: this.db.realm,
          sname,
          encPart: { etype: u2uKey.key.etype, cipher: encrypt(u2uKey.key, KeyUsage.KDC_REP_TICKET, encoded ?? EncTicketPart.encode(part)) },
        }
      : this.issueTicket(server, part, encoded);
    ticket.sname = sname;
    log.server = unparsePrincipal({ components: sname.nameString, realm: this.db.realm });
    const strengthened = armorKey ? strengthen(checked.subkey ?? checked.sessionKey) : undefined;
    const replyKey = strengthened ? strengthened.replyKey : (checked.subkey ?? checked.sessionKey);
    const usage = checked.subkey ? KeyUsage.TGS_REP_ENCPART_SUBKEY : KeyUsage.TGS_REP_ENCPART_SESSKEY;
    const encPart = EncTGSRepPart.encode({
      ...replyPart(sessionKey, body.nonce, flags, part, this.db.realm, sname),
      // MIT: the requested addresses of a forwarded or proxy ticket; else none in the reply
      ...(has(options, Opt.FORWARDED) || has(options, Opt.PROXY) ? (body.addresses ? { caddr: body.addresses } : {}) : {}),
    });
    log.issued = { rep: replyKey.etype, tkt: ticket.encPart.etype, ses: sesEtype, authtime: part.authtime.getTime() / 1000 };
    // MIT's kdc_make_s4u2self_rep: the user id echoed with a checksum in the request's type, the
    // same key, usage 27 when the client asked for it (else 26)
    // (PA-FOR-USER alone gets no padata back, as from MIT)
    let replyPadata: PAData[] | undefined;
    if (s4u?.x509) {
      const x = s4u.x509;
      const userId = { ...x.userId, options: (x.userId.options ?? 0) & S4UOptions.USE_REPLY_KEY_USAGE };
      if (userId.options === 0) delete (userId as { options?: number }).options;
      const usage = (x.userId.options ?? 0) & S4UOptions.USE_REPLY_KEY_USAGE ? KeyUsage.PA_S4U_X509_USER_REPLY : KeyUsage.PA_S4U_X509_USER_REQUEST;
      const sum = checksum(checked.subkey ?? checked.sessionKey, usage, S4UUserID.encode(userId), x.checksum.cksumtype);
      replyPadata = [{ padataType: PaDataType.PA_S4U_X509_USER, padataValue: PAS4UX509User.encode({ userId, checksum: { cksumtype: x.checksum.cksumtype, checksum: sum } }) }];
    }
    const crealm = s4u ? this.db.realm : subject.crealm;
    const cname = s4u ? s4u.cname : subject.cname;
    if (armorKey && strengthened) {
      replyPadata = [fastReplyPadata(armorKey, { padata: replyPadata ?? [], strengthenKey: strengthened.strengthenKey, nonce: body.nonce, nowMs, crealm, cname, ticket })];
    }
    return TGSRep.encode({
      pvno: 5,
      msgType: MessageType.KRB_TGS_REP,
      ...(replyPadata ? { padata: replyPadata } : {}),
      crealm,
      cname,
      ticket,
      encPart: { etype: replyKey.etype, cipher: encrypt(secretKey(replyKey.etype, replyKey.value), usage, encPart) },
    });
  }
}

/** What an AS-REP's and a TGS-REP's encrypted parts share (RFC 4120 §5.4.2): the new ticket's key, times and name, and the request's nonce. */
function replyPart(sessionKey: Key, nonce: number, flags: number, part: EncTicketPartT, srealm: string, sname: PrincipalName) {
  return {
    key: { keytype: sessionKey.etype, keyvalue: sessionKey.value },
    lastReq: [{ lrType: 0, lrValue: new Date(0) }],
    nonce,
    flags,
    authtime: part.authtime,
    starttime: part.starttime!,
    endtime: part.endtime,
    ...(part.renewTill ? { renewTill: part.renewTill } : {}),
    srealm,
    sname,
  };
}
