/**
 * Value objects stored in the keyspace. Each type module (src/types/*) owns the
 * shape of its `v`; encodings are tracked so OBJECT ENCODING and iteration order
 * match Redis (listpack/intset orders are deterministic in Redis too).
 */
export interface StringValue { type: 'string'; v: string; /** forced 'raw' encoding (APPEND/SETRANGE results) */ raw?: boolean; lru: number }
export interface HashValue { type: 'hash'; v: IndexedMap<string>; enc: 'listpack' | 'hashtable'; lru: number }
/** Redis 7.0 has no listpack-encoded lists: every list is a quicklist. */
export interface ListValue { type: 'list'; v: import('../types/deque.js').Deque<string>; enc: 'quicklist'; lru: number }
/**
 * iw: for an intset, the widest integer width (2, 4 or 8 bytes) ever removed
 * from it. Redis's intset never narrows, so after removals its blob (DUMP) can
 * be wider than the members need; see intsetWidth in src/types/set.ts.
 */
export interface SetValue { type: 'set'; v: IndexedSet; enc: 'intset' | 'hashtable'; lru: number; iw?: 2 | 4 | 8 }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ZSetValue { type: 'zset'; v: import('../types/zset.js').ZSet; enc: 'listpack' | 'skiplist'; lru: number }

export interface StreamValue { type: 'stream'; v: import('../types/stream.js').Stream; enc: 'stream'; lru: number }

type IndexedMap<V> = import('../types/indexed.js').IndexedMap<V>;
type IndexedSet = import('../types/indexed.js').IndexedSet;

/**
 * Bookkeeping every value may carry besides `lru` (ms of last access): `lfu` is
 * Redis's LFU word, (minutes of last decrement << 8) | counter, kept while an LFU
 * maxmemory-policy is set (src/keyspace/lfu.ts); `mem` is the size last accounted
 * for this key in the used_memory estimate (src/keyspace/db.ts MemAccount).
 */
export interface ValueMeta { lru: number; lfu?: number; mem?: number }

export type RValue = (StringValue | HashValue | ListValue | SetValue | ZSetValue | StreamValue) & ValueMeta;
export type RType = RValue['type'];

export function newString(v: string, lru = 0): StringValue { return { type: 'string', v, lru }; }
