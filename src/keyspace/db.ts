/**
 * One logical database. Every mutation goes through this class so that WATCH,
 * blocked clients and stats can never miss a write ("one mutation path").
 */
import type { RValue, RType } from './values.js';
import { lfuTouch, lfuInit, lfuWord, type LfuParams } from './lfu.js';
import { trackedSize, DICT_ENTRY } from './memsize.js';

/**
 * The used_memory estimate's dataset part, shared by all databases of a server:
 * while `on`, every write re-measures the key it signals (src/keyspace/memsize.ts)
 * and `bytes` holds the sum over all keys.
 */
export interface MemAccount { on: boolean; bytes: number; listFill: number }
import { IndexedMap, randomKeyOf, scanIndexed } from '../types/indexed.js';
import type { RandomSource } from '../random.js';

export interface KeyspaceHooks {
  /** Current command time in ms (frozen during EXEC and scripts). */
  now(): number;
  /** A key was modified/deleted (WATCH dirty-CAS). */
  signalModified(db: Database, key: string): void;
  /** A list/zset key was created: blocked clients may be served. */
  signalReady(db: Database, key: string): void;
  /** A key was deleted because it expired. */
  onExpired(db: Database, key: string): void;
  /**
   * The database wants compact() run at the next safe point (no command running, so
   * no iteration over its maps is in progress). Optional: without it no compaction.
   */
  compactDue?(db: Database): void;
  /** True when expired keys must not be deleted (e.g. replay of a replica stream); unused for now. */
  readonly stats: { keyspaceHits: number; keyspaceMisses: number; expiredKeys: number };
  /** Set while an LFU maxmemory-policy is active: accesses bump the value's counter. */
  lfu?: LfuParams | null;
  /** The used_memory bookkeeping (see MemAccount). */
  mem?: MemAccount;
  /** Set only while `keymiss` notifications are on: a read lookup found nothing. */
  keyMiss?: ((db: Database, key: string) => void) | null;
  /** Set only while `new` notifications are on: dbAdd put a key that did not exist. */
  newKey?: ((db: Database, key: string) => void) | null;
  /** True while clients are paused (CLIENT PAUSE): expired keys read as missing but are not deleted. */
  paused?(): boolean;
}

export class Database {
  /** The keyspace. Indexed: SCAN cursors and random keys cost O(1) per key (src/types/indexed.ts). */
  readonly data = new IndexedMap<RValue>();
  /** Volatile keys -> absolute expire time (ms). Indexed: the active expire cycle scans it. */
  readonly expires = new IndexedMap<number>();
  /** WATCH registrations: key -> watchers (see src/commands/transactions.ts). */
  readonly watched = new Map<string, Set<WatchEntry>>();

  /**
   * Deletions per key since the last compact(). V8 Maps keep deleted entries in their
   * bucket chains until a rehash, so a key deleted and re-created over and over (a
   * queue list emptied by each pop, a lock key) makes every lookup of it while absent
   * walk all its old entries: O(database size) per command in a large database.
   */
  private churn = new Map<string, number>();
  private compactQueued = false;

  constructor(public id: number, private readonly hooks: KeyspaceHooks) {}

  /** Count a deletion from `data`; queue a compaction once one key has churned enough. */
  private noteDelete(key: string): void {
    if (this.compactQueued || !this.hooks.compactDue) return;
    const n = (this.churn.get(key) ?? 0) + 1;
    // Rebuilding costs O(size); waiting ~8*sqrt(size) deletions of one key balanced it
    // against the chain walks. Many distinct keys deleted is not the pathology: reset.
    if (n >= 32 && n * n >= 64 * this.data.size) {
      this.compactQueued = true;
      this.hooks.compactDue(this);
    } else if (this.churn.size >= 1024 && n === 1) this.churn.clear();
    else this.churn.set(key, n);
  }

  /**
   * Rebuild the maps in place (same Map objects, same iteration order), dropping
   * V8's deleted entries. Only at a safe point: see KeyspaceHooks.compactDue.
   */
  compact(): void {
    this.compactQueued = false;
    this.churn.clear();
    this.data.rebuild();
    this.expires.rebuild();
  }

  get size(): number { return this.data.size; }

  /**
   * Random-key sampling API (RANDOMKEY; eviction's pool sampling): a uniformly random
   * key of `data`, in O(1) whatever the writes in between, from the given (seeded)
   * source. The key may be logically expired: the caller decides (expireIfNeeded).
   * The database must not be empty. randomVolatileKey does the same over `expires`.
   */
  randomKey(rnd: RandomSource): string { return randomKeyOf(this.data, rnd); }

  /** A uniformly random key that has a TTL (volatile-* eviction); `expires` must not be empty. */
  randomVolatileKey(rnd: RandomSource): string { return randomKeyOf(this.expires, rnd); }

