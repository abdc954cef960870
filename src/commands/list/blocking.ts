/**
 * BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH (t_list.c's blocking part).
 *
 * When a key already holds data the command acts like its plain counterpart.
 * Otherwise the client blocks (src/blocking.ts), unless blocking is denied
 * (inside MULTI or a script), where it answers as if the timeout had passed:
 * a null array, or a nil for BLMOVE/BRPOPLPUSH. A blocked client that times
 * out always gets a null array, BLMOVE included (replyToBlockedClientTimedOut).
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { err, NIL, NILARRAY, type Reply } from '../../reply.js';
import { parseBlockTimeout } from '../../blocking.js';
import type { Where } from '../../types/list.js';
import {
  isReply, listOrErr, lmoveGeneric, moveOne, parseMpop, popOneWithKey, popRangeWithKey, whereOrErr,
} from './common.js';

/** The ready list under `key` in the waiter's db, or undefined (stay blocked). */
function readyList(ctx: Ctx, key: string) {
  const v = ctx.db.lookupWrite(key);
  return v && v.type === 'list' && v.v.length > 0 ? v : undefined;
}

/**
 * BLPOP/BRPOP (count -1: reply [key, element]) and BLMPOP (count >= 1: reply
 * [key, [elements]]): blockingPopGenericCommand.
 */
function blockingPop(ctx: Ctx, keys: string[], where: Where, timeoutArg: string, count: number): Reply | Promise<Reply> {
  const t = parseBlockTimeout(timeoutArg);
  if ('error' in t) return err(t.error);
  const serve = (key: string, l: NonNullable<ReturnType<typeof readyList>>): Reply =>
    count === -1 ? popOneWithKey(ctx, key, l, where) : popRangeWithKey(ctx, key, l, where, count);
  for (const key of keys) {
    const l = listOrErr(ctx.db.lookupWrite(key));
    if (l === undefined) continue;
    if (isReply(l)) return l;
    return serve(key, l);
  }
  if (ctx.denyBlocking) return NILARRAY;
  return ctx.server.blocking.block(ctx.client, ctx.db, {
    keys,
    timeoutMs: t.ms,
    tryServe(key) {
      const l = readyList(ctx, key);
      return l && serve(key, l);
    },
    onTimeout: () => NILARRAY,
  });
}

/** BLMOVE/BRPOPLPUSH once the arguments are parsed (blmoveGenericCommand). */
function blmove(ctx: Ctx, src: string, dst: string, from: Where, to: Where, timeoutMs: number): Reply | Promise<Reply> {
  const l = listOrErr(ctx.db.lookupWrite(src));
  if (isReply(l)) return l;
  if (l) return lmoveGeneric(ctx, src, dst, from, to);
  if (ctx.denyBlocking) return NIL;
  return ctx.server.blocking.block(ctx.client, ctx.db, {
    keys: [src],
    timeoutMs,
    tryServe(key) {
      const s = readyList(ctx, key);
      // A destination of another type: the client gets WRONGTYPE and nothing moves.
      return s && moveOne(ctx, key, s, dst, from, to);
    },
    onTimeout: () => NILARRAY,
  });
}

function blmpop(ctx: Ctx, argv: string[]): Reply | Promise<Reply> {
  const a = parseMpop(argv, 2);
  if ('t' in a) return a;
  return blockingPop(ctx, a.keys, a.where, argv[1], a.count);
}

registerAll({
  blpop: (ctx, argv) => blockingPop(ctx, argv.slice(1, -1), 'left', argv[argv.length - 1], -1),
  brpop: (ctx, argv) => blockingPop(ctx, argv.slice(1, -1), 'right', argv[argv.length - 1], -1),
  blmpop,

  blmove(ctx, argv) {
    const from = whereOrErr(argv[3]);
    if (typeof from !== 'string') return from;
    const to = whereOrErr(argv[4]);
    if (typeof to !== 'string') return to;
    const t = parseBlockTimeout(argv[5]);
    if ('error' in t) return err(t.error);
    return blmove(ctx, argv[1], argv[2], from, to, t.ms);
  },

  brpoplpush(ctx, argv) {
    const t = parseBlockTimeout(argv[3]);
    if ('error' in t) return err(t.error);
    return blmove(ctx, argv[1], argv[2], 'right', 'left', t.ms);
  },
});
