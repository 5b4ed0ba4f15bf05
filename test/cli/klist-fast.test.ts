/**
 * klist's in-place listing of FILE caches (src/cli/klist/fast.ts) against the general path and
 * against MIT klist itself: on every fixture and flag set both paths give the same text; on
 * caches made to hit each fallback (another client, names MIT escapes, non-ASCII names, a
 * ticket for another server, a ticket that is not DER, config entries) and on caches that end
 * early or hold a malformed record, our output and status are MIT klist's. Also `ticketHead`
 * against `Ticket.decode`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runKlist } from '../../src/cli/klist/klist.js';
import { ccacheRecords, decodeCcache, encodeCcache, type Ccache, type CcacheCredential } from '../../src/formats/index.js';
import { Ticket, TicketHead, ticketHead } from '../../src/messages/index.js';
import { which } from '../interop/realm.mjs';

const CCACHES = new URL('../../fixtures/mit/ccache/', import.meta.url).pathname;
const RECORDED = new Date('2026-11-25T04:30:00Z');
const IN_CI = process.env.CI === 'true';
const mitKlist: string | null = which('klist');
const work = mkdtempSync(join(tmpdir(), 'tskrb5-klist-fast-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ENV = { TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null' };

async function ours(path: string, flags: string[], fastListing = true) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runKlist(
    ['-c', `FILE:${path}`, ...flags],
    (s) => out.push(s),
    (s) => err.push(s),
    {
      env: { ...ENV, KRB5CCNAME: `FILE:${work}/none` },
      now: () => RECORDED,
      fastListing,
    },
  );
  return { status, out: out.length ? out.join('\n') + '\n' : '', err: err.join('\n') };
}

function mit(path: string, flags: string[]) {
  const r = spawnSync(mitKlist!, ['-c', `FILE:${path}`, ...flags], { env: { ...process.env, ...ENV }, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr.trimEnd() };
}

const FLAGS = [[], ['-e'], ['-f'], ['-C'], ['-e', '-f', '-C'], ['-A', '-e']];
const fixtures = readdirSync(CCACHES).filter((f) => f.endsWith('.ccache'));

describe("the in-place listing gives the general path's text", () => {
  it.each(fixtures)('%s, every flag set', async (f) => {
    const path = join(work, f);
    writeFileSync(path, readFileSync(join(CCACHES, f)));
    for (const flags of FLAGS) {
      const fast = await ours(path, flags);
      const slow = await ours(path, flags, false);
      expect(fast, flags.join(' ')).toEqual(slow);
      expect(fast.out).toContain('Valid starting');
    }
  });
});

/** The v4 fixture with its credentials changed by `edit`, written to `name`. */
function variant(name: string, edit: (creds: CcacheCredential[], cc: Ccache) => CcacheCredential[]): string {
  const cc = decodeCcache(new Uint8Array(readFileSync(join(CCACHES, 'v4-kvno.ccache'))));
  const path = join(work, name);
  writeFileSync(path, encodeCcache({ ...cc, credentials: edit(cc.credentials, cc) }));
  return path;
}
const rename = (c: CcacheCredential, components: string[], realm = c.server.realm): CcacheCredential => ({ ...c, server: { ...c.server, realm, components } });

describe.skipIf(!IN_CI && !mitKlist)('each fallback, against MIT klist', () => {
  it('MIT klist is installed (krb5-user)', () => expect(mitKlist).toBeTruthy());
  const cases: [string, (creds: CcacheCredential[], cc: Ccache) => CcacheCredential[]][] = [
    ['another client', (cs) => cs.map((c, i) => (i === 1 ? { ...c, client: { ...c.client, components: ['bob'] } } : c))],
    ['the same client under another name type', (cs) => cs.map((c) => ({ ...c, client: { ...c.client, nameType: 10 } }))],
    ['names MIT escapes', (cs) => [rename(cs[1]!, ['HTTP', 'a/b']), rename(cs[1]!, ['HTTP', 'a@b']), rename(cs[1]!, ['HTTP', 'tab\there']), rename(cs[1]!, ['back\\slash'])]],
    ['non-ASCII names', (cs) => [rename(cs[1]!, ['HTTP', 'hôte.example']), rename(cs[1]!, ['HTTP', 'x'], 'RÉALM')]],
    ['tickets for other servers (one, and a run of the same)', (cs) => [...cs, ...Array.from({ length: 5 }, (_, i) => rename(cs[1]!, ['HTTP', `h${i}.example`]))]],
    ['a ticket that is not DER', (cs) => [cs[0]!, { ...cs[1]!, ticket: Uint8Array.of(0x61, 0x03, 0x30, 0x01, 0x00) }, cs[2]!]],
    ['an empty ticket', (cs) => [{ ...cs[1]!, ticket: new Uint8Array(0) }]],
    ['tickets with a tkt-vno other than 5', (cs) => [0, 4, 6, -5].map((tktVno) => ({ ...cs[1]!, ticket: Ticket.encode({ ...Ticket.decode(cs[1]!.ticket), tktVno }) }))],
    [
      'kvnos of 2^31 and above, in the Int32 form and the UInt32 form',
      (cs) =>
        [-128, -1, 0x80000000, 0xffffffff].map((kvno) => {
          const t = Ticket.decode(cs[1]!.ticket);
          return { ...cs[1]!, ticket: Ticket.encode({ ...t, encPart: { ...t.encPart, kvno } }) };
        }),
    ],
    ['a server with no components', (cs) => [rename(cs[1]!, [])]],
  ];
  it.each(cases)('%s', async (name, edit) => {
    const path = variant(name.replace(/\W+/g, '-'), edit);
    for (const flags of FLAGS) {
      const m = mit(path, flags);
      const r = await ours(path, flags);
      expect(r, flags.join(' ')).toEqual(m);
    }
  });
});

