/**
 * A replay cache on Redis or Valkey, for a farm: every acceptor that uses one server refuses the
 * others' replays. One command per authenticator, atomic on the server: `SET key 1 PX ttl NX`
 * (set only if absent, expiring with the authenticator) — `OK` is a new authenticator, nil a
 * replay. The key is the prefix and the authenticator's 12-byte tag in hex; the time to live is
 * what is left of its lifetime (its time plus the skew) plus `clockDriftSec`, for hosts whose
 * clocks differ a little.
 *
 * Through the client the application already has, duck-typed (no dependency of tskrb5):
 * node-redis v4+ (`createClient()` from `redis`: its `sendCommand([...])`) or ioredis v5+
 * (`new Redis()`, `new Cluster()`: its `call(...)`). Asynchronous: the servers of `tskrb5/http`
 * (`createNegotiateAuthenticator`, `negotiateHandler`, `negotiateMiddleware`) check the token,
 * then await this before answering. Anything but `OK` or nil — an error, no answer within
 * `timeoutMs` — is a refusal (`ERR_REPLAY_CACHE_IO`): a farm whose Redis is down refuses rather
 * than accepts unchecked.
 * @module
 */
import { ReplayCacheError } from '../errors.js';
import type { AsyncReplayStore, ReplayEntry } from '../ap/index.js';

declare function setTimeout(f: () => void, ms: number): unknown;
declare function clearTimeout(t: unknown): void;

/** A node-redis (v4+) client, as far as this store uses it. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}
/** An ioredis (v5+) client or cluster, as far as this store uses it. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** Options of {@link RedisReplayCache}. */
export interface RedisReplayCacheOptions {
  /** Key prefix (default `tskrb5:rc:`). */
  prefix?: string;
  /** How long to wait for Redis, ms (default 2000); then the request is refused. */
  timeoutMs?: number;
  /** Seconds added to each key's lifetime, for clocks of the farm's hosts that differ (default 60). */
  clockDriftSec?: number;
}

/** What a {@link RedisReplayCache} has done. */
export interface RedisReplayCacheStats {
  accepted: number;
  replays: number;
  /** Checks that failed (Redis error, timeout, unexpected reply): refusals. */
  errors: number;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * A replay cache on Redis/Valkey (see the module).
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const redis = await createClient({ url: 'redis://cache:6379' }).connect()
 * app.use(negotiateMiddleware({ keytab, replayCache: new RedisReplayCache(redis) }))
 * ```
 */
export class RedisReplayCache implements AsyncReplayStore {
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly clockDriftSec: number;
  readonly #send: (args: string[]) => Promise<unknown>;
  #accepted = 0;
  #replays = 0;
  #errors = 0;

  constructor(client: NodeRedisLike | IoRedisLike, o: RedisReplayCacheOptions = {}) {
    const c = client as Partial<NodeRedisLike & IoRedisLike> | null;
    // ioredis first: it has a sendCommand too, of another shape
    if (c && typeof c.call === 'function') this.#send = (args) => (c as IoRedisLike).call(args[0]!, ...args.slice(1));
    else if (c && typeof c.sendCommand === 'function') this.#send = (args) => (c as NodeRedisLike).sendCommand(args);
    else throw new TypeError('RedisReplayCache needs a node-redis client (createClient(), v4+) or an ioredis client (v5+)');
    this.prefix = o.prefix ?? 'tskrb5:rc:';
    this.timeoutMs = o.timeoutMs ?? 2000;
    this.clockDriftSec = o.clockDriftSec ?? 60;
  }

  /** `SET NX` of the authenticator's tag: true when new, false for a replay; a `ReplayCacheError` otherwise. */
  async checkAsync(entry: ReplayEntry, now: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(entry.expires - now + this.clockDriftSec * 1000));
    let reply: unknown;
    try {
      reply = await this.#withTimeout(this.#send(['SET', this.prefix + hex(entry.tag), '1', 'PX', String(ttl), 'NX']));
    } catch (e) {
      this.#errors++;
      if (e instanceof ReplayCacheError) throw e;
      throw new ReplayCacheError(`the Redis replay cache failed: ${e instanceof Error ? e.message : String(e)}`, { code: 'ERR_REPLAY_CACHE_IO', cause: e });
    }
    const text = reply instanceof Uint8Array ? String.fromCharCode(...reply) : reply;
    if (text === 'OK') {
      this.#accepted++;
      return true;
    }
    if (reply === null || reply === undefined) {
      this.#replays++;
      return false;
    }
    this.#errors++;
    throw new ReplayCacheError(`the Redis replay cache answered SET … NX with ${JSON.stringify(text)}, not OK or nil`, { code: 'ERR_REPLAY_CACHE_IO' });
  }

  #withTimeout<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new ReplayCacheError(`the Redis replay cache did not answer within ${this.timeoutMs} ms`, { code: 'ERR_REPLAY_CACHE_IO' })),
        this.timeoutMs,
      );
      p.then(
        (v) => {
          clearTimeout(t);
          resolve(v);
        },
        (e) => {
          clearTimeout(t);
          reject(e);
        },
      );
    });
  }

  /** Counts since it was made. */
  stats(): RedisReplayCacheStats {
    return { accepted: this.#accepted, replays: this.#replays, errors: this.#errors };
  }
}
