/**
 * The server path against hostile but authenticated initiators (issue 11, item 1): a real MIT
 * ticket (fixtures/mit/ccache/v4-kvno.ccache, HTTP/localhost, opened with the service keys MIT's
 * kadmin recorded) and its session key, with forged authenticators — subkeys of a wrong length or
 * enctype, checksum bodies, delegation blobs, flags, sequence numbers, mechListMICs. Whatever
 * arrives, `createNegotiateAuthenticator` answers a decision (never throws), the acceptor throws
 * only KerberosErrors, and a key of the wrong length is refused where it is decoded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt } from '../../src/crypto/index.js';
import { DecodeError, KerberosError } from '../../src/errors.js';
import { Krb5Acceptor } from '../../src/gssapi/index.js';
import { createNegotiateAuthenticator } from '../../src/http/index.js';
import { GssFlags, KeyUsage } from '../../src/iana/index.js';
import { Authenticator, EncryptionKey, EncTicketPart, Ticket } from '../../src/messages/index.js';
import { SpnegoAcceptor } from '../../src/spnego/index.js';
import { forgeApReq, spnegoInit } from '../gssapi/forge.js';
import { svc, keys, now } from '../gssapi/mit-ticket.js';

const sessionKey = { etype: svc.key.etype, value: svc.key.value };
const base = { ticket: svc.ticket, sessionKey, client: svc.client, now: svc.authtime };
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
/** A well-formed RFC 4121 MIC token header (sent by the initiator) with any checksum bytes. */
const micToken = (checksum: Uint8Array, seq = 0) => {
  const t = new Uint8Array(16 + checksum.length);
  t.set([0x04, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff]);
  new DataView(t.buffer).setUint32(12, seq);
  t.set(checksum, 16);
  return t;
};

