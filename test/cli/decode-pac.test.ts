/**
 * `tskrb5 decode` shows a ticket's PAC by buffer, SIDs as `S-1-5-21-…`: a Windows Server 2022
 * ticket (MIT's t_pac.c; the expected SIDs are what Samba's own NDR code reads in that PAC,
 * fixtures/pac/samba-ndr.json), and curl's Negotiate token to Apache whose ticket MIT krb5kdc
 * 1.20 issued (fixtures/mit/negotiate-curl.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDecode } from '../../src/cli/decode/command.js';

const fixture = (n: string) => JSON.parse(readFileSync(new URL(`../../fixtures/${n}`, import.meta.url), 'utf8'));
const win = fixture('pac/mit-t_pac.json').ticketSignature;
const samba = fixture('pac/samba-ndr.json').pacs['mit-t_pac.json.ticketSignature.pacHex'];
const curl = fixture('mit/negotiate-curl.json');

function run(args: string[]): { status: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const status = runDecode(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('tskrb5 decode: the PAC', () => {
  it('a Windows Server 2022 ticket with the service key: every buffer by name, SIDs as text, verified', () => {
    const r = run(['--key', `${win.serverKey.etype}:${win.serverKey.keyHex}`, win.ticketHex]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/PAC \(MS-PAC, 7 buffers, 936 bytes; server checksum and client verified\)/);
    for (const t of ['1 (LOGON_INFO)', '6 (SERVER_CHECKSUM)', '7 (PRIVSVR_CHECKSUM)', '10 (CLIENT_INFO)', '12 (UPN_DNS_INFO)', '16 (TICKET_CHECKSUM)', '19 (FULL_CHECKSUM)'])
      expect(r.out).toContain(`type: "${t}"`);
    const logon = samba.buffers.find((b: { type: number }) => b.type === 1).value;
    const upn = samba.buffers.find((b: { type: number }) => b.type === 12).value;
    expect(r.out).toContain(`logon-domain-id: "${logon.logonDomainId}"`);
    expect(r.out).toContain(`sid: "${upn.sid}"`);
    expect(r.out).toContain(`user-sid: "${logon.logonDomainId}-${logon.userId}"`);
    const groups = [
      `${logon.logonDomainId}-${logon.primaryGroupId}`,
      ...logon.groupIds.map((g: { relativeId: number }) => `${logon.logonDomainId}-${g.relativeId}`),
      ...logon.extraSids.map((s: { sid: string }) => s.sid),
      ...logon.resourceGroupIds.map((g: { relativeId: number }) => `${logon.resourceGroupDomainSid}-${g.relativeId}`),
    ];
    expect(r.out).toContain(`group-sids: ${[...new Set(groups)].map((g) => `"${g}"`).join(', ')}`);
    expect(r.out).toContain(`effective-name: "${logon.effectiveName}"`);
    expect(r.out).toMatch(/client-id: "2022-11-23T16:01:59Z \(133136929190000000\)"/);
    expect(r.out).toContain('signature-type: "16 (hmac-sha1-96-aes256)"');
  });

  it('--json: the PAC section as JSON, the same SIDs', () => {
    const r = run(['--json', '--key', `${win.serverKey.etype}:${win.serverKey.keyHex}`, win.ticketHex]);
    expect(r.status).toBe(0);
    const logon = samba.buffers.find((b: { type: number }) => b.type === 1).value;
    const doc = JSON.parse(r.out);
    const sections = (Array.isArray(doc) ? doc : doc.sections) as { title: string; value: { buffers: Record<string, unknown>[] } }[];
    const pac = sections.find((x) => x.title.startsWith('PAC (MS-PAC'))!;
    expect(pac.value.buffers[0]!.logonDomainId).toBe(logon.logonDomainId);
    expect(pac.value.buffers[0]!.groupSids).toContain(`${logon.logonDomainId}-${logon.primaryGroupId}`);
  });

  it('with a wrong key the ticket does not open, so no PAC is shown', () => {
    const r = run(['--key', `18:${'00'.repeat(32)}`, win.ticketHex]);
    expect(r.status).toBe(0);
    expect(r.out).not.toMatch(/PAC \(MS-PAC/);
  });

  it("curl's token to Apache: MIT krb5kdc 1.20's PAC (CLIENT_INFO and checksums), verified", () => {
    const httpKeys = curl.keys.services['HTTP/localhost@TSKRB5.TEST'] as { etype: number; key: string }[];
    const tok = curl.tokens[0];
    const r = run([...httpKeys.flatMap((k) => ['--key', `${k.etype}:${k.key}`]), tok.authorization]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/PAC \(MS-PAC, 4 buffers, \d+ bytes; server checksum and client verified\)/);
    expect(r.out).toContain('type: "10 (CLIENT_INFO)"');
    expect(r.out).toContain('name: "alice"');
    expect(r.out).toContain('type: "16 (TICKET_CHECKSUM)"');
  });
});
