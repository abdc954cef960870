/**
 * List values: a deque of byte strings (src/types/deque.ts), head at index 0,
 * so pushes and pops at both ends are O(1) as with Redis's quicklist.
 *
 * Redis 7.0 stores every list as a quicklist (there is no top-level listpack
 * encoding before 7.2), so `enc` is always 'quicklist'. Elements that look like
 * integers are stored as integers inside the quicklist's listpacks, but only
 * canonical ones (string2ll rules), so byte-wise equality of the original strings
 * is exactly Redis's element comparison and replies return the bytes unchanged.
 */
import type { ListValue } from '../keyspace/values.js';
import { Deque } from './deque.js';

export type Where = 'left' | 'right';

/** A new empty list (Redis's createQuicklistObject). */
export function newList(): ListValue {
  return { type: 'list', v: new Deque<string>(), enc: 'quicklist', lru: 0 };
}

/** A list value holding `items` in order, head first (RESTORE, SORT ... STORE, tests). */
export function listFrom(items: Iterable<string>): ListValue {
  return { type: 'list', v: Deque.from(items), enc: 'quicklist', lru: 0 };
}

/** Redis's LEFT/RIGHT argument (case-insensitive), or null for a syntax error. */
export function parseWhere(s: string): Where | null {
  const l = s.toLowerCase();
  return l === 'left' ? 'left' : l === 'right' ? 'right' : null;
}

/** Push elements one by one at the head (each new element becomes the head) or the tail. */
export function listPush(l: ListValue, elems: readonly string[], where: Where): void {
  const d = l.v;
  if (where === 'right') for (const e of elems) d.pushBack(e);
  else for (const e of elems) d.pushFront(e);
}

/** Pop one element from an end (the list must not be empty). */
export function listPop(l: ListValue, where: Where): string {
  return (where === 'left' ? l.v.popFront() : l.v.popBack()) as string;
}

/**
 * Pop up to `count` elements from an end, in pop order (from the tail the last
 * element comes first), as LPOP/RPOP with COUNT and LMPOP reply them.
 */
export function listPopMany(l: ListValue, where: Where, count: number): string[] {
  const n = Math.min(count, l.v.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = (where === 'left' ? l.v.popFront() : l.v.popBack()) as string;
  return out;
}

/**
 * Normalise an inclusive [start, end] range with negative indexes the way
 * LRANGE/LTRIM do; null when the range is empty.
 */
export function listRange(len: number, start: number, end: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/** Map an LINDEX/LSET index (negative from the tail) to an array position, or -1 if out of range. */
export function listIndex(len: number, index: number): number {
  const i = index < 0 ? len + index : index;
  return i >= 0 && i < len ? i : -1;
}
