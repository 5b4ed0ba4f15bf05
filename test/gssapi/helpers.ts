/**
 * Test helpers for the real-token fixtures: read a fixture, and open an AP-REQ far enough
 * (with the service key the fixture carries) to reach the Authenticator's checksum. Uses the
 * generic DER tree, not the messages layer, so these tests do not depend on it.
 */
import { readFileSync } from 'node:fs';
import { parseDer, type DerNode } from '../../src/asn1/index.js';
import { decrypt } from '../../src/crypto/index.js';
import { fromHex } from '../../src/util/bytes.js';

export interface ServiceKey {
  etype: number;
  name: string;
  hex: string;
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export const hex = fromHex;

/** The child of a SEQUENCE with context tag [n], unwrapped (its single element). */
function field(seqNode: DerNode, n: number): DerNode | undefined {
  const f = seqNode.children!.find((c) => c.tagClass === 2 && c.tagNumber === n);
  if (f === undefined) return undefined;
  return f.children![0];
}

/** The SEQUENCE inside an [APPLICATION n] wrapper. */
function app(bytes: Uint8Array, n: number): DerNode {
  const node = parseDer(bytes);
  if (node.tagClass !== 1 || node.tagNumber !== n) throw new Error(`expected [APPLICATION ${n}]`);
  return node.children![0]!;
}

function int(node: DerNode): number {
  let v = 0;
  for (const b of node.content) v = v * 256 + b;
  return v;
}

/** AP-REQ bytes (RFC 4120 §5.5.1) → the Authenticator's cksum { cksumtype, checksum }. */
export function authenticatorChecksum(apReq: Uint8Array, keys: ServiceKey[]): { cksumtype: number; checksum: Uint8Array } {
  const req = app(apReq, 14);
  const ticket = app(encodeNode(field(req, 3)!), 1);
  const encPart = field(ticket, 3)!;
  const etype = int(field(encPart, 0)!);
  const key = keys.find((k) => k.etype === etype);
  if (!key) throw new Error(`no service key of etype ${etype}`);
  const encTicketPart = app(decrypt({ etype, value: fromHex(key.hex) }, 2, field(encPart, 2)!.content.slice()), 3);
  const sk = field(encTicketPart, 1)!;
  const sessionKey = { etype: int(field(sk, 0)!), value: field(sk, 1)!.content.slice() };
  const authEnc = field(req, 4)!;
  const auth = app(decrypt(sessionKey, 11, field(authEnc, 2)!.content.slice()), 2);
  const cksum = field(auth, 3)!;
  return { cksumtype: int(field(cksum, 0)!), checksum: field(cksum, 1)!.content.slice() };
}

/** The bytes of a node as they appeared (header + content); the content is a view into the input. */
function encodeNode(node: DerNode): Uint8Array {
  const c = node.content;
  return new Uint8Array(c.buffer, c.byteOffset - node.headerLength, node.headerLength + node.length).slice();
}
