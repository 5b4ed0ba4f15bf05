/**
 * The krb5 GSS-API mechanism's initiator (RFC 4121 §4.1, RFC 2743 `GSS_Init_sec_context`), as
 * MIT's krb5_gss_init_sec_context builds it: an AP-REQ from a service ticket, its authenticator
 * with a fresh subkey of the session key's enctype and a random sequence number, the 0x8003
 * checksum carrying the flags (CONF, INTEG and TRANS always, as MIT sets them), the MD5 of the
 * channel bindings and, for delegation, a KRB-CRED with a forwarded TGT under the session key;
 * mutual-required in the AP options when mutual authentication is asked for. The acceptor's
 * AP-REP is checked (ctime/cusec, its subkey and sequence number taken); a KRB-ERROR token is a
 * `GssError` carrying the acceptor's error code.
 * @module
 */
import { buildApReq, openApRepPart } from '../ap/index.js';
import { encrypt, randomBytes, randomToKey, type Key } from '../crypto/index.js';
import { GssError, IntegrityError, KerberosError } from '../errors.js';
import { APOptions, ErrorCode, GssFlags, GssStatus, KeyUsage, MessageType, Oid, TokenId, errorCodeName, flagMask, isRc4 } from '../iana/index.js';
import { EncKrbCredPart, KRBCred, Ticket, type EncAPRepPart, type KRBError, type PrincipalName } from '../messages/index.js';
import { wipe } from '../util/bytes.js';
import { channelBindingsHash, NO_CHANNEL_BINDINGS, type ChannelBindings } from './channel-bindings.js';
import { encodeGssChecksum, GSS_CHECKSUM_TYPE } from './checksum.js';
import { decodeKrb5Message, decodeKrb5MessageView, encodeKrb5Message, type Krb5Message } from './krb5-message.js';
import { GssContext } from './context.js';
import { Protection, protectionKey } from './protection.js';
import type { Principal } from '../messages/index.js';

/** The parts of a credential (a `CcacheCredential`) the initiator uses. */
export interface InitiatorCredential {
  client: Principal;
  server: Principal;
  key: { etype: number; value: Uint8Array };
  /** The DER Ticket. */
  ticket: Uint8Array;
  flags: number;
  authtime: Date;
  starttime: Date;
  endtime: Date;
  renewTill: Date;
}

/** Options of {@link Krb5Initiator}. */
export interface Krb5InitiatorOptions {
  /** The service ticket (from `getServiceCredential`, or a ccache). */
  credential: InitiatorCredential;
  /**
   * GSS_C_* flags asked for (default MUTUAL | REPLAY | SEQUENCE). CONF, INTEG and TRANS are
   * always set, as MIT sets them; DELEG only takes effect with `delegation`.
   */
  flags?: number;
  /** Channel bindings (RFC 4121 §4.1.1.2), e.g. `{ applicationData: tlsServerEndPointBindings(hash) }`. */
  channelBindings?: ChannelBindings;
  /** The KRB-CRED to delegate (see {@link makeKrbCred}); sets GSS_C_DELEG_FLAG. */
  delegation?: Uint8Array;
  /** The mechanism OID of the initial token's framing (default the krb5 OID). */
  mech?: string;
  /** KDC clock minus local clock, seconds (the ccache's offset), for the authenticator's time. */
  kdcOffsetSec?: number;
  now?: () => Date;
  random?: (n: number) => Uint8Array;
  allowWeakCrypto?: boolean;
}

function principalName(p: Principal): PrincipalName {
  return { nameType: p.nameType, nameString: [...p.components] };
}

const TICKET_VIEWS = { views: true };

const DEFAULT_FLAGS = GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_REPLAY_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG;
const ALWAYS = GssFlags.GSS_C_CONF_FLAG | GssFlags.GSS_C_INTEG_FLAG | GssFlags.GSS_C_TRANS_FLAG;
const ASKABLE = GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_REPLAY_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG | GssFlags.GSS_C_DELEG_FLAG;

