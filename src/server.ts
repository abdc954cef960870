/**
 * RedSim: one simulated Redis server. Owns the databases, clients, config, clock and
 * random source, and runs commands through the executor (src/executor.ts).
 */
import { Database, type KeyspaceHooks } from './keyspace/db.js';
import { Client } from './client.js';
import { RealClock, type Clock } from './clock.js';
import { SeededRandom, type RandomSource } from './random.js';
import { Config } from './config.js';
import type { Reply } from './reply.js';
import { execute } from './executor.js';
import { touchWatchedKey } from './commands/transactions/transactions.js';
import { BlockingManager } from './blocking.js';
import './commands/index.js';
import { Connection } from './api.js';

export interface RedSimOptions {
  clock?: Clock;
  /** Seed for the random source (ignored when `random` is given). */
  seed?: number;
  random?: RandomSource;
  /** CONFIG overrides, e.g. { 'busy-reply-threshold': 100 }. */
  config?: Record<string, string | number>;
}

export interface Stats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  commandsProcessed: number;
  connectionsReceived: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Per-command call counts (INFO commandstats). */
  calls: CallStats;
}

export interface CallStat { calls: number; usec: number; rejected: number; failed: number }

/**
 * Per-command stats by full name (INFO commandstats reads it as a Map). The executor
 * reaches an entry through a slot array indexed by a numeric spec id, which saves a
 * string-keyed lookup per call; every way of dropping entries also drops the slots.
 */
export class CallStats extends Map<string, CallStat> {
  private slots: (CallStat | undefined)[] = [];

  /** The entry for a spec (created on first use); `id` is the executor's spec id. */
  entry(id: number, fullname: string): CallStat {
    let s = this.slots[id];
    if (s === undefined) {
      s = this.get(fullname);
      if (s === undefined) { s = { calls: 0, usec: 0, rejected: 0, failed: 0 }; this.set(fullname, s); }
      this.slots[id] = s;
    }
    return s;
  }

  override set(k: string, v: CallStat): this {
    // Replacing an entry must not leave a slot pointing at the old object.
    if (this.slots.length && this.get(k) !== v && this.has(k)) this.slots = [];
    return super.set(k, v);
  }
  override delete(k: string): boolean { this.slots = []; return super.delete(k); }
  override clear(): void { this.slots = []; super.clear(); }
}

let runIdCounter = 0;

/** Thrown by every command sent to an instance that SHUTDOWN closed. */
export class ServerClosedError extends Error {
  override name = 'ServerClosedError';
  constructor() { super('redsim instance was shut down by SHUTDOWN and accepts no more commands'); }
}

export class RedSim {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly config: Config;
  readonly dbs: Database[];
  readonly clients = new Map<number, Client>();
  readonly stats: Stats = {
    keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0, commandsProcessed: 0,
    connectionsReceived: 0, rejectedCalls: 0, failedCalls: 0, calls: new CallStats(),
  };
  readonly startTime: number;
  readonly runId: string;
  readonly blocking: BlockingManager;
  /** Nesting depth of call(): time is frozen while > 0 (EXEC, scripts). */
  callDepth = 0;
  /** Command time snapshot (ms) taken at the outermost call. */
  cmdTime = 0;
  /** Databases waiting for Database.compact() at the end of the outermost command. */
  readonly compactQueue: Database[] = [];
  /** A script or function is running (set by the scripting engine). */
  busy: null | { kind: 'eval' | 'function'; timedOut: boolean } = null;
  /** Extension slots for subsystems (scripting engine, function libraries, ...). */
  readonly ext: Record<string, unknown> = {};
  /** Set by SHUTDOWN: the instance is closed; every later command throws ServerClosedError. */
  isShutdown = false;
  /** Run once when SHUTDOWN closes this instance (`redsim serve` exits the process). */
  readonly shutdownHooks: Array<() => void> = [];
  private nextClientId = 1;
  private activeExpireTimer: unknown = null;
  private readonly hooks: KeyspaceHooks;

  constructor(opts: RedSimOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.random = opts.random ?? new SeededRandom(opts.seed ?? (Date.now() ^ (runIdCounter++ * 7919)));
    this.config = new Config(opts.config);
    this.startTime = this.clock.now();
    this.runId = Array.from({ length: 40 }, () => '0123456789abcdef'[this.random.int(16)]).join('');
    const server = this;
    this.hooks = {
      now: () => server.now(),
      signalModified: (db, key) => touchWatchedKey(db, key),
      signalReady: (db, key) => server.blocking.signalReady(db, key),
      onExpired: () => {},
      compactDue: (db) => { server.compactQueue.push(db); },
      stats: this.stats,
    };
    const n = this.config.getNumber('databases');
    this.dbs = Array.from({ length: n }, (_, i) => new Database(i, this.hooks));
    this.blocking = new BlockingManager(this);
  }

  /** Run queued Database.compact() calls: only when no command is running. */
  compactDatabases(): void {
    if (this.callDepth > 0) return;
    while (this.compactQueue.length) this.compactQueue.pop()!.compact();
  }

  /** Time used for expiry: frozen at the outermost command while commands nest. */
  now(): number { return this.callDepth > 0 ? this.cmdTime : this.clock.now(); }

  createClient(opts: { addr?: string; laddr?: string } = {}): Client {
    const c = new Client(this.nextClientId++, this.dbs[0], this.clock.now(), opts);
    this.clients.set(c.id, c);
    this.stats.connectionsReceived++;
    return c;
  }

  /**
   * The id the next client gets. Redis numbers every accepted connection; a harness
   * that mirrors a real server (whose probes used up ids) aligns the two with this.
   */
  setNextClientId(id: number): void { this.nextClientId = id; }

  closeClient(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.blocking.cancel(c);
    this.unwatchAll(c);
    this.clients.delete(c.id);
  }

  unwatchAll(c: Client): void {
    for (const w of c.watched) {
      const set = w.db.watched.get(w.key);
      if (set) { set.delete(w); if (set.size === 0) w.db.watched.delete(w.key); }
    }
    c.watched = [];
  }

  /** Run one command for a client: Redis's processCommand. */
  execute(client: Client, argv: string[]): Reply | Promise<Reply> {
    if (this.isShutdown) throw new ServerClosedError();
    return execute(this, client, argv);
  }

  /** SHUTDOWN: close this instance (timers, clients), then run the shutdown hooks. */
  shutdown(): void {
    if (this.isShutdown) return;
    this.isShutdown = true;
    this.stop();
    for (const h of this.shutdownHooks.splice(0)) h();
  }

  /** Open an in-process client connection. */
  connect(opts: { addr?: string; laddr?: string } = {}): Connection {
    return new Connection(this, this.createClient(opts));
  }

  /** Start the active expire cycle (server mode): `hz` times a second on this server's clock. */
  startActiveExpire(): void {
    if (this.activeExpireTimer) return;
    const tick = () => {
      this.activeExpireTimer = this.clock.setTimer(1000 / Math.max(1, this.config.getNumber('hz')), tick);
      if (this.busy || this.ext.activeExpireDisabled) return;
      for (const db of this.dbs) db.activeExpire(1000);
      this.blocking.serveReady();
      this.compactDatabases();
    };
    this.activeExpireTimer = this.clock.setTimer(100, tick);
  }

  stop(): void {
    if (this.activeExpireTimer) this.clock.clearTimer(this.activeExpireTimer);
    this.activeExpireTimer = null;
    for (const c of [...this.clients.values()]) this.closeClient(c);
  }
}
