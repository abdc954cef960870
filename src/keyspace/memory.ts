/**
 * used_memory: redsim's estimate of what a real Redis 7.0 (jemalloc, 64-bit) would
 * have allocated for the same state, not the size of the JS heap.
 *
 *   used_memory = startup + clients + script caches + dict overhead + keys and values
 *
 * - startup: Redis 7.0.15's used_memory_startup measured on x86-64 (876,248 bytes);
 * - clients: a fixed CLIENT_BYTES per connection (client struct and its 16 KB
 *   reply buffer) plus the bytes of replies waiting to be written, when known;
 * - script caches: Redis's functions.caches of an empty server, plus each cached
 *   EVAL script's body and SHA as sds strings;
 * - dict overhead: the main and expires dicts' bucket arrays and expires entries;
 * - keys and values: per key, MEMORY USAGE's figure (src/keyspace/memsize.ts),
 *   kept up to date by the keyspace's single mutation path.
 * It follows Redis's accounting rules, so eviction triggers at comparable points,
 * but it is an estimate: allocator fragmentation, the Lua heap and the RSS are not
 * modelled (used_memory_rss reports the node process's real RSS).
 */
import type { RedSim } from '../server.js';
import { DICT_ENTRY, dictSlots } from './memsize.js';

export const STARTUP_BYTES = 876248;
export const CLIENT_BYTES = 20480;
export const FUNCTIONS_CACHES = 200;

export interface MemOverhead {
  startup: number;
  clientsNormal: number;
  luaCaches: number;
  functionsCaches: number;
  dbs: Array<{ id: number; main: number; expires: number }>;
  overheadTotal: number;
  dataset: number;
  total: number;
  keys: number;
}

function scriptCachesBytes(s: RedSim): number {
  const e = s.ext as { scriptBytes?: () => number; scriptCount?: () => number };
  if (e.scriptBytes) return e.scriptBytes();
  return (e.scriptCount?.() ?? 0) * 128;
}

/** getMemoryOverheadData. Call server.usedMemory() first so the key account is live. */
export function memoryOverhead(s: RedSim): MemOverhead {
  const clientsNormal = [...s.clients.values()].filter((c) => c.kind === 'normal').length * CLIENT_BYTES;
  const luaCaches = scriptCachesBytes(s);
  const dbs: MemOverhead['dbs'] = [];
  let dictBytes = 0, keys = 0;
  for (const db of s.dbs) {
    if (db.data.size === 0 && db.expires.size === 0) continue;
    const main = DICT_ENTRY * db.data.size + 8 * dictSlots(db.data.size);
    const expires = DICT_ENTRY * db.expires.size + 8 * dictSlots(db.expires.size);
    dbs.push({ id: db.id, main, expires });
    dictBytes += main + expires;
    keys += db.data.size;
  }
  const overheadTotal = STARTUP_BYTES + clientsNormal + luaCaches + FUNCTIONS_CACHES + dictBytes;
  // Per-key figures already include the main dict entry: count it once, in the overhead.
  const values = s.mem.bytes - DICT_ENTRY * keys;
  const total = overheadTotal + values;
  return { startup: STARTUP_BYTES, clientsNormal, luaCaches, functionsCaches: FUNCTIONS_CACHES, dbs, overheadTotal, dataset: total - overheadTotal, total, keys };
}

/** The used_memory figure (see the header). */
export function trackedUsedMemory(s: RedSim): number {
  let dict = 0;
  for (const db of s.dbs) {
    const n = db.data.size, e = db.expires.size;
    if (n === 0 && e === 0) continue;
    dict += 8 * dictSlots(n) + DICT_ENTRY * e + 8 * dictSlots(e);
  }
  let clients = 0;
  for (const c of s.clients.values()) if (c.kind === 'normal') clients++;
  return STARTUP_BYTES + FUNCTIONS_CACHES + clients * CLIENT_BYTES + scriptCachesBytes(s) + dict + s.mem.bytes;
}
