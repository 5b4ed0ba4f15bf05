/**
 * The cache choice (src/node/ccache/select.ts) and what nodeCredentials says when no cache
 * serves: over credential caches MIT's kinit/kvno wrote (fixtures/mit/ccache/dir: alice's TGT,
 * dave's TGT and HTTP/localhost ticket, valid 11/25/26 04:29:55 – 11/26/26 04:29:55 UTC as MIT
 * klist lists them), copied into a DIR collection with the damaged and missing members a person
 * meets. No KDC: the transport refuses every request.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KerberosError, NoCredentialsError, TransportError } from '../../src/errors.js';
import { isConfigPrincipal, parseKrb5Conf } from '../../src/formats/index.js';
import { createKrb5Context, DirMemberStore, type Krb5Context } from '../../src/node/index.js';
import { selectCaches } from '../../src/node/ccache/select.js';
import { nodeCredentials } from '../../src/http/node/index.js';

const MIT_DIR = new URL('../../fixtures/mit/ccache/dir/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'tskrb5-select-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CONF = parseKrb5Conf('[libdefaults]\n  default_realm = TSKRB5.TEST\n[domain_realm]\n  localhost = TSKRB5.TEST\n  .other.test = OTHER.TEST\n');
/** During the fixtures' tickets' lifetime, and a year after it. */
const DURING = new Date('2026-11-25T12:00:00Z');
const AFTER = new Date('2027-11-25T12:00:00Z');
const refuse = {
  send: async () => {
    throw new TransportError('no KDC in this test');
  },
};

function collection(name: string, primary: string): string {
  const d = join(work, name);
  mkdirSync(d, { mode: 0o700 });
  writeFileSync(join(d, 'primary'), `${primary}\n`);
  return d;
}
function context(dir: string, now: Date, trace?: (m: string) => void): Krb5Context {
  return createKrb5Context({ profile: [CONF], env: { KRB5CCNAME: `DIR:${dir}` }, transport: refuse, now: () => now, trace: trace ?? false });
}
const request = (host: string) => ({ service: 'HTTP', host, delegate: false });

describe('selectCaches: MIT ccselect order, principal matching, trace', () => {
  const d = collection('order', 'tkt0ZuReg'); // dave's cache is the primary
  copyFileSync(join(MIT_DIR, 'tkt'), join(d, 'tkt'));
  copyFileSync(join(MIT_DIR, 'tkt0ZuReg'), join(d, 'tkt0ZuReg'));

  it("the service's realm first (ccselect's realm module), then the primary, then the rest", async () => {
    const lines: string[] = [];
    const ctx = context(d, DURING, (m) => lines.push(m));
    const names = async (serverRealm: string, server: string) => (await selectCaches(ctx.store, { serverRealm, server, trace: ctx.trace! })).map((s) => s.name);
    expect(await names('TSKRB5.TEST', 'HTTP/localhost@TSKRB5.TEST')).toEqual([`DIR::${d}/tkt0ZuReg`, `DIR::${d}/tkt`]);
    expect(lines).toEqual([`ccselect module realm chose cache DIR::${d}/tkt0ZuReg with client principal dave@TSKRB5.TEST for server principal HTTP/localhost@TSKRB5.TEST`]);
    lines.length = 0;
    expect(await names('OTHER.TEST', 'HTTP/www.other.test@OTHER.TEST')).toEqual([`DIR::${d}/tkt0ZuReg`, `DIR::${d}/tkt`]);
    expect(lines).toEqual(["ccselect can't find appropriate cache for server principal HTTP/www.other.test@OTHER.TEST"]);
  });

  it('an explicit principal picks its cache; one the collection lacks is a NoCredentialsError naming the caches and their clients', async () => {
    const ctx = context(d, DURING);
    const alice = { realm: 'TSKRB5.TEST', components: ['alice'], nameType: 1 };
    expect((await selectCaches(ctx.store, { serverRealm: 'TSKRB5.TEST', principal: alice })).map((s) => s.name)).toEqual([`DIR::${d}/tkt`]);
    const e = await selectCaches(ctx.store, { serverRealm: '', principal: { ...alice, components: ['nobody'] } }).catch((x) => x);
    expect(e).toBeInstanceOf(NoCredentialsError);
    expect(e).toBeInstanceOf(KerberosError);
    expect(e.code).toBe('ERR_NO_CREDENTIALS');
    expect(e.message).toBe(
      `no credentials cache for nobody@TSKRB5.TEST in the collection (tried DIR::${d}/tkt0ZuReg (dave@TSKRB5.TEST), DIR::${d}/tkt (alice@TSKRB5.TEST)): run kinit nobody@TSKRB5.TEST`,
    );
  });

  it('nodeCredentials: a cache whose TGS exchange fails is passed over for the next, which has the ticket', async () => {
    // alice's cache first (the primary here), no HTTP/localhost ticket and no KDC; dave's holds one
    const d2 = collection('fallthrough', 'tkt');
    copyFileSync(join(MIT_DIR, 'tkt'), join(d2, 'tkt'));
    copyFileSync(join(MIT_DIR, 'tkt0ZuReg'), join(d2, 'tkt0ZuReg'));
    const r = await nodeCredentials({ context: context(d2, DURING) }).getCredentials(request('localhost'));
    expect(r.client).toBe('dave@TSKRB5.TEST');
  });
});

