/**
 * Replay caches for authenticators (RFC 4120 §3.2.3: "the server MUST utilize a replay cache to
 * remember any authenticator presented within the allowable clock skew").
 *
 * An authenticator is kept as MIT's rcache2 keeps it (krb5 1.18+, `k5_rc_tag_from_ciphertext`):
 * a 12-byte tag taken from the end of the authenticator's ciphertext — for every AES enctype the
 * last 12 bytes of its HMAC, which covers the whole plaintext (RFC 3962) or the whole ciphertext
 * (RFC 8009); for RC4, encrypted bytes that the random confounder makes unpredictable — and its
 * time. Nothing is hashed: the HMAC was computed when the authenticator was opened. A replay has
 * the same ciphertext, so the same tag; a variant of a captured authenticator that still
 * decrypts and verifies has the same plaintext, so the same HMAC; a tag that collides with
 * another client's needs a forgery of an HMAC under a session key the attacker does not have.
 * No names are needed: the ciphertext is under the ticket's session key.
 *
 * A cache never forgets a live authenticator: at its bound it refuses new ones
 * (`ReplayCacheError`, `ERR_REPLAY_CACHE_FULL`) instead of evicting. The stores:
 * {@link ReplayCache} (in memory, this process), `FileReplayCache` (`tskrb5/node`: shared by
 * every process of the host, MIT's `KRB5RCACHEDIR`) and `RedisReplayCache` (`tskrb5/http`:
 * shared by a farm, asynchronous).
 * @module
 */
import { randomBytes } from '../crypto/index.js';
import { ReplayCacheError } from '../errors.js';
import { TagSet, tagWords } from '../util/tag-set.js';

/** One authenticator, as a replay cache keeps it. */
export interface ReplayEntry {
  /** 12 bytes: the last 12 of the authenticator's ciphertext, its HMAC for AES ({@link replayTag}). */
  readonly tag: Uint8Array;
  /** The authenticator's time (ctime + cusec), ms since the epoch: a replay has the same. */
  readonly time: number;
  /** Until when it must be remembered, ms: its time plus the acceptor's clock skew. */
  readonly expires: number;
  /** The ticket's service (`HTTP/www.example.com@EXAMPLE.COM`): file stores keep one set of files per service. */
  readonly server: string;
}

/**
 * A synchronous replay store: what the acceptor (`checkApReq`) asks. {@link ReplayCache} and
 * `FileReplayCache` are ones.
 */
export interface ReplayStore {
  /**
   * Records the authenticator: true when it is new, false when it was seen before (a replay).
   * Throws a `ReplayCacheError` when it can say neither (full, I/O): the acceptor then refuses.
   */
  check(entry: ReplayEntry, now: number): boolean;
}

/**
 * An asynchronous replay store (`RedisReplayCache`): the servers of `tskrb5/http` check the
 * token synchronously, then await this before they answer.
 */
export interface AsyncReplayStore {
  /** As {@link ReplayStore.check}, resolved; a rejection is a refusal too. */
  checkAsync(entry: ReplayEntry, now: number): Promise<boolean>;
}

/** What a replay cache has done, for metrics. */
export interface ReplayCacheStats {
  /** Live authenticators held (in memory; for a file store, those it has read). */
  entries: number;
  /** The bound: at it, new authenticators are refused. */
  maxEntries: number;
  /** New authenticators recorded. */
  accepted: number;
  /** Replays refused. */
  replays: number;
  /** New authenticators refused because the cache was full (`ERR_REPLAY_CACHE_FULL`). */
  refusedFull: number;
  /** Bytes of its tables. */
  bytes: number;
}

/** The replay tag of an authenticator's ciphertext: a copy of its last 12 bytes (the HMAC's, for AES; as MIT's rcache2). */
export function replayTag(authenticatorCipher: Uint8Array): Uint8Array {
  if (authenticatorCipher.length < 12) throw new RangeError('an authenticator ciphertext is at least 12 bytes');
  return authenticatorCipher.slice(authenticatorCipher.length - 12);
}

/** Three random words, the seed of a {@link TagSet}. */
export function tagSeed(): [number, number, number] {
  return tagWords(randomBytes(12));
}

/**
 * The default bound: 1,000,000 live authenticators — about 3,300 handshakes a second sustained
 * over a 5-minute skew — in 32–64 MB of typed arrays (16 bytes a slot, tables kept at most half
 * full, doubling as they grow).
 */
