/**
 * Pieces shared by the plain and the blocking list commands (t_list.c's
 * listPopRangeAndReplyWithKey, lmoveGenericCommand, LMPOP argument parsing).
 */
import type { Ctx } from '../../context.js';
import type { Database } from '../../keyspace/db.js';
import type { ListValue } from '../../keyspace/values.js';
import { array, bulk, bulks, err, E, NIL, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { listPop, listPopMany, listPush, newList, parseWhere, type Where } from '../../types/list.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

/**
 * A C long argument (string2ll rules, full 64-bit range) as a JS number, or null.
 * Values past 2^53 lose precision, which no list index or count can notice.
 */
export function parseLong(s: string): number | null {
  const v = parseLongLong(s);
  return v === null ? null : Number(v);
}

/** A list value, undefined when the key is missing, or the WRONGTYPE reply. */
export function listOrErr(v: ReturnType<Database['lookupWrite']>): ListValue | undefined | Reply {
  if (!v) return undefined;
  return v.type === 'list' ? v : err(E.WRONGTYPE);
}

export const isReply = (x: ListValue | Reply | undefined): x is Reply => x !== undefined && 't' in x;

/** After removing elements: delete the emptied key, else signal the change (listElementsRemoved). */
export function elementsRemoved(ctx: Ctx, key: string, l: ListValue, event: string): void {
  notify(ctx, NOTIFY.LIST, event, key);
  if (l.v.length === 0) { ctx.db.delete(key); notify(ctx, NOTIFY.GENERIC, 'del', key); } else ctx.db.touch(key);
}

const popEvent = (where: Where): string => (where === 'left' ? 'lpop' : 'rpop');

/** Pop up to `count` elements and reply [key, [elements]] (LMPOP/BLMPOP). */
export function popRangeWithKey(ctx: Ctx, key: string, l: ListValue, where: Where, count: number): Reply {
  const elems = listPopMany(l, where, count);
  elementsRemoved(ctx, key, l, popEvent(where));
  return array([bulk(key), bulks(elems)]);
}

/** Pop one element and reply [key, element] (BLPOP/BRPOP). */
export function popOneWithKey(ctx: Ctx, key: string, l: ListValue, where: Where): Reply {
  const e = listPop(l, where);
  elementsRemoved(ctx, key, l, popEvent(where));
  return array([bulk(key), bulk(e)]);
}

/**
 * Move one element from `src` (a non-empty list) to `dstKey`, creating it if
 * needed. The destination is looked up before the pop, so LMOVE k k on a
 * one-element list rotates it instead of deleting it. Returns the WRONGTYPE
 * reply when the destination holds another type (nothing moves).
 */
export function moveOne(ctx: Ctx, srcKey: string, src: ListValue, dstKey: string, from: Where, to: Where): Reply {
  const db = ctx.db;
  const d = listOrErr(db.lookupWrite(dstKey));
  if (isReply(d)) return d;
  const value = listPop(src, from);
  let dst = d;
  if (!dst) { dst = newList(); db.add(dstKey, dst); }
  listPush(dst, [value], to);
  db.touch(dstKey);
  notify(ctx, NOTIFY.LIST, to === 'left' ? 'lpush' : 'rpush', dstKey);
  elementsRemoved(ctx, srcKey, src, popEvent(from));
  return bulk(value);
}

/** LMOVE/RPOPLPUSH on a key that may be missing (lmoveGenericCommand). */
export function lmoveGeneric(ctx: Ctx, srcKey: string, dstKey: string, from: Where, to: Where): Reply {
  const s = listOrErr(ctx.db.lookupWrite(srcKey));
  if (s === undefined) return NIL;
  if (isReply(s)) return s;
  return moveOne(ctx, srcKey, s, dstKey, from, to);
}

export interface MpopArgs { keys: string[]; where: Where; count: number }

/**
 * LMPOP/BLMPOP arguments from the numkeys position: numkeys, keys, LEFT|RIGHT,
 * [COUNT n] (lmpopGenericCommand's order of checks).
 */
export function parseMpop(argv: string[], numkeysIdx: number): MpopArgs | Reply {
  const numkeys = parseLong(argv[numkeysIdx]);
  if (numkeys === null || numkeys < 1) return err('ERR numkeys should be greater than 0');
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return err(E.SYNTAX);
  const where = parseWhere(argv[whereIdx]);
  if (!where) return err(E.SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j].toLowerCase() === 'count' && more) {
      const c = parseLong(argv[++j]);
      if (c === null || c < 1) return err('ERR count should be greater than 0');
      count = c;
    } else return err(E.SYNTAX);
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where, count: count === -1 ? 1 : count };
}

/** Parse LEFT/RIGHT or reply a syntax error. */
export function whereOrErr(s: string): Where | Reply {
  return parseWhere(s) ?? err(E.SYNTAX);
}
