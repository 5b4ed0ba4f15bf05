/**
 * The krb5 GSS-API mechanism's acceptor (RFC 4121 §4.1, RFC 2743 `GSS_Accept_sec_context`), as
 * MIT's krb5_gss_accept_sec_context checks an initiator: the framed AP-REQ checked as
 * krb5_rd_req checks it (`checkApReq`, src/ap: the ticket opened with a service key matched by
 * principal, enctype and kvno — leniently on the kvno by default, since AD bumps kvnos and
 * some tools write 0 — the ticket's times, the authenticator's client (the ticket's), its
 * time (within the clock skew) and its freshness (a replay cache: by default a bounded in-memory
 * one that refuses new authenticators when full rather than forget a live one)), then what
 * is GSS-API's own: the 0x8003 checksum's flags, channel bindings (checked when the acceptor has
 * them; an initiator that sent none is let through unless they are required, as MIT does — the
 * result says which) and a delegated KRB-CRED. With mutual authentication it answers an AP-REP
 * carrying a fresh acceptor subkey and sequence number, as MIT does; MIC and Wrap tokens then use
 * that subkey (RFC 4121 §2).
 *
 * Sans-I/O: keys come in as keytab entries (`tskrb5/formats` KeytabEntry is one), the clock and
 * randomness are injectable, nothing is stored. A failure is a {@link GssAcceptError} with MIT's
 * major status and, where Kerberos has one, the KRB-ERROR code.
 * @module
 */
import { ApReqError, checkApReq, findPac, ReplayCache, verifyPac, type ApReqRefusal, type CheckedApReq, type ReplayStore, type ServiceKey } from '../ap/index.js';
import { encrypt, randomBytes, randomToKey, type Key } from '../crypto/index.js';
import { DecodeError, GssError, IntegrityError, KerberosError, ReplayCacheError } from '../errors.js';
import { APOptions, ErrorCode, GssFlags, GssStatus, KeyUsage, MessageType, Oid, TicketFlags, TokenId, errorCodeName, flagMask, isRc4 } from '../iana/index.js';
import { EncAPRepPart, KRBCred, Ticket, pacSids, parsePacHeader, type EncKrbCredPart, type EncTicketPart, type Pac, type Principal } from '../messages/index.js';
import { constantTimeEqual, wipe } from '../util/bytes.js';
import { channelBindingsHash, NO_CHANNEL_BINDINGS, type ChannelBindings } from './channel-bindings.js';
import { decodeGssChecksum, GSS_CHECKSUM_TYPE, type GssChecksum } from './checksum.js';
import { decodeKrb5MessageView, encodeKrb5Message, type Krb5Message } from './krb5-message.js';
import { openKrbCred } from './open.js';
import { GssContext } from './context.js';
import { Protection, protectionKey } from './protection.js';
import { redact, secretKey } from '../util/secret.js';

/**
 * Credentials an initiator delegated (RFC 4121 §4.1.1: a KRB-CRED in the 0x8003 checksum),
 * opened with the session key. The KRB-CRED's own client names are the initiator's to write:
 * `client`, the principal the ticket authenticated, is what they must be (see
 * `storeDelegatedCredentials`).
 */
export interface DelegatedCredentials {
  krbCred: Uint8Array;
  part: EncKrbCredPart;
  /** The authenticated client (the ticket's), not what the KRB-CRED says. */
  client: Principal;
}

/**
 * The user's ticket to this service, as it came in: the evidence a service presents for
 * S4U2Proxy (constrained delegation, MS-SFU §3.1.5.2: `getCredentialForProxy` in `tskrb5/node`,
 * `getS4U2ProxyTicket` in `tskrb5/client`) to get a ticket to a backend in the user's name. A
 * KDC accepts it for classic constrained delegation only when it is `forwardable`.
 */
