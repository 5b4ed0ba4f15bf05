/**
 * Delegated credentials in one step: what a Node server adapter puts in `info.delegated` when the
 * client delegated. The forwarded TGT goes into a MEMORY cache of its own when first used, and a
 * Negotiate `fetch` acts as the client from it; the cache is destroyed when the request ends
 * (the response's `close`), unless the application calls `keep()` (and later `release()`).
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { DelegatedCredentials } from '../../gssapi/index.js';
import type { Principal } from '../../messages/index.js';
import { openCcache } from '../../node/ccache/index.js';
import { storeDelegatedCredentials, type DelegationPolicy } from '../../node/delegated.js';
import type { OpenCcacheOptions } from '../../node/ccache/index.js';
import { createNegotiateFetch, type NodeNegotiateFetch, type NodeNegotiateOptions } from './index.js';

/** The client's delegated credentials, ready to use (see {@link NegotiateRequestInfo}). */
export interface Delegation {
  /** The authenticated client, whose credentials these are. */
  readonly client: Principal;
  /** The KRB-CRED as it arrived, opened (what `storeDelegatedCredentials` takes). */
  readonly credentials: DelegatedCredentials;
  /**
   * A Negotiate fetch acting as the client (tickets from the delegated TGT, through the KDC the
   * environment's krb5.conf names), as `createNegotiateFetch` with these credentials.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** A Negotiate fetch of your own options acting as the client (closed with the delegation). */
  createFetch(options?: Omit<NodeNegotiateOptions, 'credentials' | 'ccache' | 'principal' | 'password'>): NodeNegotiateFetch;
  /** The name of the MEMORY cache holding the credentials (`MEMORY:tskrb5-delegated-…`), written on first use. */
  ccache(): Promise<string>;
  /** Writes the credentials to another cache too (FILE, DIR, KCM), as `storeDelegatedCredentials`. */
  store(ccache: string, options?: OpenCcacheOptions & DelegationPolicy): Promise<Principal>;
  /** Keeps the MEMORY cache after the request ends; `release()` it when done. */
  keep(): void;
  /** Destroys the MEMORY cache and closes the fetches made from it (also when the request ends, unless kept). */
  release(): Promise<void>;
  /** The request ended: releases the credentials unless `keep()` was called (the adapters call it). */
  ended(): Promise<void>;
}

class DelegationImpl implements Delegation {
  readonly client: Principal;
  readonly #name = `MEMORY:tskrb5-delegated-${randomBytes(12).toString('base64url')}`;
  #written: Promise<string> | undefined;
  #fetches: NodeNegotiateFetch[] = [];
  #fetch: NodeNegotiateFetch | undefined;
  #kept = false;
  #released = false;

  constructor(
    readonly credentials: DelegatedCredentials,
    readonly policy: DelegationPolicy,
  ) {
    const c = credentials.client;
    this.client = { nameType: c.nameType, realm: c.realm, components: [...c.components] };
  }

  ccache(): Promise<string> {
    if (this.#released) return Promise.reject(new TypeError('the delegated credentials were released'));
    this.#written ??= storeDelegatedCredentials(this.credentials, this.#name, this.policy).then(() => this.#name);
    return this.#written;
  }

  createFetch(options: Omit<NodeNegotiateOptions, 'credentials' | 'ccache' | 'principal' | 'password'> = {}): NodeNegotiateFetch {
    if (this.#released) throw new TypeError('the delegated credentials were released');
    const f = createNegotiateFetch({ ...options, ccache: this.#name });
    const ready = () => this.ccache();
    const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
      await ready();
      return f(input, init);
    }) as NodeNegotiateFetch;
    wrapped.close = () => f.close();
    this.#fetches.push(f);
    return wrapped;
  }

  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    try {
      this.#fetch ??= this.createFetch();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#fetch(input, init);
  }

  store(ccache: string, options: OpenCcacheOptions & DelegationPolicy = {}): Promise<Principal> {
    return storeDelegatedCredentials(this.credentials, ccache, { ...this.policy, ...options });
  }

  keep(): void {
    this.#kept = true;
  }

  /** The request ended: release unless kept. */
  ended(): Promise<void> {
    return this.#kept ? Promise.resolve() : this.release();
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    for (const f of this.#fetches.splice(0)) f.close();
    const written = this.#written;
    if (written)
      await written.then(
        async () => (await openCcache(this.#name)).destroy(),
        () => undefined,
      );
  }

  toJSON() {
    return { client: this.client, ccache: this.#name };
  }
}

/** The delegation of a request, or undefined when the client delegated nothing. */
export function delegationOf(credentials: DelegatedCredentials | undefined, policy: DelegationPolicy = {}): Delegation | undefined {
  return credentials ? new DelegationImpl(credentials, policy) : undefined;
}
