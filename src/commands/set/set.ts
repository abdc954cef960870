/**
 * Set commands (Redis 7.0 t_set.c semantics): lookups and WRONGTYPE in Redis's
 * order, intset/hashtable encodings (see src/types/set.ts), computed results
 * built like Redis builds them so their encoding and order match.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { SetValue } from '../../keyspace/values.js';
import {
  type Reply, NIL, ZERO, ONE, E, err, int, bulk, array, set as setReply, EMPTY_ARRAY,
} from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { globMatch } from '../../util/glob.js';
import { INDEX_MIN_SIZE, randomKeyOf } from '../../types/indexed.js';
import { parseScanCursor, parseScanOptions, scanContainer } from '../scan-cursor.js';
import {
  setLimits, newSetFor, setAddMany, setAdd, setRemove, setFromMembers, setRandomMember,
} from '../../types/set.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const LLONG_MAX = 9223372036854775807n;
const OUT_OF_RANGE_SIGNED = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
/** Redis's SPOP_MOVE_STRATEGY_MUL: when to rebuild the set instead of popping one by one. */
const SPOP_MOVE_STRATEGY_MUL = 5n;
/** Redis's SRANDMEMBER_SUB_STRATEGY_MUL: below count*3 <= size, draw distinct members one by one. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 't' in x;
const bulkAll = (members: Iterable<string>): Reply[] => Array.from(members, (m) => bulk(m));

function readSet(ctx: Ctx, key: string): SetValue | undefined | Reply {
  const v = ctx.db.lookupRead(key);
  if (v && v.type !== 'set') return err(E.WRONGTYPE);
  return v;
}

function writeSet(ctx: Ctx, key: string): SetValue | undefined | Reply {
  const v = ctx.db.lookupWrite(key);
  if (v && v.type !== 'set') return err(E.WRONGTYPE);
  return v;
}

/** Look up every source key: null for a missing one, or the first WRONGTYPE reply. */
function readSources(ctx: Ctx, keys: string[]): Array<SetValue | null> | Reply {
  const sets: Array<SetValue | null> = [];
  for (const k of keys) {
    const s = readSet(ctx, k);
    if (isReply(s)) return s;
    sets.push(s ?? null);
  }
  return sets;
}

/** Store a computed result: non-empty overwrites the destination (any type, TTL dropped), empty deletes it. */
function storeResult(ctx: Ctx, dst: string, result: SetValue, event: string): Reply {
  if (result.v.size > 0) {
    ctx.db.set(dst, result);
    notify(ctx, NOTIFY.SET, event, dst);
    return int(result.v.size);
  }
  if (ctx.db.delete(dst)) notify(ctx, NOTIFY.GENERIC, 'del', dst);
  return ZERO;
}

/** SINTER / SMEMBERS / SINTERSTORE / SINTERCARD. */
function sinterGeneric(ctx: Ctx, keys: string[], dst: string | null, cardOnly: boolean, limit: bigint): Reply {
  const found = readSources(ctx, keys);
  if (isReply(found)) return found;
  if (found.some((s) => s === null)) {
    if (dst !== null) { if (ctx.db.delete(dst)) notify(ctx, NOTIFY.GENERIC, 'del', dst); return ZERO; }
    return cardOnly ? ZERO : setReply([]);
  }
  // Smallest first (stable, like glibc's qsort on small arrays): its order is the result's order.
  const sets = (found as SetValue[]).slice().sort((a, b) => a.v.size - b.v.size);
  const first = sets[0];
  const members: string[] = [];
  let card = 0n;
  outer: for (const m of first.v) {
    for (let j = 1; j < sets.length; j++) {
      if (sets[j] !== first && !sets[j].v.has(m)) continue outer;
    }
    if (cardOnly) {
      card++;
      if (limit > 0n && card >= limit) break;
    } else {
      members.push(m);
    }
  }
  if (cardOnly) return int(Number(card));
  if (dst !== null) return storeResult(ctx, dst, setFromMembers(members, setLimits(ctx.server.config)), 'sinterstore');
  return setReply(bulkAll(members));
}

