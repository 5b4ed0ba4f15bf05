/**
 * FAST (RFC 6113) for the AS and TGS clients, as MIT's libkrb5 does it (src/lib/krb5/krb/fast.c,
 * preauth_ec.c): the armor, the armored request, the armored reply and error, the strengthened
 * reply key, and the encrypted-challenge pre-authentication. Sans-I/O; the exchanges in `as.ts`
 * and `tgs.ts` call these.
 *
 * - **AS armor** (`FX_FAST_ARMOR_AP_REQUEST`): an AP-REQ with an existing TGT for
 *   `krbtgt/REALM@REALM` (MIT's `kinit -T armor_ccache`) whose authenticator (usage 11, no
 *   checksum) carries a fresh subkey; armor key = KRB-FX-CF2(subkey, "subkeyarmor", session key,
 *   "ticketarmor").
 * - **TGS armor** is implicit: the same function of the PA-TGS-REQ authenticator's subkey and the
 *   TGT's session key, with no armor field; MIT armors every TGS request so and reads a reply
 *   without PA-FX-FAST as a plain one.
 * - The armored request: outer padata PA-FX-FAST (AS; TGS: PA-TGS-REQ, PA-FX-FAST and copies of
 *   the rest), req-checksum over the outer KDC-REQ-BODY (AS) or the PA-TGS-REQ's AP-REQ (TGS),
 *   armor key, usage 50; the KrbFastReq (the real padata and the body) encrypted in the armor key,
 *   usage 51.
 * - The reply: KrbFastResponse decrypted with the armor key (usage 52), its nonce the request's;
 *   in a KDC-REP the `finished` part is required and its ticket checksum (usage 53) verified, the
 *   client name taken from it, the padata replaced by the FAST padata, and the reply key
 *   strengthened: KRB-FX-CF2(strengthen-key, "strengthenkey", reply key, "replykey"). In a
 *   KRB-ERROR the real error is PA-FX-ERROR and the FAST padata are its METHOD-DATA.
 * - PA-ENCRYPTED-CHALLENGE (138): a PA-ENC-TS-ENC encrypted (usage 54) in
 *   KRB-FX-CF2(armor key, "clientchallengearmor", client key, "challengelongterm"); the KDC's in
 *   the reply (usage 55, "kdcchallengearmor") must decrypt.
 * @module
 */
import { buildApReq } from '../ap/index.js';
import { cf2, checksum, mandatoryChecksumType, decrypt, encrypt, randomToKey, verifyChecksum, type Key } from '../crypto/index.js';
import { DecodeError, IntegrityError, KerberosError, ProtocolError } from '../errors.js';
import { FastArmorType, KeyUsage, PaDataType } from '../iana/index.js';
import type { CcacheCredential } from '../formats/ccache.js';
import {
  APReq,
  EncryptedData,
  type KDCReqBody,
  KRBError,
  KrbFastReq,
  KrbFastResponse,
  PAEncTsEnc,
  PAFxFastReply,
  PAFxFastRequest,
  Ticket,
  decodeMethodData,
  type KDCRep,
  type KrbFastArmor,
  type KrbFastFinished,
  type PAData,
} from '../messages/index.js';
import { wipe } from '../util/bytes.js';
import { secretKey } from '../util/secret.js';

/** An armor for AS requests: a TGT for `krbtgt/REALM@REALM` of the realm asked (MIT's `-T` cache's). */
export interface FastArmorSource {
  /** The armor ticket: a TGT of the realm whose KDC is asked. */
  tgt: CcacheCredential;
  /**
   * Use FAST from the first request (MIT: the armor cache holds a `fast_avail` config entry for
   * `krbtgt/REALM@REALM`, or FAST is required). Otherwise the first request goes unarmored and
   * FAST starts when the KDC's PREAUTH_REQUIRED offers PA-FX-FAST, as MIT's client does.
   */
  fastAvailable?: boolean;
  /** KDC clock minus local clock in seconds, for the armor authenticator (the armor cache's kdcOffset). */
  kdcOffsetSec?: number;
}

