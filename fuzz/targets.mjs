// The fuzz targets: every decoder tskrb5 has, in one table. Each later layer adds its own row.
//
// A target is { name, allowed: [error classes], seeds(): Uint8Array[], run(bytes) }. `run` may
// return or throw one of `allowed` (all KerberosError subclasses); anything else is a crash.
// Seeds come from fixtures/: real bytes from MIT and the RFCs, mutated by the runner.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url).href;
// Every module and export named here is mandatory: a missing one (not built, renamed) throws, so
// a target never vanishes silently. The names of the targets are also checked against
// fuzz/targets.expected.txt, by fuzz/run.mjs and by test/fuzz-targets.test.ts.
const load = async (p) => {
  const url = new URL(p, dist);
  if (!existsSync(url.pathname)) throw new Error(`fuzz/targets.mjs: dist/${p} is missing (run npm run build; moved? update the target)`);
  return import(url.href);
};

const fromHex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));

/** Every hex string (under a key ending in "hex"/"Hex") and base64 token in the JSON files below `dir`. */
export function fixtureBytes(dir, { minLength = 2 } = {}) {
  const out = [];
  const walk = (v, key) => {
    if (typeof v === 'string') {
      const k = key ?? '';
      const hexish = /^[0-9a-f]+$/i.test(v) && v.length % 2 === 0 && v.length >= 2 * minLength;
      if (hexish && /(hex|token)$/i.test(k)) out.push(fromHex(v));
      else if (/(token|b64|base64|authorization|authenticate)$/i.test(k)) {
        const b64 = v.replace(/^.*negotiate\s+/i, '');
        if (/^[A-Za-z0-9+/]+=*$/.test(b64)) out.push(Uint8Array.from(Buffer.from(b64, 'base64')));
      }
    } else if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  const visit = (d) => {
    if (!existsSync(d)) throw new Error(`fuzz/targets.mjs: no fixture directory ${d}`);
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) visit(p);
      else if (n.endsWith('.json')) walk(JSON.parse(readFileSync(p, 'utf8')));
    }
  };
  visit(join(root, dir));
  return out;
}

