/**
 * An independent dissector reads our encodings: generated messages go over UDP port 88 into a
 * pcap file written here, and Wireshark's tshark must name each message and report nothing
 * malformed. Fails (does not skip) when tshark is missing and CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as M from '../../src/messages/index.js';
import * as S from './samples.js';
import vectors from '../../fixtures/mit/asn1-reference-encode.json' with { type: 'json' };
import { hex } from '../asn1/helpers.js';
import { armoredPadata, encryptedChallenge } from '../../src/client/fast.js';

/** Our FAST-armored requests (src/client/fast.ts) with a fixed armor key: what tskrb5 sends in an armored AS and TGS exchange. */
const armorKey = { etype: 18, value: S.filler(32, 7) };
function armoredAsReq(): M.ASReq {
  const r = S.asReq();
  const inner = [encryptedChallenge({ armorKey }, { etype: 18, value: S.filler(32, 8) }, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 123456), ...(r.padata ?? [])];
  const armor = { armorType: 1, armorValue: M.APReq.encode(S.apReq(256)) };
  return { ...r, padata: [armoredPadata({ armorKey, armor }, inner, r.reqBody, M.KDCReqBody.encode(r.reqBody))] };
}
function armoredTgsReq(): M.TGSReq {
  const r = S.tgsReq();
  const tgs = r.padata!.find((p) => p.padataType === 1)!;
  const others = r.padata!.filter((p) => p.padataType !== 1);
  return { ...r, padata: [tgs, armoredPadata({ armorKey }, others, r.reqBody, tgs.padataValue), ...others] };
}

