/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH and the dirty-CAS signalling behind WATCH,
 * following Redis 7.0's multi.c rules.
 */
import { setRunningExec } from '../string/enc.js';
import { registerAll } from '../registry.js';
import { OK, err, array, NILARRAY, type Reply } from '../../reply.js';
import { call } from '../../executor.js';
import type { Database, WatchEntry } from '../../keyspace/db.js';
import type { Client } from '../../client.js';
import type { RedSim } from '../../server.js';
import { checkCommand, execDeniedMessage, unrestricted } from '../../acl/check.js';

/** Redis's touchWatchedKey: any modification of a watched key dirties its watchers. */
export function touchWatchedKey(db: Database, key: string): void {
  if (db.watched.size === 0) return;
  const entries = db.watched.get(key);
  if (!entries) return;
  for (const w of [...entries]) {
    if (w.expired) {
      // The key was already expired when watched: its deletion (by lazy or active
      // expiry) is not a change the client could have seen.
      if (!db.data.has(key)) { w.expired = false; continue; }
      break;
    }
    w.client.dirtyCas = true;
    (w.client as Client).dirtyCasKey = key;
    unwatchAllOf(w.client as Client);
  }
}

/**
 * Redis's touchAllWatchedKeysInDb, for FLUSHDB/FLUSHALL (replacedWith undefined)
 * and SWAPDB (replacedWith = the other db). Call BEFORE the data is replaced.
 */
export function touchAllWatchedKeysInDb(emptied: Database, replacedWith?: Database): void {
  if (emptied.watched.size === 0) return;
  for (const [key, entries] of [...emptied.watched]) {
    const inEmptied = emptied.data.has(key);
    if (!inEmptied && !(replacedWith && replacedWith.data.has(key))) continue;
    for (const w of [...entries]) {
      if (w.expired) {
        if (!replacedWith || !replacedWith.data.has(key)) { w.expired = false; continue; }
        if (replacedWith.isExpired(key)) continue;
      } else if (!inEmptied && replacedWith && replacedWith.isExpired(key)) {
        w.expired = true;
        continue;
      }
      w.client.dirtyCas = true;
      (w.client as Client).dirtyCasKey = key;
    }
  }
}

function unwatchAllOf(c: Client): void {
  for (const w of c.watched) {
    const set = w.db.watched.get(w.key);
    if (set) { set.delete(w); if (set.size === 0) w.db.watched.delete(w.key); }
  }
  c.watched = [];
}

function watchForKey(c: Client, key: string): void {
  const db = c.db;
  if (c.watched.some((w) => w.db === db && w.key === key)) return;
  const w: WatchEntry = { client: c, db, key, expired: db.isExpired(key) };
  let set = db.watched.get(key);
  if (!set) { set = new Set(); db.watched.set(key, set); }
  set.add(w);
  c.watched.push(w);
}

export function discardTransaction(c: Client): void {
  c.multi = false;
  c.queue = [];
  c.dirtyExec = false;
  c.dirtyCas = false;
  unwatchAllOf(c);
}

/** Runs the queued commands in order; continues asynchronously if one returns a promise. */
function runQueue(server: RedSim, c: Client, queue: Client['queue'], from: number, out: Reply[]): Reply | Promise<Reply> {
  for (let i = from; i < queue.length; i++) {
    const { spec, argv } = queue[i];
    // ACLs may have changed since the command was queued: checked again at EXEC.
    if (!unrestricted(c.user)) {
      const denied = checkCommand(c.user, spec, argv);
      if (denied) {
        server.acl.addLog(c, denied.denied, 'multi', denied.denied === 'command' ? spec.fullname : argv[denied.pos]);
        out.push(err(execDeniedMessage(denied.denied)));
        continue;
      }
    }
    // The queued argv stays alive until EXEC ends (OBJECT REFCOUNT sees it).
    setRunningExec(queue);
    const r = call(server, c, spec, argv, { inExec: true, inScript: false });
    if (r instanceof Promise) {
      setRunningExec(null);
      return r.then((v) => { out.push(v); return runQueue(server, c, queue, i + 1, out); });
    }
    out.push(r);
  }
  setRunningExec(null);
  return array(out);
}

registerAll({
  multi(ctx) {
    if (ctx.client.multi) return err('ERR MULTI calls can not be nested');
    ctx.client.multi = true;
    return OK;
  },
  discard(ctx) {
    if (!ctx.client.multi) return err('ERR DISCARD without MULTI');
    discardTransaction(ctx.client);
    return OK;
  },
  exec(ctx) {
    const c = ctx.client;
    if (!c.multi) return err('ERR EXEC without MULTI');
    // Keys that were already expired when watched do not count (Redis's isWatchedKeyExpired).
    const expired = c.watched.find((w) => !w.expired && w.db.isExpired(w.key));
    if (expired) { c.dirtyCas = true; c.dirtyCasKey = expired.key; }
    if (c.dirtyExec || c.dirtyCas) {
      const r = c.dirtyExec ? err('EXECABORT Transaction discarded because of previous errors.') : NILARRAY;
      discardTransaction(c);
      return r;
    }
    const queue = c.queue;
    unwatchAllOf(c);
    c.multi = false;
    c.queue = [];
    return runQueue(ctx.server, c, queue, 0, []);
  },
  watch(ctx, argv) {
    const c = ctx.client;
    if (c.multi) return err('ERR WATCH inside MULTI is not allowed');
    if (c.dirtyCas) return OK;
    for (let i = 1; i < argv.length; i++) watchForKey(c, argv[i]);
    return OK;
  },
  unwatch(ctx) {
    unwatchAllOf(ctx.client);
    ctx.client.dirtyCas = false;
    return OK;
  },
});