/**
 * A KRB-CRED (RFC 4120 §5.8) carrying credentials — for delegation, a forwarded TGT — its
 * EncKrbCredPart under `key` (the service ticket's session key, usage 14, as MIT's GSS initiator
 * sends it), with a timestamp.
 * @example
 * ```ts
 * const krbCred = makeKrbCred([forwardedTgt], serviceTicket.key)
 * ```
 */
export function makeKrbCred(creds: readonly InitiatorCredential[], key: Key, o: { now?: () => Date; allowWeakCrypto?: boolean } = {}): Uint8Array {
  const now = (o.now ?? (() => new Date()))();
  const part = EncKrbCredPart.encode({
    ticketInfo: creds.map((c) => ({
      key: { keytype: c.key.etype, keyvalue: c.key.value },
      prealm: c.client.realm,
      pname: principalName(c.client),
      flags: c.flags >>> 0,
      authtime: c.authtime,
      starttime: c.starttime,
      endtime: c.endtime,
      ...(c.renewTill.getTime() > 0 ? { renewTill: c.renewTill } : {}),
      srealm: c.server.realm,
      sname: principalName(c.server),
    })),
    timestamp: new Date(Math.floor(now.getTime() / 1000) * 1000),
    usec: (now.getTime() % 1000) * 1000,
  });
  return KRBCred.encode({
    pvno: 5,
    msgType: MessageType.KRB_CRED,
    tickets: creds.map((c) => Ticket.decode(c.ticket)),
    encPart: { etype: key.etype, cipher: encrypt(key, KeyUsage.KRB_CRED_ENCPART, part, { allowWeakCrypto: o.allowWeakCrypto === true }) },
  });
}

/**
 * What the acceptor said in a KRB-ERROR token (the KRB-ERROR, and advice: a clock skew states the
 * offset).
 * @example
 * ```ts
 * catch (e) { if (e instanceof GssKrbError) console.log(e.krbError.errorCode, e.message) }
 * ```
 */
export class GssKrbError extends GssError {
  static override readonly kind: string = 'GssKrbError';
  static override readonly defaultCode: string = 'ERR_GSS_KRB_ERROR';
  /**
   * @param krbError the acceptor's KRB-ERROR
   * @param ctx the local clock when it arrived and the KDC offset the authenticator was stamped with
   *   (they let a KRB_AP_ERR_SKEW state the offset)
   */
  constructor(
    readonly krbError: KRBError,
    ctx: { now?: Date; kdcOffsetSec?: number } = {},
  ) {
    const name = errorCodeName(krbError.errorCode);
    super(`the acceptor refused the AP-REQ: ${krbError.errorCode} ${name}${krbError.eText ? ` (${krbError.eText})` : ''}${advice(krbError, ctx)}`, {
      major: GssStatus.GSS_S_FAILURE,
      minor: krbError.errorCode,
    });
  }
}

function advice(e: KRBError, ctx: { now?: Date; kdcOffsetSec?: number }): string {
  switch (e.errorCode) {
    case ErrorCode.KRB_AP_ERR_SKEW: {
      if (!ctx.now) return ': the clocks of this host and the server differ by more than the allowed skew';
      const used = ctx.now.getTime() + (ctx.kdcOffsetSec ?? 0) * 1000;
      const d = Math.round((e.stime.getTime() - used) / 1000);
      return `: the server's clock is ${Math.abs(d)} s ${d >= 0 ? 'ahead of' : 'behind'} the time in our authenticator (this host's clock${ctx.kdcOffsetSec ? ` plus the cache's KDC offset of ${ctx.kdcOffsetSec} s` : ''}), beyond the allowed skew; synchronise the clocks`;
    }
    case ErrorCode.KRB_AP_ERR_TKT_EXPIRED:
      return ': the service ticket has expired; get a new one';
    case ErrorCode.KRB_AP_ERR_BAD_INTEGRITY:
    case ErrorCode.KRB_AP_ERR_MODIFIED:
      return ": the server's keytab does not match the ticket (the service key was changed?)";
    case ErrorCode.KRB_AP_ERR_NOKEY:
    case ErrorCode.KRB_AP_ERR_BADKEYVER:
      return ": the server has no key of the ticket's version (its keytab is out of date)";
    case ErrorCode.KRB_AP_ERR_REPEAT:
      return ': the server saw this authenticator before (a replay)';
    default:
      return '';
  }
}

