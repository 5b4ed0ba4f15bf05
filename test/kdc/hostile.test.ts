/**
 * Hostile input to the embedded KDC: the sans-I/O handler on every truncation and many bit flips
 * of MIT kinit's and kvno's recorded requests and on random bytes (it never throws; it answers a
 * KRB-ERROR or a reply, or drops what is not a request), and the listeners on garbage datagrams,
 * oversized and stalled TCP streams, and more connections than allowed — after which MIT kinit
 * still gets its ticket.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM helper without types
import { missingPeers, runCmd } from '../interop/realm.mjs';
import { Kdc, KdcDatabase } from '../../src/kdc/index.js';
import { startKdc, type RunningKdc } from '../../src/kdc/node/index.js';
import { decodeKerberosMessage } from '../../src/messages/index.js';
import fixture from '../../fixtures/mit/kdc-exchanges.json' with { type: 'json' };

const IN_CI = process.env.CI === 'true';
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const requests = fixture.exchanges.map((e) => hex(e.request.hex));

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s;
  };
}

describe('the KDC core on hostile bytes', () => {
  const kdc = new Kdc(new KdcDatabase({ realm: fixture.realm, principals: [{ name: 'alice', password: 'alice-Pa55word' }, { name: 'HTTP/localhost' }] }));
  const check = (b: Uint8Array) => {
    const { reply } = kdc.handle(b);
    if (reply === undefined) return 'dropped';
    const m = decodeKerberosMessage(reply);
    expect(['KRB-ERROR', 'AS-REP', 'TGS-REP']).toContain(m.type);
    return m.type;
  };

  it('every truncation of every recorded request: a KRB-ERROR or a drop, never a throw', () => {
    const seen = new Set<string>();
    for (const r of requests) for (let n = 0; n < r.length; n++) seen.add(check(r.subarray(0, n)));
    expect(seen).toContain('dropped');
  });

  it('bit flips and byte changes of the recorded requests (20,000): a reply, a KRB-ERROR or a drop, never a throw', () => {
    const next = rng(15);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const r = Uint8Array.from(requests[i % requests.length]!);
      const flips = 1 + (next() % 4);
      for (let k = 0; k < flips; k++) {
        const at = next() % r.length;
        if (next() % 2) r[at] = r[at]! ^ (1 << (next() % 8));
        else r[at] = next() & 0xff;
      }
      seen.add(check(r));
    }
    expect(seen).toContain('KRB-ERROR');
    expect(seen).toContain('dropped');
  });

  it('random bytes, and random bytes behind an AS-REQ/TGS-REQ tag', () => {
    const next = rng(7);
    for (let i = 0; i < 5000; i++) {
      const b = Uint8Array.from({ length: next() % 300 }, () => next() & 0xff);
      if (b.length && i % 2) b[0] = i % 4 === 1 ? 0x6a : 0x6c;
      check(b);
    }
  });
});

const missing: string[] = missingPeers(['kinit']);
const skip = !IN_CI && missing.length > 0;

describe.skipIf(skip)(`the listeners on hostile input${skip ? ` (skipped: missing ${missing.join(', ')})` : ''}`, () => {
  let kdc: RunningKdc;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskrb5-kdc-hostile-'));
    kdc = await startKdc({ realm: 'HOSTILE.TEST', principals: [{ name: 'alice', password: 'pw' }], idleTimeoutMs: 1500, maxConnections: 8, maxRequestBytes: 4096 });
  });
  afterAll(async () => {
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const stillServes = async () => {
    const r = await runCmd('kinit', ['alice'], { env: { ...process.env, ...kdc.env, KRB5CCNAME: `FILE:${join(dir, 'cc')}` }, input: 'pw\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  };
  const closed = (sock: net.Socket) =>
    new Promise<number>((resolve) => {
      const t0 = Date.now();
      sock.on('error', () => {});
      sock.once('close', () => resolve(Date.now() - t0));
    });

  it('garbage and truncated datagrams are dropped (no reply), a truncated AS-REQ gets none either, and kinit still works', async () => {
    const sock = dgram.createSocket('udp4');
    const got: Buffer[] = [];
    sock.on('message', (m) => got.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const send = (b: Uint8Array) => new Promise<void>((r) => sock.send(b, kdc.port, '127.0.0.1', () => r()));
    await send(new Uint8Array(0));
    await send(Uint8Array.from({ length: 1400 }, (_, i) => (i * 37) & 0xff));
    await send(hex(fixture.exchanges[0]!.request.hex).subarray(0, 40));
    await new Promise((r) => setTimeout(r, 300));
    sock.close();
    expect(got).toEqual([]);
    await stillServes();
  });

  it('a TCP length over the limit, or with the high bit set, closes the connection at once', async () => {
    for (const len of [0x7fffffff, 0x80000010, 5000]) {
      const s = net.connect(kdc.port, '127.0.0.1');
      const done = closed(s);
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, len);
      s.write(b);
      expect(await done).toBeLessThan(1000); // well before the 1.5 s idle timeout, with room for a loaded CI machine
    }
  });

  it('a stalled TCP stream is closed after the idle timeout; connections beyond the limit are refused', async () => {
    const s = net.connect(kdc.port, '127.0.0.1');
    const done = closed(s);
    s.write(Uint8Array.of(0, 0, 1));
    const ms = await done;
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(5000);
    const many = Array.from({ length: 12 }, () => net.connect(kdc.port, '127.0.0.1'));
    const closedOnes = many.map(closed);
    const early = await Promise.race([Promise.all(closedOnes.slice(8)), new Promise((r) => setTimeout(() => r('timeout'), 1000))]);
    expect(early).not.toBe('timeout');
    for (const m of many) m.destroy();
    await stillServes();
  });
});
