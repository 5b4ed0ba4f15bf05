// The fuzz targets: every decoder tskrb5 has, in one table. Each later layer adds its own row.
//
// A target is { name, allowed: [error classes], seeds(): Uint8Array[], run(bytes) }. `run` may
// return or throw one of `allowed` (all KerberosError subclasses); anything else is a crash.
// Seeds come from fixtures/: real bytes from MIT and the RFCs, mutated by the runner.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url).href;
const load = async (p) => import(new URL(p, dist).href);
const tryLoad = async (p) => (existsSync(new URL(p, new URL(dist)).pathname) ? load(p) : undefined);

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
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  const visit = (d) => {
    if (!existsSync(d)) return;
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
  const { DecodeError, UnsupportedError, IntegrityError } = errors;
  const asn1 = await load('asn1/index.js');
  const crypto = await load('crypto/index.js');
  const der = fixtureBytes('fixtures/mit');
  const targets = [
    { name: 'asn1.parseDer', allowed: [DecodeError], seeds: () => der, run: (b) => asn1.parseDer(b) },
    { name: 'asn1.raw', allowed: [DecodeError], seeds: () => der, run: (b) => asn1.raw.decode(b) },
  ];

  // Every cipher: any bytes as a ciphertext under a fixed key give IntegrityError or a plaintext.
  const weak = { allowWeakCrypto: true };
  for (const etype of [17, 18, 19, 20, 23]) {
    const key = crypto.randomKey(etype, weak);
    const real = [0, 1, 16, 100].map((n) => crypto.encrypt(key, 3, new Uint8Array(n), weak));
    targets.push({ name: `crypto.decrypt.${etype}`, allowed: [IntegrityError], seeds: () => real, run: (b) => crypto.decrypt(key, 3, b, weak) });
  }

  // s2kparams as a KDC sends them in ETYPE-INFO2: a key, or UnsupportedError (counts that would
  // take long but are legal are skipped, so the fuzz measures parsing, not PBKDF2).
  targets.push({
    name: 'crypto.stringToKey.params',
    allowed: [UnsupportedError],
    seeds: () => [new Uint8Array([0, 0, 0x10, 0]), new Uint8Array([0, 0, 0, 1]), new Uint8Array(0)],
    run: (b) => {
      if (b.length === 4 && ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 > 4096 && ((b[0] << 24) | (b[1] << 16)) >>> 0 < 0x1000000) return;
      return crypto.stringToKey(18, 'password', 'EXAMPLE.COMuser', b);
    },
  });
  // A checksum field from the wire: a boolean, never an exception.
  const ckey = crypto.randomKey(18);
  const cdata = new Uint8Array(40);
  targets.push({ name: 'crypto.verifyChecksum', allowed: [], seeds: () => [crypto.checksum(ckey, 6, cdata)], run: (b) => crypto.verifyChecksum(ckey, 6, cdata, b) });

  // Keytabs (MIT's and ours).
  const formats = await load('formats/index.js');
  const keytabs = ['several.keytab', 'rc4.keytab'].map((n) => new Uint8Array(readFileSync(join(root, 'fixtures/mit/keytab', n))));
  targets.push({ name: 'formats.decodeKeytab', allowed: [DecodeError], seeds: () => keytabs, run: (b) => formats.decodeKeytab(b) });

  // Credential caches (MIT- and Heimdal-written) and krb5.conf text (MIT's fixtures).
  const ccDir = join(root, 'fixtures/mit/ccache');
  const caches = existsSync(ccDir) ? readdirSync(ccDir).filter((n) => n.endsWith('.ccache')).map((n) => new Uint8Array(readFileSync(join(ccDir, n)))) : [];
  if (formats.decodeCcache) targets.push({ name: 'formats.decodeCcache', allowed: [DecodeError], seeds: () => caches, run: (b) => formats.decodeCcache(b) });
  if (formats.CcacheScanner) {
    // The scanner klist lists FILE caches with: every record located, nothing built.
    targets.push({
      name: 'formats.CcacheScanner', allowed: [DecodeError], seeds: () => caches,
      run: (b) => { const s = new formats.CcacheScanner(b); const v = new formats.CcacheRecordView(); while (s.next(v)); },
    });
  }
  // klist's readers: the keytab read entry by entry as MIT reads it (lenient: never throws past a
  // good version header), and the in-place listing of a FILE cache (only the scanner's
  // DecodeError; its own records declined)
  const ktHeader = (b) => b.length >= 2 && b[0] === 5 && (b[1] === 1 || b[1] === 2);
  targets.push({ name: 'formats.decodeKeytab lenient', allowed: [], seeds: () => keytabs, run: (b) => (ktHeader(b) ? formats.decodeKeytab(b, { lenient: true }) : undefined) });
  const fast = await tryLoad('cli/klist/fast.js');
  const listing = await tryLoad('cli/klist/listing.js');
  if (fast && listing) {
    const lines = new listing.CcacheListing({ e: true, f: true, d: false }, 0, 'UTC');
    const lister = { f: { C: true }, listing: lines, other: () => '', write: () => {} };
    targets.push({ name: 'cli.klistListFile', allowed: [DecodeError], seeds: () => caches, run: (b) => fast.listFile(lister, b) });
  }
  const confDir = join(root, 'fixtures/mit/krb5conf');
  const confs = existsSync(confDir) ? readdirSync(confDir).filter((n) => n.endsWith('.conf')).map((n) => new Uint8Array(readFileSync(join(confDir, n)))) : [];
  if (formats.parseKrb5Conf) {
    const { ConfigError } = errors;
    targets.push({ name: 'formats.parseKrb5Conf', allowed: [ConfigError], seeds: () => confs, run: (b) => formats.parseKrb5Conf(new TextDecoder().decode(b)) });
  }

  // Kerberos messages (RFC 4120), when built.
  const messages = await tryLoad('messages/index.js');
  if (messages) {
    const seeds = () => der;
    if (messages.decodeKerberosMessage) {
      targets.push({ name: 'messages.decodeKerberosMessage', allowed: [DecodeError, UnsupportedError], seeds, run: (b) => messages.decodeKerberosMessage(b) });
    }
    if (messages.ticketHead) {
      // Returns a boolean for any bytes: it may throw nothing at all.
      targets.push({ name: 'messages.ticketHead', allowed: [], seeds, run: (b) => { messages.ticketHead(b, 0, b.length, new messages.TicketHead()); } });
    }
    for (const [name, codec] of Object.entries(messages)) {
      if (codec && typeof codec === 'object' && typeof codec.decode === 'function' && typeof codec.encode === 'function') {
        targets.push({ name: `messages.${name}`, allowed: [DecodeError], seeds, run: (b) => codec.decode(b) });
      }
    }
  }

  // GSS-API and SPNEGO tokens, and the Negotiate header, when built.
  const tokens = fixtureBytes('test/gssapi/fixtures').concat(fixtureBytes('fixtures/mit'));
  const gssapi = await tryLoad('gssapi/index.js');
  if (gssapi) {
    for (const fn of ['unwrapInitialToken', 'decodeKrb5Token', 'decodeKrb5Message', 'decodeGssChecksum', 'decodePerMessageToken']) {
      if (typeof gssapi[fn] === 'function') targets.push({ name: `gssapi.${fn}`, allowed: [DecodeError, UnsupportedError], seeds: () => tokens, run: (b) => gssapi[fn](b) });
    }
  }
  const spnego = await tryLoad('spnego/index.js');
  if (spnego?.decodeSpnegoToken) {
    targets.push({ name: 'spnego.decodeSpnegoToken', allowed: [DecodeError, UnsupportedError], seeds: () => tokens, run: (b) => spnego.decodeSpnegoToken(b) });
  }
  const http = await tryLoad('http/index.js');
  if (http?.parseChallenges) {
    const headers = ['Negotiate', 'Negotiate YIIBCgYGKwYBBQUCoIH/MIH8', 'Basic realm="x", Negotiate abc=, Bearer error="invalid_token"'].map((s) => new TextEncoder().encode(s));
    targets.push({
      name: 'http.parseChallenges',
      allowed: [DecodeError, UnsupportedError],
      seeds: () => headers,
      run: (b) => http.parseChallenges(new TextDecoder().decode(b)),
    });
  }
  // The client's reading of KDC replies (src/client): whatever a KDC (or an attacker on the path)
  // sends back to an AS-REQ or a TGS-REQ ends in a reply or a KerberosError. Keys, not a
  // password, so that s2kparams from a mutated ETYPE-INFO2 cannot turn the run into PBKDF2 time.
  const client = await tryLoad('client/index.js');
  if (client?.getInitialCredentials) {
    const { KerberosError } = errors;
    const replies = fixtureBytes('fixtures/mit').filter((b) => b[0] === 0x6b || b[0] === 0x6d || b[0] === 0x7e);
    const keys = [17, 18, 19, 20].map((etype) => ({ ...crypto.randomKey(etype), kvno: 1 }));
    const transport = (b) => ({ send: async () => b });
    const now = () => new Date('2026-01-01T00:00:00Z');
    targets.push({
      name: 'client.getInitialCredentials',
      allowed: [KerberosError],
      seeds: () => replies,
      run: (b) => client.getInitialCredentials({ transport: transport(b), client: 'alice@TSKRB5.TEST', keys, now }),
    });
    const tgtCache = formats.decodeCcache(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-tgt.ccache'))));
    const tgt = tgtCache.credentials.find((c) => c.server.components[0] === 'krbtgt');
    if (tgt) {
      targets.push({
        name: 'client.getServiceTicket',
        allowed: [KerberosError],
        seeds: () => replies,
        run: (b) => client.getServiceTicket({ transport: transport(b), tgt, server: 'HTTP/web.tskrb5.test', now }),
      });
    }
  }
  // The initiators and per-message protection (src/gssapi, src/spnego), and negotiateFetch over a
  // fake server whose WWW-Authenticate carries the input: any reply ends in a value or a
  // KerberosError, never another exception.
  const spnegoInit = await tryLoad('spnego/index.js');
  const httpIndex = await tryLoad('http/index.js');
  if (gssapi?.Krb5Initiator && spnegoInit?.SpnegoInitiator && formats.decodeCcache) {
    const { KerberosError } = errors;
    const cc = formats.decodeCcache(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-kvno.ccache'))));
    const svc = cc.credentials.find((c) => c.server.components[0] !== 'krbtgt');
    if (svc) {
      const now = () => new Date('2026-01-01T00:00:00Z');
      targets.push({ name: 'gssapi.Krb5Initiator.step', allowed: [KerberosError], seeds: () => tokens, run: (b) => new gssapi.Krb5Initiator({ credential: svc, now }).step(b) });
      targets.push({ name: 'spnego.SpnegoInitiator.step', allowed: [KerberosError], seeds: () => tokens, run: (b) => new spnegoInit.SpnegoInitiator(new gssapi.Krb5Initiator({ credential: svc, now })).step(b) });
      if (gssapi.Krb5Acceptor) {
        // The acceptor, with the service keys MIT's kadmin recorded for the fixture's tickets, on
        // AP-REQs our initiator makes from them (and the other tokens): deep into the checks.
        const meta = JSON.parse(readFileSync(join(root, 'fixtures/mit/ccache/ccaches.json'), 'utf8'));
        const keys = Object.values(meta.keys.services).flat().map((k) => {
          const [name, realm] = k.principal.split('@');
          return { principal: { realm, components: name.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
        });
        const at = () => svc.authtime;
        const apReqs = [0, 1, 2].map((i) => new gssapi.Krb5Initiator({ credential: svc, now: at, flags: i === 2 ? 0x3e : 0x02 }).token);
        targets.push({ name: 'gssapi.Krb5Acceptor.accept', allowed: [KerberosError], seeds: () => [...apReqs, ...tokens], run: (b) => new gssapi.Krb5Acceptor({ keys, now: at, replayCache: false }).accept(b) });
      }
      const key = crypto.randomKey(18);
      const prot = () => new gssapi.Protection({ key, acceptorSubkey: false, initiator: true, sendSeq: 0, recvSeq: 0 });
      const peer = new gssapi.Protection({ key, acceptorSubkey: false, initiator: false, sendSeq: 0, recvSeq: 0 });
      const pm = [peer.getMIC(new Uint8Array(8)), peer.wrap(new Uint8Array(20), true), peer.wrap(new Uint8Array(20), false)];
      targets.push({ name: 'gssapi.Protection.unwrap', allowed: [KerberosError], seeds: () => pm, run: (b) => prot().unwrap(b) });
      targets.push({ name: 'gssapi.Protection.verifyMIC', allowed: [KerberosError], seeds: () => pm, run: (b) => prot().verifyMIC(new Uint8Array(8), b) });
      if (httpIndex?.createNegotiateFetch) {
        const credentials = { getCredentials: async () => ({ credential: svc }) };
        const fakeResponse = (status, www) => ({
          status, ok: status < 300, headers: { get: (n) => (n.toLowerCase() === 'www-authenticate' ? www : null) },
          text: async () => '', arrayBuffer: async () => new ArrayBuffer(0),
        });
        for (const mech of ['spnego', 'krb5']) {
          targets.push({
            name: `http.negotiateFetch.${mech}`,
            allowed: [KerberosError],
            seeds: () => tokens,
            run: (b) => {
              let n = 0;
              const fetch = async () => (n++ === 0 ? fakeResponse(401, 'Negotiate') : fakeResponse(200, `Negotiate ${Buffer.from(b).toString('base64')}`));
              return httpIndex.createNegotiateFetch({ credentials, fetch, mech })('http://fuzz.example/');
            },
          });
        }
      }
    }
  }
  // Past authentication (issue 11): valid tickets — MIT's, and ones forged with a test service
  // key — carrying authenticators whose every field comes from the fuzz input (subkeys of any
  // enctype and length, 0x8003 bodies, delegation blobs, flags, sequence numbers, skewed times),
  // raw or inside SPNEGO with any mechListMIC (junk, well-formed headers, real MICs), through the
  // server's authenticator; then per-message tokens on whatever context was established. The
  // authenticator may never throw (allowed: nothing); the contexts only KerberosErrors.
  targets.push(await forgedAuthenticatorTarget(errors));
  if (httpIndex?.certificateSignatureAlgorithm) {
    const { DecodeError, UnsupportedError: U } = errors;
    const certs = [];
    for (const f of ['negotiate-curl.json']) {
      const j = JSON.parse(readFileSync(join(root, 'fixtures/mit', f), 'utf8'));
      const pem = j.server?.certificatePem;
      if (pem) certs.push(Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64')));
    }
    targets.push({ name: 'http.certificateSignatureAlgorithm', allowed: [DecodeError, U], seeds: () => certs, run: (b) => httpIndex.certificateSignatureAlgorithm(b) });
  }
  return targets;
}

/** An export that must exist: a renamed one fails the fuzz run loudly instead of dropping a target. */
function need(mod, name, where) {
  const v = mod?.[name];
  if (v === undefined) throw new Error(`fuzz/targets.mjs: ${where} has no export ${name} (renamed? update the target)`);
  return v;
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

  const cc = formats.decodeCcache(new Uint8Array(readFileSync(join(root, 'fixtures/mit/ccache/v4-kvno.ccache'))));
  const svc = cc.credentials.find((c) => c.server.components[0] === 'HTTP');
  const tgt = cc.credentials.find((c) => c.server.components[0] === 'krbtgt');
  const meta = JSON.parse(readFileSync(join(root, 'fixtures/mit/ccache/ccaches.json'), 'utf8'));
  const mitKeys = Object.values(meta.keys.services).flat().map((k) => {
    const [name, realm] = k.principal.split('@');
    return { principal: { realm, components: name.split('/') }, kvno: k.kvno, key: { etype: k.etype, value: Uint8Array.from(Buffer.from(k.key, 'hex')) } };
  });
  const realTicket = messages.Ticket.decode(svc.ticket);
  const mitKey = mitKeys.find((k) => k.principal.components[0] === 'HTTP' && k.key.etype === realTicket.encPart.etype).key;
  const realPart = EncTicketPart.decode(decrypt(mitKey, 2, realTicket.encPart.cipher));
  // a test service, its own keys (every AES enctype), for tickets forged here
  const testPrincipal = { realm: 'FUZZ.TEST', components: ['HTTP', 'fuzz.test'] };
  const testKeys = [17, 18, 19, 20].map((etype) => ({ principal: testPrincipal, kvno: 3, key: crypto.randomKey(etype) }));
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
    const u8 = () => (input.length === 0 ? 0 : input[p++ % input.length] ^ (p / input.length) | 0) & 0xff;
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
      const sValue = sk.keyvalue ?? crypto.randomKey(sEtype).value;
      const part = {
        ...realPart,
        key: { keytype: sEtype, keyvalue: sValue },
        flags: u8() % 2 ? u32() : realPart.flags,
        ...(u8() % 3 === 0 ? { authorizationData: [{ adType: u32() & 0x7fffffff, adData: bytes(60) }] } : {}),
        ...(u8() % 4 === 0 ? { endtime: new Date(at - 3600_000) } : {}),
      };
      const skey = pick(testKeys);
      const enc = encrypt(skey.key, 2, EncTicketPart.encode(part));
      ticket = Ticket.encode({ tktVno: 5, realm: testPrincipal.realm, sname: { nameType: 2, nameString: [...testPrincipal.components] }, encPart: { etype: skey.key.etype, kvno: u8() % 2 ? 3 : u32(), cipher: enc } });
      session = { etype: sEtype, value: sValue };
    }
    // the authenticator
    const gssFlags = pick([0, 0x3e, 0x3f, 0x30, 0x02, u32()]);
    const deleg = gssFlags & 1 ? pick([krbCred, bytes(120), krbCred.map((b, i) => (i === u8() * 4 ? b ^ 0xff : b))]) : undefined;
    let cksum;
    const ck = u8() % 6;
    if (ck < 4) {
      cksum = { cksumtype: 0x8003, checksum: encodeGssChecksum({ flags: gssFlags, bindingsHash: u8() % 4 ? new Uint8Array(16) : new Uint8Array(16).map(() => u8()), ...(deleg && gssFlags & 1 ? { delegation: deleg } : {}), ...(u8() % 5 === 0 ? { exts: [{ type: u32(), data: bytes(20) }] } : {}) }) };
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
    const apReq = encodeKrb5Message({ type: 'AP-REQ', value: { pvno: 5, msgType: 14, apOptions: pick([0, 0x20000000, u32() & 0x7fffffff]), ticket: Ticket.decode(ticket), authenticator: { etype: session.etype, cipher: authCipher } } }, { framed: true, mech: '1.2.840.113554.1.2.2' });
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
    if (!r || !['ok', 'failed', 'challenge'].includes(r.status)) throw new Error(`not a decision: ${JSON.stringify(r?.status)}`);
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
