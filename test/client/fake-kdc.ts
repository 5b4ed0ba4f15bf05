/**
 * A scripted KDC for the client unit tests: the test decides every field of every reply; these
 * helpers only encode and encrypt what they are given (with our codecs and crypto).
 */
import { checksum, decrypt, encrypt, stringToKey, type Key } from '../../src/crypto/index.js';
import type { CcacheCredential } from '../../src/formats/index.js';
import {
  APReq,
  ASReq,
  Authenticator,
  EncASRepPart,
  EncTGSRepPart,
  KDCReqBody,
  KRBError,
  TGSRep,
  ASRep,
  TGSReq,
  Ticket,
  type EncKDCRepPart,
  type KDCReq,
  type PAData,
  type PrincipalName,
} from '../../src/messages/index.js';
import type { Transport } from '../../src/client/index.js';

export const T0 = new Date('2030-01-02T03:04:05Z');

export interface Sent {
  realm: string;
  bytes: Uint8Array;
}

/** A transport that answers each request with the next scripted function's bytes. */
export function scripted(...steps: ((realm: string, req: Uint8Array) => Uint8Array)[]): Transport & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    async send(realm, bytes) {
      sent.push({ realm, bytes });
      const step = steps.shift();
      if (!step) throw new Error(`unexpected request #${sent.length} to ${realm}`);
      return step(realm, bytes);
    },
  };
}

export const name = (...c: string[]): PrincipalName => ({ nameType: 1, nameString: c });
export const krbtgt = (r: string): PrincipalName => ({ nameType: 2, nameString: ['krbtgt', r] });

export function krbError(errorCode: number, f: { realm?: string; crealm?: string; cname?: PrincipalName; eText?: string; eData?: Uint8Array; stime?: Date } = {}): Uint8Array {
  return KRBError.encode({
    pvno: 5,
    msgType: 30,
    stime: f.stime ?? T0,
    susec: 0,
    errorCode,
    ...(f.crealm !== undefined ? { crealm: f.crealm } : {}),
    ...(f.cname ? { cname: f.cname } : {}),
    realm: f.realm ?? 'EXAMPLE.COM',
    sname: krbtgt(f.realm ?? 'EXAMPLE.COM'),
    ...(f.eText !== undefined ? { eText: f.eText } : {}),
    ...(f.eData ? { eData: f.eData } : {}),
  });
}

/** An opaque ticket (its enc-part is never opened by a client). */
export function ticket(realm: string, sname: PrincipalName, etype = 18): Ticket {
  return { tktVno: 5, realm, sname, encPart: { etype, kvno: 1, cipher: new Uint8Array(40).fill(7) } };
}

export interface RepFields {
  crealm: string;
  cname: PrincipalName;
  ticketRealm?: string;
  ticketSname?: PrincipalName;
  padata?: PAData[];
  /** The enc-part's etype and kvno on the wire (default the key's etype). */
  encEtype?: number;
  encKvno?: number;
  part: EncKDCRepPart;
}

export function asRep(key: Key, f: RepFields, usage = 3, tag: 25 | 26 = 25): Uint8Array {
  const plain = (tag === 25 ? EncASRepPart : EncTGSRepPart).encode(f.part);
  return ASRep.encode({
    pvno: 5,
    msgType: 11,
    ...(f.padata ? { padata: f.padata } : {}),
    crealm: f.crealm,
    cname: f.cname,
    ticket: ticket(f.ticketRealm ?? f.part.srealm, f.ticketSname ?? f.part.sname),
    encPart: { etype: f.encEtype ?? key.etype, ...(f.encKvno !== undefined ? { kvno: f.encKvno } : {}), cipher: encrypt(key, usage, plain, { allowWeakCrypto: true }) },
  });
}

export function tgsRep(key: Key, usage: number, f: RepFields): Uint8Array {
  return TGSRep.encode({
    pvno: 5,
    msgType: 13,
    crealm: f.crealm,
    cname: f.cname,
    ticket: ticket(f.ticketRealm ?? f.part.srealm, f.ticketSname ?? f.part.sname),
    encPart: { etype: key.etype, cipher: encrypt(key, usage, EncTGSRepPart.encode(f.part), { allowWeakCrypto: true }) },
  });
}

export function part(p: Partial<EncKDCRepPart> & { nonce: number; srealm: string; sname: PrincipalName; key: { keytype: number; keyvalue: Uint8Array } }): EncKDCRepPart {
  return {
    lastReq: [],
    // forwardable, renewable, initial, pre-authent; not enc-pa-rep (bit 15), which promises the
    // PA-REQ-ENC-PA-REP checksum of RFC 6806 §11 this scripted KDC does not make.
    flags: 0x40e00000,
    authtime: T0,
    starttime: T0,
    endtime: new Date(T0.getTime() + 36000_000),
    ...p,
  };
}

export function decodeAsReq(bytes: Uint8Array): KDCReq {
  return ASReq.decode(bytes);
}

/**
 * Opens a TGS-REQ as a KDC would, with the TGT session key the test chose: the authenticator
 * (usage 7), its checksum over the body bytes (usage 6), the subkey.
 */
export function openTgsReq(bytes: Uint8Array, sessionKey: Key) {
  const req = TGSReq.decode(bytes);
  const pa = req.padata?.find((p) => p.padataType === 1);
  if (!pa) throw new Error('no PA-TGS-REQ');
  const ap = APReq.decode(pa.padataValue);
  const auth = Authenticator.decode(decrypt(sessionKey, 7, ap.authenticator.cipher, { allowWeakCrypto: true }));
  const body = KDCReqBody.encode(req.reqBody);
  const expected = checksum(sessionKey, 6, body, auth.cksum!.cksumtype, { allowWeakCrypto: true });
  const cksumOk = auth.cksum !== undefined && Buffer.from(expected).equals(Buffer.from(auth.cksum.checksum));
  return { req, ap, auth, cksumOk };
}

export const KEY18: Key = { etype: 18, value: new Uint8Array(32).map((_, i) => i + 1) };
export const KEY17: Key = { etype: 17, value: new Uint8Array(16).map((_, i) => 100 + i) };

/** A TGT credential made from test values only. */
export function tgtCred(realm: string, client = name('alice'), clientRealm = realm, forRealm = realm, key: Key = KEY18): CcacheCredential {
  return {
    client: { nameType: client.nameType, realm: clientRealm, components: client.nameString },
    server: { nameType: 2, realm, components: ['krbtgt', forRealm] },
    key: { etype: key.etype, value: key.value },
    authtime: T0,
    starttime: T0,
    endtime: new Date(T0.getTime() + 36000_000),
    renewTill: new Date(T0.getTime() + 72000_000),
    isSkey: false,
    flags: 0x40e10000,
    addresses: [],
    authdata: [],
    ticket: Ticket.encode(ticket(realm, krbtgt(forRealm))),
    secondTicket: new Uint8Array(0),
  };
}

export { stringToKey };
