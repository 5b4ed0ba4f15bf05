/**
 * The AS and TGS exchanges against a real MIT krb5kdc 1.20 (a throwaway realm on 127.0.0.1),
 * through a tiny TCP transport written here (RFC 4120 §7.2.2: 4-byte big-endian length, then
 * the message). What we get is proven real by MIT's own tools: the credentials are written to a
 * ccache file and MIT `klist -e` lists them, MIT `kvno` uses our TGT to get a ticket of its own,
 * and `kvno -k KEYTAB` checks that our service ticket decrypts with the service's MIT keytab.
 *
 * In CI (CI=true) a missing MIT peer is a failure; elsewhere the suite is skipped visibly.
 */
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { startRealm, missingPeers } from '../interop/realm.mjs';
import { getForwardedTgt, getInitialCredentials, getServiceTicket, renewCredential, type InitialCredentials, type Transport } from '../../src/client/index.js';
import { KdcError, KerberosError, ProtocolError, UnsupportedError } from '../../src/errors.js';
import { decodeKeytab, encodeCcache, type CcacheCredential } from '../../src/formats/index.js';
import { Ticket } from '../../src/messages/index.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = missingPeers();
const skip = !IN_CI && missing.length > 0;

// TicketFlags bits as RFC 4120 §5.3 numbers them (bit 0 = 0x80000000).
const FORWARDABLE = 0x40000000;
const FORWARDED = 0x20000000;
const RENEWABLE = 0x00800000;
const INITIAL = 0x00400000;
const PRE_AUTHENT = 0x00200000;

/** RFC 4120 §7.2.2 over TCP to one KDC; records the realms asked. */
function tcpTransport(port: number): Transport & { realms: string[] } {
  const realms: string[] = [];
  return {
    realms,
    send(realm, request) {
      realms.push(realm);
      return new Promise((resolve, reject) => {
        const sock = net.connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        let got = 0;
        sock.setTimeout(10_000, () => sock.destroy(new Error('KDC timeout')));
        sock.on('connect', () => {
          const len = Buffer.alloc(4);
          len.writeUInt32BE(request.length);
          sock.write(Buffer.concat([len, Buffer.from(request)]));
        });
        sock.on('data', (d: Buffer) => {
          chunks.push(d);
          got += d.length;
          const all = Buffer.concat(chunks, got);
          if (all.length >= 4 && all.length >= 4 + all.readUInt32BE(0)) {
            sock.end();
            resolve(new Uint8Array(all.subarray(4, 4 + all.readUInt32BE(0))));
          }
        });
        sock.on('error', reject);
        sock.on('close', () => reject(new Error('KDC closed the connection early')));
      });
    },
  };
}

