/**
 * ZADD/ZINCRBY, ZREM, point lookups (ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK),
 * counting (ZCOUNT ZLEXCOUNT), range removal (ZREMRANGEBY*) and ZSCAN, following
 * Redis 7.0's t_zset.c.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { NIL, ZERO, int, bulk, double, array, err, E, errSyntax, type Reply } from '../../reply.js';
import { parseDouble, d2string, formatDouble } from '../../util/float.js';
import { globMatch } from '../../util/glob.js';
import { parseScanCursor, parseScanOptions, scanContainer } from '../scan-cursor.js';
import {
  ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX, newZSetFor, zsetAdd,
} from '../../types/zset.js';
import {
  ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, deleteIfEmpty, isReply, limitsOf, parseLexRange, parseLong,
  parseScoreRange, readZset, writeZset,
} from './common.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

/** zaddGenericCommand: ZADD and ZINCRBY (flags = ZADD_INCR). */
function zaddGeneric(ctx: Ctx, argv: string[], baseFlags: number): Reply {
  const key = argv[1];
  let flags = baseFlags;
  let ch = false;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const opt = argv[idx].toLowerCase();
    if (opt === 'nx') flags |= ZADD_NX;
    else if (opt === 'xx') flags |= ZADD_XX;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') flags |= ZADD_INCR;
    else if (opt === 'gt') flags |= ZADD_GT;
    else if (opt === 'lt') flags |= ZADD_LT;
    else break;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const rest = argv.length - idx;
  if (rest % 2 !== 0 || rest === 0) return errSyntax();
  const pairs = rest / 2;
  if (nx && xx) return err('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return err('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (incr && pairs > 1) return err('ERR INCR option supports a single increment-element pair');
  // All scores are parsed before anything changes: the command is all or nothing.
  const scores: number[] = [];
  for (let j = 0; j < pairs; j++) {
    const s = parseDouble(argv[idx + j * 2]);
    if (s === null) return err(E.NOT_FLOAT);
    scores.push(s);
  }
  const found = writeZset(ctx, key);
  if (isReply(found)) return found;
  let zv = found;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let reply: Reply | null = null;
  const lim = limitsOf(ctx);
  if (!zv) {
    if (xx) return incr ? NIL : ZERO;
    zv = newZSetFor(argv[idx + 1], lim);
    ctx.db.add(key, zv);
  }
  for (let j = 0; j < pairs; j++) {
    const r = zsetAdd(zv, scores[j], argv[idx + 1 + j * 2], flags, lim);
    if (r.nan) { reply = err('ERR resulting score is not a number (NaN)'); break; }
    if (r.added) added++;
    if (r.updated) updated++;
    if (!r.nop) processed++;
    score = r.newScore;
  }
  if (added || updated) { ctx.db.touch(key); notify(ctx, NOTIFY.ZSET, incr ? 'zincr' : 'zadd', key); }
  if (reply) return reply;
  if (incr) return processed ? double(score) : NIL;
  return int(ch ? added + updated : added);
}

function zrem(ctx: Ctx, argv: string[]): Reply {
  const key = argv[1];
  const zv = writeZset(ctx, key);
  if (isReply(zv)) return zv;
  if (!zv) return ZERO;
  let deleted = 0;
  let removedKey = false;
  for (let j = 2; j < argv.length; j++) {
    if (zv.v.delete(argv[j])) deleted++;
    if (zv.v.size === 0) {
      ctx.db.delete(key);
      removedKey = true;
      break;
    }
  }
  if (deleted && !removedKey) ctx.db.touch(key);
  if (deleted) notify(ctx, NOTIFY.ZSET, 'zrem', key);
  if (removedKey) notify(ctx, NOTIFY.GENERIC, 'del', key);
  return int(deleted);
}

type RemKind = 'rank' | 'score' | 'lex';

/** zremrangeGenericCommand. */
function zremrange(ctx: Ctx, argv: string[], kind: RemKind): Reply {
  const key = argv[1];
  let start = 0;
  let end = 0;
  let remove: (z: import('../../types/zset.js').ZSet, listpack: boolean) => number;
  if (kind === 'rank') {
    const a = parseLong(argv[2]);
    if (isReply(a)) return a;
    const b = parseLong(argv[3]);
    if (isReply(b)) return b;
    start = a;
    end = b;
    remove = (z) => z.deleteRangeByRank(start, end);
  } else if (kind === 'score') {
    const range = parseScoreRange(argv[2], argv[3]);
    if (!range) return err(ERR_MINMAX_FLOAT);
    remove = (z) => z.deleteRangeByScore(range);
  } else {
    const range = parseLexRange(argv[2], argv[3]);
    if (!range) return err(ERR_MINMAX_LEX);
    remove = (z, lp) => z.deleteRangeByLex(range, lp);
  }
  const zv = writeZset(ctx, key);
  if (isReply(zv)) return zv;
  if (!zv) return ZERO;
  if (kind === 'rank') {
    const llen = zv.v.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return ZERO;
    if (end >= llen) end = llen - 1;
  }
  const deleted = remove(zv.v, zv.enc === 'listpack');
  const keyRemoved = deleteIfEmpty(ctx, key, zv);
  if (!keyRemoved && deleted) ctx.db.touch(key);
  if (deleted) {
    notify(ctx, NOTIFY.ZSET, kind === 'rank' ? 'zremrangebyrank' : kind === 'score' ? 'zremrangebyscore' : 'zremrangebylex', key);
    if (keyRemoved) notify(ctx, NOTIFY.GENERIC, 'del', key);
  }
  return int(deleted);
}

function zscore(ctx: Ctx, argv: string[]): Reply {
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  const s = zv?.v.score(argv[2]);
  return s === undefined ? NIL : double(s);
}

function zmscore(ctx: Ctx, argv: string[]): Reply {
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = zv?.v.score(argv[j]);
    out.push(s === undefined ? NIL : double(s));
  }
  return array(out);
}

