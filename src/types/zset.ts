/**
 * Sorted sets: a skiplist with spans (O(log n) insert/delete/rank/seek) plus a
 * member -> score Map, ordered by (score, member bytes) exactly like Redis's zset.
 *
 * Redis keeps small zsets in a listpack. The order is the same in both encodings;
 * the visible differences are modelled on the ZSetValue (`enc`):
 *  - a listpack stores integral scores as integers, so a -0 score reads back as 0;
 *  - ZSCAN returns a listpack whole, with scores printed as they were stored;
 *  - conversions follow zset-max-listpack-entries / zset-max-listpack-value.
 * The same ZSet class backs both encodings; listpack-encoded values simply never
 * hold a -0 score.
 */
import type { ZSetValue } from '../keyspace/values.js';
import { IndexedMap } from './indexed.js';

const MAX_LEVEL = 32;

const NO_SPANS: number[] = [];

/** Span of x on level i (level 0 is implicit, see ZNode.span). */
function spanOf(x: ZNode, i: number): number { return i === 0 ? (x.next[0] === null ? 0 : 1) : x.span[i - 1]; }

export class ZNode {
  backward: ZNode | null = null;
  readonly next: Array<ZNode | null>;
  /**
   * Spans of levels 1.. (span[i - 1] is level i's). Level 0's span is implicit: 1 to
   * a successor, 0 at the tail (Redis's invariant), so 3/4 of the nodes hold none.
   */
  readonly span: number[];
  constructor(public member: string, public score: number, level: number) {
    // Exact-size packed arrays: an array grown by push() reserves 17 slots, which
    // made a node ~4x Redis's skiplist node. 3/4 of the nodes have level 1.
    switch (level) {
      case 1: this.next = [null]; this.span = NO_SPANS; break;
      case 2: this.next = [null, null]; this.span = [0]; break;
      case 3: this.next = [null, null, null]; this.span = [0, 0]; break;
      default:
        this.next = new Array<ZNode | null>(level).fill(null);
        this.span = new Array<number>(level - 1).fill(0);
    }
  }
}

/** A score interval (zrangespec). */
export interface ScoreRange { min: number; max: number; minex: boolean; maxex: boolean }

/** Lex bounds: a member string, or the "-" / "+" sentinels. */
export const LEX_MIN: unique symbol = Symbol('-');
export const LEX_MAX: unique symbol = Symbol('+');
export type LexBound = string | typeof LEX_MIN | typeof LEX_MAX;
/** A lex interval (zlexrangespec). The sentinels are always exclusive. */
export interface LexRange { min: LexBound; max: LexBound; minex: boolean; maxex: boolean }

/** Redis's sdscmplex: byte order with "-" below and "+" above every string. */
export function cmpLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return a < b ? -1 : 1;
}

export const scoreGteMin = (v: number, r: ScoreRange): boolean => (r.minex ? v > r.min : v >= r.min);
export const scoreLteMax = (v: number, r: ScoreRange): boolean => (r.maxex ? v < r.max : v <= r.max);
export const lexGteMin = (v: string, r: LexRange): boolean => (r.minex ? cmpLex(v, r.min) > 0 : cmpLex(v, r.min) >= 0);
export const lexLteMax = (v: string, r: LexRange): boolean => (r.maxex ? cmpLex(v, r.max) < 0 : cmpLex(v, r.max) <= 0);

// Scratch paths for insert/delete (never re-entered): no allocation per operation.
const UPDATE: ZNode[] = [];
const RANK: number[] = new Array<number>(MAX_LEVEL).fill(0);

/** Does (s1, m1) sort strictly before (s2, m2)? */
function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

export class ZSet {
  /** member -> score. Read-only for callers: mutate through the methods. Indexed for ZSCAN. */
  readonly dict = new IndexedMap<number>();
  private readonly head = new ZNode('', 0, MAX_LEVEL);
  private tailNode: ZNode | null = null;
  private level = 1;
  private count = 0;
  // Level choice only shapes the skiplist, never a reply: a private xorshift keeps it cheap.
  private rnd = 0x2545f491;

  get size(): number { return this.count; }
  /** Same as size (generic code reads `v.size ?? v.length`). */
  get length(): number { return this.count; }

  score(member: string): number | undefined { return this.dict.get(member); }
  has(member: string): boolean { return this.dict.has(member); }