/** SUNION / SDIFF and their STORE forms; the result set is built as Redis builds it. */
function sunionDiffGeneric(ctx: Ctx, keys: string[], dst: string | null, op: 'union' | 'diff'): Reply {
  const sets = readSources(ctx, keys);
  if (isReply(sets)) return sets;
  const lim = setLimits(ctx.server.config);
  const first = sets[0];
  const sameset = first !== null && sets.some((s, j) => j > 0 && s === first);
  let result = setFromMembers([], lim);
  if (op === 'union') {
    for (const s of sets) if (s) setAddMany(result, s.v, lim);
  } else if (first && !sameset) {
    let oneWork = 0;
    let twoWork = 0;
    for (const s of sets) {
      if (!s) continue;
      oneWork += first.v.size;
      twoWork += s.v.size;
    }
    oneWork = Math.floor(oneWork / 2);
    const others = sets.slice(1).filter((s): s is SetValue => s !== null);
    if (oneWork <= twoWork) {
      // Algorithm 1: keep the first set's members found in no other set.
      const keep: string[] = [];
      for (const m of first.v) if (!others.some((s) => s.v.has(m))) keep.push(m);
      result = setFromMembers(keep, lim);
    } else {
      // Algorithm 2: copy the first set, then remove the others' members. The copy
      // may already have converted to a hashtable, which a store then keeps.
      result = setFromMembers(first.v, lim);
      for (const s of others) {
        if (result.v.size === 0) break;
        for (const m of s.v) setRemove(result, m);
      }
    }
  }
  if (dst !== null) return storeResult(ctx, dst, result, op === 'union' ? 'sunionstore' : 'sdiffstore');
  return setReply(bulkAll(result.v));
}

function spopWithCount(ctx: Ctx, argv: string[]): Reply {
  const key = argv[1];
  const count = parseLongLong(argv[2]);
  if (count === null || count < 0n) return err(MUST_BE_POSITIVE);
  const sv = writeSet(ctx, key);
  if (isReply(sv)) return sv;
  if (!sv || count === 0n) return setReply([]);
  const size = BigInt(sv.v.size);
  const rnd = ctx.server.random;
  notify(ctx, NOTIFY.SET, 'spop', key);
  if (count >= size) {
    // The whole set, replied as Redis's one-key SUNION builds it.
    const all = setFromMembers(sv.v, setLimits(ctx.server.config));
    ctx.db.delete(key);
    notify(ctx, NOTIFY.GENERIC, 'del', key);
    return setReply(bulkAll(all.v));
  }
  const remaining = size - count;
  const out: Reply[] = [];
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let i = 0n; i < count; i++) {
      const m = setRandomMember(sv, rnd);
      setRemove(sv, m);
      out.push(bulk(m));
    }
  } else {
    // Move the survivors to a fresh set (whose encoding suits its first member),
    // reply with what is left in the old one.
    const lim = setLimits(ctx.server.config);
    let kept: SetValue | null = null;
    for (let i = 0n; i < remaining; i++) {
      const m = setRandomMember(sv, rnd);
      if (!kept) kept = newSetFor(m);
      setAdd(kept, m, lim);
      setRemove(sv, m);
    }
    for (const m of sv.v) out.push(bulk(m));
    sv.v = kept!.v;
    sv.enc = kept!.enc;
  }
  ctx.db.touch(key);
  return setReply(out);
}

