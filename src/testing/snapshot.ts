/**
 * Per-test reset of a seeded fixture, like miniredis's helpers: a snapshot holds
 * every key as its RDB object payload (the same serialization DUMP uses, so every
 * type and encoding survives) with its absolute expire time, plus the function
 * libraries. Restoring replaces the whole keyspace through the database API.
 */
import type { RedSim } from '../server.js';
import type { Reply } from '../reply.js';
import { dumpPayload, loadObject } from '../commands/generic/rdb.js';
import { setExpireExact } from '../commands/generic/expire.js';
import { functionsOf } from '../scripting/functions.js';

export interface Snapshot {
  readonly dbs: ReadonlyArray<ReadonlyArray<readonly [key: string, payload: string, expireAt: number | undefined]>>;
  readonly functions: string | null;
}

export function takeSnapshot(sim: RedSim): Snapshot {
  const fill = sim.config.getNumber('list-max-listpack-size');
  const dbs = sim.dbs.map((db) => {
    const rows: [string, string, number | undefined][] = [];
    const now = sim.now();
    for (const [k, v] of db.data) {
      const at = db.expires.get(k);
      if (at !== undefined && at < now) continue; // logically gone already
      const p = dumpPayload(v, fill);
      if (p === null) throw new Error(`snapshot: key '${k}' has a type that cannot be serialized`);
      rows.push([k, p, at]);
    }
    return rows;
  });
  const f = functionsOf(sim).dump();
  return { dbs, functions: f.t === 'bulk' ? f.v : null };
}

export function restoreSnapshot(sim: RedSim, snap: Snapshot): void {
  const cfg = sim.config;
  const lim = {
    hashEntries: cfg.getNumber('hash-max-listpack-entries'),
    hashValue: cfg.getNumber('hash-max-listpack-value'),
    setIntsetEntries: cfg.getNumber('set-max-intset-entries'),
    zsetEntries: cfg.getNumber('zset-max-listpack-entries'),
    zsetValue: cfg.getNumber('zset-max-listpack-value'),
  };
  sim.dbs.forEach((db, i) => {
    for (const k of [...db.data.keys()]) db.delete(k);
    for (const [k, p, at] of snap.dbs[i] ?? []) {
      const v = loadObject(p, lim);
      if (!v) throw new Error(`snapshot: key '${k}' could not be restored`);
      db.add(k, v);
      if (at !== undefined) setExpireExact(db, k, BigInt(at));
    }
  });
  const libs = functionsOf(sim);
  libs.clear();
  if (snap.functions !== null) {
    const r: Reply = libs.restore(['function', 'restore', snap.functions]);
    if (r.t === 'error') throw new Error(`snapshot: functions could not be restored: ${r.v}`);
  }
}
