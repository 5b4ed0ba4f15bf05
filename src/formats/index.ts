/**
 * File formats as bytes ⇄ objects, no I/O: keytabs, credential caches (FILE format v1–v4), and
 * krb5.conf (MIT profile syntax, with typed reads).
 * @module
 */
export { decodeKeytab, encodeKeytab, type Keytab, type KeytabEntry, type KeytabScan } from './keytab.js';
export {
  decodeCcache,
  ccacheRecords,
  encodeCcache,
  CCACHE_TRUNCATED,
  CcacheScanner,
  CcacheRecordView,
  PrincipalSpan,
  viewCredential,
  CcacheWriter,
  encodeCcacheCredential,
  decodeCcacheCredential,
  encodeCcachePrincipal,
  decodeCcachePrincipal,
  isConfigPrincipal,
  isConfigSpan,
  configEntry,
  configToCredential,
  credentialToConfig,
  allCredentials,
  withCredentials,
  credentialTicket,
  CONFIG_REALM,
  CONFIG_NAME,
  type Ccache,
  type CcacheCredential,
  type CcacheConfigEntry,
  type CcacheConfigRecord,
  type CcacheHeaderField,
  type CcacheTypedData,
  type CcacheRecords,
} from './ccache.js';
export * from './krb5conf.js';
export * from './krb5conf/settings.js';
export { anameToLocalname } from './auth-to-local.js';