function srandmemberWithCount(ctx: Ctx, argv: string[]): Reply {
  const l = parseLongLong(argv[2]);
  if (l === null) return err(E.NOT_INT);
  if (l < -LLONG_MAX) return err(OUT_OF_RANGE_SIGNED);
  const sv = readSet(ctx, argv[1]);
  if (isReply(sv)) return sv;
  if (!sv) return EMPTY_ARRAY;
  const unique = l >= 0n;
  const countBig = unique ? l : -l;
  if (countBig === 0n) return EMPTY_ARRAY;
  const size = sv.v.size;
  const rnd = ctx.server.random;
  const out: Reply[] = [];
  // Small sets are copied once; big ones are sampled through the slot index.
  const small = sv.v.ix === null && size <= INDEX_MIN_SIZE;
  if (!unique || countBig === 1n) {
    // Independent draws, repetitions allowed.
    const count = Number(countBig);
    if (small) {
      const members = [...sv.v];
      for (let i = 0; i < count; i++) out.push(bulk(members[rnd.int(size)]));
    } else {
      const ix = sv.v.index();
      for (let i = 0; i < count; i++) out.push(bulk(ix.random(rnd)));
    }
    return array(out);
  }
  if (countBig >= BigInt(size)) return array(bulkAll([...sv.v]));
  const count = Number(countBig);
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL <= size && !small) {
    // Few members of a big set (Redis's CASE 4): distinct draws, O(count).
    const seen = new Set<string>();
    while (seen.size < count) {
      const m = randomKeyOf(sv.v, rnd);
      if (!seen.has(m)) { seen.add(m); out.push(bulk(m)); }
    }
    return array(out);
  }
  const members = [...sv.v];
  for (let i = 0; i < count; i++) {
    const j = i + rnd.int(size - i);
    const t = members[i]; members[i] = members[j]; members[j] = t;
    out.push(bulk(members[i]));
  }
  return array(out);
}

