// `npm run fuzz`: a time-boxed fuzz over every decoder and every cipher, on the built dist/.
//
//   node bench/fuzz.mjs [--seconds N] [--seed S]     (default 20 s in all, split between parts)
//
// Crypto: random and mutated ciphertexts under random keys and usages must give back the
// plaintext or throw IntegrityError, nothing else; random s2kparams give a key or an
// UnsupportedError. DER: bench/asn1-fuzz.mjs (mutations of MIT's reference encodings), whose
// decoders must return or throw DecodeError.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const C = await import(new URL('crypto/index.js', dist).href);
const { IntegrityError, UnsupportedError } = await import(new URL('errors.js', dist).href);

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const seconds = arg('seconds', 20);
let seed = arg('seed', Date.now() % 2 ** 31) >>> 0 || 1;
const initialSeed = seed;
const rand = () => {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed / 2 ** 32;
};
const randInt = (n) => Math.floor(rand() * n);
const randBytes = (n) => Uint8Array.from({ length: n }, () => randInt(256));
const weak = { allowWeakCrypto: true };
const ETYPES = [17, 18, 19, 20, 23];

let runs = 0;
let failures = 0;
function fail(what, e) {
  failures++;
  if (failures <= 10) console.error(`fuzz: ${what}: unexpected ${e?.constructor?.name}: ${e?.message ?? e}`);
}

const deadline = performance.now() + (seconds * 1000) / 2;
for (const b of ['node', 'pure']) C.setCryptoBackend(b);
C.setCryptoBackend('auto');
while (performance.now() < deadline) {
  C.setCryptoBackend(rand() < 0.5 ? 'node' : 'pure');
  const etype = ETYPES[randInt(ETYPES.length)];
  const key = C.randomKey(etype, weak);
  const usage = randInt(2 ** 32);
  // 1. garbage ciphertext
  const garbage = randBytes(randInt(300));
  try {
    C.decrypt(key, usage, garbage, weak);
  } catch (e) {
    if (!(e instanceof IntegrityError)) fail(`decrypt garbage etype ${etype}`, e);
  }
  // 2. a real ciphertext, mutated
  const pt = randBytes(randInt(200));
  const ct = C.encrypt(key, usage, pt, weak);
  const m = ct.slice();
  const kind = randInt(3);
  if (kind === 0) m[randInt(m.length)] ^= 1 << randInt(8);
  const mutated = kind === 1 ? m.subarray(0, randInt(m.length)) : kind === 2 ? Uint8Array.from([...m, randInt(256)]) : m;
  try {
    C.decrypt(key, usage, mutated, weak);
    fail(`mutated ciphertext accepted, etype ${etype}`, new Error('accepted'));
  } catch (e) {
    if (!(e instanceof IntegrityError)) fail(`decrypt mutated etype ${etype}`, e);
  }
  // 3. checksums on garbage: a boolean, never an exception
  try {
    if (C.verifyChecksum(key, usage, pt, randBytes(randInt(30)), undefined, weak)) fail('random checksum verified', new Error('true'));
  } catch (e) {
    fail('verifyChecksum', e);
  }
  // 4. s2kparams as a KDC might send them (bounded so a valid count stays fast)
  const params = randBytes(randInt(7));
  if (params.length === 4) params[0] = params[1] = rand() < 0.5 ? 0 : params[1];
  if (params.length !== 4 || params[0] || params[1] || ((params[2] << 8) | params[3]) <= 2048) {
    try {
      C.stringToKey(etype, 'p', 's', params, weak);
    } catch (e) {
      if (!(e instanceof UnsupportedError)) fail(`stringToKey params ${Buffer.from(params).toString('hex')}`, e);
    }
  }
  runs++;
}
C.setCryptoBackend('auto');
console.log(`fuzz crypto: ${runs} rounds in ${(seconds / 2).toFixed(0)}s, ${failures} unexpected (seed ${initialSeed})`);

const asn1 = spawnSync(process.execPath, [fileURLToPath(new URL('asn1-fuzz.mjs', import.meta.url)), '--seconds', String(Math.max(1, Math.round(seconds / 2))), '--seed', String(initialSeed)], {
  encoding: 'utf8',
});
process.stdout.write(asn1.stdout);
process.stderr.write(asn1.stderr);
process.exit(failures > 0 || asn1.status !== 0 ? 1 : 0);
