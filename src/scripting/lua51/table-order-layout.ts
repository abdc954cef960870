// A model of one Lua 5.1 table's memory layout (ltable.c as shipped in Redis
// 7.0): array part, power-of-two node vector with chained scatter and Brent's
// variation, the downward-moving free pointer, and the rehash sizing rules.
// It tracks keys and whether each slot holds a non-nil value; values
// themselves stay in the host (fengari) table. Iteration order, and the
// border `#` returns, both follow from this layout.

import { MAXBITS, MAXASIZE, ceilLog2, luaNumberHash51 } from './table-order-hash.js';

/** A key as the 5.1 layout needs it. */
export interface Key51 {
  /** Identity: two keys are the same Lua key iff their ids are ===. */
  readonly id: unknown;
  /** Hash value before reduction to a node index. */
  readonly hv: number;
  /** true: node = hv & (size-1) (strings, booleans, number 0);
   *  false: node = hv % ((size-1)|1) (other numbers, pointers). */
  readonly pow2: boolean;
  /** 5.1 arrayindex(): the exact int value of a number key, else -1. */
  readonly ai: number;
}

/** Key record for a number (also used for array slots moved to the hash). */
export function numberKey51(n: number): Key51 {
  const ai = Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : -1;
  // id must be the value fengari keys its Map with; -0 and 0 are one key.
  return { id: n === 0 ? 0 : n, hv: luaNumberHash51(n), pow2: n === 0, ai };
}

// Shared zero-length parts: a layout only writes into parts it sized itself,
// so tables that have no array or no hash part (most small ones) share these
// instead of allocating typed arrays per table.
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);

/** Scratch for rehash's per-log2 counts (rehash does not nest). */
let numsScratch: number[] | null = null;

export class Table51 {
  /** Size of the array part. */
  asize = 0;
  /** Array part: 1 where the value is non-nil. */
  arr: Uint8Array = EMPTY_U8;
  /** Node count; 0 stands for 5.1's shared empty dummy node. */
  nsize = 0;
  keys: (Key51 | null)[] = [];
  live: Uint8Array = EMPTY_U8;
  nxt: Int32Array = EMPTY_I32;
  /** Free-slot search starts below this index and only moves down. */
  lastfree = 0;
  /** Non-nil values across both parts. */
  count = 0;
  /** Slot last handed out by a traversal: lets `next` skip the key lookup. */
  cursor = -1;

  constructor(narray = 0, nhash = 0) {
    if (narray > 0) this.growArray(narray);
    if (nhash > 0) this.setNodeVector(nhash);
  }

  // ---- lookups -------------------------------------------------------

  private mainPos(k: Key51): number {
    return k.pow2 ? k.hv & (this.nsize - 1) : k.hv % ((this.nsize - 1) | 1);
  }

  /** Node index of key k in the hash part, or -1. */
  private findNode(k: Key51): number {
    if (this.nsize === 0) return -1;
    let n = this.mainPos(k);
    do {
      const nk = this.keys[n];
      if (nk !== null && nk !== undefined && nk.id === k.id) return n;
      n = this.nxt[n]!;
    } while (n >= 0);
    return -1;
  }

  /**
   * Unified slot of key k (array slots 0..asize-1, then nodes), or -1.
   * Array slots always exist; nodes exist while they hold the key, even
   * with a nil value (5.1 never removes a key on assignment of nil).
   */
  slotOf(k: Key51): number {
    if (k.ai > 0 && k.ai <= this.asize) return k.ai - 1;
    const n = this.findNode(k);
    return n < 0 ? -1 : this.asize + n;
  }

  /** Whether key k currently has a non-nil value. */
  has(k: Key51): boolean {
    const s = this.slotOf(k);
    return s >= 0 && this.slotLive(s);
  }

  slotLive(slot: number): boolean {
    return slot < this.asize ? this.arr[slot] === 1 : this.live[slot - this.asize] === 1;
  }

