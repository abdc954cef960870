/**
 * Keyspace notifications (Redis's notify.c): `notify-keyspace-events` class letters,
 * CONFIG GET's normalised form, and notifyKeyspaceEvent, the one function every
 * command, the expiry paths and eviction call. Events are pub/sub messages on
 * __keyspace@<db>__:<key> (payload: the event) and __keyevent@<db>__:<event>
 * (payload: the key), in that order.
 */
import type { RedSim } from '../server.js';
import { SPECIAL_VALIDATORS } from '../config.js';

export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n (not part of A)
} as const;
const ALL = NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET |
  NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

const LETTERS: Record<string, number> = {
  A: ALL, g: NOTIFY.GENERIC, $: NOTIFY.STRING, l: NOTIFY.LIST, s: NOTIFY.SET, h: NOTIFY.HASH, z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED, e: NOTIFY.EVICTED, K: NOTIFY.KEYSPACE, E: NOTIFY.KEYEVENT, t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS, d: NOTIFY.MODULE, n: NOTIFY.NEW,
};

/** keyspaceEventsStringToFlags: -1 on an unknown letter (C stops at a NUL byte). */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const ch of classes) {
    if (ch === '\0') break;
    const f = LETTERS[ch];
    if (f === undefined) return -1;
    flags |= f;
  }
  return flags;
}

/** keyspaceEventsFlagsToString: the form CONFIG GET shows. */
export function keyspaceEventsFlagsToString(flags: number): string {
  let s = '';
  if ((flags & ALL) === ALL) s += 'A';
  else {
    if (flags & NOTIFY.GENERIC) s += 'g';
    if (flags & NOTIFY.STRING) s += '$';
    if (flags & NOTIFY.LIST) s += 'l';
    if (flags & NOTIFY.SET) s += 's';
    if (flags & NOTIFY.HASH) s += 'h';
    if (flags & NOTIFY.ZSET) s += 'z';
    if (flags & NOTIFY.EXPIRED) s += 'x';
    if (flags & NOTIFY.EVICTED) s += 'e';
    if (flags & NOTIFY.STREAM) s += 't';
    if (flags & NOTIFY.MODULE) s += 'd';
    if (flags & NOTIFY.NEW) s += 'n';
  }
  if (flags & NOTIFY.KEYSPACE) s += 'K';
  if (flags & NOTIFY.KEYEVENT) s += 'E';
  if (flags & NOTIFY.KEY_MISS) s += 'm';
  return s;
}

export const NOTIFY_CONFIG_ERROR = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/**
 * Fire a keyspace event: `type` is one NOTIFY class, `event` Redis's event name
 * ("set", "lpush", "expired", ...). Cheap when notifications are off.
 */
export function notifyKeyspaceEvent(server: RedSim, type: number, event: string, key: string, dbid: number): void {
  const flags = server.notifyFlags;
  if ((flags & type) === 0) return;
  if (flags & NOTIFY.KEYSPACE) server.pubsub.publish(`__keyspace@${dbid}__:${key}`, event, false);
  if (flags & NOTIFY.KEYEVENT) server.pubsub.publish(`__keyevent@${dbid}__:${event}`, key, false);
}

SPECIAL_VALIDATORS.set('notify-keyspace-events', (v) => {
  const f = keyspaceEventsStringToFlags(v);
  return f === -1 ? { error: NOTIFY_CONFIG_ERROR } : { ok: keyspaceEventsFlagsToString(f) };
});

/** notifyKeyspaceEvent for a command's own database: notify(ctx, NOTIFY.LIST, 'lpush', key). */
export function notify(ctx: { server: RedSim; db: { id: number } }, type: number, event: string, key: string): void {
  if ((ctx.server.notifyFlags & type) !== 0) notifyKeyspaceEvent(ctx.server, type, event, key, ctx.db.id);
}
