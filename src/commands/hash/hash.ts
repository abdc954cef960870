/**
 * Hash commands (Redis 7.0 t_hash.c semantics): argument checks, lookups and
 * WRONGTYPE in Redis's order, listpack/hashtable encodings tracked on the value.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { HashValue } from '../../keyspace/values.js';
import {
  type Reply, OK, NIL, ZERO, ONE, E, err, int, bulk, bulkOrNil, array, map, errArity, EMPTY_ARRAY,
} from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { hincrByFloat, checkHincrByFloatIncrement } from '../../util/longdouble.js';
import { globMatch } from '../../util/glob.js';
import { INDEX_MIN_SIZE, randomKeyOf } from '../../types/indexed.js';

/** Redis's HRANDFIELD_SUB_STRATEGY_MUL: below count*3 <= size, draw distinct fields one by one. */
const RANDOM_SUB_STRATEGY_MUL = 3;
import { parseScanCursor, parseScanOptions, scanContainer } from '../scan-cursor.js';
import { newHash, hashLimits, hashSet, hashTryConversion, hashRandomField, hashDelete } from '../../types/hash.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
/** LONG_MAX / 2 in C integer division: the WITHVALUES count bound. */
const HALF_LONG_MAX = 4611686018427387903n;

const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 't' in x;

/** Read lookup: the hash, undefined when missing, or the WRONGTYPE reply. */
function readHash(ctx: Ctx, key: string): HashValue | undefined | Reply {
  const v = ctx.db.lookupRead(key);
  if (v && v.type !== 'hash') return err(E.WRONGTYPE);
  return v;
}

/**
 * Redis's hashTypeLookupWriteOrCreate: the existing hash, or a new empty one
 * already added to the keyspace (every caller then adds at least one field).
 */
function writeHashOrCreate(ctx: Ctx, key: string): HashValue | Reply {
  const v = ctx.db.lookupWrite(key);
  if (v) return v.type === 'hash' ? v : err(E.WRONGTYPE);
  const h = newHash();
  ctx.db.add(key, h);
  return h;
}

function hsetGeneric(ctx: Ctx, argv: string[], isHset: boolean): Reply {
  // The table arity is -4; the handler itself rejects an odd field/value list.
  if (argv.length % 2 === 1) return errArity(ctx.spec.fullname);
  const h = writeHashOrCreate(ctx, argv[1]);
  if (isReply(h)) return h;
  const lim = hashLimits(ctx.server.config);
  hashTryConversion(h, argv.slice(2), lim);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (!hashSet(h, argv[i], argv[i + 1], lim)) created++;
  ctx.db.touch(argv[1]);
  notify(ctx, NOTIFY.HASH, 'hset', argv[1]);
  return isHset ? int(created) : OK;
}

/** HGETALL / HKEYS / HVALS. */
function getAll(ctx: Ctx, key: string, keys: boolean, vals: boolean): Reply {
  const h = readHash(ctx, key);
  if (isReply(h)) return h;
  if (keys && vals) {
    if (!h) return map([]);
    return map([...h.v].map(([f, v]) => [bulk(f), bulk(v)] as [Reply, Reply]));
  }
  if (!h) return EMPTY_ARRAY;
  return array([...(keys ? h.v.keys() : h.v.values())].map((s) => bulk(s)));
}

/** One HRANDFIELD element, nested as [field, value] for RESP3 WITHVALUES. */
function pushPair(out: Reply[], f: string, v: string, withValues: boolean, resp3: boolean): void {
  if (!withValues) out.push(bulk(f));
  else if (resp3) out.push(array([bulk(f), bulk(v)]));
  else out.push(bulk(f), bulk(v));
}

function hrandfieldWithCount(ctx: Ctx, key: string, l: bigint, withValues: boolean): Reply {
  const h = readHash(ctx, key);
  if (isReply(h)) return h;
  if (!h) return EMPTY_ARRAY;
  const unique = l >= 0n;
  const countBig = unique ? l : -l;
  if (countBig === 0n) return EMPTY_ARRAY;
  const size = h.v.size;
  const resp3 = ctx.client.resp === 3;
  const rnd = ctx.server.random;
  const out: Reply[] = [];
  // Negative count (or 1): independent draws, repetitions allowed, random order.
  if (!unique || countBig === 1n) {
    const count = Number(countBig);
    if (h.v.ix === null && size <= INDEX_MIN_SIZE) {
      const entries = [...h.v];
      for (let i = 0; i < count; i++) {
        const [f, v] = entries[rnd.int(size)];
        pushPair(out, f, v, withValues, resp3);
      }
    } else {
      // O(1) a draw through the slot index, never a copy of a big hash.
      const ix = h.v.index();
      for (let i = 0; i < count; i++) {
        const f = ix.random(rnd);
        pushPair(out, f, h.v.get(f)!, withValues, resp3);
      }
    }
    return array(out);
  }
  // Asking for at least the whole hash: all of it, in the hash's own order.
  if (countBig >= BigInt(size)) {
    for (const [f, v] of h.v) pushPair(out, f, v, withValues, resp3);
    return array(out);
  }
  // A random subset of distinct fields (Redis's order here is random too).
  const count = Number(countBig);
  if (count * RANDOM_SUB_STRATEGY_MUL <= size && !(h.v.ix === null && size <= INDEX_MIN_SIZE)) {
    // Few fields of a big hash (Redis's CASE 4): distinct draws, O(count).
    const seen = new Set<string>();
    while (seen.size < count) {
      const f = randomKeyOf(h.v, rnd);
      if (seen.has(f)) continue;
      seen.add(f);
      pushPair(out, f, h.v.get(f)!, withValues, resp3);
    }
    return array(out);
  }
  const entries = [...h.v];
  for (let i = 0; i < count; i++) {
    const j = i + rnd.int(size - i);
    const t = entries[i]; entries[i] = entries[j]; entries[j] = t;
    pushPair(out, entries[i][0], entries[i][1], withValues, resp3);
  }
  return array(out);
}

