/**
 * The SPNEGO acceptor (RFC 4178) over our krb5 acceptor, for the tokens browsers, curl and
 * python clients send in `Authorization: Negotiate`, negotiating as MIT's acceptor does
 * (lib/gssapi/spnego/spnego_mech.c, 1.20):
 *
 * - a NegTokenInit whose first mechanism is Kerberos (RFC 4121's OID or Microsoft's) with its
 *   optimistic AP-REQ: one leg, answered accept-completed with the AP-REP as responseToken and
 *   supportedMech the OID the initiator named; a mechListMIC the initiator sent is verified and
 *   answered with ours;
 * - Kerberos listed, but not first (NTLM first, say), or first without an optimistic token: the
 *   answer is a NegTokenResp with supportedMech the Kerberos OID listed and no response token —
 *   `request-mic` when Kerberos was not the initiator's first choice (the mechListMIC exchange
 *   then becomes mandatory, RFC 4178 §5, and is checked over the mech list of the first token),
 *   `accept-incomplete` otherwise — and {@link SpnegoAcceptor.continueNeeded} is true: the next
 *   token is a NegTokenResp carrying the AP-REQ (and, as MIT's initiator sends it, a third one
 *   carrying only its mechListMIC when mutual authentication made it wait for our AP-REP);
 * - Kerberos not offered: refused, with a reject token carried by the error (`token`); NTLM
 *   alone is said to be NTLM (`ERR_NTLM`).
 *
 * A raw krb5 token (no SPNEGO framing; curl with `--negotiate` over some GSS setups sends one)
 * is accepted as well, and answered raw.
 * @module
 */
import { GssError, KerberosError } from '../errors.js';
import { GssFlags, GssStatus, Oid } from '../iana/index.js';
import { GssAcceptError, Krb5Acceptor, type Krb5AcceptorOptions } from '../gssapi/index.js';
import { isFramedToken } from '../gssapi/index.js';
import { initialTokenMech } from '../gssapi/framing.js';
import { NegState } from './neg-state.js';
import { KERBEROS_MECHS, isNtlmToken } from './ntlm.js';
import { decodeNegotiationTokenOf, encodeMechTypeList, encodeNegTokenResp } from './spnego-token.js';
import type { NegotiationToken, NegTokenResp } from './negotiation-token.js';

/** A refused SPNEGO negotiation: the reject token to send back rides along. */
export class SpnegoRejectError extends GssError {
  static override readonly kind: string = 'SpnegoRejectError';
  constructor(
    message: string,
    readonly token: Uint8Array,
    major: number = GssStatus.GSS_S_BAD_MECH,
    code?: string,
  ) {
    super(message, { major }, code ? { code } : {});
  }
}

const REJECT = encodeNegTokenResp({ negState: NegState.reject });

/**
 * What an initiator offering NTLM instead of Kerberos usually means, for the operator reading
 * the refusal: Windows and browsers fall back to NTLM when they cannot get a Kerberos ticket for
 * the server.
 */
export const NTLM_ADVICE =
  'the client could not get a Kerberos ticket for this server and fell back to NTLM, which is not accepted; the usual causes: ' +
  'no service principal (SPN) HTTP/<host> for the host name in the URL (or one registered on two accounts), ' +
  "an IP address or a name other than the server's canonical one in the URL, " +
  'the client machine or user not in the domain (or no ticket: kinit), or the site not trusted for Negotiate in the browser';

/** The negotiation in progress between two tokens (MIT's spnego_ctx). */
interface Pending {
  /** The DER MechTypeList of the initiator's first token, which the mechListMICs cover. */
  mechList: Uint8Array;
  /** The Kerberos OID chosen, as the initiator listed it. */
  mech: string;
  micRequired: boolean;
  micSent: boolean;
  micReceived: boolean;
}

/**
 * One SPNEGO (or raw krb5) acceptor context over a {@link Krb5Acceptor}: {@link accept} takes
 * each of the initiator's tokens and returns the reply; `krb5` holds the established context
 * (client, flags, delegated credentials, MIC and Wrap). After a reply with
 * {@link continueNeeded} true, the next token of the same negotiation goes to the same object.
 */
export class SpnegoAcceptor {
  readonly krb5: Krb5Acceptor;
  /** The mechanism the initiator's token came in: SPNEGO, or a raw krb5 token. */
  mech: 'spnego' | 'krb5' | undefined;
  #pending: Pending | undefined;
  #done = false;
  #failed = false;

