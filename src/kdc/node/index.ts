/**
 * `tskrb5/kdc`: an embedded KDC for tests and demos. `startKdc({ realm, principals })` listens on
 * 127.0.0.1 (UDP and TCP, port 0 by default), writes a krb5.conf MIT's and Heimdal's tools use,
 * exports keytabs and logs in users; the sans-I/O core (`Kdc`, `KdcDatabase`) is here too.
 *
 * @example
 * ```ts
 * import { startKdc } from 'tskrb5/kdc'
 * const kdc = await startKdc({ realm: 'EXAMPLE.TEST', principals: [{ name: 'alice', password: 'pw' }, { name: 'HTTP/localhost' }] })
 * kdc.keytab('HTTP/localhost', '/tmp/http.keytab')
 * await kdc.kinit('alice', 'pw', 'FILE:/tmp/alice.cc')
 * await kdc.stop()
 * ```
 * @module
 */
export * from '../index.js';
export { startKdc, type StartKdcOptions, type RunningKdc } from './server.js';
