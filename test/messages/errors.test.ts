/**
 * DecodeError paths read as RFC 4120 writes the fields (AP-REQ.ticket.enc-part.cipher), and the
 * KRB-ERROR e-data helpers.
 */
import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/mit/asn1-reference-encode.json' with { type: 'json' };
import * as M from '../../src/messages/index.js';
import { DecodeError } from '../../src/errors.js';
import { expectDecodeError, hex, toHex } from '../asn1/helpers.js';

function vector(name: string): Uint8Array {
  const v = vectors.vectors.find((x) => x.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return hex(v.hex);
}

/** Offset of the `n`th occurrence (0-based) of a hex pattern. */
function find(b: Uint8Array, pattern: string, n = 0): number {
  const h = toHex(b);
  let at = -2;
  for (let i = 0; i <= n; i++) {
    at = h.indexOf(pattern.replace(/\s+/g, ''), at + 2);
    if (at < 0) throw new Error(`pattern ${pattern} #${n} not found`);
    if (at % 2) i--; // only byte-aligned matches count
  }
  return at / 2;
}

describe('DecodeError paths name the RFC 4120 fields', () => {
  it('AP-REQ.ticket.enc-part.cipher', () => {
    const b = vector('encode_krb5_ap_req');
    const at = find(b, 'a2 17 04 15') + 2; // the ticket's cipher OCTET STRING (the first one)
    b[at] = 0x05;
    expectDecodeError(() => M.APReq.decode(b), { path: 'AP-REQ.ticket.enc-part.cipher', offset: at, message: /expected OCTET STRING, found NULL/ });
    // and the same path when the AP-REQ is found by decodeKerberosMessage
    expectDecodeError(() => M.decodeKerberosMessage(b), { path: 'AP-REQ.ticket.enc-part.cipher', offset: at });
  });

  it('TGS-REQ.req-body.additional-tickets[1].sname.name-string[0]', () => {
    const b = vector('encode_krb5_tgs_req');
    const at = find(b, '1b 06 68 66 74 73 61 69', 3); // "hftsai": cname, sname, then one per additional ticket
    b[at] = 0x04;
    expectDecodeError(() => M.TGSReq.decode(b), { path: 'TGS-REQ.req-body.additional-tickets[1].sname.name-string[0]', offset: at });
  });

  it('AS-REQ.padata[1].padata-type and AS-REP.enc-part.kvno', () => {
    const req = vector('encode_krb5_as_req');
    const second = find(req, '30 10 a1 03 02 01 0d', 1);
    req[second + 4] = 0x04;
    expectDecodeError(() => M.ASReq.decode(req), { path: 'AS-REQ.padata[1].padata-type', offset: second + 4 });
    const rep = vector('encode_krb5_as_rep');
    const kvno = find(rep, 'a6 25 30 23 a0 03 02 01 00 a1 03') + 11; // enc-part [6] … kvno INTEGER
    rep[kvno] = 0x04;
    expectDecodeError(() => M.ASRep.decode(rep), { path: 'AS-REP.enc-part.kvno', offset: kvno });
  });

  it('KRB-ERROR.e-text, EncKDCRepPart.last-req[1].lr-value, KRB-CRED.tickets[0].realm', () => {
    const err = vector('encode_krb5_error');
    const eText = find(err, 'ab 0a 1b 08') + 2;
    err[eText] = 0x0c;
    expectDecodeError(() => M.KRBError.decode(err), { path: 'KRB-ERROR.e-text' });
    const part = vector('encode_krb5_enc_kdc_rep_part');
    const lr = find(part, '18 0f 31 39 39 34', 1); // the second lr-value
    part.set(hex('31 33'), lr + 6); // month 06 -> 13
    expectDecodeError(() => M.EncKDCRepPart.decode(part), { path: 'EncKDCRepPart.last-req[1].lr-value', offset: lr + 6, message: /month 13 out of range/ });
    const cred = vector('encode_krb5_cred');
    const realm = find(cred, '1b 0e 41 54 48 45 4e 41');
    cred[realm] = 0x04;
    expectDecodeError(() => M.KRBCred.decode(cred), { path: 'KRB-CRED.tickets[0].realm', offset: realm });
  });

  it('Microseconds out of range is a DecodeError at its field', () => {
    // EncAPRepPart with cusec 1000000 (02 03 0f 42 40)
    const b = vector('encode_krb5_ap_rep_enc_part(optionals NULL)');
    const at = find(b, '02 03 01 e2 40');
    b.set(hex('0f 42 40'), at + 2);
    expectDecodeError(() => M.EncAPRepPart.decode(b), { path: 'EncAPRepPart.cusec', offset: at + 2, message: /Microseconds 1000000 outside 0..999999/ });
    expect(() => M.EncAPRepPart.encode({ ctime: new Date(0), cusec: 1_000_000 })).toThrow(RangeError);
  });

  it('a message of the wrong type names the expected tag', () => {
    expectDecodeError(() => M.APReq.decode(vector('encode_krb5_ap_rep')), { path: 'AP-REQ', offset: 0, message: /expected \[APPLICATION 14\], found \[APPLICATION 15\]/ });
    expectDecodeError(() => M.EncKDCRepPart.decode(vector('encode_krb5_ap_rep_enc_part')), {
      path: 'EncKDCRepPart',
      offset: 0,
      message: /\[APPLICATION 25\] or \[APPLICATION 26\]/,
    });
  });

  it('UInt32 fields keep the Int32 form MIT and Heimdal send, and re-encode it byte for byte', () => {
    // AP-REP enc part with seq-number -1 (02 01 ff): the UInt32 0xffffffff in MIT's signed form.
    const b = vector('encode_krb5_ap_rep_enc_part');
    const at = find(b, 'a3 03 02 01 11');
    b[at + 4] = 0xff;
    const v = M.EncAPRepPart.decode(b);
    expect(v.seqNumber).toBe(-1);
    expect(v.seqNumber! >>> 0).toBe(0xffffffff);
    expect(toHex(M.EncAPRepPart.encode(v))).toBe(toHex(b));
    // and the RFC 4120 form of the same number stays in that form
    expect(toHex(M.EncAPRepPart.encode({ ...v, seqNumber: 0xffffffff }))).toContain('a307020500ffffffff');
  });
});

describe('KRB-ERROR e-data', () => {
  const methodData = M.MethodData.encode([
    { padataType: 19, padataValue: M.ETypeInfo2.encode([{ etype: 18, salt: 'EXAMPLE.COMalice' }]) },
    { padataType: 2, padataValue: new Uint8Array(0) },
  ]);
  const typedData = M.TypedData.encode([{ dataType: 107, dataValue: Uint8Array.of(1, 2) }, { dataType: 108 }]);

  it('decodeEData reads METHOD-DATA first', () => {
    const e = M.decodeEData(methodData);
    expect(e.type).toBe('METHOD-DATA');
    if (e.type !== 'METHOD-DATA') return;
    expect(e.value.map((p) => p.padataType)).toEqual([19, 2]);
    expect(M.ETypeInfo2.decode(e.value[0]!.padataValue)).toEqual([{ etype: 18, salt: 'EXAMPLE.COMalice', s2kparams: undefined }]);
    expect(M.decodeMethodData(methodData)).toEqual(e.value);
  });

  it('decodeEData falls back to TYPED-DATA', () => {
    const e = M.decodeEData(typedData);
    expect(e).toEqual({
      type: 'TYPED-DATA',
      value: [
        { dataType: 107, dataValue: Uint8Array.of(1, 2) },
        { dataType: 108, dataValue: undefined },
      ],
    });
    expect(M.decodeTypedData(typedData)).toEqual(e.value);
  });

  it('an empty SEQUENCE is an empty METHOD-DATA; TYPED-DATA needs one element', () => {
    expect(M.decodeEData(hex('30 00'))).toEqual({ type: 'METHOD-DATA', value: [] });
    expectDecodeError(() => M.TypedData.decode(hex('30 00')), { path: 'TYPED-DATA', message: /at least one element/ });
  });

  it('anything else is a DecodeError with the METHOD-DATA failure as its cause', () => {
    const e = expectDecodeError(() => M.decodeEData(hex('04 00')), { path: 'e-data', message: /neither METHOD-DATA nor TYPED-DATA/ });
    expect(e.cause).toBeInstanceOf(DecodeError);
  });

  it('round-trips a KDC_ERR_PREAUTH_REQUIRED with its METHOD-DATA', () => {
    const err = {
      pvno: 5,
      msgType: 30,
      stime: new Date('2024-01-02T03:04:05Z'),
      susec: 7,
      errorCode: 25,
      realm: 'EXAMPLE.COM',
      sname: { nameType: 2, nameString: ['krbtgt', 'EXAMPLE.COM'] },
      eData: methodData,
    };
    const back = M.KRBError.decode(M.KRBError.encode(err));
    expect(back).toEqual(err);
    expect(M.decodeEData(back.eData!).type).toBe('METHOD-DATA');
  });
});

describe('Microsoft padata values', () => {
  it('PA-PAC-REQUEST include-pac TRUE is 30 05 a0 03 01 01 ff', () => {
    expect(toHex(M.PAPacRequest.encode({ includePac: true }))).toBe('3005a0030101ff');
    expect(M.PAPacRequest.decode(hex('3005a003010100'))).toEqual({ includePac: false });
  });

  it('PA-PAC-OPTIONS writes a 32-bit KerberosFlags at [0]', () => {
    expect(toHex(M.PAPacOptions.encode({ flags: 0x10000000 }))).toBe('3009a00703050010000000');
  });

  it('PA-FOR-USER (MS-SFU §2.2.1) names its fields as MS-SFU does', () => {
    const v = {
      userName: { nameType: 10, nameString: ['alice@example.com'] },
      userRealm: 'EXAMPLE.COM',
      cksum: { cksumtype: -138, checksum: new Uint8Array(16) },
      authPackage: 'Kerberos',
    };
    const b = M.PAForUser.encode(v);
    expect(M.PAForUser.decode(b)).toEqual(v);
    const at = find(b, '1b 0b 45 58');
    b[at] = 0x04;
    expectDecodeError(() => M.PAForUser.decode(b), { path: 'PA-FOR-USER.userRealm', offset: at });
  });
});
