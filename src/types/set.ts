/**
 * Set values: creation, adds/removes with Redis's intset -> hashtable conversion,
 * and random picking.
 *
 * Invariant: while a set is 'intset' encoded, its JS Set iterates in ascending
 * integer order, exactly like Redis's intset, so every reader (SMEMBERS, SORT,
 * scans, scripts) sees Redis's order without sorting. Members are kept as their
 * canonical decimal strings (only strict string2ll integers qualify for an
 * intset, and those print back unchanged). A 'hashtable' set's order is
 * unspecified in Redis; redsim keeps insertion order there.
 */
import type { SetValue } from '../keyspace/values.js';
import type { RandomSource } from '../random.js';
import { parseLongLong } from '../util/float.js';
import { IndexedSet, randomKeyOf } from './indexed.js';

export interface SetLimits {
  /** set-max-intset-entries, capped at 2^30 as Redis does. */
  maxIntset: number;
}

export function setLimits(config: { getNumber(name: string): number }): SetLimits {
  return { maxIntset: Math.min(config.getNumber('set-max-intset-entries'), 2 ** 30) };
}

/** Can this member live in an intset (Redis's isSdsRepresentableAsLongLong)? */
export function isIntsetMember(m: string): boolean {
  return parseLongLong(m) !== null;
}

/** An empty intset-encoded set (Redis's createIntsetObject), used for computed results. */
export function newIntset(): SetValue {
  return { type: 'set', v: new IndexedSet(), enc: 'intset', lru: 0 };
}

/** An empty set whose encoding suits its first member (Redis's setTypeCreate). */
export function newSetFor(first: string): SetValue {
  return { type: 'set', v: new IndexedSet(), enc: isIntsetMember(first) ? 'intset' : 'hashtable', lru: 0 };
}

/** Restore ascending order of an intset's members after out-of-order inserts. */
function resort(s: IndexedSet): void {
  const arr = [...s].map((m) => [BigInt(m), m] as const);
  arr.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  s.clear();
  for (const [, m] of arr) s.add(m);
}

/** The largest member of a (sorted) intset, or null when empty. */
function lastOf(s: Set<string>): bigint | null {
  let last: string | undefined;
  for (const m of s) last = m;
  return last === undefined ? null : BigInt(last);
}

/**
 * Add members one by one with Redis's setTypeAdd semantics (a non-integer member
 * or one member too many converts an intset to a hashtable). Returns how many were
 * new. Batching keeps intset ordering to one re-sort per call.
 */
export function setAddMany(sv: SetValue, members: Iterable<string>, lim: SetLimits): number {
  const s = sv.v;
  let added = 0;
  let last = sv.enc === 'intset' ? lastOf(s) : null;
  let unsorted = false;
  for (const m of members) {
    if (sv.enc === 'intset') {
      const n = parseLongLong(m);
      if (n === null) {
        if (unsorted) { resort(s); unsorted = false; }
        sv.enc = 'hashtable';
      } else {
        if (s.has(m)) continue;
        s.add(m);
        added++;
        if (last !== null && n < last) unsorted = true;
        else last = n;
        if (s.size > lim.maxIntset) {
          if (unsorted) { resort(s); unsorted = false; }
          sv.enc = 'hashtable';
        }
        continue;
      }
    }
    if (!s.has(m)) { s.add(m); added++; }
  }
  if (unsorted) resort(s);
  return added;
}

/** Add one member; true when it was new. */
export function setAdd(sv: SetValue, member: string, lim: SetLimits): boolean {
  return setAddMany(sv, [member], lim) === 1;
}

/**
 * Remove one member; true when it was there. Never changes the encoding. May
 * rebuild sv.v in place (see noteDeleted): never call it while iterating sv.v.
 */
export function setRemove(sv: SetValue, member: string): boolean {
  if (!sv.v.delete(member)) return false;
  noteDeleted(sv.v, member);
  if (sv.enc === 'intset') {
    const w = intWidth(BigInt(member));
    if (w > (sv.iw ?? 2)) sv.iw = w;
  }
  return true;
}

/** Bytes an intset needs for one integer. */
function intWidth(n: bigint): 2 | 4 | 8 {
  return n < -2147483648n || n > 2147483647n ? 8 : n < -32768n || n > 32767n ? 4 : 2;
}

/** The element width of an intset-encoded set's blob: it only ever grows, as in Redis. */
export function intsetWidth(sv: SetValue): 2 | 4 | 8 {
  let w: 2 | 4 | 8 = sv.iw ?? 2;
  for (const m of sv.v) { const x = intWidth(BigInt(m)); if (x > w) w = x; }
  return w;
}

/** A set built like Redis builds computed results: an intset, then every member added. */
export function setFromMembers(members: Iterable<string>, lim: SetLimits): SetValue {
  const sv = newIntset();
  setAddMany(sv, members, lim);
  return sv;
}

/** Pick one member uniformly at random (the set must not be empty). */
export function setRandomMember(sv: SetValue, rnd: RandomSource): string {
  return randomKeyOf(sv.v, rnd);
}

/** A copy with the same encoding and order (COPY and friends). */
export function setDup(sv: SetValue): SetValue {
  return { type: 'set', v: new IndexedSet(sv.v), enc: sv.enc, lru: 0, ...(sv.iw ? { iw: sv.iw } : {}) };
}

/**
 * V8 keeps a deleted Map/Set entry in its bucket chain until the table is rehashed,
 * so one key deleted and re-added over and over (HSET/HDEL or SADD/SREM of one
 * field) makes every lookup of it walk all its old entries: O(size) per command on
 * a big container. As Database does for the keyspace, count deletions per key and
 * rebuild the container in place (same object, same order) once one key churned.
 */
const CHURN = new WeakMap<object, Map<string, number>>();
/** Below this size a chain stays short; V8's own rehash bounds it. */
const CHURN_MIN_SIZE = 128;

/**
 * Note that `key` was just deleted from `c`; may rebuild `c` in place, so the
 * caller must not be iterating `c`. Keys, values and iteration order are kept.
 */
export function noteDeleted(c: Map<string, unknown> | Set<string>, key: string): void {
  if (c.size < CHURN_MIN_SIZE) return;
  let churn = CHURN.get(c);
  if (!churn) { churn = new Map(); CHURN.set(c, churn); }
  const n = (churn.get(key) ?? 0) + 1;
  // Rebuilding costs O(size); ~8*sqrt(size) deletions of one key balance it against
  // the chain walks. Many distinct keys deleted once each is not the pathology: reset.
  if (n >= 32 && n * n >= 64 * c.size) {
    CHURN.delete(c);
    rebuild(c);
  } else if (churn.size >= 1024 && n === 1) churn.clear();
  else churn.set(key, n);
}

function rebuild(c: Map<string, unknown> | Set<string>): void {
  // Indexed containers re-insert without disturbing their slot index (SCAN cursors).
  if ('rebuild' in c && typeof c.rebuild === 'function') { c.rebuild(); return; }
  if (c instanceof Map) {
    const entries = [...c];
    c.clear();
    for (const [k, v] of entries) c.set(k, v);
  } else {
    const keys = [...c];
    c.clear();
    for (const k of keys) c.add(k);
  }
}
