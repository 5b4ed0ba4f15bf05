/**
 * `tskrb5/node`: what stands behind `tskrb5` on Node, for programs that need more than the front
 * door — the credential cache stores (FILE, DIR, KCM, MEMORY) and collections, keytab files,
 * the KDC transport (UDP, TCP, KDC proxy) and KDC location, MIT's environment and default names,
 * host-based service names, delegated credentials, and the wired AS/TGS verbs.
 *
 * @example
 * ```ts
 * import { openCollection, copyCcache, createKdcTransport } from 'tskrb5/node'
 * const all = await openCollection('KCM:')
 * for (const c of await all.list()) console.log(c.name, await c.getPrincipal())
 * ```
 * @module
 */
export {
  defaultCcacheName,
  defaultKeytabName,
  defaultClientKeytabName,
  parseCcacheName,
  parseKeytabName,
  configFiles,
  type EnvOptions,
  type CcacheName,
  type CcacheType,
} from './env.js';
export { openCcache, openCollection, copyCcache, type OpenCcacheOptions } from './ccache/index.js';
export type { CcacheStore, CcacheCollection, CcacheCredential, CcacheSnapshot } from './ccache/types.js';
export { FileStore } from './ccache/file.js';
export { DirCollection, DirMemberStore } from './ccache/dir.js';
export { KcmCollection, KcmStore } from './ccache/kcm/store.js';
export { KcmError } from './ccache/kcm/protocol.js';
export type { KcmOptions } from './ccache/kcm/socket.js';
export { MemoryCollection, MemoryStore } from './ccache/memory.js';
export { cacheMatch, switchToCache } from './ccache/select.js';
export { KeytabFile } from './keytab-file.js';
export { createKdcTransport, type KdcTransportOptions, type KdcTraceEvent } from './kdc-transport/transport.js';
export { locateKdcs, type KdcServer, type LocateOptions } from './kdc-transport/locate.js';
export type { KdcResolver, SrvRecord, ResolvedAddress } from './kdc-transport/resolver.js';
export { loadKrb5Conf } from './profile.js';
export { createKrb5Context, type Krb5Context, type Krb5ContextOptions } from './context.js';
export { kinit, type KinitOptions, type KinitResult } from './kinit.js';
export { getServiceCredential, getForwardedCredential, type ServiceCredentialOptions, type ServiceCredentialResult } from './service.js';
export {
  getCredentialForUser,
  getCredentialForProxy,
  impersonate,
  type ServiceIdentity,
  type CredentialForUserOptions,
  type CredentialForUserResult,
  type CredentialForProxyOptions,
  type CredentialForProxyResult,
  type ImpersonateOptions,
} from './s4u.js';
export { snameToPrincipal, canonicalHost, type HostNameResolver, type SnameOptions } from './sname.js';
export { credentialsFromKrbCred, storeDelegatedCredentials, type DelegationPolicy } from './delegated.js';
export {
  FileReplayCache,
  defaultReplayCache,
  replayCacheDir,
  type FileReplayCacheOptions,
  type FileReplayCacheStats,
  type DefaultReplayCacheOptions,
} from './replay-file.js';
