/**
 * The KCM framing and the fallback from GET_CRED_LIST to the UUID walk, against a small fake
 * daemon on a unix socket (no sssd needed): it plays a daemon that does not know MIT's extension.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KcmCollection, KcmOp, KcmStatus, encodeCredentialV4, encodePrincipalV4, type CcacheCredential } from '../../src/node/ccache/index.js';
import { fakeCred } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tskrb5-fakekcm-'));
const sock = join(dir, 's');
const alice = { realm: 'EX.COM', components: ['alice'], nameType: 1 };
const creds: CcacheCredential[] = [fakeCred(alice, 'krbtgt/EX.COM'), fakeCred(alice)];
const seen: number[] = [];
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
      const body = buf.subarray(8);
      const name = body.subarray(0, Math.max(0, body.indexOf(0))).toString();
      switch (op) {
        case KcmOp.GET_DEFAULT_CACHE: return reply(s, 0, Buffer.from('c1\0'));
        case KcmOp.GET_CACHE_UUID_LIST: return reply(s, 0, Buffer.alloc(32, 1).fill(2, 16));
        case KcmOp.GET_CACHE_BY_UUID: return body[0] === 1 ? reply(s, 0, Buffer.from('c1\0')) : reply(s, KcmStatus.KRB5_FCC_NOFILE);
        case KcmOp.GET_PRINCIPAL: return name === 'c1' ? reply(s, 0, encodePrincipalV4(alice)) : reply(s, KcmStatus.KRB5_FCC_NOFILE);
        case KcmOp.GET_CRED_LIST: return reply(s, KcmStatus.KRB5_CC_NOSUPP);
        case KcmOp.GET_CRED_UUID_LIST: return reply(s, 0, Buffer.concat([Buffer.alloc(16, 0xa), Buffer.alloc(16, 0xb)]));
        case KcmOp.GET_CRED_BY_UUID: return reply(s, 0, encodeCredentialV4(creds[body[name.length + 1] === 0xa ? 0 : 1]!));
        default: return reply(s, KcmStatus.KRB5_CC_NOSUPP);
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
