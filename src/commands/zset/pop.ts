/**
 * Popping and sampling: ZPOPMIN/ZPOPMAX, ZMPOP, the blocking BZPOPMIN/BZPOPMAX/
 * BZMPOP (through the server's BlockingManager) and ZRANDMEMBER. Reply shapes
 * follow Redis 7.0's genericZpopCommand for RESP2 and RESP3.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import {
  NIL, NILARRAY, EMPTY_ARRAY, E, bulk, double, array, err, errSyntax, type Reply,
} from '../../reply.js';
import { parseBlockTimeout } from '../../blocking.js';
import { parseLongLong } from '../../util/float.js';
import type { ZSetValue } from '../../keyspace/values.js';
import { isReply, pairsReply, parsePositiveLong, parseRangeLong, writeZset, readZset } from './common.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

type Where = 'min' | 'max';

const LLONG_MAX = 9223372036854775807n;

interface PopShape {
  /** Emit the key name first (BZPOP*, ZMPOP, BZMPOP). */
  emitKey: boolean;
  /** [member, score] pairs instead of a flat list. */
  nested: boolean;
}

/** Pop from a non-empty zset (the body of genericZpopCommand). count -1 = single pop. */
function popFrom(ctx: Ctx, key: string, zv: ZSetValue, where: Where, count: number, shape: PopShape): Reply {
  const z = zv.v;
  const n = Math.min(count === -1 ? 1 : count, z.size);
  const items: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const node = where === 'max' ? z.last()! : z.first()!;
    const m = node.member;
    const s = node.score;
    z.delete(m);
    if (shape.nested) items.push(array([bulk(m), double(s)]));
    else items.push(bulk(m), double(s));
  }
  if (n > 0) notify(ctx, NOTIFY.ZSET, where === 'max' ? 'zpopmax' : 'zpopmin', key);
  if (z.size === 0) { ctx.db.delete(key); notify(ctx, NOTIFY.GENERIC, 'del', key); } else ctx.db.touch(key);
  if (!shape.emitKey) return array(items);
  if (shape.nested) return array([bulk(key), array(items)]);
  return array([bulk(key), ...items]);
}

/** genericZpopCommand over several keys: the first existing key is the candidate. */
function genericZpop(ctx: Ctx, keys: string[], where: Where, count: number, shape: PopShape,
  nilWhenEmpty: boolean): Reply {
  for (const key of keys) {
    const zv = writeZset(ctx, key);
    if (isReply(zv)) return zv;
    if (!zv) continue;
    if (count === 0) return EMPTY_ARRAY;
    return popFrom(ctx, key, zv, where, count, shape);
  }
  return nilWhenEmpty ? NILARRAY : EMPTY_ARRAY;
}

function zpopMinMax(ctx: Ctx, argv: string[], where: Where): Reply {
  if (argv.length > 3) return errSyntax();
  let count = -1;
  if (argv.length === 3) {
    const c = parsePositiveLong(argv[2]);
    if (isReply(c)) return c;
    count = c;
  }
  const nested = ctx.client.resp > 2 && count !== -1;
  return genericZpop(ctx, [argv[1]], where, count, { emitKey: false, nested }, false);
}

/** blockingGenericZpopCommand. */
function blockingZpop(ctx: Ctx, keys: string[], where: Where, timeoutArg: string, count: number,
  nested: boolean): Reply | Promise<Reply> {
  const t = parseBlockTimeout(timeoutArg);
  if ('error' in t) return err(t.error);
  const shape: PopShape = { emitKey: true, nested };
  for (const key of keys) {
    const zv = writeZset(ctx, key);
    if (isReply(zv)) return zv;
    if (!zv || zv.v.size === 0) continue;
    return popFrom(ctx, key, zv, where, count, shape);
  }
  if (ctx.denyBlocking) return NILARRAY;
  return ctx.server.blocking.block(ctx.client, ctx.db, {
    keys,
    timeoutMs: t.ms,
    tryServe(key) {
      const v = ctx.db.lookupWrite(key);
      if (!v || v.type !== 'zset' || v.v.size === 0) return undefined;
      return popFrom(ctx, key, v, where, count, shape);
    },
    onTimeout: () => NILARRAY,
  });
}

