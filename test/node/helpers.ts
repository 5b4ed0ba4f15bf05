import type { CcacheCredential } from '../../src/node/ccache/index.js';
import type { Principal as CcachePrincipal } from '../../src/messages/index.js';

/** A well-formed but fake credential for store tests. */
export function fakeCred(client: CcachePrincipal, service = 'HTTP/www.ex.com'): CcacheCredential {
  return {
    client,
    server: { realm: client.realm, components: service.split('/'), nameType: 2 },
    key: { etype: 18, value: new Uint8Array(32).fill(7) },
    authtime: new Date(1_700_000_000_000),
    starttime: new Date(1_700_000_000_000),
    endtime: new Date(1_700_036_000_000),
    renewTill: new Date(0),
    isSkey: false,
    flags: 0x40e10000,
    addresses: [{ type: 2, data: Uint8Array.of(127, 0, 0, 1) }],
    authdata: [],
    ticket: Uint8Array.of(0x61, 3, 1, 2, 3),
    secondTicket: new Uint8Array(0),
  };
}
