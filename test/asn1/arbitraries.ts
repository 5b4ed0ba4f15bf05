/** fast-check arbitraries for the test-local Kerberos structures of krb-codecs.ts. */
import fc from 'fast-check';

export const int32Arb = fc.integer({ min: -0x80000000, max: 0x7fffffff });
export const uint32Arb = fc.integer({ min: 0, max: 0xffffffff });
export const strArb = fc.string({ unit: 'grapheme', maxLength: 20 });
export const timeArb = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
export const bytesArb = fc.uint8Array({ maxLength: 300 });
export const principalArb = fc.record({ nameType: int32Arb, nameString: fc.array(strArb, { maxLength: 4 }) });
export const encDataArb = fc.record({ etype: int32Arb, kvno: fc.option(uint32Arb, { nil: undefined }), cipher: bytesArb });
export const ticketArb = fc.record({ tktVno: int32Arb, realm: strArb, sname: principalArb, encPart: encDataArb });
export const apReqArb = fc.record({ pvno: int32Arb, msgType: int32Arb, apOptions: uint32Arb, ticket: ticketArb, authenticator: encDataArb });
export const authenticatorArb = fc.record(
  {
    authenticatorVno: int32Arb,
    crealm: strArb,
    cname: principalArb,
    cksum: fc.record({ cksumtype: int32Arb, checksum: bytesArb }),
    cusec: int32Arb,
    ctime: timeArb,
    subkey: fc.record({ keytype: int32Arb, keyvalue: bytesArb }),
    seqNumber: uint32Arb,
    authorizationData: fc.array(fc.record({ adType: int32Arb, adData: bytesArb }), { maxLength: 3 }),
  },
  { requiredKeys: ['authenticatorVno', 'crealm', 'cname', 'cusec', 'ctime'] },
);
