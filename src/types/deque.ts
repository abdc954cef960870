/**
 * A double-ended queue on a ring buffer whose capacity is a power of two, so
 * a logical index maps to a slot with one mask. Pushes and pops at either end
 * are O(1) amortized (the buffer doubles when full and halves when a quarter
 * full), random access is O(1), and inserting in the middle moves only the
 * shorter side. List values (src/types/list.ts) keep their elements in one.
 */

const MIN_CAPACITY = 8;

export class Deque<T> implements Iterable<T> {
  private buf: Array<T | undefined>;
  private mask: number;
  private head = 0;
  private len = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.buf = new Array<T | undefined>(cap);
    this.mask = cap - 1;
  }

  /** A deque holding the items of `items` in order. */
  static from<T>(items: Iterable<T> | ArrayLike<T>): Deque<T> {
    const arr = Array.isArray(items) ? (items as T[]) : Array.from(items as Iterable<T>);
    const d = new Deque<T>(arr.length);
    for (let i = 0; i < arr.length; i++) d.buf[i] = arr[i];
    d.len = arr.length;
    return d;
  }

  get length(): number { return this.len; }

  /** The item at logical index i (0 = front); undefined when out of range. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.len) return undefined;
    return this.buf[(this.head + i) & this.mask];
  }

  /** Overwrite the item at logical index i (must be in range). */
  set(i: number, v: T): void {
    if (i < 0 || i >= this.len) throw new RangeError(`deque index ${i} out of range`);
    this.buf[(this.head + i) & this.mask] = v;
  }

  pushBack(v: T): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.len) & this.mask] = v;
    this.len++;
  }

  pushFront(v: T): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.len++;
  }

  popFront(): T | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined; // let the element be collected
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return v;
  }

  popBack(): T | undefined {
    if (this.len === 0) return undefined;
    const slot = (this.head + this.len - 1) & this.mask;
    const v = this.buf[slot];
    this.buf[slot] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Items [start, end) as a new array; bounds are clamped like Array.prototype.slice with non-negative indexes. */
  slice(start = 0, end = this.len): T[] {
    start = Math.max(0, Math.min(start, this.len));
    end = Math.max(start, Math.min(end, this.len));
    const out = new Array<T>(end - start);
    for (let i = start, k = 0; i < end; i++, k++) out[k] = this.buf[(this.head + i) & this.mask] as T;
    return out;
  }

  toArray(): T[] { return this.slice(0, this.len); }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.len; i++) yield this.buf[(this.head + i) & this.mask] as T;
  }

  /** Logical index of the first item === v, or -1. */
  indexOf(v: T): number {
    for (let i = 0; i < this.len; i++) if (this.buf[(this.head + i) & this.mask] === v) return i;
    return -1;
  }

  /** Insert v so it ends up at logical index i (0..length), moving the shorter side. */
  insert(i: number, v: T): void {
    if (i < 0 || i > this.len) throw new RangeError(`deque insert index ${i} out of range`);
    if (i === 0) { this.pushFront(v); return; }
    if (i === this.len) { this.pushBack(v); return; }
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    const m = this.mask;
    if (i < this.len - i) {
      // Shift the first i items one slot towards the front.
      this.head = (this.head - 1) & m;
      for (let k = 0; k < i; k++) this.buf[(this.head + k) & m] = this.buf[(this.head + k + 1) & m];
    } else {
      for (let k = this.len; k > i; k--) this.buf[(this.head + k) & m] = this.buf[(this.head + k - 1) & m];
    }
    this.buf[(this.head + i) & m] = v;
    this.len++;
  }

  /** Remove and return the item at logical index i (must be in range), moving the shorter side. */
  removeAt(i: number): T {
    if (i < 0 || i >= this.len) throw new RangeError(`deque index ${i} out of range`);
    if (i === 0) return this.popFront() as T;
    if (i === this.len - 1) return this.popBack() as T;
    const m = this.mask;
    const v = this.buf[(this.head + i) & m] as T;
    if (i < this.len - 1 - i) {
      for (let k = i; k > 0; k--) this.buf[(this.head + k) & m] = this.buf[(this.head + k - 1) & m];
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) & m;
    } else {
      for (let k = i; k < this.len - 1; k++) this.buf[(this.head + k) & m] = this.buf[(this.head + k + 1) & m];
      this.buf[(this.head + this.len - 1) & m] = undefined;
    }
    this.len--;
    this.maybeShrink();
    return v;
  }

  /**
   * Keep only the items for which keep(item, index) is true, in order, in one
   * O(n) pass; indexes are the positions before any removal. Returns how many
   * items were removed.
   */
  retain(keep: (v: T, i: number) => boolean): number {
    const m = this.mask;
    let w = 0;
    for (let r = 0; r < this.len; r++) {
      const v = this.buf[(this.head + r) & m] as T;
      if (!keep(v, r)) continue;
      if (w !== r) this.buf[(this.head + w) & m] = v;
      w++;
    }
    const removed = this.len - w;
    for (let k = w; k < this.len; k++) this.buf[(this.head + k) & m] = undefined;
    this.len = w;
    if (removed) this.compact();
    return removed;
  }

  /** Keep only the items [start, end) (clamped), dropping the rest from both ends. */
  trim(start: number, end: number): void {
    start = Math.max(0, Math.min(start, this.len));
    end = Math.max(start, Math.min(end, this.len));
    const m = this.mask;
    for (let k = 0; k < start; k++) this.buf[(this.head + k) & m] = undefined;
    for (let k = end; k < this.len; k++) this.buf[(this.head + k) & m] = undefined;
    this.head = (this.head + start) & m;
    this.len = end - start;
    this.compact();
  }

  clear(): void {
    this.buf = new Array<T | undefined>(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.len = 0;
  }

  /** A shallow copy (the items themselves are shared). */
  clone(): Deque<T> {
    const d = new Deque<T>(this.len);
    for (let i = 0; i < this.len; i++) d.buf[i] = this.buf[(this.head + i) & this.mask];
    d.len = this.len;
    return d;
  }

  /** Halve the buffer when it is at most a quarter full, so a drained queue gives memory back. */
  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > MIN_CAPACITY && this.len <= cap >>> 2) this.resize(cap >>> 1);
  }

  /** After a bulk removal: shrink to the smallest power of two that still leaves room to grow. */
  private compact(): void {
    let cap = this.buf.length;
    while (cap > MIN_CAPACITY && this.len <= cap >>> 2) cap >>>= 1;
    if (cap !== this.buf.length) this.resize(cap);
  }

  private resize(cap: number): void {
    const nb = new Array<T | undefined>(cap);
    for (let i = 0; i < this.len; i++) nb[i] = this.buf[(this.head + i) & this.mask];
    this.buf = nb;
    this.mask = cap - 1;
    this.head = 0;
  }
}
