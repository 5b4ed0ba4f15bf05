/**
 * Krb5Acceptor's checks one by one, on a real MIT ticket (fixtures/mit/ccache/v4-kvno.ccache,
 * HTTP/localhost) opened with the service keys MIT's kadmin recorded (ccaches.json), the
 * authenticators made by our initiator: what the MIT initiator cannot be made to send (another
 * client than the ticket's, an expired ticket, a kvno not in the keytab) is refused with MIT's
 * status and Kerberos code. The interop suite (acceptor-interop.test.ts) covers MIT's tokens.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, GssFlags, GssStatus, KeyUsage, TicketFlags, flagMask } from '../../src/iana/index.js';
import { decrypt, encrypt } from '../../src/crypto/index.js';
import { EncTicketPart, Ticket } from '../../src/messages/index.js';
import { GssAcceptError, Krb5Acceptor, Krb5Initiator, ReplayCache } from '../../src/gssapi/index.js';
import { svc, keys } from './mit-ticket.js';

const at =
  (offsetMs = 0) =>
  () =>
    new Date(svc.authtime.getTime() + offsetMs);
const MUTUAL = GssFlags.GSS_C_MUTUAL_FLAG | GssFlags.GSS_C_SEQUENCE_FLAG | GssFlags.GSS_C_REPLAY_FLAG;

function refused(f: () => unknown, major: number, code?: number): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GssAcceptError);
    expect((e as GssAcceptError).major, (e as Error).message).toBe(major);
    expect((e as GssAcceptError).krbErrorCode, (e as Error).message).toBe(code);
    return;
  }
  throw new Error('accepted');
}

describe('Krb5Acceptor on an MIT ticket', () => {
  it('accepts, answers an AP-REP our initiator verifies, and MIC/Wrap flow both ways', () => {
    const i = new Krb5Initiator({ credential: svc, now: at(), flags: MUTUAL });
    const a = new Krb5Acceptor({ keys, now: at(), replayCache: false });
    const reply = a.accept(i.token)!;
    i.step(reply);
    expect(i.mutual).toBe(true);
    expect(a.client).toEqual({ nameType: 1, realm: 'TSKRB5.TEST', components: ['alice'] });
    expect(a.server).toMatchObject({ realm: 'TSKRB5.TEST', components: ['HTTP', 'localhost'] });
    const m = new TextEncoder().encode('hello');
    expect(a.verifyMIC(m, i.getMIC(m)).supplementary).toBe(0);
    expect(new TextDecoder().decode(i.unwrap(a.wrap(m)).message)).toBe('hello');
    expect(() => a.accept(i.token)).toThrow(/already established/);
  });

  it("refuses an authenticator for another client than the ticket's (KRB_AP_ERR_BADMATCH)", () => {
    const i = new Krb5Initiator({ credential: { ...svc, client: { ...svc.client, components: ['mallory'] } }, now: at(), flags: MUTUAL });
    refused(() => new Krb5Acceptor({ keys, now: at(), replayCache: false }).accept(i.token), GssStatus.GSS_S_DEFECTIVE_TOKEN, ErrorCode.KRB_AP_ERR_BADMATCH);
  });

  it('refuses an expired ticket, and one not valid yet', () => {
    const late = svc.endtime.getTime() - svc.authtime.getTime() + 10 * 60_000;
    refused(
      () => new Krb5Acceptor({ keys, now: at(late), replayCache: false }).accept(new Krb5Initiator({ credential: svc, now: at(late) }).token),
      GssStatus.GSS_S_CREDENTIALS_EXPIRED,
      ErrorCode.KRB_AP_ERR_TKT_EXPIRED,
    );
    const early = -(svc.starttime.getTime() - svc.authtime.getTime()) - 10 * 60_000;
    refused(
      () => new Krb5Acceptor({ keys, now: at(early), replayCache: false }).accept(new Krb5Initiator({ credential: svc, now: at(early) }).token),
      GssStatus.GSS_S_CREDENTIALS_EXPIRED,
      ErrorCode.KRB_AP_ERR_TKT_NYV,
    );
  });

  it('refuses a ticket marked invalid (postdated, not yet validated)', () => {
    const t = Ticket.decode(svc.ticket);
    const key = keys.find((k) => k.principal.components.join('/') === 'HTTP/localhost' && k.key.etype === t.encPart.etype)!.key;
    const part = EncTicketPart.decode(decrypt(key, KeyUsage.KDC_REP_TICKET, t.encPart.cipher));
    const forged = EncTicketPart.encode({ ...part, flags: (part.flags | flagMask(TicketFlags.INVALID)) >>> 0 });
    const ticket = Ticket.encode({ ...t, encPart: { ...t.encPart, cipher: encrypt(key, KeyUsage.KDC_REP_TICKET, forged) } });
    const i = new Krb5Initiator({ credential: { ...svc, ticket }, now: at() });
    refused(() => new Krb5Acceptor({ keys, now: at(), replayCache: false }).accept(i.token), GssStatus.GSS_S_CREDENTIALS_EXPIRED, ErrorCode.KRB_AP_ERR_TKT_NYV);
  });

  it('the kvno: lenient by default (a keytab whose kvno differs still works), strict on request', () => {
    const other = keys.map((k) => ({ ...k, kvno: k.kvno + 7 }));
    const token = () => new Krb5Initiator({ credential: svc, now: at() }).token;
    expect(new Krb5Acceptor({ keys: other, now: at(), replayCache: false }).accept(token())).toBeInstanceOf(Uint8Array);
    refused(() => new Krb5Acceptor({ keys: other, now: at(), replayCache: false, strictKvno: true }).accept(token()), GssStatus.GSS_S_NO_CRED, ErrorCode.KRB_AP_ERR_BADKEYVER);
    const wrongType = keys.map((k) => ({ ...k, key: { ...k.key, etype: k.key.etype === 18 ? 17 : 18 } }));
    refused(
      () => new Krb5Acceptor({ keys: wrongType.filter((k) => k.key.etype !== 18), now: at(), replayCache: false }).accept(token()),
      GssStatus.GSS_S_NO_CRED,
      ErrorCode.KRB_AP_ERR_NOKEY,
    );
  });

  it('the replay cache never forgets a live authenticator: at its bound new ones are refused (ERR_REPLAY_CACHE_FULL, GSS_S_FAILURE, counted), replays still caught; room again once they expire', () => {
    const rc = new ReplayCache(3);
    const tokens = [0, 1, 2, 3].map((n) => new Krb5Initiator({ credential: svc, now: at(n * 1000), flags: MUTUAL }).token);
    for (const t of tokens.slice(0, 3)) expect(new Krb5Acceptor({ keys, now: at(), replayCache: rc }).accept(t)).toBeInstanceOf(Uint8Array);
    // the fourth: refused, not accepted by forgetting the first
    let full: unknown;
    try {
      new Krb5Acceptor({ keys, now: at(), replayCache: rc }).accept(tokens[3]!);
    } catch (e) {
      full = e;
    }
    expect(full).toBeInstanceOf(GssAcceptError);
    expect(full).toMatchObject({ code: 'ERR_REPLAY_CACHE_FULL', major: GssStatus.GSS_S_FAILURE, token: undefined });
    expect((full as Error).message).toMatch(/replay cache is full \(3 live authenticators/);
    // every one of the first three is still a replay
    for (const t of tokens.slice(0, 3))
      refused(() => new Krb5Acceptor({ keys, now: at(), replayCache: rc }).accept(t), GssStatus.GSS_S_DUPLICATE_TOKEN, ErrorCode.KRB_AP_ERR_REPEAT);
    expect(rc.stats()).toMatchObject({ entries: 3, maxEntries: 3, accepted: 3, replays: 3, refusedFull: 1 });
    // 301 s later the first three have expired (time + 300 s skew): the fourth, made then, fits
    const later = new Krb5Initiator({ credential: svc, now: at(301_000 + 2000), flags: MUTUAL }).token;
    expect(new Krb5Acceptor({ keys, now: at(301_000 + 2000), replayCache: rc }).accept(later)).toBeInstanceOf(Uint8Array);
    expect(rc.size).toBe(1);
  });
});

describe("the acceptor's refusals carry the AP check's code", () => {
  it('a replay is ERR_AP_REPLAY and a foreign client ERR_AP_CLIENT_MISMATCH (not the generic ERR_GSS)', () => {
    const cache = new ReplayCache();
    const i = new Krb5Initiator({ credential: svc, now: at(), flags: MUTUAL });
    new Krb5Acceptor({ keys, now: at(), replayCache: cache }).accept(i.token);
    let err: unknown;
    try {
      new Krb5Acceptor({ keys, now: at(), replayCache: cache }).accept(i.token);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GssAcceptError);
    expect((err as GssAcceptError).code).toBe('ERR_AP_REPLAY');
    const other = new Krb5Initiator({ credential: { ...svc, client: { ...svc.client, components: ['mallory'] } }, now: at(), flags: MUTUAL });
    try {
      new Krb5Acceptor({ keys, now: at(), replayCache: false }).accept(other.token);
    } catch (e) {
      err = e;
    }
    expect((err as GssAcceptError).code).toMatch(/^ERR_AP_/);
  });
});