  /** Lowest / highest element. */
  first(): ZNode | null { return this.head.next[0]; }
  last(): ZNode | null { return this.tailNode; }

  private randomLevel(): number {
    let lvl = 1;
    for (;;) {
      let x = this.rnd;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      this.rnd = x >>> 0;
      // Probability 1/4 of going one level up.
      if ((this.rnd & 3) !== 0 || lvl >= MAX_LEVEL) return lvl;
      lvl++;
    }
  }

  /** Add a member that is not present yet. */
  insert(member: string, score: number): ZNode {
    const update = UPDATE;
    const rank = RANK;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      for (let f = x.next[i]; f && before(f.score, f.member, score, member); f = x.next[i]) {
        rank[i] += spanOf(x, i);
        x = f;
      }
      update[i] = x;
    }
    const lvl = this.randomLevel();
    if (lvl > this.level) {
      for (let i = this.level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i - 1] = this.count; // i >= 1: level 0 always exists
      }
      this.level = lvl;
    }
    const node = new ZNode(member, score, lvl);
    for (let i = 0; i < lvl; i++) {
      node.next[i] = update[i].next[i];
      update[i].next[i] = node;
      if (i === 0) continue; // implicit level-0 spans follow the links
      node.span[i - 1] = update[i].span[i - 1] - (rank[0] - rank[i]);
      update[i].span[i - 1] = rank[0] - rank[i] + 1;
    }
    for (let i = lvl; i < this.level; i++) update[i].span[i - 1]++;
    node.backward = update[0] === this.head ? null : update[0];
    const n0 = node.next[0];
    if (n0) n0.backward = node; else this.tailNode = node;
    this.count++;
    this.dict.set(member, score);
    return node;
  }

  /**
   * The node of a present member; fills UPDATE with the rightmost node before it
   * on every level (the path unlinkNode needs).
   */
  private findPath(member: string, score: number): ZNode {
    const update = UPDATE;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.next[i]; f && before(f.score, f.member, score, member); f = x.next[i]) x = f;
      update[i] = x;
    }
    const node = x.next[0];
    if (!node || node.member !== member) throw new Error('zset skiplist out of sync with its dict');
    return node;
  }

  /** Unlink a node found by findPath (UPDATE still holds its path). The dict is untouched. */
  private unlinkNode(node: ZNode): void {
    const update = UPDATE;
    for (let i = 0; i < this.level; i++) {
      if (update[i].next[i] === node) {
        if (i !== 0) update[i].span[i - 1] += node.span[i - 1] - 1;
        update[i].next[i] = node.next[i];
      } else if (i !== 0) {
        update[i].span[i - 1] -= 1;
      }
    }
    const n0 = node.next[0];
    if (n0) n0.backward = node.backward; else this.tailNode = node.backward;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.count--;
  }

  /** Remove a member; false when absent. */
  delete(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    this.unlinkNode(this.findPath(member, score));
    this.dict.delete(member);
    return true;
  }

  /**
   * Change the score of a present member. Like Redis's zslUpdateScore, the node
   * keeps its place when (score, member) still sorts between its neighbours;
   * otherwise it is unlinked and inserted again.
   */
  updateScore(member: string, score: number): void {
    const cur = this.dict.get(member);
    if (cur === undefined) throw new Error('zset updateScore of an absent member');
    const node = this.findPath(member, cur);
    // The member moves to the end of the dict either way, as a delete + insert
    // always did: the dict's order is what ZSCAN walks.
    this.dict.delete(member);
    const prev = node.backward, next = node.next[0];
    if ((prev === null || before(prev.score, prev.member, score, member)) &&
        (next === null || before(score, member, next.score, next.member))) {
      node.score = score;
      this.dict.set(member, score);
      return;
    }
    this.unlinkNode(node);
    this.insert(member, score);
  }

  /** 0-based rank in ascending order, or -1 when absent. */
  rank(member: string): number {
    const score = this.dict.get(member);
    if (score === undefined) return -1;
    let r = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.next[i]; f && (f.score < score || (f.score === score && f.member <= member)); f = x.next[i]) {
        r += spanOf(x, i);
        x = f;
      }
      if (x !== this.head && x.member === member) return r - 1;
    }
    return -1;
  }

  /** Element at a 0-based rank, or null. */
  at(rank: number): ZNode | null {
    if (rank < 0 || rank >= this.count) return null;
    const target = rank + 1;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] && traversed + spanOf(x, i) <= target) {
        traversed += spanOf(x, i);
        x = x.next[i]!;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** First node for which `outside` is false, assuming `outside` holds for a prefix. */
  private firstNot(outside: (n: ZNode) => boolean): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.next[i]; f && outside(f); f = x.next[i]) x = f;
    }
    return x.next[0];
  }

  /** Last node for which `inside` holds, assuming it holds for a prefix. */
  private lastWhere(inside: (n: ZNode) => boolean): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.next[i]; f && inside(f); f = x.next[i]) x = f;
    }
    return x === this.head ? null : x;
  }

  firstInRange(r: ScoreRange): ZNode | null {
    const x = this.firstNot((n) => !scoreGteMin(n.score, r));
    return x && scoreLteMax(x.score, r) ? x : null;
  }

  lastInRange(r: ScoreRange): ZNode | null {
    const x = this.lastWhere((n) => scoreLteMax(n.score, r));
    return x && scoreGteMin(x.score, r) ? x : null;
  }

  /**
   * Redis's zslIsInLexRange / zzlIsInLexRange guard: an empty interval, or a
   * tail below min or head above max, finds nothing. It matters when members
   * with different scores are not in byte order (lex ranges are then
   * "undefined" but deterministic in Redis).
   */
  private mayHaveLex(r: LexRange): boolean {
    const c = cmpLex(r.min, r.max);
    if (c > 0 || (c === 0 && (r.minex || r.maxex))) return false;
    const tail = this.tailNode, first = this.head.next[0];
    return !!tail && lexGteMin(tail.member, r) && !!first && lexLteMax(first.member, r);
  }

  /**
   * `linear`: scan element by element as a listpack does (zzlFirstInLexRange);
   * otherwise descend the skiplist levels (zslFirstInLexRange). They differ only
   * when members are not in byte order.
   */
  firstInLexRange(r: LexRange, linear = false): ZNode | null {
    if (!this.mayHaveLex(r)) return null;
    let x: ZNode | null;
    if (linear) {
      for (x = this.head.next[0]; x && !lexGteMin(x.member, r); x = x.next[0]);
    } else {
      x = this.firstNot((n) => !lexGteMin(n.member, r));
    }
    return x && lexLteMax(x.member, r) ? x : null;
  }

  lastInLexRange(r: LexRange, linear = false): ZNode | null {
    if (!this.mayHaveLex(r)) return null;
    let x: ZNode | null;
    if (linear) {
      for (x = this.tailNode; x && !lexLteMax(x.member, r); x = x.backward);
    } else {
      x = this.lastWhere((n) => lexLteMax(n.member, r));
    }
    return x && lexGteMin(x.member, r) ? x : null;
  }

  /** Elements counted from `from` while `inRange` holds (ascending). */
  private countFrom(from: ZNode | null, inRange: (n: ZNode) => boolean): number {
    if (!from) return 0;
    const last = this.lastWhere(inRange);
    if (!last) return 0;
    return this.rank(last.member) - this.rank(from.member) + 1;
  }

  countInRange(r: ScoreRange): number {
    return this.countFrom(this.firstInRange(r), (n) => scoreLteMax(n.score, r));
  }

  /** ZLEXCOUNT: a listpack counts the run from the first match; a skiplist subtracts ranks. */
  countInLexRange(r: LexRange, linear = false): number {
    const from = this.firstInLexRange(r, linear);
    if (!from) return 0;
    if (linear) {
      let n = 0;
      for (let x: ZNode | null = from; x && lexLteMax(x.member, r); x = x.next[0]) n++;
      return n;
    }
    const last = this.lastInLexRange(r);
    return last ? this.rank(last.member) - this.rank(from.member) + 1 : 0;
  }

  private deleteRun(from: ZNode | null, inRange: (n: ZNode) => boolean): number {
    const doomed: string[] = [];
    for (let x = from; x && inRange(x); x = x.next[0]) doomed.push(x.member);
    for (const m of doomed) this.delete(m);
    return doomed.length;
  }

  deleteRangeByScore(r: ScoreRange): number {
    return this.deleteRun(this.firstInRange(r), (n) => scoreLteMax(n.score, r));
  }

  deleteRangeByLex(r: LexRange, linear = false): number {
    return this.deleteRun(this.firstInLexRange(r, linear), (n) => lexLteMax(n.member, r));
  }

  /** Delete ranks start..end (0-based, inclusive, already clamped). */
  deleteRangeByRank(start: number, end: number): number {
    let left = end - start + 1;
    return this.deleteRun(this.at(start), () => left-- > 0);
  }

  /** Ascending [member, score] pairs. */
  *entries(): IterableIterator<[string, number]> {
    for (let x = this.head.next[0]; x; x = x.next[0]) yield [x.member, x.score];
  }

  /** Longest member length in bytes. */
  maxMemberLength(): number {
    let m = 0;
    for (const k of this.dict.keys()) if (k.length > m) m = k.length;
    return m;
  }

  clone(): ZSet {
    const z = new ZSet();
    // Inserting from the highest element down keeps every insert at the head.
    for (let x = this.tailNode; x; x = x.backward) z.insert(x.member, x.score);
    return z;
  }
}

