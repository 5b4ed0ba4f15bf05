/**
 * `tskrb5 klist` (the whole klist, as a declined quick path runs it) against MIT klist on MIT-
 * and Heimdal-written caches with a byte changed: the same status, stdout and stderr, for every
 * flag set. MIT reads a cache field by field (a count is not checked ahead, a length beyond the
 * file is a bad format, running out of bytes ends the listing, tkt-vno must be 5, a 5-byte kvno
 * overflows, a config name prints up to a NUL): these mutations hit each of those rules.
 *
 * One difference is known and excluded: names are UTF-8 strings in our cache layer, so a name
 * that is not UTF-8 stops our listing (or hides a Ticket server line) where MIT prints its raw
 * bytes. Samples whose cache or tickets hold such a name are skipped, and counted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runKlist } from '../../src/cli/klist/klist.js';
import { ccacheRecords } from '../../src/formats/index.js';
import { Ticket } from '../../src/messages/index.js';
import { which } from '../interop/realm.mjs';

const CCACHES = new URL('../../fixtures/mit/ccache/', import.meta.url).pathname;
const IN_CI = process.env.CI === 'true';
const mitKlist = which('klist');
const work = mkdtempSync(join(tmpdir(), 'tskrb5-klist-mut-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ENV = { TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null', KRB5CCNAME: `FILE:${work}/none` };

/** Whether some name in the cache, or in one of its tickets, is not UTF-8 (the known difference). */
function hasNonUtf8Name(bytes: Uint8Array): boolean {
  try {
    for (const c of ccacheRecords(bytes).records) {
      try {
        Ticket.decode(c.ticket);
      } catch (e) {
        if (/UTF-8/.test(String(e))) return true;
      }
    }
  } catch (e) {
    return /UTF-8/.test(String(e));
  }
  return false;
}

describe.skipIf(!IN_CI && !mitKlist)('klist on mutated caches, against MIT klist', () => {
  it.each(['v4-tgt.ccache', 'v4-kvno.ccache', 'heimdal.ccache', 'v3-kvno.ccache', 'v2-kvno.ccache', 'v1-kvno.ccache'])('%s', async (f) => {
    const base = readFileSync(join(CCACHES, f));
    let compared = 0;
    let skipped = 0;
    const path = join(work, f);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 0, max: 0x7f }),
        fc.constantFrom([], ['-e'], ['-C'], ['-d'], ['-a', '-n'], ['-s'], ['-f', '-e', '-C']),
        async (at, value, flags) => {
          const b = new Uint8Array(base);
          b[at % b.length] = value;
          if (hasNonUtf8Name(b)) {
            skipped++;
            return;
          }
          compared++;
          writeFileSync(path, b);
          const out: string[] = [];
          const err: string[] = [];
          const status = await runKlist(
            ['-c', path, ...flags],
            (s) => out.push(s),
            (s) => err.push(s),
            { env: ENV },
          );
          const m = spawnSync(mitKlist!, ['-c', path, ...flags], { env: { ...process.env, ...ENV }, encoding: 'latin1' });
          expect(
            { status, out: Buffer.from(out.length ? out.join('\n') + '\n' : '', 'utf8').toString('latin1'), err: err.join('\n') },
            `byte ${at % b.length} = ${value}, klist ${flags.join(' ')}`,
          ).toEqual({
            status: m.status,
            out: m.stdout,
            err: m.stderr.trimEnd(),
          });
        },
      ),
      { numRuns: 250 },
    );
    expect(compared).toBeGreaterThan(200);
    expect(skipped).toBeLessThan(50);
  });
});
