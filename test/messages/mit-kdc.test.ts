/**
 * Real peer bytes: the AS and TGS exchanges of MIT kinit/kvno (fixtures/mit/kdc-exchanges.json)
 * and of Heimdal kinit/kgetcred (fixtures/mit/kdc-heimdal-client.json) against MIT krb5kdc 1.20. Every message decodes and re-encodes to the same bytes,
 * and so does every encrypted part, opened with the keys recorded beside them (the crypto layer
 * is used here, in the test only: src/messages never decrypts).
 */
import { describe, expect, it } from 'vitest';
import mitData from '../../fixtures/mit/kdc-exchanges.json' with { type: 'json' };
import heimdalData from '../../fixtures/mit/kdc-heimdal-client.json' with { type: 'json' };
import { decrypt } from '../../src/crypto/index.js';
import * as M from '../../src/messages/index.js';
import type { Codec } from '../../src/asn1/index.js';
import { hex, toHex } from '../asn1/helpers.js';

const CODEC: Record<string, Codec<any>> = {
  'AS-REQ': M.ASReq,
  'AS-REP': M.ASRep,
  'TGS-REQ': M.TGSReq,
  'TGS-REP': M.TGSRep,
  'KRB-ERROR': M.KRBError,
};

interface KeyEntry {
  principal: string;
  kvno: number;
  etype: number;
  key: string;
}
const opts = { allowWeakCrypto: true };

function keyOf(entries: KeyEntry[], etype: number) {
  const k = entries.find((e) => e.etype === etype);
  if (!k) throw new Error(`no key of etype ${etype}`);
  return { etype, value: hex(k.key) };
}

/** decode, then encode again: the same bytes. */
function roundTrip<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const v = codec.decode(bytes);
  expect(toHex(codec.encode(v))).toBe(toHex(bytes));
  return v;
}

const KRBTGT = 'krbtgt/TSKRB5.TEST@TSKRB5.TEST';

interface Exchange {
  name: string;
  principal?: string;
  service?: string;
  request: { type: string; hex: string; padataTypes?: string[] };
  response: { type: string; hex: string; padataTypes?: string[]; errorCode?: number };
}
interface Dataset {
  keys: { principals: unknown; services: unknown };
  exchanges: unknown[];
}

