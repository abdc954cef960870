/**
 * Hash values: creation, field updates and the listpack -> hashtable conversion.
 *
 * The JS Map keeps insertion order, which is exactly a listpack's order (a new
 * field is appended, updating a field keeps its place, deleting removes it). Once
 * converted to 'hashtable' Redis's order is unspecified and redsim keeps the Map's.
 * Conversion only ever goes listpack -> hashtable, as in Redis.
 */
import type { HashValue } from '../keyspace/values.js';
import type { RandomSource } from '../random.js';
import { noteDeleted } from './set.js';
import { IndexedMap, randomKeyOf } from './indexed.js';

export interface HashLimits {
  /** hash-max-listpack-entries */
  maxEntries: number;
  /** hash-max-listpack-value */
  maxValue: number;
}

/** The current thresholds from the server config. */
export function hashLimits(config: { getNumber(name: string): number }): HashLimits {
  return {
    maxEntries: config.getNumber('hash-max-listpack-entries'),
    maxValue: config.getNumber('hash-max-listpack-value'),
  };
}

/** A new, empty listpack-encoded hash (Redis's createHashObject). */
export function newHash(): HashValue {
  return { type: 'hash', v: new IndexedMap(), enc: 'listpack', lru: 0 };
}

/**
 * Redis checks every argument string of HSET/HSETNX before writing anything:
 * one longer than hash-max-listpack-value converts the whole hash up front.
 */
export function hashTryConversion(h: HashValue, strings: readonly string[], lim: HashLimits): void {
  if (h.enc !== 'listpack') return;
  for (const s of strings) {
    if (s.length > lim.maxValue) { h.enc = 'hashtable'; return; }
  }
}

/**
 * Set one field (Redis's hashTypeSet). Returns true when an existing field was
 * updated, false when a new one was added. A long field/value or one entry too
 * many converts the hash to 'hashtable'.
 */
export function hashSet(h: HashValue, field: string, value: string, lim: HashLimits): boolean {
  if (h.enc === 'listpack' && (field.length > lim.maxValue || value.length > lim.maxValue)) h.enc = 'hashtable';
  const update = h.v.has(field);
  h.v.set(field, value);
  if (h.enc === 'listpack' && h.v.size > lim.maxEntries) h.enc = 'hashtable';
  return update;
}

/**
 * Delete one field; true when it was there. May rebuild h.v in place (same order,
 * see noteDeleted in ./set.ts): never call it while iterating h.v.
 */
export function hashDelete(h: HashValue, field: string): boolean {
  if (!h.v.delete(field)) return false;
  noteDeleted(h.v, field);
  return true;
}

/** Pick one field uniformly at random (the hash must not be empty). */
export function hashRandomField(h: HashValue, rnd: RandomSource): [string, string] {
  const f = randomKeyOf(h.v, rnd);
  return [f, h.v.get(f)!];
}

/** A copy with the same encoding and order (COPY and friends). */
export function hashDup(h: HashValue): HashValue {
  return { type: 'hash', v: new IndexedMap(h.v), enc: h.enc, lru: 0 };
}
