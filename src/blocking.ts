/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...), after Redis 7.0's
 * blocked.c / timeout.c:
 *
 * - A write that creates a list/zset key a client waits for marks it ready
 *   (db.add / db.set call signalReady). After the outermost command (a whole
 *   EXEC or script included) ready keys are handled in the order they were
 *   signalled; on each key the waiters are tried in the order they blocked
 *   (FIFO) until the key is gone (handleClientsBlockedOnKeys).
 * - Serving one waiter may make other keys ready (the push side of BLMOVE); they
 *   are handled in a following round of the same serveReady call.
 * - A timeout is an absolute deadline on the server clock taken when the client
 *   blocks; the client times out once the clock is strictly past it.
 */
import type { RedSim } from './server.js';
import type { Client } from './client.js';
import type { Database } from './keyspace/db.js';
import type { Reply } from './reply.js';
import { parseLongDouble } from './util/longdouble.js';
import { EXTENDED_FORMAT, roundRational } from './util/float.js';

export interface BlockRequest {
  keys: string[];
  /**
   * Timeout in ms (as parseBlockTimeout returns it); 0 blocks forever. The
   * client times out when the clock is strictly past block time + timeoutMs.
   */
  timeoutMs: number;
  /**
   * Called when one of the keys may be ready, inside a command-like frame
   * (frozen time). Returns the reply if the client was served (the handler did
   * the pop/move, or replies with an error), or undefined to stay blocked
   * (key missing or of another type).
   */
  tryServe(key: string): Reply | undefined;
  /** Reply when the timeout passes or CLIENT UNBLOCK ... TIMEOUT (Redis: a null array). */
  onTimeout(): Reply;
  /**
   * XREADGROUP only: the reply when a ready key turns out missing or no longer a
   * stream (unblockDeletedStreamReadgroupClients). Without it the client stays blocked.
   */
  onKeyLost?(): Reply;
}

interface Waiter extends BlockRequest {
  client: Client;
  db: Database;
  resolve(r: Reply): void;
  /** Absolute deadline in ms (0: none). */
  deadline: number;
  timer: unknown;
  done: boolean;
}

const LLONG_MAX = (1n << 63n) - 1n;
/** Longest single timer; longer waits re-arm (Node's setTimeout caps at 2^31-1 ms). */
const MAX_TIMER_MS = 2 ** 30;

const TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
const TIMEOUT_NEGATIVE = 'ERR timeout is negative';

/**
 * Redis's getTimeoutFromObjectOrReply(UNIT_SECONDS): the argument is a long
 * double of seconds; ms = (long long) ceill(secs * 1000.0L). Out-of-range
 * conversions give LLONG_MIN on x86-64, hence "negative" for inf and huge values.
 * Returns the relative timeout in ms (0 = forever) or an error text. A deadline
 * past LLONG_MAX wraps in Redis and never fires: the huge ms value does the same.
 */
export function parseBlockTimeout(arg: string): { ms: number } | { error: string } {
  const ld = parseLongDouble(arg);
  if (!ld) return { error: TIMEOUT_NOT_FLOAT };
  if (ld.kind !== 'finite') return { error: TIMEOUT_NEGATIVE };
  if (ld.m === 0n) return { ms: 0 };
  // secs * 1000 rounded to the 64-bit mantissa, then ceil.
  const num = ld.m * 1000n << BigInt(Math.max(ld.e, 0));
  const den = 1n << BigInt(Math.max(-ld.e, 0));
  const r = roundRational(num, den, EXTENDED_FORMAT);
  if (r.overflow) return { error: TIMEOUT_NEGATIVE };
  let ms: bigint;
  if (r.e >= 0) ms = r.m << BigInt(r.e);
  else {
    const sh = BigInt(-r.e);
    ms = ld.neg ? r.m >> sh : (r.m + (1n << sh) - 1n) >> sh;
  }
  if (ld.neg) ms = -ms;
  if (ms < 0n || ms > LLONG_MAX) return { error: TIMEOUT_NEGATIVE };
  return { ms: Number(ms) };
}

export class BlockingManager {
  private readonly byKey = new Map<Database, Map<string, Waiter[]>>();
  private ready: Array<[Database, string]> = [];
  private readonly readySet = new Map<Database, Set<string>>();
  private serving = false;

  constructor(private readonly server: RedSim) {}

