// A decode/encode benchmark and a time-boxed mutation fuzz for src/asn1, over the built dist/.
//
//   npm run build && node bench/asn1-fuzz.mjs [--seconds 10] [--seed 1]
//
// Fuzz: MIT's reference encodings (fixtures/mit) and an AP-REQ-shaped message, mutated
// (byte set/flip, truncate, insert, delete, duplicate); every decoder must return or throw
// DecodeError. Bench: a ~1.5 KB AP-REQ, decoded and encoded by our codec and parsed by asn1js
// (the reference), side by side in the same run; quote the ratio, not the times.
import { readFileSync } from 'node:fs';

const dist = process.env.TSKRB5_DIST ?? new URL('../dist/', import.meta.url).href;
const A = await import(new URL('asn1/index.js', dist).href);
const { DecodeError } = await import(new URL('errors.js', dist).href);
const asn1js = await import('asn1js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 10);
let seed = arg('seed', Date.now() % 2 ** 31) >>> 0;
const initialSeed = seed;
const rand = () => {
  // xorshift32: reproducible with --seed
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 2 ** 32;
};
const randInt = (n) => Math.floor(rand() * n);

const { app, seq, field, opt, seqOf, int32, uint32, octetString, kerberosString, kerberosFlags, kerberosTime, parseDer, raw } = A;
// RFC 4120 §5.2.2, §5.2.9, §5.3, §5.5.1
const PrincipalName = seq('PrincipalName', { nameType: field(0, int32), nameString: field(1, seqOf(kerberosString)) });
const EncryptedData = seq('EncryptedData', { etype: field(0, int32), kvno: opt(field(1, uint32)), cipher: field(2, octetString) });
const Ticket = app(1, seq('Ticket', { tktVno: field(0, int32), realm: field(1, kerberosString), sname: field(2, PrincipalName), encPart: field(3, EncryptedData) }));
const APReq = app(
  14,
  seq('AP-REQ', { pvno: field(0, int32), msgType: field(1, int32), apOptions: field(2, kerberosFlags), ticket: field(3, Ticket), authenticator: field(4, EncryptedData) }),
);
const Authenticator = app(
  2,
  seq('Authenticator', {
    authenticatorVno: field(0, int32),
    crealm: field(1, kerberosString),
    cname: field(2, PrincipalName),
    cksum: opt(field(3, seq('Checksum', { cksumtype: field(0, int32), checksum: field(1, octetString) }))),
    cusec: field(4, int32),
    ctime: field(5, kerberosTime),
    subkey: opt(field(6, seq('EncryptionKey', { keytype: field(0, int32), keyvalue: field(1, octetString) }))),
    seqNumber: opt(field(7, uint32)),
    authorizationData: opt(field(8, seqOf(seq('AuthorizationData', { adType: field(0, int32), adData: field(1, octetString) })))),
  }),
);

const filler = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);
const apReqValue = {
  pvno: 5,
  msgType: 14,
  apOptions: 0x20000000,
  ticket: { tktVno: 5, realm: 'EXAMPLE.COM', sname: { nameType: 3, nameString: ['HTTP', 'www.example.com'] }, encPart: { etype: 18, kvno: 2, cipher: filler(1150) } },
  authenticator: { etype: 18, cipher: filler(200) },
};
const apReq = APReq.encode(apReqValue);

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/mit/asn1-reference-encode.json', import.meta.url), 'utf8'));
const seeds = [apReq, ...fixtures.vectors.map((v) => Uint8Array.from(Buffer.from(v.hex, 'hex')))];
const decoders = [APReq, Ticket, Authenticator, raw, seqOf(raw), { name: 'parseDer', decode: (b) => parseDer(b) }];

function mutate(input) {
  let b = Array.from(input);
  for (let k = 1 + randInt(4); k > 0; k--) {
    const i = b.length ? randInt(b.length) : 0;
    switch (randInt(6)) {
      case 0:
        if (b.length) b[i] = randInt(256);
        break;
      case 1:
        if (b.length) b[i] ^= 1 << randInt(8);
        break;
      case 2:
        b = b.slice(0, i);
        break;
      case 3:
        b.splice(i, 0, ...Array.from({ length: 1 + randInt(8) }, () => randInt(256)));
        break;
      case 4:
        b.splice(i, 1 + randInt(16));
        break;
      default:
        b.splice(i, 0, ...b.slice(i, i + 1 + randInt(16)));
    }
  }
  return Uint8Array.from(b);
}

function bench(fn, minMs = 300) {
  for (let i = 0; i < 2000; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs / 5) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      t = performance.now();
    }
    best = Math.min(best, ((t - t0) * 1000) / n);
  }
  return best;
}
const rows = [
  ['APReq.decode (tskrb5)', bench(() => APReq.decode(apReq))],
  ['APReq.encode (tskrb5)', bench(() => APReq.encode(apReqValue))],
  ['parseDer (tskrb5)', bench(() => parseDer(apReq))],
  ['fromBER (asn1js, reference)', bench(() => asn1js.fromBER(apReq))],
];
const ref = rows[3][1];
console.log(`${apReq.length}-byte AP-REQ, best of 5, µs/op (ratio = asn1js fromBER time / ours)`);
for (const [name, us] of rows) console.log(`${name.padEnd(30)} ${us.toFixed(2).padStart(8)}  ${(ref / us).toFixed(1).padStart(6)}x`);

// The fuzz runs after the benchmark: feeding thousands of malformed shapes first would leave the
// decoders' call sites megamorphic and understate the steady-state speed.
let runs = 0,
  accepted = 0;
const deadline = performance.now() + seconds * 1000;
while (performance.now() < deadline) {
  for (let n = 0; n < 500; n++, runs++) {
    const input = mutate(seeds[randInt(seeds.length)]);
    for (const d of decoders) {
      try {
        d.decode(input);
        accepted++;
      } catch (e) {
        if (!(e instanceof DecodeError) || Object.getPrototypeOf(e) !== DecodeError.prototype) {
          console.error(`FAIL seed=${initialSeed} decoder=${d.name} input=${Buffer.from(input).toString('hex')}`);
          throw e;
        }
      }
    }
  }
}
console.log(`\nfuzz: ${runs} inputs x ${decoders.length} decoders in ${seconds}s, ${accepted} accepted, only DecodeError thrown (seed ${initialSeed})`);
