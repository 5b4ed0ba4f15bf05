/**
 * `tskrb5 decode` on real bytes from the real tools (fixtures/mit/, recorded with their keys):
 * curl --negotiate against Apache, MIT kinit against MIT's KDC, MIT ktutil keytabs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDecode } from '../../src/cli/decode/command.js';
import { fromText } from '../../src/cli/decode/input.js';
import { renderTree } from '../../src/cli/decode/render.js';

const fixture = (n: string) => JSON.parse(readFileSync(new URL(`../../fixtures/mit/${n}`, import.meta.url), 'utf8'));
const curl = fixture('negotiate-curl.json');
const kdc = fixture('kdc-exchanges.json');
const httpKeys = curl.keys.services['HTTP/localhost@TSKRB5.TEST'] as { etype: number; key: string }[];
const keyArgs = httpKeys.flatMap((k) => ['--key', `${k.etype}:${k.key}`]);

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

describe('tskrb5 decode on curl --negotiate tokens (Apache mod_auth_gssapi)', () => {
  const deleg = curl.tokens.find((t: { name: string; authorization: string }) => /deleg/i.test(t.name) || /deleg/i.test(JSON.stringify(t.source)));
  const plain = curl.tokens.find((t: unknown) => t !== deleg);

  it('without keys: decodes every layer and says what it could not open', () => {
    const r = run([`Authorization: ${plain.authorization.replace(/^Authorization:\s*/i, '')}`]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/SPNEGO negTokenInit/);
    expect(r.out).toMatch(/TOK_ID 0100/);
    expect(r.out).toMatch(/sname: HTTP\/localhost@TSKRB5\.TEST/);
    expect(r.out).toMatch(/note: ticket enc-part for HTTP\/localhost@TSKRB5\.TEST not opened: .*give --keytab or --key/);
    expect(r.out).toMatch(/note: authenticator not opened/);
  });

  it('with the service key: ticket, authenticator, 0x8003 checksum, delegated KRB-CRED, then the AP-REP', () => {
    const r = run([...keyArgs, deleg.authorization, deleg.wwwAuthenticate]);
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/EncTicketPart of HTTP\/localhost@TSKRB5\.TEST \(opened/);
    expect(r.out).toMatch(/cname: alice@TSKRB5\.TEST/);
    expect(r.out).toMatch(/Authenticator \(opened with the session key\)/);
    expect(r.out).toMatch(/GSS-API authenticator checksum 0x8003[\s\S]*flags: 0x\w+ \(deleg, mutual/);
    expect(r.out).toMatch(/EncKrbCredPart \(opened with the session key\)[\s\S]*sname: krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST/);
    expect(r.out).toMatch(/neg-state: 0 \(accept-completed\)/);
    expect(r.out).toMatch(/EncAPRepPart \(opened with the session key\)/);
    expect(r.out).not.toMatch(/note:/);
  });

  it('--json gives the same structure as JSON, bytes as hex and times as ISO', () => {
    const r = run(['--json', ...keyArgs, plain.authorization]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out);
    const titles = j.sections.map((s: { title: string }) => s.title);
    expect(titles).toContain('AP-REQ (RFC 4120 §5.5.1)');
    const etp = j.sections.find((s: { title: string }) => s.title.startsWith('EncTicketPart')).value;
    expect(etp.cname.nameString).toEqual(['alice']);
    expect(etp.authtime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(etp.key.keyvalue).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('tskrb5 decode on MIT kinit exchanges', () => {
  const ex = kdc.exchanges as { name: string; principal: string; password: string; request: { type: string; hex: string }; response: { type: string; hex: string } }[];

  it('opens an AS-REP with the password and the ticket with the krbtgt key', () => {
    const e = ex.find((x) => x.response.type === 'AS-REP' && x.principal === 'alice@TSKRB5.TEST')!;
    const krbtgt = kdc.keys.services['krbtgt/TSKRB5.TEST@TSKRB5.TEST'] as { etype: number; key: string }[];
    const r = run(['--password', e.password, ...krbtgt.flatMap((k) => ['--key', `${k.etype}:${k.key}`]), e.response.hex]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/EncASRepPart \(opened\)/);
    expect(r.out).toMatch(/EncTicketPart of krbtgt\/TSKRB5\.TEST@TSKRB5\.TEST/);
    // and the PA-ENC-TIMESTAMP of the request that got it
    const q = run(['--password', e.password, e.request.hex]);
    expect(q.out).toMatch(/PA-ENC-TS-ENC \(opened with the client key\)/);
  });

  it('decodes a KRB-ERROR and its METHOD-DATA e-data', () => {
    const e = ex.find((x) => x.response.type === 'KRB-ERROR' && /PREAUTH_REQUIRED/.test(x.what ?? ''))!;
    const r = run([e.response.hex]);
    expect(r.out).toMatch(/error-code: 25 \(KDC_ERR_PREAUTH_REQUIRED\)/);
    expect(r.out).toMatch(/e-data: METHOD-DATA/);
  });
});

describe('inputs and failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskrb5-decode-'));

  it('reads a DER file, a keytab file, hex and base64 alike', () => {
    const apReqHex = (kdc.exchanges as { response: { type: string; hex: string } }[]).find((x) => x.response.type === 'AS-REP')!.response.hex;
    const der = join(dir, 'asrep.der');
    writeFileSync(der, Buffer.from(apReqHex, 'hex'));
    const fromFile = run([der]).out;
    expect(fromFile).toMatch(/^AS-REP/);
    expect(run([apReqHex]).out).toBe(fromFile);
    expect(run([Buffer.from(apReqHex, 'hex').toString('base64')]).out).toBe(fromFile);
    const kt = new URL('../../fixtures/mit/keytab/several.keytab', import.meta.url).pathname;
    expect(run([kt]).out).toMatch(/keytab \(version 2, 5 entries\)[\s\S]*HTTP\/www\.example\.com@EXAMPLE\.COM/);
    expect(fromText('WWW-Authenticate: Negotiate YQ==').bytes).toEqual(Uint8Array.of(0x61));
    expect(() => fromText('Authorization: Negotiate')).toThrow(/no Negotiate token/);
  });

  it('garbage is a DecodeError with status 1; an NTLM token is named as such', () => {
    const bad = run(['3003020105']);
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/DecodeError \(ERR_DECODE\)/);
    const ntlm = run([Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1').toString('base64')]);
    expect(ntlm.status).toBe(1);
    expect(ntlm.err).toMatch(/NTLM/);
    expect(run(['--bogus', 'x']).status).toBe(2);
  });

  it('runs as the tskrb5 program, and a closed pipe ends it quietly', () => {
    const bin = new URL('../../dist/cli/main.js', import.meta.url).pathname;
    const out = execFileSync(process.execPath, [bin, 'decode', ...keyArgs, curl.tokens[0].authorization], { encoding: 'utf8' });
    expect(out).toMatch(/EncTicketPart of HTTP\/localhost/);
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" decode '${curl.tokens[0].authorization}' | head -1`], { encoding: 'utf8' });
    expect(piped.stderr).not.toMatch(/EPIPE/);
  });
});

