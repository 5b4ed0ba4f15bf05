/**
 * A bounded, in-memory replay cache for authenticators (RFC 4120 §3.2.3: "the server MUST utilize
 * a replay cache to remember any authenticator presented within the allowable clock skew"), as
 * MIT's in-memory rcache. `tskrb5/gssapi` exports it as `ReplayCache`.
 * @module
 */

/** What {@link checkApReq} asks of a replay cache: record an authenticator, say whether it is new. */
export interface ReplayCheck {
  /** Records `id` (expiring at `expires`, ms); false when it was already there and not expired. */
  check(id: string, now: number, expires: number): boolean;
}

/**
 * A bounded, in-memory replay cache: authenticators seen within the clock skew.
 * @example
 * ```ts
 * const rc = new ReplayCache(10_000)
 * rc.check(id, Date.now(), ctime + skewMs) // true the first time, false for a replay
 * ```
 */
export class ReplayCache implements ReplayCheck {
  readonly #seen = new Map<string, number>();
  constructor(readonly maxEntries = 10_000) {}
  /** Records `id` (expiring at `expires`, ms); false when it was already there and not expired. */
  check(id: string, now: number, expires: number): boolean {
    const at = this.#seen.get(id);
    if (at !== undefined && at > now) return false;
    if (this.#seen.size >= this.maxEntries) {
      for (const [k, t] of this.#seen) {
        if (t <= now) this.#seen.delete(k);
      }
      // still full of live entries: the oldest go (a replay of those is then not caught)
      while (this.#seen.size >= this.maxEntries) this.#seen.delete(this.#seen.keys().next().value as string);
    }
    this.#seen.set(id, expires);
    return true;
  }
  get size(): number {
    return this.#seen.size;
  }
}
