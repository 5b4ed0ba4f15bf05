/**
 * SPNEGO (RFC 4178) token formats, with Microsoft's NegTokenInit2. Runtime-neutral.
 *
 * @example
 * ```ts
 * import { decodeSpnegoToken, encodeNegTokenResp, NegState } from 'tskrb5/spnego'
 * const { token } = decodeSpnegoToken(bytes)
 * ```
 * @module
 */
export { NegState } from './neg-state.js';
export {
  MechTypeList,
  NegHints,
  NegTokenResp,
  NegotiationToken,
  type NegTokenInit,
  type NegTokenInit2,
} from './negotiation-token.js';
export { decodeSpnegoToken, encodeNegTokenInit, encodeNegTokenInit2, encodeNegTokenResp, encodeMechTypeList, type SpnegoToken } from './spnego-token.js';
export { isNtlmToken, onlyNtlm, KERBEROS_MECHS } from './ntlm.js';
export { contextFlags, gssFlagsOf } from './context-flags.js';
export { SpnegoInitiator, type SpnegoInitiatorOptions } from './initiator.js';
export { SpnegoAcceptor, SpnegoRejectError } from './acceptor.js';