// ---------------------------------------------------------------------------
// ZSetValue: encodings and Redis's zsetAdd
// ---------------------------------------------------------------------------

export interface ZSetLimits {
  /** zset-max-listpack-entries */
  maxEntries: number;
  /** zset-max-listpack-value */
  maxValue: number;
}

export function zsetLimits(config: { getNumber(name: string): number }): ZSetLimits {
  return {
    maxEntries: config.getNumber('zset-max-listpack-entries'),
    maxValue: config.getNumber('zset-max-listpack-value'),
  };
}

export function newZSetValue(enc: 'listpack' | 'skiplist'): ZSetValue {
  return { type: 'zset', v: new ZSet(), enc, lru: 0 };
}

/** The empty zset ZADD creates for its first member (zaddGenericCommand). */
export function newZSetFor(firstMember: string, lim: ZSetLimits): ZSetValue {
  const big = lim.maxEntries === 0 || lim.maxValue < firstMember.length;
  return newZSetValue(big ? 'skiplist' : 'listpack');
}

/** A listpack stores integral scores as integers: -0 comes back as 0. */
function stored(zv: ZSetValue, score: number): number {
  return zv.enc === 'listpack' && score === 0 ? 0 : score;
}

/** Skiplist -> listpack when small enough (zsetConvertToListpackIfNeeded). */
export function convertToListpackIfNeeded(zv: ZSetValue, lim: ZSetLimits, maxLen = zv.v.maxMemberLength()): void {
  if (zv.enc === 'listpack') return;
  if (zv.v.size <= lim.maxEntries && maxLen <= lim.maxValue) {
    zv.enc = 'listpack';
    const negZero = [...zv.v.dict].filter(([, s]) => Object.is(s, -0));
    for (const [m] of negZero) zv.v.updateScore(m, 0);
  }
}

