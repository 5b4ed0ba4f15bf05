/**
 * RFC 4121 per-message protection of an established krb5 context: MIC tokens (§4.2.6.1) and
 * Wrap tokens (§4.2.6.2), sealed or integrity-only, with the key rules of §2 (the acceptor's
 * subkey when the acceptor asserted one — then the AcceptorSubkey flag — else the initiator's
 * subkey), the key usages of §2 (22–25), the rotation (RRC) and filler (EC) of §4.2.5, and a
 * 64-token replay window on what is received (as MIT's g_seqstate).
 * @module
 */
import { checksum, decrypt, encrypt, verifyChecksum, type Key } from '../crypto/index.js';
import { GssError, IntegrityError } from '../errors.js';
import { GssStatus, KeyUsage, TokenFlags, TokenId, isRc4 } from '../iana/index.js';
import { concat, constantTimeEqual } from '../util/bytes.js';
import { decodePerMessageToken, encodePerMessageToken, TOKEN_HEADER_LENGTH } from './per-message-token.js';

/** What a received token was, beyond its contents (RFC 2743 supplementary status). */
export interface ReceivedInfo {
  /** GssStatus supplementary bits: GSS_S_UNSEQ_TOKEN, GSS_S_GAP_TOKEN (never DUPLICATE/OLD: those throw). */
  supplementary: number;
}

/** Options of {@link Protection}. */
export interface ProtectionOptions {
  /** The protection key (see {@link protectionKey}). */
  key: Key;
  /** Whether `key` is the acceptor's subkey (sets and requires the AcceptorSubkey flag). */
  acceptorSubkey: boolean;
  /** This side is the context initiator. */
  initiator: boolean;
  /** First sequence number this side sends. */
  sendSeq: number | bigint;
  /** First sequence number expected from the peer. */
  recvSeq: number | bigint;
  /** Refuse duplicated tokens (GSS_C_REPLAY_FLAG; default true). */
  replayDetection?: boolean;
  /** Report out-of-order tokens (GSS_C_SEQUENCE_FLAG; default true). */
  sequenceDetection?: boolean;
  /** Allow RC4-HMAC keys (RFC 4757 tokens are not implemented: they are refused here). */
  allowWeakCrypto?: boolean;
}

/**
 * The key protecting per-message tokens, RFC 4121 §2: the acceptor subkey of the AP-REP when
 * there is one, else the initiator's authenticator subkey, else the ticket session key.
 */
export function protectionKey(session: Key, initiatorSubkey: Key | undefined, acceptorSubkey: Key | undefined): { key: Key; acceptorSubkey: boolean } {
  if (acceptorSubkey) return { key: acceptorSubkey, acceptorSubkey: true };
  return { key: initiatorSubkey ?? session, acceptorSubkey: false };
}

const WINDOW = 64n;
const MASK64 = (1n << 64n) - 1n;

function bad(message: string, major: number = GssStatus.GSS_S_DEFECTIVE_TOKEN, cause?: unknown): GssError {
  return new GssError(message, { major }, cause === undefined ? {} : { cause });
}

/** Rotate right by `rrc` (RFC 4121 §4.2.5) undone: the first `rrc` octets move to the end. */
function unrotate(b: Uint8Array, rrc: number): Uint8Array {
  if (b.length === 0) return b;
  const r = rrc % b.length;
  if (r === 0) return b;
  return concat(b.subarray(r), b.subarray(0, r));
}

/**
 * Per-message protection of one context: `getMIC`/`verifyMIC`, `wrap`/`unwrap`. Failures are
 * `GssError`s with the RFC 2744 major status (GSS_S_BAD_SIG for a MIC or checksum that does not
 * verify, GSS_S_DEFECTIVE_TOKEN for a malformed token, GSS_S_DUPLICATE_TOKEN / GSS_S_OLD_TOKEN
 * for a replay).
 *
 * @example
 * ```ts
 * const mic = ctx.getMIC(utf8('hello'))
 * ctx.verifyMIC(utf8('hello'), peerMic)
 * const { message } = ctx.unwrap(ctx.wrap(utf8('secret'), true))
 * ```
 */
export class Protection {
  readonly #key: Key;
  readonly #acceptorSubkey: boolean;
  readonly #initiator: boolean;
  readonly #replay: boolean;
  readonly #sequence: boolean;
  readonly #opts: { allowWeakCrypto: boolean };
  #send: bigint;
  /** Next expected sequence number and the bitmap of the WINDOW numbers below it that were seen. */
  #next: bigint;
  #seen = 0n;
  #base: bigint;

