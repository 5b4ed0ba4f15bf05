/**
 * HTTP Negotiate (RFC 4559): header parsing and formatting.
 *
 * @example
 * ```ts
 * import { parseChallenges, findNegotiate, formatNegotiate } from 'tskrb5/http'
 * const n = findNegotiate(parseChallenges(res.headers.get('www-authenticate') ?? ''))
 * ```
 * @module
 */
export {
  parseChallenges,
  findNegotiate,
  parseAuthorization,
  parseNegotiateAuthorization,
  negotiateToken,
  MAX_NEGOTIATE_TOKEN_BYTES,
  formatNegotiate,
  type Challenge,
} from './negotiate-header.js';
export { toBase64, fromBase64 } from './base64.js';
export {
  createNegotiateFetchCore,
  MutualAuthenticationError,
  type NegotiateFetch,
  type NegotiateOptions,
  type CredentialSource,
  type CredentialRequest,
  type NegotiateCredentials,
  type NegotiateLogger,
  type FetchLike,
  type FetchInit,
  type FetchInput,
  type ResponseLike,
  type RequestLike,
  type RequestInitLike,
  type HeadersLike,
} from './negotiate-fetch.js';
export { createAuthFetch, bearer, negotiate, type AuthScheme } from './auth-chain.js';
export { certificateHashForBindings, certificateSignatureAlgorithm } from './certificate.js';
export { createNegotiateAuthenticator, type NegotiateServerOptions, type NegotiateResult, type NegotiateConnection } from './negotiate-server.js';
export { negotiateHandlerCore, type NegotiateHandlerCoreOptions, type WebResponse, type WebRequestLike } from './web-handler.js';
export {
  createNegotiateGate,
  UNAUTHORIZED_PAGE,
  FORBIDDEN_PAGE,
  type NegotiateInfo,
  type NegotiateHooks,
  type GateOutcome,
  type HttpPage,
  type AuthToLocal,
} from './server-gate.js';
export { RedisReplayCache, type RedisReplayCacheOptions, type RedisReplayCacheStats, type NodeRedisLike, type IoRedisLike } from './replay-redis.js';
export { ReplayCache, replayTag, type ReplayEntry, type ReplayStore, type AsyncReplayStore, type ReplayCacheStats, type ReplayCacheOptions } from '../ap/index.js';
