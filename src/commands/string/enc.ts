/**
 * String object encodings as Redis 7.0 reports them (OBJECT ENCODING / REFCOUNT):
 * "int" for values string2l() accepts (at most 20 chars), "embstr" up to 44 bytes,
 * "raw" beyond that or after in-place edits (APPEND, SETRANGE, SETBIT: the `raw` flag).
 * Integers 0..9999 are Redis's shared objects (refcount INT_MAX) unless created when
 * sharing was not allowed or copied (COPY duplicates them).
 *
 * The default inference matches tryObjectEncoding(), which nearly every string write
 * applies; the exceptions are recorded per value object in a WeakMap.
 */
import type { StringValue } from '../../keyspace/values.js';
import type { RedSim } from '../../server.js';
import { parseLongLong } from '../../util/float.js';

export type StringEncoding = 'int' | 'embstr' | 'raw';

interface Override { noInt?: boolean; unshared?: boolean }
const OVERRIDES = new WeakMap<StringValue, Override>();

const EMBSTR_MAX = 44;
const SHARED_INTEGERS = 10000;
/** Redis's OBJ_SHARED_REFCOUNT (INT_MAX). */
export const SHARED_REFCOUNT = 2147483647;

/** string2l on a 64-bit long: the int encoding test of tryObjectEncoding. */
export function intValueOf(s: string): bigint | null {
  return s.length <= 20 ? parseLongLong(s) : null;
}

export function stringEncoding(v: StringValue): StringEncoding {
  if (v.raw) return 'raw';
  const o = OVERRIDES.get(v);
  if (!o?.noInt && intValueOf(v.v) !== null) return 'int';
  return v.v.length <= EMBSTR_MAX ? 'embstr' : 'raw';
}

/**
 * Inside EXEC, a value stored straight from a queued command's argv (SET, MSET,
 * INCRBYFLOAT's rewritten argv...) is shared with that argv until EXEC ends, so
 * OBJECT REFCOUNT shows 2 for it meanwhile. `held` remembers the EXEC (its queue
 * object) and the content stored; an in-place edit (APPEND, SETRANGE...) or the end
 * of that EXEC drops the extra reference.
 */
const HELD = new WeakMap<StringValue, { exec: object; s: string }>();
let runningExec: object | null = null;
/** transactions.ts: the queue being executed, or null. */
export function setRunningExec(queue: object | null): void { runningExec = queue; }
/** Mark a freshly stored value as shared with the current command's argv (no-op outside EXEC). */
export function heldByArgv<T extends StringValue>(ctx: { inExec: boolean }, v: T): T {
  if (ctx.inExec && runningExec) HELD.set(v, { exec: runningExec, s: v.v });
  return v;
}

/** OBJECT REFCOUNT of a string value stored in the keyspace. */
export function stringRefcount(v: StringValue): number {
  if (stringEncoding(v) === 'int' && !OVERRIDES.get(v)?.unshared) {
    const n = intValueOf(v.v)!;
    if (n >= 0n && n < BigInt(SHARED_INTEGERS)) return SHARED_REFCOUNT;
  }
  const h = HELD.get(v);
  return h && h.exec === runningExec && h.s === v.v && !v.raw ? 2 : 1;
}

/** maxmemory set with an LRU/LFU policy disables shared integers (they have no own LRU field). */
export function sharedIntegersAllowed(server: RedSim): boolean {
  if (server.config.getNumber('maxmemory') === 0) return true;
  const p = server.config.get('maxmemory-policy') ?? '';
  return !(p.includes('lru') || p.includes('lfu'));
}

/** tryObjectEncoding(createStringObject(s)): the value SET/MSET/SETNX/GETSET... store. */
export function encodedString(server: RedSim, s: string): StringValue {
  const v: StringValue = { type: 'string', v: s, lru: 0 };
  if (!sharedIntegersAllowed(server)) OVERRIDES.set(v, { unshared: true });
  return v;
}

/** createStringObject(s) without the integer attempt (INCRBYFLOAT results). */
export function plainString(s: string): StringValue {
  const v: StringValue = { type: 'string', v: s, lru: 0 };
  OVERRIDES.set(v, { noInt: true });
  return v;
}

/** A raw-encoded string (APPEND/SETRANGE results). */
export function rawString(s: string): StringValue {
  return { type: 'string', v: s, raw: true, lru: 0 };
}

/** dupStringObject(): same encoding, never shared. */
export function dupString(v: StringValue): StringValue {
  const d: StringValue = { type: 'string', v: v.v, lru: 0 };
  if (v.raw) d.raw = true;
  const o = OVERRIDES.get(v);
  OVERRIDES.set(d, { noInt: o?.noInt, unshared: true });
  return d;
}
