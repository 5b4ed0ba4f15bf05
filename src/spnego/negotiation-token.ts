/**
 * The SPNEGO wire structures (RFC 4178 §4.2) and Microsoft's NegTokenInit2 ([MS-SPNG] §2.2.1).
 * @module
 */
import { type BitString, type Codec, bitString, choice, ctx, enumerated, field, generalString, map, octetString, oid, opt, seq, seqOf } from '../asn1/index.js';

// RFC 4178 §4.2: MechTypeList ::= SEQUENCE OF MechType; MechType ::= OBJECT IDENTIFIER
/**
 * MechTypeList: the mechanisms offered, most preferred first. Its DER encoding is what the
 * mechListMIC covers (RFC 4178 §5).
 *
 * @example
 * ```ts
 * MechTypeList.encode(['1.2.840.113554.1.2.2']) // 30 0b 06 09 2a 86 48 86 f7 12 01 02 02
 * ```
 */
export const MechTypeList: Codec<string[]> = seqOf(oid, 'MechTypeList');

/** NegHints of NegTokenInit2: a hint for the initiator (ignored by everyone in practice). */
export interface NegHints {
  /** MIT and Samba send `not_defined_in_RFC4178@please_ignore`. */
  hintName?: string | undefined;
  hintAddress?: Uint8Array | undefined;
}

// [MS-SPNG] §2.2.1 (as MIT's spnego_mech.c writes it):
//   NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL, hintAddress [1] OCTET STRING OPTIONAL }
/**
 * NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL, hintAddress [1] OCTET STRING OPTIONAL }
 *
 * @example
 * ```ts
 * NegHints.encode({ hintName: 'not_defined_in_RFC4178@please_ignore' })
 * ```
 */
export const NegHints: Codec<NegHints> = seq('NegHints', { hintName: opt(field(0, generalString)), hintAddress: opt(field(1, octetString)) }, { fieldNames: 'verbatim' });

/** RFC 4178 §4.2.1 NegTokenInit. */
export interface NegTokenInit {
  mechTypes: string[];
  /** ContextFlags BIT STRING (delegFlag 0, mutualFlag 1, replayFlag 2, sequenceFlag 3, anonFlag 4, confFlag 5, integFlag 6). */
  reqFlags?: BitString | undefined;
  /** The optimistic token of the first mechanism. */
  mechToken?: Uint8Array | undefined;
  mechListMIC?: Uint8Array | undefined;
}

/** [MS-SPNG] §2.2.1 NegTokenInit2: NegTokenInit with negHints at [3] and mechListMIC moved to [4]. */
export interface NegTokenInit2 {
  mechTypes: string[];
  reqFlags?: BitString | undefined;
  mechToken?: Uint8Array | undefined;
  negHints?: NegHints | undefined;
  mechListMIC?: Uint8Array | undefined;
}

/** RFC 4178 §4.2.2 NegTokenResp. */
export interface NegTokenResp {
  /** See {@link NegState}. */
  negState?: number | undefined;
  supportedMech?: string | undefined;
  responseToken?: Uint8Array | undefined;
  mechListMIC?: Uint8Array | undefined;
}

// RFC 4178 §4.2.2:
//   NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED { accept-completed (0), accept-incomplete (1),
//     reject (2), request-mic (3) } OPTIONAL, supportedMech [1] MechType OPTIONAL,
//     responseToken [2] OCTET STRING OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL, ... }
/**
 * NegTokenResp codec (the SEQUENCE, without the [1] of NegotiationToken).
 *
 * @example
 * ```ts
 * NegTokenResp.encode({ negState: 0 }) // 30 05 a0 03 0a 01 00
 * ```
 */
export const NegTokenResp: Codec<NegTokenResp> = seq(
  'NegTokenResp',
  {
    negState: opt(field(0, enumerated)),
    supportedMech: opt(field(1, oid)),
    responseToken: opt(field(2, octetString)),
    mechListMIC: opt(field(3, octetString)),
  },
  { fieldNames: 'verbatim' },
);