  constructor(o: Krb5AcceptorOptions) {
    this.krb5 = new Krb5Acceptor(o);
  }

  /** The negotiation is complete: the client is authenticated. */
  get established(): boolean {
    return !this.#failed && (this.#done || (this.krb5.established && this.#pending === undefined));
  }

  /** The last reply asks the initiator for another token (accept-incomplete or request-mic). */
  get continueNeeded(): boolean {
    return this.#pending !== undefined && !this.#done;
  }

  /** Takes the initiator's next token; returns the token to send back (undefined when there is none to send). */
  accept(token: Uint8Array): Uint8Array | undefined {
    if (!(token instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
    try {
      return this.#pending ? this.#continue(token) : this.#accept(token);
    } catch (e) {
      this.#pending = undefined;
      this.#failed = true;
      // the initiator chose every byte: whatever failed is a refusal, never another exception
      if (e instanceof KerberosError) throw e;
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      throw new GssError(`the initiator's token could not be accepted (${what})`, { major: GssStatus.GSS_S_FAILURE }, { cause: e, code: 'ERR_ACCEPT_INTERNAL' });
    }
  }

  #accept(token: Uint8Array): Uint8Array | undefined {
    if (this.#done || this.krb5.established) throw new GssError('the context is already established', { major: GssStatus.GSS_S_FAILURE });
    if (isFramedToken(token)) {
      const mech = initialTokenMech(token);
      if (mech !== undefined && mech !== Oid.SPNEGO) {
        this.mech = 'krb5';
        return this.krb5.accept(token);
      }
    }
    let t: NegotiationToken;
    try {
      // views into the caller's token: it is only read during this call, and nothing kept refers to it
      t = decodeNegotiationTokenOf(token, true).token;
    } catch (e) {
      if (e instanceof KerberosError && (e as { code?: string }).code === 'ERR_NTLM')
        throw new SpnegoRejectError(`the initiator offers only NTLM (${e.message}): ${NTLM_ADVICE}`, REJECT, undefined, 'ERR_NTLM');
      throw new GssError(`not a SPNEGO initial token: ${(e as Error).message}`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN }, { cause: e });
    }
    if (t.type === 'negTokenResp') throw new GssError('a NegTokenResp is not an initial token (no negotiation is in progress)', { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
    const init = t.value;
    this.mech = 'spnego';
    // MIT's negotiate_mech: the first mechanism of the initiator's list that we support
    const at = init.mechTypes.findIndex((m) => KERBEROS_MECHS.includes(m));
    if (at < 0) {
      const ntlm = init.mechTypes.includes(Oid.NTLMSSP) || isNtlmToken(init.mechToken);
      if (ntlm) throw new SpnegoRejectError(`the initiator offers only NTLM (mechTypes ${init.mechTypes.join(', ')}): ${NTLM_ADVICE}`, REJECT, undefined, 'ERR_NTLM');
      throw new SpnegoRejectError(`no Kerberos mechanism offered (${init.mechTypes.join(', ')})`, REJECT);
    }
    const first = init.mechTypes[at]!;
    if (at > 0 || !init.mechToken) {
      // Another mechanism was preferred (its optimistic token, if any, is ignored), or Kerberos
      // came without its token: name Kerberos and wait for the next token (MIT: request-mic
      // when Kerberos was not first, which makes the mechListMIC exchange mandatory).
      this.#pending = { mechList: encodeMechTypeList(init.mechTypes), mech: first, micRequired: at > 0, micSent: false, micReceived: false };
      return encodeNegTokenResp({ negState: at > 0 ? NegState['request-mic'] : NegState['accept-incomplete'], supportedMech: first });
    }
    let reply: Uint8Array | undefined;
    try {
      reply = this.krb5.accept(init.mechToken);
    } catch (e) {
      // the krb5 error token goes back inside a reject, as MIT's SPNEGO acceptor sends it
      if (e instanceof GssAcceptError && e.token) e.token = encodeNegTokenResp({ negState: NegState.reject, responseToken: e.token });
      throw e;
    }
    let mechListMIC: Uint8Array | undefined;
    if (init.mechListMIC) {
      // RFC 4178 §5: the MIC is over the DER MechTypeList as the initiator sent it
      const list = encodeMechTypeList(init.mechTypes);
      this.krb5.verifyMIC(list, init.mechListMIC);
      mechListMIC = this.krb5.getMIC(list);
    }
    return encodeNegTokenResp({
      negState: NegState['accept-completed'],
      supportedMech: first,
      ...(reply ? { responseToken: reply } : {}),
      ...(mechListMIC ? { mechListMIC } : {}),
    });
  }

  /** A later token of a negotiation in progress: MIT's acc_ctx_cont, acc_ctx_call_acc and handle_mic. */
  #continue(token: Uint8Array): Uint8Array | undefined {
    const p = this.#pending!;
    let resp: NegTokenResp;
    try {
      // a bare NegTokenResp; MIT also takes one in the initial-token framing ("old Sun SPNEGO")
      const t = decodeNegotiationTokenOf(token).token;
      if (t.type !== 'negTokenResp') throw new GssError('expected a NegTokenResp', { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
      resp = t.value;
    } catch (e) {
      if (e instanceof KerberosError && (e as { code?: string }).code === 'ERR_NTLM')
        throw new SpnegoRejectError(`the initiator went on with NTLM (${e.message}): ${NTLM_ADVICE}`, REJECT, undefined, 'ERR_NTLM');
      throw new SpnegoRejectError(`the initiator's next SPNEGO token is not a NegTokenResp: ${(e as Error).message}`, REJECT, GssStatus.GSS_S_DEFECTIVE_TOKEN);
    }
    if (!resp.responseToken && !resp.mechListMIC)
      throw new SpnegoRejectError('the NegTokenResp carries neither a token nor a mechListMIC', REJECT, GssStatus.GSS_S_DEFECTIVE_TOKEN);
    if (resp.supportedMech !== undefined) throw new SpnegoRejectError("the initiator's NegTokenResp names a supportedMech", REJECT, GssStatus.GSS_S_DEFECTIVE_TOKEN);
    if (isNtlmToken(resp.responseToken))
      throw new SpnegoRejectError(`the initiator sent an NTLMSSP token after Kerberos was chosen: ${NTLM_ADVICE}`, REJECT, undefined, 'ERR_NTLM');
    let out: Uint8Array | undefined;
    let negState: number = NegState['accept-incomplete'];
    if (resp.responseToken) {
      if (this.krb5.established) throw new SpnegoRejectError('a mechanism token after the Kerberos context was established', REJECT, GssStatus.GSS_S_DEFECTIVE_TOKEN);
      try {
        out = this.krb5.accept(resp.responseToken);
      } catch (e) {
        if (e instanceof GssAcceptError && e.token) e.token = encodeNegTokenResp({ negState: NegState.reject, responseToken: e.token });
        throw e;
      }
      if (!p.micRequired || !(this.krb5.flags & GssFlags.GSS_C_INTEG_FLAG)) negState = NegState['accept-completed'];
    }
    let mechListMIC: Uint8Array | undefined;
    let complete = negState === NegState['accept-completed'];
    if (this.krb5.established && this.krb5.flags & GssFlags.GSS_C_INTEG_FLAG) {
      // handle_mic
      if (resp.mechListMIC) {
        if (p.micReceived) throw new SpnegoRejectError('a second mechListMIC', REJECT, GssStatus.GSS_S_DEFECTIVE_TOKEN);
      } else if (p.micRequired && !out) {
        throw new SpnegoRejectError(
          "Kerberos was not the initiator's first mechanism, so RFC 4178 requires its mechListMIC with the final token, and none came",
          REJECT,
          GssStatus.GSS_S_DEFECTIVE_TOKEN,
        );
      }
      if (resp.mechListMIC) {
        try {
          this.krb5.verifyMIC(p.mechList, resp.mechListMIC);
        } catch (e) {
          throw new SpnegoRejectError(
            `the mechListMIC does not verify over the mechanism list of the first token: ${(e as Error).message}`,
            REJECT,
            GssStatus.GSS_S_DEFECTIVE_TOKEN,
          );
        }
        p.micRequired = true;
        p.micReceived = true;
      }
      if (p.micRequired && !p.micSent) {
        mechListMIC = this.krb5.getMIC(p.mechList);
        p.micSent = true;
      }
      if (p.micSent && p.micReceived) {
        complete = true;
        negState = NegState['accept-completed'];
      } else if (p.micRequired) {
        complete = false;
        negState = NegState['accept-incomplete'];
      }
    }
    if (complete) {
      this.#done = true;
      this.#pending = undefined;
      // MIT sends nothing when there is nothing to say (its MIC went out with the previous token)
      if (!out && !mechListMIC) return undefined;
    }
    return encodeNegTokenResp({ negState, ...(out ? { responseToken: out } : {}), ...(mechListMIC ? { mechListMIC } : {}) });
  }
}
