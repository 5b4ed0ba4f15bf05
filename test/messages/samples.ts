/**
 * Realistic sample messages (a Kerberos exchange with AES enctypes, PAC request, PA-TGS-REQ,
 * S4U2Self, a delegated KRB-CRED, errors), built from plain values, for the tshark check and
 * the benchmark. Ciphertexts are random-looking bytes of realistic sizes: the messages layer
 * never encrypts.
 */
import * as M from '../../src/messages/index.js';

/** Deterministic filler bytes (xorshift), so that runs are reproducible. */
export function filler(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const REALM = 'EXAMPLE.COM';
const NOW = new Date('2024-05-06T07:08:09Z');
const LATER = new Date('2024-05-06T17:08:09Z');
const RENEW = new Date('2024-05-13T07:08:09Z');
const alice: M.PrincipalName = { nameType: 1, nameString: ['alice'] };
const krbtgt: M.PrincipalName = { nameType: 2, nameString: ['krbtgt', REALM] };
const http: M.PrincipalName = { nameType: 3, nameString: ['HTTP', 'www.example.com'] };
const AES256 = 18;

/** A ticket whose enc-part cipher is `cipherLength` bytes (~1 KB with a PAC). */
export function ticket(sname: M.PrincipalName = http, cipherLength = 1024, seed = 2): M.Ticket {
  return { tktVno: 5, realm: REALM, sname, encPart: { etype: AES256, kvno: 3, cipher: filler(cipherLength, seed) } };
}

export function apReq(cipherLength = 1024): M.APReq {
  return {
    pvno: 5,
    msgType: 14,
    apOptions: 0x20000000, // mutual-required
    ticket: ticket(http, cipherLength),
    authenticator: { etype: AES256, cipher: filler(cipherLength > 400 ? 400 : 180, 3) },
  };
}

export function asReq(): M.ASReq {
  return {
    pvno: 5,
    msgType: 10,
    padata: [
      { padataType: 2, padataValue: M.EncryptedData.encode({ etype: AES256, cipher: filler(56, 4) }) },
      { padataType: 128, padataValue: M.PAPacRequest.encode({ includePac: true }) },
    ],
    reqBody: {
      kdcOptions: 0x40810010, // forwardable, renewable, canonicalize, renewable-ok
      cname: alice,
      realm: REALM,
      sname: krbtgt,
      till: LATER,
      rtime: RENEW,
      nonce: 0x9e3779b9,
      etype: [18, 17, 20, 19],
      addresses: [{ addrType: 2, address: Uint8Array.of(192, 0, 2, 10) }],
    },
  };
}

export function preauthRequired(): M.KRBError {
  return {
    pvno: 5,
    msgType: 30,
    stime: NOW,
    susec: 424242,
    errorCode: 25, // KDC_ERR_PREAUTH_REQUIRED
    realm: REALM,
    sname: krbtgt,
    eText: 'Additional pre-authentication required',
    eData: M.MethodData.encode([
      {
        padataType: 19,
        padataValue: M.ETypeInfo2.encode([
          { etype: 18, salt: 'EXAMPLE.COMalice' },
          { etype: 17, salt: 'EXAMPLE.COMalice', s2kparams: Uint8Array.of(0, 0, 0x10, 0) },
        ]),
      },
      { padataType: 2, padataValue: new Uint8Array(0) },
      { padataType: 133, padataValue: filler(12, 5) },
    ]),
  };
}

export function krbError(): M.KRBError {
  return {
    pvno: 5,
    msgType: 30,
    ctime: NOW,
    cusec: 1234,
    stime: NOW,
    susec: 5678,
    errorCode: 7, // KDC_ERR_S_PRINCIPAL_UNKNOWN
    crealm: REALM,
    cname: alice,
    realm: REALM,
    sname: { nameType: 3, nameString: ['HTTP', 'nowhere.example.com'] },
    eText: 'Server not found in Kerberos database',
  };
}

export function asRep(cipherLength = 1024): M.ASRep {
  return {
    pvno: 5,
    msgType: 11,
    padata: [{ padataType: 19, padataValue: M.ETypeInfo2.encode([{ etype: 18, salt: 'EXAMPLE.COMalice' }]) }],
    crealm: REALM,
    cname: alice,
    ticket: ticket(krbtgt, cipherLength, 6),
    encPart: { etype: AES256, kvno: 1, cipher: filler(260, 7) },
  };
}

export function tgsReq(): M.TGSReq {
  return {
    pvno: 5,
    msgType: 12,
    padata: [
      { padataType: 1, padataValue: M.APReq.encode({ ...apReq(), apOptions: 0, ticket: ticket(krbtgt, 1024, 8) }) },
      {
        padataType: 129,
        padataValue: M.PAForUser.encode({
          userName: { nameType: 10, nameString: ['bob@example.com'] },
          userRealm: REALM,
          cksum: { cksumtype: -138, checksum: filler(16, 9) },
          authPackage: 'Kerberos',
        }),
      },
      { padataType: 167, padataValue: M.PAPacOptions.encode({ flags: 0x10000000 }) },
    ],
    reqBody: { kdcOptions: 0x40810000, realm: REALM, sname: http, till: LATER, nonce: 12345678, etype: [18, 17] },
  };
}

export function tgsRep(): M.TGSRep {
  return { ...asRep(), msgType: 13, padata: undefined };
}

export function apRep(): M.APRep {
  return { pvno: 5, msgType: 15, encPart: { etype: AES256, cipher: filler(100, 10) } };
}

export function krbCred(): M.KRBCred {
  const plain = M.EncKrbCredPart.encode({
    ticketInfo: [
      { key: { keytype: AES256, keyvalue: filler(32, 11) }, prealm: REALM, pname: alice, flags: 0x40e10000, authtime: NOW, endtime: LATER, srealm: REALM, sname: krbtgt },
    ],
  });
  // GSS-API delegation often sends the enc-part with etype 0 (the plaintext itself).
  return { pvno: 5, msgType: 22, tickets: [ticket(krbtgt, 1024, 12)], encPart: { etype: 0, cipher: plain } };
}

export function krbSafe(): M.KRBSafe {
  return {
    pvno: 5,
    msgType: 20,
    safeBody: { userData: filler(20, 13), timestamp: NOW, usec: 99, seqNumber: 7, sAddress: { addrType: 2, address: Uint8Array.of(192, 0, 2, 10) } },
    cksum: { cksumtype: 16, checksum: filler(12, 14) },
  };
}

export function krbPriv(): M.KRBPriv {
  return { pvno: 5, msgType: 21, encPart: { etype: AES256, cipher: filler(80, 15) } };
}

export function encTicketPart(): M.EncTicketPart {
  return {
    flags: 0x40e10000, // forwardable, renewable, initial, pre-authent
    key: { keytype: AES256, keyvalue: filler(32, 16) },
    crealm: REALM,
    cname: alice,
    transited: { trType: 1, contents: new Uint8Array(0) },
    authtime: NOW,
    starttime: NOW,
    endtime: LATER,
    renewTill: RENEW,
    caddr: [{ addrType: 2, address: Uint8Array.of(192, 0, 2, 10) }],
    authorizationData: [
      // AD-IF-RELEVANT { AD-ETYPE-NEGOTIATION (RFC 4537): SEQUENCE OF Int32 }
      { adType: 1, adData: M.ADIfRelevant.encode([{ adType: 129, adData: Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x12, 0x02, 0x01, 0x11) }]) },
    ],
  };
}