describe('ERR_NO_CREDENTIALS names each cache tried and what was wrong with it', () => {
  it('not found, empty, damaged, an expired TGT, no TGT', async () => {
    const d = collection('broken', 'tktgone'); // the primary's file does not exist
    copyFileSync(join(MIT_DIR, 'tkt'), join(d, 'tktexpired')); // alice: her TGT expired by AFTER
    writeFileSync(join(d, 'tktempty'), ''); // a file of no bytes
    writeFileSync(join(d, 'tktjunk'), Buffer.from('0504000c0000000000000001', 'hex')); // a header, then nothing of a principal
    // dave's cache without its TGT: only the service ticket (also expired by then) and config entries
    copyFileSync(join(MIT_DIR, 'tkt0ZuReg'), join(d, 'tktnotgt'));
    await new DirMemberStore(join(d, 'tktnotgt')).remove((c) => !isConfigPrincipal(c.server) && c.server.components[0] === 'krbtgt');

    // MIT's klist calls the junk a damaged cache, and lists dave's without a TGT
    if (spawnSync('which', ['klist']).status === 0) {
      const k = spawnSync('klist', ['-c', `FILE:${join(d, 'tktjunk')}`], { encoding: 'utf8', env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
      expect(k.status).toBe(1);
      expect(k.stderr).toMatch(/Bad format in credentials cache|Unsupported credentials cache format/);
      const n = spawnSync('klist', ['-c', `FILE:${join(d, 'tktnotgt')}`], { encoding: 'utf8', env: { ...process.env, KRB5_CONFIG: '/dev/null' } });
      expect(n.status).toBe(0);
      expect(n.stdout).not.toMatch(/krbtgt\//);
    }

    const e = await nodeCredentials({ context: context(d, AFTER) })
      .getCredentials(request('localhost'))
      .catch((x) => x);
    expect(e, e.stack).toBeInstanceOf(NoCredentialsError);
    expect(e.code).toBe('ERR_NO_CREDENTIALS');
    const byName = Object.fromEntries((e as NoCredentialsError).tried.map((t) => [t.name.slice(`DIR::${d}/`.length), t]));
    expect(Object.keys(byName).sort()).toEqual(['tktempty', 'tktexpired', 'tktgone', 'tktjunk', 'tktnotgt']);
    expect(byName.tktgone).toMatchObject({ state: 'not-found' });
    expect(byName.tktempty).toMatchObject({ state: 'empty' });
    expect(byName.tktjunk).toMatchObject({ state: 'damaged' });
    expect(byName.tktexpired).toMatchObject({ state: 'expired', principal: 'alice@TSKRB5.TEST' });
    expect(byName.tktnotgt).toMatchObject({ state: 'no-tgt', principal: 'dave@TSKRB5.TEST' });
    // the order tried: the service's realm's caches, then the primary, then the rest
    const order = (e as NoCredentialsError).tried.map((t) => t.name.slice(`DIR::${d}/`.length));
    expect(order.indexOf('tktgone')).toBe(2);
    expect(order.slice(0, 2).sort()).toEqual(['tktexpired', 'tktnotgt']);
    const m = e.message as string;
    expect(m).toMatch(/^no Kerberos credentials: tried /);
    expect(m).toMatch(/: run kinit$/);
    expect(m).toContain(`DIR::${d}/tktgone (not found)`);
    expect(m).toContain(`DIR::${d}/tktempty (empty)`);
    expect(m).toMatch(new RegExp(`DIR::${d}/tktjunk \\(damaged: [^)]+\\)`));
    // 11/26/26 04:29:55 in MIT klist's UTC listing of this cache
    expect(m).toContain(`DIR::${d}/tktexpired (alice@TSKRB5.TEST: ticket-granting ticket expired at 2026-11-26T04:29:55.000Z)`);
    expect(m).toContain(`DIR::${d}/tktnotgt (dave@TSKRB5.TEST: no ticket-granting ticket)`);
  });

  it('one FILE cache that does not exist', async () => {
    const path = join(work, 'no-such-cache');
    const ctx = createKrb5Context({ profile: [CONF], env: { KRB5CCNAME: `FILE:${path}` }, transport: refuse, trace: false });
    const e = await nodeCredentials({ context: ctx })
      .getCredentials(request('localhost'))
      .catch((x) => x);
    expect(e.code).toBe('ERR_NO_CREDENTIALS');
    expect(e.message).toBe(`no Kerberos credentials: tried FILE:${path} (not found): run kinit`);
  });

  it("a KDC's refusal is reported as itself, not as missing credentials", async () => {
    const d = collection('refused', 'tkt');
    copyFileSync(join(MIT_DIR, 'tkt'), join(d, 'tkt'));
    const e = await nodeCredentials({ context: context(d, DURING) })
      .getCredentials(request('localhost'))
      .catch((x) => x);
    expect(e).toBeInstanceOf(TransportError);
  });
});
