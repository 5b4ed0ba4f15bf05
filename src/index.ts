/**
 * tskrb5 — Kerberos v5 and SPNEGO in pure TypeScript: the Node front door. What a Node program
 * needs to log in, get service tickets, use the credential caches and keytabs MIT's tools share,
 * call Negotiate-protected HTTP APIs and accept Negotiate in a server — and the errors all of it
 * throws. Everything else lives in a subpath of its own: `tskrb5/node` (stores, KDC transport,
 * environment), `tskrb5/client` (the sans-I/O AS/TGS client), `tskrb5/http`, `tskrb5/gssapi`,
 * `tskrb5/spnego`, `tskrb5/messages`, `tskrb5/formats`, `tskrb5/crypto`, `tskrb5/iana`,
 * `tskrb5/errors`.
 *
 * @example
 * ```ts
 * import { kinit, createNegotiateFetch } from 'tskrb5'
 * await kinit({ principal: 'alice@EXAMPLE.COM', password })
 * const res = await createNegotiateFetch()('https://api.example.com/v1/me')
 * ```
 * @module
 */

// Logging in and service tickets (MIT's kinit, kvno, krb5_get_credentials)
export { kinit, type KinitOptions, type KinitResult } from './node/kinit.js';
export { getServiceCredential, getForwardedCredential, type ServiceCredentialOptions, type ServiceCredentialResult } from './node/service.js';
export { createKrb5Context, type Krb5Context, type Krb5ContextOptions } from './node/context.js';
export { snameToPrincipal, type SnameOptions } from './node/sname.js';

// Principals
export { parsePrincipal, unparsePrincipal, type Principal, type ParsePrincipalOptions, type UnparsePrincipalOptions } from './messages/principal.js';

// Credential caches and keytabs
export { openCcache, openCollection, type OpenCcacheOptions } from './node/ccache/index.js';
export type { CcacheStore, CcacheCollection, CcacheCredential } from './node/ccache/types.js';
export { KeytabFile } from './node/keytab-file.js';
export type { KeytabEntry } from './formats/keytab.js';

// HTTP: Negotiate for fetch, and for servers
export {
  createNegotiateFetch,
  negotiateFetch,
  createNodeFetch,
  type NodeNegotiateFetch,
  type NodeNegotiateOptions,
  type NodeFetch,
  type NodeFetchOptions,
} from './http/node/index.js';
export { negotiateMiddleware, type NegotiateMiddlewareOptions, type NegotiateNodeOptions, type NegotiateRequestInfo } from './http/node/server.js';
export { negotiateHandler, type NegotiateHandlerOptions } from './http/node/handler.js';
export type { Delegation } from './http/node/delegation.js';
export type { NegotiateInfo, NegotiateHooks, HttpPage, AuthToLocal } from './http/server-gate.js';
export { createAuthFetch, bearer, negotiate, MutualAuthenticationError, type AuthScheme } from './http/index.js';
export { storeDelegatedCredentials, type DelegationPolicy } from './node/delegated.js';
export type { DelegatedCredentials } from './gssapi/acceptor.js';

// Errors
export { KerberosError, DecodeError, IntegrityError, UnsupportedError, KdcError, ProtocolError, GssError, ConfigError, TransportError, NoCredentialsError } from './errors.js';
export { GssKrbError } from './gssapi/initiator.js';
