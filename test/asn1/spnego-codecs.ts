/**
 * Test-local SPNEGO / GSS-API framing structures (RFC 4178 §4.2, RFC 2743 §3.1), declared the way
 * the spnego layer will: camelCase ASN.1 names kept verbatim, CHOICE, untagged components, and
 * [APPLICATION 0] IMPLICIT.
 */
import { TagClass, bitString, choice, ctx, enumerated, field, implicit, octetString, oid, opt, seq, seqOf, untagged } from '../../src/asn1/index.js';

// RFC 4178 §4.2 and RFC 2743 §3.1, as the spnego layer will declare them.
export const MechTypeList = seqOf(oid, 'MechTypeList');
export const NegTokenInit = seq(
  'NegTokenInit',
  { mechTypes: field(0, MechTypeList), reqFlags: opt(field(1, bitString)), mechToken: opt(field(2, octetString)), mechListMIC: opt(field(3, octetString)) },
  { fieldNames: 'verbatim' },
);
export const NegTokenResp = seq(
  'NegTokenResp',
  { negState: opt(field(0, enumerated)), supportedMech: opt(field(1, oid)), responseToken: opt(field(2, octetString)), mechListMIC: opt(field(3, octetString)) },
  { fieldNames: 'verbatim' },
);
export const NegotiationToken = choice('NegotiationToken', { negTokenInit: ctx(0, NegTokenInit), negTokenResp: ctx(1, NegTokenResp) }, { names: 'verbatim' });
export const InitialContextToken = implicit(
  0,
  seq('InitialContextToken', { thisMech: untagged(oid), innerContextToken: untagged(NegotiationToken) }, { fieldNames: 'verbatim' }),
  TagClass.APPLICATION,
);