function zrank(ctx: Ctx, argv: string[], reverse: boolean): Reply {
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  if (!zv) return NIL;
  const r = zv.v.rank(argv[2]);
  if (r < 0) return NIL;
  return int(reverse ? zv.v.size - 1 - r : r);
}

function zcount(ctx: Ctx, argv: string[]): Reply {
  const range = parseScoreRange(argv[2], argv[3]);
  if (!range) return err(ERR_MINMAX_FLOAT);
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  return zv ? int(zv.v.countInRange(range)) : ZERO;
}

function zlexcount(ctx: Ctx, argv: string[]): Reply {
  const range = parseLexRange(argv[2], argv[3]);
  if (!range) return err(ERR_MINMAX_LEX);
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  return zv ? int(zv.v.countInLexRange(range, zv.enc === 'listpack')) : ZERO;
}

const EMPTY_SCAN: Reply = array([bulk('0'), array([])]);

/**
 * ZSCAN: a listpack is returned whole (cursor 0) with scores as the listpack
 * stores them (integers as integers); a skiplist is walked COUNT members at a
 * time with "%.17g" scores.
 */
function zscan(ctx: Ctx, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2]);
  if (typeof cursor !== 'bigint') return cursor;
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  if (!zv) return EMPTY_SCAN;
  const opts = parseScanOptions(argv, 3, false);
  if (isReply(opts)) return opts;
  const z = zv.v;
  let next = '0';
  let members: string[];
  let fmt: (s: number) => string;
  if (zv.enc === 'listpack') {
    members = [...z.entries()].map(([m]) => m);
    fmt = d2string;
  } else {
    const page = scanContainer(z.dict, cursor, opts.count);
    next = page.cursor;
    members = page.items;
    fmt = formatDouble;
  }
  const out: Reply[] = [];
  for (const m of members) {
    if (opts.pattern !== null && !globMatch(opts.pattern, m)) continue;
    out.push(bulk(m), bulk(fmt(z.score(m)!)));
  }
  return array([bulk(next), array(out)]);
}

registerAll({
  zadd: (ctx, argv) => zaddGeneric(ctx, argv, 0),
  zincrby: (ctx, argv) => zaddGeneric(ctx, argv, ZADD_INCR),
  zrem,
  zcard(ctx, argv) {
    const zv = readZset(ctx, argv[1]);
    if (isReply(zv)) return zv;
    return zv ? int(zv.v.size) : ZERO;
  },
  zscore,
  zmscore,
  zrank: (ctx, argv) => zrank(ctx, argv, false),
  zrevrank: (ctx, argv) => zrank(ctx, argv, true),
  zcount,
  zlexcount,
  zremrangebyrank: (ctx, argv) => zremrange(ctx, argv, 'rank'),
  zremrangebyscore: (ctx, argv) => zremrange(ctx, argv, 'score'),
  zremrangebylex: (ctx, argv) => zremrange(ctx, argv, 'lex'),
  zscan,
});
