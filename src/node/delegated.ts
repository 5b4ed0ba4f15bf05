/**
 * Delegated credentials (a KRB-CRED an initiator forwarded, RFC 4120 §5.8) made into credential
 * cache entries, and stored: what a server does to act for the user (MIT's
 * gss_store_cred_into; mod_auth_gssapi's GssapiDelegCcacheDir). The cache's principal is the
 * client's; each ticket keeps its KrbCredInfo's key, flags, times and addresses.
 * @module
 */
import { ProtocolError } from '../errors.js';
import { TicketFlags, flagMask } from '../iana/index.js';
import type { CcacheCredential } from '../formats/index.js';
import { KRBCred, Ticket, type EncKrbCredPart, unparsePrincipal } from '../messages/index.js';
import { openCcache, type OpenCcacheOptions } from './ccache/index.js';
import { secretKey } from '../util/secret.js';
import type { Principal } from '../messages/index.js';

const ZERO = new Date(0);

/** What the delegated credentials must be (see {@link credentialsFromKrbCred}). */
export interface DelegationPolicy {
  /**
   * Take tickets other than a forwarded TGT (default false: each must be a `krbtgt/…` ticket
   * with the FORWARDED flag, which is what GSS-API delegation sends).
   */
  allowAnyTicket?: boolean;
}

function principalText(p: { realm: string; components: readonly string[] }): string {
  return unparsePrincipal(p);
}

/**
 * The cache entries of a KRB-CRED, given its opened part and the authenticated client
 * (`Krb5Acceptor`'s `delegated`). The KrbCredInfo's names are the initiator's to write, so each
 * must name the authenticated client (as Heimdal requires; MIT does not check), and each ticket
 * must be a forwarded TGT unless `allowAnyTicket`: otherwise a `ProtocolError`
 * (`ERR_DELEGATION_CLIENT`, `ERR_DELEGATION_NOT_TGT`) and nothing is returned.
 * @example
 * ```ts
 * const d = acceptor.delegated
 * const creds = credentialsFromKrbCred(KRBCred.decode(d.krbCred), d.part, d.client)
 * ```
 */
export function credentialsFromKrbCred(
  cred: KRBCred,
  part: EncKrbCredPart,
  client: Principal | { realm: string; components: readonly string[]; nameType?: number },
  policy: DelegationPolicy = {},
): CcacheCredential[] {
  if (!client || typeof client.realm !== 'string' || !Array.isArray(client.components)) throw new TypeError('client must be the authenticated client principal');
  if (cred.tickets.length !== part.ticketInfo.length)
    throw new ProtocolError(`the KRB-CRED has ${cred.tickets.length} tickets and ${part.ticketInfo.length} ticket infos`, { code: 'ERR_BAD_KRB_CRED' });
  const who: Principal = { nameType: client.nameType ?? 1, realm: client.realm, components: [...client.components] };
  return cred.tickets.map((t, i) => {
    const info = part.ticketInfo[i]!;
    // a missing name is the authenticated client's (RFC 4120 §5.8.1 makes it optional)
    const named = info.pname && info.prealm !== undefined ? { realm: info.prealm, components: info.pname.nameString } : who;
    if (named.realm !== who.realm || named.components.length !== who.components.length || named.components.some((c, k) => c !== who.components[k])) {
      throw new ProtocolError(`the delegated credentials name ${principalText(named)}, not the authenticated client ${principalText(who)}: refused`, {
        code: 'ERR_DELEGATION_CLIENT',
      });
    }
    const sname = info.sname ?? t.sname;
    const srealm = info.srealm ?? t.realm;
    const flags = (info.flags ?? 0) >>> 0;
    if (!policy.allowAnyTicket) {
      const tgt = sname.nameString.length === 2 && sname.nameString[0] === 'krbtgt';
      if (!tgt || !(flags & flagMask(TicketFlags.FORWARDED))) {
        throw new ProtocolError(
          `the delegated ticket for ${principalText({ realm: srealm, components: sname.nameString })} is not a forwarded TGT${tgt ? ' (no FORWARDED flag)' : ''}; pass allowAnyTicket to take it`,
          { code: 'ERR_DELEGATION_NOT_TGT' },
        );
      }
    }
    return {
      client: who,
      server: { nameType: sname.nameType, realm: srealm, components: sname.nameString },
      key: secretKey(info.key.keytype, info.key.keyvalue),
      authtime: info.authtime ?? info.starttime ?? ZERO,
      starttime: info.starttime ?? ZERO,
      endtime: info.endtime ?? ZERO,
      renewTill: info.renewTill ?? ZERO,
      isSkey: false,
      flags,
      addresses: (info.caddr ?? []).map((a) => ({ type: a.addrType, data: a.address })),
      authdata: [],
      ticket: Ticket.encode(t),
      secondTicket: new Uint8Array(0),
    };
  });
}

/**
 * Stores delegated credentials (`Krb5Acceptor`'s `delegated`: the KRB-CRED, its opened part and
 * the authenticated client) in the cache `ccache`, initialized for the authenticated client and
 * replacing what it held, and returns that client. The credentials are checked first (see
 * {@link credentialsFromKrbCred}): a KRB-CRED naming another client, or holding anything but a
 * forwarded TGT, is refused and the cache left as it was.
 * @example
 * ```ts
 * const d = req.negotiate.context.delegated
 * if (d) await storeDelegatedCredentials(d, `FILE:/run/app/krb5cc_${user}`)
 * ```
 */
export async function storeDelegatedCredentials(
  delegated: { krbCred: Uint8Array; part: EncKrbCredPart; client: { realm: string; components: readonly string[]; nameType?: number } },
  ccache: string,
  o: OpenCcacheOptions & DelegationPolicy = {},
): Promise<Principal> {
  if (!delegated || !(delegated.krbCred instanceof Uint8Array) || !delegated.part) throw new TypeError("delegated must be an acceptor's delegated credentials");
  const creds = credentialsFromKrbCred(KRBCred.decode(delegated.krbCred), delegated.part, delegated.client, o);
  if (creds.length === 0) throw new ProtocolError('the KRB-CRED carries no ticket', { code: 'ERR_BAD_KRB_CRED' });
  const client = creds[0]!.client;
  const store = await openCcache(ccache, o);
  await store.initialize(client, creds);
  return client;
}