  /** Is the key logically expired now (without deleting it)? */
  isExpired(key: string): boolean {
    const when = this.expires.get(key);
    return when !== undefined && this.hooks.now() > when;
  }

  /** Delete the key if it is expired. Returns true if it was deleted. */
  expireIfNeeded(key: string): boolean {
    // Most databases hold no volatile keys: skip the lookup and the clock.
    if (this.expires.size === 0) return false;
    const when = this.expires.get(key);
    if (when === undefined || this.hooks.now() <= when) return false;
    return this.expireNow(key);
  }

  private expireNow(key: string): boolean {
    // Paused: keep the dataset static; the key is deleted once the pause is over.
    if (this.hooks.paused?.()) return true;
    if (this.data.get(key)?.type === 'stream') this.hooks.signalReady(this, key);
    this.unaccount(key);
    this.data.delete(key);
    this.expires.delete(key);
    this.noteDelete(key);
    this.hooks.stats.expiredKeys++;
    this.hooks.onExpired(this, key);
    this.hooks.signalModified(this, key);
    return true;
  }

  /** Lookup for reading: expires lazily, updates LRU, counts hits/misses. */
  lookupRead(key: string): RValue | undefined {
    const now = this.hooks.now();
    const v = this.expires.size !== 0 && this.expireAt(key, now) ? undefined : this.data.get(key);
    if (v) { this.hooks.stats.keyspaceHits++; v.lru = now; if (this.hooks.lfu) lfuTouch(v, now, this.hooks.lfu); } else {
      this.hooks.stats.keyspaceMisses++;
      if (this.hooks.keyMiss) this.hooks.keyMiss(this, key);
    }
    return v;
  }

  /** expireIfNeeded with the time already read (one clock read per lookup). */
  private expireAt(key: string, now: number): boolean {
    const when = this.expires.get(key);
    return when !== undefined && now > when && this.expireNow(key);
  }

  /** Lookup for writing: expires lazily, no hit/miss stats. */
  lookupWrite(key: string): RValue | undefined {
    const now = this.hooks.now();
    const v = this.expires.size !== 0 && this.expireAt(key, now) ? undefined : this.data.get(key);
    if (v) { v.lru = now; if (this.hooks.lfu) lfuTouch(v, now, this.hooks.lfu); }
    return v;
  }

  /** Lookup without touching LRU or stats (OBJECT, TYPE-like internal checks). */
  peek(key: string): RValue | undefined {
    if (this.expireIfNeeded(key)) return undefined;
    return this.data.get(key);
  }

  exists(key: string): boolean { return this.peek(key) !== undefined; }

  /** Add a new key (must not exist). Signals ready for list/zset. */
  add(key: string, val: RValue): void {
    this.stamp(val);
    this.data.set(key, val);
    this.account(key, val);
    if (val.type === 'list' || val.type === 'zset' || val.type === 'stream') this.hooks.signalReady(this, key);
    if (this.hooks.newKey) this.hooks.newKey(this, key);
    this.hooks.signalModified(this, key);
  }

  /**
   * Redis's bare dbAdd: add a new key without signalling WATCH, for the rare command
   * that creates a key and then changes nothing (BITFIELD ... OVERFLOW FAIL).
   * List/zset keys still wake blocked clients, as dbAdd does.
   */
  addUnsignalled(key: string, val: RValue): void {
    this.stamp(val);
    this.data.set(key, val);
    this.account(key, val);
    if (val.type === 'list' || val.type === 'zset') this.hooks.signalReady(this, key);
    if (this.hooks.newKey) this.hooks.newKey(this, key);
  }

  /**
   * Redis's setKey: overwrite or add; drops the TTL unless keepTtl.
   * Signals the modification.
   */
  set(key: string, val: RValue, keepTtl = false): void {
    // A stream overwritten wakes its XREADGROUP clients (dbOverwrite), so they can fail.
    const old = this.data.get(key);
    const ready = old ? old.type === 'stream' : val.type === 'list' || val.type === 'zset' || val.type === 'stream';
    const isNew = this.hooks.newKey ? old === undefined : false;
    if (this.hooks.mem?.on) this.unaccount(key);
    // dbOverwrite keeps the old value's LFU word.
    if (this.hooks.lfu && old && old !== val) val.lfu = lfuWord(old);
    this.stamp(val);
    this.data.set(key, val);
    this.account(key, val);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    if (ready) this.hooks.signalReady(this, key);
    if (isNew) this.hooks.newKey!(this, key);
    this.hooks.signalModified(this, key);
  }