  /** Key at a unified slot (a number key for array slots). */
  slotKey(slot: number): Key51 {
    if (slot < this.asize) return numberKey51(slot + 1);
    return this.keys[slot - this.asize]!;
  }

  /** Identity of the key at a unified slot, without allocating. */
  slotKeyId(slot: number): unknown {
    if (slot < this.asize) return slot + 1;
    return this.keys[slot - this.asize]!.id;
  }

  /** First slot after `slot` (-1: from the start) holding a non-nil value, or -1. */
  nextLive(slot: number): number {
    for (let i = slot + 1; i < this.asize; i++) if (this.arr[i] === 1) return i;
    const from = Math.max(slot + 1 - this.asize, 0);
    for (let i = from; i < this.nsize; i++) if (this.live[i] === 1) return this.asize + i;
    return -1;
  }

  // ---- assignment ----------------------------------------------------

  /**
   * t[k] = (nonNil ? something : nil), as luaH_set followed by the store:
   * an absent key is inserted even when the value is nil.
   */
  set(k: Key51, nonNil: boolean): void {
    let s = this.slotOf(k);
    if (s < 0) s = this.newKey(k);
    this.store(s, nonNil);
  }

  /** Assignment of nil to a key: the key stays, only its value goes. */
  private store(slot: number, nonNil: boolean): void {
    const v = nonNil ? 1 : 0;
    if (slot < this.asize) {
      this.count += v - this.arr[slot]!;
      this.arr[slot] = v;
    } else {
      const n = slot - this.asize;
      this.count += v - this.live[n]!;
      this.live[n] = v;
    }
  }

  private getFreePos(): number {
    while (this.lastfree > 0) {
      this.lastfree--;
      if (this.keys[this.lastfree] === null) return this.lastfree;
    }
    return -1;
  }

  /** Place a key absent from the table; returns its unified slot (value nil). */
  private newKey(k: Key51): number {
    if (this.nsize === 0) {
      this.rehash(k);
      return this.slotOrInsert(k);
    }
    let mp = this.mainPos(k);
    if (this.live[mp] === 1) {
      const f = this.getFreePos();
      if (f < 0) {
        this.rehash(k);
        return this.slotOrInsert(k);
      }
      let other = this.mainPos(this.keys[mp]!);
      if (other !== mp) {
        // The occupant is a guest in someone else's chain: move it out.
        while (this.nxt[other] !== mp) other = this.nxt[other]!;
        this.nxt[other] = f;
        this.keys[f] = this.keys[mp]!;
        this.live[f] = this.live[mp]!;
        this.nxt[f] = this.nxt[mp]!;
        this.nxt[mp] = -1;
        this.live[mp] = 0;
      } else {
        // The occupant owns this position: the new key takes the free slot.
        this.nxt[f] = this.nxt[mp]!;
        this.nxt[mp] = f;
        mp = f;
      }
    }
    // A node whose value is nil is reused as is, keeping its chain link.
    this.keys[mp] = k;
    return this.asize + mp;
  }

  /** luaH_set after a rehash: the key may now fall in the array part. */
  private slotOrInsert(k: Key51): number {
    const s = this.slotOf(k);
    return s >= 0 ? s : this.newKey(k);
  }

  // ---- rehash --------------------------------------------------------

  private static countInt(k: Key51, nums: number[]): number {
    if (k.ai > 0 && k.ai <= MAXASIZE) {
      nums[ceilLog2(k.ai)]!++;
      return 1;
    }
    return 0;
  }

  private rehash(extra: Key51): void {
    if (this.asize === 0 && this.nsize === 0) {
      // An empty table: the counts reduce to the new key alone (key 1 makes
      // an array part of 1, anything else a single node).
      if (extra.ai === 1) this.resize(1, 0);
      else this.resize(0, 1);
      return;
    }
    let nums = numsScratch;
    numsScratch = null;
    if (nums === null) nums = new Array<number>(MAXBITS + 1);
    nums.fill(0);
    this.rehashWith(extra, nums);
    numsScratch = nums;
  }

