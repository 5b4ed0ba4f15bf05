/**
 * The acceptor's PAC, against MIT: MIT krb5kdc 1.20 puts a PAC in alice's ticket, MIT's
 * initiator (python-gssapi) sends it; our Krb5Acceptor verifies it (server checksum with the
 * keytab's key, CLIENT_INFO against the ticket) and exposes it; MIT's own krb5_pac_verify
 * (test/mit/krb5harness) accepts the same bytes with the same inputs. Then the same AP-REQ with
 * the PAC tampered (its ticket re-encrypted with the service key): MIT's acceptor (python-gssapi,
 * its own acceptor, not ours) still establishes the context — its mspac plugin only leaves the
 * PAC unverified — and so do we in the default mode, without a `pac` and with `pacError`;
 * `pac: 'require'` refuses. A PAC whose header does not parse: both acceptors refuse.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPac } from '../../src/ap/index.js';
import { decrypt, encrypt } from '../../src/crypto/index.js';
import { IntegrityError } from '../../src/errors.js';
import { decodeKeytab, type KeytabEntry } from '../../src/formats/index.js';
import { GssAcceptError, Krb5Acceptor, decodeKrb5Message, encodeKrb5Message } from '../../src/gssapi/index.js';
import { AdType } from '../../src/iana/index.js';
import { ADIfRelevant, EncTicketPart, type APReq, fileTimeToDate, parsePacHeader } from '../../src/messages/index.js';
import { gssPeerMissing, startGssPeer } from '../interop/gss-peer.mjs';
import { missingPeers, startRealm } from '../interop/realm.mjs';
import { HARNESS_SETUP, openHarness, type MitHarness } from '../mit/harness.js';

const IN_CI = process.env.CI === 'true';
const missing: string[] = [...missingPeers(), ...gssPeerMissing()];
const R = 'PACGSS.TEST';
const PW = 'Pac-Pa55word!';
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.skipIf(!IN_CI && missing.length > 0)("the acceptor's PAC, against MIT's KDC, MIT's krb5_pac_verify and MIT's acceptor", () => {
  let realm: any;
  let peer: any;
  let keys: KeytabEntry[];
  let mit: MitHarness;

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    const r = spawnSync(process.execPath, [HARNESS_SETUP, ...(IN_CI ? ['--install'] : [])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot build the MIT harness: ${r.stdout}${r.stderr}`);
    mit = openHarness();
    realm = await startRealm({ realm: R });
    await realm.addPrincipal('alice', { password: PW });
    await realm.addPrincipal('HTTP/localhost', { randkey: true, enctypes: ['aes256-cts-hmac-sha1-96'] });
    const kt = await realm.ktadd(`HTTP/localhost@${R}`, join(realm.dir, 'http.keytab'));
    keys = decodeKeytab(new Uint8Array(readFileSync(kt))).entries;
    const k = await realm.kinit('alice', PW);
    if (k.code !== 0) throw new Error(`kinit: ${k.stderr}`);
    // MIT's acceptor with the same keytab, without a replay cache (it sees one AP-REQ several times).
    peer = await startGssPeer({ env: { ...realm.env, KRB5_KTNAME: `FILE:${kt}`, KRB5RCACHETYPE: 'none' } });
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
    await realm?.stop();
    await mit?.close();
  });

  const initToken = async () => {
    const r = await peer.request({ op: 'init', service: 'HTTP@localhost', mech: 'krb5', flags: 0x02 | 0x20 | 0x10 });
    if (r.error) throw new Error(`gss-peer init: ${r.error}`);
    return fromB64(r.token);
  };
  const mitAccepts = async (token: Uint8Array) => {
    const r = await peer.request({ op: 'accept', token: b64(token) });
    return r.error ? `refused: ${r.error}` : `established as ${r.user}`;
  };

  /** The AP-REQ with the ticket's PAC replaced by what `edit` makes of it, re-encrypted with the service key. */
  function withPac(token: Uint8Array, edit: (pac: Uint8Array) => Uint8Array): Uint8Array {
    const m = decodeKrb5Message(token);
    const ap = m.message.value as APReq;
    const key = keys.find((e) => e.key.etype === ap.ticket.encPart.etype)!.key;
    const part = EncTicketPart.decode(decrypt(key, 2, ap.ticket.encPart.cipher));
    const authorizationData = (part.authorizationData ?? []).map((e) =>
      e.adType === AdType.AD_IF_RELEVANT
        ? {
            adType: e.adType,
            adData: ADIfRelevant.encode(ADIfRelevant.decode(e.adData).map((i) => (i.adType === AdType.AD_WIN2K_PAC ? { adType: i.adType, adData: edit(i.adData) } : i))),
          }
        : e,
    );
    const cipher = encrypt(key, 2, EncTicketPart.encode({ ...part, authorizationData }));
    const value = { ...ap, ticket: { ...ap.ticket, encPart: { ...ap.ticket.encPart, cipher } } };
    return encodeKrb5Message({ type: 'AP-REQ', value }, { framed: true, mech: m.mech! });
  }

  it("MIT's PAC is verified and exposed; MIT's krb5_pac_verify agrees on the same bytes", async () => {
    const token = await initToken();
    const a = new Krb5Acceptor({ keys, replayCache: false });
    a.accept(token);
    expect(a.established).toBe(true);
    expect(a.pacError).toBeUndefined();
    expect(a.pac).toBeDefined();
    // MIT 1.20's KDC PAC: CLIENT_INFO, the ticket checksum, the server and KDC checksums.
    expect(a.pac!.buffers.map((b) => b.type)).toEqual([10, 16, 6, 7]);
    const ci = a.pac!.buffers.find((b) => b.kind === 'clientInfo')!.value as { name: string; clientId: string };
    expect(ci.name).toBe('alice');
    expect(fileTimeToDate(ci.clientId)!.getTime() / 1000).toBe(a.ticketPart!.authtime.getTime() / 1000);
    expect(a.groups).toEqual([]); // no LOGON_INFO from an MIT KDC
    const pac = findPac(a.ticketPart!.authorizationData)!;
    const key = keys.find((e) => e.key.etype === 18)!.key;
    expect(await mit.call(`pacverify ${hex(pac)} ${a.ticketPart!.authtime.getTime() / 1000} ${hex(new TextEncoder().encode(`alice@${R}`))} 18 ${hex(key.value)} 0 - 0`)).toBe('ok');
  });

  it("a PAC whose server checksum fails: MIT's acceptor establishes the context (the PAC unverified); so do we, without the PAC, unless pac: 'require'", async () => {
    const tampered = withPac(await initToken(), (pac) => {
      const p = pac.slice();
      const server = parsePacHeader(p).find((h) => h.type === 6)!;
      p[server.offset + 4]! ^= 1; // the signature itself
      return p;
    });
    expect(await mitAccepts(tampered)).toBe(`established as alice@${R}`);
    const a = new Krb5Acceptor({ keys, replayCache: false });
    a.accept(tampered);
    expect(a.established).toBe(true);
    expect(a.pac).toBeUndefined();
    expect(a.groups).toEqual([]);
    expect(a.pacError).toBeInstanceOf(IntegrityError);
    expect(a.pacError!.code).toBe('ERR_PAC_SERVER_CHECKSUM');
    const strict = new Krb5Acceptor({ keys, replayCache: false, pac: 'require' });
    expect(() => strict.accept(tampered)).toThrow(GssAcceptError);
    try {
      new Krb5Acceptor({ keys, replayCache: false, pac: 'require' }).accept(tampered);
    } catch (e) {
      expect((e as GssAcceptError).code).toBe('ERR_PAC_SERVER_CHECKSUM');
      expect((e as GssAcceptError).cause).toBeInstanceOf(IntegrityError);
    }
  });

  it('a PAC whose header does not parse (Version 1): both acceptors refuse', async () => {
    const bad = withPac(await initToken(), (pac) => {
      const p = pac.slice();
      p[4] = 1;
      return p;
    });
    expect(await mitAccepts(bad)).toMatch(/^refused/);
    expect(() => new Krb5Acceptor({ keys, replayCache: false }).accept(bad)).toThrow(expect.objectContaining({ code: 'ERR_PAC_MALFORMED' }));
  });

  it('a ticket without a PAC: accepted by both; refused with pac: "require"', async () => {
    const none = withPac(await initToken(), (pac) => pac); // unchanged, then the PAC removed below
    const m = decodeKrb5Message(none);
    const ap = m.message.value as APReq;
    const key = keys.find((e) => e.key.etype === ap.ticket.encPart.etype)!.key;
    const part = EncTicketPart.decode(decrypt(key, 2, ap.ticket.encPart.cipher));
    const { authorizationData: _, ...rest } = part;
    const cipher = encrypt(key, 2, EncTicketPart.encode(rest));
    const token = encodeKrb5Message({ type: 'AP-REQ', value: { ...ap, ticket: { ...ap.ticket, encPart: { ...ap.ticket.encPart, cipher } } } }, { framed: true, mech: m.mech! });
    expect(await mitAccepts(token)).toBe(`established as alice@${R}`);
    const a = new Krb5Acceptor({ keys, replayCache: false });
    a.accept(token);
    expect(a.pac).toBeUndefined();
    expect(a.pacError).toBeUndefined();
    expect(() => new Krb5Acceptor({ keys, replayCache: false, pac: 'require' }).accept(token)).toThrow(expect.objectContaining({ code: 'ERR_PAC_REQUIRED' }));
  });
});