describe.skipIf(!IN_CI && !mitKlist)('caches that end early or hold a malformed record, against MIT klist', () => {
  const base = new Uint8Array(readFileSync(join(CCACHES, 'v4-kvno.ccache')));
  const recs = [...ccacheRecords(base, { views: true }).records];
  const last = recs.at(-1)!;
  const lenAt = last.ticket.byteOffset - 4;
  const withLength = (n: number) => {
    const b = base.slice();
    new DataView(b.buffer).setUint32(lenAt, n);
    return b;
  };
  const cases: [string, Uint8Array][] = [
    ['cut inside the last ticket', base.slice(0, lenAt + 20)],
    ['cut inside the first credential', base.slice(0, recs[0]!.ticket.byteOffset - 40)],
    ['a ticket length past the end, within the file size', withLength(last.ticket.length + 50)],
    ['a ticket length equal to the file size', withLength(base.length)],
    ['a ticket length beyond the file size', withLength(base.length + 1)],
    ['a ticket length of 2^31-1', withLength(0x7fffffff)],
  ];
  it.each(cases)('%s', async (name, bytes) => {
    const path = join(work, `bad-${name.replace(/\W+/g, '-')}`);
    writeFileSync(path, bytes);
    for (const flags of [[], ['-e', '-C']]) {
      const m = mit(path, flags);
      expect(await ours(path, flags), flags.join(' ')).toEqual(m);
      expect(await ours(path, flags, false), `${flags.join(' ')} (general path)`).toEqual(m);
    }
  });
});

describe('ticketHead finds what Ticket.decode reads', () => {
  const tickets: Uint8Array[] = [];
  for (const f of fixtures) {
    for (const c of ccacheRecords(new Uint8Array(readFileSync(join(CCACHES, f)))).records) {
      if (c.server.realm !== 'X-CACHECONF:') tickets.push(c.ticket);
    }
  }
  const check = (bytes: Uint8Array, head: TicketHead): void => {
    const t = Ticket.decode(bytes);
    const text = (at: number, len: number) => new TextDecoder().decode(bytes.subarray(at, at + len));
    expect(text(head.realmAt, head.realmLen)).toBe(t.realm);
    expect(Array.from({ length: head.count }, (_, i) => text(head.names[2 * i]!, head.names[2 * i + 1]!))).toEqual(t.sname.nameString);
    expect(head.nameType).toBe(t.sname.nameType);
    expect(head.etype).toBe(t.encPart.etype);
    expect(head.kvno).toBe(t.encPart.kvno ?? -1);
    expect(head.hasKvno).toBe(t.encPart.kvno !== undefined);
    expect(head.tktVno).toBe(t.tktVno);
  };

  it('on every ticket of the fixtures (MIT and Heimdal)', () => {
    expect(tickets.length).toBeGreaterThan(10);
    for (const b of tickets) {
      const head = new TicketHead();
      expect(ticketHead(b, 0, b.length, head)).toBe(true);
      check(b, head);
      // in place, inside a larger buffer
      const big = new Uint8Array(b.length + 10);
      big.set(b, 7);
      const h2 = new TicketHead();
      expect(ticketHead(big, 7, b.length, h2)).toBe(true);
      expect(h2.realmLen).toBe(head.realmLen);
      expect(h2.realmAt).toBe(head.realmAt + 7);
    }
  });

  // ticketHead does not interpret the strings: Ticket.decode may still refuse one that is not
  // UTF-8 (klist takes only ASCII names from the head, and leaves the rest to Ticket.decode).
  const agrees = (b: Uint8Array, head: TicketHead): void => {
    try {
      Ticket.decode(b);
    } catch (e) {
      expect((e as Error).message).toMatch(/UTF-8/);
      expect((e as { path: string }).path).toMatch(/^Ticket\.(realm|sname\.name-string)/);
      return;
    }
    check(b, head);
  };

  it('on mutated tickets: it accepts exactly what Ticket.decode reads, with the same values (a negative kvno too, as MIT); truncations are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: tickets.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (i, edits) => {
        const b = tickets[i]!.slice();
        for (const [at, v] of edits) b[at % b.length] = v;
        const head = new TicketHead();
        const accepted = ticketHead(b, 0, b.length, head);
        if (accepted) agrees(b, head);
        // and the converse: a ticket the codec reads, the head reader reads too
        let decoded = true;
        try {
          Ticket.decode(b);
        } catch {
          decoded = false;
        }
        if (decoded) expect(accepted).toBe(true);
        expect(ticketHead(b, 0, b.length - 1, new TicketHead())).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