registerAll({
  sadd(ctx, argv) {
    const key = argv[1];
    let sv = writeSet(ctx, key);
    if (isReply(sv)) return sv;
    if (!sv) {
      sv = newSetFor(argv[2]);
      ctx.db.add(key, sv);
    }
    const added = setAddMany(sv, argv.slice(2), setLimits(ctx.server.config));
    if (added) { ctx.db.touch(key); notify(ctx, NOTIFY.SET, 'sadd', key); }
    return int(added);
  },

  srem(ctx, argv) {
    const key = argv[1];
    const sv = writeSet(ctx, key);
    if (isReply(sv)) return sv;
    if (!sv) return ZERO;
    let deleted = 0;
    for (let i = 2; i < argv.length && sv.v.size > 0; i++) if (setRemove(sv, argv[i])) deleted++;
    if (deleted) notify(ctx, NOTIFY.SET, 'srem', key);
    if (sv.v.size === 0) { ctx.db.delete(key); notify(ctx, NOTIFY.GENERIC, 'del', key); } else if (deleted) ctx.db.touch(key);
    return int(deleted);
  },

  smove(ctx, argv) {
    const [, src, dst, ele] = argv;
    const s = ctx.db.lookupWrite(src);
    const d = ctx.db.lookupWrite(dst);
    if (!s) return ZERO;
    if (s.type !== 'set' || (d && d.type !== 'set')) return err(E.WRONGTYPE);
    if (s === d) return s.v.has(ele) ? ONE : ZERO;
    if (!setRemove(s, ele)) return ZERO;
    notify(ctx, NOTIFY.SET, 'srem', src);
    if (s.v.size === 0) { ctx.db.delete(src); notify(ctx, NOTIFY.GENERIC, 'del', src); } else ctx.db.touch(src);
    let target = d as SetValue | undefined;
    if (!target) {
      target = newSetFor(ele);
      ctx.db.add(dst, target);
    }
    if (setAdd(target, ele, setLimits(ctx.server.config))) { ctx.db.touch(dst); notify(ctx, NOTIFY.SET, 'sadd', dst); }
    return ONE;
  },

  sismember(ctx, argv) {
    const sv = readSet(ctx, argv[1]);
    if (isReply(sv)) return sv;
    return sv && sv.v.has(argv[2]) ? ONE : ZERO;
  },

  smismember(ctx, argv) {
    const sv = readSet(ctx, argv[1]);
    if (isReply(sv)) return sv;
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) out.push(sv && sv.v.has(argv[i]) ? ONE : ZERO);
    return array(out);
  },

  scard(ctx, argv) {
    const sv = readSet(ctx, argv[1]);
    if (isReply(sv)) return sv;
    return int(sv ? sv.v.size : 0);
  },

  spop(ctx, argv) {
    if (argv.length === 3) return spopWithCount(ctx, argv);
    if (argv.length > 3) return err(E.SYNTAX);
    const key = argv[1];
    const sv = writeSet(ctx, key);
    if (isReply(sv)) return sv;
    if (!sv) return NIL;
    const m = setRandomMember(sv, ctx.server.random);
    setRemove(sv, m);
    notify(ctx, NOTIFY.SET, 'spop', key);
    if (sv.v.size === 0) { ctx.db.delete(key); notify(ctx, NOTIFY.GENERIC, 'del', key); } else ctx.db.touch(key);
    return bulk(m);
  },

  srandmember(ctx, argv) {
    if (argv.length === 3) return srandmemberWithCount(ctx, argv);
    if (argv.length > 3) return err(E.SYNTAX);
    const sv = readSet(ctx, argv[1]);
    if (isReply(sv)) return sv;
    if (!sv) return NIL;
    return bulk(setRandomMember(sv, ctx.server.random));
  },

  smembers(ctx, argv) { return sinterGeneric(ctx, [argv[1]], null, false, 0n); },
  sinter(ctx, argv) { return sinterGeneric(ctx, argv.slice(1), null, false, 0n); },
  sinterstore(ctx, argv) { return sinterGeneric(ctx, argv.slice(2), argv[1], false, 0n); },

  sintercard(ctx, argv) {
    const numkeys = parseLongLong(argv[1]);
    if (numkeys === null || numkeys < 1n) return err('ERR numkeys should be greater than 0');
    if (numkeys > BigInt(argv.length - 2)) return err("ERR Number of keys can't be greater than number of args");
    const n = Number(numkeys);
    let limit = 0n;
    for (let j = 2 + n; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (argv[j].toLowerCase() === 'limit' && more > 0) {
        j++;
        const l = parseLongLong(argv[j]);
        if (l === null || l < 0n) return err("ERR LIMIT can't be negative");
        limit = l;
      } else {
        return err(E.SYNTAX);
      }
    }
    return sinterGeneric(ctx, argv.slice(2, 2 + n), null, true, limit);
  },

  sunion(ctx, argv) { return sunionDiffGeneric(ctx, argv.slice(1), null, 'union'); },
  sunionstore(ctx, argv) { return sunionDiffGeneric(ctx, argv.slice(2), argv[1], 'union'); },
  sdiff(ctx, argv) { return sunionDiffGeneric(ctx, argv.slice(1), null, 'diff'); },
  sdiffstore(ctx, argv) { return sunionDiffGeneric(ctx, argv.slice(2), argv[1], 'diff'); },

  sscan(ctx, argv) {
    const cursor = parseScanCursor(argv[2]);
    if (isReply(cursor)) return cursor;
    const sv = readSet(ctx, argv[1]);
    if (isReply(sv)) return sv;
    if (!sv) return array([bulk('0'), EMPTY_ARRAY]);
    const o = parseScanOptions(argv, 3, false);
    if (isReply(o)) return o;
    // An intset is returned whole in one call, whatever the cursor.
    const page = sv.enc === 'intset' ? { cursor: '0', items: [...sv.v] } : scanContainer(sv.v, cursor, o.count);
    const out: Reply[] = [];
    for (const m of page.items) if (o.pattern === null || globMatch(o.pattern, m)) out.push(bulk(m));
    return array([bulk(page.cursor), array(out)]);
  },
});
