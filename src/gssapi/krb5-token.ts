/**
 * Kerberos V5 mechanism context-establishment tokens (RFC 4121 §4.1).
 * @module
 */
import { Oid, TokenId } from '../iana/index.js';
import { UnsupportedError } from '../errors.js';
import { tokenError, unwrapInitialToken, unwrapInitialTokenView, wrapInitialToken, isFramedToken } from './framing.js';

/** The TOK_IDs of context-establishment tokens (RFC 4121 §4.1). */
export type ContextTokenId = typeof TokenId.KRB_AP_REQ | typeof TokenId.KRB_AP_REP | typeof TokenId.KRB_ERROR;

/** A krb5 context token taken apart. */
export interface Krb5Token {
  /** 0x0100 KRB_AP_REQ, 0x0200 KRB_AP_REP or 0x0300 KRB_ERROR. */
  tokId: ContextTokenId;
  /** The DER message after the TOK_ID (AP-REQ, AP-REP or KRB-ERROR), as bytes. */
  inner: Uint8Array;
  /** Whether the token came in the RFC 2743 §3.1 framing (0x60 + mech OID). */
  framed: boolean;
  /** The mech OID of the framing, when framed. */
  mech?: string;
}

/**
 * Mech OIDs accepted in the framing of a krb5 token: RFC 4121's, Microsoft's variant and the pre-RFC one.
 *
 * @example
 * ```ts
 * KRB5_MECHS.includes(unwrapInitialToken(token).mech)
 * ```
 */
export const KRB5_MECHS: readonly string[] = [Oid.KRB5, Oid.MS_KRB5, Oid.KRB5_OLD];

const LEGACY: Record<number, string> = {
  [TokenId.MIC_RFC1964]: 'an RFC 1964 MIC token (0x0101)',
  [TokenId.WRAP_RFC1964]: 'an RFC 1964 Wrap token (0x0201)',
  [TokenId.DELETE_RFC1964]: 'an RFC 1964 delete-context token (0x0102)',
};

/** @internal Throws UnsupportedError for RFC 1964 token ids. */
export function rejectLegacy(tokId: number): void {
  const what = LEGACY[tokId];
  if (what !== undefined) {
    throw new UnsupportedError(`${what}: only RFC 4121 per-message tokens are supported`, { code: 'ERR_RFC1964_TOKEN' });
  }
}

// RFC 4121 §4.1: the innerToken is a two-octet TOK_ID (big-endian) then the Kerberos message:
//   01 00 KRB_AP_REQ, 02 00 KRB_AP_REP, 03 00 KRB_ERROR.
// The initial token is framed (RFC 2743 §3.1); MIT and Heimdal frame the AP-REP and the
// KRB-ERROR as well, so both forms are read.

/**
 * Decode a krb5 mechanism context token, framed (`60 .. 06 09 2a864886f712010202 01 00 6e ..`)
 * or bare (`02 00 6f ..`). The inner message is returned as bytes; decode it with
 * `APReq` / `APRep` / `KRBError` from `tskrb5/messages`.
 *
 * Throws `DecodeError` on malformed bytes or an unknown TOK_ID, `UnsupportedError` for a framing
 * with another mechanism (code `ERR_UNSUPPORTED_MECH`) or an RFC 1964 per-message token.
 *
 * @example
 * ```ts
 * const { tokId, inner, framed } = decodeKrb5Token(token) // 0x0100, AP-REQ bytes, true
 * ```
 */
export function decodeKrb5Token(bytes: Uint8Array): Krb5Token {
  return readKrb5Token(bytes, false);
}

/**
 * @internal {@link decodeKrb5Token} with `inner` a view into `bytes` (no copies): for callers
 * that decode it at once and keep none of its bytes. Same checks, same errors.
 */
export function decodeKrb5TokenView(bytes: Uint8Array): Krb5Token {
  return readKrb5Token(bytes, true);
}

function readKrb5Token(bytes: Uint8Array, views: boolean): Krb5Token {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
  let body = bytes;
  let base = 0;
  let mech: string | undefined;
  const framed = isFramedToken(bytes);
  if (framed) {
    const t = views ? unwrapInitialTokenView(bytes) : unwrapInitialToken(bytes);
    if (!KRB5_MECHS.includes(t.mech)) {
      throw new UnsupportedError(`token is for the mechanism ${t.mech}, not Kerberos V5`, { code: 'ERR_UNSUPPORTED_MECH' });
    }
    mech = t.mech;
    body = t.inner;
    base = bytes.length - body.length;
  }
  if (body.length < 2) throw tokenError('Krb5Token', 'token too short for a TOK_ID', base);
  const tokId = (body[0]! << 8) | body[1]!;
  rejectLegacy(tokId);
  if (tokId !== TokenId.KRB_AP_REQ && tokId !== TokenId.KRB_AP_REP && tokId !== TokenId.KRB_ERROR) {
    throw tokenError('Krb5Token.TOK_ID', `unknown context token id 0x${tokId.toString(16).padStart(4, '0')}`, base);
  }
  // The message is DER; an empty one cannot be a Kerberos message.
  if (body.length === 2) throw tokenError('Krb5Token', 'no message after the TOK_ID', base + 2);
  const out: Krb5Token = { tokId, inner: views ? body.subarray(2) : body.slice(2), framed };
  if (mech !== undefined) out.mech = mech;
  return out;
}

/**
 * Encode a krb5 context token: TOK_ID then the message, framed with `mech` (default RFC 4121's
 * OID) unless `framed` is false.
 *
 * @example
 * ```ts
 * encodeKrb5Token({ tokId: 0x0100, inner: apReqBytes })                 // 60 .. 06 09 .. 01 00 6e ..
 * encodeKrb5Token({ tokId: 0x0200, inner: apRepBytes, framed: false })  // 02 00 6f ..
 * ```
 */
export function encodeKrb5Token(token: { tokId: ContextTokenId; inner: Uint8Array; framed?: boolean; mech?: string }): Uint8Array {
  const { tokId, inner } = token;
  if (tokId !== TokenId.KRB_AP_REQ && tokId !== TokenId.KRB_AP_REP && tokId !== TokenId.KRB_ERROR) {
    throw new RangeError(`not a context token id: ${String(tokId)}`);
  }
  if (!(inner instanceof Uint8Array)) throw new TypeError('inner must be a Uint8Array');
  const body = new Uint8Array(inner.length + 2);
  body[0] = tokId >>> 8;
  body[1] = tokId & 0xff;
  body.set(inner, 2);
  return token.framed === false ? body : wrapInitialToken(token.mech ?? Oid.KRB5, body);
}
