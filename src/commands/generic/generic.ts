/**
 * The generic (keyspace) group: DEL/EXISTS/TYPE/KEYS/SCAN/RANDOMKEY, the EXPIRE
 * family and TTLs, OBJECT. Database-level commands (RENAME, MOVE, COPY, SWAPDB,
 * FLUSH*) are in db.ts, DUMP/RESTORE in dump.ts.
 */
import { lfuDecrAndReturn } from '../../keyspace/lfu.js';
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { RValue } from '../../keyspace/values.js';
import {
  NIL, ZERO, ONE, int, bulk, bulks, array, status, err, E, type Reply,
} from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { globMatch } from '../../util/glob.js';
import { parseScanCursor, parseScanOptions, scanContainer } from '../scan-cursor.js';
import { stringEncoding, stringRefcount } from '../string/enc.js';
import { getExpireExact, setExpireExact, errExpireTime, LLONG_MAX, LLONG_MIN } from './expire.js';
import './db.js';
import './dump.js';
import { notify, NOTIFY } from '../../pubsub/notify.js';

/** lookupKeyReadWithFlags(LOOKUP_NOTOUCH): lazy expiry and hit/miss stats, no LRU update. */
export function lookupNoTouch(ctx: Ctx, key: string): RValue | undefined {
  const v = ctx.db.peek(key);
  if (v) ctx.server.stats.keyspaceHits++; else ctx.server.stats.keyspaceMisses++;
  return v;
}

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 't' in x;
}

function toInt(v: bigint): Reply {
  return int(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

function del(ctx: Ctx, argv: string[]): Reply {
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    if (ctx.db.delete(argv[j])) { notify(ctx, NOTIFY.GENERIC, 'del', argv[j]); n++; }
  }
  return int(n);
}

// EXPIRE option flags.
const NX = 1, XX = 2, GT = 4, LT = 8;

function expireGeneric(ctx: Ctx, argv: string[], relative: boolean, seconds: boolean): Reply {
  const key = argv[1];
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === 'nx') flags |= NX;
    else if (o === 'xx') flags |= XX;
    else if (o === 'gt') flags |= GT;
    else if (o === 'lt') flags |= LT;
    else return err(`ERR Unsupported option ${argv[j]}`);
  }
  if ((flags & NX) && (flags & (XX | GT | LT))) return err('ERR NX and XX, GT or LT options at the same time are not compatible');
  if ((flags & GT) && (flags & LT)) return err('ERR GT and LT options at the same time are not compatible');
  let when = parseLongLong(argv[2]);
  if (when === null) return err(E.NOT_INT);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return errExpireTime(ctx);
    when *= 1000n;
  }
  const base = relative ? BigInt(ctx.server.clock.now()) : 0n;
  if (when > LLONG_MAX - base) return errExpireTime(ctx);
  when += base;
  if (!ctx.db.lookupWrite(key)) return ZERO;
  if (flags) {
    const cur = getExpireExact(ctx.db, key);
    if ((flags & NX) && cur !== undefined) return ZERO;
    if ((flags & XX) && cur === undefined) return ZERO;
    if ((flags & GT) && (cur === undefined || when <= cur)) return ZERO;
    if ((flags & LT) && cur !== undefined && when >= cur) return ZERO;
  }
  if (when <= BigInt(ctx.server.clock.now())) {
    ctx.db.delete(key);
    notify(ctx, NOTIFY.GENERIC, 'del', key);
    return ONE;
  }
  setExpireExact(ctx.db, key, when);
  ctx.db.touch(key);
  notify(ctx, NOTIFY.GENERIC, 'expire', key);
  return ONE;
}

function ttlGeneric(ctx: Ctx, key: string, ms: boolean, abs: boolean): Reply {
  if (!lookupNoTouch(ctx, key)) return int(-2);
  const when = getExpireExact(ctx.db, key);
  if (when === undefined) return int(-1);
  let ttl = abs ? when : when - BigInt(ctx.server.clock.now());
  if (ttl < 0n) ttl = 0n;
  return toInt(ms ? ttl : (ttl + 500n) / 1000n);
}

/** OBJECT subcommands look the key up without touching it; a missing key is nil. */
function objectLookup(ctx: Ctx, key: string): RValue | undefined {
  return lookupNoTouch(ctx, key);
}