export interface EvidenceTicket {
  /** The DER Ticket, as the initiator sent it. */
  ticket: Uint8Array;
  /** The user (the ticket's client). */
  client: Principal;
  /** The service the ticket is for. */
  server: Principal;
  /** The ticket's session key (never printed). */
  key: Key;
  /** TicketFlags bits (RFC 4120 §5.3; bit 0 = 0x80000000). */
  flags: number;
  /** Whether the ticket is forwardable (TicketFlags bit 1). */
  forwardable: boolean;
  authtime: Date;
  starttime: Date;
  endtime: Date;
  renewTill: Date | undefined;
}

/** A service key, as a keytab entry holds it. */
export type AcceptorKey = ServiceKey;

export { ReplayCache };

/** Options of {@link Krb5Acceptor}. */
export interface Krb5AcceptorOptions {
  /** The service keys (a keytab's entries). */
  keys: readonly AcceptorKey[];
  /** Only tickets for this service (`components` and `realm`; default: any in `keys`). */
  service?: { realm?: string; components: readonly string[] };
  /** Use only the key of the ticket's kvno (default false: any kvno of the principal, newest first). */
  strictKvno?: boolean;
  /** Channel bindings of this connection (e.g. `{ applicationData: tlsServerEndPointBindings(hash) }`). */
  channelBindings?: ChannelBindings;
  /** Refuse an initiator that sent no channel bindings (default false, as MIT). */
  requireChannelBindings?: boolean;
  /** Clock skew allowed, seconds (default 300, krb5.conf's clockskew). */
  clockSkewSec?: number;
  /**
   * The replay cache: a synchronous store (`ReplayCache`; `FileReplayCache` from `tskrb5/node`,
   * shared by every process of the host). Default: one in-memory `ReplayCache` shared by every
   * acceptor of this module; `false`: none. A store that cannot record the authenticator (full,
   * I/O) makes the acceptance fail with its code (`ERR_REPLAY_CACHE_FULL`, …), GSS_S_FAILURE.
   */
  replayCache?: ReplayStore | false;
  now?: () => Date;
  random?: (n: number) => Uint8Array;
  allowWeakCrypto?: boolean;
  /**
   * The ticket's PAC (MS-PAC; AD, Samba and MIT 1.20+ KDCs put one in every ticket):
   *
   * - `'verify'` (default, as MIT's acceptor): a PAC that cannot be parsed is a refusal
   *   (`ERR_PAC_MALFORMED`); one whose
   *   server checksum (or client name and authtime) does not verify is ignored — the context is
   *   established, `pac` stays undefined and `pacError` says why;
   * - `'require'`: a ticket without a PAC, or with one that does not verify, is a refusal
   *   (`GssAcceptError`, code `ERR_PAC_REQUIRED` or the verification's, the typed error as `cause`);
   * - `'ignore'`: the PAC is not looked at.
   */
  pac?: 'verify' | 'require' | 'ignore';
}

/** A failed acceptance: GSS major status, and the Kerberos error code where there is one. */
export class GssAcceptError extends GssError {
  static override readonly kind: string = 'GssAcceptError';
  /** The KRB-ERROR code (ErrorCode), when the fault is a Kerberos one. */
  readonly krbErrorCode: number | undefined;
  /** The KRB-ERROR token to send the initiator, as MIT's acceptor does (set by {@link Krb5Acceptor.accept}). */
  token: Uint8Array | undefined;
  constructor(message: string, major: number, krbErrorCode?: number, options: { cause?: unknown; code?: string } = {}) {
    // MIT's minor status: the krb5 com_err table base plus the code
    super(
      krbErrorCode === undefined ? message : `${message} (${errorCodeName(krbErrorCode)})`,
      { major, ...(krbErrorCode === undefined ? {} : { minor: KRB5_ERR_BASE + krbErrorCode }) },
      options,
    );
    this.krbErrorCode = krbErrorCode;
  }
}

const KRB5_ERR_BASE = -1765328384;
const SHARED_REPLAY = new ReplayCache();

/** An exception that is not a KerberosError, met while accepting: a refusal all the same. */
function internalError(e: unknown): GssAcceptError {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new GssAcceptError(`the initiator's token could not be accepted (${what})`, GssStatus.GSS_S_FAILURE, undefined, { cause: e, code: 'ERR_ACCEPT_INTERNAL' });
}

