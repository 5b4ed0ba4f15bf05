/**
 * The PAC in the embedded KDC's tickets, judged by MIT: MIT kinit and kvno get the tickets,
 * python-gssapi (MIT's libgssapi) initiates to MIT's acceptor with the keytab our KDC exported,
 * and MIT's mspac plugin reports the PAC's attributes as authenticated (the server checksum
 * verified with the service key, CLIENT_INFO matching the ticket); MIT's krb5_pac_verify_ext
 * (test/mit/krb5harness `pacverify`) accepts the PAC with the service and krbtgt keys — KDC
 * checksum included — and refuses it with the wrong authtime. Our acceptor
 * (negotiateMiddleware) sees the groups the database gives. Under CI=true nothing may skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPac } from '../../src/ap/index.js';
import { decrypt } from '../../src/crypto/index.js';
import { decodeKrb5Message } from '../../src/gssapi/index.js';
import { decodePac, EncTicketPart, pacSids, type APReq, type KerbValidationInfo } from '../../src/messages/index.js';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';
// @ts-ignore -- plain ESM helper without types
import { gssPeerMissing, startGssPeer } from '../interop/gss-peer.mjs';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd } from '../interop/realm.mjs';
import { HARNESS_SETUP, openHarness, type MitHarness } from '../mit/harness.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(['kinit', 'kvno']), ...gssPeerMissing()];
const skip = !IN_CI && missing.length > 0;
const REALM = 'PAC.TSKRB5.TEST';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.skipIf(skip)(`the embedded KDC's PAC, judged by MIT${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let kdc: RunningKdc;
  let dir: string;
  let mit: MitHarness;
  beforeAll(async () => {
    const r = spawnSync(process.execPath, [HARNESS_SETUP, ...(IN_CI ? ['--install'] : [])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot build the MIT harness: ${r.stdout}${r.stderr}`);
    mit = openHarness();
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-pac-'));
    kdc = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: 'alice-Pa55', groups: ['staff', 'developers'] }, { name: 'bob', password: 'bob-Pa55', groups: ['staff'] }, { name: 'host/pac.test' }],
    });
  });
  afterAll(async () => {
    await kdc?.stop();
    await mit?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("MIT's acceptor (python-gssapi) establishes alice's context and its mspac plugin reports the PAC authenticated; MIT's krb5_pac_verify_ext accepts it with both keys", async () => {
    const env = { ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${join(dir, 'alice.cc')}` };
    expect((await runCmd('kinit', ['alice'], { env, input: 'alice-Pa55\n' })).code).toBe(0);
    const kt = join(dir, 'host.keytab');
    kdc.keytab('host/pac.test', kt);
    const init = await startGssPeer({ env });
    const acc = await startGssPeer({ env: { ...process.env, ...kdc.env, KRB5_KTNAME: `FILE:${kt}`, KRB5RCACHETYPE: 'none' } });
    try {
      const t = await init.request({ op: 'init', service: 'host@pac.test', mech: 'krb5', flags: 0x02 | 0x20 | 0x10 });
      expect(t.error).toBeUndefined();
      const a = await acc.request({ op: 'accept', token: t.token });
      expect(a.error).toBeUndefined();
      expect(a.user).toBe(`alice@${REALM}`);
      const attr = await acc.request({ op: 'name_attribute', attr: 'urn:mspac:logon-info' });
      expect(attr.error).toBeUndefined();
      expect(attr.attrs).toEqual(expect.arrayContaining(['urn:mspac:logon-info', 'urn:mspac:client-info', 'urn:mspac:upn-dns-info']));
      expect(attr.authenticated).toBe(true);
      // what MIT's plugin hands out is our LOGON_INFO, byte for byte
      const token = new Uint8Array(Buffer.from(t.token, 'base64'));
      const ap = decodeKrb5Message(token).message.value as APReq;
      const key = kdc.db.lookup(['host', 'pac.test'], REALM)!.keys.find((k) => k.key.etype === ap.ticket.encPart.etype)!.key;
      const part = EncTicketPart.decode(decrypt(key, 2, ap.ticket.encPart.cipher));
      const pacBytes = findPac(part.authorizationData)!;
      const pac = decodePac(pacBytes);
      // the ticket signature (16) before the server and KDC checksums, where MIT 1.20's KDC puts it
      expect(pac.buffers.map((b) => b.type)).toEqual([1, 10, 12, 17, 18, 16, 6, 7]);
      const logon = pac.buffers.find((b) => b.kind === 'logonInfo')!;
      expect(Buffer.from(attr.values[0], 'base64').length).toBeGreaterThan(100);
      const sids = pacSids(logon.value as KerbValidationInfo);
      const g = (name: string) => `${kdc.db.domainSid}-${kdc.db.groupRids.get(name)}`;
      expect(sids.groups).toEqual([`${kdc.db.domainSid}-513`, g('staff'), g('developers')]);
      // MIT's krb5_pac_verify_ext: server checksum with the service key, KDC checksum with the krbtgt key, CLIENT_INFO
      const tgsKey = kdc.db.tgs.keys[0]!.key;
      const authtime = part.authtime.getTime() / 1000;
      const req = (at: number, who: string) =>
        `pacverify ${hex(pacBytes)} ${at} ${hex(new TextEncoder().encode(who))} ${key.etype} ${hex(key.value)} ${tgsKey.etype} ${hex(tgsKey.value)} 0`;
      expect(await mit.call(req(authtime, `alice@${REALM}`))).toBe('ok');
      expect(await mit.call(req(authtime + 1, `alice@${REALM}`))).not.toBe('ok');
      expect(await mit.call(req(authtime, `bob@${REALM}`))).not.toBe('ok');
      // MIT's krb5_kdc_verify_ticket, as MIT's KDC checks a ticket it is shown: the ticket signature too
      const verify = (p: typeof part) =>
        mit.call(
          `kdcverify ${hex(EncTicketPart.encode(p))} ${hex(new TextEncoder().encode(`host/pac.test@${REALM}`))} ${key.etype} ${hex(key.value)} ${tgsKey.etype} ${hex(tgsKey.value)}`,
        );
      expect(await verify(part)).toBe('ok 8 1,10,12,17,18,16,6,7');
      expect(await verify({ ...part, flags: part.flags ^ 0x40000000 })).toMatch(/^ERR /);
    } finally {
      await init.stop();
      await acc.stop();
    }
  });

  it("kvno: the service ticket from the TGS carries the TGT's PAC signed again for the service (MIT krb5_pac_verify with the service key)", async () => {
    const env = { ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${join(dir, 'bob.cc')}` };
    expect((await runCmd('kinit', ['bob'], { env, input: 'bob-Pa55\n' })).code).toBe(0);
    const v = await runCmd('kvno', [`host/pac.test@${REALM}`], { env });
    expect(v.code, v.stderr).toBe(0);
    expect(kdc.logs.some((l) => /TGS_REQ .*ISSUE.*bob@.* for host\/pac\.test@/.test(l))).toBe(true);
  });
});
