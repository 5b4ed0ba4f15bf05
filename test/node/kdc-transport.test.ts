/**
 * The Node KDC transport against fake KDCs on 127.0.0.1: UDP and TCP, failover from a refused or
 * silent KDC, timeouts and the overall deadline, KRB_ERR_RESPONSE_TOO_BIG → TCP,
 * udp_preference_limit, TCP length bounds, SRV answers from a fake resolver, abort, and what a
 * TransportError says. Each fake answers with its own tag followed by the request, so a reply
 * shows which server and transport produced it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { parseKrb5Conf } from '../../src/formats/index.js';
import { createKdcTransport, type KdcResolver, type KdcTraceEvent, type KdcTransportOptions, type SrvRecord } from '../../src/node/index.js';
import { deadPort, echo, fakeKdc, krbError, silentKdc, writeFramed, type FakeKdc } from './kdc-fakes.js';

const REALM = 'FAKE.TEST';
const REQ = new Uint8Array([0x6a, 1, 2, 3, 4, 5]);
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

const open: FakeKdc[] = [];
async function kdc(o: Parameters<typeof fakeKdc>[0]): Promise<FakeKdc> {
  const k = await fakeKdc(o);
  open.push(k);
  return k;
}
async function silent(): Promise<FakeKdc> {
  const k = await silentKdc();
  open.push(k);
  return k;
}
/** Answers on both transports with `tag:udp:`/`tag:tcp:` + request. */
function answering(tag: string) {
  return kdc({ udp: (r) => echo(`${tag}:udp:`, r), tcp: (r, s) => writeFramed(s, echo(`${tag}:tcp:`, r)) });
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.close()));
});

function conf(kdcs: string[], extra = '', libdefaults = 'dns_lookup_kdc = false') {
  return parseKrb5Conf(`[libdefaults]\n ${libdefaults}\n${extra}\n[realms]\n ${REALM} = {\n${kdcs.map((k) => `  kdc = ${k}\n`).join('')} }\n`);
}
function transport(profile: KdcTransportOptions['profile'], o: Partial<KdcTransportOptions> = {}) {
  const trace: KdcTraceEvent[] = [];
  const t = createKdcTransport({ profile, timeoutMs: 1000, trace: (e) => trace.push(e), ...o });
  return { t, trace, targets: () => trace.map((e) => `${e.target} ${e.outcome}`) };
}
async function failure(p: Promise<unknown>): Promise<TransportError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TransportError);
  return e as TransportError;
}

describe('UDP and TCP', () => {
  it('a small request goes over UDP and the reply comes back as received', async () => {
    const k = await answering('A');
    const { t, targets } = transport(conf([`127.0.0.1:${k.port}`]));
    expect(text(await t.send(REALM, REQ))).toBe(`A:udp:${text(REQ)}`);
    expect(k.received.map((r) => r.proto)).toEqual(['udp']);
    expect(targets()).toEqual([`udp/127.0.0.1:${k.port} reply`]);
  });

  it('tcpOnly: the request goes over TCP with its length prefix and nothing over UDP', async () => {
    const k = await answering('A');
    const { t } = transport(conf([`127.0.0.1:${k.port}`]));
    expect(text(await t.send(REALM, REQ, { tcpOnly: true }))).toBe(`A:tcp:${text(REQ)}`);
    expect(k.received).toEqual([{ proto: 'tcp', bytes: REQ }]);
  });

  it('a TCP reply written one byte at a time is put back together', async () => {
    const k = await kdc({
      tcp: (r, s) => {
        const rep = echo('slow:', r);
        const all = Buffer.concat([Buffer.from([0, 0, 0, rep.length]), rep]);
        let i = 0;
        const tick = () => {
          if (i < all.length) {
            s.write(all.subarray(i, i + 1));
            i++;
            setTimeout(tick, 2);
          }
        };
        tick();
      },
    });
    const { t } = transport(conf([`127.0.0.1:${k.port}`]));
    expect(text(await t.send(REALM, REQ, { tcpOnly: true }))).toBe(`slow:${text(REQ)}`);
  });
});