/** The FAST state of one request: the armor key, and for AS the explicit armor. */
export interface FastState {
  armorKey: Key;
  armor?: KrbFastArmor;
}

/**
 * AS armor from a TGT (`FX_FAST_ARMOR_AP_REQUEST`, RFC 6113 §5.4.1.1): an AP-REQ with a fresh
 * subkey of the session key's enctype, and the armor key KRB-FX-CF2(subkey, "subkeyarmor",
 * session key, "ticketarmor").
 */
export function apRequestArmor(tgt: CcacheCredential, now: Date, random: (n: number) => Uint8Array, options: { allowWeakCrypto?: boolean } = {}): FastState {
  const cryptoOpts = { allowWeakCrypto: options.allowWeakCrypto === true };
  const sessionKey: Key = { etype: tgt.key.etype, value: tgt.key.value };
  const subkey = randomToKey(sessionKey.etype, random(32), cryptoOpts);
  const t = now.getTime();
  const apReq = APReq.encode(
    buildApReq({
      ticket: Ticket.decode(tgt.ticket),
      sessionKey,
      client: tgt.client,
      ctime: new Date(Math.floor(t / 1000) * 1000),
      cusec: Math.floor((((t % 1000) + 1000) % 1000) * 1000),
      subkey,
      usage: KeyUsage.AP_REQ_AUTH,
      ...cryptoOpts,
    }),
  );
  const armorKey = cf2(subkey, 'subkeyarmor', sessionKey, 'ticketarmor', cryptoOpts);
  wipe(subkey.value);
  return { armorKey, armor: { armorType: FastArmorType.FX_FAST_ARMOR_AP_REQUEST, armorValue: apReq } };
}

/** The implicit TGS armor key (RFC 6113 §5.4.1.1): KRB-FX-CF2(subkey, "subkeyarmor", TGT session key, "ticketarmor"). */
export function tgsArmorKey(subkey: Key, sessionKey: Key, options: { allowWeakCrypto?: boolean } = {}): Key {
  return cf2(subkey, 'subkeyarmor', sessionKey, 'ticketarmor', { allowWeakCrypto: options.allowWeakCrypto === true });
}

/**
 * The PA-FX-FAST of an armored request: `inner` padata and `body` as a KrbFastReq encrypted in
 * the armor key (usage 51), a checksum over `checksummed` (usage 50; the outer KDC-REQ-BODY for
 * AS, the PA-TGS-REQ's AP-REQ for TGS) in the armor key's mandatory type.
 */
export function armoredPadata(
  state: FastState,
  inner: readonly PAData[],
  body: KDCReqBody,
  checksummed: Uint8Array,
  options: { fastOptions?: number; allowWeakCrypto?: boolean } = {},
): PAData {
  const cryptoOpts = { allowWeakCrypto: options.allowWeakCrypto === true };
  const fastReq = KrbFastReq.encode({ fastOptions: (options.fastOptions ?? 0) >>> 0, padata: [...inner], reqBody: body });
  const cks = checksum(state.armorKey, KeyUsage.FAST_REQ_CHKSUM, checksummed, undefined, cryptoOpts);
  const value = PAFxFastRequest.encode({
    ...(state.armor ? { armor: state.armor } : {}),
    reqChecksum: { cksumtype: mandatoryChecksumType(state.armorKey.etype), checksum: cks },
    encFastReq: { etype: state.armorKey.etype, cipher: encrypt(state.armorKey, KeyUsage.FAST_ENC, fastReq, cryptoOpts) },
  });
  return { padataType: PaDataType.PA_FX_FAST, padataValue: value };
}

/**
 * The KrbFastResponse in `padata`'s PA-FX-FAST, decrypted with the armor key (usage 52) and its
 * nonce checked; `undefined` when there is no PA-FX-FAST. A reply that does not decrypt is an
 * `IntegrityError`, a wrong nonce a `ProtocolError` (MIT: "nonce modified in FAST response").
 */
