/**
 * The embedded KDC, sans-I/O: a principal database in memory ({@link KdcDatabase}) and the AS and
 * TGS exchanges ({@link Kdc}: request bytes in, reply bytes out), on `ap/`, `messages/`, `crypto/`
 * and `formats/` only — never the client — so that it stays an independent peer. The Node
 * listeners and `startKdc` are in `tskrb5/kdc` (`src/kdc/node/`).
 * @module
 */
export { Kdc, formatKdcLog, type KdcOptions, type KdcLogEntry, type KdcResult } from './kdc.js';
export {
  KdcDatabase,
  DEFAULT_KDC_ENCTYPES,
  type KdcDescription,
  type PrincipalDescription,
  type PrincipalFlags,
  type DbEntry,
  type DbKey,
} from './database.js';
export { exportKeytab } from './keytab.js';