/**
 * One krb5 security context, initiator side.
 *
 * @example
 * ```ts
 * const ctx = new Krb5Initiator({ credential: serviceTicket, flags: GssFlags.GSS_C_MUTUAL_FLAG })
 * send(ctx.token)                          // the initial context token (RFC 2743 framing)
 * ctx.step(replyToken)                     // the AP-REP; ctx.established is now true
 * const mic = ctx.getMIC(bytes)
 * ```
 */
export class Krb5Initiator extends GssContext {
  /** The initial context token. */
  readonly token: Uint8Array;
  /** The flags sent in the 0x8003 checksum. */
  readonly flags: number;
  /** Whether the acceptor proved itself (an AP-REP was verified). */
  mutual = false;
  readonly #session: Key;
  readonly #subkey: Key;
  readonly #ctime: Date;
  readonly #cusec: number;
  readonly #seq: number;
  readonly #opts: { allowWeakCrypto: boolean };
  #acceptorSubkey: Key | undefined;

  constructor(o: Krb5InitiatorOptions) {
    super();
    const c = o.credential;
    if (typeof c !== 'object' || c === null || !(c.ticket instanceof Uint8Array) || !(c.key?.value instanceof Uint8Array)) {
      throw new TypeError('credential must be a service ticket credential (client, server, key, ticket, …)');
    }
    const random = o.random ?? randomBytes;
    this.#opts = { allowWeakCrypto: o.allowWeakCrypto === true };
    this.#session = { etype: c.key.etype, value: c.key.value };
    const asked = o.flags ?? DEFAULT_FLAGS;
    let flags = (asked & ASKABLE) | ALWAYS;
    if (o.delegation === undefined) flags &= ~GssFlags.GSS_C_DELEG_FLAG;
    else flags |= GssFlags.GSS_C_DELEG_FLAG;
    this.flags = flags >>> 0;
    const mutualAsked = (flags & GssFlags.GSS_C_MUTUAL_FLAG) !== 0;

    const t = (o.now ?? (() => new Date()))().getTime() + (o.kdcOffsetSec ?? 0) * 1000;
    this.#ctime = new Date(Math.floor(t / 1000) * 1000);
    this.#cusec = (((t % 1000) + 1000) % 1000) * 1000 + (random(1)[0]! % 1000);
    this.#subkey = randomToKey(this.#session.etype, random(32), this.#opts);
    const s = random(4);
    // A random 30-bit start, as some acceptors mishandle sequence numbers near 2^32.
    this.#seq = (((s[0]! << 24) | (s[1]! << 16) | (s[2]! << 8) | s[3]!) & 0x3fffffff) >>> 0;

    const bindingsHash = o.channelBindings ? channelBindingsHash(o.channelBindings) : NO_CHANNEL_BINDINGS;
    const cksum = encodeGssChecksum({ bindingsHash, flags: this.flags, ...(o.delegation ? { delegation: o.delegation } : {}) });
    let ticket: Ticket;
    try {
      ticket = Ticket.decode(c.ticket, TICKET_VIEWS); // re-encoded into the AP-REQ below, not kept
    } catch (e) {
      throw new KerberosError(`the service ticket does not decode: ${(e as Error).message}`, { code: 'ERR_BAD_TICKET', cause: e });
    }
    const apReq = buildApReq({
      ticket,
      sessionKey: this.#session,
      client: c.client,
      ctime: this.#ctime,
      cusec: this.#cusec,
      subkey: this.#subkey,
      seqNumber: this.#seq,
      cksum: { cksumtype: GSS_CHECKSUM_TYPE, checksum: cksum },
      apOptions: mutualAsked ? flagMask(APOptions.MUTUAL_REQUIRED) : 0,
      usage: KeyUsage.AP_REQ_AUTH,
      ...this.#opts,
    });
    this.token = encodeKrb5Message({ type: 'AP-REQ', value: apReq }, { framed: true, mech: o.mech ?? Oid.KRB5 });
    this.established = !mutualAsked;
    if (this.established) this.#ready();
  }