export function openFastResponse(state: FastState, padata: readonly PAData[] | undefined, nonce: number, options: { allowWeakCrypto?: boolean } = {}): KrbFastResponse | undefined {
  const pa = padata?.find((p) => p.padataType === PaDataType.PA_FX_FAST);
  if (pa === undefined) return undefined;
  const { encFastRep } = PAFxFastReply.decode(pa.padataValue);
  const plain = decrypt(state.armorKey, KeyUsage.FAST_REP, encFastRep.cipher, { allowWeakCrypto: options.allowWeakCrypto === true });
  const r = KrbFastResponse.decode(plain);
  if (r.nonce >>> 0 !== nonce >>> 0) {
    throw new ProtocolError(`nonce modified in FAST response (${r.nonce >>> 0}, the request's ${nonce >>> 0}): KDC response modified`, { code: 'ERR_FAST_NONCE' });
  }
  return r;
}

/** A KRB-ERROR with the FAST padata that came with it. */
export interface FastError {
  /** The KDC's real error (PA-FX-ERROR). */
  error: KRBError;
  /** The KrbFastResponse's padata: the error's METHOD-DATA (ETYPE-INFO2, PA-FX-COOKIE, …). */
  padata: PAData[];
}

/**
 * MIT's krb5int_fast_process_error: with FAST in use, the KRB-ERROR's e-data holds a PA-FX-FAST
 * whose KrbFastResponse has the real error in PA-FX-ERROR and the padata to go on with. An error
 * without a readable FAST reply (a KDC that does not do FAST, or an error from before FAST) is
 * `undefined` and stands as it is, as MIT treats it (also one whose nonce is not the request's). A FAST reply without PA-FX-ERROR is a
 * `ProtocolError` (MIT: "Expecting FX_ERROR pa-data inside FAST container").
 */
export function unwrapFastError(state: FastState, err: KRBError, nonce: number, options: { allowWeakCrypto?: boolean } = {}): FastError | undefined {
  let fast: KrbFastResponse | undefined;
  try {
    const methods = err.eData !== undefined && err.eData.length > 0 ? decodeMethodData(err.eData) : [];
    fast = openFastResponse(state, methods, nonce, options);
  } catch (e) {
    // MIT: any failure to read the FAST reply (not decodable, not our armor key, another nonce)
    // leaves the error as the KDC's plain one.
    if (e instanceof DecodeError || e instanceof IntegrityError || (e instanceof ProtocolError && e.code === 'ERR_FAST_NONCE')) return undefined;
    throw e;
  }
  if (fast === undefined) return undefined;
  const fx = fast.padata.find((p) => p.padataType === PaDataType.PA_FX_ERROR);
  if (fx === undefined) {
    throw new ProtocolError('Expecting FX_ERROR pa-data inside FAST container', { code: 'ERR_FAST_NO_FX_ERROR' });
  }
  return { error: KRBError.decode(fx.padataValue), padata: fast.padata };
}

/** What an armored KDC-REP's FAST part gave. */
export interface FastReply {
  /** The padata that replace the outer ones. */
  padata: PAData[];
  strengthenKey?: Key;
  finished: KrbFastFinished;
}

/**
 * MIT's krb5int_fast_process_response: the KrbFastResponse of an armored AS-REP or TGS-REP, which
 * must have `finished` with a checksum over the reply's Ticket (armor key, usage 53, compared in
 * constant time). `undefined` when the reply has no PA-FX-FAST (a TGS reply from a KDC without
 * FAST; the AS caller refuses that). A missing or wrong `finished` is a `ProtocolError`.
 */
