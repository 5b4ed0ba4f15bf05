/**
 * File formats as bytes ⇄ objects, no I/O. So far: keytabs. Credential caches and krb5.conf
 * follow.
 * @module
 */
export { decodeKeytab, encodeKeytab, type Keytab, type KeytabEntry } from './keytab.js';
