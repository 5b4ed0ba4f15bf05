/**
 * The KCM framing and the fallback from GET_CRED_LIST to the UUID walk, against a small fake
 * daemon on a unix socket (no sssd needed): it plays a daemon that does not know MIT's extension.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KcmCollection, KcmOp, KcmStatus, type CcacheCredential } from '../../src/node/ccache/index.js';
import { encodeCcacheCredential, encodeCcachePrincipal } from '../../src/formats/index.js';
import { KcmTc, kcmMatches } from '../../src/node/ccache/kcm/protocol.js';
import { fakeCred } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tskrb5-fakekcm-'));
const sock = join(dir, 's');
const alice = { realm: 'EX.COM', components: ['alice'], nameType: 1 };
const creds: CcacheCredential[] = [fakeCred(alice, 'krbtgt/EX.COM'), fakeCred(alice)];
const seen: number[] = [];
/** Whole requests (length prefix included) by opcode, as the fake daemon received them. */
const requests = new Map<number, Buffer>();
/** When set, RETRIEVE / REMOVE_CRED answer this status (a daemon that does not implement them). */
let unsupported = 0;
let stored: CcacheCredential[] = [];
/** When set, REPLACE answers this status (sssd-kcm 2.8 and Heimdal's kcm do not implement it). */
let replaceStatus: number = KcmStatus.KRB5_CC_NOSUPP;
let server: net.Server;

function reply(s: net.Socket, status: number, payload: Uint8Array = new Uint8Array(0)) {
  const b = Buffer.alloc(12 + payload.length);
  b.writeUInt32BE(4 + payload.length, 0);
  b.writeUInt32BE(0, 4);
  b.writeInt32BE(status, 8);
  Buffer.from(payload).copy(b, 12);
  s.end(b);
}

