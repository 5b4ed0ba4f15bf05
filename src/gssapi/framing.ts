/**
 * The mechanism-independent token framing of GSS-API (RFC 2743 §3.1).
 * @module
 */
import { DecodeError } from '../errors.js';
import { type Codec, DerReader, DerWriter, oid } from '../asn1/index.js';

/**
 * `[APPLICATION 0]` constructed: the identifier octet of every framed token.
 *
 * @example
 * ```ts
 * bytes[0] === INITIAL_CONTEXT_TOKEN_TAG // a framed (initial) token
 * ```
 */
export const INITIAL_CONTEXT_TOKEN_TAG = 0x60;

/** An InitialContextToken taken apart: the mechanism OID and the mechanism's own bytes. */
export interface InitialContextToken {
  /** thisMech, as a dotted OID string. */
  mech: string;
  /** innerContextToken: the mechanism-specific bytes (not a TLV; for krb5 a TOK_ID then a message). */
  inner: Uint8Array;
}

// RFC 2743 §3.1:
//   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
//     thisMech MechType,
//     innerContextToken ANY DEFINED BY thisMech }  -- contents mechanism-specific; ASN.1 not required
// The inner part is raw bytes up to the end of the outer length, so it is read with byte
// operations, not as a TLV.

/**
 * Frame a mechanism token: `60 <DER length> 06 <oid> <inner>`.
 *
 * @example
 * ```ts
 * wrapInitialToken('1.2.840.113554.1.2.2', Uint8Array.of(0x01, 0x00, ...apReq))
 * // 60 .. 06 09 2a 86 48 86 f7 12 01 02 02 01 00 6e ..
 * ```
 */
export function wrapInitialToken(mech: string, inner: Uint8Array): Uint8Array {
  if (!(inner instanceof Uint8Array)) throw new TypeError('inner token must be a Uint8Array');
  const w = DerWriter.borrow();
  try {
    w.bytes(inner);
    oid.write(w, mech);
    w.header(INITIAL_CONTEXT_TOKEN_TAG, w.size);
    return w.finish();
  } finally {
    w.giveBack();
  }
}

/**
 * Take apart an RFC 2743 §3.1 framed token. Strict: DER length, the length covers exactly the
 * rest of the input, a well-formed OID. `inner` is a copy.
 *
 * @example
 * ```ts
 * const { mech, inner } = unwrapInitialToken(token) // mech '1.3.6.1.5.5.2' for SPNEGO
 * ```
 */
export function unwrapInitialToken(bytes: Uint8Array): InitialContextToken {
  return readFramed(bytes, (r, mech) => ({ mech, inner: r.copy(r.end - r.pos) }));
}

/**
 * Take apart a framed token and decode its inner part, a DER value, with the codec chosen by
 * `innerCodec(mech)` (which may throw to refuse a mechanism). Offsets of decode errors point
 * into `bytes`.
 *
 * @example
 * ```ts
 * decodeInitialToken(bytes, (mech) => { if (mech !== Oid.SPNEGO) throw new UnsupportedError(mech); return NegotiationToken })
 * ```
 */
export function decodeInitialToken<T>(bytes: Uint8Array, innerCodec: (mech: string) => Codec<T>): { mech: string; value: T } {
  return readFramed(bytes, readInner(innerCodec));
}

/**
 * @internal {@link unwrapInitialToken} with `inner` a view into `bytes` (no copy): for callers
 * that read it at once and keep nothing of it.
 */
export function unwrapInitialTokenView(bytes: Uint8Array): InitialContextToken {
  return readFramed(bytes, (r, mech) => {
    const inner = r.buf.subarray(r.pos, r.end);
    r.pos = r.end;
    return { mech, inner };
  });
}

/**
 * @internal {@link decodeInitialToken} with the byte fields of the value as views into `bytes`
 * (DecodeOptions.views): for callers that use the value at once and keep none of its bytes.
 */
export function decodeInitialTokenView<T>(bytes: Uint8Array, innerCodec: (mech: string) => Codec<T>): { mech: string; value: T } {
  return readFramed(bytes, readInner(innerCodec), VIEWS);
}

/** @internal The mechanism OID of a framed token, or undefined when it is not a well-formed one (nothing copied). */
export function initialTokenMech(bytes: Uint8Array): string | undefined {
  try {
    return readFramed(bytes, (r, mech) => {
      r.pos = r.end;
      return mech;
    });
  } catch {
    return undefined;
  }
}

const VIEWS = { views: true };

/** The inner token of a framed one, read with the codec its mechanism names; nothing may trail it. */
function readInner<T>(innerCodec: (mech: string) => Codec<T>): (r: DerReader, mech: string) => { mech: string; value: T } {
  return (r, mech) => {
    const codec = innerCodec(mech);
    r.path.pop();
    r.path.push(codec.name);
    const value = codec.read(r);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes of trailing data after ${codec.name}`);
    return { mech, value };
  };
}

function readFramed<T>(bytes: Uint8Array, body: (r: DerReader, mech: string) => T, options?: { views: boolean }): T {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
  const r = new DerReader(bytes, options);
  r.path.push('InitialContextToken');
  if (bytes.length === 0) r.fail('empty token');
  const tag = r.readHeader();
  if (tag !== INITIAL_CONTEXT_TOKEN_TAG) r.unexpectedTag(INITIAL_CONTEXT_TOKEN_TAG, tag);
  if (r.pos + r.len !== bytes.length) r.fail(`${bytes.length - r.pos - r.len} bytes of trailing data after the token`, r.pos + r.len);
  const saved = r.enter();
  r.path.push('thisMech');
  const mech = oid.read(r);
  r.path.pop();
  r.path.push('innerContextToken');
  const out = body(r, mech);
  r.path.pop();
  r.leave(saved);
  return out;
}

/**
 * Whether bytes start like an RFC 2743 framed token (cheap test, no validation).
 *
 * @example
 * ```ts
 * isFramedToken(Uint8Array.of(0x60, 0x00)) // true
 * ```
 */
export function isFramedToken(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === INITIAL_CONTEXT_TOKEN_TAG;
}

/** @internal A DecodeError at an offset of a token that is not DER throughout. */
export function tokenError(what: string, message: string, offset: number): DecodeError {
  return new DecodeError(message, { path: what, offset });
}
