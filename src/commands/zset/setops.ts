/**
 * ZUNION/ZINTER/ZDIFF, their STORE forms and ZINTERCARD: Redis 7.0's
 * zunionInterDiffGenericCommand. Plain sets are accepted as inputs (every member
 * scores 1). Inputs are visited smallest first (a stable sort by cardinality, as
 * glibc's qsort merge sort is), which fixes the order floating point sums happen in.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import { ZERO, int, err, errSyntax, E, type Reply } from '../../reply.js';
import { parseDouble } from '../../util/float.js';
import { ZSet, convertToListpackIfNeeded } from '../../types/zset.js';
import type { RValue, ZSetValue } from '../../keyspace/values.js';
import { isReply, limitsOf, pairsReply, parseLong, parsePositiveLong } from './common.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface Source {
  /** The key's value (zset or set), or null when missing. */
  obj: RValue | null;
  weight: number;
}

function sourceSize(s: Source): number {
  if (!s.obj) return 0;
  return s.obj.type === 'zset' ? s.obj.v.size : s.obj.type === 'set' ? s.obj.v.size : 0;
}

/** Elements with their scores (sets score 1). */
function* sourceEntries(s: Source): IterableIterator<[string, number]> {
  if (!s.obj) return;
  if (s.obj.type === 'zset') yield* s.obj.v.entries();
  else if (s.obj.type === 'set') for (const m of s.obj.v) yield [m, 1];
}

function sourceFind(s: Source, member: string): number | undefined {
  if (!s.obj) return undefined;
  if (s.obj.type === 'zset') return s.obj.v.score(member);
  if (s.obj.type === 'set') return s.obj.v.has(member) ? 1 : undefined;
  return undefined;
}

/** zunionInterAggregate: SUM maps inf + -inf (NaN) to 0; MIN/MAX keep the target on NaN. */
function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === 'sum') {
    const t = target + val;
    return Number.isNaN(t) ? 0 : t;
  }
  if (how === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

function zunionInterDiff(ctx: Ctx, argv: string[], dstkey: string | null, numkeysIdx: number, op: Op,
  cardinalityOnly: boolean): Reply {
  const setnum = parseLong(argv[numkeysIdx]);
  if (isReply(setnum)) return setnum;
  if (setnum < 1) return err(`ERR at least 1 input key is needed for '${ctx.spec.fullname}' command`);
  if (setnum > argv.length - (numkeysIdx + 1)) return errSyntax();

  const src: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const obj = ctx.db.lookupRead(argv[j]) ?? null;
    if (obj && obj.type !== 'zset' && obj.type !== 'set') return err(E.WRONGTYPE);
    src.push({ obj, weight: 1 });
  }

  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const opt = argv[j].toLowerCase();
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++; remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j]);
        if (w === null) return err('ERR weight value is not a float');
        src[i].weight = w;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'aggregate') {
      j++; remaining--;
      const a = argv[j].toLowerCase();
      if (a === 'sum' || a === 'min' || a === 'max') how = a;
      else return errSyntax();
      j++; remaining--;
    } else if (remaining >= 1 && !dstkey && !cardinalityOnly && opt === 'withscores') {
      j++; remaining--;
      withScores = true;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'limit') {
      j++; remaining--;
      const l = parsePositiveLong(argv[j], "ERR LIMIT can't be negative");
      if (isReply(l)) return l;
      limit = l;
      j++; remaining--;
    } else {
      return errSyntax();
    }
  }

  // Array.prototype.sort is stable, like the merge sort glibc's qsort uses.
  if (op !== 'diff') src.sort((a, b) => sourceSize(a) - sourceSize(b));

  const dst = new ZSet();
  let cardinality = 0;
  if (op === 'inter') {
    if (sourceSize(src[0]) > 0) {
      for (const [member, s0] of sourceEntries(src[0])) {
        let score = src[0].weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const v = src[k].obj === src[0].obj ? s0 : sourceFind(src[k], member);
          if (v === undefined) break;
          score = aggregate(score, v * src[k].weight, how);
        }
        if (k !== setnum) continue;
        if (cardinalityOnly) {
          cardinality++;
          if (limit && cardinality >= limit) break;
        } else {
          dst.insert(member, score);
        }
      }
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const s of src) {
      for (const [member, sc] of sourceEntries(s)) {
        let score = s.weight * sc;
        if (Number.isNaN(score)) score = 0;
        const prev = acc.get(member);
        acc.set(member, prev === undefined ? score : aggregate(prev, score, how));
      }
    }
    for (const [m, s] of acc) dst.insert(m, s);
  } else {
    // Every element of the first input missing from all the others, unweighted.
    const first = src[0];
    const sameAsFirst = src.slice(1).some((s) => s.obj !== null && s.obj === first.obj);
    if (!sameAsFirst) {
      for (const [member, sc] of sourceEntries(first)) {
        let found = false;
        for (let k = 1; k < setnum && !found; k++) found = sourceFind(src[k], member) !== undefined;
        if (!found) dst.insert(member, sc);
      }
    }
  }

  if (dstkey !== null) {
    if (dst.size > 0) {
      const zv: ZSetValue = { type: 'zset', v: dst, enc: 'skiplist', lru: 0 };
      convertToListpackIfNeeded(zv, limitsOf(ctx));
      ctx.db.set(dstkey, zv);
      notify(ctx, NOTIFY.ZSET, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore', dstkey);
      return int(dst.size);
    }
    if (ctx.db.delete(dstkey)) notify(ctx, NOTIFY.GENERIC, 'del', dstkey);
    return ZERO;
  }
  if (cardinalityOnly) return int(cardinality);
  return pairsReply(ctx, [...dst.entries()], withScores);
}

registerAll({
  zunionstore: (ctx, argv) => zunionInterDiff(ctx, argv, argv[1], 2, 'union', false),
  zinterstore: (ctx, argv) => zunionInterDiff(ctx, argv, argv[1], 2, 'inter', false),
  zdiffstore: (ctx, argv) => zunionInterDiff(ctx, argv, argv[1], 2, 'diff', false),
  zunion: (ctx, argv) => zunionInterDiff(ctx, argv, null, 1, 'union', false),
  zinter: (ctx, argv) => zunionInterDiff(ctx, argv, null, 1, 'inter', false),
  zintercard: (ctx, argv) => zunionInterDiff(ctx, argv, null, 1, 'inter', true),
  zdiff: (ctx, argv) => zunionInterDiff(ctx, argv, null, 1, 'diff', false),
});