beforeAll(async () => {
  server = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
      expect([buf[4], buf[5]]).toEqual([2, 0]);
      const op = buf.readUInt16BE(6);
      seen.push(op);
      requests.set(op, Buffer.from(buf));
      const body = buf.subarray(8);
      const name = body.subarray(0, Math.max(0, body.indexOf(0))).toString();
      switch (op) {
        case KcmOp.GET_DEFAULT_CACHE:
          return reply(s, 0, Buffer.from('c1\0'));
        case KcmOp.GET_CACHE_UUID_LIST:
          return reply(s, 0, Buffer.alloc(32, 1).fill(2, 16));
        case KcmOp.GET_CACHE_BY_UUID:
          return body[0] === 1 ? reply(s, 0, Buffer.from('c1\0')) : reply(s, KcmStatus.KRB5_FCC_NOFILE);
        case KcmOp.GET_PRINCIPAL:
          return name === 'c1' ? reply(s, 0, encodeCcachePrincipal(alice)) : reply(s, KcmStatus.KRB5_FCC_NOFILE);
        case KcmOp.GET_CRED_LIST:
          return reply(s, KcmStatus.KRB5_CC_NOSUPP);
        case KcmOp.GET_CRED_UUID_LIST:
          return reply(s, 0, Buffer.concat([Buffer.alloc(16, 0xa), Buffer.alloc(16, 0xb)]));
        case KcmOp.GET_CRED_BY_UUID:
          return reply(s, 0, encodeCcacheCredential(creds[body[name.length + 1] === 0xa ? 0 : 1]!));
        case KcmOp.RETRIEVE:
          return unsupported ? reply(s, unsupported) : reply(s, 0, encodeCcacheCredential(creds[0]!));
        case KcmOp.REMOVE_CRED:
          return reply(s, unsupported);
        case KcmOp.INITIALIZE:
          stored = [];
          return reply(s, 0);
        case KcmOp.REPLACE: {
          if (replaceStatus) return reply(s, replaceStatus);
          // (name, offset, principal, count, count × {length, cred}): the credentials are ours, found by their bytes
          let at = name.length + 1 + 4 + encodeCcachePrincipal(alice).length;
          const k = body.readUInt32BE(at);
          at += 4;
          stored = [];
          for (let i = 0; i < k; i++) {
            const len = body.readUInt32BE(at);
            stored.push(creds.find((c) => Buffer.from(encodeCcacheCredential(c)).equals(body.subarray(at + 4, at + 4 + len)))!);
            at += 4 + len;
          }
          return reply(s, 0);
        }
        case KcmOp.STORE:
          stored.push(creds.find((c) => Buffer.from(encodeCcacheCredential(c)).equals(body.subarray(name.length + 1)))!);
          return reply(s, 0);
        default:
          return reply(s, KcmStatus.KRB5_CC_NOSUPP);
      }
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('KCM protocol (fake daemon)', () => {
  it('lists caches, skipping ones deleted meanwhile; falls back to the UUID walk', async () => {
    const col = new KcmCollection({ socketPath: sock });
    const list = await col.list();
    expect(list.map((s) => s.name)).toEqual(['KCM:c1']);
    expect(await list[0]!.getCredentials()).toEqual(creds);
    expect(seen).toContain(KcmOp.GET_CRED_LIST);
    expect(seen).toContain(KcmOp.GET_CRED_BY_UUID);
  });
  it('an unknown operation is a KcmError with the status', async () => {
    const col = new KcmCollection({ socketPath: sock });
    await expect(col.store('c1').setKdcOffset(1)).rejects.toMatchObject({ status: KcmStatus.KRB5_CC_NOSUPP, code: 'ERR_KCM' });
  });
});

describe("initialize(principal, credentials): KCM_OP_REPLACE, else MIT's non-atomic fallback", () => {
  const col = () => new KcmCollection({ socketPath: sock });
  it('one REPLACE request (name, KDC offset, principal, count, length-prefixed credentials), as MIT kcm_replace', async () => {
    replaceStatus = 0;
    stored = [];
    seen.length = 0;
    await col().store('c1').initialize(alice, creds, { kdcOffsetSeconds: -3 });
    expect(seen).toEqual([KcmOp.REPLACE]);
    expect(stored).toEqual(creds);
    const c = creds.map((x) => Buffer.from(encodeCcacheCredential(x)));
    const params = Buffer.concat([
      Buffer.from('c1\0'),
      hex('fffffffd'),
      Buffer.from(encodeCcachePrincipal(alice)),
      hex('00000002'),
      ...c.flatMap((b) => [Buffer.from([0, 0, b.length >> 8, b.length & 0xff]), b]),
    ]);
    expect(requests.get(KcmOp.REPLACE)).toEqual(Buffer.concat([Buffer.from([0, 0, (params.length + 4) >> 8, (params.length + 4) & 0xff]), hex('02 00 32ca'), params]));
  });
  it('a daemon without it: INITIALIZE then one STORE per credential (sssd CC_IO, Heimdal FCC_INTERNAL, CC_NOSUPP); another error is thrown', async () => {
    for (const status of [KcmStatus.KRB5_CC_IO, KcmStatus.KRB5_FCC_INTERNAL, KcmStatus.KRB5_CC_NOSUPP]) {
      replaceStatus = status;
      stored = [];
      seen.length = 0;
      await col().store('c1').initialize(alice, creds);
      expect(seen).toEqual([KcmOp.REPLACE, KcmOp.INITIALIZE, KcmOp.STORE, KcmOp.STORE]);
      expect(stored).toEqual(creds);
    }
    replaceStatus = KcmStatus.KRB5_FCC_NOFILE;
    await expect(col().store('c1').initialize(alice, creds)).rejects.toMatchObject({ status: KcmStatus.KRB5_FCC_NOFILE });
    replaceStatus = 0;
    // without credentials: INITIALIZE alone, as before
    seen.length = 0;
    await col().store('c1').initialize(alice);
    expect(seen).toEqual([KcmOp.INITIALIZE]);
    replaceStatus = KcmStatus.KRB5_CC_NOSUPP; // the fake's default: a daemon without MIT's extensions
  });
});

/** Hex with spaces and line breaks allowed. */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RETRIEVE and REMOVE_CRED requests, byte for byte as MIT cc_kcm.c + k5_marshal_mcred', () => {
  const col = () => new KcmCollection({ socketPath: sock });
  it('RETRIEVE (name, flags | KCM_GC_CACHED, mcred with client and server) → the credential', async () => {
    unsupported = 0;
    const got = await col()
      .store('c1')
      .retrieve({ client: alice, server: { realm: 'EX.COM', components: ['krbtgt', 'EX.COM'], nameType: 2 } });
    expect(got).toEqual(creds[0]);
    expect(requests.get(KcmOp.RETRIEVE)).toEqual(
      hex(
        `
      00000065                      -- length: 101 bytes follow
      02 00 0007                    -- KCM 2.0, opcode 7 RETRIEVE
      633100                        -- "c1" NUL
      00000001                      -- flags: KCM_GC_CACHED (MIT adds it; no TC flags)
      00000003                      -- mcred header: SC_CLIENT_PRINCIPAL | SC_SERVER_PRINCIPAL
      00000001 00000001 00000006 45582e434f4d 00000005 616c696365               -- client alice@EX.COM (type 1)
      00000002 00000002 00000006 45582e434f4d 00000006 6b72627467 74 00000006 45582e434f4d -- server krbtgt/EX.COM@EX.COM (type 2)
      00000000 00000000 00000000 00000000   -- authtime, starttime, endtime, renew_till: always sent
      00                            -- is_skey
      00000000                      -- ticket flags
    `.replace(/--[^\n]*/g, ''),
      ),
    );
  });
  it('REMOVE_CRED (name, flags, mcred with server, endtime and ticket); Heimdal flag values', async () => {
    unsupported = 0;
    seen.length = 0;
    await col()
      .store('c1')
      .remove({ server: creds[1]!.server, endtime: new Date(1_700_036_000_000), ticket: Uint8Array.of(0x61, 3, 1, 2, 3) }, KcmTc.MATCH_SRV_NAMEONLY | KcmTc.MATCH_TIMES);
    expect(seen).toEqual([KcmOp.REMOVE_CRED]); // the daemon did it: no rewrite
    expect(requests.get(KcmOp.REMOVE_CRED)).toEqual(
      hex(
        `
      00000055                      -- length: 85 bytes follow
      02 00 000b                    -- KCM 2.0, opcode 11 REMOVE_CRED
      633100                        -- "c1" NUL
      22000000                      -- KCM_TC_MATCH_SRV_NAMEONLY (1<<29) | KCM_TC_MATCH_TIMES (1<<25), no GC_CACHED
      0000000a                      -- mcred header: SC_SERVER_PRINCIPAL | SC_TICKET
      00000002 00000002 00000006 45582e434f4d 00000004 48545450 0000000a 7777772e65782e636f6d -- HTTP/www.ex.com@EX.COM
      00000000 00000000 65547da0 00000000   -- times: endtime 1700036000
      00                            -- is_skey
      00000000                      -- ticket flags
      00000005 6103010203           -- ticket (present, so sent)
    `.replace(/--[^\n]*/g, ''),
      ),
    );
  });
  it('a key, addresses, authdata and second ticket set the other header bits in MIT order', async () => {
    unsupported = 0;
    await col()
      .store('c1')
      .removeCred(
        {
          key: { etype: 18, value: Uint8Array.of(0xaa, 0xbb) },
          isSkey: true,
          flags: 0x40000000,
          addresses: [{ type: 2, data: Uint8Array.of(127, 0, 0, 1) }],
          authdata: [{ type: 1, data: Uint8Array.of(9) }],
          secondTicket: Uint8Array.of(0x61),
        },
        KcmTc.MATCH_IS_SKEY,
      );
    expect(requests.get(KcmOp.REMOVE_CRED)).toEqual(
      hex(
        `
      0000004a 0200000b 633100      -- length 74
      00400000                      -- KCM_TC_MATCH_IS_SKEY (1<<22)
      00000074                      -- SC_SESSION_KEY 04 | SC_SECOND_TICKET 10 | SC_AUTHDATA 20 | SC_ADDRESSES 40
      0012 00000002 aabb            -- keyblock: enctype 18 (16 bits), length, value
      00000000 00000000 00000000 00000000
      01 40000000                   -- is_skey, ticket flags
      00000001 0002 00000004 7f000001   -- addresses
      00000001 0001 00000001 09         -- authdata
      00000001 61                       -- second ticket
    `.replace(/--[^\n]*/g, ''),
      ),
    );
  });
  it('falls back as MIT when the daemon does not implement them (Heimdal FCC_INTERNAL, sssd CC_NOSUPP / CC_IO)', async () => {
    for (const status of [KcmStatus.KRB5_FCC_INTERNAL, KcmStatus.KRB5_CC_NOSUPP, KcmStatus.KRB5_CC_IO]) {
      unsupported = status;
      const s = col().store('c1');
      seen.length = 0;
      expect(await s.retrieve({ client: alice, server: creds[1]!.server })).toEqual(creds[1]);
      expect(seen[0]).toBe(KcmOp.RETRIEVE);
      expect(seen).toContain(KcmOp.GET_CRED_BY_UUID); // the scan
      expect(await s.retrieve({ client: alice, server: { ...creds[1]!.server, realm: 'OTHER' } })).toBeNull();
      // SRV_NAMEONLY ignores the realm in the local match too
      expect(await s.retrieve({ client: alice, server: { ...creds[1]!.server, realm: 'OTHER' } }, KcmTc.MATCH_SRV_NAMEONLY)).toEqual(creds[1]);
      seen.length = 0;
      await expect(s.removeCred({ server: creds[1]!.server })).rejects.toMatchObject({ status });
      seen.length = 0;
      await s.remove({ server: creds[1]!.server });
      expect(seen[0]).toBe(KcmOp.REMOVE_CRED);
      expect(seen).toContain(KcmOp.INITIALIZE);
      expect(stored).toEqual([creds[0]]); // the rewrite kept the rest
    }
    // another error is not "unsupported": no fallback
    unsupported = KcmStatus.KRB5_FCC_NOFILE;
    await expect(col().store('c1').remove({ server: creds[1]!.server })).rejects.toMatchObject({ status: KcmStatus.KRB5_FCC_NOFILE });
    await expect(col().store('c1').retrieve({ server: creds[1]!.server })).rejects.toMatchObject({ status: KcmStatus.KRB5_FCC_NOFILE });
    unsupported = KcmStatus.KRB5_CC_END; // Heimdal's "not found"
    expect(await col().store('c1').retrieve({ server: creds[1]!.server })).toBeNull();
  });
  it('the local matcher follows MIT defaults: client and server compared with realm, name type ignored', () => {
    const c = creds[1]!;
    expect(kcmMatches(c, { server: { ...c.server, nameType: 1 } })).toBe(true);
    expect(kcmMatches(c, { client: { ...alice, components: ['bob'] } })).toBe(false);
    expect(kcmMatches(c, { flags: 0x40000000 }, KcmTc.MATCH_FLAGS)).toBe(true);
    expect(kcmMatches(c, { flags: 0x1 }, KcmTc.MATCH_FLAGS)).toBe(false);
    expect(kcmMatches(c, { isSkey: true }, KcmTc.MATCH_IS_SKEY)).toBe(false);
  });
});