for (const [label, dataset] of [
  ['MIT kinit/kvno', mitData],
  ['Heimdal kinit/kgetcred', heimdalData],
] as [string, Dataset][]) {
  const data = { exchanges: dataset.exchanges as Exchange[] };
  const principals = dataset.keys.principals as Record<string, { salt: string; keys: KeyEntry[] }>;
  const services = dataset.keys.services as Record<string, KeyEntry[]>;

  describe(`${label} against MIT krb5kdc 1.20`, () => {
    for (const ex of data.exchanges) {
      it(`${ex.name}: ${ex.request.type} and ${ex.response.type} decode by tag and re-encode byte for byte`, () => {
        for (const m of [ex.request, ex.response]) {
          const bytes = hex(m.hex);
          const msg = M.decodeKerberosMessage(bytes);
          expect(msg.type).toBe(m.type);
          const v = roundTrip(CODEC[m.type]!, bytes);
          expect(msg.value).toEqual(v);
          if (m.padataTypes) {
            expect((v as M.KDCReq).padata?.map((p) => p.padataType)).toEqual(m.padataTypes.map((t: string) => Number(t.split(' ')[0])));
          }
        }
      });
    }

    it('KRB-ERROR PREAUTH_REQUIRED: e-data is METHOD-DATA whose ETYPE-INFO2 has the recorded salt', () => {
      for (const ex of data.exchanges.filter((e) => e.response.type === 'KRB-ERROR' && e.response.errorCode === 25)) {
        const err = roundTrip(M.KRBError, hex(ex.response.hex));
        expect(err.errorCode).toBe(25);
        const eData = M.decodeEData(err.eData!);
        expect(eData.type).toBe('METHOD-DATA');
        const info2 = (eData.value as M.PAData[]).find((p) => p.padataType === 19);
        expect(info2, ex.name).toBeDefined();
        const entries = roundTrip(M.ETypeInfo2, info2!.padataValue);
        const p = principals[ex.principal!];
        expect(entries[0]!.etype).toBe(p!.keys[0]!.etype);
        expect(entries[0]!.salt).toBe(p!.salt);
      }
    });

    it('AS exchanges: PA-ENC-TIMESTAMP, the EncASRepPart and the TGT open with the recorded keys and re-encode exactly', () => {
      const tags = new Set<number | undefined>();
      let sawEncryptedPaData = false;
      for (const ex of data.exchanges.filter((e) => e.response.type === 'AS-REP')) {
        const p = principals[ex.principal!]!;
        const req = roundTrip(M.ASReq, hex(ex.request.hex));
        const rep = roundTrip(M.ASRep, hex(ex.response.hex));
        const userKey = keyOf(p.keys, p.keys[0]!.etype);

        const ts = req.padata!.find((x) => x.padataType === 2)!;
        const encTs = roundTrip(M.EncryptedData, ts.padataValue);
        const paTs = roundTrip(M.PAEncTsEnc, decrypt(userKey, 1, encTs.cipher, opts));
        expect(paTs.patimestamp.getTime()).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));

        const part = roundTrip(M.EncKDCRepPart, decrypt(userKey, 3, rep.encPart.cipher, opts));
        tags.add(part.applicationTag);
        if (part.encryptedPaData) {
          // RFC 6806 §11: asked for with PA-REQ-ENC-PA-REP (149), MIT answers in encrypted-pa-data [12].
          expect(req.padata!.some((x) => x.padataType === 149)).toBe(true);
          sawEncryptedPaData = true;
        }
        expect(part.nonce).toBe(req.reqBody.nonce);
        expect(M.unparsePrincipal({ components: part.sname.nameString, realm: part.srealm })).toBe(KRBTGT);
        expect(M.unparsePrincipal({ components: rep.cname.nameString, realm: rep.crealm })).toBe(ex.principal);

        const tgtKey = keyOf(services[KRBTGT]!, rep.ticket.encPart.etype);
        const etp = roundTrip(M.EncTicketPart, decrypt(tgtKey, 2, rep.ticket.encPart.cipher, opts));
        expect(etp.key).toEqual(part.key);
        expect(M.unparsePrincipal({ components: etp.cname.nameString, realm: etp.crealm })).toBe(ex.principal);
        expect(etp.flags >>> 0).toBe(part.flags >>> 0);
        for (const ad of etp.authorizationData ?? []) if (ad.adType === 1) roundTrip(M.ADIfRelevant, ad.adData);
      }
      // MIT's KDC writes [APPLICATION 26] (EncTGSRepPart) in an AS-REP too: the reason EncKDCRepPart accepts both.
      expect([...tags]).toEqual([26]);
      if (label.startsWith('Heimdal')) expect(sawEncryptedPaData).toBe(true);
    });

    it('TGS exchanges: the PA-TGS-REQ AP-REQ, its TGT and Authenticator, and the service ticket open and re-encode exactly', () => {
      for (const ex of data.exchanges.filter((e) => e.response.type === 'TGS-REP')) {
        const req = roundTrip(M.TGSReq, hex(ex.request.hex));
        const rep = roundTrip(M.TGSRep, hex(ex.response.hex));
        const ap = roundTrip(M.APReq, req.padata!.find((x) => x.padataType === 1)!.padataValue);
        const tgt = roundTrip(M.EncTicketPart, decrypt(keyOf(services[KRBTGT]!, ap.ticket.encPart.etype), 2, ap.ticket.encPart.cipher, opts));
        const auth = roundTrip(M.Authenticator, decrypt({ etype: tgt.key.keytype, value: tgt.key.keyvalue }, 7, ap.authenticator.cipher, opts));
        expect(M.unparsePrincipal({ components: auth.cname.nameString, realm: auth.crealm })).toBe(ex.principal);
        expect(auth.cksum).toBeDefined();
        const service = ex.service!;
        const svcTicket = roundTrip(M.EncTicketPart, decrypt(keyOf(services[service]!, rep.ticket.encPart.etype), 2, rep.ticket.encPart.cipher, opts));
        expect(M.unparsePrincipal({ components: svcTicket.cname.nameString, realm: svcTicket.crealm })).toBe(ex.principal);
        expect(M.unparsePrincipal({ components: rep.ticket.sname.nameString, realm: rep.ticket.realm })).toBe(service);
        if (!req.padata!.some((x) => x.padataType === 136)) {
          // Not FAST-armored: the reply is under the authenticator subkey (usage 9) or the TGT session key (usage 8).
          const k = auth.subkey ?? tgt.key;
          const part = roundTrip(M.EncKDCRepPart, decrypt({ etype: k.keytype, value: k.keyvalue }, auth.subkey ? 9 : 8, rep.encPart.cipher, opts));
          expect(part.applicationTag).toBe(26);
          expect(part.nonce).toBe(req.reqBody.nonce);
          expect(part.key).toEqual(svcTicket.key);
        }
      }
    });
  });
}
