/**
 * Node host adapters: environment and default names, atomic file writes, credential cache
 * stores (FILE, DIR, KCM, MEMORY) and keytab files.
 * @module
 */
export * from './env.js';
export { atomicWrite, type AtomicWriteOptions } from './atomic-write.js';
export * from './ccache/index.js';
export { KeytabFile, keytabPath } from './keytab-file.js';
export * from './kdc-transport/index.js';
