import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWrite } from '../../src/node/atomic-write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskrb5-aw-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

describe('atomicWrite', () => {
  it('replaces the file, mode 0600, no temp left', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, 'old', { mode: 0o644 });
    await atomicWrite(p, new TextEncoder().encode('new'));
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['f']);
  });
  it('creates a missing file', async () => {
    const p = join(dir, 'g');
    await atomicWrite(p, Uint8Array.of(1, 2, 3));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
  });
  it('a write failing half-way leaves the old content and no temp file', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, 'old content');
    await expect(
      atomicWrite(p, new TextEncoder().encode('new content'), {
        writeImpl: async (h, data) => {
          await h.write(data.subarray(0, 3));
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      }),
    ).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(p, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['f']);
  });
  it('a failing rename (target is a directory) removes the temp file', async () => {
    const p = join(dir, 'sub');
    await import('node:fs').then((fs) => fs.mkdirSync(join(p, 'x'), { recursive: true }));
    await expect(atomicWrite(p, Uint8Array.of(1))).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['sub']);
  });
});