export const ZADD_INCR = 1, ZADD_NX = 2, ZADD_XX = 4, ZADD_GT = 8, ZADD_LT = 16;

export interface ZAddResult {
  /** The resulting score is NaN (nothing changed). */
  nan: boolean;
  added: boolean;
  updated: boolean;
  /** Skipped because of NX/XX/GT/LT. */
  nop: boolean;
  /** Score after the operation (INCR reply), when not nop. */
  newScore: number;
}

/**
 * Redis's zsetAdd on either encoding: NX/XX/GT/LT/INCR semantics, and the
 * listpack -> skiplist conversion when a new member would exceed the limits.
 */
export function zsetAdd(zv: ZSetValue, score: number, member: string, flags: number, lim: ZSetLimits): ZAddResult {
  const r: ZAddResult = { nan: false, added: false, updated: false, nop: false, newScore: score };
  if (Number.isNaN(score)) { r.nan = true; return r; }
  const z = zv.v;
  const cur = z.score(member);
  if (cur !== undefined) {
    if (flags & ZADD_NX) { r.nop = true; return r; }
    if (flags & ZADD_INCR) {
      score += cur;
      if (Number.isNaN(score)) { r.nan = true; return r; }
    }
    if (((flags & ZADD_LT) && score >= cur) || ((flags & ZADD_GT) && score <= cur)) { r.nop = true; return r; }
    r.newScore = score;
    if (score !== cur) {
      z.updateScore(member, stored(zv, score));
      r.updated = true;
    }
    return r;
  }
  if (flags & ZADD_XX) { r.nop = true; return r; }
  if (zv.enc === 'listpack' && (z.size + 1 > lim.maxEntries || member.length > lim.maxValue)) zv.enc = 'skiplist';
  z.insert(member, stored(zv, score));
  r.added = true;
  return r;
}