  /** Whether a reply token is still expected (mutual authentication asked for, no AP-REP yet). */
  get continueNeeded(): boolean {
    return !this.established;
  }

  /**
   * Takes the acceptor's reply token: an AP-REP (checked: it decrypts under the session key, its
   * ctime/cusec are the authenticator's) or a KRB-ERROR (thrown as {@link GssKrbError}).
   * A token that is neither, or that does not verify, is a `GssError`.
   */
  step(token: Uint8Array): void {
    if (!(token instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
    if (this.mutual) throw new GssError('the context is already established', { major: GssStatus.GSS_S_FAILURE });
    let m: Krb5Message;
    try {
      // views into the caller's token (an AP-REP is only decrypted); a KRB-ERROR, which the
      // error keeps, is decoded again with copies
      m = decodeKrb5MessageView(token);
    } catch (e) {
      throw new GssError(`the acceptor's token is not a krb5 AP-REP or KRB-ERROR: ${(e as Error).message}`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN }, { cause: e });
    }
    if (m.tokId === TokenId.KRB_ERROR && m.message.type === 'KRB-ERROR') {
      const kept = decodeKrb5Message(token).message;
      throw new GssKrbError(kept.value as KRBError);
    }
    if (m.message.type !== 'AP-REP') throw new GssError(`the acceptor sent a ${m.message.type} token, not an AP-REP`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
    const rep = m.message.value;
    let part: EncAPRepPart;
    try {
      part = openApRepPart(rep, this.#session, this.#opts);
    } catch (e) {
      if (e instanceof IntegrityError) {
        throw new GssError('the AP-REP does not decrypt with the session key: the server is not the one the ticket is for', { major: GssStatus.GSS_S_BAD_SIG }, { cause: e });
      }
      throw new GssError(`the AP-REP's encrypted part is malformed: ${(e as Error).message}`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN }, { cause: e });
    }
    // RFC 4120 §3.2.5: the AP-REP echoes the authenticator's ctime and cusec.
    if (part.ctime.getTime() !== this.#ctime.getTime() || part.cusec !== this.#cusec) {
      throw new GssError('the AP-REP does not answer this AP-REQ (ctime/cusec differ): a replayed or forged reply', { major: GssStatus.GSS_S_BAD_SIG });
    }
    if (part.subkey) this.#acceptorSubkey = { etype: part.subkey.keytype, value: part.subkey.keyvalue };
    this.mutual = true;
    this.established = true;
    this.#ready(part.seqNumber);
  }

  #ready(acceptorSeq?: number): void {
    const { key, acceptorSubkey } = protectionKey(this.#session, this.#subkey, this.#acceptorSubkey);
    if (isRc4(key.etype)) return; // RFC 4757 tokens: not implemented; context still usable for authentication
    this.protection = new Protection({
      key,
      acceptorSubkey,
      initiator: true,
      sendSeq: this.#seq,
      // Without mutual authentication the acceptor uses the initiator's number (RFC 4121 §4.2.3, as MIT).
      recvSeq: acceptorSeq !== undefined ? acceptorSeq >>> 0 : this.#seq,
      replayDetection: (this.flags & GssFlags.GSS_C_REPLAY_FLAG) !== 0,
      sequenceDetection: (this.flags & GssFlags.GSS_C_SEQUENCE_FLAG) !== 0,
      ...this.#opts,
    });
  }

  /** Forgets the keys. */
  dispose(): void {
    wipe(this.#subkey.value, this.#acceptorSubkey?.value);
    this.protection = undefined;
  }
}
