// One "worker process" of the file replay cache's race tests (test/node/replay-file.test.ts):
//   node replay-race-worker.mjs DIR COUNT START_AT_MS TIME_MS [DELAY_EVERY]
// Waits until START_AT_MS (wall clock, busy), then checks the tags of authenticators 0..COUNT-1
// (SHA-256 of "authenticator i", all at TIME_MS, so all in one file) with a FileReplayCache in
// DIR, in order, and writes the index of each one it accepted on its own line, synchronously, as
// soon as it is accepted (a kill -9 loses at most the line of the last one). Then `DONE <stats>`.
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';

const [dir, count, startAt, time] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)));
const { FileReplayCache } = await import(new URL('../../dist/bundle/node/index.js', import.meta.url).href);
const rc = new FileReplayCache({ dir });
const tags = Array.from({ length: count }, (_, i) => new Uint8Array(createHash('sha256').update(`authenticator ${i}`).digest().subarray(0, 12)));
writeSync(1, 'READY\n');
while (Date.now() < startAt) {
  // all workers start together
}
for (let i = 0; i < count; i++) {
  const now = Date.now();
  if (rc.check({ tag: tags[i], time, expires: time + 300_000, server: 'HTTP/race.test@TSKRB5.TEST' }, now)) writeSync(1, `${i}\n`);
}
writeSync(1, `DONE ${JSON.stringify(rc.stats())}\n`);
