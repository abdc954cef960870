/**
 * Client-side caching (Redis's tracking.c): the table of keys tracking clients
 * read (default mode), the prefixes BCAST clients follow, and the invalidation
 * frames. Keys are invalidated from the keyspace's one mutation path
 * (signalModified), so every write, expiry and eviction feeds it, as WATCH does.
 * The tracking table is database-agnostic, as Redis's is.
 */
import type { Client } from '../client.js';
import { bulk, push, array, NIL, type Reply } from '../reply.js';
import { deliver, deliverAfterReply } from './pubsub.js';
import type { CommandSpec } from '../commands/table.js';
import { getKeys } from '../commands/keyspec.js';

export interface TrackingState {
  /** Client id the invalidations go to (0: this connection). */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES/NO given for the next command (CLIENT_TRACKING_CACHING). */
  caching: boolean;
  brokenRedir: boolean;
  /** BCAST prefixes of this client. */
  prefixes: Set<string>;
}

interface Bcast {
  /** Keys modified since the last broadcast, with the client that modified them last (NOLOOP). */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

interface ServerView {
  currentClient: Client | null;
  callDepth: number;
  clients: Map<number, Client>;
}

const INVALIDATE = bulk('invalidate');
const REDIR_BROKEN = bulk('tracking-redir-broken');
const MESSAGE = bulk('message');
const CHANNEL = bulk('__redis__:invalidate');

export class Tracking {
  /** key -> ids of the clients that may cache it. */
  private readonly table = new Map<string, Set<number>>();
  private readonly prefixTable = new Map<string, Bcast>();
  /** Clients with tracking on (server.tracking_clients). */
  count = 0;

  constructor(private readonly server: ServerView) {}

  enable(c: Client, redirect: number, opts: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean }, prefixes: string[]): void {
    if (c.tracking === null) {
      this.count++;
      c.tracking = { redirect, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedir: false, prefixes: new Set() };
    }
    const t = c.tracking;
    t.redirect = redirect;
    t.brokenRedir = false;
    t.bcast = opts.bcast;
    if (opts.bcast) {
      if (prefixes.length === 0) this.addPrefix(c, '');
      for (const p of prefixes) this.addPrefix(c, p);
    }
    t.optin = opts.optin;
    t.optout = opts.optout;
    t.noloop = opts.noloop;
  }

  private addPrefix(c: Client, p: string): void {
    let bs = this.prefixTable.get(p);
    if (!bs) { bs = { keys: new Map(), clients: new Set() }; this.prefixTable.set(p, bs); }
    if (!bs.clients.has(c)) { bs.clients.add(c); c.tracking!.prefixes.add(p); }
  }