  /** Signal an in-place modification of an existing value (HSET on an existing hash, ...). */
  touch(key: string): void {
    if (this.hooks.mem?.on) { const v = this.data.get(key); if (v) this.account(key, v); }
    this.hooks.signalModified(this, key);
  }

  /** A value entering the keyspace: access time, and the LFU word under an LFU policy. */
  private stamp(val: RValue): void {
    const now = this.hooks.now();
    val.lru = now;
    if (this.hooks.lfu && val.lfu === undefined) lfuInit(val, now);
  }

  /** Re-measure a key for used_memory (a no-op unless tracking is on). */
  private account(key: string, v: RValue): void {
    const m = this.hooks.mem;
    if (!m?.on) return;
    const n = trackedSize(key, v, m.listFill);
    m.bytes += n - (v.mem ?? 0);
    v.mem = n;
  }

  /** Forget a key's share of used_memory before it leaves the keyspace. */
  private unaccount(key: string): void {
    const m = this.hooks.mem;
    if (!m?.on) return;
    const v = this.data.get(key);
    if (v?.mem !== undefined) { m.bytes -= v.mem; v.mem = undefined; }
  }

  /** Measure every key (tracking was just switched on). */
  accountAll(): void {
    for (const [k, v] of this.data) { v.mem = undefined; this.account(k, v); }
  }

  /** Bytes of this database's dicts themselves: bucket arrays and expires entries (not the keys). */
  overheadBytes(): { main: number; expires: number } {
    const slots = (n: number) => { if (!n) return 0; let s = 4; while (s < n) s *= 2; return s; };
    return { main: 8 * slots(this.data.size) + 56, expires: 8 * slots(this.expires.size) + 56 + DICT_ENTRY * this.expires.size };
  }

  /** Delete a key. Returns true if it existed. Signals the modification. */
  delete(key: string): boolean {
    this.expireIfNeeded(key);
    const old = this.data.get(key);
    if (!old) return false;
    this.unaccount(key);
    this.data.delete(key);
    // dbGenericDelete: clients blocked in XREADGROUP on a deleted stream get an error.
    if (old.type === 'stream') this.hooks.signalReady(this, key);
    this.expires.delete(key);
    this.noteDelete(key);
    this.hooks.signalModified(this, key);
    return true;
  }

  /** Remove a key chosen by eviction (src/keyspace/evict.ts): the same path as DEL. */
  evict(key: string): boolean { return this.delete(key); }

  /** Delete the key if its collection value became empty (Redis deletes empty collections). */
  deleteIfEmpty(key: string, val: RValue): boolean {
    // An empty stream is a value of its own: Redis keeps it.
    const n = val.type === 'string' || val.type === 'stream' ? 1 : val.type === 'list' ? val.v.length
      : val.type === 'zset' ? (val.v.size ?? val.v.length) : val.v.size;
    if (n === 0) { this.unaccount(key); this.data.delete(key); this.expires.delete(key); this.noteDelete(key); return true; }
    return false;
  }

  getExpire(key: string): number | undefined { return this.expires.get(key); }

  /** Set an absolute expire time (ms). The caller signals the change (EXPIRE signals, SET with EX signals via set()). */
  setExpire(key: string, whenMs: number): void { this.expires.set(key, whenMs); }

  removeExpire(key: string): boolean { return this.expires.delete(key); }

  typeOf(key: string): RType | undefined { return this.peek(key)?.type; }

  /** Remove everything (FLUSHDB). The caller handles WATCH signalling (touchAllWatchedKeysInDb). */
  clear(): void {
    if (this.hooks.mem?.on) for (const k of this.data.keys()) this.unaccount(k);
    this.data.clear(); this.expires.clear(); this.churn.clear();
  }

  /** Where the active expire cycle continues in `expires` (Redis's db->expires_cursor). */
  private expiresCursor = 0n;

  /**
   * One sampling loop of Redis's activeExpireCycle: check the next `num` volatile keys
   * (continuing where the last loop stopped, wrapping around) and delete the expired
   * ones through the usual path (expireNow). O(num), whatever the database size.
   */
  activeExpireLoop(num: number): { sampled: number; expired: number } {
    if (this.expires.size === 0) return { sampled: 0, expired: 0 };
    const now = this.hooks.now();
    const page = scanIndexed(this.expires, this.expiresCursor, num);
    this.expiresCursor = BigInt(page.cursor);
    let expired = 0;
    for (const k of page.items) {
      const when = this.expires.get(k);
      if (when !== undefined && now > when) { this.expireNow(k); expired++; }
    }
    return { sampled: page.items.length, expired };
  }
}

/** A WATCH registration (Redis's watchedKey). */
export interface WatchEntry {
  client: { dirtyCas: boolean };
  db: Database;
  key: string;
  /** The key was already logically expired when WATCHed. */
  expired: boolean;
}
