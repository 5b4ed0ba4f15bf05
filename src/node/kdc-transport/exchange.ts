/**
 * What the UDP and TCP exchanges share: options, the timeout/abort plumbing, and the errors of
 * one attempt.
 * @module
 */
import { TransportError } from '../../errors.js';
import type { AbortSignalLike } from '../../client/transport.js';

/** Options of one exchange with one address. */
export interface ExchangeOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** The largest reply accepted (a TCP record mark above it is refused before any allocation). */
  maxReplyBytes: number;
  signal?: AbortSignalLike;
  /** Called when a stream connection is established, before the request is written (TCP only). */
  onConnect?: () => void;
}

/** A failed attempt, with a system-like `code` (`ETIMEDOUT`, `ERR_KDC_REPLY_TOO_LARGE`, …). */
export function attemptError(message: string, code: string, cause?: unknown): TransportError {
  return new TransportError(message, [], { code, cause });
}

/** The reason an aborted signal carries (an `AbortError` when it has none). */
export function abortReason(signal: AbortSignalLike): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/**
 * Runs `start` with a settle-once promise, a timer and the abort signal wired in; `cleanup`
 * runs exactly once whichever way it ends.
 */
export function withDeadline<T>(o: ExchangeOptions, start: (resolve: (v: T) => void, reject: (e: unknown) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (o.signal?.aborted) return reject(abortReason(o.signal));
    let done = false;
    let cleanup: () => void = () => {};
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      cleanup();
      f();
    };
    const onAbort = () => finish(() => reject(abortReason(o.signal!)));
    const timer = setTimeout(() => finish(() => reject(attemptError(`timeout after ${o.timeoutMs} ms`, 'ETIMEDOUT'))), o.timeoutMs);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      cleanup = start(
        (v) => finish(() => resolve(v)),
        (e) => finish(() => reject(e)),
      );
    } catch (e) {
      finish(() => reject(e));
    }
    if (done) cleanup();
  });
}