// RFC 4178 §4.2.1:
//   NegTokenInit ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1] ContextFlags OPTIONAL,
//     mechToken [2] OCTET STRING OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL, ... }
// [MS-SPNG] §2.2.1:
//   NegTokenInit2 ::= SEQUENCE { mechTypes [0], reqFlags [1], mechToken [2],
//     negHints [3] NegHints OPTIONAL, mechListMIC [4] OCTET STRING OPTIONAL, ... }
// Both sit under the same [0] of NegotiationToken; one reading serves both: [3] is an
// OCTET STRING (mechListMIC) or a SEQUENCE (negHints), and [4] exists only in NegTokenInit2.
const InitAnyWire = seq(
  'NegTokenInit',
  {
    mechTypes: field(0, MechTypeList),
    reqFlags: opt(field(1, bitString)),
    mechToken: opt(field(2, octetString)),
    third: opt(field(3, choice('mechListMIC/negHints', { mic: octetString, negHints: NegHints }, { names: 'verbatim' }), 'mechListMIC/negHints')),
    mechListMIC2: opt(field(4, octetString, 'mechListMIC')),
  },
  { fieldNames: 'verbatim' },
);

type InitAny = { type: 'negTokenInit'; value: NegTokenInit } | { type: 'negTokenInit2'; value: NegTokenInit2 };

/** `o` without its undefined properties, as a new object (deleting them would turn `o` into a slow dictionary-mode object). */
function clean<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const InitAny: Codec<InitAny> = map(
  InitAnyWire,
  (w): InitAny => {
    const base = { mechTypes: w.mechTypes, reqFlags: w.reqFlags, mechToken: w.mechToken };
    if (w.third?.type === 'negHints' || w.mechListMIC2 !== undefined) {
      if (w.third?.type === 'mic') throw new RangeError('NegTokenInit has mechListMIC at [3] and a field [4]');
      return { type: 'negTokenInit2', value: clean({ ...base, negHints: w.third?.value as NegHints | undefined, mechListMIC: w.mechListMIC2 }) };
    }
    return { type: 'negTokenInit', value: clean({ ...base, mechListMIC: w.third?.value as Uint8Array | undefined }) };
  },
  (v) => {
    if (typeof v !== 'object' || v === null || typeof v.value !== 'object' || v.value === null) throw new TypeError('NegTokenInit: expected { type, value }');
    const { mechTypes, reqFlags, mechToken } = v.value;
    if (v.type === 'negTokenInit2') {
      const x = v.value;
      return { mechTypes, reqFlags, mechToken, third: x.negHints && { type: 'negHints' as const, value: x.negHints }, mechListMIC2: x.mechListMIC };
    }
    const m = (v.value as NegTokenInit).mechListMIC;
    return { mechTypes, reqFlags, mechToken, third: m && { type: 'mic' as const, value: m } };
  },
);

/** RFC 4178 §4.2 NegotiationToken, with NegTokenInit2 told apart from NegTokenInit. */
export type NegotiationToken = { type: 'negTokenInit'; value: NegTokenInit } | { type: 'negTokenInit2'; value: NegTokenInit2 } | { type: 'negTokenResp'; value: NegTokenResp };

// RFC 4178 §4.2: NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp }
const Wire = choice('NegotiationToken', { init: ctx(0, InitAny), negTokenResp: ctx(1, NegTokenResp) }, { names: 'verbatim' });

/**
 * NegotiationToken: `[0]` NegTokenInit / NegTokenInit2 or `[1]` NegTokenResp, bare (not framed).
 * A decoded NegTokenInit is `negTokenInit2` when it has negHints or a field [4].
 *
 * @example
 * ```ts
 * NegotiationToken.encode({ type: 'negTokenResp', value: { negState: 0 } }) // a1 07 30 05 a0 03 0a 01 00
 * ```
 */
export const NegotiationToken: Codec<NegotiationToken> = map(
  Wire,
  (w): NegotiationToken => (w.type === 'init' ? w.value : { type: 'negTokenResp', value: clean({ ...w.value }) }),
  (v) => {
    if (typeof v !== 'object' || v === null) throw new TypeError('NegotiationToken: expected { type, value }');
    if (v.type === 'negTokenResp') return { type: 'negTokenResp' as const, value: v.value };
    if (v.type === 'negTokenInit' || v.type === 'negTokenInit2') return { type: 'init' as const, value: v as InitAny };
    throw new TypeError(`NegotiationToken: unknown alternative ${String((v as { type: unknown }).type)}`);
  },
);
