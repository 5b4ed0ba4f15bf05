/**
 * A light `Response` for the Node fetch: status, headers, and the body already read into memory,
 * with the `Response` methods callers use (`text`, `json`, `arrayBuffer`, `bytes`, `body`,
 * `clone`). Building the platform's `Response` costs more than the request itself on a local
 * network (its streams and header validation), so the Negotiate hot path does without it.
 * @module
 */

/** Response headers: case-insensitive, repeated fields joined with `, ` as `Headers.get` does. */
export class LightHeaders {
  readonly #map = new Map<string, string[]>();
  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const k = raw[i]!.toLowerCase();
      const list = this.#map.get(k);
      if (list) list.push(raw[i + 1]!);
      else this.#map.set(k, [raw[i + 1]!]);
    }
  }
  get(name: string): string | null {
    const v = this.#map.get(name.toLowerCase());
    return v === undefined ? null : v.join(', ');
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  getSetCookie(): string[] {
    return [...(this.#map.get('set-cookie') ?? [])];
  }
  forEach(fn: (value: string, name: string, headers: LightHeaders) => void): void {
    for (const [k, v] of [...this.#map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) fn(k === 'set-cookie' ? v.join(', ') : v.join(', '), k, this);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const [k, v] of [...this.#map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) yield [k, v.join(', ')];
  }
  keys(): IterableIterator<string> {
    return [...this.entries()].map(([k]) => k)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return [...this.entries()].map(([, v]) => v)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

export class LightResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  #bytes: Uint8Array | null;
  #used = false;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: LightHeaders,
    body: Uint8Array | null,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.#bytes = body;
  }
  get bodyUsed(): boolean {
    return this.#used;
  }
  #take(): Uint8Array {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? new Uint8Array(0);
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#bytes === null) return null;
    const b = this.#bytes;
    return new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#used = true;
        if (b.length) c.enqueue(b);
        c.close();
      },
    });
  }
  async bytes(): Promise<Uint8Array> {
    return this.#take();
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(this.#take());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  clone(): LightResponse {
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed');
    return new LightResponse(this.status, this.statusText, this.headers, this.#bytes, this.url);
  }
}