export const DEFAULT_MAX_ENTRIES = 1_000_000;

/** Width of a time bucket, ms: entries are dropped a bucket at a time. */
const BUCKET_MS = 10_000;

interface Bucket {
  set: TagSet;
  /** The latest expiry of its entries: the whole bucket goes then. */
  expires: number;
}

/** Options of {@link ReplayCache}. */
export interface ReplayCacheOptions {
  /** Live authenticators held at most; beyond, new ones are refused (default {@link DEFAULT_MAX_ENTRIES}). */
  maxEntries?: number;
}

/** The full cache's refusal, said once for every store. */
export function cacheFullError(max: number, where: string): ReplayCacheError {
  return new ReplayCacheError(
    `the replay cache ${where}is full (${max} live authenticators, its bound): new authenticators are refused until some expire, rather than a live one forgotten (raise maxEntries, or share the load over the file or Redis store)`,
    { code: 'ERR_REPLAY_CACHE_FULL' },
  );
}

/**
 * An in-memory replay cache: every authenticator seen in this process until it expires (its
 * time plus the clock skew). O(1) per check: the tags live in per-10-second buckets keyed by the
 * authenticator's time (a replay has the same time, so it is looked for in one bucket), and a
 * bucket is dropped whole once all its entries have expired — at most one pass over the
 * buckets (a few dozen) a second, never a scan of the entries. At `maxEntries` it refuses new
 * authenticators with `ERR_REPLAY_CACHE_FULL`, counted in {@link stats}.
 * @example
 * ```ts
 * const rc = new ReplayCache({ maxEntries: 200_000 })
 * const acceptor = new Krb5Acceptor({ keys, replayCache: rc })
 * rc.stats() // { entries, maxEntries, accepted, replays, refusedFull, bytes }
 * ```
 */
export class ReplayCache implements ReplayStore {
  readonly maxEntries: number;
  readonly #buckets = new Map<number, Bucket>();
  #seed: [number, number, number] | undefined;
  #size = 0;
  #sweepAt = Number.NEGATIVE_INFINITY;
  #accepted = 0;
  #replays = 0;
  #full = 0;

  /** `maxEntries` (a number, as before, or in the options). */
  constructor(options: ReplayCacheOptions | number = {}) {
    const max = typeof options === 'number' ? options : (options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxEntries must be a positive integer, got ${max}`);
    this.maxEntries = max;
  }

  /** Records the authenticator; false for a replay; `ERR_REPLAY_CACHE_FULL` at the bound. */
  check(entry: ReplayEntry, now: number): boolean {
    if (now >= this.#sweepAt) this.#sweep(now);
    const [a, b, c] = tagWords(entry.tag);
    const key = Math.floor(entry.time / BUCKET_MS);
    let bucket = this.#buckets.get(key);
    if (bucket?.set.has(a, b, c)) {
      this.#replays++;
      return false;
    }
    if (this.#size >= this.maxEntries) {
      this.#sweep(now);
      if (this.#size >= this.maxEntries) {
        this.#full++;
        throw cacheFullError(this.maxEntries, '');
      }
    }
    if (!bucket) {
      this.#seed ??= tagSeed();
      bucket = { set: new TagSet(this.#seed), expires: entry.expires };
      this.#buckets.set(key, bucket);
    } else if (entry.expires > bucket.expires) bucket.expires = entry.expires;
    bucket.set.add(a, b, c);
    this.#size++;
    this.#accepted++;
    return true;
  }

  #sweep(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.expires <= now) {
        this.#size -= b.set.size;
        this.#buckets.delete(k);
      }
    }
    this.#sweepAt = now + 1000;
  }

  /** Live authenticators held. */
  get size(): number {
    return this.#size;
  }

  /** Counts since it was made. */
  stats(): ReplayCacheStats {
    let bytes = 0;
    for (const b of this.#buckets.values()) bytes += b.set.bytes;
    return { entries: this.#size, maxEntries: this.maxEntries, accepted: this.#accepted, replays: this.#replays, refusedFull: this.#full, bytes };
  }
}

/** Whether a store is asynchronous only (it has `checkAsync` and no `check`). */
export function isAsyncReplayStore(s: unknown): s is AsyncReplayStore {
  return typeof s === 'object' && s !== null && typeof (s as { checkAsync?: unknown }).checkAsync === 'function' && typeof (s as { check?: unknown }).check !== 'function';
}
