/**
 * ZRANGE and its relatives (ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX) and
 * ZRANGESTORE: Redis 7.0's zrangeGenericCommand with its option grammar, error
 * order and result handlers (client reply or destination zset).
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { ZERO, int, err, errSyntax, EMPTY_ARRAY, type Reply } from '../../reply.js';
import {
  lexGteMin, lexLteMax, newZSetValue, scoreGteMin, scoreLteMax, zsetAdd,
  type LexRange, type ScoreRange, type ZNode, type ZSet,
} from '../../types/zset.js';
import type { ZSetValue } from '../../keyspace/values.js';
import {
  ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, isReply, limitsOf, pairsReply, parseLexRange, parseLong,
  parseScoreRange, readZset,
} from './common.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** Elements of a rank range (genericZrangebyrankCommand), or null for "nothing". */
function byRank(z: ZSet, start: number, end: number, reverse: boolean): Array<[string, number]> {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return [];
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  const out: Array<[string, number]> = [];
  let x = reverse ? z.at(llen - 1 - start) : z.at(start);
  while (n-- > 0 && x) {
    out.push([x.member, x.score]);
    x = reverse ? x.backward : x.next[0];
  }
  return out;
}

/**
 * Walk from the first (or last, reversed) element in range, skip `offset`, then
 * take up to `limit` elements while still in range. As in Redis, a negative
 * offset walks off the end (empty result) and a negative limit means no limit.
 */
function walk(start: ZNode | null, offset: number, limit: number, reverse: boolean,
  stillIn: (n: ZNode) => boolean): Array<[string, number]> {
  let x = start;
  const step = (n: ZNode): ZNode | null => (reverse ? n.backward : n.next[0]);
  if (offset < 0) return [];
  while (x && offset-- > 0) x = step(x);
  const out: Array<[string, number]> = [];
  while (x && limit-- !== 0) {
    if (!stillIn(x)) break;
    out.push([x.member, x.score]);
    x = step(x);
  }
  return out;
}

function byScore(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): Array<[string, number]> {
  if (offset > 0 && offset >= z.size) return [];
  const start = reverse ? z.lastInRange(r) : z.firstInRange(r);
  return walk(start, offset, limit, reverse,
    reverse ? (n) => scoreGteMin(n.score, r) : (n) => scoreLteMax(n.score, r));
}

function byLex(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean, linear: boolean): Array<[string, number]> {
  const start = reverse ? z.lastInLexRange(r, linear) : z.firstInLexRange(r, linear);
  return walk(start, offset, limit, reverse,
    reverse ? (n) => lexGteMin(n.member, r) : (n) => lexLteMax(n.member, r));
}

/**
 * The destination of ZRANGESTORE, built the way Redis's store handler does: a
 * listpack unless the (known) length exceeds zset-max-listpack-entries, then
 * zsetAdd per element (which converts as limits are crossed).
 */
function storeResult(ctx: Ctx, dst: string, items: Array<[string, number]>, knownLength: number): Reply {
  if (items.length === 0) {
    if (ctx.db.delete(dst)) notify(ctx, NOTIFY.GENERIC, 'del', dst);
    return ZERO;
  }
  const lim = limitsOf(ctx);
  const zv: ZSetValue = newZSetValue(knownLength > lim.maxEntries ? 'skiplist' : 'listpack');
  for (const [m, s] of items) zsetAdd(zv, s, m, 0, lim);
  ctx.db.set(dst, zv);
  notify(ctx, NOTIFY.ZSET, 'zrangestore', dst);
  return int(items.length);
}

/** zrangeGenericCommand. `first` is the index of the source key. */
function zrangeGeneric(ctx: Ctx, argv: string[], first: number, store: boolean,
  rangetype: RangeType, direction: Direction): Reply {
  const key = argv[first];
  let minIdx = first + 1;
  let maxIdx = first + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = first + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j].toLowerCase();
    if (!store && opt === 'withscores') withScores = true;
    else if (opt === 'limit' && left >= 2) {
      const o = parseLong(argv[j + 1]);
      if (isReply(o)) return o;
      const l = parseLong(argv[j + 2]);
      if (isReply(l)) return l;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') direction = 'reverse';
    else if (rangetype === 'auto' && opt === 'bylex') rangetype = 'lex';
    else if (rangetype === 'auto' && opt === 'byscore') rangetype = 'score';
    else return errSyntax();
  }
  if (direction === 'auto') direction = 'forward';
  if (rangetype === 'auto') rangetype = 'rank';
  if (limit !== -1 && rangetype === 'rank') {
    return err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && rangetype === 'lex') {
    return err('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  }
  const reverse = direction === 'reverse';
  if (reverse && rangetype !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];

  let compute: (z: ZSet, listpack: boolean) => Array<[string, number]>;
  let knownLength: (n: number) => number = () => -1;
  if (rangetype === 'rank') {
    const s = parseLong(argv[minIdx]);
    if (isReply(s)) return s;
    const e = parseLong(argv[maxIdx]);
    if (isReply(e)) return e;
    compute = (z) => byRank(z, s, e, reverse);
    knownLength = (n) => n;
  } else if (rangetype === 'score') {
    const r = parseScoreRange(argv[minIdx], argv[maxIdx]);
    if (!r) return err(ERR_MINMAX_FLOAT);
    compute = (z) => byScore(z, r, offset, limit, reverse);
  } else {
    const r = parseLexRange(argv[minIdx], argv[maxIdx]);
    if (!r) return err(ERR_MINMAX_LEX);
    compute = (z, lp) => byLex(z, r, offset, limit, reverse, lp);
  }

  const zv = readZset(ctx, key);
  if (isReply(zv)) return zv;
  if (!zv) return store ? storeResult(ctx, argv[1], [], -1) : EMPTY_ARRAY;
  const items = compute(zv.v, zv.enc === 'listpack');
  if (store) return storeResult(ctx, argv[1], items, knownLength(items.length));
  return pairsReply(ctx, items, withScores);
}

registerAll({
  zrange: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'auto', 'auto'),
  zrangestore: (ctx, argv) => zrangeGeneric(ctx, argv, 2, true, 'auto', 'auto'),
  zrevrange: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'rank', 'reverse'),
  zrangebyscore: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'score', 'forward'),
  zrevrangebyscore: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'score', 'reverse'),
  zrangebylex: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'lex', 'forward'),
  zrevrangebylex: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, 'lex', 'reverse'),
});
