/**
 * The embedded KDC's FAST (`fast: true`) in process, for what MIT's client (fast-mit.test.ts)
 * cannot be made to send: an armored AS request whose checksum was changed (KRB_AP_ERR_MODIFIED),
 * FAST without armor in an AS request, armor under a key that is not our krbtgt's, an unknown
 * critical FAST option (KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS), a client challenge under the wrong
 * key (PREAUTH_FAILED, inside the armor); and that a refusal after the armor was opened travels
 * inside it (PA-FX-ERROR, the outer e-data only the PA-FX-FAST). Requests are made with the
 * client's FAST pieces (src/client/fast.ts); the KDC's answers are read by hand.
 */
import { describe, expect, it } from 'vitest';
import { apRequestArmor, armoredPadata, encryptedChallenge, unwrapFastError } from '../../src/client/fast.js';
import { decrypt, randomKey, stringToKey } from '../../src/crypto/index.js';
import { ErrorCode, KeyUsage, PaDataType } from '../../src/iana/index.js';
import { Kdc, KdcDatabase } from '../../src/kdc/index.js';
import type { CcacheCredential } from '../../src/formats/index.js';
import { ASRep, ASReq, EncKDCRepPart, KDCReqBody, KRBError, MethodData, PAFxFastRequest, Ticket, type PAData } from '../../src/messages/index.js';

const R = 'FASTUNIT.TEST';
const db = new KdcDatabase({ realm: R, principals: [{ name: 'alice', password: 'pw' }, { name: 'host/ws' }] });
const kdc = new Kdc(db, { fast: true });
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** host/ws's TGT, as the ccache credential an armor cache holds. */
function armorTgt(): CcacheCredential {
  const ws = db.lookup(['host', 'ws'], R)!;
  const req = ASReq.encode({
    pvno: 5,
    msgType: 10,
    reqBody: {
      kdcOptions: 0,
      cname: { nameType: 1, nameString: ['host', 'ws'] },
      realm: R,
      sname: { nameType: 2, nameString: ['krbtgt', R] },
      till: new Date(Date.now() + 3600e3),
      nonce: 1,
      etype: [18],
    },
  });
  const rep = ASRep.decode(kdc.handle(req).reply!);
  const part = EncKDCRepPart.decode(decrypt(ws.keys[0]!.key, KeyUsage.AS_REP_ENCPART, rep.encPart.cipher));
  return {
    client: { nameType: 1, components: ['host', 'ws'], realm: R },
    server: { nameType: 2, components: ['krbtgt', R], realm: R },
    key: { etype: part.key.keytype, value: part.key.keyvalue },
    authtime: part.authtime,
    starttime: part.starttime,
    endtime: part.endtime,
    renewTill: undefined,
    isSkey: false,
    flags: part.flags,
    addresses: [],
    authdata: [],
    ticket: Ticket.encode(rep.ticket),
    secondTicket: new Uint8Array(0),
  } as unknown as CcacheCredential;
}

const body = (nonce = 77) => ({
  kdcOptions: 0,
  cname: { nameType: 1, nameString: ['alice'] },
  realm: R,
  sname: { nameType: 2, nameString: ['krbtgt', R] },
  till: new Date(Date.now() + 3600e3),
  nonce,
  etype: [18],
});

/** An armored AS-REQ for alice with `inner` padata; `edit` may change the PA-FX-FAST before it is sent. */
function armoredAs(inner: (armorKey: { etype: number; value: Uint8Array }) => PAData[], edit?: (fx: ReturnType<typeof PAFxFastRequest.decode>) => void) {
  const state = apRequestArmor(armorTgt(), new Date(), random);
  const b = body();
  let fx = armoredPadata(state, inner(state.armorKey), b, KDCReqBody.encode(b));
  if (edit) {
    const v = PAFxFastRequest.decode(fx.padataValue);
    edit(v);
    fx = { padataType: PaDataType.PA_FX_FAST, padataValue: PAFxFastRequest.encode(v) };
  }
  const reply = kdc.handle(ASReq.encode({ pvno: 5, msgType: 10, padata: [fx], reqBody: b })).reply!;
  return { reply, state, nonce: b.nonce };
}

const errorOf = (bytes: Uint8Array) => KRBError.decode(bytes);

describe('the embedded KDC: FAST refusals', () => {
  it('a good armored request and challenge: an AS-REP (the control)', () => {
    const alice = stringToKey(18, 'pw', `${R}alice`);
    const { reply } = armoredAs((ak) => [encryptedChallenge({ armorKey: ak }, alice, new Date(), 0)]);
    expect(reply[0]).toBe(0x6b);
  });

  it('the request checksum changed: KRB_AP_ERR_MODIFIED, outside the armor (the armor key is not trusted yet)', () => {
    const { reply } = armoredAs(
      () => [],
      (v) => {
        v.reqChecksum.checksum[0]! ^= 1;
      },
    );
    const e = errorOf(reply);
    expect(e.errorCode).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
    expect(MethodData.decode(e.eData ?? MethodData.encode([])).some((p) => p.padataType === PaDataType.PA_FX_FAST && p.padataValue.length > 0)).toBe(false);
  });

  it('FAST without armor in an AS request, or armor under another key: refused', () => {
    expect(
      errorOf(
        armoredAs(
          () => [],
          (v) => void delete (v as { armor?: unknown }).armor,
        ).reply,
      ).errorCode,
    ).toBe(ErrorCode.KDC_ERR_PREAUTH_FAILED);
    const other = new Kdc(new KdcDatabase({ realm: R, principals: [{ name: 'alice', password: 'pw' }, { name: 'host/ws' }] }), { fast: true });
    const { state } = armoredAs(() => []);
    const b = body();
    const fx = armoredPadata(state, [], b, KDCReqBody.encode(b));
    const e = errorOf(other.handle(ASReq.encode({ pvno: 5, msgType: 10, padata: [fx], reqBody: b })).reply!);
    expect(e.errorCode).toBe(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  });

  it('an unknown critical FAST option: KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS', () => {
    const tgtState = armoredAs(() => []).state;
    const b = body();
    const fx = armoredPadata(tgtState, [], b, KDCReqBody.encode(b), { fastOptions: 0x20000000 });
    expect(errorOf(kdc.handle(ASReq.encode({ pvno: 5, msgType: 10, padata: [fx], reqBody: b })).reply!).errorCode).toBe(ErrorCode.KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS);
  });

  it('a challenge under the wrong key: PREAUTH_FAILED inside the armor (PA-FX-ERROR), the outer e-data only the PA-FX-FAST', () => {
    const wrong = randomKey(18);
    const { reply, state, nonce } = armoredAs((ak) => [encryptedChallenge({ armorKey: ak }, wrong, new Date(), 0)]);
    const outer = errorOf(reply);
    expect(MethodData.decode(outer.eData!).map((p) => p.padataType)).toEqual([PaDataType.PA_FX_FAST]);
    const inner = unwrapFastError(state, outer, nonce)!;
    expect(inner.error.errorCode).toBe(ErrorCode.KDC_ERR_PREAUTH_FAILED);
    expect(inner.padata.map((p) => p.padataType)).toEqual(expect.arrayContaining([PaDataType.PA_FX_ERROR, PaDataType.PA_ETYPE_INFO2, PaDataType.PA_FX_COOKIE]));
    // no PA-ENC-TIMESTAMP offered inside the armor (MIT's encrypted timestamp is not, once there is an armor key)
    expect(inner.padata.some((p) => p.padataType === PaDataType.PA_ENC_TIMESTAMP)).toBe(false);
  });
});
