/**
 * The command form of an AOF base file (rewriteAppendOnlyFileRio, used when
 * aof-use-rdb-preamble is no): the function libraries as FUNCTION LOAD, then per
 * non-empty database a SELECT and one command per key, collections in batches of
 * 64 items (AOF_REWRITE_ITEMS_PER_CMD), and PEXPIREAT for keys with a TTL.
 * Streams are written as a RESTORE of their DUMP payload (Redis writes XADD/XSETID/
 * XGROUP commands); a real redis-server loads either.
 */
import type { RedSim } from '../server.js';
import { functionsOf } from '../scripting/functions.js';
import { formatDouble } from '../util/float.js';
import { dumpPayload } from '../commands/generic/rdb.js';

const ITEMS_PER_CMD = 64;

function* batches(head: string[], items: Iterable<string[]>): Generator<string[]> {
  let cur: string[] = [];
  let n = 0;
  for (const it of items) {
    cur.push(...it);
    if (++n === ITEMS_PER_CMD) { yield [...head, ...cur]; cur = []; n = 0; }
  }
  if (n) yield [...head, ...cur];
}

export function* rewriteCommands(sim: RedSim): Generator<string[]> {
  for (const lib of functionsOf(sim).libraries.values()) yield ['FUNCTION', 'LOAD', lib.code];
  const now = sim.clock.now();
  const fill = sim.config.getNumber('list-max-listpack-size');
  for (const db of sim.dbs) {
    if (db.data.size === 0) continue;
    yield ['SELECT', String(db.id)];
    for (const [key, v] of db.data) {
      const at = db.getExpire(key);
      // Keys already expired are skipped (Redis: "if (expiretime != -1 && expiretime < now) continue").
      if (at !== undefined && at < now) continue;
      switch (v.type) {
        case 'string': yield ['SET', key, v.v]; break;
        case 'list': yield* batches(['RPUSH', key], (function* () { for (const x of v.v) yield [x]; })()); break;
        case 'set': yield* batches(['SADD', key], (function* () { for (const x of v.v) yield [x as string]; })()); break;
        case 'zset': yield* batches(['ZADD', key], (function* () { for (const [m, s] of v.v.entries()) yield [formatDouble(s), m]; })()); break;
        case 'hash': yield* batches(['HMSET', key], (function* () { for (const [f, x] of v.v) yield [f, x]; })()); break;
        case 'stream': { const d = dumpPayload(v, fill); if (d !== null) yield ['RESTORE', key, '0', d]; break; }
      }
      if (at !== undefined) yield ['PEXPIREAT', key, String(at)];
    }
  }
}
