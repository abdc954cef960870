/**
 * The list commands of Redis 7.0's t_list.c (the blocking ones are in
 * list-blocking.ts). Each handler checks its arguments and the key in the same
 * order as Redis, since that order decides which error a client sees.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import {
  OK, NIL, NILARRAY, ZERO, EMPTY_ARRAY, int, bulk, bulks, err, E, errArity, type Reply,
} from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { listIndex, listPopMany, listPop, listPush, listRange, newList, type Where } from '../../types/list.js';
import {
  elementsRemoved, isReply, parseLong, listOrErr, lmoveGeneric, parseMpop, popRangeWithKey, whereOrErr,
} from './common.js';
import './blocking.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const LONG_MIN = -(1n << 63n);
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

/** LPUSH/RPUSH/LPUSHX/RPUSHX (pushGenericCommand). */
function push(ctx: Ctx, argv: string[], where: Where, xx: boolean): Reply {
  const key = argv[1];
  let l = listOrErr(ctx.db.lookupWrite(key));
  if (isReply(l)) return l;
  if (!l) {
    if (xx) return ZERO;
    l = newList();
    ctx.db.add(key, l);
  }
  listPush(l, argv.slice(2), where);
  ctx.db.touch(key);
  notify(ctx, NOTIFY.LIST, where === 'left' ? 'lpush' : 'rpush', key);
  return int(l.v.length);
}

/** LPOP/RPOP key [count] (popGenericCommand). */
function pop(ctx: Ctx, argv: string[], where: Where): Reply {
  if (argv.length > 3) return errArity(argv[0].toLowerCase());
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const c = parseLong(argv[2]);
    if (c === null || c < 0) return err(MUST_BE_POSITIVE);
    count = c;
  }
  const l = listOrErr(ctx.db.lookupWrite(argv[1]));
  if (l === undefined) return hasCount ? NILARRAY : NIL;
  if (isReply(l)) return l;
  if (hasCount && count === 0) return EMPTY_ARRAY;
  if (!hasCount) {
    const v = listPop(l, where);
    elementsRemoved(ctx, argv[1], l, where === 'left' ? 'lpop' : 'rpop');
    return bulk(v);
  }
  const elems = listPopMany(l, where, count);
  elementsRemoved(ctx, argv[1], l, where === 'left' ? 'lpop' : 'rpop');
  return bulks(elems);
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] (mpopGenericCommand). */
function lmpop(ctx: Ctx, argv: string[]): Reply {
  const a = parseMpop(argv, 1);
  if (isMpopErr(a)) return a;
  for (const key of a.keys) {
    const l = listOrErr(ctx.db.lookupWrite(key));
    if (l === undefined) continue;
    if (isReply(l)) return l;
    return popRangeWithKey(ctx, key, l, a.where, a.count);
  }
  return NILARRAY;
}

const isMpopErr = (a: ReturnType<typeof parseMpop>): a is Reply => 't' in a;

/** The value of a LONG argument or the "not an integer" reply. */
function longArg(s: string): number | Reply {
  const v = parseLong(s);
  return v === null ? err(E.NOT_INT) : v;
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lpos(ctx: Ctx, argv: string[]): Reply {
  const ele = argv[2];
  let rank = 1;
  // RANK LONG_MIN cannot be negated in C: every match counts and COUNT never stops the scan.
  let rankWraps = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more) {
      const r = parseLongLong(argv[++j]);
      if (r === null) return err(E.NOT_INT);
      if (r === 0n) return err(RANK_ZERO);
      rankWraps = r === LONG_MIN;
      rank = Number(r);
    } else if (opt === 'count' && more) {
      const c = parseLong(argv[++j]);
      if (c === null || c < 0) return err("ERR COUNT can't be negative");
      count = c;
    } else if (opt === 'maxlen' && more) {
      const m = parseLong(argv[++j]);
      if (m === null || m < 0) return err("ERR MAXLEN can't be negative");
      maxlen = m;
    } else return err(E.SYNTAX);
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const v = ctx.db.lookupRead(argv[1]);
  if (!v) return count !== -1 ? EMPTY_ARRAY : NIL;
  if (v.type !== 'list') return err(E.WRONGTYPE);
  const a = v.v;
  const len = a.length;
  const out: Reply[] = [];
  let matches = 0;
  let found = -1;
  for (let index = 0; index < len && (maxlen === 0 || index < maxlen); index++) {
    const pos = fromTail ? len - index - 1 : index;
    if (a.at(pos) !== ele) continue;
    matches++;
    if (!rankWraps && matches < rank) continue;
    if (count === -1) { found = pos; break; }
    out.push(int(pos));
    if (count && !rankWraps && matches - rank + 1 >= count) break;
  }
  if (count !== -1) return { t: 'array', v: out };
  return found === -1 ? NIL : int(found);
}

