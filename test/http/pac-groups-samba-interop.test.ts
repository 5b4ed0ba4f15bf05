/**
 * Groups for servers, against a Samba 4.17 AD DC (test/interop/samba.mjs): MIT kinit as alice
 * (Web Users, Engineers — itself in All Staff —, Local Readers), curl --negotiate to
 * `negotiateMiddleware` with the web service's keytab (samba-tool domain exportkeytab):
 * `req.negotiate.groups` are the SIDs the directory reports for alice (ldbsearch of the DC's
 * sam.ldb: objectSid, primaryGroupID, memberOf, tokenGroups), and `req.negotiate.pac` is the
 * PAC Samba's KDC signed, verified; the same PAC decodes as Samba's own NDR code reads it
 * (python3-samba) and re-encodes byte for byte; bob, jürgen (non-ASCII) and cyd (UPN cyd.long@…) too (which Samba's own ndr_pack does not).
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateMiddleware } from '../../src/http/node/index.js';
import { findPac } from '../../src/ap/index.js';
import { decodePac, encodePac, type KerbValidationInfo, pacSids } from '../../src/messages/index.js';
import { which } from '../interop/realm.mjs';
import { missingPeers as sambaMissing, startSamba } from '../interop/samba.mjs';

const IN_CI = process.env.CI === 'true';
const PY = '/usr/bin/python3';
const hasPySamba = spawnSync(PY, ['-c', 'import samba.dcerpc.krb5pac'], { stdio: 'ignore' }).status === 0;
const missing: string[] = [...sambaMissing(), ...(which('curl') ? [] : ['curl']), ...(hasPySamba ? [] : ['python3-samba'])];

describe.skipIf(!IN_CI && missing.length > 0)(`req.negotiate.groups against a Samba AD DC${missing.length ? ` — skipped: ${missing.join(', ')} missing` : ''}`, () => {
  let dc: any;
  let server: Server;
  let url = '';
  let port = 0;
  const seen: { user: string; principal: string; groups: string[]; pac: unknown; raw: Uint8Array | undefined }[] = [];
  const errors: Error[] = [];

  const run = (cmd: string, args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(cmd, args, { env: { ...dc.env, ...env }, encoding: 'utf8' }, (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });

  beforeAll(async () => {
    if (missing.length) throw new Error(`interop peers missing in CI: ${missing.join(', ')} (run test/interop/install.sh)`);
    dc = await startSamba();
    const k = await dc.kinit(`alice@${dc.realm}`, dc.accounts.alice.password);
    if (k.code !== 0) throw new Error(`kinit alice: ${k.stderr}`);
    const auth = negotiateMiddleware({
      keytab: dc.keytabs.web,
      replayCache: false,
      onError: (e) => errors.push(e),
      onAuthenticated: (info) => {
        seen.push({ user: String(info.user), principal: info.principal, groups: info.groups, pac: info.pac, raw: findPac(info.context.ticketPart?.authorizationData) });
      },
    });
    server = createServer((req, res) =>
      auth(req, res, () => {
        const n = (req as unknown as { negotiate: { principal: string; groups: string[] } }).negotiate!;
        res.end(JSON.stringify({ principal: n.principal, groups: n.groups }));
      }),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    port = (server.address() as AddressInfo).port;
    // The web service's keytab holds HTTP/web.samba.test: curl asks for that name, connecting to 127.0.0.1.
    url = `http://web.samba.test:${port}/`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((ok) => server?.close(ok));
    await dc?.stop();
  });

  it("curl --negotiate as alice: req.negotiate.groups are alice's SIDs as the directory reports them", async () => {
    const r = await run('curl', ['-s', '--negotiate', '-u', ':', '--resolve', `web.samba.test:${port}:127.0.0.1`, url]);
    expect(errors.map((e) => e.message)).toEqual([]);
    const body = JSON.parse(r.stdout) as { principal: string; groups: string[] };
    expect(body.principal).toBe(`alice@${dc.realm}`);
    const dir = await dc.sidsOf('alice');
    // The domain's SIDs among the groups: exactly the directory's tokenGroups in the domain
    // (primary group Domain Users, Web Users, Engineers, All Staff through Engineers, Local
    // Readers); BUILTIN aliases (S-1-5-32-545) are the server's own domain and never in a PAC.
    const inDomain = (s: string) => s.startsWith(`${dir.domainSid}-`);
    expect(new Set(body.groups.filter(inDomain))).toEqual(new Set(dir.tokenGroups.filter(inDomain)));
    expect(body.groups[0]).toBe(dir.primaryGroupSid);
    for (const g of dir.memberOf) expect(body.groups).toContain(g);
    // The one SID from outside the directory: "authentication authority asserted identity" (MS-KILE 3.3.5.7.4 / MS-DTYP 2.4.2.4).
    expect(body.groups.filter((s) => !inDomain(s))).toEqual(['S-1-18-1']);
    // The user's own SID (not a group) is the PAC's, too.
    const pac = seen.at(-1)!.pac as { buffers: { kind: string; value: unknown }[] };
    const logon = pac.buffers.find((b) => b.kind === 'logonInfo')!.value as KerbValidationInfo;
    expect(pacSids(logon).user).toBe(dir.objectSid);
    expect(logon.effectiveName).toBe('alice');
  });

  it.each([
    ['bob', 'bob'],
    ['jurgen', 'jürgen'],
    ['cyd', 'cyd'],
  ])('%s too: groups as the directory reports them (jürgen: a non-ASCII name; cyd: a UPN other than the account name)', async (key, name) => {
    const ccache = `FILE:${dc.dir}/${key}.ccache`;
    const k = await dc.kinit(`${name}@${dc.realm}`, dc.accounts[key].password, [], { env: { KRB5CCNAME: ccache } });
    expect(k.code, k.stderr).toBe(0);
    const r = await run('curl', ['-s', '--negotiate', '-u', ':', '--resolve', `web.samba.test:${port}:127.0.0.1`, url], { KRB5CCNAME: ccache });
    expect(errors.map((e) => e.message)).toEqual([]);
    const body = JSON.parse(r.stdout) as { principal: string; groups: string[] };
    expect(body.principal).toBe(`${name}@${dc.realm}`);
    const dir = await dc.sidsOf(name);
    const inDomain = (s: string) => s.startsWith(`${dir.domainSid}-`);
    expect(new Set(body.groups.filter(inDomain))).toEqual(new Set(dir.tokenGroups.filter(inDomain)));
    expect(body.groups[0]).toBe(dir.primaryGroupSid);
    const logon = (seen.at(-1)!.pac as { buffers: { kind: string; value: unknown }[] }).buffers.find((b) => b.kind === 'logonInfo')!.value as KerbValidationInfo;
    expect(pacSids(logon).user).toBe(dir.objectSid);
    expect(logon.effectiveName).toBe(name);
  });

  it("Samba's PAC: decodes as Samba's NDR reads it, re-encodes byte for byte", async () => {
    for (const s of seen) {
      const p = decodePac(s.raw!);
      expect(Buffer.from(encodePac(p)).toString('hex'), s.principal).toBe(Buffer.from(s.raw!).toString('hex'));
    }
    const raw = seen[0]!.raw!;
    const pac = decodePac(raw);
    expect(pac.buffers.map((b) => b.type)).toEqual((seen[0]!.pac as { buffers: { type: number }[] }).buffers.map((b) => b.type));
    const py = spawnSync(PY, [new URL('../../fixtures/pac/samba-ndr.py', import.meta.url).pathname, '--stdin'], {
      input: `${Buffer.from(raw).toString('hex')}\n`,
      encoding: 'utf8',
    });
    const s = JSON.parse(py.stdout) as { repacks: boolean; buffers: { type: number; value: Record<string, unknown> }[] };
    // (Samba's own ndr_pack does not give its KDC's bytes back — repacks is false —; ours does.)
    expect(typeof s.repacks).toBe('boolean');
    console.info(`[samba PAC] buffers ${pac.buffers.map((b) => b.type).join(',')}, ${raw.length} bytes`);
    const logon = s.buffers.find((b) => b.type === 1)!.value;
    const ours = pac.buffers.find((b) => b.kind === 'logonInfo')!.value as KerbValidationInfo;
    expect(ours.groupIds).toEqual(logon.groupIds);
    expect(ours.extraSids).toEqual(logon.extraSids);
    expect(ours.logonDomainId).toBe(logon.logonDomainId);
  });
});