describe.skipIf(skip)('AS and TGS exchanges against MIT krb5kdc 1.20', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let realm: any;
  let transport: ReturnType<typeof tcpTransport>;
  const R = 'TSKRB5.TEST';
  const PW = 'Client-Pa55word!';
  let n = 0;

  beforeAll(async () => {
    if (missing.length) throw new Error(`MIT peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    realm = await startRealm({ realm: R });
    transport = tcpTransport(realm.kdcPort);
  }, 60_000);

  afterAll(async () => {
    await realm?.stop();
  });

  /** Writes credentials into a v4 ccache file in the realm dir and returns its FILE: name. */
  function writeCache(creds: CcacheCredential[], offset = { seconds: 0, microseconds: 0 }): string {
    const path = join(realm.dir, `cc-${++n}`);
    writeFileSync(path, encodeCcache({ version: 4, header: [{ tag: 1, kdcOffset: offset }], defaultPrincipal: creds[0]!.client, credentials: creds, config: [] }), {
      mode: 0o600,
    });
    return `FILE:${path}`;
  }

  async function klist(cache: string): Promise<string> {
    const r = await realm.run('klist', ['-e', '-f', '-c', cache]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout as string;
  }

  const AES = [
    ['aes256-cts-hmac-sha1-96', 18],
    ['aes128-cts-hmac-sha1-96', 17],
    ['aes256-cts-hmac-sha384-192', 20],
    ['aes128-cts-hmac-sha256-128', 19],
  ] as const;

  for (const [name, etype] of AES) {
    it(`password login with pre-authentication, user with only ${name} keys`, async () => {
      const user = `pa-${etype}`;
      await realm.addPrincipal(user, { password: PW, enctypes: [name] });
      const r = await getInitialCredentials({ transport, client: `${user}@${R}`, password: PW, options: { forwardable: true } });
      expect(r.preauthType).toBe(2);
      expect(r.reply.encPart.etype).toBe(etype);
      expect(r.credential.client).toEqual({ nameType: 1, realm: R, components: [user] });
      expect(r.credential.server.components).toEqual(['krbtgt', R]);
      expect(r.credential.flags & (INITIAL | PRE_AUTHENT | FORWARDABLE)).toBe(INITIAL | PRE_AUTHENT | FORWARDABLE);
      expect(Math.abs(r.kdcOffset.seconds)).toBeLessThanOrEqual(2);
      const out = await klist(writeCache([r.credential]));
      expect(out).toContain(`Default principal: ${user}@${R}`);
      // Session key: the first requested enctype the krbtgt has; ticket: the krbtgt's first key (realm.mjs's order).
      expect(out).toContain(`krbtgt/${R}@${R}\n\tFlags: FIA, Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96`);
    });
  }

  it('a user without pre-authentication: no PA-ENC-TIMESTAMP, salt from the reply', async () => {
    await realm.addPrincipal('nopa', { password: PW, requiresPreauth: false });
    const r = await getInitialCredentials({ transport, client: 'nopa', realm: R, password: PW });
    expect(r.preauthType).toBeUndefined();
    expect(r.credential.flags & PRE_AUTHENT).toBe(0);
    expect(r.credential.flags & INITIAL).toBe(INITIAL);
    const out = await klist(writeCache([r.credential]));
    expect(out).toContain(`Default principal: nopa@${R}`);
  });

  it('a user with only aes-sha2 keys gets aes256-cts-hmac-sha384-192 with the default enctype list', async () => {
    await realm.addPrincipal('sha2only', { password: PW, enctypes: ['aes128-cts-hmac-sha256-128', 'aes256-cts-hmac-sha384-192'] });
    const r = await getInitialCredentials({ transport, client: `sha2only@${R}`, password: PW });
    expect(r.reply.encPart.etype).toBe(20);
    await klist(writeCache([r.credential]));
  });

  it('an rc4-only user: refused by default (no usable key; KDC_ERR_ETYPE_NOSUPP without preauth), works with allowWeakCrypto', async () => {
    await realm.addPrincipal('rc4user', { password: PW, enctypes: ['arcfour-hmac'] });
    await realm.addPrincipal('rc4nopa', { password: PW, enctypes: ['arcfour-hmac'], requiresPreauth: false });
    // With preauth required, MIT's KDC offers no PA-ENC-TIMESTAMP / ETYPE-INFO2 for enctypes the user has no key of.
    const e = await getInitialCredentials({ transport, client: `rc4user@${R}`, password: PW }).catch((x) => x);
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.code).toBe('ERR_ETYPE_NOSUPP');
    expect(e.message).toMatch(/needs allowWeakCrypto/);
    const n = await getInitialCredentials({ transport, client: `rc4nopa@${R}`, password: PW }).catch((x) => x);
    expect(n).toBeInstanceOf(KdcError);
    expect(n.errorCode).toBe(14);
    expect(n.errorName).toBe('KDC_ERR_ETYPE_NOSUPP');
    const r = await getInitialCredentials({
      transport,
      client: `rc4user@${R}`,
      password: PW,
      options: { allowWeakCrypto: true, etypes: [18, 17, 20, 19, 23] },
    });
    expect(r.reply.encPart.etype).toBe(23);
    await klist(writeCache([r.credential]));
  });

  it('a wrong password is KdcError 24 (KDC_ERR_PREAUTH_FAILED) saying "password incorrect"', async () => {
    await realm.addPrincipal('wrongpw', { password: PW });
    const e = await getInitialCredentials({ transport, client: `wrongpw@${R}`, password: 'not-it' }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(24);
    expect(e.errorName).toBe('KDC_ERR_PREAUTH_FAILED');
    expect(e.message).toMatch(/password incorrect for wrongpw@TSKRB5\.TEST/);
    expect(e.serverTime).toBeInstanceOf(Date);
  });

  it('a wrong password for a user without pre-authentication: the reply does not decrypt', async () => {
    await realm.addPrincipal('nopa2', { password: PW, requiresPreauth: false });
    const e = await getInitialCredentials({ transport, client: `nopa2@${R}`, password: 'not-it' }).catch((x) => x);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.code).toBe('ERR_PASSWORD_INCORRECT');
  });

  it('an unknown user is KdcError 6 (client not found in Kerberos database)', async () => {
    const e = await getInitialCredentials({ transport, client: `nobody@${R}`, password: PW }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(6);
    expect(e.message).toMatch(/client nobody@TSKRB5\.TEST not found in Kerberos database/);
  });

  it('keytab login with keys exported by kadmin.local ktadd', async () => {
    await realm.addPrincipal('ktuser', { randkey: true });
    const kt = join(realm.dir, 'ktuser.keytab');
    await realm.ktadd(`ktuser@${R}`, kt);
    const keytab = decodeKeytab(new Uint8Array(readFileSync(kt)));
    expect(keytab.entries.length).toBe(4);
    const keys = keytab.entries.map((e) => ({ etype: e.key.etype, value: e.key.value, kvno: e.kvno }));
    const r = await getInitialCredentials({ transport, client: `ktuser@${R}`, keys });
    expect(r.preauthType).toBe(2);
    const cache = writeCache([r.credential]);
    expect(await klist(cache)).toContain(`Default principal: ktuser@${R}`);
    // MIT's kvno uses our TGT to get a service ticket on its own.
    await realm.addPrincipal('host/kt.tskrb5.test', { randkey: true });
    const k = await realm.run('kvno', ['-c', cache, 'host/kt.tskrb5.test']);
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout).toMatch(/host\/kt\.tskrb5\.test@TSKRB5\.TEST: kvno = \d+/);
  });

  it('a local clock an hour slow: kdcTimesync follows the KDC (offset ≈ 3600 s); without it, a ProtocolError', async () => {
    await realm.addPrincipal('skewed', { password: PW });
    const now = () => new Date(Date.now() - 3600_000);
    const r = await getInitialCredentials({ transport, client: `skewed@${R}`, password: PW, now });
    expect(Math.abs(r.kdcOffset.seconds - 3600)).toBeLessThanOrEqual(2);
    // The ccache records the offset, as MIT's kinit does; klist reads it.
    await klist(writeCache([r.credential], r.kdcOffset));
    const e = await getInitialCredentials({ transport, client: `skewed@${R}`, password: PW, now, options: { kdcTimesync: false } }).catch((x) => x);
    // Without timesync the encrypted timestamp is an hour off: the KDC says KRB_AP_ERR_SKEW.
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(37);
    expect(e.message).toMatch(/KDC's clock is 3[56]\d\d s ahead of the local clock/);
    // A user without pre-authentication gets a reply; its starttime is an hour ahead: refused by us.
    await realm.addPrincipal('skewed-nopa', { password: PW, requiresPreauth: false });
    const p = await getInitialCredentials({ transport, client: `skewed-nopa@${R}`, password: PW, now, options: { kdcTimesync: false } }).catch((x) => x);
    expect(p).toBeInstanceOf(ProtocolError);
    expect(p.code).toBe('ERR_CLOCK_SKEW');
    expect(p.message).toMatch(/3[56]\d\d s ahead/);
  });

  it('canonicalize works; an enterprise name gets the answer MIT kinit -E gets (no aliases in the DB2 back end)', async () => {
    await realm.addPrincipal('ent', { password: PW });
    const r = await getInitialCredentials({ transport, client: `ent@${R}`, password: PW, options: { canonicalize: true } });
    expect(r.credential.client).toEqual({ nameType: 1, realm: R, components: ['ent'] });
    await klist(writeCache([r.credential]));
    const mit = await realm.kinit(`ent@${R}`, PW, ['-E', '-c', `FILE:${realm.dir}/ent-mit`]);
    expect(mit.code).not.toBe(0);
    expect(mit.stderr).toContain(`Client 'ent\\@${R}@${R}' not found in Kerberos database`);
    const e = await getInitialCredentials({ transport, client: `ent@${R}`, realm: R, password: PW, options: { enterprise: true } }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(6);
    expect(e.message).toContain(`client ent\\@${R}@${R} not found`);
  });

  let tgt: InitialCredentials;

  it('a service ticket via TGS for a service with single-etype keys; MIT kvno -k verifies it with the MIT keytab', async () => {
    await realm.addPrincipal('alice', { password: PW });
    tgt = await getInitialCredentials({ transport, client: `alice@${R}`, password: PW, options: { forwardable: true, lifetimeSec: 600, renewLifetimeSec: 3600 } });
    await realm.addPrincipal('HTTP/single.tskrb5.test', { randkey: true, enctypes: ['aes256-cts-hmac-sha384-192'] });
    const kt = join(realm.dir, 'http-single.keytab');
    await realm.ktadd(`HTTP/single.tskrb5.test@${R}`, kt);
    for (const subkey of [true, false]) {
      const s = await getServiceTicket({ transport, tgt: tgt.credential, server: `HTTP/single.tskrb5.test@${R}`, options: { subkey } });
      expect(s.realm).toBe(R);
      expect(s.tgts).toEqual([]);
      expect(s.credential.server).toEqual({ nameType: 1, realm: R, components: ['HTTP', 'single.tskrb5.test'] });
      expect(s.credential.client).toEqual({ nameType: 1, realm: R, components: ['alice'] });
      expect(Ticket.decode(s.credential.ticket).encPart.etype).toBe(20);
      const cache = writeCache([tgt.credential, s.credential]);
      const out = await klist(cache);
      expect(out).toMatch(/HTTP\/single\.tskrb5\.test@TSKRB5\.TEST\n\t(?:renew until [^\n]+, )?Flags: FRAT(?:, |\n\t)Etype \(skey, tkt\): [a-z0-9-]+, aes256-cts-hmac-sha384-192/);
      // kvno finds our ticket in the cache (no new request) and decrypts it with the MIT keytab.
      const k = await realm.run('kvno', ['-c', cache, '-k', kt, 'HTTP/single.tskrb5.test']);
      expect(k.code, k.stderr).toBe(0);
      expect(k.stdout).toMatch(/HTTP\/single\.tskrb5\.test@TSKRB5\.TEST: kvno = \d+, keytab entry valid/);
    }
  });

  it('a service name without a realm is asked at the TGT realm (referral realm)', async () => {
    await realm.addPrincipal('host/norealm.tskrb5.test', { randkey: true });
    const s = await getServiceTicket({ transport, tgt: tgt.credential, server: 'host/norealm.tskrb5.test' });
    expect(s.credential.server.realm).toBe(R);
    expect(transport.realms.at(-1)).toBe(R);
  });

  it('an unknown service is KdcError 7', async () => {
    const e = await getServiceTicket({ transport, tgt: tgt.credential, server: `HTTP/missing.tskrb5.test@${R}` }).catch((x) => x);
    expect(e).toBeInstanceOf(KdcError);
    expect(e.errorCode).toBe(7);
    expect(e.message).toMatch(/server HTTP\/missing\.tskrb5\.test@TSKRB5\.TEST not found in Kerberos database/);
  });

  it('renew: the renewed TGT keeps authtime, is renewable, and MIT kvno uses it', async () => {
    expect(tgt.credential.flags & RENEWABLE).toBe(RENEWABLE);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await renewCredential({ transport, tgt: tgt.credential });
    expect(r.credential.authtime.getTime()).toBe(tgt.credential.authtime.getTime());
    expect(r.credential.starttime.getTime()).toBeGreaterThan(tgt.credential.starttime.getTime());
    expect(r.credential.flags & RENEWABLE).toBe(RENEWABLE);
    expect(r.credential.endtime.getTime()).toBeGreaterThan(tgt.credential.endtime.getTime());
    expect(r.credential.renewTill.getTime()).toBe(tgt.credential.renewTill.getTime());
    expect(r.credential.ticket).not.toEqual(tgt.credential.ticket);
    const cache = writeCache([r.credential]);
    await klist(cache);
    await realm.addPrincipal('host/renewed.tskrb5.test', { randkey: true });
    const k = await realm.run('kvno', ['-c', cache, 'host/renewed.tskrb5.test']);
    expect(k.code, k.stderr).toBe(0);
  });

  it('a forwarded TGT for delegation has the FORWARDED flag and works for MIT kvno', async () => {
    const f = await getForwardedTgt({ transport, tgt: tgt.credential });
    expect(f.credential.flags & (FORWARDED | FORWARDABLE)).toBe(FORWARDED | FORWARDABLE);
    expect(f.credential.server.components).toEqual(['krbtgt', R]);
    const cache = writeCache([f.credential]);
    expect(await klist(cache)).toMatch(/Flags: Ff/);
    await realm.addPrincipal('host/fwd.tskrb5.test', { randkey: true });
    const k = await realm.run('kvno', ['-c', cache, 'host/fwd.tskrb5.test']);
    expect(k.code, k.stderr).toBe(0);
  });
});
