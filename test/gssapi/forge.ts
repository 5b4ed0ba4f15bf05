/**
 * Forging AP-REQs for tests of the acceptor's checks past authentication: a real ticket (from MIT's
 * KDC, or a recorded one) and its session key, with an Authenticator whose every field the test
 * chooses — subkeys of any enctype and length, any checksum body, delegation blobs, flags,
 * sequence numbers — framed as a GSS-API krb5 token, optionally inside a SPNEGO NegTokenInit with
 * any mechListMIC. Nothing here is a check; it only builds what a hostile initiator could send.
 */
import { encrypt, type Key } from '../../src/crypto/index.js';
import { MessageType, Oid } from '../../src/iana/index.js';
import { Authenticator, Ticket, type Authenticator as AuthenticatorT } from '../../src/messages/index.js';
import { encodeGssChecksum, encodeKrb5Message, GSS_CHECKSUM_TYPE, NO_CHANNEL_BINDINGS, type GssChecksum } from '../../src/gssapi/index.js';
import { encodeNegTokenInit } from '../../src/spnego/index.js';

export interface ForgeOptions {
  /** The DER Ticket, and the session key inside it. */
  ticket: Uint8Array;
  sessionKey: Key;
  client: { realm: string; components: readonly string[]; nameType?: number };
  now: Date;
  /** Authenticator fields that replace the defaults (a GSS checksum with no flags, no subkey). */
  authenticator?: Partial<AuthenticatorT>;
  /** The 0x8003 checksum's fields (ignored when `authenticator.cksum` is given). */
  gss?: Partial<GssChecksum>;
  apOptions?: number;
  /** Encrypt the authenticator bytes given here instead of encoding one. */
  rawAuthenticator?: Uint8Array;
}

/** A framed krb5 AP-REQ token (RFC 4121 §4.1) with the authenticator the options describe. */
export function forgeApReq(o: ForgeOptions): Uint8Array {
  const gss: GssChecksum = { flags: 0, bindingsHash: NO_CHANNEL_BINDINGS, ...o.gss } as GssChecksum;
  const auth: AuthenticatorT = {
    authenticatorVno: 5,
    crealm: o.client.realm,
    cname: { nameType: o.client.nameType ?? 1, nameString: [...o.client.components] },
    cksum: { cksumtype: GSS_CHECKSUM_TYPE, checksum: encodeGssChecksum(gss) },
    cusec: (o.now.getTime() % 1000) * 1000,
    ctime: new Date(Math.floor(o.now.getTime() / 1000) * 1000),
    ...o.authenticator,
  };
  const plain = o.rawAuthenticator ?? Authenticator.encode(auth);
  return encodeKrb5Message(
    {
      type: 'AP-REQ',
      value: {
        pvno: 5,
        msgType: MessageType.KRB_AP_REQ,
        apOptions: o.apOptions ?? 0,
        ticket: Ticket.decode(o.ticket),
        authenticator: { etype: o.sessionKey.etype, cipher: encrypt(o.sessionKey, 11, plain, { allowWeakCrypto: true }) },
      },
    },
    { framed: true, mech: Oid.KRB5 },
  );
}

/** A SPNEGO NegTokenInit offering krb5 with `mechToken`, and `mechListMIC` if given. */
export function spnegoInit(mechToken: Uint8Array, mechListMIC?: Uint8Array, mechTypes: string[] = [Oid.KRB5]): Uint8Array {
  return encodeNegTokenInit({ mechTypes, mechToken, ...(mechListMIC ? { mechListMIC } : {}) }, { framed: true });
}