const fail = (message: string, major: number, code?: number, cause?: unknown): never => {
  throw new GssAcceptError(message, major, code, cause === undefined ? {} : { cause });
};

/** The GSS major status of each AP-REQ refusal, as MIT's krb5_gss_accept_sec_context maps krb5_rd_req's codes. */
const MAJOR: Readonly<Record<ApReqRefusal, number>> = {
  ERR_AP_BAD_VERSION: GssStatus.GSS_S_DEFECTIVE_TOKEN,
  ERR_AP_MSG_TYPE: GssStatus.GSS_S_DEFECTIVE_TOKEN,
  ERR_AP_USER_TO_USER: GssStatus.GSS_S_DEFECTIVE_CREDENTIAL,
  ERR_AP_WRONG_SERVICE: GssStatus.GSS_S_NO_CRED,
  ERR_AP_NO_SERVICE_KEY: GssStatus.GSS_S_NO_CRED,
  ERR_AP_TICKET_ETYPE: GssStatus.GSS_S_FAILURE,
  ERR_AP_NO_KEY_OF_ETYPE: GssStatus.GSS_S_NO_CRED,
  ERR_AP_NO_KEY_OF_KVNO: GssStatus.GSS_S_NO_CRED,
  ERR_AP_TICKET_MALFORMED: GssStatus.GSS_S_DEFECTIVE_TOKEN,
  ERR_AP_TICKET_INTEGRITY: GssStatus.GSS_S_DEFECTIVE_CREDENTIAL,
  ERR_AP_SESSION_KEY_ETYPE: GssStatus.GSS_S_FAILURE,
  ERR_AP_TICKET_NYV: GssStatus.GSS_S_CREDENTIALS_EXPIRED,
  ERR_AP_TICKET_EXPIRED: GssStatus.GSS_S_CREDENTIALS_EXPIRED,
  ERR_AP_TICKET_INVALID: GssStatus.GSS_S_CREDENTIALS_EXPIRED,
  ERR_AP_AUTHENTICATOR_INTEGRITY: GssStatus.GSS_S_DEFECTIVE_TOKEN,
  ERR_AP_AUTHENTICATOR_MALFORMED: GssStatus.GSS_S_DEFECTIVE_TOKEN,
  ERR_AP_SUBKEY_ETYPE: GssStatus.GSS_S_FAILURE,
  ERR_AP_CLIENT_MISMATCH: GssStatus.GSS_S_DEFECTIVE_TOKEN,
  ERR_AP_SKEW: GssStatus.GSS_S_CONTEXT_EXPIRED,
  ERR_AP_REPLAY: GssStatus.GSS_S_DUPLICATE_TOKEN,
};

/**
 * One acceptor context: {@link accept} takes the initiator's token and returns the reply token
 * (an AP-REP, or undefined without mutual authentication); the context is then established.
 */
export class Krb5Acceptor extends GssContext {
  /** The authenticated client. */
  client: Principal | undefined;
  /** The service the ticket was for. */
  server: Principal | undefined;
  /** GSS_C_* flags the initiator asked for (0x8003 Flags), as established. */
  flags = 0;
  /** Whether the initiator's channel bindings matched ours (false: it sent none, or we have none). */
  channelBound = false;
  /** The delegated credentials (a KRB-CRED), opened, when the initiator delegated; `client` is the authenticated client. */
  delegated: DelegatedCredentials | undefined;
  /** The ticket's enc part (authtime, endtime, flags, authorization data such as the PAC). */
  ticketPart: EncTicketPart | undefined;
  /** The user's ticket to this service, usable as S4U2Proxy evidence (see {@link EvidenceTicket}). */
  evidence: EvidenceTicket | undefined;
  /**
   * The ticket's PAC, decoded, once its server checksum verified with the service key and its
   * CLIENT_INFO matched the ticket (as MIT's `krb5_pac_verify`); undefined without one.
   */
  pac: Pac | undefined;
  /** Why the ticket's PAC was not taken (`'verify'` mode: the context is established without it). */
  pacError: KerberosError | undefined;
  /**
   * The user's SIDs from the verified PAC's LOGON_INFO (`S-1-5-21-…`): the primary group, the
   * groups, the extra SIDs and the resource groups; empty without one.
   */
  get groups(): string[] {
    const logon = this.pac?.buffers.find((b) => b.kind === 'logonInfo');
    return logon ? pacSids(logon.value).groups : [];
  }
  readonly #o: Krb5AcceptorOptions;
  readonly #opts: { allowWeakCrypto: boolean };
  #keys: Key[] = [];

