/**
 * Fake KDCs on 127.0.0.1 (port 0) for the transport tests: UDP and TCP servers that answer,
 * stay silent, or misbehave, each recording what it received.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { KRBError } from '../../src/messages/index.js';

export interface FakeKdc {
  port: number;
  /** Requests received, in order, with the transport they came by. */
  received: { proto: 'udp' | 'tcp'; bytes: Uint8Array }[];
  close(): Promise<void>;
}

export type UdpBehaviour = (req: Uint8Array) => Uint8Array | undefined;
/** Given the request (unframed), write whatever bytes to the socket. */
export type TcpBehaviour = (req: Uint8Array, sock: net.Socket) => void;

/** A UDP + TCP fake on one port. Either behaviour may be omitted (then that transport is closed: refused). */
export async function fakeKdc(o: { udp?: UdpBehaviour; tcp?: TcpBehaviour; host?: string }): Promise<FakeKdc> {
  const host = o.host ?? '127.0.0.1';
  for (let tries = 0; tries < 50; tries++) {
    const received: FakeKdc['received'] = [];
    const tcp = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('error', () => {});
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
          const req = new Uint8Array(buf.subarray(4, 4 + buf.readUInt32BE(0)));
          received.push({ proto: 'tcp', bytes: req });
          o.tcp!(req, sock);
        }
      });
    });
    const port: number = await new Promise((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, host, () => resolve((tcp.address() as net.AddressInfo).port));
    });
    // never a port handed out as dead: a test that has one expects it refused (CI saw a fake KDC
    // get the port deadPort had just released, and answer for the "dead" KDC)
    if (dead.has(port)) {
      await new Promise((r) => tcp.close(r));
      continue;
    }
    const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, host, () => resolve(true));
    });
    if (!ok) {
      await new Promise((r) => tcp.close(r));
      continue;
    }
    udp.on('message', (msg, rinfo) => {
      const req = new Uint8Array(msg);
      received.push({ proto: 'udp', bytes: req });
      const rep = o.udp?.(req);
      if (rep) udp.send(rep, rinfo.port, rinfo.address);
    });
    // A transport without a behaviour is closed, so that it refuses.
    if (!o.tcp) await new Promise((r) => tcp.close(r));
    if (!o.udp) await new Promise<void>((r) => udp.close(() => r()));
    let closed = false;
    return {
      port,
      received,
      async close() {
        if (closed) return;
        closed = true;
        if (o.tcp) await new Promise((r) => tcp.close(r));
        if (o.udp) await new Promise<void>((r) => udp.close(() => r()));
      },
    };
  }
  throw new Error('no free port for a fake KDC');
}

/** A fake whose UDP socket receives but never answers, and whose TCP server accepts and says nothing. */
export function silentKdc(): Promise<FakeKdc> {
  return fakeKdc({ udp: () => undefined, tcp: () => {} });
}

/** A port on which nothing listens (bound, then released): both UDP and TCP are refused. */
export async function deadPort(): Promise<number> {
  const k = await fakeKdc({});
  dead.add(k.port);
  return k.port;
}
/** The ports {@link deadPort} gave out in this process; {@link fakeKdc} does not listen on them. */
const dead = new Set<number>();

/** Writes `reply` with its 4-byte length. */
export function writeFramed(sock: net.Socket, reply: Uint8Array): void {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(reply.length);
  sock.write(Buffer.concat([h, reply]));
}

/** A reply distinct per server and tied to the request: `tag` bytes then the request. */
export function echo(tag: string, req: Uint8Array): Uint8Array {
  return new Uint8Array([...Buffer.from(tag), ...req]);
}

/** A KRB-ERROR with this code (the input a fake KDC sends). */
export function krbError(errorCode: number, realm = 'FAKE.TEST'): Uint8Array {
  return KRBError.encode({
    pvno: 5,
    msgType: 30,
    stime: new Date(Math.floor(Date.now() / 1000) * 1000),
    susec: 0,
    errorCode,
    realm,
    sname: { nameType: 2, nameString: ['krbtgt', realm] },
  });
}
