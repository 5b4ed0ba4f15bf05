/**
 * RFC 4121 per-message token headers: MIC (§4.2.6.1) and Wrap (§4.2.6.2).
 * @module
 */
import { TokenId } from '../iana/index.js';
import { isFramedToken, tokenError, unwrapInitialToken } from './framing.js';
import { rejectLegacy } from './krb5-token.js';

/**
 * The header length of RFC 4121 MIC and Wrap tokens.
 *
 * @example
 * ```ts
 * const header = token.slice(0, TOKEN_HEADER_LENGTH) // what the RFC 4121 §4.2.4 checksum also covers
 * ```
 */
export const TOKEN_HEADER_LENGTH = 16;

const MAX_U64 = (1n << 64n) - 1n;

/** An RFC 4121 §4.2.6.1 MIC token. */
export interface MicToken {
  tokId: typeof TokenId.MIC;
  /** The Flags octet (TokenFlags: SentByAcceptor 1, Sealed 2, AcceptorSubkey 4). */
  flags: number;
  /** SND_SEQ, the sender's 64-bit sequence number. */
  sndSeq: bigint;
  /** SGN_CKSUM, the checksum (12 bytes for aes-sha1, 16 or 24 for aes-sha2). */
  checksum: Uint8Array;
}

/** An RFC 4121 §4.2.6.2 Wrap token. */
export interface WrapToken {
  tokId: typeof TokenId.WRAP;
  /** The Flags octet (TokenFlags). */
  flags: number;
  /** EC, the extra count: filler length when sealed, checksum length when not. */
  ec: number;
  /** RRC, the right rotation count. */
  rrc: number;
  /** SND_SEQ. */
  sndSeq: bigint;
  /** Everything after the header: the (rotated) ciphertext, or plaintext + checksum. */
  body: Uint8Array;
}

/** Either per-message token. */
export type PerMessageToken = MicToken | WrapToken;

function readU64(b: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
}

function writeU64(b: Uint8Array, at: number, v: bigint): void {
  if (typeof v !== 'bigint' || v < 0n || v > MAX_U64) throw new RangeError('sndSeq must be a bigint in 0..2^64-1');
  for (let i = 7; i >= 0; i--) {
    b[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function checkFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff) throw new RangeError('flags must be an octet');
}

// RFC 4121 §4.2.6.1 MIC token:
//   0..1 TOK_ID 04 04 | 2 Flags | 3..7 Filler FF FF FF FF FF | 8..15 SND_SEQ | 16.. SGN_CKSUM
// RFC 4121 §4.2.6.2 Wrap token:
//   0..1 TOK_ID 05 04 | 2 Flags | 3 Filler FF | 4..5 EC | 6..7 RRC | 8..15 SND_SEQ | 16.. Data

/**
 * Decode an RFC 4121 MIC or Wrap token (header fields and the rest as bytes). Throws
 * `DecodeError` on a short token, a wrong filler or an unknown TOK_ID, and `UnsupportedError`
 * (code `ERR_RFC1964_TOKEN`) for an RFC 1964 token (0x0101, 0x0201, 0x0102, framed or not).
 *
 * @example
 * ```ts
 * const t = decodePerMessageToken(bytes)
 * if (t.tokId === 0x0504) console.log(t.flags & TokenFlags.Sealed, t.ec, t.rrc, t.sndSeq)
 * ```
 */
export function decodePerMessageToken(bytes: Uint8Array): PerMessageToken {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
  if (isFramedToken(bytes)) {
    // RFC 1964 per-message tokens carried the RFC 2743 framing; RFC 4121 ones never do.
    const { inner } = unwrapInitialToken(bytes);
    if (inner.length >= 2) rejectLegacy((inner[0]! << 8) | inner[1]!);
    throw tokenError('PerMessageToken', 'framed token is not an RFC 4121 MIC or Wrap token', 0);
  }
  if (bytes.length < 2) throw tokenError('PerMessageToken', 'token too short for a TOK_ID', 0);
  const tokId = (bytes[0]! << 8) | bytes[1]!;
  rejectLegacy(tokId);
  if (tokId === TokenId.MIC) return decodeMic(bytes);
  if (tokId === TokenId.WRAP) return decodeWrap(bytes);
  throw tokenError('PerMessageToken.TOK_ID', `unknown per-message token id 0x${tokId.toString(16).padStart(4, '0')}`, 0);
}

function decodeMic(b: Uint8Array): MicToken {
  if (b.length < TOKEN_HEADER_LENGTH) throw tokenError('MicToken', `token of ${b.length} bytes is shorter than the 16-byte header`, 0);
  for (let i = 3; i < 8; i++) if (b[i] !== 0xff) throw tokenError('MicToken.Filler', 'filler octet is not 0xFF', i);
  return { tokId: TokenId.MIC, flags: b[2]!, sndSeq: readU64(b, 8), checksum: b.slice(16) };
}

function decodeWrap(b: Uint8Array): WrapToken {
  if (b.length < TOKEN_HEADER_LENGTH) throw tokenError('WrapToken', `token of ${b.length} bytes is shorter than the 16-byte header`, 0);
  if (b[3] !== 0xff) throw tokenError('WrapToken.Filler', 'filler octet is not 0xFF', 3);
  return {
    tokId: TokenId.WRAP,
    flags: b[2]!,
    ec: (b[4]! << 8) | b[5]!,
    rrc: (b[6]! << 8) | b[7]!,
    sndSeq: readU64(b, 8),
    body: b.slice(16),
  };
}

/**
 * Encode an RFC 4121 MIC or Wrap token from its fields.
 *
 * @example
 * ```ts
 * encodePerMessageToken({ tokId: 0x0404, flags: TokenFlags.SentByAcceptor, sndSeq: 0n, checksum })
 * // 04 04 01 ff ff ff ff ff 00 00 00 00 00 00 00 00 <checksum>
 * ```
 */
export function encodePerMessageToken(token: PerMessageToken): Uint8Array {
  checkFlags(token.flags);
  if (token.tokId === TokenId.MIC) {
    if (!(token.checksum instanceof Uint8Array)) throw new TypeError('checksum must be a Uint8Array');
    const out = new Uint8Array(TOKEN_HEADER_LENGTH + token.checksum.length);
    out.set([0x04, 0x04, token.flags, 0xff, 0xff, 0xff, 0xff, 0xff]);
    writeU64(out, 8, token.sndSeq);
    out.set(token.checksum, 16);
    return out;
  }
  if (token.tokId === TokenId.WRAP) {
    if (!(token.body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
    for (const [name, v] of [
      ['ec', token.ec],
      ['rrc', token.rrc],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} must be a 16-bit unsigned integer`);
    }
    const out = new Uint8Array(TOKEN_HEADER_LENGTH + token.body.length);
    out.set([0x05, 0x04, token.flags, 0xff, token.ec >>> 8, token.ec & 0xff, token.rrc >>> 8, token.rrc & 0xff]);
    writeU64(out, 8, token.sndSeq);
    out.set(token.body, 16);
    return out;
  }
  throw new RangeError(`not a per-message token id: ${String((token as { tokId: unknown }).tokId)}`);
}