export function processFastReply(state: FastState, rep: KDCRep, nonce: number, options: { allowWeakCrypto?: boolean } = {}): FastReply | undefined {
  const r = openFastResponse(state, rep.padata, nonce, options);
  if (r === undefined) return undefined;
  if (r.finished === undefined) {
    throw new ProtocolError('FAST response missing finish message in KDC reply', { code: 'ERR_FAST_NO_FINISHED' });
  }
  const c = r.finished.ticketChecksum;
  let ok = false;
  try {
    ok = verifyChecksum(state.armorKey, KeyUsage.FAST_FINISHED, Ticket.encode(rep.ticket), c.checksum, c.cksumtype, { allowWeakCrypto: options.allowWeakCrypto === true });
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
  }
  if (!ok) throw new ProtocolError('Ticket modified in KDC reply: the FAST ticket checksum does not verify', { code: 'ERR_FAST_TICKET_CHECKSUM' });
  return {
    padata: r.padata,
    ...(r.strengthenKey ? { strengthenKey: secretKey(r.strengthenKey.keytype, r.strengthenKey.keyvalue) } : {}),
    finished: r.finished,
  };
}

/** The reply key after FAST (MIT krb5int_fast_reply_key): KRB-FX-CF2(strengthen-key, "strengthenkey", reply key, "replykey"), or the reply key when none was sent. */
export function strengthenReplyKey(strengthenKey: Key | undefined, replyKey: Key, options: { allowWeakCrypto?: boolean } = {}): Key {
  if (strengthenKey === undefined) return replyKey;
  return cf2(strengthenKey, 'strengthenkey', replyKey, 'replykey', { allowWeakCrypto: options.allowWeakCrypto === true });
}

/**
 * PA-ENCRYPTED-CHALLENGE (RFC 6113 §5.4.6) from the client: a PA-ENC-TS-ENC of `time` encrypted
 * (usage 54) in KRB-FX-CF2(armor key, "clientchallengearmor", client key, "challengelongterm").
 */
export function encryptedChallenge(state: FastState, clientKey: Key, time: Date, usec: number, options: { allowWeakCrypto?: boolean } = {}): PAData {
  const cryptoOpts = { allowWeakCrypto: options.allowWeakCrypto === true };
  const key = cf2(state.armorKey, 'clientchallengearmor', clientKey, 'challengelongterm', cryptoOpts);
  const ts = PAEncTsEnc.encode({ patimestamp: time, pausec: usec });
  const cipher = encrypt(key, KeyUsage.ENC_CHALLENGE_CLIENT, ts, cryptoOpts);
  wipe(key.value);
  return { padataType: PaDataType.PA_ENCRYPTED_CHALLENGE, padataValue: EncryptedData.encode({ etype: key.etype, cipher }) };
}

/**
 * The KDC's PA-ENCRYPTED-CHALLENGE in an armored AS-REP (usage 55, KRB-FX-CF2(armor key,
 * "kdcchallengearmor", client key, "challengelongterm")) must decrypt, as MIT's client requires
 * (it does not check the time either); `false` when the reply has none. A KDC challenge that does
 * not decrypt is a `ProtocolError`.
 */
export function checkKdcChallenge(state: FastState, clientKey: Key, padata: readonly PAData[], options: { allowWeakCrypto?: boolean } = {}): boolean {
  const pa = padata.find((p) => p.padataType === PaDataType.PA_ENCRYPTED_CHALLENGE);
  if (pa === undefined || pa.padataValue.length === 0) return false;
  const cryptoOpts = { allowWeakCrypto: options.allowWeakCrypto === true };
  const key = cf2(state.armorKey, 'kdcchallengearmor', clientKey, 'challengelongterm', cryptoOpts);
  try {
    PAEncTsEnc.decode(decrypt(key, KeyUsage.ENC_CHALLENGE_KDC, EncryptedData.decode(pa.padataValue).cipher, cryptoOpts));
    return true;
  } catch (e) {
    if (!(e instanceof IntegrityError) && !(e instanceof DecodeError)) throw e;
    throw new ProtocolError("the KDC's encrypted challenge in the AS-REP does not decrypt: the reply is not from a KDC that knows the client's key", {
      code: 'ERR_FAST_KDC_CHALLENGE',
      cause: e,
    });
  } finally {
    wipe(key.value);
  }
}

/** Whether a METHOD-DATA or FAST padata offers FAST (PA-FX-FAST). */
export function offersFast(padata: readonly PAData[]): boolean {
  return padata.some((p) => p.padataType === PaDataType.PA_FX_FAST);
}
