/**
 * FAST (RFC 6113) on the KDC's side, as MIT's krb5kdc does it (fast_util.c, the encrypted
 * challenge module): the armored request opened with the armor key, the encrypted challenge
 * checked and answered, the reply key strengthened, the reply's KrbFastResponse with its
 * `finished` (a checksum over the ticket), and an error carried inside the armor (PA-FX-ERROR).
 * Sans-I/O helpers; `kdc.ts` finds the armor key (explicit AP-REQ armor for AS, the PA-TGS-REQ's
 * subkey and TGT session key for TGS) and calls these.
 * @module
 */
import { cf2, checksum, decrypt, encrypt, mandatoryChecksumType, randomKey, verifyChecksum, type Key } from '../crypto/index.js';
import { KerberosError } from '../errors.js';
import { ErrorCode, KeyUsage, PaDataType } from '../iana/index.js';
import {
  EncryptedData,
  KrbFastReq,
  KrbFastResponse,
  MethodData,
  PAEncTsEnc,
  PAFxFastReply,
  PAFxFastRequest,
  Ticket,
  type KrbFastArmoredReq,
  type KrbFastReq as KrbFastReqT,
  type PAData,
  type PrincipalName,
  type Ticket as TicketT,
} from '../messages/index.js';
import { utf8 } from '../util/bytes.js';

/** FastOptions' critical bits (0–15, RFC 6113 §5.4.1) a KDC must understand; hide-client-names (bit 1) is the only one defined. */
const CRITICAL = 0xffff0000;
const HIDE_CLIENT_NAMES = 0x40000000;
/** The PA-FX-COOKIE the KDC sends with a FAST error (opaque to the client, which echoes it). */
const COOKIE = utf8('tskrb5');

/** A refusal of the armored request: the KRB-ERROR code and the log's reason. */
export class FastRefusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The armor key from an armor subkey and the armor ticket's session key (RFC 6113 §5.4.1.1). */
export function armorKeyOf(subkey: Key, ticketSessionKey: Key): Key {
  return cf2(subkey, 'subkeyarmor', ticketSessionKey, 'ticketarmor');
}

