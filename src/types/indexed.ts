/**
 * IndexedMap / IndexedSet: JS Map/Set (insertion-ordered, O(1) lookups) plus an
 * optional slot index that gives what a JS Map lacks and Redis's dict has:
 *  - SCAN cursors that cost O(COUNT) per call, and
 *  - uniform O(1) random picks that stay O(1) under interleaved writes.
 *
 * The index is an insertion-ordered slot array of keys with holes (deleted keys)
 * plus key -> slot. It is built on first need (a partial SCAN or a random pick on
 * a big container) and then kept up to date by the overridden set/add/delete/clear,
 * so small collections pay nothing. Live keys in slot order are exactly the Map's
 * iteration order (a new key is appended to both; a delete leaves a hole).
 *
 * Cursors are "virtual" slot positions: slot i of the current slot array is cursor
 * base + i. When holes pass half the array it is compacted into a new generation
 * whose base follows the old one's end, so an old cursor still identifies its
 * generation and is remapped to the first survivor at or after it (kept: the old
 * slots that survived). That keeps Redis's SCAN guarantee across compactions: an
 * element present during the whole scan is never moved before the cursor. A cursor
 * from a generation too old to remember restarts the scan (duplicates, which Redis
 * allows too, but nothing missed).
 */
import type { RandomSource } from '../random.js';

/** Compaction: at least this many holes, and at least half of the slots. */
const MIN_HOLES = 32;
/** Old generations whose cursors are still remapped. */
const KEPT_GENERATIONS = 4;
/** Below this size a random pick walks the container instead of building an index. */
export const INDEX_MIN_SIZE = 64;

interface Generation { base: number; end: number; kept: Int32Array }

export class SlotIndex {
  /** Keys by slot; undefined marks a hole. */
  keys: (string | undefined)[];
  /** Key -> slot. */
  pos = new Map<string, number>();
  holes = 0;
  /** Cursor of slot 0 (>= 1 so that no position is the cursor 0). */
  base: number;
  private gens: Generation[] = [];

  constructor(keys: Iterable<string>, base = 1) {
    this.keys = [...keys];
    for (let i = 0; i < this.keys.length; i++) this.pos.set(this.keys[i]!, i);
    this.base = base;
  }

  add(k: string): void { this.pos.set(k, this.keys.length); this.keys.push(k); }

  remove(k: string): void {
    const i = this.pos.get(k);
    if (i === undefined) return;
    this.pos.delete(k);
    this.keys[i] = undefined;
    if (++this.holes >= MIN_HOLES && this.holes * 2 >= this.keys.length) this.compact();
  }

  /** Drop every key (clear()): old cursors restart. */
  reset(): void {
    this.newGeneration(new Int32Array(0));
    this.keys = [];
    this.pos.clear();
    this.holes = 0;
  }

  private newGeneration(kept: Int32Array): void {
    const end = this.base + this.keys.length;
    this.gens.push({ base: this.base, end, kept });
    if (this.gens.length > KEPT_GENERATIONS) this.gens.shift();
    this.base = end;
  }

  /** Remove the holes; remember where the survivors went for older cursors. */
  compact(): void {
    const old = this.keys;
    const kept = new Int32Array(old.length - this.holes);
    const keys: string[] = new Array(kept.length);
    let j = 0;
    for (let i = 0; i < old.length; i++) {
      const k = old[i];
      if (k === undefined) continue;
      kept[j] = i;
      keys[j] = k;
      this.pos.set(k, j);
      j++;
    }
    this.newGeneration(kept);
    this.keys = keys;
    this.holes = 0;
  }

  /** Slot in the current array where a scan at `cursor` continues (0 for cursor 0). */
  locate(cursor: bigint): number {
    if (cursor === 0n) return 0;
    if (cursor >= BigInt(this.base)) {
      const local = cursor - BigInt(this.base);
      return local >= BigInt(this.keys.length) ? this.keys.length : Number(local);
    }
    const c = Number(cursor);
    let g = this.gens.findIndex((x) => c >= x.base && c < x.end);
    if (g < 0) return 0; // unknown or forgotten generation: start over (duplicates only)
    let local = c - this.gens[g].base;
    // Through each later compaction: the number of survivors before `local`.
    for (; g < this.gens.length; g++) local = lowerBound(this.gens[g].kept, local);
    return local;
  }

