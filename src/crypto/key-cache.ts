/**
 * Derived keys per (key, usage), so that the thousandth message under one session key costs no
 * key derivation and no key-schedule or HMAC set-up: MIT does the same inside `krb5_key`.
 *
 * Keyed by the identity of the key's bytes (a ring of recent keys, then a WeakMap, so entries go
 * when the key does): a key's bytes must not be changed in place once used. Entries remember the backend and enctype
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
  /** Operations (usage lookups) on this key so far; at PROMOTE_AFTER it joins the WeakMap. */
  uses: number;
  weak: boolean;
}

// Usages come from our own code, not from the wire, so few per key; the bound is a safety net.
const MAX_USAGES_PER_KEY = 64;
const cache = new WeakMap<Uint8Array, Entry>();

/*
 * Most keys are used for one to three operations and dropped: a context's session key opens one
 * authenticator and seals one AP-REP. In a WeakMap their entries would outlive them: V8's
 * young-generation GC keeps an ephemeron's value alive (promoting it to the old generation) even
 * when its key dies, so every session key's derived keys and schedules (~3 KB) were copied twice
 * and freed only by a full GC — a server's scavenges copied megabytes and took 10 ms each. So a
 * key's entry starts in a small ring of recent keys (strong references, overwritten in turn) and
 * joins the WeakMap only once the key has been used PROMOTE_AFTER times: a service key after a
 * few tickets, a context key after a few messages.
 */
const RECENT = 8;
const PROMOTE_AFTER = 4;
const recentKeys: (Uint8Array | undefined)[] = new Array(RECENT).fill(undefined);
const recentEntries: (Entry | undefined)[] = new Array(RECENT).fill(undefined);
let nextSlot = 0;

function entry(key: Uint8Array, etype: number, counted: boolean): Entry {
  const b = backend();
  let slot = -1;
  for (let i = 0; i < RECENT; i++) {
    if (recentKeys[i] === key) {
      slot = i;
      break;
    }
  }
  let e = slot >= 0 ? recentEntries[slot] : cache.get(key);
  if (!e || e.backend !== b || e.etype !== etype) {
    const weak = e?.weak === true;
    e = { backend: b, etype, usages: new Map(), uses: 0, weak };
    if (weak) cache.set(key, e);
    if (slot < 0 && !weak) {
      slot = nextSlot;
      nextSlot = (nextSlot + 1) % RECENT;
      recentKeys[slot] = key;
    }
    if (slot >= 0) recentEntries[slot] = e;
  }
  if (counted && !e.weak && ++e.uses >= PROMOTE_AFTER) {
    e.weak = true;
    cache.set(key, e);
  }
  return e;
}

/** The prepared AES schedule of the base key itself (for DK, PRF). */
export function baseAes(key: Uint8Array, etype: number): AesKey {
  const e = entry(key, etype, false);
  e.base ??= e.backend.aesKey(key);
  return e.base;
}

/** The (possibly still empty) prepared keys of one usage. */
export function usageKeys(key: Uint8Array, etype: number, usage: number): UsageKeys {
  const e = entry(key, etype, true);
  let u = e.usages.get(usage);
  if (!u) {
    if (e.usages.size >= MAX_USAGES_PER_KEY) e.usages.delete(e.usages.keys().next().value as number);
    u = {};
    e.usages.set(usage, u);
  }
  return u;
}
