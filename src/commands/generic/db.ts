/**
 * Commands that move keys or whole keyspaces: RENAME/RENAMENX, MOVE, COPY, SWAPDB,
 * FLUSHDB/FLUSHALL, DBSIZE (db.c). WATCH is honoured through the Database mutation
 * methods and touchAllWatchedKeysInDb.
 */
import { saveNow } from '../../persistence/persistence.js';
import { registerAll } from '../registry.js';
import type { Ctx } from '../../context.js';
import type { Database } from '../../keyspace/db.js';
import type { RValue } from '../../keyspace/values.js';
import { OK, ZERO, ONE, int, err, E, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { touchAllWatchedKeysInDb } from '../transactions/transactions.js';
import { copyExpire } from './expire.js';
import { dupString } from '../string/enc.js';
import { IndexedMap, IndexedSet } from '../../types/indexed.js';
import { notify, notifyKeyspaceEvent, NOTIFY } from '../../pubsub/notify.js';

const SAME_OBJECT = 'ERR source and destination objects are the same';

/** getIntFromObjectOrReply without a custom message: a C int (32-bit) or the error reply. */
function parseInt32(s: string): number | Reply {
  const v = parseLongLong(s);
  if (v === null) return err(E.NOT_INT);
  if (v < -2147483648n || v > 2147483647n) return err('ERR value is out of range, value must between -2147483648 and 2147483647');
  return Number(v);
}

/** Deep copy of a value with the same encoding (COPY). */
export function dupValue(v: RValue): RValue {
  switch (v.type) {
    case 'string': return dupString(v);
    case 'list': return { type: 'list', v: v.v.clone(), enc: v.enc, lru: 0 };
    case 'hash': return { type: 'hash', v: new IndexedMap(v.v), enc: v.enc, lru: 0 };
    case 'set': return { type: 'set', v: new IndexedSet(v.v), enc: v.enc, lru: 0, ...(v.iw ? { iw: v.iw } : {}) };
    case 'zset': return { type: 'zset', v: v.v.clone(), enc: v.enc, lru: 0 };
    case 'stream': return { type: 'stream', v: v.v.clone(), enc: 'stream', lru: 0 };
  }
}

function renameGeneric(ctx: Ctx, argv: string[], nx: boolean): Reply {
  const [, src, dst] = argv;
  const db = ctx.db;
  const o = db.lookupWrite(src);
  if (!o) return err(E.NO_KEY);
  if (src === dst) return nx ? ZERO : OK;
  if (db.lookupWrite(dst)) {
    if (nx) return ZERO;
    db.delete(dst);
  }
  db.add(dst, o);
  copyExpire(db, src, db, dst);
  db.delete(src);
  notify(ctx, NOTIFY.GENERIC, 'rename_from', src);
  notify(ctx, NOTIFY.GENERIC, 'rename_to', dst);
  return nx ? ONE : OK;
}

/** Redis's scanDatabaseForReadyKeys: lists/zsets that appeared may serve blocked clients. */
function signalReadyKeys(ctx: Ctx, db: Database): void {
  for (const k of ctx.server.blocking.blockingKeys(db)) if (db.data.has(k)) ctx.server.blocking.signalReady(db, k);
}

/** scanDatabaseForDeletedStreams: streams that go away wake their XREADGROUP clients (to fail). */
function signalDeletedStreams(ctx: Ctx, emptied: Database, replacedWith?: Database): void {
  for (const k of ctx.server.blocking.blockingKeys(emptied)) {
    if (emptied.data.get(k)?.type !== 'stream') continue;
    if (replacedWith?.data.get(k)?.type === 'stream') continue;
    ctx.server.blocking.signalReady(emptied, k);
  }
}

/** getFlushCommandFlags: [ASYNC|SYNC]; anything else is a syntax error. */
function flushArgsOk(argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length !== 2) return false;
  const a = argv[1].toLowerCase();
  return a === 'sync' || a === 'async';
}

function flushDb(ctx: Ctx, db: Database): void {
  signalDeletedStreams(ctx, db);
  touchAllWatchedKeysInDb(db);
  db.clear();
}

type Mutable = { data: Database['data']; expires: Database['expires'] };