/** LREM key count element. */
function lrem(ctx: Ctx, argv: string[]): Reply {
  const n = longArg(argv[2]);
  if (typeof n !== 'number') return n;
  const l = listOrErr(ctx.db.lookupWrite(argv[1]));
  if (l === undefined) return ZERO;
  if (isReply(l)) return l;
  const ele = argv[3];
  // LONG_MIN cannot be negated in C either: it stays "no limit" in effect.
  const limit = Math.abs(n);
  const a = l.v;
  let removed = 0;
  if (n >= 0) {
    let hits = 0;
    removed = a.retain((e) => {
      if (e !== ele || (limit !== 0 && hits >= limit)) return true;
      hits++;
      return false;
    });
  } else {
    // From the tail: the first `limit` matches counted backwards go.
    let firstDropped = a.length;
    let seen = 0;
    for (let i = a.length - 1; i >= 0 && seen < limit; i--) if (a.at(i) === ele) { seen++; firstDropped = i; }
    if (seen) removed = a.retain((e, i) => i < firstDropped || e !== ele);
  }
  if (removed) {
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.LIST, 'lrem', argv[1]);
    if (l.v.length === 0) { ctx.db.delete(argv[1]); notify(ctx, NOTIFY.GENERIC, 'del', argv[1]); }
  }
  return int(removed);
}

/** LTRIM key start stop. */
function ltrim(ctx: Ctx, argv: string[]): Reply {
  const start = longArg(argv[2]);
  if (typeof start !== 'number') return start;
  const end = longArg(argv[3]);
  if (typeof end !== 'number') return end;
  const l = listOrErr(ctx.db.lookupWrite(argv[1]));
  if (l === undefined) return OK;
  if (isReply(l)) return l;
  const r = listRange(l.v.length, start, end);
  if (!r) l.v.clear();
  else l.v.trim(r[0], r[1] + 1);
  elementsRemoved(ctx, argv[1], l, 'ltrim');
  return OK;
}

registerAll({
  lpush: (ctx, argv) => push(ctx, argv, 'left', false),
  rpush: (ctx, argv) => push(ctx, argv, 'right', false),
  lpushx: (ctx, argv) => push(ctx, argv, 'left', true),
  rpushx: (ctx, argv) => push(ctx, argv, 'right', true),
  lpop: (ctx, argv) => pop(ctx, argv, 'left'),
  rpop: (ctx, argv) => pop(ctx, argv, 'right'),
  lmpop: lmpop,
  lpos: lpos,
  lrem: lrem,
  ltrim: ltrim,

  linsert(ctx, argv) {
    const w = argv[2].toLowerCase();
    if (w !== 'after' && w !== 'before') return err(E.SYNTAX);
    const l = listOrErr(ctx.db.lookupWrite(argv[1]));
    if (l === undefined) return ZERO;
    if (isReply(l)) return l;
    const i = l.v.indexOf(argv[3]);
    if (i < 0) return int(-1);
    l.v.insert(w === 'after' ? i + 1 : i, argv[4]);
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.LIST, 'linsert', argv[1]);
    return int(l.v.length);
  },

  llen(ctx, argv) {
    const v = ctx.db.lookupRead(argv[1]);
    if (!v) return ZERO;
    if (v.type !== 'list') return err(E.WRONGTYPE);
    return int(v.v.length);
  },

  lindex(ctx, argv) {
    const v = ctx.db.lookupRead(argv[1]);
    if (!v) return NIL;
    if (v.type !== 'list') return err(E.WRONGTYPE);
    const index = longArg(argv[2]);
    if (typeof index !== 'number') return index;
    const i = listIndex(v.v.length, index);
    return i < 0 ? NIL : bulk(v.v.at(i) as string);
  },

  lset(ctx, argv) {
    const l = listOrErr(ctx.db.lookupWrite(argv[1]));
    if (l === undefined) return err(E.NO_KEY);
    if (isReply(l)) return l;
    const index = longArg(argv[2]);
    if (typeof index !== 'number') return index;
    const i = listIndex(l.v.length, index);
    if (i < 0) return err(E.OUT_OF_RANGE);
    l.v.set(i, argv[3]);
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.LIST, 'lset', argv[1]);
    return OK;
  },

  lrange(ctx, argv) {
    const start = longArg(argv[2]);
    if (typeof start !== 'number') return start;
    const end = longArg(argv[3]);
    if (typeof end !== 'number') return end;
    const v = ctx.db.lookupRead(argv[1]);
    if (!v) return EMPTY_ARRAY;
    if (v.type !== 'list') return err(E.WRONGTYPE);
    const r = listRange(v.v.length, start, end);
    return r ? bulks(v.v.slice(r[0], r[1] + 1)) : EMPTY_ARRAY;
  },

  lmove(ctx, argv) {
    const from = whereOrErr(argv[3]);
    if (typeof from !== 'string') return from;
    const to = whereOrErr(argv[4]);
    if (typeof to !== 'string') return to;
    return lmoveGeneric(ctx, argv[1], argv[2], from, to);
  },

  rpoplpush: (ctx, argv) => lmoveGeneric(ctx, argv[1], argv[2], 'right', 'left'),
});
