/**
 * Expire times with full int64 precision. The keyspace keeps expire times as JS
 * numbers; times beyond 2^53 (PXAT 9223372036854775807 ...) also keep their exact
 * value here so PEXPIRETIME/PTTL print Redis's digits. The side entry is trusted only
 * while the stored number still equals it, so stale entries are harmless.
 */
import type { Database } from '../../keyspace/db.js';
import type { Ctx } from '../../context.js';
import { err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';

export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

// Keyed by the db's expires map, so SWAPDB (which swaps the maps) carries the entries along.
const EXACT = new WeakMap<object, Map<string, bigint>>();

/** Set the key's absolute expire time (ms). The caller signals the change. */
export function setExpireExact(db: Database, key: string, when: bigint): void {
  const n = Number(when);
  db.setExpire(key, n);
  if (!Number.isSafeInteger(n)) {
    let m = EXACT.get(db.expires);
    if (!m) { m = new Map(); EXACT.set(db.expires, m); }
    m.set(key, when);
  }
}

/** The key's absolute expire time (ms) or undefined when it has none. */
export function getExpireExact(db: Database, key: string): bigint | undefined {
  const n = db.getExpire(key);
  if (n === undefined) return undefined;
  if (Number.isSafeInteger(n)) return BigInt(n);
  const exact = EXACT.get(db.expires)?.get(key);
  return exact !== undefined && Number(exact) === n ? exact : BigInt(Math.trunc(n));
}

/** Copy a key's expire (exactly) to another key/db, as RENAME/MOVE/COPY do. */
export function copyExpire(from: Database, key: string, to: Database, newKey: string): void {
  const when = getExpireExact(from, key);
  if (when !== undefined) setExpireExact(to, newKey, when);
}

export const errExpireTime = (ctx: Ctx): Reply => err(`ERR invalid expire time in '${ctx.spec.fullname}' command`);

/**
 * getExpireMillisecondsOrReply() of SET/SETEX/PSETEX/GETEX: a positive integer, in
 * seconds or ms, relative (EX/PX) or absolute (EXAT/PXAT); overflow is an invalid
 * expire time. Returns the absolute time in ms or the error reply.
 */
export function parseSetExpire(ctx: Ctx, arg: string, seconds: boolean, relative: boolean): bigint | Reply {
  let ms = parseLongLong(arg);
  if (ms === null) return err(E.NOT_INT);
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) return errExpireTime(ctx);
  if (seconds) ms *= 1000n;
  if (relative) {
    ms += BigInt(ctx.server.clock.now());
    if (ms > LLONG_MAX) return errExpireTime(ctx); // C wraps to a negative value
  }
  return ms;
}
