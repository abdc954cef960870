/**
 * maxmemory and eviction as evict.c does them: before a command, if the used_memory
 * estimate exceeds maxmemory, keys are evicted by the policy until it fits (or the
 * command may be refused with OOM). LRU/LFU/TTL policies sample maxmemory-samples
 * keys per database into a 16-entry eviction pool and evict its best entry; random
 * policies pick a random key, walking the databases round-robin. Every choice comes
 * from the seeded random source, so a seeded run evicts the same keys.
 *
 * Evicted keys leave through Database.evict (the one mutation path: WATCH, the
 * used_memory account, blocked clients) and are announced with the `evicted`
 * keyspace event when a notifier is installed.
 */
import type { Database } from './db.js';
import type { RandomSource } from '../random.js';
import { lfuDecrAndReturn } from './lfu.js';

const EVPOOL_SIZE = 16;

interface PoolEntry { idle: number; key: string; dbid: number }

export type Policy = 'noeviction' | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random'
  | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl';

export interface EvictEnv {
  /** True while clients are paused (CLIENT PAUSE): no eviction. */
  paused?(): boolean;
  dbs: Database[];
  random: RandomSource;
  now(): number;
  policy(): Policy;
  samples(): number;
  lfuDecayTime(): number;
  /** The used_memory estimate (bytes) and the part of it that does not count (Redis's not-counted buffers). */
  usedMemory(): number;
  maxmemory(): number;
  /** Called once per evicted key after it is gone: stats and the `evicted` event. */
  onEvicted(db: Database, key: string): void;
  /** A batch of evictions ended (Redis propagates their DELs here, unwrapped). */
  afterEvictions?(): void;
}

export class Evictor {
  private readonly pool: Array<PoolEntry | null> = new Array(EVPOOL_SIZE).fill(null);
  private nextDb = 0;

  constructor(private readonly env: EvictEnv) {}

  /** dictGetSomeKeys: `count` random keys (with repeats) of data or expires, from the database's O(1) sampler. */
  private sample(db: Database, all: boolean, count: number): string[] {
    const out: string[] = [];
    const size = all ? db.data.size : db.expires.size;
    if (!size) return out;
    for (let i = 0; i < count; i++) out.push(all ? db.randomKey(this.env.random) : db.randomVolatileKey(this.env.random));
    return out;
  }

  /** True when used memory is over the limit (getMaxmemoryState != C_OK). */
  overLimit(): boolean {
    const max = this.env.maxmemory();
    return max > 0 && this.env.usedMemory() > max;
  }

  /** evictionPoolPopulate: sample keys of one database into the pool, best (largest idle) last. */
  private populate(db: Database, all: boolean): void {
    const env = this.env;
    const policy = env.policy();
    const now = env.now();
    const keys = this.sample(db, all, env.samples());
    for (const key of keys) {
      const v = db.data.get(key);
      if (!v) continue;
      let idle: number;
      if (policy.endsWith('lru')) idle = Math.max(0, now - v.lru);
      else if (policy.endsWith('lfu')) idle = 255 - lfuDecrAndReturn(v, now, env.lfuDecayTime());
      else idle = Number.MAX_SAFE_INTEGER - (db.expires.get(key) ?? 0);
      // Find the first slot whose idle is not smaller.
      const pool = this.pool;
      let k = 0;
      while (k < EVPOOL_SIZE && pool[k] && pool[k]!.idle < idle) k++;
      if (k === 0 && pool[EVPOOL_SIZE - 1] !== null) continue; // worse than everything in a full pool
      if (k < EVPOOL_SIZE && pool[k] === null) {
        // empty slot: insert here
      } else if (pool[EVPOOL_SIZE - 1] === null) {
        // shift right to make room at k
        for (let j = EVPOOL_SIZE - 1; j > k; j--) pool[j] = pool[j - 1];
      } else {
        // pool full: shift left, dropping the worst, insert at k-1
        k--;
        for (let j = 0; j < k; j++) pool[j] = pool[j + 1];
      }
      pool[k] = { idle, key, dbid: db.id };
    }
  }

  /** Pick the key to evict under the current policy, or null when none can go. */
  private pickKey(): { db: Database; key: string } | null {
    const env = this.env;
    const policy = env.policy();
    const all = policy.startsWith('allkeys');
    if (policy.endsWith('random')) {
      const n = env.dbs.length;
      for (let i = 0; i < n; i++) {
        const j = (++this.nextDb) % n;
        const db = env.dbs[j];
        const k = this.sample(db, all, 1)[0];
        if (k !== undefined) return { db, key: k };
      }
      return null;
    }
    for (;;) {
      let total = 0;
      for (const db of env.dbs) {
        const size = all ? db.data.size : db.expires.size;
        if (size) { this.populate(db, all); total += size; }
      }
      if (!total) return null;
      for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
        const e = this.pool[k];
        if (!e) continue;
        this.pool[k] = null;
        const db = env.dbs[e.dbid];
        if (db && (all ? db.data.has(e.key) : db.expires.has(e.key))) return { db, key: e.key };
      }
    }
  }

  /**
   * performEvictions: evict until used memory fits. Returns false (EVICT_FAIL) when
   * it is still over the limit and nothing more can be evicted.
   */
  perform(): boolean {
    const env = this.env;
    const max = env.maxmemory();
    if (!max || env.usedMemory() <= max) return true;
    // Clients paused: nothing is evicted (performEvictions answers EVICT_OK).
    if (env.paused?.()) return true;
    if (env.policy() === 'noeviction') return false;
    try {
      for (let guard = 0; guard < 1_000_000; guard++) {
        if (env.usedMemory() <= max) return true;
        const pick = this.pickKey();
        if (!pick) return false;
        pick.db.evict(pick.key);
        env.onEvicted(pick.db, pick.key);
      }
      return env.usedMemory() <= max;
    } finally {
      env.afterEvictions?.();
    }
  }

  /** Forget pooled keys (FLUSHALL, policy change). */
  reset(): void { this.pool.fill(null); }
}