  /** CLIENT TRACKING OFF, RESET, disconnection. */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const bs = this.prefixTable.get(p);
      if (!bs) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixTable.delete(p);
    }
    c.tracking = null;
    this.count--;
  }

  /** The error text for PREFIX options that overlap (checkPrefixCollisionsOrReply), or null. */
  prefixCollision(c: Client, prefixes: string[]): { error: string; stillEnable: boolean } | null {
    const overlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
    const cut = (s: string): string => { const z = s.indexOf('\0'); return z < 0 ? s : s.slice(0, z); };
    for (let i = 0; i < prefixes.length; i++) {
      for (const have of sortedKeys(c.tracking?.prefixes ?? new Set<string>())) {
        if (overlap(have, prefixes[i])) {
          return { error: `ERR Prefix '${cut(prefixes[i])}' overlaps with an existing prefix '${cut(have)}'. Prefixes for a single client must not overlap.`, stillEnable: false };
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlap(prefixes[i], prefixes[j])) {
          // Redis answers the error but returns the index i as its result: for i > 0
          // the caller goes on to enable tracking and also answers OK.
          return { error: `ERR Prefix '${cut(prefixes[i])}' overlaps with another provided prefix '${cut(prefixes[j])}'. Prefixes for a single client must not overlap.`, stillEnable: i > 0 };
        }
      }
    }
    return null;
  }

  /**
   * trackingRememberKeys: after a read-only command, remember its keys for the
   * client (default mode; OPTIN needs CACHING YES, OPTOUT skips on CACHING NO).
   */
  rememberKeys(c: Client, spec: CommandSpec, argv: string[]): void {
    const t = c.tracking;
    if (t === null || t.bcast) return;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    if (spec.flags.has('pubsub')) return;
    for (const k of getKeys(spec, argv)) {
      const key = argv[k.pos];
      let ids = this.table.get(key);
      if (!ids) { ids = new Set(); this.table.set(key, ids); }
      ids.add(c.id);
    }
  }

  /** trackingInvalidateKey: a key changed (signalModifiedKey), from the one mutation path. */
  invalidateKey(key: string): void {
    if (this.count === 0 && this.table.size === 0) return;
    const cur = this.server.currentClient;
    if (this.prefixTable.size !== 0) {
      for (const [p, bs] of this.prefixTable) if (key.startsWith(p)) bs.keys.set(key, cur);
    }
    const ids = this.table.get(key);
    if (!ids) return;
    this.table.delete(key);
    for (const id of ids) {
      const target = this.server.clients.get(id);
      if (!target || target.tracking === null || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === cur) continue;
      this.send(target, array([bulk(key)]));
    }
  }

  /** trackingInvalidateKeysOnFlush: FLUSHALL/FLUSHDB/SWAPDB send every tracking client a null invalidation. */
  invalidateAll(): void {
    if (this.count !== 0) {
      for (const c of this.server.clients.values()) if (c.tracking !== null) this.send(c, NIL);
    }
    this.table.clear();
  }

  /**
   * trackingBroadcastInvalidationMessages (Redis runs it in beforeSleep): each
   * prefix's modified keys, sorted as the radix tree keeps them, to its clients.
   */
  broadcast(): void {
    if (this.count === 0) return;
    for (const p of sortedKeys(this.prefixTable)) {
      const bs = this.prefixTable.get(p)!;
      if (bs.keys.size === 0) continue;
      const keys = sortedKeys(bs.keys);
      const all = array(keys.map(bulk));
      for (const c of bs.clients) {
        if (c.tracking?.noloop) {
          const mine = keys.filter((k) => bs.keys.get(k) !== c);
          if (mine.length !== 0) this.send(c, array(mine.map(bulk)), true);
        } else this.send(c, all, true);
      }
      bs.keys = new Map();
    }
  }

  /**
   * sendTrackingMessage, deferred behind the running command's reply when the
   * target is the client running it (tracking_pending_keys).
   */
  private send(c: Client, keys: Reply, afterCommand = false): void {
    const t = c.tracking!;
    let target = c;
    let redirected = false;
    if (t.redirect !== 0) {
      const redir = this.server.clients.get(t.redirect);
      // A client that QUIT is gone in Redis once its reply is written, before another client's command.
      if (!redir || redir.closed || (redir.closeAfterReply && redir !== this.server.currentClient)) {
        t.brokenRedir = true;
        if (c.resp > 2) this.out(c, push([REDIR_BROKEN, { t: 'int', v: t.redirect } as Reply]), afterCommand);
        return;
      }
      target = redir;
      redirected = true;
    }
    if (target.resp > 2) this.out(target, push([INVALIDATE, keys]), afterCommand);
    else if (redirected && target.pubsubMode) this.out(target, push([MESSAGE, CHANNEL, keys]), afterCommand);
  }

  private out(c: Client, frame: Reply, afterCommand: boolean): void {
    if (afterCommand || this.server.callDepth > 0) deliverAfterReply(this.server, c, frame);
    else deliver(c, frame);
  }
}

function sortedKeys(m: { keys(): IterableIterator<string> }): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