registerAll({
  rename(ctx, argv) { return renameGeneric(ctx, argv, false); },
  renamenx(ctx, argv) { return renameGeneric(ctx, argv, true); },

  move(ctx, argv) {
    if (ctx.server.ext.cluster) return err('ERR MOVE is not allowed in cluster mode');
    const key = argv[1];
    const id = parseInt32(argv[2]);
    if (typeof id !== 'number') return id;
    if (id < 0 || id >= ctx.server.dbs.length) return err(E.DB_INDEX);
    const src = ctx.db;
    const dst = ctx.server.dbs[id];
    if (src === dst) return err(SAME_OBJECT);
    const o = src.lookupWrite(key);
    if (!o) return ZERO;
    if (dst.lookupWrite(key)) return ZERO;
    dst.add(key, o);
    copyExpire(src, key, dst, key);
    src.delete(key);
    notifyKeyspaceEvent(ctx.server, NOTIFY.GENERIC, 'move_from', key, src.id);
    notifyKeyspaceEvent(ctx.server, NOTIFY.GENERIC, 'move_to', key, dst.id);
    return ONE;
  },

  copy(ctx, argv) {
    const src = ctx.db;
    let dst = ctx.db;
    let replace = false;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j].toLowerCase();
      const more = argv.length - j - 1;
      if (opt === 'replace') replace = true;
      else if (opt === 'db' && more >= 1) {
        const id = parseInt32(argv[j + 1]);
        if (typeof id !== 'number') return id;
        if (id < 0 || id >= ctx.server.dbs.length) return err(E.DB_INDEX);
        dst = ctx.server.dbs[id];
        j++;
      } else return err(E.SYNTAX);
    }
    // A cluster node has only db 0.
    if (ctx.server.ext.cluster && (src !== ctx.server.dbs[0] || dst !== ctx.server.dbs[0])) {
      return err('ERR Copying to another database is not allowed in cluster mode');
    }
    const [, key, newKey] = argv;
    if (src === dst && key === newKey) return err(SAME_OBJECT);
    const o = src.lookupRead(key);
    if (!o) return ZERO;
    let del = false;
    if (dst.lookupWrite(newKey)) {
      if (!replace) return ZERO;
      del = true;
    }
    const copy = dupValue(o);
    if (del) dst.delete(newKey);
    dst.add(newKey, copy);
    copyExpire(src, key, dst, newKey);
    notifyKeyspaceEvent(ctx.server, NOTIFY.GENERIC, 'copy_to', newKey, dst.id);
    return ONE;
  },

  swapdb(ctx, argv) {
    if (ctx.server.ext.cluster) return err('ERR SWAPDB is not allowed in cluster mode');
    const id1 = parseInt32(argv[1]);
    if (typeof id1 !== 'number') return err('ERR invalid first DB index');
    const id2 = parseInt32(argv[2]);
    if (typeof id2 !== 'number') return err('ERR invalid second DB index');
    const n = ctx.server.dbs.length;
    if (id1 < 0 || id1 >= n || id2 < 0 || id2 >= n) return err(E.DB_INDEX);
    if (id1 === id2) return OK;
    const a = ctx.server.dbs[id1];
    const b = ctx.server.dbs[id2];
    touchAllWatchedKeysInDb(a, b);
    touchAllWatchedKeysInDb(b, a);
    signalDeletedStreams(ctx, a, b);
    signalDeletedStreams(ctx, b, a);
    // Swap the dictionaries, not the Database objects: clients and WATCH entries stay put.
    const ma = a as unknown as Mutable;
    const mb = b as unknown as Mutable;
    const data = ma.data, expires = ma.expires;
    ma.data = mb.data; ma.expires = mb.expires;
    mb.data = data; mb.expires = expires;
    signalReadyKeys(ctx, a);
    signalReadyKeys(ctx, b);
    ctx.server.tracking.invalidateAll();
    return OK;
  },

  flushdb(ctx, argv) {
    if (!flushArgsOk(argv)) return err(E.SYNTAX);
    flushDb(ctx, ctx.db);
    ctx.server.tracking.invalidateAll();
    return OK;
  },

  flushall(ctx, argv) {
    if (!flushArgsOk(argv)) return err(E.SYNTAX);
    for (const db of ctx.server.dbs) flushDb(ctx, db);
    ctx.server.tracking.invalidateAll();
    // flushallCommand: with save points configured, the now empty dataset is saved at once.
    if ((ctx.server.config.get('save') ?? '') !== '') saveNow(ctx.server);
    return OK;
  },

  dbsize(ctx) { return int(ctx.db.size); },
});
