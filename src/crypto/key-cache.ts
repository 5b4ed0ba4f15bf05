/**
 * Derived keys per (key, usage), so that the thousandth message under one session key costs no
 * key derivation and no key-schedule or HMAC set-up: MIT does the same inside `krb5_key`.
 *
 * Keyed by the identity of the key's bytes (a WeakMap, so entries go when the key does): a
 * key's bytes must not be changed in place once used. Entries remember the backend and enctype
 * they were made for, so switching backends or reusing bytes under another enctype is safe.
 * @module
 */

import { backend, type AesKey, type Backend, type MacKey } from './backend.js';

/** Prepared keys for one usage; each filled on first need. */
export interface UsageKeys {
  ke?: AesKey;
  ki?: MacKey;
  kc?: MacKey;
}

interface Entry {
  readonly backend: Backend;
  readonly etype: number;
  base?: AesKey;
  readonly usages: Map<number, UsageKeys>;
}

// Usages come from our own code, not from the wire, so few per key; the bound is a safety net.
const MAX_USAGES_PER_KEY = 64;
const cache = new WeakMap<Uint8Array, Entry>();

function entry(key: Uint8Array, etype: number): Entry {
  const b = backend();
  let e = cache.get(key);
  if (!e || e.backend !== b || e.etype !== etype) {
    e = { backend: b, etype, usages: new Map() };
    cache.set(key, e);
  }
  return e;
}

/** The prepared AES schedule of the base key itself (for DK, PRF). */
export function baseAes(key: Uint8Array, etype: number): AesKey {
  const e = entry(key, etype);
  e.base ??= e.backend.aesKey(key);
  return e.base;
}

/** The (possibly still empty) prepared keys of one usage. */
export function usageKeys(key: Uint8Array, etype: number, usage: number): UsageKeys {
  const e = entry(key, etype);
  let u = e.usages.get(usage);
  if (!u) {
    if (e.usages.size >= MAX_USAGES_PER_KEY) e.usages.delete(e.usages.keys().next().value as number);
    u = {};
    e.usages.set(usage, u);
  }
  return u;
}