function lfuPolicy(ctx: Ctx): boolean {
  return (ctx.server.config.get('maxmemory-policy') ?? '').includes('lfu');
}

export function encodingName(v: RValue): string {
  return v.type === 'string' ? stringEncoding(v) : v.enc;
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

registerAll({
  del,
  unlink: del,

  exists(ctx, argv) {
    let n = 0;
    for (let j = 1; j < argv.length; j++) if (lookupNoTouch(ctx, argv[j])) n++;
    return int(n);
  },

  touch(ctx, argv) {
    let n = 0;
    for (let j = 1; j < argv.length; j++) if (ctx.db.lookupRead(argv[j])) n++;
    return int(n);
  },

  type(ctx, argv) {
    const v = lookupNoTouch(ctx, argv[1]);
    return status(v ? v.type : 'none');
  },

  keys(ctx, argv) {
    const pat = argv[1];
    const all = pat === '*';
    const out: string[] = [];
    for (const k of ctx.db.data.keys()) {
      if (!all && !globMatch(pat, k)) continue;
      if (!ctx.db.isExpired(k)) out.push(k);
    }
    return bulks(out);
  },

  scan(ctx, argv) {
    const cursor = parseScanCursor(argv[1]);
    if (isReply(cursor)) return cursor;
    const o = parseScanOptions(argv, 2, true);
    if (isReply(o)) return o;
    const page = scanContainer(ctx.db.data, cursor, o.count);
    const keys: string[] = [];
    for (const k of page.items) {
      if (o.pattern !== null && !globMatch(o.pattern, k)) continue;
      if (o.type !== null) {
        const v = lookupNoTouch(ctx, k);
        if ((v ? v.type : 'none') !== o.type.toLowerCase()) continue;
      }
      if (ctx.db.expireIfNeeded(k)) continue;
      keys.push(k);
    }
    return array([bulk(page.cursor), bulks(keys)]);
  },

  randomkey(ctx) {
    const db = ctx.db;
    for (;;) {
      if (db.data.size === 0) return NIL;
      const k = db.randomKey(ctx.server.random);
      if (db.expires.has(k) && db.expireIfNeeded(k)) continue;
      return bulk(k);
    }
  },

  expire(ctx, argv) { return expireGeneric(ctx, argv, true, true); },
  pexpire(ctx, argv) { return expireGeneric(ctx, argv, true, false); },
  expireat(ctx, argv) { return expireGeneric(ctx, argv, false, true); },
  pexpireat(ctx, argv) { return expireGeneric(ctx, argv, false, false); },

  ttl(ctx, argv) { return ttlGeneric(ctx, argv[1], false, false); },
  pttl(ctx, argv) { return ttlGeneric(ctx, argv[1], true, false); },
  expiretime(ctx, argv) { return ttlGeneric(ctx, argv[1], false, true); },
  pexpiretime(ctx, argv) { return ttlGeneric(ctx, argv[1], true, true); },

  persist(ctx, argv) {
    if (!ctx.db.lookupWrite(argv[1])) return ZERO;
    if (!ctx.db.removeExpire(argv[1])) return ZERO;
    ctx.db.touch(argv[1]);
    notify(ctx, NOTIFY.GENERIC, 'persist', argv[1]);
    return ONE;
  },

  'object|help'() { return array(OBJECT_HELP.map(status)); },

  'object|encoding'(ctx, argv) {
    const v = objectLookup(ctx, argv[2]);
    return v ? bulk(encodingName(v)) : NIL;
  },

  'object|refcount'(ctx, argv) {
    const v = objectLookup(ctx, argv[2]);
    if (!v) return NIL;
    return int(v.type === 'string' ? stringRefcount(v) : 1);
  },

  'object|idletime'(ctx, argv) {
    const v = objectLookup(ctx, argv[2]);
    if (!v) return NIL;
    if (lfuPolicy(ctx)) {
      return err('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
    }
    const idle = Math.floor(ctx.server.now() / 1000) - Math.floor(v.lru / 1000);
    return int(Math.max(0, idle));
  },

  'object|freq'(ctx, argv) {
    const v = objectLookup(ctx, argv[2]);
    if (!v) return NIL;
    if (!lfuPolicy(ctx)) {
      return err('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
    }
    return int(lfuDecrAndReturn(v, ctx.server.now(), ctx.server.config.getNumber('lfu-decay-time')));
  },
});
