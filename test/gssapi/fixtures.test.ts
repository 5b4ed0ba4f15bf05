/**
 * Tokens made by MIT krb5 1.20 through python3-gssapi (test/gssapi/fixtures/generate.py):
 * decoding gives the fields that were asked for, re-encoding gives the same bytes.
 */
import { describe, expect, it } from 'vitest';
import {
  channelBindingsHash,
  decodeGssChecksum,
  decodeKrb5Message,
  decodeKrb5Token,
  encodeKrb5Message,
  decodePerMessageToken,
  encodeGssChecksum,
  encodeKrb5Token,
  encodePerMessageToken,
  GSS_CHECKSUM_TYPE,
  NO_CHANNEL_BINDINGS,
  tlsServerEndPointBindings,
  unwrapInitialToken,
  wrapInitialToken,
} from '../../src/gssapi/index.js';
import { GssFlags, Oid, TokenFlags, TokenId } from '../../src/iana/index.js';
import { toHex } from '../../src/util/bytes.js';
import { authenticatorChecksum, fixture, hex, type ServiceKey } from './helpers.js';
import { expectOnlyKerberosErrors } from './errors-only.js';
import { DecodeError } from '../../src/errors.js';

interface Source {
  tool: string;
  versions: Record<string, string>;
  command: string;
}
interface Krb5Context {
  source: Source;
  requestedFlags: number;
  serviceKeys: ServiceKey[];
  initiatorToken: string;
  acceptorToken: string;
  message: string;
  micInitiator: string;
  micAcceptor: string;
  wrapSealedInitiator: string;
  wrapIntegInitiator: string;
  wrapSealedAcceptor: string;
}
interface Bindings {
  source: Source;
  requestedFlags: number;
  serviceKeys: ServiceKey[];
  certHash: string;
  applicationData: string;
  bindingsHashMd5: string;
  acceptorDelegated: boolean;
  initiatorToken: string;
  acceptorToken: string;
}

const ctx = fixture<Krb5Context>('krb5-context.json');
const cb = fixture<Bindings>('krb5-bindings-deleg.json');
const err = fixture<{ source: Source; initiatorToken: string; errorToken: string }>('krb5-error.json');

describe('MIT krb5 context tokens', () => {
  it('fixtures name their source', () => {
    for (const f of [ctx, cb, err]) {
      expect(f.source.tool).toMatch(/MIT krb5/);
      expect(f.source.command).toMatch(/generate\.py/);
      expect(f.source.versions.krb5).toMatch(/^1\.\d+/);
    }
  });

  it('the initial token is the RFC 2743 framing around 01 00 + AP-REQ, and re-encodes byte-exactly', () => {
    const bytes = hex(ctx.initiatorToken);
    const { mech, inner } = unwrapInitialToken(bytes);
    expect(mech).toBe(Oid.KRB5);
    expect(wrapInitialToken(mech, inner)).toEqual(bytes);
    const t = decodeKrb5Token(bytes);
    expect(t).toMatchObject({ tokId: TokenId.KRB_AP_REQ, framed: true, mech: Oid.KRB5 });
    expect(t.inner[0]).toBe(0x6e); // [APPLICATION 14] AP-REQ
    expect(encodeKrb5Token(t)).toEqual(bytes);
  });

  it('the acceptor frames its AP-REP too (02 00 + AP-REP)', () => {
    const bytes = hex(ctx.acceptorToken);
    const t = decodeKrb5Token(bytes);
    expect(t).toMatchObject({ tokId: TokenId.KRB_AP_REP, framed: true, mech: Oid.KRB5 });
    expect(t.inner[0]).toBe(0x6f); // [APPLICATION 15] AP-REP
    expect(encodeKrb5Token(t)).toEqual(bytes);
    // and the bare form, as some peers send it, reads the same
    const bare = encodeKrb5Token({ ...t, framed: false });
    expect(toHex(bare)).toBe(`0200${toHex(t.inner)}`);
    expect(decodeKrb5Token(bare)).toEqual({ tokId: TokenId.KRB_AP_REP, inner: t.inner, framed: false });
  });

  it('the acceptor frames its KRB-ERROR (03 00 + KRB-ERROR)', () => {
    const bytes = hex(err.errorToken);
    const t = decodeKrb5Token(bytes);
    expect(t).toMatchObject({ tokId: TokenId.KRB_ERROR, framed: true, mech: Oid.KRB5 });
    expect(t.inner[0]).toBe(0x7e); // [APPLICATION 30] KRB-ERROR
    expect(encodeKrb5Token(t)).toEqual(bytes);
  });

  it('the 0x8003 checksum carries the requested flags and no bindings', () => {
    const { inner } = decodeKrb5Token(hex(ctx.initiatorToken));
    const { cksumtype, checksum } = authenticatorChecksum(inner, ctx.serviceKeys);
    expect(cksumtype).toBe(GSS_CHECKSUM_TYPE);
    const c = decodeGssChecksum(checksum);
    expect(c.bindingsHash).toEqual(NO_CHANNEL_BINDINGS);
    expect(c.flags & 0xff).toBe(ctx.requestedFlags);
    expect(c.delegation).toBeUndefined();
    expect(encodeGssChecksum(c)).toEqual(checksum);
  });

  it('channel bindings and delegation: Bnd is the MD5 of the RFC 4121 layout, Deleg a KRB-CRED', () => {
    const certHash = hex(cb.certHash);
    const appData = tlsServerEndPointBindings(certHash);
    expect(toHex(appData)).toBe(cb.applicationData);
    const ours = channelBindingsHash({ applicationData: appData });
    expect(toHex(ours)).toBe(cb.bindingsHashMd5); // hashlib over the layout, by hand in generate.py
    const { inner } = decodeKrb5Token(hex(cb.initiatorToken));
    const { cksumtype, checksum } = authenticatorChecksum(inner, cb.serviceKeys);
    expect(cksumtype).toBe(GSS_CHECKSUM_TYPE);
    const c = decodeGssChecksum(checksum);
    expect(toHex(c.bindingsHash)).toBe(cb.bindingsHashMd5); // what MIT put there
    expect(c.flags & GssFlags.GSS_C_DELEG_FLAG).toBe(GssFlags.GSS_C_DELEG_FLAG);
    expect(c.flags & 0xff).toBe(cb.requestedFlags);
    expect(c.delegation?.[0]).toBe(0x76); // [APPLICATION 22] KRB-CRED
    expect(cb.acceptorDelegated).toBe(true);
    expect(encodeGssChecksum(c)).toEqual(checksum);
  });
});