describe('the server path on forged authenticators (valid ticket, hostile initiator)', () => {
  it('a subkey of a supported enctype but the wrong length, no mutual flag, any mechListMIC: a refusal, not a RangeError', () => {
    const token = spnegoInit(forgeApReq({ ...base, authenticator: { subkey: { keytype: 18, keyvalue: new Uint8Array(16) } } }), micToken(new Uint8Array(12)));
    const check = createNegotiateAuthenticator({ keys, now, replayCache: false });
    const r = check(`Negotiate ${b64(token)}`);
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.httpStatus).toBe(401);
    expect(r.error).toBeInstanceOf(KerberosError);
    expect(r.error.message).toMatch(/aes256-cts-hmac-sha1-96.*32 bytes.*16/);
  });

  it('the acceptor refuses that subkey where the authenticator is decoded (a DecodeError inside a GssAcceptError)', () => {
    const a = new Krb5Acceptor({ keys, now, replayCache: false });
    let err: unknown;
    try {
      a.accept(forgeApReq({ ...base, authenticator: { subkey: { keytype: 18, keyvalue: new Uint8Array(16) } } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KerberosError);
    expect((err as Error).cause).toBeInstanceOf(DecodeError);
    expect(a.established).toBe(false);
  });

  it('EncryptionKey refuses a known enctype of the wrong length, and keeps unknown enctypes for their users to refuse', () => {
    for (const [keytype, n] of [
      [17, 32],
      [18, 16],
      [19, 32],
      [20, 16],
      [23, 8],
      [18, 0],
    ] as const) {
      const bytes = EncryptionKey.encode({ keytype, keyvalue: new Uint8Array(n) });
      expect(() => EncryptionKey.decode(bytes), `${keytype}/${n}`).toThrow(DecodeError);
    }
    for (const [keytype, n] of [
      [17, 16],
      [18, 32],
      [19, 16],
      [20, 32],
      [23, 16],
      [99, 7],
    ] as const) {
      expect(EncryptionKey.decode(EncryptionKey.encode({ keytype, keyvalue: new Uint8Array(n) })).keyvalue.length).toBe(n);
    }
  });

  it('a subkey of an unknown or weak enctype is refused with a KerberosError (weak crypto off)', () => {
    for (const keytype of [99, 23, -1, 0]) {
      const token = forgeApReq({ ...base, authenticator: { subkey: { keytype, keyvalue: new Uint8Array(16) } }, gss: { flags: GssFlags.GSS_C_MUTUAL_FLAG } });
      expect(() => new Krb5Acceptor({ keys, now, replayCache: false }).accept(token), String(keytype)).toThrow(KerberosError);
      const s = new SpnegoAcceptor({ keys, now, replayCache: false });
      expect(
        () => s.accept(spnegoInit(forgeApReq({ ...base, authenticator: { subkey: { keytype, keyvalue: new Uint8Array(16) } } }), micToken(new Uint8Array(12)))),
        String(keytype),
      ).toThrow(KerberosError);
    }
  });

  it('random authenticator contents and mechListMICs: the authenticator function never throws (property, 400 runs)', () => {
    const check = createNegotiateAuthenticator({ keys, now, replayCache: false });
    const etypes = fc.constantFrom(17, 18, 19, 20, 23, 24, 0, 1, 3, 16, 99, -128, 2 ** 31 - 1);
    const bytes = (max: number) => fc.uint8Array({ maxLength: max });
    const subkey = fc.option(
      fc.record({
        keytype: etypes,
        keyvalue: fc.oneof(
          bytes(40),
          fc.constantFrom(16, 32).map((n) => new Uint8Array(n)),
        ),
      }),
      { nil: undefined, freq: 8 },
    );
    const gss = fc.record({
      flags: fc.oneof(fc.constant(0), fc.constant(0x3e), fc.constant(0x3f), fc.constant(0x30), fc.integer({ min: 0, max: 0xffffffff })),
      bindingsHash: fc.oneof(fc.constant(new Uint8Array(16)), fc.uint8Array({ minLength: 16, maxLength: 16 })),
      delegation: fc.option(bytes(200), { nil: undefined }),
      exts: fc.option(fc.array(fc.record({ type: fc.integer({ min: 0, max: 0xffffffff }), data: bytes(20) }), { maxLength: 3 }), { nil: undefined }),
    });
    // mostly the forger's own well-formed 0x8003 checksum, so the run gets past it
    const cksum = fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 4 },
      { arbitrary: fc.record({ cksumtype: fc.constant(0x8003), checksum: bytes(120) }), weight: 1 },
      { arbitrary: fc.record({ cksumtype: fc.integer({ min: -200, max: 0x9000 }), checksum: bytes(40) }), weight: 1 },
    );
    const mic = fc.oneof({ arbitrary: bytes(24).map((c) => micToken(c)), weight: 3 }, { arbitrary: bytes(64), weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
    // how many runs reached the server, and what it answered (a run the forger cannot encode checks nothing)
    const outcomes: Record<string, number> = { forged: 0, ok: 0, failed: 0, challenge: 0 };
    fc.assert(
      fc.property(
        subkey,
        gss,
        cksum,
        fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
        mic,
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (sk, g, ck, seqNumber, mic, wrap, apOptions) => {
          const auth: Record<string, unknown> = {};
          if (sk) auth.subkey = sk;
          if (ck) auth.cksum = ck;
          if (seqNumber !== undefined) auth.seqNumber = seqNumber;
          let token: Uint8Array;
          try {
            token = forgeApReq({ ...base, authenticator: auth, gss: g, apOptions: apOptions & 0x7fffffff });
          } catch {
            return; // the forger itself could not encode these fields (e.g. a delegation without the flag)
          }
          outcomes.forged!++;
          const r = check(`Negotiate ${b64(wrap ? spnegoInit(token, mic) : token)}`);
          expect(['ok', 'failed', 'challenge', 'continue']).toContain(r.status);
          outcomes[r.status]!++;
          if (r.status === 'failed') expect(r.error).toBeInstanceOf(KerberosError);
        },
      ),
      { numRuns: 400 },
    );
    // about a third of the runs get past the forger (typically ~140 of 400) and most of those are refused
    expect(outcomes.forged, JSON.stringify(outcomes)).toBeGreaterThan(100);
    expect(outcomes.failed, JSON.stringify(outcomes)).toBeGreaterThan(50);
  });

  it('any authenticator plaintext under the real session key: only KerberosErrors (property, 300 runs)', () => {
    const real = Authenticator.encode({
      authenticatorVno: 5,
      crealm: svc.client.realm,
      cname: { nameType: 1, nameString: [...svc.client.components] },
      cusec: 0,
      ctime: svc.authtime,
      subkey: { keytype: 18, keyvalue: new Uint8Array(32) },
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: real.length - 1 }), fc.integer({ min: 0, max: 255 }), (junk, at, v) => {
        const mutated = real.slice();
        mutated[at] = v;
        for (const raw of [junk, mutated]) {
          try {
            new Krb5Acceptor({ keys, now, replayCache: false }).accept(forgeApReq({ ...base, rawAuthenticator: raw }));
          } catch (e) {
            expect(e).toBeInstanceOf(KerberosError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the session key inside a ticket is validated too: a ticket re-sealed with a 16-byte aes256 session key is refused', () => {
    const t = Ticket.decode(svc.ticket);
    const key = keys.find((k) => k.principal.components.join('/') === 'HTTP/localhost' && k.key.etype === t.encPart.etype)!.key;
    const part = EncTicketPart.decode(decrypt(key, KeyUsage.KDC_REP_TICKET, t.encPart.cipher));
    const short = { etype: 18, value: new Uint8Array(16) };
    const forged = EncTicketPart.encode({ ...part, key: { keytype: 18, keyvalue: short.value } });
    const ticket = Ticket.encode({ ...t, encPart: { ...t.encPart, cipher: encrypt(key, KeyUsage.KDC_REP_TICKET, forged) } });
    // the authenticator cannot be encrypted under a 16-byte aes256 key: any bytes will do
    let err: unknown;
    try {
      new Krb5Acceptor({ keys, now, replayCache: false }).accept(forgeApReq({ ...base, ticket, sessionKey: { etype: 17, value: short.value } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KerberosError);
    expect((err as Error).message).toMatch(/ticket.*32 bytes|32 bytes.*ticket/);
  });
});