  /** A uniformly random key (the index must hold at least one). */
  random(rnd: RandomSource): string {
    for (;;) {
      const k = this.keys[rnd.int(this.keys.length)];
      if (k !== undefined) return k;
    }
  }
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

/** A Map whose keys can be scanned and sampled (see the file comment). */
export class IndexedMap<V> extends Map<string, V> {
  /** The slot index, once built (null until needed). */
  ix: SlotIndex | null = null;

  override set(k: string, v: V): this {
    const ix = this.ix;
    if (!ix) return super.set(k, v);
    const n = this.size;
    super.set(k, v);
    if (this.size !== n) ix.add(k);
    return this;
  }

  override delete(k: string): boolean {
    if (!super.delete(k)) return false;
    if (this.ix) this.ix.remove(k);
    return true;
  }

  override clear(): void {
    super.clear();
    if (this.ix) this.ix.reset();
  }

  /** Re-insert every entry in the same order (drops V8's deleted entries); the index stays valid. */
  rebuild(): void {
    const ix = this.ix;
    this.ix = null;
    const entries = [...this];
    super.clear();
    for (const [k, v] of entries) super.set(k, v);
    this.ix = ix;
  }

  index(): SlotIndex {
    return this.ix ??= new SlotIndex(this.keys());
  }
}

/** A Set whose members can be scanned and sampled (see the file comment). */
export class IndexedSet extends Set<string> {
  ix: SlotIndex | null = null;

  override add(k: string): this {
    const ix = this.ix;
    if (!ix) return super.add(k);
    const n = this.size;
    super.add(k);
    if (this.size !== n) ix.add(k);
    return this;
  }

  override delete(k: string): boolean {
    if (!super.delete(k)) return false;
    if (this.ix) this.ix.remove(k);
    return true;
  }

  override clear(): void {
    super.clear();
    if (this.ix) this.ix.reset();
  }

  rebuild(): void {
    const ix = this.ix;
    this.ix = null;
    const keys = [...this];
    super.clear();
    for (const k of keys) super.add(k);
    this.ix = ix;
  }

  index(): SlotIndex {
    return this.ix ??= new SlotIndex(this.keys());
  }
}

export type Indexed = IndexedMap<unknown> | IndexedSet;

/**
 * A uniformly random key of a non-empty container: small ones are walked (no index
 * memory), big ones sampled through the slot index in O(1).
 */
export function randomKeyOf(c: Indexed, rnd: RandomSource): string {
  if (c.size === 0) throw new Error('randomKeyOf on an empty container');
  if (c.ix === null && c.size <= INDEX_MIN_SIZE) {
    let i = rnd.int(c.size);
    for (const k of c.keys()) if (i-- === 0) return k;
  }
  return c.index().random(rnd);
}

export interface ScanPage {
  /** Next cursor as Redis prints it ("0" when the scan is complete). */
  cursor: string;
  /** Elements of this page (before MATCH/TYPE filtering, as in Redis). */
  items: string[];
}

/**
 * One SCAN step: up to `count` keys from `cursor` on, visiting at most 10*count
 * slots (holes included) as Redis's dictScan caps empty buckets. A scan started at
 * 0 with count >= size answers everything in one call without building an index.
 */
export function scanIndexed(c: Indexed, cursor: bigint, count: number): ScanPage {
  if (cursor === 0n && count >= c.size) return { cursor: '0', items: [...c.keys()] };
  const ix = c.index();
  const keys = ix.keys;
  let i = ix.locate(cursor);
  const items: string[] = [];
  let budget = count * 10;
  while (i < keys.length && items.length < count && budget-- > 0) {
    const k = keys[i++];
    if (k !== undefined) items.push(k);
  }
  return { cursor: i >= keys.length ? '0' : String(ix.base + i), items };
}