  /** Block `client` until served, timed out, or cancelled (CLIENT UNBLOCK, disconnect). */
  block(client: Client, db: Database, req: BlockRequest): Promise<Reply> {
    // callSync: refuse instead of blocking; blocking commands block before they change anything.
    if (client.refuseBlocking) { client.refusedBlock = true; return Promise.resolve({ t: 'nil' }); }
    return new Promise<Reply>((resolve) => {
      const w: Waiter = {
        ...req, client, db, resolve, timer: null, done: false,
        deadline: req.timeoutMs > 0 ? this.server.clock.now() + req.timeoutMs : 0,
      };
      let m = this.byKey.get(db);
      if (!m) { m = new Map(); this.byKey.set(db, m); }
      for (const k of new Set(req.keys)) {
        let list = m.get(k);
        if (!list) { list = []; m.set(k, list); }
        list.push(w);
      }
      if (w.deadline) this.arm(w);
      client.blocked = { cancel: (r?: Reply) => this.finish(w, r ?? w.onTimeout()) };
    });
  }

  private arm(w: Waiter): void {
    const clock = this.server.clock;
    const delay = Math.min(w.deadline - clock.now() + 1, MAX_TIMER_MS);
    w.timer = clock.setTimer(delay, () => {
      w.timer = null;
      if (w.done) return;
      if (clock.now() > w.deadline) this.finish(w, w.onTimeout());
      else this.arm(w);
    });
  }

  /** Drop a client's wait (disconnect): no one reads the reply. */
  cancel(client: Client): void {
    if (client.blocked) client.blocked.cancel();
  }

  /** Redis's signalKeyAsReady: queue the key if someone waits on it and it is not queued yet. */
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
        for (const [db, key] of batch) {
          // Unqueue first: serving may signal this very key again (BLMOVE k k).
          this.readySet.get(db)?.delete(key);
          const list = this.byKey.get(db)?.get(key);
          if (!list) continue;
          for (const w of [...list]) {
            if (w.done) continue;
            if (!this.frame(() => db.exists(key))) break;
            const r = this.frame(() => w.tryServe(key));
            if (r) this.serve(w, r);
          }
          // XREADGROUP clients of a key that is gone or is no longer a stream fail.
          const rest = this.byKey.get(db)?.get(key);
          if (rest && rest.some((w) => w.onKeyLost) && this.frame(() => db.peek(key)?.type) !== 'stream') {
            for (const w of [...rest]) if (!w.done && w.onKeyLost) this.serve(w, w.onKeyLost());
          }
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Run as a command does: nested calls see one frozen time (Redis's fixed_time_expire). */
  private frame<T>(fn: () => T): T {
    const s = this.server;
    const outer = s.callDepth === 0;
    if (outer) s.cmdTime = s.clock.now();
    s.callDepth++;
    try { return fn(); } finally { s.callDepth--; }
  }

  /** A waiter got its reply from the data: errors count as failed calls (updateStatsOnUnblock). */
  private serve(w: Waiter, r: Reply): void {
    if (r.t === 'error') {
      const st = this.server.stats.calls.get(w.client.lastCommand);
      if (st) st.failed++;
      this.server.stats.failedCalls++;
    }
    this.finish(w, r);
  }

  private finish(w: Waiter, r: Reply): void {
    if (w.done) return;
    w.done = true;
    if (w.timer) { this.server.clock.clearTimer(w.timer); w.timer = null; }
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
    // No serveReady here: CLIENT UNBLOCK inside EXEC must not serve keys pushed
    // earlier in the same transaction; the outermost call serves them.
    w.resolve(r);
  }

  private *waiters(): Iterable<Waiter> {
    const seen = new Set<Waiter>();
    for (const m of this.byKey.values()) for (const l of m.values()) for (const w of l) {
      if (!seen.has(w)) { seen.add(w); yield w; }
    }
  }

  /** Number of blocked clients (INFO clients: blocked_clients). */
  get blockedCount(): number {
    let n = 0;
    for (const _ of this.waiters()) n++;
    return n;
  }

  /** Blocked clients with a timeout (INFO clients: clients_in_timeout_table). */
  get timeoutTableCount(): number {
    let n = 0;
    for (const w of this.waiters()) if (w.deadline) n++;
    return n;
  }

  /** Keys with blocked clients, per db (INFO keyspace has no such field; for tests and DEBUG). */
  blockingKeys(db: Database): string[] {
    return [...(this.byKey.get(db)?.keys() ?? [])];
  }
}
