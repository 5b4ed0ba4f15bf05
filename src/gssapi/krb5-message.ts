/**
 * krb5 context tokens with their Kerberos message decoded (RFC 4121 §4.1 over RFC 4120 §5.5, §5.9.1).
 * @module
 */
import { type Codec, DerWriter, oid } from '../asn1/index.js';
import { Oid, TokenId } from '../iana/index.js';
import { DecodeError } from '../errors.js';
import { APRep, APReq, KRBError } from '../messages/index.js';
import { INITIAL_CONTEXT_TOKEN_TAG } from './framing.js';
import { decodeKrb5Token, decodeKrb5TokenView, type Krb5Token } from './krb5-token.js';

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
  return readKrb5Message(bytes, false);
}

/**
 * @internal {@link decodeKrb5Message} with every byte field of the message (and `inner`) a view
 * into `bytes`: no copies, for a caller that uses the message at once and keeps none of its
 * byte fields (the acceptor and initiator, which only decrypt them). Same checks, same errors.
 */
export function decodeKrb5MessageView(bytes: Uint8Array): Krb5Message {
  return readKrb5Message(bytes, true);
}

const VIEWS = { views: true };

function readKrb5Message(bytes: Uint8Array, views: boolean): Krb5Message {
  const t = views ? decodeKrb5TokenView(bytes) : decodeKrb5Token(bytes);
  const base = bytes.length - t.inner.length;
  const o = views ? VIEWS : undefined;
  try {
    const message: Krb5ContextMessage =
      t.tokId === TokenId.KRB_AP_REQ
        ? { type: 'AP-REQ', value: APReq.decode(t.inner, o) }
        : t.tokId === TokenId.KRB_AP_REP
          ? { type: 'AP-REP', value: APRep.decode(t.inner, o) }
          : { type: 'KRB-ERROR', value: KRBError.decode(t.inner, o) };
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
  // The bytes of encodeKrb5Token({ tokId, inner: Codec.encode(value), ...options }), written back
  // to front into one borrowed buffer: the message, its TOK_ID, the mech OID and the framing
  // header, with one allocation (the result) instead of four.
  const [tokId, codec] =
    message.type === 'AP-REQ'
      ? [TokenId.KRB_AP_REQ, APReq as Codec<unknown>]
      : message.type === 'AP-REP'
        ? [TokenId.KRB_AP_REP, APRep as Codec<unknown>]
        : message.type === 'KRB-ERROR'
          ? [TokenId.KRB_ERROR, KRBError as Codec<unknown>]
          : [undefined, undefined];
  if (tokId === undefined || codec === undefined) throw new TypeError(`unknown context message type ${String((message as { type: unknown }).type)}`);
  const w = DerWriter.borrow();
  try {
    w.path.push(codec.name);
    codec.write(w, message.value);
    w.path.pop();
    w.byte(tokId & 0xff);
    w.byte(tokId >>> 8);
    if (options.framed !== false) {
      oid.write(w, options.mech ?? Oid.KRB5);
      w.header(INITIAL_CONTEXT_TOKEN_TAG, w.size);
    }
    return w.finish();
  } finally {
    w.giveBack();
  }
}
