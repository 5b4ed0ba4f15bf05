/**
 * The ticket signature (MS-PAC PAC_TICKET_CHECKSUM) in the embedded KDC's service tickets, as MIT
 * 1.20's KDC makes and checks it:
 * - a recorded MIT 1.20 service ticket's signature verifies with that realm's krbtgt key
 *   (`verifyTicketPac`, the check our KDC runs), and a changed flag fails it;
 * - MIT's own `krb5_kdc_sign_ticket` (test/mit/krb5harness `kdcsign`), given our ticket's part
 *   and its PAC without signatures, produces our ticket part byte for byte (AES-256 and AES-128
 *   services: both checksum types);
 * - the bronze-bit attack (CVE-2020-17049): a service trusted for constrained delegation but not
 *   for protocol transition gets a non-forwardable S4U2Self ticket, sets FORWARDABLE with its own
 *   key and offers it as S4U2Proxy evidence — refused KRB_AP_ERR_MODIFIED (the KDC before this
 *   change issued the backend ticket); the untouched ticket is refused as not forwardable, and a
 *   service trusted for protocol transition still gets its ticket; and the same attack through
 *   MIT's own client: `kvno -U alice` caches the non-forwardable ticket, the attacker marks it
 *   forwardable in the cache (ticket and flags), MIT `kvno -U alice -P` presents it — refused
 *   ("Message stream modified"; the KDC before this change issued alice's backend ticket).
 * Under CI=true nothing may skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPac, verifyTicketPac } from '../../src/ap/index.js';
import { getInitialCredentials, getS4U2ProxyTicket, getS4U2SelfTicket, getServiceTicket } from '../../src/client/index.js';
import { decrypt, encrypt } from '../../src/crypto/index.js';
import { KdcError } from '../../src/errors.js';
import { decodeCcache, encodeCcache } from '../../src/formats/index.js';
import { Kdc, KdcDatabase, type KdcLogEntry } from '../../src/kdc/index.js';
import { startKdc } from '../../src/kdc/node/index.js';
import { flagMask, TicketFlags } from '../../src/iana/index.js';
import { EncTicketPart, encodePac, parsePacHeader, Ticket } from '../../src/messages/index.js';
import { svc as mitService, tgt as mitTgt } from '../gssapi/mit-ticket.js';
import { missingPeers, runCmd } from '../interop/realm.mjs';
import { HARNESS_SETUP, openHarness, type MitHarness } from '../mit/harness.js';

const IN_CI = process.env.CI === 'true';
const R = 'SIG.TSKRB5.TEST';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => hex(new TextEncoder().encode(s));

const db = new KdcDatabase({
  realm: R,
  principals: [
    { name: 'alice', password: 'alice-Pa55' },
    { name: 'HTTP/web' },
    { name: 'HTTP/old', enctypes: [17] },
    // constrained delegation without protocol transition ("Kerberos only" in AD's words)
    { name: 'HTTP/front', password: 'front-Pa55', allowedToDelegateTo: ['HTTP/back'] },
    { name: 'HTTP/trusted', password: 'trusted-Pa55', okToAuthAsDelegate: true, allowedToDelegateTo: ['HTTP/back'] },
    { name: 'HTTP/back' },
  ],
});
const kdc = new Kdc(db);
let lastLog: KdcLogEntry | undefined;
const transport = {
  send: async (_realm: string, req: Uint8Array) => {
    const r = kdc.handle(req);
    lastLog = r.log;
    return r.reply!;
  },
};
const krbtgtKey = db.tgs.keys[0]!.key;
const keyOf = (name: string, etype: number) => db.lookup(name.split('/'), R)!.keys.find((k) => k.key.etype === etype)!.key;

async function serviceTicket(service: string) {
  const alice = await getInitialCredentials({ transport, client: `alice@${R}`, password: 'alice-Pa55' });
  return (await getServiceTicket({ transport, tgt: alice.credential, server: `${service}@${R}` })).credential;
}

describe('the ticket signature of a service ticket', () => {
  it("MIT 1.20's recorded service ticket: its signature verifies with MIT's krbtgt key; with a flag changed it does not", () => {
    const meta = JSON.parse(readFileSync(new URL('../../fixtures/mit/ccache/ccaches.json', import.meta.url), 'utf8')) as {
      keys: { services: Record<string, { principal: string; etype: number; key: string }[]> };
    };
    const key = (principal: string, etype: number) => {
      const k = meta.keys.services[principal]!.find((x) => x.etype === etype)!;
      return { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) };
    };
    const ticket = Ticket.decode(mitService.ticket);
    const server = mitService.server;
    const serverKey = key(`${server.components.join('/')}@${server.realm}`, ticket.encPart.etype);
    const tgtTicket = Ticket.decode(mitTgt.ticket);
    const kdcKey = key(`krbtgt/${server.realm}@${server.realm}`, tgtTicket.encPart.etype);
    const part = EncTicketPart.decode(decrypt(serverKey, 2, ticket.encPart.cipher));
    const pac = verifyTicketPac(part, { server, serverKey, kdcKey })!;
    expect(pac.buffers.map((b) => b.type)).toEqual([10, 16, 6, 7]);
    expect(() => verifyTicketPac({ ...part, flags: part.flags ^ flagMask(TicketFlags.FORWARDABLE) }, { server, serverKey, kdcKey })).toThrow(
      expect.objectContaining({ code: 'ERR_PAC_TICKET_CHECKSUM' }),
    );
  });
});

describe("the embedded KDC's ticket signature beside MIT's krb5_kdc_sign_ticket", () => {
  let mit: MitHarness;
  beforeAll(() => {
    const r = spawnSync(process.execPath, [HARNESS_SETUP, ...(IN_CI ? ['--install'] : [])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot build the MIT harness: ${r.stdout}${r.stderr}`);
    mit = openHarness();
  });
  afterAll(async () => {
    await mit?.close();
  });

  for (const [service, etype] of [
    ['HTTP/web', 18],
    ['HTTP/old', 17],
  ] as const) {
    it(`${service} (enctype ${etype}): MIT signs our ticket's part and PAC into the same bytes we issued`, async () => {
      const cred = await serviceTicket(service);
      const serverKey = keyOf(service, etype);
      const plain = decrypt(serverKey, 2, Ticket.decode(cred.ticket).encPart.cipher);
      const part = EncTicketPart.decode(plain);
      const pac = findPac(part.authorizationData)!;
      const header = parsePacHeader(pac);
      expect(header.map((h) => h.type)).toEqual([1, 10, 12, 17, 18, 16, 6, 7]);
      // the PAC as it was before signing: its other buffers, raw, in their order
      const unsigned = encodePac({
        version: 0,
        buffers: header.filter((h) => ![6, 7, 16].includes(h.type)).map((h) => ({ kind: 'raw' as const, type: h.type, value: pac.subarray(h.offset, h.offset + h.size) })),
      });
      const { authorizationData: _, ...bare } = part;
      const signed = await mit.ok(
        `kdcsign ${hex(EncTicketPart.encode(bare))} ${hex(unsigned)} ${text(`${service}@${R}`)} ${text(`alice@${R}`)} ${etype} ${hex(serverKey.value)} ${krbtgtKey.etype} ${hex(krbtgtKey.value)} 0`,
      );
      expect(signed).toBe(hex(plain)); // MIT's encoding of the signed part: the very bytes in our ticket
      // and MIT's krb5_kdc_verify_ticket takes it; with the krbtgt key of another realm it does not
      const verify = (k: { etype: number; value: Uint8Array }) =>
        mit.call(`kdcverify ${hex(EncTicketPart.encode(part))} ${text(`${service}@${R}`)} ${etype} ${hex(serverKey.value)} ${k.etype} ${hex(k.value)}`);
      expect(await verify(krbtgtKey)).toBe('ok 8 1,10,12,17,18,16,6,7');
      expect(await verify({ etype: krbtgtKey.etype, value: krbtgtKey.value.map((b) => b ^ 1) })).toMatch(/^ERR /);
    });
  }

  it('a TGT carries no ticket signature (MIT: krbtgt and kadmin/changepw tickets have none)', async () => {
    const alice = await getInitialCredentials({ transport, client: `alice@${R}`, password: 'alice-Pa55' });
    const t = Ticket.decode(alice.credential.ticket);
    const part = EncTicketPart.decode(decrypt(db.tgs.keys.find((k) => k.key.etype === t.encPart.etype)!.key, 2, t.encPart.cipher));
    expect(parsePacHeader(findPac(part.authorizationData)!).map((h) => h.type)).not.toContain(16);
    expect(
      await mit.call(
        `kdcverify ${hex(EncTicketPart.encode(part))} ${text(`krbtgt/${R}@${R}`)} ${t.encPart.etype} ${hex(krbtgtKey.value)} ${krbtgtKey.etype} ${hex(krbtgtKey.value)}`,
      ),
    ).toMatch(/^ok 7 /);
  });
});

describe('the bronze-bit attack (CVE-2020-17049) on S4U2Proxy', () => {
  async function selfTicket(service: string, password: string) {
    const tgt = (await getInitialCredentials({ transport, client: `${service}@${R}`, password, options: { forwardable: true } })).credential;
    const self = await getS4U2SelfTicket({ transport, tgt, user: `alice@${R}` });
    return { tgt, self };
  }
  const FORWARDABLE = flagMask(TicketFlags.FORWARDABLE);

  it('a service trusted for protocol transition: its forwardable S4U2Self ticket gets alice a ticket to the backend', async () => {
    const { tgt, self } = await selfTicket('HTTP/trusted', 'trusted-Pa55');
    expect(self.forwardable).toBe(true);
    const back = await getS4U2ProxyTicket({ transport, tgt, evidence: { ticket: self.credential.ticket, client: self.user, flags: self.credential.flags }, server: 'HTTP/back' });
    expect(back.credential.client.components).toEqual(['alice']);
  });

  it('a service not trusted for it: its non-forwardable ticket is refused; set FORWARDABLE with its own key, KRB_AP_ERR_MODIFIED', async () => {
    const { tgt, self } = await selfTicket('HTTP/front', 'front-Pa55');
    expect(self.forwardable).toBe(false);
    const asEvidence = (ticket: Uint8Array, flags: number) => getS4U2ProxyTicket({ transport, tgt, evidence: { ticket, client: self.user, flags }, server: 'HTTP/back' });
    await expect(asEvidence(self.credential.ticket, self.credential.flags)).rejects.toThrow(KdcError);
    // the attacker holds HTTP/front's key: decrypt its ticket, set FORWARDABLE, encrypt it again
    const t = Ticket.decode(self.credential.ticket);
    const key = keyOf('HTTP/front', t.encPart.etype);
    const part = EncTicketPart.decode(decrypt(key, 2, t.encPart.cipher));
    const forged = Ticket.encode({ ...t, encPart: { ...t.encPart, cipher: encrypt(key, 2, EncTicketPart.encode({ ...part, flags: (part.flags | FORWARDABLE) >>> 0 })) } });
    const e = await asEvidence(forged, (self.credential.flags | FORWARDABLE) >>> 0).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KdcError);
    expect((e as KdcError).errorCode).toBe(41); // KRB_AP_ERR_MODIFIED
    expect(lastLog?.reason).toMatch(/evidence ticket's PAC does not verify/);
  });
});

const missing = missingPeers(['kinit', 'klist', 'kvno']);
describe.skipIf(!IN_CI && missing.length > 0)(`the bronze-bit attack through MIT's kvno${missing.length ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  it('MIT kvno -U -P with the cached S4U2Self ticket marked forwardable by the service: Message stream modified', async () => {
    const REALM = 'BRONZE.TSKRB5.TEST';
    const dir = mkdtempSync(join(tmpdir(), 'tskrb5-bronze-'));
    const kdc = await startKdc({
      realm: REALM,
      principals: [
        { name: 'alice', password: 'alice-Pa55' },
        { name: 'HTTP/front.bronze.test', allowedToDelegateTo: ['HTTP/back.bronze.test'] },
        { name: 'HTTP/back.bronze.test' },
      ],
    });
    try {
      const cc = join(dir, 'front.cc');
      const kt = join(dir, 'front.keytab');
      const env = { ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${cc}` };
      kdc.keytab('HTTP/front.bronze.test', kt);
      expect((await runCmd('kinit', ['-f', '-k', '-t', kt, 'HTTP/front.bronze.test'], { env })).code).toBe(0);
      const self = await runCmd('kvno', ['-U', 'alice', `HTTP/front.bronze.test@${REALM}`], { env });
      expect(self.code, self.stderr).toBe(0);
      expect((await runCmd('klist', ['-f'], { env })).stdout).toMatch(/for client alice@\S+, Flags: T\n/);
      // the attacker, with HTTP/front's key: FORWARDABLE set in the ticket and in the cache entry
      const FWD = flagMask(TicketFlags.FORWARDABLE);
      const cache = decodeCcache(new Uint8Array(readFileSync(cc)));
      for (const c of cache.credentials.filter((x) => x.client.components[0] === 'alice')) {
        const t = Ticket.decode(c.ticket);
        const key = kdc.db.lookup(['HTTP', 'front.bronze.test'], REALM)!.keys.find((k) => k.key.etype === t.encPart.etype)!.key;
        const part = EncTicketPart.decode(decrypt(key, 2, t.encPart.cipher));
        c.ticket = Ticket.encode({ ...t, encPart: { ...t.encPart, cipher: encrypt(key, 2, EncTicketPart.encode({ ...part, flags: (part.flags | FWD) >>> 0 })) } });
        c.flags = (c.flags | FWD) >>> 0;
      }
      writeFileSync(cc, encodeCcache(cache));
      expect((await runCmd('klist', ['-f'], { env })).stdout).toMatch(/for client alice@\S+, Flags: FT\n/);
      const proxy = await runCmd('kvno', ['-U', 'alice', '-P', `HTTP/back.bronze.test@${REALM}`], { env });
      expect(proxy.code).not.toBe(0);
      expect(proxy.stderr).toMatch(/Message stream modified .*constrained delegation failed/);
      expect(kdc.logs.some((l) => /KRB_AP_ERR_MODIFIED.*evidence ticket's PAC does not verify/.test(l))).toBe(true);
      expect(kdc.logs.some((l) => /ISSUE.*S4U2Proxy.*for HTTP\/back/.test(l))).toBe(false);
    } finally {
      await kdc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