export async function loadTargets() {
  const errors = await load('errors.js');
  const [DecodeError, UnsupportedError, IntegrityError, KerberosError, ConfigError] = ['DecodeError', 'UnsupportedError', 'IntegrityError', 'KerberosError', 'ConfigError'].map(
    (n) => need(errors, n, 'errors'),
  );
  const asn1 = await load('asn1/index.js');
  const crypto = await load('crypto/index.js');
  const der = nonEmpty(fixtureBytes('fixtures/mit'), 'DER from fixtures/mit');
  const [parseDer, raw] = ['parseDer', 'raw'].map((n) => need(asn1, n, 'asn1'));
  const [randomKey, encrypt, decrypt, stringToKey, checksum, verifyChecksum] = ['randomKey', 'encrypt', 'decrypt', 'stringToKey', 'checksum', 'verifyChecksum'].map((n) =>
    need(crypto, n, 'crypto'),
  );
  const targets = [
    { name: 'asn1.parseDer', allowed: [DecodeError], seeds: () => der, run: (b) => parseDer(b) },
    { name: 'asn1.raw', allowed: [DecodeError], seeds: () => der, run: (b) => raw.decode(b) },
  ];

  // Every cipher: any bytes as a ciphertext under a fixed key give IntegrityError or a plaintext.
  const weak = { allowWeakCrypto: true };
  for (const etype of [17, 18, 19, 20, 23]) {
    const key = randomKey(etype, weak);
    const real = [0, 1, 16, 100].map((n) => encrypt(key, 3, new Uint8Array(n), weak));
    targets.push({ name: `crypto.decrypt.${etype}`, allowed: [IntegrityError], seeds: () => real, run: (b) => decrypt(key, 3, b, weak) });
  }

  // s2kparams as a KDC sends them in ETYPE-INFO2: a key, or UnsupportedError (counts that would
  // take long but are legal are skipped, so the fuzz measures parsing, not PBKDF2).
  targets.push({
    name: 'crypto.stringToKey.params',
    allowed: [UnsupportedError],
    seeds: () => [new Uint8Array([0, 0, 0x10, 0]), new Uint8Array([0, 0, 0, 1]), new Uint8Array(0)],
    run: (b) => {
      if (b.length === 4 && ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 > 4096 && ((b[0] << 24) | (b[1] << 16)) >>> 0 < 0x1000000) return;
      return stringToKey(18, 'password', 'EXAMPLE.COMuser', b);
    },
  });
  // A checksum field from the wire: a boolean, never an exception.
  const ckey = randomKey(18);
  const cdata = new Uint8Array(40);
  targets.push({ name: 'crypto.verifyChecksum', allowed: [], seeds: () => [checksum(ckey, 6, cdata)], run: (b) => verifyChecksum(ckey, 6, cdata, b) });

  // Keytabs (MIT's and ours).
  const formats = await load('formats/index.js');
  const [decodeKeytab, decodeCcache, CcacheScanner, CcacheRecordView, parseKrb5Conf] = ['decodeKeytab', 'decodeCcache', 'CcacheScanner', 'CcacheRecordView', 'parseKrb5Conf'].map(
    (n) => need(formats, n, 'formats'),
  );
  const keytabs = ['several.keytab', 'rc4.keytab'].map((n) => new Uint8Array(readFileSync(join(root, 'fixtures/mit/keytab', n))));
  targets.push({ name: 'formats.decodeKeytab', allowed: [DecodeError], seeds: () => keytabs, run: (b) => decodeKeytab(b) });

  // Credential caches (MIT- and Heimdal-written) and krb5.conf text (MIT's fixtures).
  const ccDir = join(root, 'fixtures/mit/ccache');
  const caches = nonEmpty(
    readdirSync(ccDir)
      .filter((n) => n.endsWith('.ccache'))
      .map((n) => new Uint8Array(readFileSync(join(ccDir, n)))),
    'fixtures/mit/ccache/*.ccache',
  );
  targets.push({ name: 'formats.decodeCcache', allowed: [DecodeError], seeds: () => caches, run: (b) => decodeCcache(b) });
  // The scanner klist lists FILE caches with: every record located, nothing built.
  targets.push({
    name: 'formats.CcacheScanner',
    allowed: [DecodeError],
    seeds: () => caches,
    run: (b) => {
      const s = new CcacheScanner(b);
      const v = new CcacheRecordView();
      while (s.next(v));
    },
  });
  // klist's readers: the keytab read entry by entry as MIT reads it (lenient: never throws past a
  // good version header), and the in-place listing of a FILE cache (only the scanner's
  // DecodeError; its own records declined)
  const ktHeader = (b) => b.length >= 2 && b[0] === 5 && (b[1] === 1 || b[1] === 2);
  targets.push({ name: 'formats.decodeKeytab lenient', allowed: [], seeds: () => keytabs, run: (b) => (ktHeader(b) ? decodeKeytab(b, { lenient: true }) : undefined) });
  const listFile = need(await load('cli/klist/fast.js'), 'listFile', 'cli/klist/fast');
  const CcacheListing = need(await load('cli/klist/listing.js'), 'CcacheListing', 'cli/klist/listing');
  const lister = { f: { C: true }, listing: new CcacheListing({ e: true, f: true, d: false }, 0, 'UTC'), other: () => '', write: () => {} };
  targets.push({ name: 'cli.klistListFile', allowed: [DecodeError], seeds: () => caches, run: (b) => listFile(lister, b) });
  const confDir = join(root, 'fixtures/mit/krb5conf');
  const confs = nonEmpty(
    readdirSync(confDir)
      .filter((n) => n.endsWith('.conf'))
      .map((n) => new Uint8Array(readFileSync(join(confDir, n)))),
    'fixtures/mit/krb5conf/*.conf',
  );
  targets.push({ name: 'formats.parseKrb5Conf', allowed: [ConfigError], seeds: () => confs, run: (b) => parseKrb5Conf(new TextDecoder().decode(b)) });

  // Kerberos messages (RFC 4120): the dispatcher, the ticket peek, and every codec the module
  // exports (found by shape; fuzz/targets.expected.txt lists them, so one that vanishes is noticed).
  const messages = await load('messages/index.js');
  {
    const seeds = () => der;
    const decodeKerberosMessage = need(messages, 'decodeKerberosMessage', 'messages');
    targets.push({ name: 'messages.decodeKerberosMessage', allowed: [DecodeError, UnsupportedError], seeds, run: (b) => decodeKerberosMessage(b) });
    // Returns a boolean for any bytes: it may throw nothing at all.
    const [ticketHead, TicketHead] = ['ticketHead', 'TicketHead'].map((n) => need(messages, n, 'messages'));
    targets.push({
      name: 'messages.ticketHead',
      allowed: [],
      seeds,
      run: (b) => {
        ticketHead(b, 0, b.length, new TicketHead());
      },
    });
    // The FAST codecs also get MIT's own FAST structures, opened from fixtures/mit/fast with its keys.
    const fast = nonEmpty(fastSeeds(messages, crypto), 'FAST structures from fixtures/mit/fast');
    const fastSeedsFor = () => [...fast, ...der];
    for (const [name, codec] of Object.entries(messages)) {
      if (codec && typeof codec === 'object' && typeof codec.decode === 'function' && typeof codec.encode === 'function') {
        const s = /^(KrbFast|PAFxFast)/.test(name) ? fastSeedsFor : seeds;
        targets.push({ name: `messages.${name}`, allowed: [DecodeError], seeds: s, run: (b) => codec.decode(b) });
      }
    }
  }

  // The MS-PAC (NDR): the container, each buffer's decoder, SIDs, and verification. Seeds: the
  // PACs of fixtures/pac (MIT's t_pac.c vectors, MIT's and Samba's KDCs, a Windows 2022 ticket's).
  {
    const pacs = nonEmpty(fixtureBytes('fixtures/pac', { minLength: 24 }), 'PACs from fixtures/pac');
    const [decodePac, encodePac, parsePacHeader] = ['decodePac', 'encodePac', 'parsePacHeader'].map((n) => need(messages, n, 'messages'));
    const buffersOf = (type) => () => {
      const out = [];
      for (const b of pacs) {
        try {
          for (const h of parsePacHeader(b)) if (h.type === type) out.push(b.slice(h.offset, h.offset + h.size));
        } catch {
          /* not a PAC */
        }
      }
      return out;
    };
    const same = (a, b) =>
      JSON.stringify(a, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)) ===
      JSON.stringify(b, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    // Whatever decodes re-encodes to bytes that decode to the same value.
    targets.push({
      name: 'messages.decodePac',
      allowed: [DecodeError],
      seeds: () => pacs,
      run: (b) => {
        const pac = decodePac(b);
        if (!same(decodePac(encodePac(pac)), pac)) throw new Error('decodePac(encodePac(pac)) differs from pac');
      },
    });
    for (const [name, type] of [
      ['decodeLogonInfo', 1],
      ['decodeClientInfo', 10],
      ['decodeUpnDnsInfo', 12],
      ['decodeSignature', 6],
      ['decodeAttributes', 17],
      ['decodeRequestor', 18],
    ]) {
      const f = need(messages, name, 'messages');
      const seeds = buffersOf(type);
      targets.push({ name: `messages.${name}`, allowed: [DecodeError], seeds: () => (seeds().length ? seeds() : [new Uint8Array([2, 0, 0, 0, 1, 0, 0, 0])]), run: (b) => f(b) });
    }
    const [decodeDelegationInfo, encodeDelegationInfo, sidToString] = ['decodeDelegationInfo', 'encodeDelegationInfo', 'sidToString'].map((n) => need(messages, n, 'messages'));
    targets.push({
      name: 'messages.decodeDelegationInfo',
      allowed: [DecodeError],
      seeds: () => [
        encodeDelegationInfo({ s4u2proxyTarget: 'HTTP/backend.samba.test', transitedServices: ['frontsvc@SAMBA.TEST', 'x'] }),
        encodeDelegationInfo({ s4u2proxyTarget: '', transitedServices: [] }),
      ],
      run: (b) => decodeDelegationInfo(b),
    });
    targets.push({
      name: 'messages.sidToString',
      allowed: [DecodeError],
      seeds: () => [Uint8Array.from([1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0])],
      run: (b) => sidToString(b),
    });
    // Verification with a key that fits no PAC: every path to a refusal is typed.
    const ap = await load('ap/index.js');
    const verifyPac = need(ap, 'verifyPac', 'ap');
    const vkey = randomKey(18);
    targets.push({
      name: 'ap.verifyPac',
      allowed: [DecodeError, IntegrityError, KerberosError],
      seeds: () => pacs,
      run: (b) => verifyPac(b, { serverKey: vkey, kdcKey: vkey, client: { components: ['alice'], realm: 'X' }, authtime: 0, allowWeakCrypto: true }),
    });
  }

  // GSS-API and SPNEGO tokens, and the Negotiate header.
  const tokens = nonEmpty(fixtureBytes('test/gssapi/fixtures'), 'tokens from test/gssapi/fixtures').concat(der);
  const gssapi = await load('gssapi/index.js');
  for (const fn of ['unwrapInitialToken', 'decodeKrb5Token', 'decodeKrb5Message', 'decodeGssChecksum', 'decodePerMessageToken']) {
    const f = need(gssapi, fn, 'gssapi');
    targets.push({ name: `gssapi.${fn}`, allowed: [DecodeError, UnsupportedError], seeds: () => tokens, run: (b) => f(b) });
  }
  const spnego = await load('spnego/index.js');
  const decodeSpnegoToken = need(spnego, 'decodeSpnegoToken', 'spnego');
  targets.push({ name: 'spnego.decodeSpnegoToken', allowed: [DecodeError, UnsupportedError], seeds: () => tokens, run: (b) => decodeSpnegoToken(b) });
  const http = await load('http/index.js');
  const parseChallenges = need(http, 'parseChallenges', 'http');
  const headers = ['Negotiate', 'Negotiate YIIBCgYGKwYBBQUCoIH/MIH8', 'Basic realm="x", Negotiate abc=, Bearer error="invalid_token"'].map((s) => new TextEncoder().encode(s));
  targets.push({
    name: 'http.parseChallenges',
    allowed: [DecodeError, UnsupportedError],
    seeds: () => headers,
    run: (b) => parseChallenges(new TextDecoder().decode(b)),
  });
  // The client's reading of KDC replies (src/client): whatever a KDC (or an attacker on the path)
  // sends back to an AS-REQ or a TGS-REQ ends in a reply or a KerberosError. Keys, not a
  // password, so that s2kparams from a mutated ETYPE-INFO2 cannot turn the run into PBKDF2 time.
  const client = await load('client/index.js');
  const [getInitialCredentials, getServiceTicket] = ['getInitialCredentials', 'getServiceTicket'].map((n) => need(client, n, 'client'));
  const replies = nonEmpty(
    der.filter((b) => b[0] === 0x6b || b[0] === 0x6d || b[0] === 0x7e),
    'AS-REP, TGS-REP and KRB-ERROR bytes in fixtures/mit',
  );
  const clientKeys = [17, 18, 19, 20].map((etype) => ({ ...randomKey(etype), kvno: 1 }));
  const transport = (b) => ({ send: async () => b });
  const jan2026 = () => new Date('2026-01-01T00:00:00Z');
  targets.push({
    name: 'client.getInitialCredentials',
    allowed: [KerberosError],
    seeds: () => replies,
    run: (b) => getInitialCredentials({ transport: transport(b), client: 'alice@TSKRB5.TEST', keys: clientKeys, now: jan2026 }),
  });
  const tgtCache = decodeCcache(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-tgt.ccache'))));
  const tgt = must(
    tgtCache.credentials.find((c) => c.server.components[0] === 'krbtgt'),
    'a TGT in fixtures/mit/ccache/v4-tgt.ccache',
  );
  targets.push({
    name: 'client.getServiceTicket',
    allowed: [KerberosError],
    seeds: () => replies,
    run: (b) => getServiceTicket({ transport: transport(b), tgt, server: 'HTTP/web.tskrb5.test', now: jan2026 }),
  });
  // The initiators and per-message protection (src/gssapi, src/spnego), and negotiateFetch over a
  // fake server whose WWW-Authenticate carries the input: any reply ends in a value or a
  // KerberosError, never another exception.
  const [Krb5Initiator, Krb5Acceptor, Protection] = ['Krb5Initiator', 'Krb5Acceptor', 'Protection'].map((n) => need(gssapi, n, 'gssapi'));
  const SpnegoInitiator = need(spnego, 'SpnegoInitiator', 'spnego');
  const createNegotiateFetch = need(http, 'createNegotiateFetchCore', 'http');
  const certificateSignatureAlgorithm = need(http, 'certificateSignatureAlgorithm', 'http');
  const cc = decodeCcache(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-kvno.ccache'))));
  const svc = must(
    cc.credentials.find((c) => c.server.components[0] !== 'krbtgt'),
    'a service ticket in fixtures/mit/ccache/v4-kvno.ccache',
  );
  targets.push({ name: 'gssapi.Krb5Initiator.step', allowed: [KerberosError], seeds: () => tokens, run: (b) => new Krb5Initiator({ credential: svc, now: jan2026 }).step(b) });
  targets.push({
    name: 'spnego.SpnegoInitiator.step',
    allowed: [KerberosError],
    seeds: () => tokens,
    run: (b) => new SpnegoInitiator(new Krb5Initiator({ credential: svc, now: jan2026 })).step(b),
  });
  {
    // The acceptor, with the service keys MIT's kadmin recorded for the fixture's tickets, on
    // AP-REQs our initiator makes from them (and the other tokens): deep into the checks.
    const meta = JSON.parse(readFileSync(join(root, 'fixtures/mit/ccache/ccaches.json'), 'utf8'));
    const keys = nonEmpty(Object.values(meta.keys.services).flat(), 'service keys in fixtures/mit/ccache/ccaches.json').map((k) => {
      const [name, realm] = k.principal.split('@');
      return { principal: { realm, components: name.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
    });
    const at = () => svc.authtime;
    const apReqs = [0, 1, 2].map((i) => new Krb5Initiator({ credential: svc, now: at, flags: i === 2 ? 0x3e : 0x02 }).token);
    targets.push({
      name: 'gssapi.Krb5Acceptor.accept',
      allowed: [KerberosError],
      seeds: () => [...apReqs, ...tokens],
      run: (b) => new Krb5Acceptor({ keys, now: at, replayCache: false }).accept(b),
    });
  }
  {
    const key = randomKey(18);
    const prot = () => new Protection({ key, acceptorSubkey: false, initiator: true, sendSeq: 0, recvSeq: 0 });
    const peer = new Protection({ key, acceptorSubkey: false, initiator: false, sendSeq: 0, recvSeq: 0 });
    const pm = [peer.getMIC(new Uint8Array(8)), peer.wrap(new Uint8Array(20), true), peer.wrap(new Uint8Array(20), false)];
    targets.push({ name: 'gssapi.Protection.unwrap', allowed: [KerberosError], seeds: () => pm, run: (b) => prot().unwrap(b) });
    targets.push({ name: 'gssapi.Protection.verifyMIC', allowed: [KerberosError], seeds: () => pm, run: (b) => prot().verifyMIC(new Uint8Array(8), b) });
  }
  {
    const credentials = { getCredentials: async () => ({ credential: svc }) };
    const fakeResponse = (status, www) => ({
      status,
      ok: status < 300,
      headers: { get: (n) => (n.toLowerCase() === 'www-authenticate' ? www : null) },
      text: async () => '',
      arrayBuffer: async () => new ArrayBuffer(0),
    });
    for (const mech of ['spnego', 'krb5']) {
      targets.push({
        name: `http.negotiateFetch.${mech}`,
        allowed: [KerberosError],
        seeds: () => tokens,
        run: (b) => {
          let n = 0;
          const fetch = async () => (n++ === 0 ? fakeResponse(401, 'Negotiate') : fakeResponse(200, `Negotiate ${Buffer.from(b).toString('base64')}`));
          return createNegotiateFetch({ credentials, fetch, mech })('http://fuzz.example/');
        },
      });
    }
  }
  // Past authentication (issue 11): valid tickets — MIT's, and ones forged with a test service
  // key — carrying authenticators whose every field comes from the fuzz input (subkeys of any
  // enctype and length, 0x8003 bodies, delegation blobs, flags, sequence numbers, skewed times),
  // raw or inside SPNEGO with any mechListMIC (junk, well-formed headers, real MICs), through the
  // server's authenticator; then per-message tokens on whatever context was established. The
  // authenticator may never throw (allowed: nothing); the contexts only KerberosErrors.
  targets.push(await forgedAuthenticatorTarget(errors));
  {
    // The embedded KDC (issue 15): MIT kinit's and kvno's recorded requests (and Heimdal's), into a
    // KDC holding that realm's recorded keys, its clock at the recording, so that mutations reach
    // pre-authentication and the PA-TGS-REQ checks. handle() may never throw (allowed: nothing);
    // a reply is a KRB-ERROR, AS-REP or TGS-REP, or nothing.
    const kdcMod = await load('kdc/index.js');
    const messages = await load('messages/index.js');
    const [Kdc, KdcDatabase] = ['Kdc', 'KdcDatabase'].map((n) => need(kdcMod, n, 'kdc'));
    const decodeKerberosMessage = need(messages, 'decodeKerberosMessage', 'messages');
    const j = JSON.parse(readFileSync(join(root, 'fixtures/mit/kdc-exchanges.json'), 'utf8'));
    const keysOf = (ks) => ks.map((k) => ({ etype: k.etype, value: fromHex(k.key), kvno: k.kvno }));
    const principals = [
      ...Object.entries(must(j.keys?.principals, 'keys.principals in kdc-exchanges.json'))
        .filter(([p]) => !p.startsWith('rc4'))
        .map(([name, u]) => ({ name, password: u.password, keys: keysOf(u.keys) })),
      ...Object.entries(must(j.keys?.services, 'keys.services in kdc-exchanges.json')).map(([name, ks]) => ({ name, keys: keysOf(ks) })),
    ];
    const reqs = nonEmpty(
      [...fixtureBytes('fixtures/mit')].filter((b) => b[0] === 0x6a || b[0] === 0x6c),
      'AS-REQ/TGS-REQ in fixtures/mit',
    );
    const at = Date.parse('2026-11-25T04:20:49Z');
    const kdc = new Kdc(new KdcDatabase({ realm: j.realm, principals }), { now: () => at });
    // and one with FAST on: the fixtures hold MIT's FAST-armored requests (its armor parsed, opened, refused)
    const fastKdc = new Kdc(new KdcDatabase({ realm: j.realm, principals }), { now: () => at, fast: true });
    const one = (k, b) => {
      const { reply } = k.handle(b);
      if (reply === undefined) return 'dropped';
      const m = decodeKerberosMessage(reply);
      if (!['KRB-ERROR', 'AS-REP', 'TGS-REP'].includes(m.type)) throw new Error(`the KDC answered a ${m.type}`);
      return m.type === 'KRB-ERROR' ? `error ${m.value.errorCode}` : m.type;
    };
    const run = (b) => `${one(kdc, b)} / fast: ${one(fastKdc, b)}`;
    targets.push({ name: 'kdc.Kdc.handle', allowed: [], seeds: () => reqs, run });
  }
  {
    // the server certificate Apache presented to curl (fixtures/mit/negotiate-curl.json)
    const j = JSON.parse(readFileSync(join(root, 'fixtures/mit/negotiate-curl.json'), 'utf8'));
    const pem = must(j.server?.certificatePem, 'server.certificatePem in fixtures/mit/negotiate-curl.json');
    const certs = [Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'))];
    targets.push({ name: 'http.certificateSignatureAlgorithm', allowed: [DecodeError, UnsupportedError], seeds: () => certs, run: (b) => certificateSignatureAlgorithm(b) });
  }
  return targets;
}

/** An export that must exist: a renamed one fails the fuzz run loudly instead of dropping a target. */
/**
 * The FAST structures of MIT's recorded exchanges (fixtures/mit/fast/fast-exchanges.json): the
 * PA-FX-FAST values, their armor, and — opened with the recorded krbtgt key and alice's password
 * (armor key = KRB-FX-CF2(armor subkey, "subkeyarmor", TGT session key, "ticketarmor")) — the
 * KrbFastReq and KrbFastResponse plaintexts and the finished part.
 */
function fastSeeds(M, C) {
  const fx = JSON.parse(readFileSync(join(root, 'fixtures/mit/fast/fast-exchanges.json'), 'utf8'));
  const krbtgt = fx.keys.find((k) => k.principal.startsWith('krbtgt/') && k.etype === 18);
  const krbtgtKey = { etype: 18, value: fromHex(krbtgt.keyHex) };
  const out = [];
  const fastPa = (padata) => padata?.find((p) => p.padataType === 136)?.padataValue;
  for (const c of fx.cases) {
    for (const e of c.exchanges) {
      const reqBytes = fromHex(e.requestHex);
      const req = (reqBytes[0] === 0x6a ? M.ASReq : M.TGSReq).decode(reqBytes);
      const pa = fastPa(req.padata);
      if (!pa) continue;
      out.push(pa);
      const armored = M.PAFxFastRequest.decode(pa);
      out.push(M.KrbFastArmoredReq.encode(armored));
      let apReq;
      if (armored.armor) {
        out.push(M.KrbFastArmor.encode(armored.armor));
        apReq = M.APReq.decode(armored.armor.armorValue);
      } else {
        apReq = M.APReq.decode(req.padata.find((p) => p.padataType === 1).padataValue);
      }
      const tkt = M.EncTicketPart.decode(C.decrypt(krbtgtKey, 2, apReq.ticket.encPart.cipher));
      const session = { etype: tkt.key.keytype, value: tkt.key.keyvalue };
      const auth = M.Authenticator.decode(C.decrypt(session, armored.armor ? 11 : 7, apReq.authenticator.cipher));
      const subkey = { etype: auth.subkey.keytype, value: auth.subkey.keyvalue };
      const armorKey = C.cf2(subkey, 'subkeyarmor', session, 'ticketarmor');
      out.push(C.decrypt(armorKey, 51, armored.encFastReq.cipher));
      const repBytes = fromHex(e.responseHex);
      const rep = repBytes[0] === 0x7e ? M.KRBError.decode(repBytes) : (repBytes[0] === 0x6b ? M.ASRep : M.TGSRep).decode(repBytes);
      const rpa = fastPa(rep.padata ?? (rep.eData ? M.MethodData.decode(rep.eData) : []));
      if (!rpa) continue;
      out.push(rpa);
      const armoredRep = M.PAFxFastReply.decode(rpa);
      out.push(M.KrbFastArmoredRep.encode(armoredRep));
      const resp = C.decrypt(armorKey, 52, armoredRep.encFastRep.cipher);
      out.push(resp);
      const r = M.KrbFastResponse.decode(resp);
      if (r.finished) out.push(M.KrbFastFinished.encode(r.finished));
    }
  }
  return out;
}

function need(mod, name, where) {
  const v = mod?.[name];
  if (v === undefined) throw new Error(`fuzz/targets.mjs: ${where} has no export ${name} (renamed? update the target)`);
  return v;
}

/** A value the targets are built from (a fixture's credential, …): its absence fails the run. */
function must(v, what) {
  if (v === undefined || v === null) throw new Error(`fuzz/targets.mjs: ${what} not found (fixture changed? update the target)`);
  return v;
}

/** Seeds that must not be empty: a fixture directory that moved fails the run. */
function nonEmpty(list, what) {
  if (list.length === 0) throw new Error(`fuzz/targets.mjs: no ${what} (fixture moved? update the target)`);
  return list;
}

/** The committed list of target names (fuzz/targets.expected.txt), one a line. */
export function expectedTargetNames() {
  return readFileSync(join(root, 'fuzz/targets.expected.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The differences between the loaded targets and fuzz/targets.expected.txt. */
export function targetNameDifferences(targets) {
  const names = targets.map((t) => t.name);
  const expected = expectedTargetNames();
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  return { missing: expected.filter((n) => !names.includes(n)), unexpected: names.filter((n) => !expected.includes(n)), duplicated: dup };
}

async function forgedAuthenticatorTarget(errors) {
  const { KerberosError } = errors;
  const crypto = await load('crypto/index.js');
  const messages = await load('messages/index.js');
  const formats = await load('formats/index.js');
  const gssapi = await load('gssapi/index.js');
  const spnego = await load('spnego/index.js');
  const http = await load('http/index.js');
  const [encrypt, decrypt, checksum] = ['encrypt', 'decrypt', 'checksum'].map((n) => need(crypto, n, 'crypto'));
  const [Authenticator, Ticket, EncTicketPart] = ['Authenticator', 'Ticket', 'EncTicketPart'].map((n) => need(messages, n, 'messages'));
  const [encodeGssChecksum, encodeKrb5Message, makeKrbCred] = ['encodeGssChecksum', 'encodeKrb5Message', 'makeKrbCred'].map((n) => need(gssapi, n, 'gssapi'));
  const encodeNegTokenInit = need(spnego, 'encodeNegTokenInit', 'spnego');
  const encodeMechTypeList = need(spnego, 'encodeMechTypeList', 'spnego');
  const createNegotiateAuthenticator = need(http, 'createNegotiateAuthenticator', 'http');
  const toBase64 = need(http, 'toBase64', 'http');

  const cc = need(formats, 'decodeCcache', 'formats')(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-kvno.ccache'))));
  const svc = must(
    cc.credentials.find((c) => c.server.components[0] === 'HTTP'),
    'an HTTP ticket in fixtures/mit/ccache/v4-kvno.ccache',
  );
  const tgt = must(
    cc.credentials.find((c) => c.server.components[0] === 'krbtgt'),
    'a TGT in fixtures/mit/ccache/v4-kvno.ccache',
  );
  const meta = JSON.parse(readFileSync(join(root, 'fixtures/mit/ccache/ccaches.json'), 'utf8'));
  const mitKeys = Object.values(meta.keys.services)
    .flat()
    .map((k) => {
      const [name, realm] = k.principal.split('@');
      return { principal: { realm, components: name.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
    });
  const realTicket = Ticket.decode(svc.ticket);
  const mitKey = must(
    mitKeys.find((k) => k.principal.components[0] === 'HTTP' && k.key.etype === realTicket.encPart.etype),
    'the HTTP service key in fixtures/mit/ccache/ccaches.json',
  ).key;
  const realPart = EncTicketPart.decode(decrypt(mitKey, 2, realTicket.encPart.cipher));
  // a test service, its own keys (every AES enctype), for tickets forged here
  const testPrincipal = { realm: 'FUZZ.TEST', components: ['HTTP', 'fuzz.test'] };
  const randomKey = need(crypto, 'randomKey', 'crypto');
  const testKeys = [17, 18, 19, 20].map((etype) => ({ principal: testPrincipal, kvno: 3, key: randomKey(etype) }));
  const keys = [...mitKeys, ...testKeys];
  const at = svc.authtime.getTime();
  const now = () => new Date(at);
  const check = createNegotiateAuthenticator({ keys, now: () => new Date(at), replayCache: false });
  const krbCred = makeKrbCred([tgt], svc.key, { now });
  const etypes = [17, 18, 19, 20, 23, 24, 0, 1, 3, 16, 99, -128, 2 ** 31 - 1];
  const lengths = [16, 32, 0, 1, 8, 15, 24, 31, 33, 64];
  const mechs = [['1.2.840.113554.1.2.2'], ['1.2.840.48018.1.2.2'], ['1.3.6.1.4.1.311.2.2.10', '1.2.840.113554.1.2.2'], ['1.2.840.113554.1.2.2', '1.3.6.1.4.1.311.2.2.10'], []];

  const run = (input) => {
    let p = 0;
    // the input as a stream of choices, read round and round (an exhausted stream would make
    // every later choice the same)
    const u8 = () => (input.length === 0 ? 0 : (input[p++ % input.length] ^ (p / input.length)) | 0) & 0xff;
    const u32 = () => ((u8() << 24) | (u8() << 16) | (u8() << 8) | u8()) >>> 0;
    const pick = (a) => a[u8() % a.length];
    const bytes = (max) => {
      const n = u8() % (max + 1);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u8();
      return out;
    };
    const keyOf = () => ({ keytype: pick(etypes), keyvalue: new Uint8Array(pick(lengths)).map(() => u8()) });

    // the ticket: MIT's own, or one forged under a test service key with chosen contents
    let ticket, session;
    if (u8() % 2 === 0) {
      ticket = svc.ticket;
      session = { etype: svc.key.etype, value: svc.key.value };
    } else {
      const sk = u8() % 4 === 0 ? keyOf() : { keytype: pick([17, 18, 19, 20]), keyvalue: null };
      const sEtype = sk.keytype;
      const sValue = sk.keyvalue ?? randomKey(sEtype).value;
      const part = {
        ...realPart,
        key: { keytype: sEtype, keyvalue: sValue },
        flags: u8() % 2 ? u32() : realPart.flags,
        ...(u8() % 3 === 0 ? { authorizationData: [{ adType: u32() & 0x7fffffff, adData: bytes(60) }] } : {}),
        ...(u8() % 4 === 0 ? { endtime: new Date(at - 3600_000) } : {}),
      };
      const skey = pick(testKeys);
      const enc = encrypt(skey.key, 2, EncTicketPart.encode(part));
      ticket = Ticket.encode({
        tktVno: 5,
        realm: testPrincipal.realm,
        sname: { nameType: 2, nameString: [...testPrincipal.components] },
        encPart: { etype: skey.key.etype, kvno: u8() % 2 ? 3 : u32(), cipher: enc },
      });
      session = { etype: sEtype, value: sValue };
    }
    // the authenticator
    const gssFlags = pick([0, 0x3e, 0x3f, 0x30, 0x02, u32()]);
    const deleg = gssFlags & 1 ? pick([krbCred, bytes(120), krbCred.map((b, i) => (i === u8() * 4 ? b ^ 0xff : b))]) : undefined;
    let cksum;
    const ck = u8() % 6;
    if (ck < 4) {
      cksum = {
        cksumtype: 0x8003,
        checksum: encodeGssChecksum({
          flags: gssFlags,
          bindingsHash: u8() % 4 ? new Uint8Array(16) : new Uint8Array(16).map(() => u8()),
          ...(deleg && gssFlags & 1 ? { delegation: deleg } : {}),
          ...(u8() % 5 === 0 ? { exts: [{ type: u32(), data: bytes(20) }] } : {}),
        }),
      };
      if (cksum.checksum.length < 24) cksum = { cksumtype: 0x8003, checksum: bytes(60) };
    } else if (ck === 4) cksum = { cksumtype: u32() & 0xffff, checksum: bytes(60) };
    const subkey = u8() % 5 === 0 ? undefined : u8() % 3 === 0 ? keyOf() : { keytype: session.etype, keyvalue: new Uint8Array(session.value.length).map(() => u8()) };
    const auth = {
      authenticatorVno: 5,
      crealm: u8() % 8 === 0 ? 'OTHER.TEST' : svc.client.realm,
      cname: { nameType: 1, nameString: u8() % 8 === 0 ? ['mallory'] : [...svc.client.components] },
      ...(cksum ? { cksum } : {}),
      cusec: u8() * 3000,
      ctime: new Date(Math.floor((at + (u8() % 8 === 0 ? (u8() - 128) * 10_000 : 0)) / 1000) * 1000),
      ...(subkey ? { subkey } : {}),
      ...(u8() % 2 ? { seqNumber: u32() } : {}),
    };
    let authBytes;
    try {
      authBytes = u8() % 16 === 0 ? bytes(200) : Authenticator.encode(auth);
    } catch {
      return; // not encodable (a bad session key for the cipher below, etc.): nothing to send
    }
    let authCipher;
    try {
      authCipher = encrypt(session, 11, authBytes, { allowWeakCrypto: true });
    } catch {
      authCipher = bytes(100);
    }
    const apReq = encodeKrb5Message(
      {
        type: 'AP-REQ',
        value: {
          pvno: 5,
          msgType: 14,
          apOptions: pick([0, 0x20000000, u32() & 0x7fffffff]),
          ticket: Ticket.decode(ticket),
          authenticator: { etype: session.etype, cipher: authCipher },
        },
      },
      { framed: true, mech: '1.2.840.113554.1.2.2' },
    );
    // raw, or inside SPNEGO with a chosen mechanism list and mechListMIC
    let token = apReq;
    if (u8() % 3) {
      const mechTypes = pick(mechs);
      const m = u8() % 5;
      let mic;
      if (m === 1) mic = bytes(40);
      else if (m === 2) mic = Uint8Array.from([0x04, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, ...bytes(24)]);
      else if (m === 3 && subkey) {
        // a real MIC (RFC 4121 §4.2.6.1) under the initiator's subkey, whatever that subkey is
        try {
          const hdr = Uint8Array.from([0x04, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
          const list = encodeMechTypeList(mechTypes);
          const sum = checksum({ etype: subkey.keytype, value: subkey.keyvalue }, 25, Uint8Array.from([...list, ...hdr]), undefined, { allowWeakCrypto: true });
          mic = Uint8Array.from([...hdr, ...sum]);
        } catch {
          mic = bytes(28);
        }
      }
      token = encodeNegTokenInit({ mechTypes, mechToken: apReq, ...(mic ? { mechListMIC: mic } : {}) });
    }
    const r = check(`Negotiate ${toBase64(token)}`);
    if (!r || !['ok', 'failed', 'challenge', 'continue'].includes(r.status)) throw new Error(`not a decision: ${JSON.stringify(r?.status)}`);
    if (r.status === 'failed' && !(r.error instanceof KerberosError)) throw new Error(`a refusal that is not a KerberosError: ${r.error}`);
    if (r.status === 'ok') {
      // per-message tokens on the established context: only KerberosErrors
      const ctx = r.context;
      for (let k = 0; k < 3; k++) {
        try {
          const op = u8() % 4;
          if (op === 0) ctx.verifyMIC(bytes(20), bytes(40));
          else if (op === 1) ctx.unwrap(bytes(80));
          else if (op === 2) ctx.getMIC(bytes(20));
          else ctx.wrap(bytes(30), u8() % 2 === 0);
        } catch (e) {
          if (!(e instanceof KerberosError)) throw e;
        }
      }
    }
    return r.status === 'failed' ? r.error.message.replace(/\(.*$/, '').slice(0, 60) : r.status;
  };
  const seeds = () => Array.from({ length: 32 }, (_, i) => Uint8Array.from({ length: 400 }, (_, j) => (i * 97 + j * 31 + ((i * j) >> 3)) & 0xff));
  return { name: 'http.createNegotiateAuthenticator.forged', allowed: [], seeds, run };
}