  private rehashWith(extra: Key51, nums: number[]): void {
    let nasize = 0;
    for (let i = 1; i <= this.asize; i++) {
      if (this.arr[i - 1] === 1) {
        nums[ceilLog2(i)]!++;
        nasize++;
      }
    }
    let total = nasize;
    for (let i = this.nsize - 1; i >= 0; i--) {
      if (this.live[i] === 1) {
        nasize += Table51.countInt(this.keys[i]!, nums);
        total++;
      }
    }
    nasize += Table51.countInt(extra, nums);
    total++;
    // computesizes: largest power of two n with more than n/2 slots in use.
    let a = 0;
    let na = 0;
    let n = 0;
    for (let i = 0, twotoi = 1; twotoi / 2 < nasize; i++, twotoi *= 2) {
      if (nums[i]! > 0) {
        a += nums[i]!;
        if (a > twotoi / 2) {
          n = twotoi;
          na = a;
        }
      }
      if (a === nasize) break;
    }
    this.resize(n, total - na);
  }

  /** luaH_resizearray: new array size, hash part keeps its size. */
  resizeArray(nasize: number): void {
    this.resize(nasize, this.nsize);
  }

  private growArray(size: number): void {
    const a = new Uint8Array(size);
    a.set(this.arr.subarray(0, Math.min(this.asize, size)));
    this.arr = a;
    this.asize = size;
  }

  private setNodeVector(size: number): void {
    if (size === 0) {
      this.nsize = 0;
      this.keys = [];
      this.live = EMPTY_U8;
      this.nxt = EMPTY_I32;
    } else {
      const lsize = ceilLog2(size);
      if (lsize > MAXBITS) throw new RangeError('table overflow');
      const n = 2 ** lsize;
      this.nsize = n;
      this.keys = new Array<Key51 | null>(n).fill(null);
      this.live = new Uint8Array(n);
      this.nxt = new Int32Array(n).fill(-1);
    }
    this.lastfree = this.nsize;
  }

  private resize(nasize: number, nhsize: number): void {
    const oldasize = this.asize;
    const oldKeys = this.keys;
    const oldLive = this.live;
    const oldn = this.nsize;
    const oldArr = this.arr;
    if (nasize > oldasize) this.growArray(nasize);
    this.setNodeVector(nhsize);
    if (nasize < oldasize) {
      this.asize = nasize;
      this.arr = oldArr.slice(0, nasize);
      // Values of the vanishing array slice move to the hash part, in order.
      for (let i = nasize; i < oldasize; i++) {
        if (oldArr[i] === 1) this.reinsert(numberKey51(i + 1));
      }
    }
    // Old nodes are re-inserted from the last one down to the first.
    for (let i = oldn - 1; i >= 0; i--) {
      if (oldLive[i] === 1) this.reinsert(oldKeys[i]!);
    }
  }

  /** Re-insert a live key during resize; `count` is unchanged overall. */
  private reinsert(k: Key51): void {
    const s = this.slotOrInsert(k);
    if (s < this.asize) this.arr[s] = 1;
    else this.live[s - this.asize] = 1;
  }

  // ---- length --------------------------------------------------------

  private liveInt(i: number): boolean {
    if (i >= 1 && i <= this.asize) return this.arr[i - 1] === 1;
    const n = this.findNode(numberKey51(i));
    return n >= 0 && this.live[n] === 1;
  }

  /** luaH_getn: the border the 5.1 `#` operator reports for this layout. */
  border(): number {
    let j = this.asize;
    if (j > 0 && this.arr[j - 1] === 0) {
      let i = 0;
      while (j - i > 1) {
        const m = Math.floor((i + j) / 2);
        if (this.arr[m - 1] === 0) j = m;
        else i = m;
      }
      return i;
    }
    if (this.nsize === 0) return j;
    // unbound_search
    let i = j;
    j++;
    while (this.liveInt(j)) {
      i = j;
      j *= 2;
      if (j > 2147483647) {
        i = 1;
        while (this.liveInt(i)) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (!this.liveInt(m)) j = m;
      else i = m;
    }
    return i;
  }
}
