/**
 * The keyspace as plain JS, for assertions in tests: strings as text, hashes as
 * objects, lists and sets as arrays, sorted sets as [member, score] pairs in
 * order, with the remaining TTL in ms. Reads do not count as accesses (no LRU
 * touch, no keyspace hits) and never expire keys.
 */
import type { RedSim } from '../server.js';
import { toText, fromText } from '../util/bytes.js';

export interface KeyInfo {
  type: string;
  value: unknown;
  /** Milliseconds left, or null for a key without an expire. */
  ttl: number | null;
}

function live(sim: RedSim, dbIndex: number): { db: RedSim['dbs'][number]; now: number } {
  const db = sim.dbs[dbIndex];
  if (!db) throw new RangeError(`no database ${dbIndex} (databases: ${sim.dbs.length})`);
  return { db, now: sim.now() };
}

/** The keys of a database that are not past their expire time, in keyspace order. */
export function keysOf(sim: RedSim, dbIndex = 0): string[] {
  const { db, now } = live(sim, dbIndex);
  const out: string[] = [];
  for (const k of db.data.keys()) {
    const at = db.expires.get(k);
    if (at === undefined || at >= now) out.push(toText(k));
  }
  return out;
}

function plain(v: { type: string; v: unknown }): unknown {
  const it = v.v as Iterable<unknown>;
  switch (v.type) {
    case 'string': return toText(v.v as string);
    case 'hash': {
      const o: Record<string, string> = {};
      for (const [f, x] of it as Iterable<[string, string]>) o[toText(f)] = toText(x);
      return o;
    }
    case 'list': case 'set': return [...(it as Iterable<string>)].map(toText);
    case 'zset': {
      const z = v.v as { entries(): Iterable<[string, number]> };
      return [...z.entries()].map(([m, s]) => [toText(m), s]);
    }
    default: {
      // Types added later (streams...) expose their own plain form when they have one.
      const p = (v.v as { toPlain?: () => unknown } | null)?.toPlain;
      return typeof p === 'function' ? p.call(v.v) : undefined;
    }
  }
}

/** One key as KeyInfo, or null when it does not exist (or has expired). */
export function inspectKey(sim: RedSim, key: string, dbIndex = 0): KeyInfo | null {
  const { db, now } = live(sim, dbIndex);
  const k = fromText(key);
  const v = db.data.get(k);
  if (!v) return null;
  const at = db.expires.get(k);
  if (at !== undefined && at < now) return null;
  return { type: v.type, value: plain(v as { type: string; v: unknown }), ttl: at === undefined ? null : at - now };
}

/** Every live key of a database as { key: KeyInfo }. */
export function dumpKeyspace(sim: RedSim, dbIndex = 0): Record<string, KeyInfo> {
  const out: Record<string, KeyInfo> = {};
  for (const k of keysOf(sim, dbIndex)) out[k] = inspectKey(sim, k, dbIndex)!;
  return out;
}
