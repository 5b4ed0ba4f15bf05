/**
 * krb5 context tokens with their Kerberos message decoded (RFC 4121 §4.1 over RFC 4120 §5.5, §5.9.1).
 * @module
 */
import { TokenId } from '../iana/index.js';
import { DecodeError } from '../errors.js';
import { APRep, APReq, KRBError } from '../messages/index.js';
import { decodeKrb5Token, encodeKrb5Token, type Krb5Token } from './krb5-token.js';

/** The message a context token carries, by its TOK_ID. */
export type Krb5ContextMessage = { type: 'AP-REQ'; value: APReq } | { type: 'AP-REP'; value: APRep } | { type: 'KRB-ERROR'; value: KRBError };

/** A decoded context token: {@link Krb5Token} plus the typed message. */
export interface Krb5Message extends Krb5Token {
  message: Krb5ContextMessage;
}

/**
 * Decode a krb5 context token and its message: TOK_ID 01 00 must hold an AP-REQ, 02 00 an
 * AP-REP, 03 00 a KRB-ERROR. Errors as {@link decodeKrb5Token}; a message that does not decode
 * is a `DecodeError` whose offset points into `bytes`.
 *
 * @example
 * ```ts
 * const t = decodeKrb5Message(token)
 * if (t.message.type === 'KRB-ERROR') console.log(t.message.value.errorCode)
 * ```
 */
export function decodeKrb5Message(bytes: Uint8Array): Krb5Message {
  const t = decodeKrb5Token(bytes);
  const base = bytes.length - t.inner.length;
  try {
    const message: Krb5ContextMessage =
      t.tokId === TokenId.KRB_AP_REQ
        ? { type: 'AP-REQ', value: APReq.decode(t.inner) }
        : t.tokId === TokenId.KRB_AP_REP
          ? { type: 'AP-REP', value: APRep.decode(t.inner) }
          : { type: 'KRB-ERROR', value: KRBError.decode(t.inner) };
    return { ...t, message };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    // Re-point into the token: the message starts after the framing and TOK_ID.
    const bare = e.message.replace(/ \((?:at [^()]*?)?(?:, )?(?:offset -?\d+)?\)$/, '');
    throw new DecodeError(bare, { path: `Krb5Token.${e.path}`, offset: e.offset < 0 ? -1 : e.offset + base, cause: e });
  }
}

/**
 * Encode a krb5 context token from a typed message (framed unless `framed: false`).
 *
 * @example
 * ```ts
 * encodeKrb5Message({ type: 'AP-REP', value: apRep })           // 60 .. 06 09 .. 02 00 6f ..
 * ```
 */
export function encodeKrb5Message(message: Krb5ContextMessage, options: { framed?: boolean; mech?: string } = {}): Uint8Array {
  const inner =
    message.type === 'AP-REQ'
      ? { tokId: TokenId.KRB_AP_REQ, inner: APReq.encode(message.value) }
      : message.type === 'AP-REP'
        ? { tokId: TokenId.KRB_AP_REP, inner: APRep.encode(message.value) }
        : message.type === 'KRB-ERROR'
          ? { tokId: TokenId.KRB_ERROR, inner: KRBError.encode(message.value) }
          : undefined;
  if (inner === undefined) throw new TypeError(`unknown context message type ${String((message as { type: unknown }).type)}`);
  return encodeKrb5Token({ ...inner, ...options });
}
