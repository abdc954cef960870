/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...). A write that creates a
 * list/zset key marks it ready; after the outermost command, blocked clients are
 * served in the order they blocked (FIFO per key), as Redis's
 * handleClientsBlockedOnKeys does. Timeouts run on the server's clock.
 */
import type { RedSim } from './server.js';
import type { Client } from './client.js';
import type { Database } from './keyspace/db.js';
import type { Reply } from './reply.js';

export interface BlockRequest {
  keys: string[];
  /** Timeout in ms; 0 blocks forever. */
  timeoutMs: number;
  /**
   * Called when one of the keys may be ready. Returns the reply if the client was
   * served (the handler performed the pop/move), or undefined to stay blocked.
   */
  tryServe(key: string): Reply | undefined;
  /** Reply when the timeout passes (usually a null array / nil). */
  onTimeout(): Reply;
}

interface Waiter extends BlockRequest {
  client: Client;
  db: Database;
  resolve(r: Reply): void;
  timer: unknown;
  done: boolean;
}

export class BlockingManager {
  private readonly byKey = new Map<Database, Map<string, Waiter[]>>();
  private ready: Array<[Database, string]> = [];
  private readySet = new Map<Database, Set<string>>();
  private serving = false;

  constructor(private readonly server: RedSim) {}

  /** Block `client` until served, timed out, or cancelled. */
  block(client: Client, db: Database, req: BlockRequest): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const w: Waiter = { ...req, client, db, resolve, timer: null, done: false };
      let m = this.byKey.get(db);
      if (!m) { m = new Map(); this.byKey.set(db, m); }
      for (const k of new Set(req.keys)) {
        let list = m.get(k);
        if (!list) { list = []; m.set(k, list); }
        list.push(w);
      }
      if (req.timeoutMs > 0) {
        w.timer = this.server.clock.setTimer(req.timeoutMs, () => this.finish(w, w.onTimeout()));
      }
      client.blocked = { cancel: (r?: Reply) => this.finish(w, r ?? w.onTimeout()) };
    });
  }

  /** Drop a client's wait (disconnect). */
  cancel(client: Client): void {
    if (client.blocked) client.blocked.cancel();
  }

  signalReady(db: Database, key: string): void {
    if (!this.byKey.get(db)?.has(key)) return;
    let s = this.readySet.get(db);
    if (!s) { s = new Set(); this.readySet.set(db, s); }
    if (s.has(key)) return;
    s.add(key);
    this.ready.push([db, key]);
  }

  /** Serve blocked clients whose keys became ready (called after each outermost command). */
  serveReady(): void {
    if (this.serving || this.ready.length === 0) return;
    this.serving = true;
    try {
      while (this.ready.length) {
        const batch = this.ready;
        this.ready = [];
        this.readySet.clear();
        for (const [db, key] of batch) {
          const list = this.byKey.get(db)?.get(key);
          if (!list) continue;
          for (const w of [...list]) {
            if (w.done) continue;
            if (!db.exists(key)) break;
            const r = this.runServe(w, key);
            if (r) this.finish(w, r);
          }
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Run a waiter's serve attempt as a command call (frozen time, stats). */
  private runServe(w: Waiter, key: string): Reply | undefined {
    const s = this.server;
    const outer = s.callDepth === 0;
    if (outer) s.cmdTime = s.clock.now();
    s.callDepth++;
    try { return w.tryServe(key); } finally { s.callDepth--; }
  }

  private finish(w: Waiter, r: Reply): void {
    if (w.done) return;
    w.done = true;
    if (w.timer) this.server.clock.clearTimer(w.timer);
    const m = this.byKey.get(w.db);
    if (m) {
      for (const k of new Set(w.keys)) {
        const list = m.get(k);
        if (!list) continue;
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) m.delete(k);
      }
    }
    w.client.blocked = null;
    w.resolve(r);
    // Serving one client may have made other keys ready (BLMOVE pushes).
    this.serveReady();
  }

  /** Number of blocked clients (INFO clients). */
  get blockedCount(): number {
    const seen = new Set<Client>();
    for (const m of this.byKey.values()) for (const l of m.values()) for (const w of l) seen.add(w.client);
    return seen.size;
  }
}
