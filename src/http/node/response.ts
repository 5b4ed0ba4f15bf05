/**
 * A light `Response` for the Node fetch: status, headers, and the body already read into memory,
 * with the `Response` methods callers use (`text`, `json`, `arrayBuffer`, `bytes`, `body`,
 * `clone`). Building the platform's `Response` costs tens of microseconds (its streams and header
 * validation), so the Negotiate exchange (the 401, the retry, the redirects) goes on with these,
 * and only the response handed to the caller becomes a web `Response` ({@link toWebResponse}).
 * @module
 */
import { ProtocolError } from '../../errors.js';
import type { ResponseLike } from '../negotiate-fetch.js';

/** Response headers: case-insensitive, repeated fields joined with `, ` as `Headers.get` does. */
export class LightHeaders {
  readonly #map = new Map<string, string[]>();
  readonly #raw: readonly string[];
  constructor(raw: readonly string[]) {
    this.#raw = raw;
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
  /** The platform's `Headers` with these fields, in the order received (a field it refuses is left out). */
  toHeaders(): Headers {
    const h = new Headers();
    const raw = this.#raw;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      try {
        h.append(raw[i]!, raw[i + 1]!);
      } catch {
        // Not a valid field for Headers (node:http's parser is laxer): left out.
      }
    }
    return h;
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
  /** The same response as the platform's `Response` (body, status, headers; `url` and `redirected` as fetch sets them). */
  toResponse(): Response {
    return webResponse(this.#bytes, this.status, this.statusText, this.headers.toHeaders(), this.url, this.redirected);
  }
}

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const utf8 = new TextDecoder();

interface ResponseInit3 {
  status: number;
  statusText: string;
  headers: Headers;
}
/** Response as a base class: @types/node declares its methods as properties, which a subclass cannot override. */
type ResponseBase = new (
  body: Uint8Array | null,
  init: ResponseInit3,
) => {
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed: boolean;
  readonly headers: Headers;
  get url(): string;
  get redirected(): boolean;
  get type(): string;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  clone(): unknown;
};

/**
 * A web `Response` for a body already in memory: the platform's own (its body stream, headers,
 * `blob()`, `formData()` and `body` untouched), with `url`, `redirected` and `type` as fetch sets
 * them, and `text()`, `json()`, `arrayBuffer()`, `bytes()` answered from the bytes it was built
 * from — the body stream is cancelled instead of read (so `bodyUsed` turns true and a second read
 * fails, as on any Response): reading a body through the stream costs more than building it.
 */
function makeNodeResponse(Base: ResponseBase) {
  return class NodeResponse extends Base {
    readonly #bytes: Uint8Array | null;
    readonly #url: string;
    readonly #redirected: boolean;
    readonly #init: ResponseInit3;
    constructor(bytes: Uint8Array | null, init: ResponseInit3, url: string, redirected: boolean) {
      super(bytes, init);
      this.#bytes = bytes;
      this.#init = init;
      this.#url = url;
      this.#redirected = redirected;
    }
    override get url(): string {
      return this.#url;
    }
    override get redirected(): boolean {
      return this.#redirected;
    }
    override get type(): string {
      return 'basic';
    }
    /** The bytes, once: the stream is cancelled, so the body counts as used, as after a read. */
    #take(): Uint8Array {
      const stream = this.body;
      if (stream === null) return new Uint8Array(0);
      if (this.bodyUsed || stream.locked) throw new TypeError('Body is unusable: Body has already been read');
      stream.cancel().catch(() => undefined);
      return this.#bytes!;
    }
    override async text(): Promise<string> {
      return utf8.decode(this.#take());
    }
    override async json(): Promise<unknown> {
      return JSON.parse(utf8.decode(this.#take()));
    }
    override async arrayBuffer(): Promise<ArrayBuffer> {
      const b = this.#take();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }
    override async bytes(): Promise<Uint8Array> {
      return new Uint8Array(await this.arrayBuffer());
    }
    override clone(): InstanceType<ResponseBase> {
      const stream = this.body;
      if (stream !== null && (this.bodyUsed || stream.locked)) throw new TypeError('Response.clone: Body has already been consumed.');
      return new NodeResponse(this.#bytes, { ...this.#init, headers: new Headers(this.headers) }, this.#url, this.#redirected);
    }
  };
}

/**
 * The class, made on first use: the global `Response` is Node's fetch implementation (undici),
 * which Node loads when it is first touched — tens of milliseconds a program that never makes a
 * request should not pay when it imports tskrb5.
 */
let nodeResponse: ReturnType<typeof makeNodeResponse> | undefined;
const NodeResponseClass = () => (nodeResponse ??= makeNodeResponse(Response as unknown as ResponseBase));

function webResponse(bytes: Uint8Array | null, status: number, statusText: string, headers: Headers, url: string | undefined, redirected: boolean | undefined): Response {
  if (status < 200 || status > 599) throw new ProtocolError(`HTTP status ${status} is outside 200-599, so it cannot be a Response`, { code: 'ERR_HTTP_STATUS' });
  const body = NULL_BODY.has(status) ? null : bytes;
  const u = url ?? '';
  const NodeResponse = NodeResponseClass();
  let r: InstanceType<typeof NodeResponse>;
  try {
    r = new NodeResponse(body, { status, statusText, headers }, u, redirected === true);
  } catch {
    r = new NodeResponse(body, { status, statusText: '', headers }, u, redirected === true); // a reason phrase the Response constructor refuses
  }
  return r as unknown as Response;
}

/**
 * The platform's `Response` for what a fetch returned: a `Response` as it is; a
 * {@link LightResponse} from the bytes it holds; any other {@link ResponseLike} from its bytes and
 * the headers its `forEach` lists.
 */
export async function toWebResponse(r: ResponseLike): Promise<Response> {
  if (r instanceof Response) return r;
  if (r instanceof LightResponse) return r.toResponse();
  const headers = new Headers();
  r.headers.forEach?.((v, k) => {
    try {
      headers.append(k, v);
    } catch {
      // left out, as above
    }
  });
  const body = r.body === null ? null : new Uint8Array(await r.arrayBuffer());
  return webResponse(body, r.status, r.statusText ?? '', headers, r.url, r.redirected);
}