/** ZMPOP / BZMPOP: numkeys key... MIN|MAX [COUNT count]. */
function zmpop(ctx: Ctx, argv: string[], numkeysIdx: number, block: boolean): Reply | Promise<Reply> {
  const numkeys = parseRangeLong(argv[numkeysIdx], 1n, LLONG_MAX, 'ERR numkeys should be greater than 0');
  if (isReply(numkeys)) return numkeys;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return errSyntax();
  const w = argv[whereIdx].toLowerCase();
  if (w !== 'min' && w !== 'max') return errSyntax();
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j].toLowerCase() === 'count' && more > 0) {
      j++;
      const c = parseRangeLong(argv[j], 1n, LLONG_MAX, 'ERR count should be greater than 0');
      if (isReply(c)) return c;
      count = c;
    } else {
      return errSyntax();
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, whereIdx);
  if (block) return blockingZpop(ctx, keys, w, argv[1], count, true);
  return genericZpop(ctx, keys, w, count, { emitKey: true, nested: true }, true);
}

/** ZRANDMEMBER key [count [WITHSCORES]]. */
function zrandmember(ctx: Ctx, argv: string[]): Reply {
  const rnd = ctx.server.random;
  if (argv.length < 3) {
    const zv = readZset(ctx, argv[1]);
    if (isReply(zv)) return zv;
    if (!zv) return NIL;
    return bulk(zv.enc === 'skiplist' ? zv.v.dict.index().random(rnd) : zv.v.at(rnd.int(zv.v.size))!.member);
  }
  const parsed = parseLongLong(argv[2]);
  if (parsed === null) return err(E.NOT_INT);
  if (parsed < -LLONG_MAX) {
    return err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  }
  const l = Number(parsed);
  let withScores = false;
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withscores')) return errSyntax();
  if (argv.length === 4) {
    withScores = true;
    if (parsed < -LLONG_MAX / 2n || parsed > LLONG_MAX / 2n) return err('ERR value is out of range');
  }
  const zv = readZset(ctx, argv[1]);
  if (isReply(zv)) return zv;
  if (!zv) return EMPTY_ARRAY;
  const z = zv.v;
  const size = z.size;
  const uniq = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return EMPTY_ARRAY;
  const items: Array<[string, number]> = [];
  if (!uniq || count === 1) {
    // Independent draws, repetitions allowed. A skiplist draws from its dict in O(1)
    // (Redis: dictGetFairRandomKey) instead of an O(log n) walk by rank.
    if (zv.enc === 'skiplist') {
      const ix = z.dict.index();
      for (let i = 0; i < count; i++) { const m = ix.random(rnd); items.push([m, z.score(m)!]); }
    } else {
      for (let i = 0; i < count; i++) {
        const node = z.at(rnd.int(size))!;
        items.push([node.member, node.score]);
      }
    }
  } else if (zv.enc === 'skiplist' && count * 3 <= size) {
    // Few members of a big zset (Redis's CASE 4): distinct O(1) draws from the dict.
    const ix = z.dict.index();
    const seen = new Set<string>();
    while (seen.size < count) {
      const m = ix.random(rnd);
      if (!seen.has(m)) { seen.add(m); items.push([m, z.score(m)!]); }
    }
  } else if (count >= size) {
    // The whole zset, walked from the highest element down as Redis's iterator does.
    for (let x = z.last(); x; x = x.backward) items.push([x.member, x.score]);
  } else {
    // A uniform random subset of `count` distinct ranks (partial Fisher-Yates).
    const ranks = new Map<number, number>();
    const picked: number[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + rnd.int(size - i);
      const vj = ranks.get(j) ?? j;
      ranks.set(j, ranks.get(i) ?? i);
      picked.push(vj);
    }
    // A listpack answers in its own order; a skiplist in draw order.
    if (zv.enc === 'listpack') picked.sort((a, b) => a - b);
    for (const r of picked) {
      const node = z.at(r)!;
      items.push([node.member, node.score]);
    }
  }
  return pairsReply(ctx, items, withScores);
}

registerAll({
  zpopmin: (ctx, argv) => zpopMinMax(ctx, argv, 'min'),
  zpopmax: (ctx, argv) => zpopMinMax(ctx, argv, 'max'),
  bzpopmin: (ctx, argv) => blockingZpop(ctx, argv.slice(1, -1), 'min', argv[argv.length - 1], -1, false),
  bzpopmax: (ctx, argv) => blockingZpop(ctx, argv.slice(1, -1), 'max', argv[argv.length - 1], -1, false),
  zmpop: (ctx, argv) => zmpop(ctx, argv, 1, false),
  bzmpop: (ctx, argv) => zmpop(ctx, argv, 2, true),
  zrandmember,
});