describe('failover', () => {
  it('from a KDC whose ports are closed (ECONNREFUSED on UDP and TCP) to the next one', async () => {
    const dead = await deadPort();
    const k = await answering('B');
    const { t, targets } = transport(conf([`127.0.0.1:${dead}`, `127.0.0.1:${k.port}`]));
    const t0 = Date.now();
    expect(text(await t.send(REALM, REQ))).toBe(`B:udp:${text(REQ)}`);
    expect(Date.now() - t0).toBeLessThan(900); // refused at once, no timeout waited
    expect(targets()).toEqual([`udp/127.0.0.1:${dead} error`, `tcp/127.0.0.1:${dead} error`, `udp/127.0.0.1:${k.port} reply`]);
  });

  it('from a KDC that does not answer, after the per-attempt timeout (UDP resent meanwhile)', async () => {
    const s = await silent();
    const k = await answering('B');
    const { t, trace } = transport(conf([`127.0.0.1:${s.port}`, `127.0.0.1:${k.port}`]), { timeoutMs: 300 });
    const t0 = Date.now();
    expect(text(await t.send(REALM, REQ))).toBe(`B:udp:${text(REQ)}`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590); // UDP and TCP each waited 300 ms
    expect(trace.slice(0, 2).map((e) => (e.error as { code?: string }).code)).toEqual(['ETIMEDOUT', 'ETIMEDOUT']);
    // UDP: sent at 0, 100 and 200 ms; TCP: one framed request.
    expect(s.received.map((r) => r.proto)).toEqual(['udp', 'udp', 'udp', 'tcp']);
  });

  it('KDC_ERR_SVC_UNAVAILABLE moves on to the next KDC; another KRB-ERROR is a reply', async () => {
    const busy = await kdc({ udp: () => krbError(29) });
    const k = await kdc({ udp: () => krbError(25) });
    const { t, targets } = transport(conf([`127.0.0.1:${busy.port}`, `127.0.0.1:${k.port}`]));
    const rep = await t.send(REALM, REQ);
    expect(rep[0]).toBe(0x7e);
    expect(targets()[0]).toBe(`udp/127.0.0.1:${busy.port} svc-unavailable`);
    expect(targets().at(-1)).toBe(`udp/127.0.0.1:${k.port} reply`);
  });

  it('an unresolvable host is listed and skipped', async () => {
    const k = await answering('C');
    const resolver: KdcResolver = {
      resolveSrv: async () => [],
      lookup: async (host) => {
        if (host === 'kdc.fake.test') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    };
    const { t, targets } = transport(conf(['nohost.invalid', `kdc.fake.test:${k.port}`]), { resolver });
    expect(text(await t.send(REALM, REQ))).toBe(`C:udp:${text(REQ)}`);
    expect(targets()).toEqual(['udp+tcp/nohost.invalid:88 error', `udp/127.0.0.1:${k.port} reply`]);
  });
});

describe('KRB_ERR_RESPONSE_TOO_BIG and udp_preference_limit', () => {
  it('a UDP reply KRB_ERR_RESPONSE_TOO_BIG is retried over TCP', async () => {
    const k = await kdc({ udp: () => krbError(52), tcp: (r, s) => writeFramed(s, echo('big:', r)) });
    const { t, targets } = transport(conf([`127.0.0.1:${k.port}`]));
    expect(text(await t.send(REALM, REQ))).toBe(`big:${text(REQ)}`);
    expect(k.received.map((r) => r.proto)).toEqual(['udp', 'tcp']);
    expect(targets()).toEqual([`udp/127.0.0.1:${k.port} response-too-big`, `tcp/127.0.0.1:${k.port} reply`]);
  });

  it('after KRB_ERR_RESPONSE_TOO_BIG the rest of the list is tried over TCP only (as MIT restarts TCP-only)', async () => {
    const first = await kdc({ udp: () => krbError(52) }); // its TCP port is closed
    const second = await answering('B');
    const { t, targets } = transport(conf([`127.0.0.1:${first.port}`, `127.0.0.1:${second.port}`]));
    expect(text(await t.send(REALM, REQ))).toBe(`B:tcp:${text(REQ)}`);
    expect(second.received.map((r) => r.proto)).toEqual(['tcp']);
    expect(targets()).toEqual([`udp/127.0.0.1:${first.port} response-too-big`, `tcp/127.0.0.1:${first.port} error`, `tcp/127.0.0.1:${second.port} reply`]);
  });

  it('over TCP the same error is a reply like any other (no loop)', async () => {
    const k = await kdc({ tcp: (_r, s) => writeFramed(s, krbError(52)) });
    const { t } = transport(conf([`127.0.0.1:${k.port}`]));
    expect((await t.send(REALM, REQ, { tcpOnly: true }))[0]).toBe(0x7e);
  });

  it('default limit 1465: a request of 1465 bytes goes UDP first, 1466 bytes TCP first', async () => {
    const k = await answering('L');
    const { t } = transport(conf([`127.0.0.1:${k.port}`]));
    expect(text(await t.send(REALM, new Uint8Array(1465))).slice(0, 6)).toBe('L:udp:');
    expect(text(await t.send(REALM, new Uint8Array(1466))).slice(0, 6)).toBe('L:tcp:');
  });

  it('udp_preference_limit = 1 sends even a small request over TCP first, UDP after', async () => {
    const dead = await deadPort();
    const { t, targets } = transport(conf([`127.0.0.1:${dead}`], '', 'dns_lookup_kdc = false\n udp_preference_limit = 1'));
    await failure(t.send(REALM, REQ));
    expect(targets()).toEqual([`tcp/127.0.0.1:${dead} error`, `udp/127.0.0.1:${dead} error`]);
  });

  it('a per-realm [libdefaults] REALM = { udp_preference_limit } wins', async () => {
    const k = await answering('R');
    const profile = conf([`127.0.0.1:${k.port}`], ` ${REALM} = {\n  udp_preference_limit = 2\n }`, 'dns_lookup_kdc = false\n udp_preference_limit = 5000');
    const { t } = transport(profile);
    expect(text(await t.send(REALM, REQ)).slice(0, 6)).toBe('R:tcp:');
  });
});

describe('TCP length bounds', () => {
  it('a length prefix above the limit fails the attempt before the body, and the next KDC answers', async () => {
    const liar = await kdc({ tcp: (_r, s) => s.write(Buffer.from([0x00, 0x20, 0x00, 0x00])) }); // 2 MiB announced, nothing sent
    const k = await answering('OK');
    const { t, trace } = transport(conf([`127.0.0.1:${liar.port}`, `127.0.0.1:${k.port}`]));
    const t0 = Date.now();
    expect(text(await t.send(REALM, REQ, { tcpOnly: true }))).toBe(`OK:tcp:${text(REQ)}`);
    expect(Date.now() - t0).toBeLessThan(900);
    expect(trace[0]!.error).toMatchObject({ code: 'ERR_KDC_REPLY_TOO_LARGE', message: expect.stringMatching(/2097152 exceeds the limit of 1048576/) });
  });

  it('maxReplyBytes lowers the limit; the reserved high bit and a short reply are errors', async () => {
    const big = await kdc({ tcp: (_r, s) => writeFramed(s, new Uint8Array(200)) });
    const high = await kdc({ tcp: (_r, s) => s.write(Buffer.from([0x80, 0, 0, 1, 0])) });
    const short = await kdc({
      tcp: (_r, s) => {
        s.write(Buffer.from([0, 0, 0, 10, 1, 2, 3]));
        s.end();
      },
    });
    const { t, trace } = transport(conf([big, high, short].map((k) => `127.0.0.1:${k.port}`)), { maxReplyBytes: 100 });
    const e = await failure(t.send(REALM, REQ, { tcpOnly: true }));
    expect(trace.map((x) => (x.error as { code?: string }).code)).toEqual(['ERR_KDC_REPLY_TOO_LARGE', 'ERR_KDC_BAD_RECORD_MARK', 'ECONNRESET']);
    expect(e.message).toMatch(/connection closed after 3 of 10 bytes/);
  });
});

describe('SRV records (dns_lookup_kdc, MIT default true) from a fake resolver', () => {
  function fakeDns(srv: Record<string, SrvRecord[]>) {
    const asked: string[] = [];
    const resolver: KdcResolver = {
      async resolveSrv(name) {
        asked.push(name);
        return srv[name] ?? [];
      },
      async lookup(host) {
        if (host.endsWith('.fake.test')) return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    };
    return { resolver, asked };
  }
  const noKdc = parseKrb5Conf(`[libdefaults]\n default_realm = ${REALM}\n`);

  it('queries _kerberos._udp then _kerberos._tcp and tries by priority; UDP records over UDP, TCP records over TCP', async () => {
    const dead = await deadPort();
    const k = await answering('S');
    const { resolver, asked } = fakeDns({
      [`_kerberos._udp.${REALM}`]: [
        { name: 'b.fake.test', port: dead, priority: 20, weight: 0 },
        { name: 'a.fake.test', port: dead, priority: 10, weight: 0 },
      ],
      [`_kerberos._tcp.${REALM}`]: [{ name: 'c.fake.test', port: k.port, priority: 0, weight: 0 }],
    });
    const { t, targets } = transport(noKdc, { resolver });
    expect(text(await t.send(REALM, REQ))).toBe(`S:tcp:${text(REQ)}`);
    expect(asked).toEqual([`_kerberos._udp.${REALM}`, `_kerberos._tcp.${REALM}`]);
    expect(targets()).toEqual([`udp/127.0.0.1:${dead} error`, `udp/127.0.0.1:${dead} error`, `tcp/127.0.0.1:${k.port} reply`]);
  });

  it('tcpOnly asks only _kerberos._tcp; primary asks _kerberos-master first', async () => {
    const k = await answering('M');
    const { resolver, asked } = fakeDns({ [`_kerberos-master._tcp.${REALM}`]: [{ name: 'm.fake.test', port: k.port, priority: 0, weight: 0 }] });
    const { t } = transport(noKdc, { resolver });
    expect(text(await t.send(REALM, REQ, { tcpOnly: true, primary: true }))).toBe(`M:tcp:${text(REQ)}`);
    expect(asked).toEqual([`_kerberos-master._tcp.${REALM}`]);
  });

  it('no kdc and no SRV records: "Cannot find KDC for realm"', async () => {
    const { resolver, asked } = fakeDns({});
    const e = await failure(transport(noKdc, { resolver }).t.send(REALM, REQ));
    expect(e.message).toBe(`Cannot find KDC for realm "${REALM}"`);
    expect(e.code).toBe('ERR_REALM_CANT_RESOLVE');
    expect(asked.length).toBe(2);
  });

  it('dns_lookup_kdc = false: DNS is not asked at all', async () => {
    const { resolver, asked } = fakeDns({ [`_kerberos._udp.${REALM}`]: [{ name: 'a.fake.test', port: 88, priority: 0, weight: 0 }] });
    const e = await failure(transport(parseKrb5Conf('[libdefaults]\n dns_lookup_kdc = false\n'), { resolver }).t.send(REALM, REQ));
    expect(e.message).toMatch(/Cannot find KDC for realm/);
    expect(asked).toEqual([]);
  });

  it('configured kdc entries win over DNS', async () => {
    const k = await answering('K');
    const { resolver, asked } = fakeDns({ [`_kerberos._udp.${REALM}`]: [{ name: 'a.fake.test', port: 1, priority: 0, weight: 0 }] });
    const { t } = transport(conf([`127.0.0.1:${k.port}`], '', 'dns_lookup_kdc = true'), { resolver });
    expect(text(await t.send(REALM, REQ)).slice(0, 2)).toBe('K:');
    expect(asked).toEqual([]);
  });
});

describe('primary_kdc', () => {
  it('primary: true uses primary_kdc (else master_kdc); without it the kdc list', async () => {
    const k = await answering('K');
    const p = await answering('P');
    const m = await answering('MK');
    const withPrimary = conf([`127.0.0.1:${k.port}`], '', 'dns_lookup_kdc = false');
    const profile = parseKrb5Conf(
      `[libdefaults]\n dns_lookup_kdc = false\n[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${k.port}\n  primary_kdc = 127.0.0.1:${p.port}\n  master_kdc = 127.0.0.1:${m.port}\n }\n`,
    );
    const onlyMaster = parseKrb5Conf(`[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${k.port}\n  master_kdc = 127.0.0.1:${m.port}\n }\n`);
    expect(text(await transport(profile).t.send(REALM, REQ, { primary: true })).slice(0, 2)).toBe('P:');
    expect(text(await transport(profile).t.send(REALM, REQ)).slice(0, 2)).toBe('K:');
    expect(text(await transport(onlyMaster).t.send(REALM, REQ, { primary: true })).slice(0, 3)).toBe('MK:');
    expect(text(await transport(withPrimary).t.send(REALM, REQ, { primary: true })).slice(0, 2)).toBe('K:');
  });
});

describe('deadline, abort and TransportError', () => {
  it('every KDC failed: TransportError lists each target and why, in order', async () => {
    const dead = await deadPort();
    const s = await silent();
    const { t } = transport(conf([`127.0.0.1:${dead}`, `127.0.0.1:${s.port}`]), { timeoutMs: 150 });
    const e = await failure(t.send(REALM, REQ));
    expect(e.attempts.map((a) => a.target)).toEqual([`udp/127.0.0.1:${dead}`, `tcp/127.0.0.1:${dead}`, `udp/127.0.0.1:${s.port}`, `tcp/127.0.0.1:${s.port}`]);
    expect(e.attempts.map((a) => (a.error as { code?: string }).code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ETIMEDOUT', 'ETIMEDOUT']);
    expect(e.message).toMatch(new RegExp(`^Cannot contact any KDC for realm '${REALM}' \\(udp/127\\.0\\.0\\.1:${dead}: ECONNREFUSED`));
    expect(e.message).toContain(`tcp/127.0.0.1:${s.port}: timeout after 150 ms`);
    expect(e.code).toBe('ERR_TRANSPORT');
  });

  it('the overall deadline cuts the attempts short', async () => {
    const a = await silent();
    const b = await silent();
    const { t } = transport(conf([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]), { timeoutMs: 5000, deadlineMs: 300 });
    const t0 = Date.now();
    const e = await failure(t.send(REALM, REQ));
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(e.message).toMatch(/deadline of 300 ms reached/);
    expect(e.attempts.map((x) => x.target)).toEqual([`udp/127.0.0.1:${a.port}`]);
  });

  it('a timer that fires a little before the clock reaches the deadline still ends the exchange', async () => {
    // CI saw it: the attempt timed out on the deadline's remainder, Date.now() was a millisecond
    // short of the deadline, and a second attempt went out. Here the clock lags 20 ms behind the
    // timers once the first attempt is under way, which made that second attempt every time.
    const a = await silent();
    const b = await silent();
    const { t } = transport(conf([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]), { timeoutMs: 5000, deadlineMs: 300 });
    const real = Date.now.bind(Date);
    let lag = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => real() - lag);
    try {
      setTimeout(() => {
        lag = 20;
      }, 100);
      const e = await failure(t.send(REALM, REQ));
      expect(e.message).toMatch(/deadline of 300 ms reached/);
      expect(e.attempts.map((x) => x.target)).toEqual([`udp/127.0.0.1:${a.port}`]);
    } finally {
      clock.mockRestore();
    }
  });

  it('an AbortSignal stops at once with its reason; an aborted signal sends nothing', async () => {
    const s = await silent();
    const { t } = transport(conf([`127.0.0.1:${s.port}`]), { timeoutMs: 5000 });
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(new Error('user gave up')), 100);
    await expect(t.send(REALM, REQ, { signal: ac.signal })).rejects.toThrow('user gave up');
    expect(Date.now() - t0).toBeLessThan(1000);
    const before = s.received.length;
    await expect(t.send(REALM, REQ, { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    expect(s.received.length).toBe(before);
  });
});

describe('IPv6 and KDC proxy entries', () => {
  it('[::1]:port reaches a KDC on the IPv6 loopback', async (ctx) => {
    let k: FakeKdc;
    try {
      k = await kdc({ udp: (r) => echo('v6:', r), host: '::1' });
    } catch {
      return ctx.skip(); // no IPv6 loopback in this container
    }
    const { t, targets } = transport(conf([`[::1]:${k.port}`]));
    expect(text(await t.send(REALM, REQ))).toBe(`v6:${text(REQ)}`);
    expect(targets()).toEqual([`udp/[::1]:${k.port} reply`]);
  });

  it('an https:// entry goes to the KDC proxy (injected fetch) in its place in the list', async () => {
    const dead = await deadPort();
    const calls: { url: string; type: string; body: Uint8Array }[] = [];
    const { KDCProxyMessage, frameKdcMessage } = await import('../../src/messages/index.js');
    const fetch: KdcTransportOptions['fetch'] = async (url, init) => {
      calls.push({ url, type: init.headers['content-type']!, body: init.body });
      const body = KDCProxyMessage.encode({ kerbMessage: frameKdcMessage(echo('proxy:', REQ)) });
      return { ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, body: null, arrayBuffer: async () => body.slice().buffer };
    };
    const { t, targets } = transport(conf([`127.0.0.1:${dead}`, 'https://proxy.fake.test/KdcProxy']), { fetch });
    expect(text(await t.send(REALM, REQ))).toBe(`proxy:${text(REQ)}`);
    expect(calls.map((c) => [c.url, c.type])).toEqual([['https://proxy.fake.test/KdcProxy', 'application/kerberos']]);
    const sent = KDCProxyMessage.decode(calls[0]!.body);
    expect(sent.targetDomain).toBe(REALM);
    expect([...sent.kerbMessage]).toEqual([0, 0, 0, REQ.length, ...REQ]);
    expect(targets().at(-1)).toBe('https://proxy.fake.test/KdcProxy reply');
  });
});
