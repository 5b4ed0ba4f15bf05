/**
 * Talking to real KDCs from Node: location (krb5.conf, DNS SRV), UDP, TCP and KDC proxies.
 * @module
 */
export { createKdcTransport, type KdcTransportOptions, type KdcTraceEvent } from './transport.js';
export { locateKdcs, parseKdcEntry, orderSrv, dnsLookupKdc, udpPreferenceLimit, httpAnchors, KERBEROS_PORT, HARD_UDP_LIMIT, type KdcServer, type LocateOptions } from './locate.js';
export { nodeResolver, type KdcResolver, type SrvRecord, type ResolvedAddress } from './resolver.js';
export { udpExchange } from './udp.js';
export { tcpExchange } from './tcp.js';
export { nodeFetch, loadAnchors } from './https-fetch.js';
export type { ExchangeOptions } from './exchange.js';
