/**
 * What kinit and getServiceCredential do with a credential cache: write a new one in one
 * replacement, find its TGT, read the KDC offset of its v4 header.
 * @module
 */
import { KerberosError } from '../errors.js';
import { isConfigPrincipal, type CcacheCredential } from '../formats/index.js';
import { samePrincipal, unparsePrincipal, type Principal } from '../messages/index.js';
import { FileStore, type CcacheStore } from './ccache/index.js';
import type { Krb5Trace } from './trace.js';

/** MIT's `k5_prependmsg(…, "Failed to store credentials")` on a cache refusing the new credentials. */
export async function storing(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if ((e as KerberosError).code === 'ERR_CCACHE_PERMISSION')
      throw new KerberosError(`Failed to store credentials: ${(e as Error).message}`, { code: 'ERR_CCACHE_PERMISSION', cause: e });
    throw e;
  }
}

/** Initializes `store` for `principal` with these records in one replacement (one atomic write for FILE and DIR caches). */
export async function writeCache(
  store: CcacheStore,
  principal: Principal,
  records: CcacheCredential[],
  kdcOffset?: { seconds: number; microseconds: number },
  trace?: Krb5Trace,
): Promise<void> {
  if (trace) {
    trace(`Initializing ${store.name} with default princ ${unparsePrincipal(principal)}`);
    for (const c of records) {
      if (isConfigPrincipal(c.server)) {
        const [, key, about] = c.server.components;
        trace(`Storing config in ${store.name} for ${about ?? '(none)'}: ${key}: ${new TextDecoder().decode(c.ticket)}`);
      }
      trace(`Storing ${unparsePrincipal(c.client)} -> ${unparsePrincipal(c.server)} in ${store.name}`);
    }
  }
  if (store instanceof FileStore) await store.initialize(principal, records, kdcOffset ? { kdcOffset } : {});
  else await store.initialize(principal, records);
}

export async function kdcOffsetOf(store: CcacheStore): Promise<{ seconds: number; microseconds: number } | undefined> {
  return store instanceof FileStore ? ((await store.getKdcOffset().catch(() => null)) ?? undefined) : undefined;
}

export function noCache(store: CcacheStore): KerberosError {
  return new KerberosError(`no credentials cache found (${store.name}): run kinit`, { code: 'ERR_CCACHE_NOT_FOUND' });
}

export async function credentialsOf(store: CcacheStore): Promise<CcacheCredential[]> {
  return (await store.getCredentials()).filter((c) => !isConfigPrincipal(c.server));
}

/** The cache's `krbtgt/REALM@REALM` for the client, if it has not expired. */
export function findTgt(creds: readonly CcacheCredential[], client: Principal, realm: string, now: Date, allowExpired = false): CcacheCredential | undefined {
  const all = creds.filter(
    (c) =>
      c.server.components.length === 2 &&
      c.server.components[0] === 'krbtgt' &&
      c.server.components[1] === realm &&
      c.server.realm === realm &&
      c.client.realm === client.realm &&
      samePrincipal({ components: c.client.components, realm: '' }, { components: client.components, realm: '' }),
  );
  const live = all.filter((c) => c.endtime.getTime() > now.getTime());
  return (allowExpired ? all : live).at(-1);
}