describe('MIT krb5 per-message tokens', () => {
  const seqOf = (h: string) => decodePerMessageToken(hex(h)).sndSeq;

  it('MIC tokens: 04 04, flags, 5 x FF, SND_SEQ, checksum', () => {
    const i = decodePerMessageToken(hex(ctx.micInitiator));
    expect(i).toMatchObject({ tokId: TokenId.MIC, flags: TokenFlags.AcceptorSubkey });
    if (i.tokId !== TokenId.MIC) throw new Error('not a MIC');
    expect(i.checksum.length).toBe(12); // hmac-sha1-96-aes256
    const a = decodePerMessageToken(hex(ctx.micAcceptor));
    expect(a.flags).toBe(TokenFlags.AcceptorSubkey | TokenFlags.SentByAcceptor);
    for (const h of [ctx.micInitiator, ctx.micAcceptor]) expect(toHex(encodePerMessageToken(decodePerMessageToken(hex(h))))).toBe(h);
  });

  it('Wrap tokens: sealed with EC 0, integrity-only with EC = checksum length; sequence numbers count up', () => {
    const s = decodePerMessageToken(hex(ctx.wrapSealedInitiator));
    expect(s).toMatchObject({ tokId: TokenId.WRAP, flags: TokenFlags.Sealed | TokenFlags.AcceptorSubkey, ec: 0 });
    const p = decodePerMessageToken(hex(ctx.wrapIntegInitiator));
    expect(p).toMatchObject({ tokId: TokenId.WRAP, flags: TokenFlags.AcceptorSubkey, ec: 12 });
    if (p.tokId !== TokenId.WRAP) throw new Error('not a Wrap');
    // RFC 4121 §4.2.4: without confidentiality the body is the plaintext followed by the checksum (RRC 0 here).
    expect(toHex(p.body.slice(0, p.body.length - p.ec))).toBe(ctx.message);
    const a = decodePerMessageToken(hex(ctx.wrapSealedAcceptor));
    expect(a.flags).toBe(TokenFlags.Sealed | TokenFlags.AcceptorSubkey | TokenFlags.SentByAcceptor);
    expect(seqOf(ctx.wrapSealedInitiator)).toBe(seqOf(ctx.micInitiator) + 1n);
    expect(seqOf(ctx.wrapIntegInitiator)).toBe(seqOf(ctx.micInitiator) + 2n);
    for (const h of [ctx.wrapSealedInitiator, ctx.wrapIntegInitiator, ctx.wrapSealedAcceptor]) {
      expect(toHex(encodePerMessageToken(decodePerMessageToken(hex(h))))).toBe(h);
    }
  });
});

describe('typed messages inside MIT context tokens (tskrb5/messages)', () => {
  it('AP-REQ for HTTP/localhost, AP-REP, KRB-ERROR KRB_AP_ERR_NOT_US; re-encoded byte-exactly', () => {
    const req = decodeKrb5Message(hex(ctx.initiatorToken));
    if (req.message.type !== 'AP-REQ') throw new Error(req.message.type);
    expect(req.message.value.ticket.sname.nameString).toEqual(['HTTP', 'localhost']);
    expect(req.message.value.ticket.realm).toBe('TSKRB5.TEST');
    expect(encodeKrb5Message(req.message)).toEqual(hex(ctx.initiatorToken));

    const rep = decodeKrb5Message(hex(ctx.acceptorToken));
    expect(rep.message.type).toBe('AP-REP');
    expect(encodeKrb5Message(rep.message)).toEqual(hex(ctx.acceptorToken));

    const e = decodeKrb5Message(hex(err.errorToken));
    if (e.message.type !== 'KRB-ERROR') throw new Error(e.message.type);
    expect(e.message.value.errorCode).toBe(35); // KRB_AP_ERR_NOT_US
    expect(e.message.value.sname.nameString).toEqual(['HTTP', 'otherhost']);
    expect(encodeKrb5Message(e.message)).toEqual(hex(err.errorToken));
  });

  it('a TOK_ID whose message is of another type is a DecodeError pointing into the token', () => {
    const rep = decodeKrb5Token(hex(ctx.acceptorToken));
    const mixed = encodeKrb5Token({ tokId: TokenId.KRB_AP_REQ, inner: rep.inner });
    try {
      decodeKrb5Message(mixed);
      throw new Error('decoded');
    } catch (x) {
      expect((x as object).constructor).toBe(DecodeError);
      expect((x as DecodeError).offset).toBe(mixed.length - rep.inner.length);
    }
  });

  it('random and mutated tokens give only DecodeError / UnsupportedError', () => {
    expectOnlyKerberosErrors(decodeKrb5Message, [hex(ctx.initiatorToken), hex(ctx.acceptorToken), hex(err.errorToken)], 2000);
  });
});
