/**
 * A client for the MIT krb5 reference harness (test/mit/krb5harness.c): spawns the binary once and
 * speaks its line protocol. Calls may be issued concurrently; they are written in order and the
 * answers (one line each) are matched to them in order, so thousands of requests pipeline through
 * one process.
 *
 * Build the binary first with test/mit/setup.mjs (tests do it in `beforeAll`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The built harness binary (see setup.mjs). */
export const HARNESS_BINARY = join(here, 'build', 'krb5harness');
/** The build script. */
export const HARNESS_SETUP = join(here, 'setup.mjs');

/** The harness answered `ERR <code> <message>`. */
export class HarnessError extends Error {
  constructor(
    readonly request: string,
    readonly code: number,
    readonly detail: string,
  ) {
    super(`krb5harness: ${detail} (code ${code}) for: ${request.length > 200 ? request.slice(0, 200) + '…' : request}`);
    this.name = 'HarnessError';
  }
}

/** MIT's error code for a failed integrity check (KRB5KRB_AP_ERR_BAD_INTEGRITY). */
export const KRB5KRB_AP_ERR_BAD_INTEGRITY = -1765328353;

interface Pending {
  line: string;
  resolve: (v: string) => void;
  reject: (e: unknown) => void;
}

export class MitHarness {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private dead: Error | undefined;
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(binary: string = HARNESS_BINARY) {
    this.proc = spawn(binary, [], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, KRB5_CONFIG: '/dev/null', KRB5_TRACE: '' },
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    const rl = createInterface({ input: this.proc.stdout, crlfDelay: Infinity });
    rl.on('line', (line) => {
      const p = this.pending.shift();
      if (p) p.resolve(line);
    });
    this.proc.stdin.on('error', () => {
      /* reported through 'exit' */
    });
    this.exited = new Promise((resolve) => {
      const fail = (why: string) => {
        this.dead ??= new Error(`krb5harness ${why}${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
        for (const p of this.pending.splice(0)) p.reject(this.dead);
        resolve();
      };
      this.proc.on('error', (e) => fail(`could not start (${e.message})`));
      this.proc.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    });
  }

  /** Sends one request line; resolves with the raw answer line (which may be `ERR …`). */
  call(line: string): Promise<string> {
    if (line.includes('\n') || line.includes('\r')) return Promise.reject(new TypeError('request must be one line'));
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.proc.stdin.write(line + '\n');
    });
  }

  /** Like {@link call}, but an `ERR` answer rejects with a {@link HarnessError}. */
  async ok(line: string): Promise<string> {
    const ans = await this.call(line);
    if (ans.startsWith('ERR ')) {
      const m = /^ERR (-?\d+) (.*)$/.exec(ans);
      throw new HarnessError(line, m ? Number(m[1]) : 0, m ? m[2]! : ans);
    }
    return ans;
  }

  /** Ends the process (after answering everything already sent). */
  async close(): Promise<void> {
    if (!this.dead) {
      this.proc.stdin.end('quit\n');
    }
    await this.exited;
  }
}

/** Spawns the harness. */
export function openHarness(binary: string = HARNESS_BINARY): MitHarness {
  return new MitHarness(binary);
}

// ---- hex helpers for the protocol ----

/** Bytes to a protocol hex field ("-" for empty). */
export function hexField(b: Uint8Array): string {
  return b.length === 0 ? '-' : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** An answer line (hex, possibly empty) to bytes. */
export function fromHex(s: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(s)) throw new Error(`not hex: ${s.slice(0, 120)}`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
