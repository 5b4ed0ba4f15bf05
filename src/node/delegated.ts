/**
 * Delegated credentials (a KRB-CRED an initiator forwarded, RFC 4120 §5.8) made into credential
 * cache entries, and stored: what a server does to act for the user (MIT's
 * gss_store_cred_into; mod_auth_gssapi's GssapiDelegCcacheDir). The cache's principal is the
 * client's; each ticket keeps its KrbCredInfo's key, flags, times and addresses.
 * @module
 */
import { KerberosError } from '../errors.js';
import type { CcacheCredential, CcachePrincipal } from '../formats/index.js';
import { KRBCred, Ticket, type EncKrbCredPart } from '../messages/index.js';
import { openCcache, type OpenCcacheOptions } from './ccache/index.js';

const ZERO = new Date(0);

/**
 * The cache entries of a KRB-CRED, given its opened part (`Krb5Acceptor`'s `delegated`).
 * @example
 * ```ts
 * const creds = credentialsFromKrbCred(KRBCred.decode(acceptor.delegated.krbCred), acceptor.delegated.part)
 * ```
 */
export function credentialsFromKrbCred(cred: KRBCred, part: EncKrbCredPart): CcacheCredential[] {
  if (cred.tickets.length !== part.ticketInfo.length) throw new KerberosError(`the KRB-CRED has ${cred.tickets.length} tickets and ${part.ticketInfo.length} ticket infos`, { code: 'ERR_BAD_KRB_CRED' });
  return cred.tickets.map((t, i) => {
    const info = part.ticketInfo[i]!;
    if (!info.pname || info.prealm === undefined) throw new KerberosError('a delegated ticket without its client name', { code: 'ERR_BAD_KRB_CRED' });
    return {
      client: { nameType: info.pname.nameType, realm: info.prealm, components: info.pname.nameString },
      server: { nameType: (info.sname ?? t.sname).nameType, realm: info.srealm ?? t.realm, components: (info.sname ?? t.sname).nameString },
      key: { etype: info.key.keytype, value: info.key.keyvalue },
      authtime: info.authtime ?? info.starttime ?? ZERO,
      starttime: info.starttime ?? ZERO,
      endtime: info.endtime ?? ZERO,
      renewTill: info.renewTill ?? ZERO,
      isSkey: false,
      flags: (info.flags ?? 0) >>> 0,
      addresses: (info.caddr ?? []).map((a) => ({ type: a.addrType, data: a.address })),
      authdata: [],
      ticket: Ticket.encode(t),
      secondTicket: new Uint8Array(0),
    };
  });
}

/**
 * Stores delegated credentials in the cache `ccache` (initialized for the client, replacing what
 * it held) and returns the client principal.
 * @example
 * ```ts
 * const d = req.negotiate.context.delegated
 * if (d) await storeDelegatedCredentials(d, `FILE:/run/app/krb5cc_${user}`)
 * ```
 */
export async function storeDelegatedCredentials(delegated: { krbCred: Uint8Array; part: EncKrbCredPart }, ccache: string, o: OpenCcacheOptions = {}): Promise<CcachePrincipal> {
  const creds = credentialsFromKrbCred(KRBCred.decode(delegated.krbCred), delegated.part);
  if (creds.length === 0) throw new KerberosError('the KRB-CRED carries no ticket', { code: 'ERR_BAD_KRB_CRED' });
  const client = creds[0]!.client;
  const store = await openCcache(ccache, o);
  await store.initialize(client, creds);
  return client;
}
