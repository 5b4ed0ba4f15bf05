/**
 * The SPNEGO initiator (RFC 4178) over the krb5 mechanism: a NegTokenInit listing both krb5 OIDs
 * (the IETF one first, then Microsoft's) with the optimistic krb5 token, then the acceptor's
 * NegTokenResp: reject (with the krb5 KRB-ERROR when one came back), accept-incomplete /
 * request-mic (our mechListMIC is sent), accept-completed. The acceptor's mechListMIC is verified
 * whenever it is sent, and required when it chose other than our first mechanism (RFC 4178 §5;
 * the two krb5 OIDs count as one mechanism, as MIT and Windows treat them).
 * @module
 */
import { GssError, KerberosError } from '../errors.js';
import { GssStatus, Oid } from '../iana/index.js';
import { type Krb5Initiator, GssKrbError } from '../gssapi/initiator.js';
import { decodeKrb5Message } from '../gssapi/krb5-message.js';
import { NegState } from './neg-state.js';
import { decodeSpnegoTokenView, encodeMechTypeList, encodeNegTokenInit, encodeNegTokenResp } from './spnego-token.js';
import type { NegotiationToken } from './negotiation-token.js';

const KRB5_OIDS = new Set<string>([Oid.KRB5, Oid.MS_KRB5]);

/** Options of {@link SpnegoInitiator}. */
export interface SpnegoInitiatorOptions {
  /** The mechanisms offered, in order (default the krb5 OID, then Microsoft's krb5 OID). */
  mechTypes?: readonly string[];
}

/**
 * SPNEGO around a {@link Krb5Initiator}.
 *
 * @example
 * ```ts
 * const spnego = new SpnegoInitiator(new Krb5Initiator({ credential }))
 * send(spnego.token)
 * const more = spnego.step(replyToken)     // undefined, or a NegTokenResp to send back
 * spnego.established                       // true when the acceptor said accept-completed
 * ```
 */
export class SpnegoInitiator {
  /** The initial token (RFC 2743 framing, SPNEGO OID, NegTokenInit). */
  readonly token: Uint8Array;
  readonly mechTypes: readonly string[];
  /** The mechanism the acceptor chose. */
  supportedMech: string | undefined;
  /** Whether the acceptor said accept-completed and every check passed. */
  established = false;
  /** Whether the acceptor's mechListMIC was received and verified. */
  micVerified = false;
  readonly #mechList: Uint8Array;
  #sentMic = false;

  constructor(
    readonly krb5: Krb5Initiator,
    o: SpnegoInitiatorOptions = {},
  ) {
    this.mechTypes = [...(o.mechTypes ?? [Oid.KRB5, Oid.MS_KRB5])];
    if (!this.mechTypes.some((m) => KRB5_OIDS.has(m))) throw new TypeError('mechTypes must include a krb5 OID');
    this.#mechList = encodeMechTypeList(this.mechTypes);
    this.token = encodeNegTokenInit({ mechTypes: [...this.mechTypes], mechToken: krb5.token });
  }

  /** Whether a reply is still expected. */
  get continueNeeded(): boolean {
    return !this.established;
  }

  /**
   * Takes a NegTokenResp from the acceptor. Returns a token to send back (our mechListMIC) when
   * the acceptor asks for one, else `undefined`. Throws a `GssError` on reject, on a mechanism
   * we did not offer, or on a mechListMIC that does not verify; a KRB-ERROR inside is a
   * `GssKrbError`.
   */
  step(token: Uint8Array): Uint8Array | undefined {
    if (!(token instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
    let t: NegotiationToken;
    try {
      t = decodeSpnegoTokenView(token).token; // used during this call only
    } catch (e) {
      if (e instanceof KerberosError && !(e instanceof GssError) && e.code === 'ERR_NTLM') throw e;
      throw new GssError(`the acceptor's SPNEGO token does not decode: ${(e as Error).message}`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN }, { cause: e });
    }
    if (t.type !== 'negTokenResp') throw new GssError(`the acceptor sent a ${t.type}, not a NegTokenResp`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
    const r = t.value;
    if (r.negState === NegState.reject) {
      if (r.responseToken) {
        // A krb5 KRB-ERROR says why (MIT sends one for a failed AP-REQ).
        const inner = tryKrbError(r.responseToken);
        if (inner) throw inner;
      }
      throw new GssError('the acceptor rejected the negotiation (negState reject)', { major: GssStatus.GSS_S_BAD_MECH });
    }
    if (r.supportedMech !== undefined) {
      if (this.supportedMech !== undefined && r.supportedMech !== this.supportedMech) {
        throw new GssError(`the acceptor changed its mechanism choice to ${r.supportedMech}`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
      }
      if (!this.mechTypes.includes(r.supportedMech)) {
        throw new GssError(`the acceptor chose ${r.supportedMech}, which was not offered (${this.mechTypes.join(', ')})`, { major: GssStatus.GSS_S_BAD_MECH });
      }
      this.supportedMech = r.supportedMech;
    } else if (this.supportedMech === undefined) {
      throw new GssError("the acceptor's first NegTokenResp names no supportedMech", { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
    }
    if (!KRB5_OIDS.has(this.supportedMech)) {
      throw new GssError(`the acceptor chose ${this.supportedMech}; only krb5 is implemented`, { major: GssStatus.GSS_S_BAD_MECH });
    }
    if (r.responseToken !== undefined) this.krb5.step(r.responseToken);

    // RFC 4178 §5: the MIC exchange is needed when the acceptor did not take our first choice.
    const first = this.mechTypes[0]!;
    const micNeeded = !(first === this.supportedMech || (KRB5_OIDS.has(first) && KRB5_OIDS.has(this.supportedMech)));
    if (r.mechListMIC !== undefined) {
      if (!this.krb5.established) throw new GssError('a mechListMIC arrived before the krb5 context was established', { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
      try {
        this.krb5.verifyMIC(this.#mechList, r.mechListMIC);
      } catch (e) {
        throw new GssError(
          `the acceptor's mechListMIC does not verify: the mechanism list may have been tampered with (${(e as Error).message})`,
          { major: GssStatus.GSS_S_DEFECTIVE_TOKEN },
          { cause: e },
        );
      }
      this.micVerified = true;
    }
    const state = r.negState ?? NegState['accept-completed'];
    if (state === NegState['accept-completed']) {
      if (!this.krb5.established)
        throw new GssError('the acceptor completed SPNEGO but the krb5 context is not established (no AP-REP)', { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
      if (micNeeded && !this.micVerified) {
        throw new GssError(`the acceptor chose ${this.supportedMech} over our first choice ${first} without a mechListMIC (a downgrade?)`, {
          major: GssStatus.GSS_S_DEFECTIVE_TOKEN,
        });
      }
      this.established = true;
      return undefined;
    }
    // accept-incomplete or request-mic: send our mechListMIC once the krb5 context is established.
    if (this.krb5.established && !this.#sentMic) {
      this.#sentMic = true;
      return encodeNegTokenResp({ negState: NegState['accept-incomplete'], mechListMIC: this.krb5.getMIC(this.#mechList) });
    }
    throw new GssError('the acceptor needs another krb5 round trip, which the krb5 mechanism never does', { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
  }
}

function tryKrbError(token: Uint8Array): GssKrbError | undefined {
  try {
    const m = decodeKrb5Message(token);
    return m.message.type === 'KRB-ERROR' ? new GssKrbError(m.message.value) : undefined;
  } catch {
    return undefined;
  }
}
