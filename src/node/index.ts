/**
 * Node host adapters: environment and default names, atomic file writes, credential cache
 * stores (FILE, DIR, KCM, MEMORY) and keytab files.
 * @module
 */
export * from './env.js';
export { atomicWrite, removeTempFiles, STALE_TEMP_AGE_MS, type AtomicWriteOptions, type RemoveTempFilesOptions } from './atomic-write.js';
export * from './ccache/index.js';
export { KeytabFile, keytabPath } from './keytab-file.js';
export * from './kdc-transport/index.js';
export { loadKrb5Conf, storeOptionsFrom, type ProfileStoreOptions } from './profile.js';
export { createKrb5Context, kinit, getServiceCredential, getForwardedCredential, cacheKdcOffset, parseClientPrincipal, resolveServer, type Krb5Context, type Krb5ContextOptions, type KinitOptions, type KinitResult, type ServiceCredentialOptions, type ServiceCredentialResult } from './login.js';
export { snameToPrincipal, canonicalHost, canonicalizeMode, nodeHostNameResolver, type HostNameResolver, type SnameOptions } from './sname.js';
export { credentialsFromKrbCred, storeDelegatedCredentials } from './delegated.js';
export { traceFromEnv, traceTo, traceLine, type Krb5Trace } from './trace.js';