  constructor(o: ProtectionOptions) {
    if (isRc4(o.key.etype)) {
      throw new GssError('RC4-HMAC per-message tokens (RFC 4757) are not implemented', { major: GssStatus.GSS_S_UNAVAILABLE });
    }
    this.#key = o.key;
    this.#acceptorSubkey = o.acceptorSubkey;
    this.#initiator = o.initiator;
    this.#replay = o.replayDetection !== false;
    this.#sequence = o.sequenceDetection !== false;
    this.#opts = { allowWeakCrypto: o.allowWeakCrypto === true };
    this.#send = BigInt.asUintN(64, BigInt(o.sendSeq));
    this.#base = BigInt.asUintN(64, BigInt(o.recvSeq));
    this.#next = this.#base;
  }

  /** The flags octet this side puts in its tokens. */
  #flags(sealed: boolean): number {
    return (this.#initiator ? 0 : TokenFlags.SentByAcceptor) | (sealed ? TokenFlags.Sealed : 0) | (this.#acceptorSubkey ? TokenFlags.AcceptorSubkey : 0);
  }

  #usage(sending: boolean, sign: boolean): number {
    const initiatorSide = sending === this.#initiator;
    if (sign) return initiatorSide ? KeyUsage.GSS_INITIATOR_SIGN : KeyUsage.GSS_ACCEPTOR_SIGN;
    return initiatorSide ? KeyUsage.GSS_INITIATOR_SEAL : KeyUsage.GSS_ACCEPTOR_SEAL;
  }

  #nextSend(): bigint {
    const s = this.#send;
    this.#send = (this.#send + 1n) & MASK64;
    return s;
  }

  /** RFC 4121 §4.2.2: a token from the peer has the other SentByAcceptor bit and our AcceptorSubkey use. */
  #checkFlags(flags: number, what: string): void {
    const fromAcceptor = (flags & TokenFlags.SentByAcceptor) !== 0;
    if (fromAcceptor === !this.#initiator) throw bad(`${what} was sent by this side of the context (SentByAcceptor flag), not by the peer`);
    if (((flags & TokenFlags.AcceptorSubkey) !== 0) !== this.#acceptorSubkey) {
      throw bad(`${what}: the AcceptorSubkey flag does not match the context's key`, GssStatus.GSS_S_BAD_SIG);
    }
  }

  /** The replay window (MIT g_seqstate): duplicates and tokens older than the window throw. */
  #received(seq: bigint): ReceivedInfo {
    const rel = (seq - this.#base) & MASK64;
    const nextRel = (this.#next - this.#base) & MASK64;
    if (rel >= nextRel) {
      // ahead of or at the expected one
      const gap = rel > nextRel;
      const shift = rel + 1n - nextRel;
      this.#seen = shift >= WINDOW ? 0n : (this.#seen << shift) & ((1n << WINDOW) - 1n);
      this.#seen |= 1n;
      this.#next = (seq + 1n) & MASK64;
      return { supplementary: gap && this.#sequence ? GssStatus.GSS_S_GAP_TOKEN : 0 };
    }
    const back = nextRel - 1n - rel; // 0 = the last one received
    if (back >= WINDOW) {
      if (this.#replay || this.#sequence) throw bad(`token with sequence number ${seq} is older than the replay window`, GssStatus.GSS_S_OLD_TOKEN);
      return { supplementary: GssStatus.GSS_S_OLD_TOKEN };
    }
    const bit = 1n << back;
    if ((this.#seen & bit) !== 0n) {
      if (this.#replay) throw bad(`token with sequence number ${seq} was already received (a replay)`, GssStatus.GSS_S_DUPLICATE_TOKEN);
      return { supplementary: GssStatus.GSS_S_DUPLICATE_TOKEN };
    }
    this.#seen |= bit;
    return { supplementary: this.#sequence ? GssStatus.GSS_S_UNSEQ_TOKEN : 0 };
  }

  /** RFC 4121 §4.2.6.1: a MIC token for `message`. */
  getMIC(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
    const header = encodePerMessageToken({ tokId: TokenId.MIC, flags: this.#flags(false), sndSeq: this.#nextSend(), checksum: new Uint8Array(0) });
    const sum = checksum(this.#key, this.#usage(true, true), concat(message, header), undefined, this.#opts);
    return concat(header, sum);
  }

  /** Verifies the peer's MIC token over `message`; throws a `GssError` when it does not verify. */
  verifyMIC(message: Uint8Array, token: Uint8Array): ReceivedInfo {
    if (!(message instanceof Uint8Array) || !(token instanceof Uint8Array)) throw new TypeError('message and token must be Uint8Arrays');
    const t = this.#decode(token);
    if (t.tokId !== TokenId.MIC) throw bad('not a MIC token (TOK_ID 04 04)');
    this.#checkFlags(t.flags, 'MIC token');
    const header = token.subarray(0, TOKEN_HEADER_LENGTH);
    if (!verifyChecksum(this.#key, this.#usage(false, true), concat(message, header), t.checksum, undefined, this.#opts)) {
      throw bad('the MIC token does not verify (wrong key, or the message or token was altered)', GssStatus.GSS_S_BAD_SIG);
    }
    return this.#received(t.sndSeq);
  }

  /** RFC 4121 §4.2.6.2: a Wrap token, sealed (`conf`, the default) or integrity-only. RRC 0, EC 0 when sealed, as MIT sends. */
  wrap(message: Uint8Array, conf = true): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
    const seq = this.#nextSend();
    const usage = this.#usage(true, false);
    if (conf) {
      const header = encodePerMessageToken({ tokId: TokenId.WRAP, flags: this.#flags(true), ec: 0, rrc: 0, sndSeq: seq, body: new Uint8Array(0) });
      return concat(header, encrypt(this.#key, usage, concat(message, header), this.#opts));
    }
    const zeroed = encodePerMessageToken({ tokId: TokenId.WRAP, flags: this.#flags(false), ec: 0, rrc: 0, sndSeq: seq, body: new Uint8Array(0) });
    const sum = checksum(this.#key, usage, concat(message, zeroed), undefined, this.#opts);
    const header = encodePerMessageToken({ tokId: TokenId.WRAP, flags: this.#flags(false), ec: sum.length, rrc: 0, sndSeq: seq, body: new Uint8Array(0) });
    return concat(header, message, sum);
  }

  /** Opens the peer's Wrap token; `conf` says whether it was sealed. */
  unwrap(token: Uint8Array): { message: Uint8Array; conf: boolean } & ReceivedInfo {
    if (!(token instanceof Uint8Array)) throw new TypeError('token must be a Uint8Array');
    const t = this.#decode(token);
    if (t.tokId !== TokenId.WRAP) throw bad('not a Wrap token (TOK_ID 05 04)');
    this.#checkFlags(t.flags, 'Wrap token');
    const header = token.subarray(0, TOKEN_HEADER_LENGTH);
    const body = unrotate(t.body, t.rrc);
    const usage = this.#usage(false, false);
    const sealed = (t.flags & TokenFlags.Sealed) !== 0;
    let message: Uint8Array;
    if (sealed) {
      let plain: Uint8Array;
      try {
        plain = decrypt(this.#key, usage, body, this.#opts);
      } catch (e) {
        if (e instanceof IntegrityError) throw bad('the Wrap token does not decrypt (wrong key, or it was altered)', GssStatus.GSS_S_BAD_SIG, e);
        throw e;
      }
      if (plain.length < TOKEN_HEADER_LENGTH + t.ec) throw bad('sealed Wrap token too short for its filler and header copy');
      // The encrypted copy of the header, with RRC 0 (§4.2.4), must match the one sent.
      const copy = plain.subarray(plain.length - TOKEN_HEADER_LENGTH);
      const expect = Uint8Array.from(header);
      expect[6] = 0;
      expect[7] = 0;
      if (!constantTimeEqual(copy, expect)) throw bad('the Wrap token header does not match its encrypted copy', GssStatus.GSS_S_BAD_SIG);
      message = plain.slice(0, plain.length - TOKEN_HEADER_LENGTH - t.ec);
    } else {
      if (t.ec > body.length) throw bad('Wrap token checksum length (EC) is larger than the token');
      const data = body.subarray(0, body.length - t.ec);
      const sum = body.subarray(body.length - t.ec);
      const zeroed = Uint8Array.from(header);
      zeroed.fill(0, 4, 8);
      if (!verifyChecksum(this.#key, usage, concat(data, zeroed), sum, undefined, this.#opts)) {
        throw bad('the Wrap token checksum does not verify (wrong key, or it was altered)', GssStatus.GSS_S_BAD_SIG);
      }
      message = data.slice();
    }
    return { message, conf: sealed, ...this.#received(t.sndSeq) };
  }

  #decode(token: Uint8Array) {
    try {
      return decodePerMessageToken(token);
    } catch (e) {
      if (e instanceof GssError) throw e;
      throw bad(`malformed per-message token: ${(e as Error).message}`, GssStatus.GSS_S_DEFECTIVE_TOKEN, e);
    }
  }
}