  constructor(o: Krb5AcceptorOptions) {
    super();
    if (!o || !Array.isArray(o.keys)) throw new TypeError('keys must be the service keys (keytab entries)');
    if (o.requireChannelBindings && !o.channelBindings) throw new TypeError('requireChannelBindings needs channelBindings');
    this.#o = o;
    this.#opts = { allowWeakCrypto: o.allowWeakCrypto === true };
  }

  /**
   * Verifies the initiator's initial token; returns the token to send back, if any. A refusal is
   * a {@link GssAcceptError}; where Kerberos has a code for it, the error carries the KRB-ERROR
   * token MIT's acceptor would send (`token`: a clock skew tells the initiator the server's time).
   */
  accept(token: Uint8Array): Uint8Array | undefined {
    if (!(token instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
    if (this.established) fail('the context is already established', GssStatus.GSS_S_FAILURE);
    this.#sname = undefined;
    let now = 0;
    try {
      // the clock too: an injected one that throws is a refusal like any other fault inside
      now = (this.#o.now ?? (() => new Date()))().getTime();
      return this.#accept(token, now);
    } catch (thrown) {
      // Whatever went wrong inside is a refusal, never another kind of exception (the
      // initiator chose every byte we looked at).
      const e = thrown instanceof KerberosError ? thrown : internalError(thrown);
      // (read again: #accept set it; TypeScript still sees the `undefined` above)
      const sname = this.#sname as Principal | undefined;
      if (e instanceof GssAcceptError && e.krbErrorCode !== undefined && sname) {
        const stime = new Date(Math.floor(now / 1000) * 1000);
        e.token = encodeKrb5Message(
          {
            type: 'KRB-ERROR',
            value: {
              pvno: 5,
              msgType: MessageType.KRB_ERROR,
              stime,
              susec: (now % 1000) * 1000,
              errorCode: e.krbErrorCode,
              realm: sname.realm,
              sname: { nameType: sname.nameType, nameString: [...sname.components] },
            },
          },
          { framed: true, mech: this.#mech ?? Oid.KRB5 },
        );
      }
      throw e;
    }
  }

  #sname: Principal | undefined;
  #mech: string | undefined;

  #accept(token: Uint8Array, now: number): Uint8Array | undefined {
    let m: Krb5Message;
    try {
      // views into the caller's token: its ciphers are only decrypted, during this call
      m = decodeKrb5MessageView(token);
    } catch (e) {
      return fail(`not a krb5 initial context token: ${(e as Error).message}`, GssStatus.GSS_S_DEFECTIVE_TOKEN, undefined, e);
    }
    if (m.tokId !== TokenId.KRB_AP_REQ || m.message.type !== 'AP-REQ') return fail(`the initiator sent a ${m.message.type} token, not an AP-REQ`, GssStatus.GSS_S_DEFECTIVE_TOKEN);
    const ap = m.message.value;
    this.#mech = m.mech;

    // The ticket and the authenticator, as krb5_rd_req checks them (src/ap).
    let checked: CheckedApReq;
    try {
      checked = checkApReq(ap, {
        keys: this.#o.keys,
        ...(this.#o.service ? { service: this.#o.service } : {}),
        strictKvno: this.#o.strictKvno === true,
        usage: KeyUsage.AP_REQ_AUTH,
        now,
        clockSkewSec: this.#o.clockSkewSec ?? 300,
        replayCache: this.#o.replayCache === undefined ? SHARED_REPLAY : this.#o.replayCache,
        ...this.#opts,
      });
    } catch (e) {
      if (e instanceof ReplayCacheError) throw new GssAcceptError(e.message, GssStatus.GSS_S_FAILURE, undefined, { cause: e, code: e.code });
      if (!(e instanceof ApReqError)) throw e;
      this.#sname = e.server;
      // the AP check's own code (ERR_AP_REPLAY, ERR_AP_SKEW, …) is the refusal's: an onError can tell them apart
      throw new GssAcceptError(e.message, MAJOR[e.code], e.krbErrorCode, e.cause === undefined ? { code: e.code } : { cause: e.cause, code: e.code });
    }
    const { server, client, ticket: part, sessionKey: session, authenticator: auth } = checked;
    this.#sname = server;
    const pac = this.#checkPac(checked);

    // The 0x8003 checksum: flags, channel bindings, delegation.
    if (!auth.cksum || auth.cksum.cksumtype !== GSS_CHECKSUM_TYPE) {
      fail('the authenticator has no GSS-API checksum (type 0x8003)', GssStatus.GSS_S_BAD_SIG, ErrorCode.KRB_AP_ERR_INAPP_CKSUM);
    }
    let ck: GssChecksum;
    try {
      ck = decodeGssChecksum(auth.cksum!.checksum);
    } catch (e) {
      return fail(`the GSS-API checksum is malformed: ${(e as Error).message}`, GssStatus.GSS_S_DEFECTIVE_TOKEN, undefined, e);
    }
    const sentNone = constantTimeEqual(ck.bindingsHash, NO_CHANNEL_BINDINGS);
    if (this.#o.channelBindings) {
      if (sentNone) {
        if (this.#o.requireChannelBindings) fail('the initiator sent no channel bindings, and they are required', GssStatus.GSS_S_BAD_BINDINGS);
      } else if (!constantTimeEqual(ck.bindingsHash, channelBindingsHash(this.#o.channelBindings))) {
        fail("the initiator's channel bindings are not this connection's", GssStatus.GSS_S_BAD_BINDINGS);
      } else this.channelBound = true;
    }
    let flags = ck.flags;
    if (flags & GssFlags.GSS_C_DELEG_FLAG) {
      if (ck.delegation) {
        try {
          this.delegated = redact({ krbCred: ck.delegation, part: openKrbCred(KRBCred.decode(ck.delegation), session, this.#opts), client }, ['krbCred'], 'DelegatedCredentials');
        } catch (e) {
          if (!(e instanceof DecodeError || e instanceof IntegrityError)) throw e;
          fail(`the delegated credentials do not open: ${(e as Error).message}`, GssStatus.GSS_S_DEFECTIVE_TOKEN, undefined, e);
        }
      } else flags &= ~GssFlags.GSS_C_DELEG_FLAG;
    }
    const mutual = (ap.apOptions & flagMask(APOptions.MUTUAL_REQUIRED)) !== 0 || (flags & GssFlags.GSS_C_MUTUAL_FLAG) !== 0;
    const initiatorSubkey = checked.subkey;
    const initiatorSeq = (auth.seqNumber ?? 0) >>> 0;

    let reply: Uint8Array | undefined;
    let acceptorSubkey: Key | undefined;
    let sendSeq = initiatorSeq;
    if (mutual) {
      const random = this.#o.random ?? randomBytes;
      acceptorSubkey = randomToKey((initiatorSubkey ?? session).etype, random(32), this.#opts);
      const s = random(4);
      sendSeq = (((s[0]! << 24) | (s[1]! << 16) | (s[2]! << 8) | s[3]!) & 0x3fffffff) >>> 0;
      const encPart = EncAPRepPart.encode({
        ctime: auth.ctime,
        cusec: auth.cusec,
        subkey: { keytype: acceptorSubkey.etype, keyvalue: acceptorSubkey.value },
        seqNumber: sendSeq,
      });
      reply = encodeKrb5Message(
        {
          type: 'AP-REP',
          value: { pvno: 5, msgType: MessageType.KRB_AP_REP, encPart: { etype: session.etype, cipher: encrypt(session, KeyUsage.AP_REP_ENCPART, encPart, this.#opts) } },
        },
        { framed: true, mech: m.mech ?? Oid.KRB5 },
      );
    }
    this.client = client;
    this.server = server;
    this.flags = flags >>> 0;
    this.ticketPart = part;
    // The DER ticket is made when first asked for (most requests never use it); its cipher is
    // copied now, being a view into the caller's token.
    const t = ap.ticket;
    const kept: Ticket = { ...t, sname: { nameType: t.sname.nameType, nameString: [...t.sname.nameString] }, encPart: { ...t.encPart, cipher: t.encPart.cipher.slice() } };
    let der: Uint8Array | undefined;
    this.evidence = {
      get ticket() {
        der ??= Ticket.encode(kept);
        return der;
      },
      client,
      server,
      key: secretKey(session.etype, session.value.slice()),
      flags: part.flags >>> 0,
      forwardable: (part.flags & flagMask(TicketFlags.FORWARDABLE)) !== 0,
      authtime: part.authtime,
      starttime: part.starttime ?? part.authtime,
      endtime: part.endtime,
      renewTill: part.renewTill,
    };
    this.pac = pac.pac;
    this.pacError = pac.error;
    this.#keys = [session, ...(initiatorSubkey ? [initiatorSubkey] : []), ...(acceptorSubkey ? [acceptorSubkey] : [])];
    const { key, acceptorSubkey: flag } = protectionKey(session, initiatorSubkey, acceptorSubkey);
    if (!isRc4(key.etype)) {
      this.protection = new Protection({
        key,
        acceptorSubkey: flag,
        initiator: false,
        sendSeq,
        recvSeq: initiatorSeq,
        replayDetection: (flags & GssFlags.GSS_C_REPLAY_FLAG) !== 0,
        sequenceDetection: (flags & GssFlags.GSS_C_SEQUENCE_FLAG) !== 0,
        ...this.#opts,
      });
    }
    this.established = true;
    return reply;
  }

  /** The PAC as MIT's acceptor takes it (krb5_rd_req's authdata verification, mspac_verify). */
  #checkPac(checked: CheckedApReq): { pac: Pac | undefined; error: KerberosError | undefined } {
    const mode = this.#o.pac ?? 'verify';
    if (mode === 'ignore') return { pac: undefined, error: undefined };
    let bytes: Uint8Array | undefined;
    try {
      // A container or PAC header that does not parse fails krb5_rd_req.
      bytes = findPac(checked.ticket.authorizationData);
      if (bytes) parsePacHeader(bytes);
    } catch (e) {
      if (!(e instanceof KerberosError)) throw e;
      throw new GssAcceptError(`the ticket's PAC is malformed: ${e.message}`, GssStatus.GSS_S_FAILURE, undefined, { cause: e, code: 'ERR_PAC_MALFORMED' });
    }
    if (!bytes) {
      if (mode === 'require') throw new GssAcceptError('the ticket has no PAC, and one is required', GssStatus.GSS_S_FAILURE, undefined, { code: 'ERR_PAC_REQUIRED' });
      return { pac: undefined, error: undefined };
    }
    try {
      const pac = verifyPac(bytes, { serverKey: checked.serviceKey.key, client: checked.client, authtime: checked.ticket.authtime, ...this.#opts });
      return { pac, error: undefined };
    } catch (e) {
      if (!(e instanceof KerberosError)) throw e;
      if (mode === 'require') throw new GssAcceptError(`the ticket's PAC does not verify: ${e.message}`, GssStatus.GSS_S_FAILURE, undefined, { cause: e, code: e.code });
      return { pac: undefined, error: e };
    }
  }

  /** Forgets the keys. */
  dispose(): void {
    wipe(...this.#keys.map((k) => k.value));
    this.#keys = [];
    this.protection = undefined;
  }
}
