/**
 * The SPNEGO acceptor (RFC 4178) over our krb5 acceptor, for the tokens browsers, curl and
 * python clients send in `Authorization: Negotiate`: a NegTokenInit whose first mechanism is
 * Kerberos (RFC 4121's OID or Microsoft's) with its optimistic AP-REQ. The answer is a
 * NegTokenResp accept-completed with the AP-REP as responseToken and supportedMech the OID the
 * initiator named (MIT and Windows echo it). A mechListMIC the initiator sent is verified, and
 * then answered with ours, as MIT does; none is sent otherwise (Kerberos was the preferred mech,
 * RFC 4178 §5). Kerberos offered but not first, or not offered, is refused: the reply is a
 * NegTokenResp reject, carried by the error (`token`).
 *
 * A raw krb5 token (no SPNEGO framing; curl with `--negotiate` over some GSS setups sends one)
 * is accepted as well, and answered raw.
 * @module
 */
import { GssError, KerberosError } from '../errors.js';
import { GssStatus, Oid } from '../iana/index.js';
import { GssAcceptError, Krb5Acceptor, type Krb5AcceptorOptions } from '../gssapi/index.js';
import { isFramedToken } from '../gssapi/index.js';
import { initialTokenMech } from '../gssapi/framing.js';
import { NegState } from './neg-state.js';
import { KERBEROS_MECHS } from './ntlm.js';
import { decodeSpnegoTokenView, encodeMechTypeList, encodeNegTokenResp } from './spnego-token.js';
import type { NegotiationToken } from './negotiation-token.js';

/** A refused SPNEGO negotiation: the reject token to send back rides along. */
export class SpnegoRejectError extends GssError {
  static override readonly kind: string = 'SpnegoRejectError';
  constructor(
    message: string,
    readonly token: Uint8Array,
    major: number = GssStatus.GSS_S_BAD_MECH,
  ) {
    super(message, { major });
  }
}

const REJECT = encodeNegTokenResp({ negState: NegState.reject });

/**
 * One SPNEGO (or raw krb5) acceptor context over a {@link Krb5Acceptor}: {@link accept} takes
 * the initiator's token and returns the reply; `krb5` holds the established context (client,
 * flags, delegated credentials, MIC and Wrap).
 */
export class SpnegoAcceptor {
  readonly krb5: Krb5Acceptor;
  /** The mechanism the initiator's token came in: SPNEGO, or a raw krb5 token. */
  mech: 'spnego' | 'krb5' | undefined;

  constructor(o: Krb5AcceptorOptions) {
    this.krb5 = new Krb5Acceptor(o);
  }

  get established(): boolean {
    return this.krb5.established;
  }

  /** Verifies the initiator's initial token; returns the token to send back (possibly empty of a krb5 reply). */
  accept(token: Uint8Array): Uint8Array | undefined {
    if (!(token instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
    try {
      return this.#accept(token);
    } catch (e) {
      // the initiator chose every byte: whatever failed is a refusal, never another exception
      if (e instanceof KerberosError) throw e;
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      throw new GssError(`the initiator's token could not be accepted (${what})`, { major: GssStatus.GSS_S_FAILURE }, { cause: e, code: 'ERR_ACCEPT_INTERNAL' });
    }
  }

  #accept(token: Uint8Array): Uint8Array | undefined {
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
      t = decodeSpnegoTokenView(token).token;
    } catch (e) {
      if (e instanceof KerberosError && (e as { code?: string }).code === 'ERR_NTLM') throw new SpnegoRejectError(`the initiator offers only NTLM: ${e.message}`, REJECT);
      throw new GssError(`not a SPNEGO initial token: ${(e as Error).message}`, { major: GssStatus.GSS_S_DEFECTIVE_TOKEN }, { cause: e });
    }
    if (t.type === 'negTokenResp') throw new GssError('a NegTokenResp is not an initial token', { major: GssStatus.GSS_S_DEFECTIVE_TOKEN });
    const init = t.value;
    this.mech = 'spnego';
    const first = init.mechTypes[0];
    if (first === undefined || !KERBEROS_MECHS.includes(first)) {
      const offered = init.mechTypes.some((m) => KERBEROS_MECHS.includes(m));
      throw new SpnegoRejectError(
        offered ? 'Kerberos is offered, but not as the first mechanism (a second round trip is not supported)' : `no Kerberos mechanism offered (${init.mechTypes.join(', ')})`,
        REJECT,
      );
    }
    if (!init.mechToken) throw new SpnegoRejectError('the NegTokenInit carries no optimistic Kerberos token', REJECT, GssStatus.GSS_S_DEFECTIVE_TOKEN);
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
}
