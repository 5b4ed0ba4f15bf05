/**
 * `tskrb5 klist -k` against MIT klist on keytabs written by MIT kadmin/ktutil and Heimdal's
 * ktutil with a byte changed: the same status, stdout and stderr, with and without -t -K -e.
 * (Names that are not UTF-8 are the one known difference, as for caches: excluded and counted.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runKlist } from '../../src/cli/klist/klist.js';
import { decodeKeytab } from '../../src/formats/index.js';
import { which } from '../interop/realm.mjs';

const KEYTABS = new URL('../../fixtures/mit/keytab/', import.meta.url).pathname;
const IN_CI = process.env.CI === 'true';
const mitKlist = which('klist');
const work = mkdtempSync(join(tmpdir(), 'tskrb5-kt-mut-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ENV = { TZ: 'UTC', LANG: 'C', KRB5_CONFIG: '/dev/null', KRB5CCNAME: `FILE:${work}/none` };

/** The keytab as MIT reads it (klist -k's reading); null for a version header MIT refuses. */
function lenient(bytes: Uint8Array) {
  try {
    return decodeKeytab(bytes, { lenient: true });
  } catch {
    return null;
  }
}

/** Whether a name MIT would list is not UTF-8 (our listing shows U+FFFD where MIT prints the bytes). */
function nonUtf8(bytes: Uint8Array): boolean {
  const scan = lenient(bytes);
  return !!scan && scan.entries.some((e) => [e.principal.realm, ...e.principal.components].some((c) => c.includes('\uFFFD')));
}

describe.skipIf(!IN_CI && !mitKlist)('klist -k on mutated keytabs, against MIT klist', () => {
  it.each(['kadmin-ktadd.keytab', 'several.keytab', 'rc4.keytab', 'heimdal-ktutil.keytab'])('%s', async (f) => {
    const base = readFileSync(join(KEYTABS, f));
    const path = join(work, f);
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 0xff }), fc.nat(), fc.constantFrom(['-k'], ['-k', '-t', '-K', '-e']), async (at, value, cut, flags) => {
        const b = new Uint8Array(base);
        b[at % b.length] = value;
        const bytes = cut % 5 === 0 ? b.subarray(0, cut % (b.length + 1)) : b;
        if (nonUtf8(bytes)) return;
        // a key cut short by the end of the file: MIT shows uninitialised memory after it
        if (flags.includes('-K') && lenient(bytes)?.partial) return;
        compared++;
        writeFileSync(path, bytes);
        const out: string[] = [];
        const err: string[] = [];
        const status = await runKlist(
          [...flags, path],
          (s) => out.push(s),
          (s) => err.push(s),
          { env: ENV },
        );
        const m = spawnSync(mitKlist!, [...flags, path], { env: { ...process.env, ...ENV }, encoding: 'latin1' });
        expect(
          { status, out: Buffer.from(out.length ? out.join('\n') + '\n' : '', 'utf8').toString('latin1'), err: err.join('\n') },
          `byte ${at % b.length} = ${value}, cut ${cut % 5 === 0 ? cut % (b.length + 1) : '-'}, klist ${flags.join(' ')}`,
        ).toEqual({
          status: m.status,
          out: m.stdout,
          err: m.stderr.trimEnd(),
        });
      }),
      { numRuns: 250 },
    );
    expect(compared).toBeGreaterThan(150);
  });
});