describe('tskrb5 decode on S4U (fixtures/mit/s4u: Heimdal kgetcred --impersonate against MIT krb5kdc)', () => {
  const s4u = fixture('s4u/kvno-s4u.json');
  it("shows the TGS-REQ's PA-FOR-USER: the user, its realm, the checksum and the auth-package", () => {
    const r = run([s4u.heimdalS4u2self.request]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/PA-FOR-USER \(MS-SFU §2\.2\.1\)/);
    expect(r.out).toMatch(/alice/);
    expect(r.out).toMatch(/Kerberos/);
  });
});

describe('tskrb5 decode on MIT FAST exchanges (fixtures/mit/fast)', () => {
  const fast = fixture('fast/fast-exchanges.json') as {
    keys: { principal: string; etype: number; keyHex: string }[];
    cases: { name: string; exchanges: { requestHex: string; responseHex: string }[] }[];
  };
  const krbtgtKeys = fast.keys.filter((k) => k.principal.startsWith('krbtgt/')).flatMap((k) => ['--key', `${k.etype}:${k.keyHex}`]);
  const asEx = fast.cases.find((c) => c.name === 'kinit-armored')!.exchanges;

  it('an armored AS-REQ: PA-FX-FAST shown, its AP-REQ armor opened with the krbtgt key (the armor TGT and authenticator with its subkey)', () => {
    const r = run([...krbtgtKeys, asEx[0]!.requestHex]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain('PA-FX-FAST: KrbFastArmoredReq (RFC 6113 §5.4.2)');
    expect(r.out).toMatch(/host\/localhost/);
    expect(r.out).toMatch(/subkey/i);
    // With the armor opened, the armor key is derived and the KrbFastReq opened.
    expect(r.out).toContain('KrbFastReq (opened with the armor key');
  });

  it('request and reply in one command with the krbtgt key and the password: the armor key derived, KrbFastReq, the encrypted challenge and KrbFastResponse opened', () => {
    const r = run([...krbtgtKeys, '--password', 'Fast-Pa55word!', asEx[1]!.requestHex, asEx[1]!.responseHex]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain('KrbFastReq (opened with the armor key');
    expect(r.out).toContain('PA-ENCRYPTED-CHALLENGE: PA-ENC-TS-ENC (opened with the client key and the armor key)');
    expect(r.out).toContain('KrbFastResponse (opened with the armor key)');
    expect(r.out).toMatch(/strengthen-?key/i);
    // Without the krbtgt key nothing inside FAST opens, and it says why.
    const n = run([asEx[1]!.requestHex]);
    expect(n.out).toContain('open the armor AP-REQ (--key with the krbtgt key) to derive it');
  });

  it("a TGS-REQ's implicit armor: derived from the PA-TGS-REQ's subkey and ticket session key", () => {
    const tgs = fast.cases.find((c) => c.name === 'kvno-armored')!.exchanges[0]!;
    const r = run([...krbtgtKeys, tgs.requestHex, tgs.responseHex]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain('KrbFastReq (opened with the armor key');
    expect(r.out).toContain('KrbFastResponse (opened with the armor key)');
  });

  it("the KDC's FAST error and reply: the KrbFastArmoredRep shown", () => {
    const e = run([asEx[0]!.responseHex]);
    expect(e.status, e.err).toBe(0);
    expect(e.out).toContain('PA-FX-FAST: KrbFastArmoredRep (RFC 6113 §5.4.3)');
    const a = run([asEx[1]!.responseHex]);
    expect(a.out).toContain('PA-FX-FAST: KrbFastArmoredRep (RFC 6113 §5.4.3)');
  });
});

describe('principals as krb5_unparse_name writes them', () => {
  it('escapes "/", "@" and "\\" in a component, and writes tab, newline, backspace and NUL as \\t \\n \\b \\0 (unparsePrincipal)', () => {
    const out = renderTree('t', { crealm: 'R', cname: { nameType: 1, nameString: ['a/b@c\\d', 'e\tf\ng\bh\0i'] } });
    expect(out).toContain('cname: a\\/b\\@c\\\\d/e\\tf\\ng\\bh\\0i@R (NT_PRINCIPAL)');
    // a name without its realm beside it: the name alone, "@" still escaped
    expect(renderTree('t', { name: { nameType: 1, nameString: ['x@y', 'z\n'] } })).toContain('name: x\\@y/z\\n (NT_PRINCIPAL)');
  });
});
