/**
 * The string group: GET/SET and friends, counters, ranges, LCS. Semantics follow
 * Redis 7.0's t_string.c; string encodings live in enc.ts.
 */
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { StringValue } from '../../keyspace/values.js';
import {
  OK, NIL, ZERO, ONE, int, bulk, array, err, E, type Reply,
} from '../../reply.js';
import { parseLongLong, parseLongLongNum } from '../../util/float.js';

const MAX_SAFE_INCR = BigInt(Number.MAX_SAFE_INTEGER);
import { incrByFloat } from '../../util/longdouble.js';
import { encodedString, heldByArgv, plainString, rawString } from './enc.js';
import { parseSetExpire, setExpireExact, LLONG_MAX, LLONG_MIN } from '../generic/expire.js';
import { lcsCommand } from './lcs.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

const EMPTY_BULK = bulk('');

/** lookupKeyRead + checkType(string): the value, undefined (missing) or an error reply. */
function readString(ctx: Ctx, key: string): StringValue | undefined | Reply {
  const v = ctx.db.lookupRead(key);
  if (!v) return undefined;
  if (v.type !== 'string') return err(E.WRONGTYPE);
  return v;
}

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 't' in x;
}

/** checkStringLength(): would the result exceed proto-max-bulk-len? */
function tooLong(ctx: Ctx, size: number, append: number): Reply | null {
  if (size + append > ctx.server.config.getNumber('proto-max-bulk-len')) {
    return err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  }
  return null;
}

// SET option flags (parseExtendedStringArgumentsOrReply).
const NX = 1, XX = 2, EX = 4, PX = 8, KEEPTTL = 16, GET = 32, EXAT = 64, PXAT = 128, PERSIST = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface ExtArgs { flags: number; expire: string | null }

/** Redis's option grammar shared by SET (forSet) and GETEX; a repeated or conflicting option is a syntax error. */
function parseExtended(argv: string[], forSet: boolean): ExtArgs | Reply {
  let flags = 0;
  let expire: string | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !(flags & XX) && forSet) flags |= NX;
    else if (opt === 'xx' && !(flags & NX) && forSet) flags |= XX;
    else if (opt === 'get' && forSet) flags |= GET;
    else if (opt === 'keepttl' && !(flags & (PERSIST | ANY_EXPIRE)) && forSet) flags |= KEEPTTL;
    else if (opt === 'persist' && !forSet && !(flags & (ANY_EXPIRE | KEEPTTL))) flags |= PERSIST;
    else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && hasNext) {
      const bit = opt === 'ex' ? EX : opt === 'px' ? PX : opt === 'exat' ? EXAT : PXAT;
      // The same option twice is accepted (it is not in its own conflict set).
      if (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~bit))) return err(E.SYNTAX);
      flags |= bit;
      expire = argv[++j];
    } else return err(E.SYNTAX);
  }
  return { flags, expire };
}

function expireOf(ctx: Ctx, a: ExtArgs): bigint | null | Reply {
  if (a.expire === null) return null;
  return parseSetExpire(ctx, a.expire, (a.flags & (EX | EXAT)) !== 0, (a.flags & (EX | PX)) !== 0);
}

/** setGenericCommand. okReply/abortReply: SETNX answers 1/0 instead of OK/nil. */
function setGeneric(ctx: Ctx, key: string, value: string, flags: number, when: bigint | null,
  okReply: Reply = OK, abortReply: Reply = NIL): Reply {
  let getReply: Reply | null = null;
  if (flags & GET) {
    const cur = readString(ctx, key);
    if (isReply(cur)) return cur;
    getReply = cur ? bulk(cur.v) : NIL;
  }
  const found = ctx.db.lookupWrite(key) !== undefined;
  if (((flags & NX) && found) || ((flags & XX) && !found)) return getReply ?? abortReply;
  ctx.db.set(key, heldByArgv(ctx, encodedString(ctx.server, value)), (flags & KEEPTTL) !== 0);
  notify(ctx, NOTIFY.STRING, 'set', key);
  if (when !== null) { setExpireExact(ctx.db, key, when); notify(ctx, NOTIFY.GENERIC, 'expire', key); }
  return getReply ?? okReply;
}

