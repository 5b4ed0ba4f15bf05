/**
 * The recorded MIT exchange most acceptor tests start from: fixtures/mit/ccache/v4-kvno.ccache
 * (alice's TGT and her ticket to HTTP/localhost, from MIT kinit and kvno) and the service keys
 * MIT's kadmin exported for that realm (ccaches.json), as acceptor keys. `now` is the service
 * ticket's authtime, so the recorded tickets are current.
 */
import { readFileSync } from 'node:fs';
import { decodeCcache } from '../../src/formats/index.js';
import type { AcceptorKey } from '../../src/gssapi/index.js';

const dir = new URL('../../fixtures/mit/ccache/', import.meta.url);
/** The decoded cache. */
export const cc = decodeCcache(new Uint8Array(readFileSync(new URL('v4-kvno.ccache', dir))));
/** alice's ticket to HTTP/localhost. */
export const svc = cc.credentials.find((c) => c.server.components[0] === 'HTTP')!;
/** alice's TGT. */
export const tgt = cc.credentials.find((c) => c.server.components[0] === 'krbtgt')!;
const meta = JSON.parse(readFileSync(new URL('ccaches.json', dir), 'utf8')) as {
  keys: { services: Record<string, { principal: string; kvno: number; etype: number; key: string }[]> };
};
/** Every service key of the realm, as an acceptor takes them. */
export const keys: AcceptorKey[] = Object.values(meta.keys.services)
  .flat()
  .map((k) => {
    const [name, realm] = k.principal.split('@') as [string, string];
    return { principal: { realm, components: name.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
  });
/** The clock of the recording: the service ticket's authtime. */
export const now = (): Date => svc.authtime;