export function encKdcRepPart(applicationTag: 25 | 26): M.EncKDCRepPart {
  return {
    key: { keytype: AES256, keyvalue: filler(32, 17) },
    lastReq: [{ lrType: 0, lrValue: NOW }],
    nonce: 0x9e3779b9,
    keyExpiration: RENEW,
    flags: 0x40e10000,
    authtime: NOW,
    starttime: NOW,
    endtime: LATER,
    renewTill: RENEW,
    srealm: REALM,
    sname: krbtgt,
    encryptedPaData: [{ padataType: 165, padataValue: Uint8Array.of(0x1f, 0, 0, 0) }],
    applicationTag,
  };
}

export function encApRepPart(): M.EncAPRepPart {
  return { ctime: NOW, cusec: 654321, subkey: { keytype: AES256, keyvalue: filler(32, 18) }, seqNumber: 0x12345678 };
}

export function encKrbCredPart(): M.EncKrbCredPart {
  return M.EncKrbCredPart.decode(krbCred().encPart.cipher);
}

/**
 * A plaintext Authenticator whose checksum is the RFC 4121 §4.1.1 GSS-API checksum (type
 * 0x8003) with GSS_C_DELEG_FLAG and the KRB-CRED of {@link krbCred} as the delegation.
 */
export function authenticatorWithDelegation(): M.Authenticator {
  const cred = M.KRBCred.encode(krbCred());
  const c = new Uint8Array(28 + cred.length);
  const dv = new DataView(c.buffer);
  dv.setUint32(0, 16, true); // Lgth
  // Bnd: 16 zero bytes (no channel bindings)
  dv.setUint32(20, 0x1 | 0x2 | 0x20 | 0x10, true); // deleg, mutual, integ, conf
  dv.setUint16(24, 1, true); // DlgOpt
  dv.setUint16(26, cred.length, true); // Dlgth
  c.set(cred, 28);
  return {
    authenticatorVno: 5,
    crealm: REALM,
    cname: alice,
    cksum: { cksumtype: 0x8003, checksum: c },
    cusec: 42,
    ctime: NOW,
    subkey: { keytype: AES256, keyvalue: filler(32, 19) },
    seqNumber: 987654321,
  };
}