function incrDecr(ctx: Ctx, key: string, incr: bigint): Reply {
  const o = ctx.db.lookupWrite(key);
  if (o && o.type !== 'string') return err(E.WRONGTYPE);
  // Fast path without BigInt: both sides and the sum are safe integers, far from int64 overflow.
  if (incr >= -MAX_SAFE_INCR && incr <= MAX_SAFE_INCR) {
    const cur = o ? parseLongLongNum(o.v) : 0;
    const sum = cur === null ? NaN : cur + Number(incr);
    if (Number.isSafeInteger(sum)) {
      const nv = encodedString(ctx.server, String(sum));
      if (o) ctx.db.set(key, nv, true);
      else ctx.db.add(key, nv);
      notify(ctx, NOTIFY.STRING, 'incrby', key);
      return int(sum);
    }
  }
  let value = 0n;
  if (o) {
    const p = parseLongLong(o.v);
    if (p === null) return err(E.NOT_INT);
    value = p;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return err(E.OVERFLOW);
  }
  value += incr;
  const nv = encodedString(ctx.server, value.toString());
  if (o) ctx.db.set(key, nv, true); // dbOverwrite keeps the TTL
  else ctx.db.add(key, nv);
  notify(ctx, NOTIFY.STRING, 'incrby', key);
  return int(value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value);
}

function parseIncrement(arg: string): bigint | Reply {
  const n = parseLongLong(arg);
  return n === null ? err(E.NOT_INT) : n;
}

function getrange(ctx: Ctx, argv: string[]): Reply {
  let start = parseLongLong(argv[2]);
  if (start === null) return err(E.NOT_INT);
  let end = parseLongLong(argv[3]);
  if (end === null) return err(E.NOT_INT);
  const o = readString(ctx, argv[1]);
  if (isReply(o)) return o;
  if (!o) return EMPTY_BULK;
  const s = o.v;
  const len = BigInt(s.length);
  if (start < 0n && end < 0n && start > end) return EMPTY_BULK;
  if (start < 0n) start += len;
  if (end < 0n) end += len;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return EMPTY_BULK;
  return bulk(s.slice(Number(start), Number(end) + 1));
}

