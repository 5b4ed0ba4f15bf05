/**
 * tskrb5 — Kerberos v5 and SPNEGO in pure TypeScript.
 *
 * The root entry will carry the wired-up Node API (Client, negotiateFetch, negotiate()); for
 * now it re-exports the layers that exist: crypto, the IANA registries and the errors.
 * @module
 */

export * from './crypto/index.js';
export * from './iana/index.js';
export * from './errors.js';
export * from './client/index.js';
export * from './node/index.js';
export { createNegotiateFetch, negotiateFetch, nodeCredentials, createNodeFetch, probeCertificate, type NodeNegotiateFetch, type NodeNegotiateOptions, type NodeCredentialOptions, type NodeFetch, type NodeFetchOptions } from './http/node/index.js';
export { negotiateMiddleware, type NegotiateMiddlewareOptions, type NegotiateRequestInfo } from './http/node/index.js';
export { MutualAuthenticationError, createAuthFetch, bearer, negotiate } from './http/index.js';
