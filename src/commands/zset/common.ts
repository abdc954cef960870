/**
 * Shared pieces of the sorted-set commands: lookups with type checks, Redis's
 * range parsers (zslParseRange / zslParseLexRange), integer argument parsers with
 * their exact error texts, and score/element reply shapes for RESP2 and RESP3.
 */
import type { Ctx } from '../../context.js';
import type { ZSetValue } from '../../keyspace/values.js';
import { err, E, bulk, double, array, type Reply } from '../../reply.js';
import { parseDoubleLoose, parseLongLong } from '../../util/float.js';
import { LEX_MAX, LEX_MIN, zsetLimits, type LexBound, type LexRange, type ScoreRange, type ZSetLimits } from '../../types/zset.js';

export const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
export const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 't' in x;
}

export function limitsOf(ctx: Ctx): ZSetLimits {
  return zsetLimits(ctx.server.config);
}

/** lookupKeyRead + checkType(zset). */
export function readZset(ctx: Ctx, key: string): ZSetValue | undefined | Reply {
  const v = ctx.db.lookupRead(key);
  if (!v) return undefined;
  if (v.type !== 'zset') return err(E.WRONGTYPE);
  return v;
}

/** lookupKeyWrite + checkType(zset). */
export function writeZset(ctx: Ctx, key: string): ZSetValue | undefined | Reply {
  const v = ctx.db.lookupWrite(key);
  if (!v) return undefined;
  if (v.type !== 'zset') return err(E.WRONGTYPE);
  return v;
}

const LONG_MAX = 9223372036854775807n;

/**
 * getLongFromObjectOrReply (64-bit long). Values beyond 2^53 keep their magnitude
 * as a JS number; every use here only compares or clamps them.
 */
export function parseLong(s: string, msg = E.NOT_INT as string): number | Reply {
  const v = parseLongLong(s);
  if (v === null) return err(msg);
  return Number(v);
}

/** getRangeLongFromObjectOrReply with a custom message for both failures. */
export function parseRangeLong(s: string, min: bigint, max: bigint, msg: string): number | Reply {
  const v = parseLongLong(s);
  if (v === null || v < min || v > max) return err(msg);
  return Number(v);
}

/** getPositiveLongFromObjectOrReply. */
export function parsePositiveLong(s: string, msg = 'ERR value is out of range, must be positive'): number | Reply {
  return parseRangeLong(s, 0n, LONG_MAX, msg);
}

/** One bound of zslParseRange: "(" makes it exclusive; the rest is a bare strtod. */
function parseScoreBound(s: string): { v: number; ex: boolean } | null {
  const ex = s.charCodeAt(0) === 40; // '('
  const v = parseDoubleLoose(ex ? s.slice(1) : s);
  return v === null ? null : { v, ex };
}

export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const a = parseScoreBound(min);
  const b = parseScoreBound(max);
  if (!a || !b) return null;
  return { min: a.v, minex: a.ex, max: b.v, maxex: b.ex };
}

function parseLexItem(s: string): { v: LexBound; ex: boolean } | null {
  switch (s[0]) {
    case '+': return s.length === 1 ? { v: LEX_MAX, ex: true } : null;
    case '-': return s.length === 1 ? { v: LEX_MIN, ex: true } : null;
    case '(': return { v: s.slice(1), ex: true };
    case '[': return { v: s.slice(1), ex: false };
    default: return null;
  }
}

export function parseLexRange(min: string, max: string): LexRange | null {
  const a = parseLexItem(min);
  const b = parseLexItem(max);
  if (!a || !b) return null;
  return { min: a.v, minex: a.ex, max: b.v, maxex: b.ex };
}

/**
 * Member/score pairs as Redis sends them: a flat array in RESP2 (or without
 * scores), [member, score] pairs in RESP3 with scores.
 */
export function pairsReply(ctx: Ctx, items: Array<[string, number]>, withScores: boolean): Reply {
  if (!withScores) return array(items.map(([m]) => bulk(m)));
  if (ctx.client.resp === 2) {
    const out: Reply[] = [];
    for (const [m, s] of items) out.push(bulk(m), double(s));
    return array(out);
  }
  return array(items.map(([m, s]) => array([bulk(m), double(s)])));
}

/** Delete the key when its zset became empty; returns true if it did. */
export function deleteIfEmpty(ctx: Ctx, key: string, zv: ZSetValue): boolean {
  if (zv.v.size > 0) return false;
  ctx.db.delete(key);
  return true;
}