registerAll({
  get(ctx, argv) {
    // readString inlined: GET is the hottest command.
    const o = ctx.db.lookupRead(argv[1]);
    if (!o) return NIL;
    return o.type === 'string' ? bulk(o.v) : err(E.WRONGTYPE);
  },

  set(ctx, argv) {
    // Plain SET key value: no options to parse.
    if (argv.length === 3) return setGeneric(ctx, argv[1], argv[2], 0, null);
    const a = parseExtended(argv, true);
    if (isReply(a)) return a;
    const when = expireOf(ctx, a);
    if (isReply(when)) return when;
    return setGeneric(ctx, argv[1], argv[2], a.flags, when);
  },

  setnx(ctx, argv) { return setGeneric(ctx, argv[1], argv[2], NX, null, ONE, ZERO); },

  setex(ctx, argv) {
    const when = parseSetExpire(ctx, argv[2], true, true);
    if (isReply(when)) return when;
    return setGeneric(ctx, argv[1], argv[3], EX, when);
  },

  psetex(ctx, argv) {
    const when = parseSetExpire(ctx, argv[2], false, true);
    if (isReply(when)) return when;
    return setGeneric(ctx, argv[1], argv[3], PX, when);
  },

  getex(ctx, argv) {
    const a = parseExtended(argv, false);
    if (isReply(a)) return a;
    const key = argv[1];
    const o = readString(ctx, key);
    if (isReply(o)) return o;
    if (!o) return NIL;
    const when = expireOf(ctx, a);
    if (isReply(when)) return when;
    const reply = bulk(o.v);
    if ((a.flags & (EXAT | PXAT)) && when !== null && when <= BigInt(ctx.server.clock.now())) {
      ctx.db.delete(key);
      notify(ctx, NOTIFY.GENERIC, 'del', key);
    } else if (when !== null) {
      setExpireExact(ctx.db, key, when);
      ctx.db.touch(key);
      notify(ctx, NOTIFY.GENERIC, 'expire', key);
    } else if (a.flags & PERSIST) {
      if (ctx.db.removeExpire(key)) { ctx.db.touch(key); notify(ctx, NOTIFY.GENERIC, 'persist', key); }
    }
    return reply;
  },

  getdel(ctx, argv) {
    const o = readString(ctx, argv[1]);
    if (isReply(o)) return o;
    if (!o) return NIL;
    ctx.db.delete(argv[1]);
    notify(ctx, NOTIFY.GENERIC, 'del', argv[1]);
    return bulk(o.v);
  },

  getset(ctx, argv) {
    const o = readString(ctx, argv[1]);
    if (isReply(o)) return o;
    ctx.db.set(argv[1], heldByArgv(ctx, encodedString(ctx.server, argv[2])));
    notify(ctx, NOTIFY.STRING, 'set', argv[1]);
    return o ? bulk(o.v) : NIL;
  },

  mget(ctx, argv) {
    const out: Reply[] = [];
    for (let j = 1; j < argv.length; j++) {
      const o = ctx.db.lookupRead(argv[j]);
      out.push(o && o.type === 'string' ? bulk(o.v) : NIL);
    }
    return array(out);
  },

  mset(ctx, argv) {
    if (argv.length % 2 === 0) return err("ERR wrong number of arguments for 'mset' command");
    for (let j = 1; j < argv.length; j += 2) {
      ctx.db.set(argv[j], heldByArgv(ctx, encodedString(ctx.server, argv[j + 1])));
      notify(ctx, NOTIFY.STRING, 'set', argv[j]);
    }
    return OK;
  },

  msetnx(ctx, argv) {
    if (argv.length % 2 === 0) return err("ERR wrong number of arguments for 'msetnx' command");
    for (let j = 1; j < argv.length; j += 2) if (ctx.db.lookupWrite(argv[j])) return ZERO;
    for (let j = 1; j < argv.length; j += 2) {
      ctx.db.set(argv[j], heldByArgv(ctx, encodedString(ctx.server, argv[j + 1])));
      notify(ctx, NOTIFY.STRING, 'set', argv[j]);
    }
    return ONE;
  },

  incr(ctx, argv) { return incrDecr(ctx, argv[1], 1n); },
  decr(ctx, argv) { return incrDecr(ctx, argv[1], -1n); },
  incrby(ctx, argv) {
    const n = parseIncrement(argv[2]);
    return isReply(n) ? n : incrDecr(ctx, argv[1], n);
  },
  decrby(ctx, argv) {
    const n = parseIncrement(argv[2]);
    if (isReply(n)) return n;
    if (n === LLONG_MIN) return err('ERR decrement would overflow');
    return incrDecr(ctx, argv[1], -n);
  },

  incrbyfloat(ctx, argv) {
    const key = argv[1];
    const o = ctx.db.lookupWrite(key);
    if (o && o.type !== 'string') return err(E.WRONGTYPE);
    const r = incrByFloat(o ? o.v : null, argv[2]);
    if (!r.ok) return err(r.error);
    const nv = heldByArgv(ctx, plainString(r.value));
    if (o) ctx.db.set(key, nv, true);
    else ctx.db.add(key, nv);
    notify(ctx, NOTIFY.STRING, 'incrbyfloat', key);
    return bulk(r.value);
  },

  append(ctx, argv) {
    const key = argv[1];
    const o = ctx.db.lookupWrite(key);
    if (!o) {
      ctx.db.add(key, heldByArgv(ctx, encodedString(ctx.server, argv[2])));
      notify(ctx, NOTIFY.STRING, 'append', key);
      return int(argv[2].length);
    }
    if (o.type !== 'string') return err(E.WRONGTYPE);
    const e = tooLong(ctx, o.v.length, argv[2].length);
    if (e) return e;
    // dbUnshareStringValue + sdscatlen: the value becomes raw even for an empty append.
    o.v += argv[2];
    o.raw = true;
    ctx.db.touch(key);
    notify(ctx, NOTIFY.STRING, 'append', key);
    return int(o.v.length);
  },

  strlen(ctx, argv) {
    const o = readString(ctx, argv[1]);
    if (isReply(o)) return o;
    return int(o ? o.v.length : 0);
  },

  setrange(ctx, argv) {
    const key = argv[1];
    const value = argv[3];
    const off = parseLongLong(argv[2]);
    if (off === null) return err(E.NOT_INT);
    if (off < 0n) return err('ERR offset is out of range');
    const o = ctx.db.lookupWrite(key);
    if (!o) {
      if (value.length === 0) return ZERO;
      if (off + BigInt(value.length) > BigInt(ctx.server.config.getNumber('proto-max-bulk-len'))) {
        return err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
      }
      const offset = Number(off);
      ctx.db.add(key, rawString('\0'.repeat(offset) + value));
      notify(ctx, NOTIFY.STRING, 'setrange', key);
      return int(offset + value.length);
    }
    if (o.type !== 'string') return err(E.WRONGTYPE);
    if (value.length === 0) return int(o.v.length);
    if (off + BigInt(value.length) > BigInt(ctx.server.config.getNumber('proto-max-bulk-len'))) {
      return err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    }
    const offset = Number(off);
    const cur = o.v.length < offset ? o.v + '\0'.repeat(offset - o.v.length) : o.v;
    o.v = cur.slice(0, offset) + value + cur.slice(offset + value.length);
    o.raw = true;
    ctx.db.touch(key);
    notify(ctx, NOTIFY.STRING, 'setrange', key);
    return int(o.v.length);
  },

  getrange: getrange,
  substr: getrange,

  lcs: lcsCommand,
});

