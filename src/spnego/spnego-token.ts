/**
 * SPNEGO tokens as they travel (RFC 4178 §4.2): the initial token in the RFC 2743 framing with
 * the SPNEGO OID, later ones as a bare NegotiationToken.
 * @module
 */
import { DecodeError, UnsupportedError } from '../errors.js';
import { Oid } from '../iana/index.js';
import { decodeInitialToken, isFramedToken, wrapInitialToken } from '../gssapi/index.js';
import { decodeInitialTokenView } from '../gssapi/framing.js';
import { MechTypeList, NegotiationToken, type NegTokenInit, type NegTokenInit2, type NegTokenResp } from './negotiation-token.js';
import { isNtlmToken, ntlmError, onlyNtlm } from './ntlm.js';

/** A decoded SPNEGO token and the form it came in. */
export interface SpnegoToken {
  /** Whether it came in the RFC 2743 framing (an initial token). */
  framed: boolean;
  token: NegotiationToken;
}

/** Throw `ERR_NTLM` if the token carries or selects NTLM instead of Kerberos. */
function rejectNtlm(t: NegotiationToken): void {
  if (t.type === 'negTokenResp') {
    if (t.value.supportedMech === Oid.NTLMSSP) throw ntlmError('the peer', 'NTLMSSP selected as supportedMech');
    if (isNtlmToken(t.value.responseToken)) throw ntlmError('the peer', 'an NTLMSSP responseToken');
    return;
  }
  if (isNtlmToken(t.value.mechToken)) throw ntlmError('the peer', 'an NTLMSSP mechToken');
  if (onlyNtlm(t.value.mechTypes)) throw ntlmError('the peer', 'NTLMSSP and no Kerberos mechanism in mechTypes');
}

/**
 * Decode a SPNEGO token: framed (`60 .. 06 06 2b 06 01 05 05 02 a0 ..`, an initial
 * NegTokenInit / NegTokenInit2) or bare (`a1 ..`, a NegTokenResp, or `a0 ..`).
 *
 * Throws `DecodeError` on malformed bytes; `UnsupportedError` with code `'ERR_NTLM'` when the
 * peer offers NTLM (a raw NTLMSSP token, an NTLMSSP mechToken / responseToken, or NTLM as the
 * only mechanism), and with code `'ERR_UNSUPPORTED_MECH'` for a framed token of another
 * mechanism (e.g. a raw Kerberos token sent without SPNEGO).
 *
 * @example
 * ```ts
 * const { token } = decodeSpnegoToken(fromBase64(header.slice(10)))
 * if (token.type === 'negTokenInit') token.value.mechTypes // ['1.2.840.113554.1.2.2', …]
 * ```
 */
export function decodeSpnegoToken(bytes: Uint8Array): SpnegoToken {
  const t = readSpnegoToken(bytes, false);
  rejectNtlm(t.token);
  return t;
}

/**
 * @internal {@link decodeSpnegoToken} with the byte fields (mechToken, mechListMIC,
 * responseToken) as views into `bytes`: for a caller that uses the token at once and keeps
 * none of them. Same checks, same errors.
 */
export function decodeSpnegoTokenView(bytes: Uint8Array): SpnegoToken {
  const t = readSpnegoToken(bytes, true);
  rejectNtlm(t.token);
  return t;
}

/**
 * {@link decodeSpnegoToken} without refusing a mech list or optimistic token that offers NTLM
 * beside Kerberos (the acceptor negotiates, as MIT's does); a raw NTLMSSP token or an NTLMSSP
 * framing is still `ERR_NTLM`. With `views`, the byte fields are views into `bytes` (for a
 * caller that keeps none of them past the call).
 */
export function decodeNegotiationTokenOf(bytes: Uint8Array, views = false): SpnegoToken {
  return readSpnegoToken(bytes, views);
}

const VIEWS = { views: true };

function readSpnegoToken(bytes: Uint8Array, views: boolean): SpnegoToken {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
  if (isNtlmToken(bytes)) throw ntlmError('the peer', 'a raw NTLMSSP token');
  let token: NegotiationToken;
  const framed = isFramedToken(bytes);
  if (framed) {
    token = (views ? decodeInitialTokenView : decodeInitialToken)(bytes, (mech) => {
      if (mech === Oid.NTLMSSP) throw ntlmError('the peer', 'an NTLMSSP token');
      if (mech !== Oid.SPNEGO) {
        throw new UnsupportedError(`token is for the mechanism ${mech}, not SPNEGO (${Oid.SPNEGO})`, { code: 'ERR_UNSUPPORTED_MECH' });
      }
      return NegotiationToken;
    }).value;
    if (token.type === 'negTokenResp') throw new DecodeError('the initial SPNEGO token holds a NegTokenResp', { path: 'InitialContextToken', offset: 0 });
  } else {
    token = NegotiationToken.decode(bytes, views ? VIEWS : undefined);
  }
  return { framed, token };
}

/**
 * Encode an initiator's NegTokenInit, framed as the initial token unless `framed: false`.
 *
 * @example
 * ```ts
 * encodeNegTokenInit({ mechTypes: [Oid.KRB5], mechToken: krb5Token }) // 60 .. 06 06 2b 06 01 05 05 02 a0 ..
 * ```
 */
export function encodeNegTokenInit(init: NegTokenInit, options: { framed?: boolean } = {}): Uint8Array {
  const bare = NegotiationToken.encode({ type: 'negTokenInit', value: init });
  return options.framed === false ? bare : wrapInitialToken(Oid.SPNEGO, bare);
}

/**
 * Encode an acceptor's first NegTokenInit2 (MIT, Samba and Windows send one when asked to
 * start), framed unless `framed: false`. `negHints` defaults to none.
 *
 * @example
 * ```ts
 * encodeNegTokenInit2({ mechTypes: [Oid.KRB5], negHints: { hintName: 'not_defined_in_RFC4178@please_ignore' } })
 * ```
 */
export function encodeNegTokenInit2(init2: NegTokenInit2, options: { framed?: boolean } = {}): Uint8Array {
  const bare = NegotiationToken.encode({ type: 'negTokenInit2', value: init2 });
  return options.framed === false ? bare : wrapInitialToken(Oid.SPNEGO, bare);
}

/**
 * Encode a NegTokenResp as a bare NegotiationToken (`a1 ..`).
 *
 * @example
 * ```ts
 * encodeNegTokenResp({ negState: NegState['accept-completed'], supportedMech: Oid.KRB5, responseToken: apRepToken })
 * ```
 */
export function encodeNegTokenResp(resp: NegTokenResp): Uint8Array {
  return NegotiationToken.encode({ type: 'negTokenResp', value: resp });
}

/**
 * The DER of a MechTypeList: what mechListMIC is computed over (RFC 4178 §5). Our decoding is
 * strict DER, so this reproduces the bytes the peer sent.
 *
 * @example
 * ```ts
 * const mic = getMIC(ctx, encodeMechTypeList(init.mechTypes))
 * ```
 */
export function encodeMechTypeList(mechTypes: readonly string[]): Uint8Array {
  return MechTypeList.encode([...mechTypes]);
}
