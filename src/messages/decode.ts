/**
 * `decodeKerberosMessage`: any RFC 4120 PDU or encrypted part, chosen by its APPLICATION tag.
 * @module
 */
import { type Codec, type DecodeOptions, DerReader, describeTag } from '../asn1/index.js';
import { DecodeError } from '../errors.js';
import { APRep, APReq, Authenticator, EncAPRepPart } from './ap.js';
import { KRBCred, EncKrbCredPart } from './krb-cred.js';
import { KRBError } from './krb-error.js';
import { KRBPriv, KRBSafe, EncKrbPrivPart } from './krb-safe-priv.js';
import { ASReq, TGSReq, type KDCReq } from './kdc-req.js';
import { ASRep, EncKDCRepPart, TGSRep, type KDCRep } from './kdc-rep.js';
import { EncTicketPart, Ticket } from './ticket.js';

/** A decoded Kerberos structure, named as RFC 4120 names it. */
export type KerberosMessage =
  | { type: 'Ticket'; value: Ticket }
  | { type: 'Authenticator'; value: Authenticator }
  | { type: 'EncTicketPart'; value: EncTicketPart }
  | { type: 'AS-REQ'; value: KDCReq }
  | { type: 'AS-REP'; value: KDCRep }
  | { type: 'TGS-REQ'; value: KDCReq }
  | { type: 'TGS-REP'; value: KDCRep }
  | { type: 'AP-REQ'; value: APReq }
  | { type: 'AP-REP'; value: APRep }
  | { type: 'KRB-SAFE'; value: KRBSafe }
  | { type: 'KRB-PRIV'; value: KRBPriv }
  | { type: 'KRB-CRED'; value: KRBCred }
  | { type: 'EncASRepPart'; value: EncKDCRepPart }
  | { type: 'EncTGSRepPart'; value: EncKDCRepPart }
  | { type: 'EncAPRepPart'; value: EncAPRepPart }
  | { type: 'EncKrbPrivPart'; value: EncKrbPrivPart }
  | { type: 'EncKrbCredPart'; value: EncKrbCredPart }
  | { type: 'KRB-ERROR'; value: KRBError };

/** The name of each structure RFC 4120 §5 gives an APPLICATION tag. */
export type KerberosMessageType = KerberosMessage['type'];

/** Tag number → [type name, codec]. */
const BY_TAG = new Map<number, readonly [KerberosMessageType, Pick<Codec<unknown>, 'decode'>]>([
  [1, ['Ticket', Ticket]],
  [2, ['Authenticator', Authenticator]],
  [3, ['EncTicketPart', EncTicketPart]],
  [10, ['AS-REQ', ASReq]],
  [11, ['AS-REP', ASRep]],
  [12, ['TGS-REQ', TGSReq]],
  [13, ['TGS-REP', TGSRep]],
  [14, ['AP-REQ', APReq]],
  [15, ['AP-REP', APRep]],
  [20, ['KRB-SAFE', KRBSafe]],
  [21, ['KRB-PRIV', KRBPriv]],
  [22, ['KRB-CRED', KRBCred]],
  // EncKDCRepPart, so that the value keeps the tag it was read with (applicationTag).
  [25, ['EncASRepPart', EncKDCRepPart]],
  [26, ['EncTGSRepPart', EncKDCRepPart]],
  [27, ['EncAPRepPart', EncAPRepPart]],
  [28, ['EncKrbPrivPart', EncKrbPrivPart]],
  [29, ['EncKrbCredPart', EncKrbCredPart]],
  [30, ['KRB-ERROR', KRBError]],
]);

/**
 * Decode any RFC 4120 structure that has an APPLICATION tag (Ticket 1, Authenticator 2,
 * EncTicketPart 3, AS-REQ 10 … AP-REP 15, KRB-SAFE 20, KRB-PRIV 21, KRB-CRED 22, the encrypted
 * parts 25–29, KRB-ERROR 30), chosen by that tag. Any other first tag, or any malformed input,
 * is a `DecodeError`.
 *
 * @example
 * ```ts
 * const m = decodeKerberosMessage(reply)
 * if (m.type === 'KRB-ERROR') throw kdcError(m.value)
 * if (m.type === 'AS-REP') use(m.value.ticket)
 * ```
 */
export function decodeKerberosMessage(bytes: Uint8Array, options?: DecodeOptions): KerberosMessage {
  const r = new DerReader(bytes, options);
  const tag = r.peekTag();
  if (tag === -1) throw new DecodeError('empty input, expected a Kerberos message', { offset: 0 });
  // Constructed APPLICATION tags 0..30 are the identifier octets 0x60..0x7e.
  const entry = tag >= 0x60 && tag <= 0x7e ? BY_TAG.get(tag - 0x60) : undefined;
  if (entry === undefined) throw new DecodeError(`not a Kerberos message: ${describeTag(tag)}`, { offset: 0 });
  return { type: entry[0], value: entry[1].decode(bytes, options) } as KerberosMessage;
}
