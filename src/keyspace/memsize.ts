/**
 * Memory sizes as Redis 7.0 (jemalloc 5.3, 64-bit) accounts them: object.c's
 * objectComputeSize for MEMORY USAGE, and the per-key figures the used_memory
 * estimate is built from. Sizes are of the C structures Redis would allocate for
 * the same value, rounded to jemalloc's size classes; they say nothing about the
 * JS heap. Exact where the layout follows from the content (strings, listpacks,
 * intsets, quicklists built by tail pushes); hashtable slot counts assume no
 * rehash is in progress.
 */
import type { RValue } from './values.js';
import { stringEncoding } from '../commands/string/enc.js';
import { lpEntry, lpScore, splitListNodes } from '../commands/generic/rdb.js';

/** jemalloc's usable size for a request of n bytes (size classes: 4 per doubling, 16-byte quantum). */
export function jeSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~15;
  const lg = n <= 2 ** 31 ? 32 - Math.clz32(n - 1) : Math.ceil(Math.log2(n));
  const delta = 2 ** (lg - 3);
  return Math.ceil(n / delta) * delta;
}

/** sdsReqType's header size for a string of len bytes (an empty sds is type 8). */
export function sdsHdr(len: number): number {
  if (len === 0) return 3;
  if (len < 32) return 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  if (len < 2 ** 32) return 9;
  return 17;
}

/** sdsZmallocSize of an sds made by sdsnewlen (exact allocation). */
export function sdsAlloc(len: number): number { return jeSize(sdsHdr(len) + len + 1); }

export const ROBJ = 16;
export const DICT_ENTRY = 24;
const DICT = 56;
const QUICKLIST = 40;
const QUICKLIST_NODE = 40;
const ZSET = 16;
const ZSKIPLIST = 32;
/** zmalloc_size of a skiplist header node (32 levels): 24 + 32*16 bytes. */
const ZSL_HEADER = jeSize(24 + 32 * 16);

/** Slots of a dict holding n entries: grown to the next power of two on insert, 4 at least. */
export function dictSlots(n: number): number {
  if (n === 0) return 0;
  let s = 4;
  while (s < n) s *= 2;
  return s;
}

/** Bytes of a listpack holding these entries (header 6, end byte 1). */
export function listpackBytes(items: Iterable<string>): number {
  let n = 7;
  for (const s of items) n += lpEntry(s).length;
  return n;
}

function stringSize(v: RValue & { type: 'string' }): number {
  const enc = stringEncoding(v);
  if (enc === 'int') return ROBJ;
  if (enc === 'embstr') return jeSize(ROBJ + 3 + v.v.length + 1);
  return ROBJ + sdsAlloc(v.v.length);
}

function* hashFlat(m: Map<string, string>): Generator<string> { for (const [f, x] of m) { yield f; yield x; } }
function* zsetFlat(z: import('../types/zset.js').ZSet): Generator<string> {
  for (let n = z.first(); n; n = n.next[0]) { yield n.member; yield lpScore(n.score); }
}

/**
 * objectComputeSize: the value's bytes. Collections sample `samples` elements
 * (Infinity for all) and extrapolate, as Redis does.
 */
export function objectComputeSize(v: RValue, samples: number, listFill: number): number {
  switch (v.type) {
    case 'string': return stringSize(v);
    case 'list': {
      const nodes = splitListNodes(v.v, listFill);
      let asize = ROBJ + QUICKLIST;
      let ele = 0, n = 0;
      do {
        ele += QUICKLIST_NODE + jeSize(nodes.length ? listpackBytes(nodes[n]) : 7);
        n++;
      } while (n < nodes.length && n < samples);
      asize = Math.trunc(asize + ele / n * nodes.length);
      return asize;
    }
    case 'set': {
      if (v.enc === 'intset') {
        let w = v.iw ?? 2;
        for (const m of v.v) { const b = BigInt(m); const x = b < -2147483648n || b > 2147483647n ? 8 : b < -32768n || b > 32767n ? 4 : 2; if (x > w) w = x; }
        return ROBJ + jeSize(8 + w * v.v.size);
      }
      let asize = ROBJ + DICT + 8 * dictSlots(v.v.size);
      let ele = 0, n = 0;
      for (const m of v.v) { if (n >= samples) break; ele += DICT_ENTRY + sdsAlloc(m.length); n++; }
      if (n) asize = Math.trunc(asize + ele / n * v.v.size);
      return asize;
    }
    case 'hash': {
      if (v.enc === 'listpack') return ROBJ + jeSize(listpackBytes(hashFlat(v.v)));
      let asize = ROBJ + DICT + 8 * dictSlots(v.v.size);
      let ele = 0, n = 0;
      for (const [f, x] of v.v) { if (n >= samples) break; ele += sdsAlloc(f.length) + sdsAlloc(x.length) + DICT_ENTRY; n++; }
      if (n) asize = Math.trunc(asize + ele / n * v.v.size);
      return asize;
    }
    case 'zset': {
      if (v.enc === 'listpack') return ROBJ + jeSize(listpackBytes(zsetFlat(v.v)));
      let asize = ROBJ + ZSET + ZSKIPLIST + DICT + 8 * dictSlots(v.v.size) + ZSL_HEADER;
      let ele = 0, n = 0;
      for (let x = v.v.first(); x && n < samples; x = x.next[0]) {
        ele += sdsAlloc(x.member.length) + DICT_ENTRY + jeSize(24 + 16 * x.next.length);
        n++;
      }
      if (n) asize = Math.trunc(asize + ele / n * v.v.size);
      return asize;
    }
    default: return otherTypeSize(v);
  }
}

/**
 * Types added by other modules (streams...) may register their own sizer; until
 * then a value counts as one object header.
 */
const SIZERS = new Map<string, (v: RValue, samples: number) => number>();
export function registerSizer(type: string, fn: (v: RValue, samples: number) => number): void { SIZERS.set(type, fn); }
function otherTypeSize(v: RValue): number {
  const f = SIZERS.get((v as { type: string }).type);
  return f ? f(v, 5) : ROBJ;
}

/** MEMORY USAGE: the value plus the key's sds and its dict entry. */
export function keyUsage(key: string, v: RValue, samples: number, listFill: number): number {
  return objectComputeSize(v, samples, listFill) + sdsAlloc(key.length) + DICT_ENTRY;
}

/**
 * A cheap estimate for used_memory bookkeeping, recomputed on every write when
 * tracking is on: like MEMORY USAGE with 5 samples, but a list is extrapolated from
 * its first elements instead of laying out every quicklist node.
 */
export function trackedSize(key: string, v: RValue, listFill: number): number {
  if (v.type === 'list' && v.v.length > 256) {
    let bytes = 0;
    for (let i = 0; i < 128; i++) bytes += lpEntry(v.v.at(i)!).length;
    const perItem = bytes / 128;
    const nodeBytes = listFill < 0 ? [4096, 8192, 16384, 32768, 65536][Math.min(5, -listFill) - 1] : Math.max(1, listFill) * perItem;
    const nodes = Math.max(1, Math.ceil(v.v.length * perItem / nodeBytes));
    return ROBJ + QUICKLIST + nodes * (QUICKLIST_NODE + jeSize(Math.ceil(v.v.length * perItem / nodes) + 7))
      + sdsAlloc(key.length) + DICT_ENTRY;
  }
  return keyUsage(key, v, 5, listFill);
}