/** The PA-FX-FAST of a request, decoded, or `undefined` when there is none. */
export function findFastRequest(padata: readonly PAData[] | undefined): KrbFastArmoredReq | undefined {
  const pa = padata?.find((p) => p.padataType === PaDataType.PA_FX_FAST);
  if (!pa) return undefined;
  try {
    return PAFxFastRequest.decode(pa.padataValue);
  } catch (e) {
    if (e instanceof KerberosError) throw new FastRefusal(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PA-FX-FAST does not decode');
    throw e;
  }
}

/**
 * MIT's kdc_find_fast after the armor key: the request checksum (usage 50, over the outer
 * KDC-REQ-BODY for AS, the PA-TGS-REQ's AP-REQ for TGS), the KrbFastReq decrypted (usage 51),
 * its critical options understood.
 */
export function openFastRequest(armorKey: Key, armored: KrbFastArmoredReq, checksummed: Uint8Array): KrbFastReqT {
  let ok = false;
  try {
    ok = verifyChecksum(armorKey, KeyUsage.FAST_REQ_CHKSUM, checksummed, armored.reqChecksum.checksum, armored.reqChecksum.cksumtype);
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
  }
  if (!ok) throw new FastRefusal(ErrorCode.KRB_AP_ERR_MODIFIED, 'the FAST request checksum does not verify');
  let inner: KrbFastReqT;
  try {
    inner = KrbFastReq.decode(decrypt(armorKey, KeyUsage.FAST_ENC, armored.encFastReq.cipher));
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    throw new FastRefusal(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, 'the armored request does not decrypt with the armor key');
  }
  if (((inner.fastOptions >>> 0) & CRITICAL & ~HIDE_CLIENT_NAMES) !== 0) {
    throw new FastRefusal(ErrorCode.KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS, `unknown critical FAST options 0x${(inner.fastOptions >>> 0).toString(16)}`);
  }
  return inner;
}

/** PA-ENCRYPTED-CHALLENGE from the client (usage 54): the time it holds, ms; throws a FastRefusal when it does not decrypt. */
export function clientChallengeTime(armorKey: Key, clientKey: Key, padataValue: Uint8Array): number {
  const key = cf2(armorKey, 'clientchallengearmor', clientKey, 'challengelongterm');
  try {
    const t = PAEncTsEnc.decode(decrypt(key, KeyUsage.ENC_CHALLENGE_CLIENT, EncryptedData.decode(padataValue).cipher));
    return t.patimestamp.getTime() + Math.floor((t.pausec ?? 0) / 1000);
  } catch (e) {
    if (!(e instanceof KerberosError)) throw e;
    throw new FastRefusal(ErrorCode.KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED (the encrypted challenge does not decrypt)');
  }
}

/** The KDC's PA-ENCRYPTED-CHALLENGE for the reply (usage 55): the KDC's time, under the KDC challenge key. */
export function kdcChallenge(armorKey: Key, clientKey: Key, nowMs: number): PAData {
  const key = cf2(armorKey, 'kdcchallengearmor', clientKey, 'challengelongterm');
  const ts = PAEncTsEnc.encode({ patimestamp: new Date(Math.floor(nowMs / 1000) * 1000), pausec: (nowMs % 1000) * 1000 });
  return { padataType: PaDataType.PA_ENCRYPTED_CHALLENGE, padataValue: EncryptedData.encode({ etype: key.etype, cipher: encrypt(key, KeyUsage.ENC_CHALLENGE_KDC, ts) }) };
}

/** A strengthen key of the reply key's enctype, and the reply key it makes (KRB-FX-CF2(strengthen, "strengthenkey", reply, "replykey")). */
export function strengthen(replyKey: Key): { strengthenKey: Key; replyKey: Key } {
  const strengthenKey = randomKey(replyKey.etype);
  return { strengthenKey, replyKey: cf2(strengthenKey, 'strengthenkey', replyKey, 'replykey') };
}

/** The reply's PA-FX-FAST: the KrbFastResponse (padata, strengthen key, finished over the ticket) under the armor key, usage 52. */
export function fastReplyPadata(
  armorKey: Key,
  o: { padata: PAData[]; strengthenKey: Key; nonce: number; nowMs: number; crealm: string; cname: PrincipalName; ticket: TicketT },
): PAData {
  const ticketChecksum = { cksumtype: mandatoryChecksumType(armorKey.etype), checksum: checksum(armorKey, KeyUsage.FAST_FINISHED, Ticket.encode(o.ticket)) };
  const response = KrbFastResponse.encode({
    padata: o.padata,
    strengthenKey: { keytype: o.strengthenKey.etype, keyvalue: o.strengthenKey.value },
    finished: {
      timestamp: new Date(Math.floor(o.nowMs / 1000) * 1000),
      usec: (o.nowMs % 1000) * 1000,
      crealm: o.crealm,
      cname: o.cname,
      ticketChecksum,
    },
    nonce: o.nonce >>> 0,
  });
  return {
    padataType: PaDataType.PA_FX_FAST,
    padataValue: PAFxFastReply.encode({ encFastRep: { etype: armorKey.etype, cipher: encrypt(armorKey, KeyUsage.FAST_REP, response) } }),
  };
}

/**
 * MIT's kdc_fast_handle_error: the e-data of the outer KRB-ERROR — a PA-FX-FAST whose
 * KrbFastResponse holds the error itself (PA-FX-ERROR, without its e-data) and the error's
 * METHOD-DATA (the hints to go on with).
 */
export function fastErrorEData(armorKey: Key, nonce: number, errorWithoutEData: Uint8Array, methodData: readonly PAData[]): Uint8Array {
  // a PA-FX-COOKIE too: MIT's client goes on after a FAST error only when one came (its echo is not checked here)
  const padata: PAData[] = [{ padataType: PaDataType.PA_FX_ERROR, padataValue: errorWithoutEData }, ...methodData];
  if (!methodData.some((p) => p.padataType === PaDataType.PA_FX_COOKIE)) padata.push({ padataType: PaDataType.PA_FX_COOKIE, padataValue: COOKIE });
  const response = KrbFastResponse.encode({ padata, nonce: nonce >>> 0 });
  return MethodData.encode([
    { padataType: PaDataType.PA_FX_FAST, padataValue: PAFxFastReply.encode({ encFastRep: { etype: armorKey.etype, cipher: encrypt(armorKey, KeyUsage.FAST_REP, response) } }) },
  ]);
}