registerAll({
  hset(ctx, argv) { return hsetGeneric(ctx, argv, true); },
  hmset(ctx, argv) { return hsetGeneric(ctx, argv, false); },

  hsetnx(ctx, argv) {
    const h = writeHashOrCreate(ctx, argv[1]);
    if (isReply(h)) return h;
    if (h.v.has(argv[2])) return ZERO;
    const lim = hashLimits(ctx.server.config);
    hashTryConversion(h, [argv[2], argv[3]], lim);
    hashSet(h, argv[2], argv[3], lim);
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.HASH, 'hset', argv[1]);
    return ONE;
  },

  hget(ctx, argv) {
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    return bulkOrNil(h?.v.get(argv[2]));
  },

  hmget(ctx, argv) {
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) out.push(bulkOrNil(h?.v.get(argv[i])));
    return array(out);
  },

  hdel(ctx, argv) {
    const key = argv[1];
    const v = ctx.db.lookupWrite(key);
    if (!v) return ZERO;
    if (v.type !== 'hash') return err(E.WRONGTYPE);
    let deleted = 0;
    for (let i = 2; i < argv.length; i++) {
      if (hashDelete(v, argv[i])) {
        deleted++;
        if (v.v.size === 0) break;
      }
    }
    if (deleted) notify(ctx, NOTIFY.HASH, 'hdel', key);
    if (v.v.size === 0) { ctx.db.delete(key); notify(ctx, NOTIFY.GENERIC, 'del', key); } else if (deleted) ctx.db.touch(key);
    return int(deleted);
  },

  hlen(ctx, argv) {
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    return int(h ? h.v.size : 0);
  },

  hstrlen(ctx, argv) {
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    return int(h?.v.get(argv[2])?.length ?? 0);
  },

  hexists(ctx, argv) {
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    return h && h.v.has(argv[2]) ? ONE : ZERO;
  },

  hgetall(ctx, argv) { return getAll(ctx, argv[1], true, true); },
  hkeys(ctx, argv) { return getAll(ctx, argv[1], true, false); },
  hvals(ctx, argv) { return getAll(ctx, argv[1], false, true); },

  hincrby(ctx, argv) {
    const incr = parseLongLong(argv[3]);
    if (incr === null) return err(E.NOT_INT);
    const h = writeHashOrCreate(ctx, argv[1]);
    if (isReply(h)) return h;
    const cur = h.v.get(argv[2]);
    let value = 0n;
    if (cur !== undefined) {
      const n = parseLongLong(cur);
      if (n === null) return err('ERR hash value is not an integer');
      value = n;
    }
    if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
      return err(E.OVERFLOW);
    }
    value += incr;
    hashSet(h, argv[2], value.toString(), hashLimits(ctx.server.config));
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.HASH, 'hincrby', argv[1]);
    return int(value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value);
  },

  hincrbyfloat(ctx, argv) {
    // The increment is validated before the key is even looked up.
    const incErr = checkHincrByFloatIncrement(argv[3]);
    if (incErr !== null) return err(incErr);
    const h = writeHashOrCreate(ctx, argv[1]);
    if (isReply(h)) return h;
    const r = hincrByFloat(h.v.get(argv[2]) ?? null, argv[3]);
    if (!r.ok) return err(r.error);
    hashSet(h, argv[2], r.value, hashLimits(ctx.server.config));
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.HASH, 'hincrbyfloat', argv[1]);
    return bulk(r.value);
  },

  hrandfield(ctx, argv) {
    if (argv.length >= 3) {
      const l = parseLongLong(argv[2]);
      if (l === null) return err(E.NOT_INT);
      if (l < -LLONG_MAX) {
        return err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
      }
      if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withvalues')) return err(E.SYNTAX);
      const withValues = argv.length === 4;
      if (withValues && (l < -HALF_LONG_MAX || l > HALF_LONG_MAX)) return err('ERR value is out of range');
      return hrandfieldWithCount(ctx, argv[1], l, withValues);
    }
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    if (!h) return NIL;
    return bulk(hashRandomField(h, ctx.server.random)[0]);
  },

  hscan(ctx, argv) {
    const cursor = parseScanCursor(argv[2]);
    if (isReply(cursor)) return cursor;
    const h = readHash(ctx, argv[1]);
    if (isReply(h)) return h;
    if (!h) return array([bulk('0'), EMPTY_ARRAY]);
    const o = parseScanOptions(argv, 3, false);
    if (isReply(o)) return o;
    // A listpack hash is returned whole in one call, whatever the cursor.
    const page = h.enc === 'listpack'
      ? { cursor: '0', items: [...h.v.keys()] }
      : scanContainer(h.v, cursor, o.count);
    const out: Reply[] = [];
    for (const f of page.items) {
      if (o.pattern !== null && !globMatch(o.pattern, f)) continue;
      const v = h.v.get(f);
      if (v !== undefined) out.push(bulk(f), bulk(v));
    }
    return array([bulk(page.cursor), array(out)]);
  },
});