function hasTshark(): boolean {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

const TSHARK = hasTshark();
const CI = process.env.CI === 'true';
if (!TSHARK && !CI) console.warn('tshark not found: skipping test/messages/tshark.test.ts (install the tshark package to run it)');

/** One UDP datagram in an Ethernet/IPv4 frame. */
function frame(payload: Uint8Array, fromKdc: boolean): Uint8Array {
  const client = [192, 0, 2, 10];
  const kdc = [192, 0, 2, 88];
  const [src, dst] = fromKdc ? [kdc, client] : [client, kdc];
  const [sport, dport] = fromKdc ? [88, 50000] : [50000, 88];
  const udpLen = 8 + payload.length;
  const ipLen = 20 + udpLen;
  const ip = new Uint8Array(20);
  const dv = new DataView(ip.buffer);
  ip[0] = 0x45; // IPv4, 5 words
  dv.setUint16(2, ipLen);
  dv.setUint16(6, 0x4000); // don't fragment
  ip[8] = 64; // TTL
  ip[9] = 17; // UDP
  ip.set(src, 12);
  ip.set(dst, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += dv.getUint16(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  dv.setUint16(10, ~sum & 0xffff);
  const udp = new Uint8Array(8);
  const du = new DataView(udp.buffer);
  du.setUint16(0, sport);
  du.setUint16(2, dport);
  du.setUint16(4, udpLen); // checksum 0: none (allowed over IPv4)
  const eth = Uint8Array.of(2, 0, 0, 0, 0, fromKdc ? 1 : 2, 2, 0, 0, 0, 0, fromKdc ? 2 : 1, 0x08, 0x00);
  const out = new Uint8Array(eth.length + ip.length + udp.length + payload.length);
  out.set(eth, 0);
  out.set(ip, eth.length);
  out.set(udp, eth.length + 20);
  out.set(payload, eth.length + 28);
  return out;
}

/** A classic pcap file (LINKTYPE_ETHERNET) of the given frames, one second apart. */
function pcap(frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const g = new DataView(new ArrayBuffer(24));
  g.setUint32(0, 0xa1b2c3d4, true);
  g.setUint16(4, 2, true);
  g.setUint16(6, 4, true);
  g.setUint32(16, 262144, true); // snaplen
  g.setUint32(20, 1, true); // Ethernet
  parts.push(new Uint8Array(g.buffer));
  frames.forEach((f, i) => {
    const h = new DataView(new ArrayBuffer(16));
    h.setUint32(0, 1714979289 + i, true);
    h.setUint32(8, f.length, true);
    h.setUint32(12, f.length, true);
    parts.push(new Uint8Array(h.buffer), f);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

interface Sample {
  what: string;
  bytes: Uint8Array;
  fromKdc: boolean;
  expect: RegExp[];
  /**
   * Wireshark 4.0 hits a dissector bug ("Unregistered hf!") right after the key of any top-level
   * EncKDCRepPart, MIT's reference encoding included: accepted only if MIT's bytes hit it too.
   */
  sameAsMit?: Uint8Array;
}

const mitEncKdcRepPart = hex(vectors.vectors.find((v) => v.name === 'encode_krb5_enc_kdc_rep_part')!.hex);

const MESSAGES: Sample[] = [
  {
    what: 'AS-REQ',
    bytes: M.ASReq.encode(S.asReq()),
    fromKdc: false,
    expect: [/msg-type: krb-as-req \(10\)/, /padata-type: pA-ENC-TIMESTAMP \(2\)/i, /include-pac: True/i, /nonce: 2654435769/],
  },
  {
    what: 'KRB-ERROR (PREAUTH_REQUIRED)',
    bytes: M.KRBError.encode(S.preauthRequired()),
    fromKdc: true,
    expect: [/msg-type: krb-error \(30\)/, /error-code: eRR-PREAUTH-REQUIRED \(25\)/i, /salt: EXAMPLE\.COMalice/],
  },
  { what: 'AS-REP', bytes: M.ASRep.encode(S.asRep()), fromKdc: true, expect: [/msg-type: krb-as-rep \(11\)/, /tkt-vno: 5/, /SNameString: krbtgt/] },
  {
    what: 'TGS-REQ with PA-TGS-REQ, PA-FOR-USER, PA-PAC-OPTIONS',
    bytes: M.TGSReq.encode(S.tgsReq()),
    fromKdc: false,
    expect: [/msg-type: krb-tgs-req \(12\)/, /msg-type: krb-ap-req \(14\)/, /padata-type: pA-FOR-USER \(129\)/i, /bob@example\.com/, /auth: Kerberos/],
  },
  { what: 'TGS-REP', bytes: M.TGSRep.encode(S.tgsRep()), fromKdc: true, expect: [/msg-type: krb-tgs-rep \(13\)/] },
  {
    what: 'AS-REQ armored with FAST (ours: PA-FX-FAST with AP-REQ armor)',
    bytes: M.ASReq.encode(armoredAsReq()),
    fromKdc: false,
    expect: [/msg-type: krb-as-req \(10\)/, /padata-type: pA-FX-FAST \(136\)/i, /armor-type: /i, /msg-type: krb-ap-req \(14\)/, /req-checksum/i, /enc-fast-req/i],
  },
  {
    what: 'TGS-REQ armored with FAST (ours: implicit armor)',
    bytes: M.TGSReq.encode(armoredTgsReq()),
    fromKdc: false,
    expect: [/msg-type: krb-tgs-req \(12\)/, /padata-type: pA-TGS-REQ \(1\)/i, /padata-type: pA-FX-FAST \(136\)/i, /enc-fast-req/i],
  },
  {
    what: 'KRB-ERROR',
    bytes: M.KRBError.encode(S.krbError()),
    fromKdc: true,
    expect: [/msg-type: krb-error \(30\)/, /e-text: Server not found in Kerberos database/, /nowhere\.example\.com/],
  },
  { what: 'AP-REQ', bytes: M.APReq.encode(S.apReq()), fromKdc: false, expect: [/msg-type: krb-ap-req \(14\)/, /Padding: 0|ap-options: 20000000/] },
  { what: 'AP-REP', bytes: M.APRep.encode(S.apRep()), fromKdc: true, expect: [/msg-type: krb-ap-rep \(15\)/] },
  // Wireshark's port-88 entry point takes every APPLICATION tag but KRB-CRED's (22), so the
  // KRB-CRED goes inside a plaintext Authenticator's GSS-API checksum, as a delegation does.
  {
    what: "KRB-CRED (delegated, in an Authenticator's 0x8003 checksum)",
    bytes: M.Authenticator.encode(S.authenticatorWithDelegation()),
    fromKdc: false,
    expect: [/msg-type: krb-cred \(22\)/, /DlgOpt/],
  },
  { what: 'EncKrbCredPart', bytes: M.EncKrbCredPart.encode(S.encKrbCredPart()), fromKdc: false, expect: [/ticket-info/] },
  { what: 'Ticket', bytes: M.Ticket.encode(S.ticket()), fromKdc: false, expect: [/tkt-vno: 5/] },
  { what: 'EncTicketPart', bytes: M.EncTicketPart.encode(S.encTicketPart()), fromKdc: false, expect: [/transited/] },
  { what: 'EncASRepPart', bytes: M.EncKDCRepPart.encode(S.encKdcRepPart(25)), fromKdc: true, expect: [/encASRepPart/, /last-req/], sameAsMit: mitEncKdcRepPart },
  { what: 'EncTGSRepPart', bytes: M.EncKDCRepPart.encode(S.encKdcRepPart(26)), fromKdc: true, expect: [/encTGSRepPart/, /last-req/], sameAsMit: mitEncKdcRepPart },
  { what: 'EncAPRepPart', bytes: M.EncAPRepPart.encode(S.encApRepPart()), fromKdc: true, expect: [/seq-number: 305419896/] },
  { what: 'KRB-SAFE', bytes: M.KRBSafe.encode(S.krbSafe()), fromKdc: false, expect: [/msg-type: krb-safe \(20\)/] },
  { what: 'KRB-PRIV', bytes: M.KRBPriv.encode(S.krbPriv()), fromKdc: false, expect: [/msg-type: krb-priv \(21\)/] },
];

describe.skipIf(!TSHARK && !CI)('tshark dissects our encodings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-tshark-'));
  const keep = process.env.TSKRB5_KEEP_PCAP === '1';
  afterAll(() => (keep ? console.log(`pcap kept in ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  let packets: string[] | undefined;

  function dissect(): string[] {
    if (packets) return packets;
    if (!TSHARK) throw new Error('tshark is required when CI=true (apt-get install tshark)');
    const file = join(dir, 'kerberos.pcap');
    // The last frame is MIT's reference EncKDCRepPart, the control for `sameAsMit`.
    writeFileSync(file, pcap([...MESSAGES.map((m) => frame(m.bytes, m.fromKdc)), frame(mitEncKdcRepPart, true)]));
    const r = spawnSync('tshark', ['-r', file, '-V', '-o', 'kerberos.decrypt:FALSE'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    packets = r.stdout.split(/^Frame \d+: /m).slice(1);
    expect(packets).toHaveLength(MESSAGES.length + 1);
    return packets;
  }

  MESSAGES.forEach((m, i) => {
    it(`${m.what}: named, nothing malformed`, () => {
      const all = dissect();
      const text = all[i]!;
      expect(text).toContain('Kerberos');
      if (m.sameAsMit && /Dissector bug/.test(text)) {
        // Wireshark's own bug: it must strike MIT's bytes the same way, and only after the key.
        expect(all[MESSAGES.length]!).toMatch(/Dissector bug.*Unregistered hf/);
        expect(text).toMatch(/Unregistered hf/);
        expect(text).toMatch(/keyvalue: /);
        expect(text).toMatch(m.expect[0]!);
        return;
      }
      expect(text).not.toMatch(/Malformed/);
      expect(text).not.toMatch(/Expert Info \(Error/);
      for (const re of m.expect) expect(text).toMatch(re);
    });
  });
});
