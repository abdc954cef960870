/**
 * RedSim: one simulated Redis server. Owns the databases, clients, config, clock and
 * random source, and runs commands through the executor (src/executor.ts).
 */
import { isClientPaused } from './commands/connection/client-modes.js';
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
import { AclState } from './acl/state.js';
import { splitArgBytes } from './cli/split.js';
import { takeSnapshot, restoreSnapshot, type Snapshot } from './testing/snapshot.js';
import { keysOf, dumpKeyspace, type KeyInfo } from './testing/inspect.js';
import { PubSub } from './pubsub/pubsub.js';
import { applyReplyMode } from './commands/pubsub/client-reply.js';
import { Tracking } from './pubsub/tracking.js';
import { notifyKeyspaceEvent, keyspaceEventsStringToFlags, keyspaceEventsFlagsToString, NOTIFY } from './pubsub/notify.js';
import { Evictor, type Policy } from './keyspace/evict.js';
import { SlowLog } from './introspection/slowlog.js';
import { LatencyMonitor, Histogram } from './introspection/latency.js';
import type { CommandSpec } from './commands/table.js';
import type { MemAccount } from './keyspace/db.js';
import { trackedUsedMemory } from './keyspace/memory.js';
import { aofOf } from './persistence/aof.js';
import { propagateExpired, propagateEvicted, propagationOf, type Propagation } from './persistence/propagate.js';

export interface RedSimOptions {
  clock?: Clock;
  /** Seed for the random source (ignored when `random` is given). */
  seed?: number;
  random?: RandomSource;
  /** CONFIG overrides, e.g. { 'busy-reply-threshold': 100 }. */
  config?: Record<string, string | number>;
  /** ACL users as the configuration file's `user` lines declare them: ['alice on >pw ~* +@all', ...]. */
  users?: string[];
  /** Accept the REDSIM.* control commands (src/control.ts), e.g. REDSIM.CLOCK ADVANCE over a socket. */
  controlCommands?: boolean;
}

export interface Stats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  commandsProcessed: number;
  connectionsReceived: number;
  rejectedCalls: number;
  failedCalls: number;
  evictedKeys: number;
  /** total_error_replies and errorstats: every error reply sent, by its code (first word). */
  errorReplies: number;
  errorCodes: Map<string, number>;
  /** Bytes and reads/writes on network connections (kept by the network front end when it reports them). */
  netInputBytes: number;
  netOutputBytes: number;
  readsProcessed: number;
  writesProcessed: number;
  /** Per-command call counts (INFO commandstats). */
  calls: CallStats;
}

export interface CallStat {
  calls: number; usec: number; rejected: number; failed: number;
  /** Latency histogram (latency-tracking), created on the first recorded call. */
  hist?: Histogram;
}

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
    connectionsReceived: 0, rejectedCalls: 0, failedCalls: 0, evictedKeys: 0, calls: new CallStats(),
    errorReplies: 0, errorCodes: new Map(), netInputBytes: 0, netOutputBytes: 0, readsProcessed: 0, writesProcessed: 0,
  };
  readonly startTime: number;
  readonly runId: string;
  readonly blocking: BlockingManager;
  /** Users, authentication and the ACL LOG. */
  readonly acl: AclState;
  /** Pub/sub channels and patterns (src/pubsub/). */
  readonly pubsub = new PubSub();
  /** Client-side caching: tracked keys and BCAST prefixes (src/pubsub/tracking.ts). */
  readonly tracking: Tracking = new Tracking(this);
  /** MONITOR clients, in the order they started monitoring (src/pubsub/monitor.ts). */
  readonly monitors = new Set<Client>();
  /** Nesting depth of call(): time is frozen while > 0 (EXEC, scripts). */
  callDepth = 0;
  /** Command time snapshot (ms) taken at the outermost call. */
  cmdTime = 0;
  /** Databases waiting for Database.compact() at the end of the outermost command. */
  readonly compactQueue: Database[] = [];
  /** A script or function is running (set by the scripting engine). */
  busy: null | { kind: 'eval' | 'function'; timedOut: boolean } = null;
  /** Explain mode's listener (src/explain.ts); null: no records kept. */
  explain: import('./explain.js').ExplainListener | null = null;
  /** Extension slots for subsystems (scripting engine, function libraries, ...). */
  readonly ext: Record<string, unknown> = {};
  /** Set by SHUTDOWN: the instance is closed; every later command throws ServerClosedError. */
  isShutdown = false;
  /** Run once when SHUTDOWN closes this instance (`redsim serve` exits the process). */
  readonly shutdownHooks: Array<() => void> = [];
  /** REDSIM.* control commands are accepted (RedSimOptions.controlCommands). */
  readonly controlCommands: boolean;
  /** The used_memory estimate's dataset account (src/keyspace/memory.ts). */
  readonly mem: MemAccount = { on: false, bytes: 0, listFill: -2 };
  readonly evictor: Evictor;
  /** The OOM state found before the current command (Redis's pre_command_oom_state), read by scripts. */
  preCommandOom = false;
  /** Hook for the `evicted` keyspace notification (set by the notifications module when present). */
  onEvicted: ((db: Database, key: string) => void) | null = (db, key) => notifyKeyspaceEvent(this, NOTIFY.EVICTED, 'evicted', key, db.id);
  /** notify-keyspace-events as flags (src/pubsub/notify.ts). */
  notifyFlags = 0;
  /** Changes since the last save (server.dirty): one per key a write signals. */
  dirty = 0;
  /** master_replid (DEBUG CHANGE-REPL-ID draws a new one). */
  replId: string;
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  /** Cached from CONFIG (configChanged): read on every command. */
  /** CONFIG maxmemory (0: no limit), cached for the executor's OOM step. */
  maxmemory = 0;
  private slowlogSlowerThan = 10000;
  private slowlogMaxLen = 128;
  private latencyThreshold = 0;
  private latencyTracking = true;
  private nextClientId = 1;
  private activeExpireTimer: unknown = null;
  private readonly hooks: KeyspaceHooks;

  constructor(opts: RedSimOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.random = opts.random ?? new SeededRandom(opts.seed ?? (Date.now() ^ (runIdCounter++ * 7919)));
    this.config = new Config(opts.config);
    this.controlCommands = opts.controlCommands ?? false;
    this.startTime = this.clock.now();
    this.runId = Array.from({ length: 40 }, () => '0123456789abcdef'[this.random.int(16)]).join('');
    this.replId = this.newReplId();
    const server = this;
    this.hooks = {
      now: () => server.now(),
      signalModified: (db, key) => { server.dirty++; touchWatchedKey(db, key); server.tracking.invalidateKey(key); },
      signalReady: (db, key) => server.blocking.signalReady(db, key),
      onExpired: (db, key) => {
        notifyKeyspaceEvent(server, NOTIFY.EXPIRED, 'expired', key, db.id);
        propagateExpired(server, db, key);
        // Expiry is not a change a command made (Redis keeps server.dirty): cancel the signal's increment.
        server.dirty--;
      },
      compactDue: (db) => { server.compactQueue.push(db); },
      paused: () => isClientPaused(server),
      stats: this.stats,
      lfu: null,
      mem: this.mem,
    };
    this.config.onChange = (name) => this.configChanged(name);
    this.configChanged('maxmemory-policy');
    this.configChanged('notify-keyspace-events');
    this.configChanged('list-max-listpack-size');
    this.configChanged('slowlog-log-slower-than');
    const n = this.config.getNumber('databases');
    this.dbs = Array.from({ length: n }, (_, i) => new Database(i, this.hooks));
    this.blocking = new BlockingManager(this);
    this.acl = new AclState(this);
    this.initAcl(opts.users ?? []);
    this.evictor = new Evictor({
      dbs: this.dbs,
      random: this.random,
      now: () => server.now(),
      paused: () => isClientPaused(server),
      policy: () => server.config.get('maxmemory-policy') as Policy,
      samples: () => server.config.getNumber('maxmemory-samples'),
      lfuDecayTime: () => server.config.getNumber('lfu-decay-time'),
      usedMemory: () => server.usedMemory(),
      maxmemory: () => server.config.getNumber('maxmemory'),
      onEvicted: (db, key) => {
        server.stats.evictedKeys++;
        propagateEvicted(server, db, key);
        // Eviction is no change a command made: undo the delete's server.dirty increment (Redis counts none).
        server.dirty--;
        server.onEvicted?.(db, key);
      },
      afterEvictions: () => { if (server.ext.propagation) propagationOf(server).flushUnwrapped(); },
    });
    this.configChanged('maxmemory');
  }

  /** A 40-hex-digit replication id from the seeded random source. */
  newReplId(): string {
    return Array.from({ length: 40 }, () => '0123456789abcdef'[this.random.int(16)]).join('');
  }

  /**
   * afterErrorReply: count an error reply in total_error_replies and errorstats by
   * its code (the text up to the first space within 32 bytes, else ERR).
   */
  countError(msg: string): void {
    this.stats.errorReplies++;
    const sp = msg.slice(0, 32).indexOf(' ');
    const code = sp > 0 ? msg.slice(0, sp) : 'ERR';
    const m = this.stats.errorCodes;
    // Redis stops tracking new codes past 128 (ERRORSTATS_LIMIT) and reports the overflow.
    if (m.has(code) || m.size < 128) m.set(code, (m.get(code) ?? 0) + 1);
  }

  /**
   * ACLLoadUsersAtStartup plus requirepass: `user` lines or an aclfile (not
   * both), then the default user's password. Throws with Redis's reason.
   */
  private initAcl(users: string[]): void {
    const pass = this.config.get('requirepass') ?? '';
    if (pass !== '') this.acl.updateDefaultPassword(pass);
    const file = this.config.get('aclfile') ?? '';
    if (file !== '' && users.length) {
      throw new Error('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.');
    }
    const lines = users.map((l) => {
      const a = splitArgBytes(l);
      if (!a) throw new Error(`Unbalanced quotes in user line: ${l}`);
      return a[0]?.toLowerCase() === 'user' ? a : ['user', ...a];
    });
    this.acl.loadConfiguredUsers(lines);
    if (file !== '') {
      const e = this.acl.loadFromFile(null);
      if (e) throw new Error(`Aborting Redis startup because of ACL errors: ${e}`);
    }
  }

  /** Drop a connection now (CLIENT KILL, deleted ACL user): the front end closes its socket. */
  killClient(c: Client): void {
    c.closeAfterReply = true;
    this.closeClient(c);
    (c as Client & { onKill?: () => void }).onKill?.();
  }

  /** Re-read the parameters the keyspace caches; requirepass becomes the default user's password. */
  private configChanged(name: string): void {
    const cfg = this.config;
    if (name === 'appendonly') {
      // startAppendOnly / stopAppendOnly: a rewrite writes the new base and incr files.
      const aof = aofOf(this);
      if (cfg.get(name) === 'yes') aof.start(); else aof.stop();
      return;
    }
    if (name === 'notify-keyspace-events') {
      // Options given at start-up are stored as written: normalise them once here.
      const f = keyspaceEventsStringToFlags(cfg.get(name) ?? '');
      this.notifyFlags = f === -1 ? 0 : f;
      const norm = keyspaceEventsFlagsToString(this.notifyFlags);
      if (norm !== cfg.get(name)) cfg.setRaw(name, norm);
      this.hooks.keyMiss = f & NOTIFY.KEY_MISS ? (db, key) => notifyKeyspaceEvent(this, NOTIFY.KEY_MISS, 'keymiss', key, db.id) : null;
      this.hooks.newKey = f & NOTIFY.NEW ? (db, key) => notifyKeyspaceEvent(this, NOTIFY.NEW, 'new', key, db.id) : null;
      return;
    }
    if (name === 'maxmemory-policy' || name === 'lfu-log-factor' || name === 'lfu-decay-time') {
      this.hooks.lfu = (cfg.get('maxmemory-policy') ?? '').includes('lfu')
        ? { logFactor: cfg.getNumber('lfu-log-factor'), decayTime: cfg.getNumber('lfu-decay-time'), random: this.random }
        : null;
      this.evictor?.reset();
    } else if (name === 'slowlog-log-slower-than' || name === 'slowlog-max-len' || name === 'latency-monitor-threshold' || name === 'latency-tracking') {
      this.slowlogSlowerThan = cfg.getNumber('slowlog-log-slower-than');
      this.slowlogMaxLen = cfg.getNumber('slowlog-max-len');
      this.latencyThreshold = cfg.getNumber('latency-monitor-threshold');
      this.latencyTracking = cfg.getBool('latency-tracking');
    } else if (name === 'list-max-listpack-size') {
      this.mem.listFill = cfg.getNumber('list-max-listpack-size');
    } else if (name === 'maxmemory') {
      this.maxmemory = cfg.getNumber('maxmemory');
      // updateMaxmemory: a lower limit evicts at once.
      if (this.maxmemory > 0) { this.usedMemory(); this.evictor?.perform(); }
    } else if (name === 'requirepass') {
      this.acl.updateDefaultPassword(cfg.get('requirepass') ?? '');
    }
  }

  /**
   * After a command ran through call(): the latency monitor's command events, the
   * slow log and the per-command latency histogram. A command that blocked is
   * logged when it completes, as Redis does on unblock.
   */
  afterCall(client: Client, spec: CommandSpec, argv: string[], duration: number, r: Reply | Promise<Reply>, st: CallStat): void {
    if (this.latencyThreshold) {
      this.latency.addIfNeeded(spec.flags.has('fast') ? 'fast-command' : 'command', Math.floor(duration / 1000), this.latencyThreshold, this.clock.now());
    }
    if (r instanceof Promise) {
      r.then(() => this.logCall(client, spec, argv, duration, st), () => undefined);
      return;
    }
    this.logCall(client, spec, argv, duration, st);
  }

  private logCall(client: Client, spec: CommandSpec, argv: string[], duration: number, st: CallStat): void {
    if (!spec.flags.has('skip_slowlog')) {
      this.slowlog.push(spec.fullname, argv, duration, this.clock.now(), client.kind === 'script' ? '?:0' : client.addr, client.name,
        this.slowlogSlowerThan, this.slowlogMaxLen);
    }
    if (this.latencyTracking) (st.hist ??= new Histogram()).record(duration * 1000);
  }

  /**
   * The used_memory estimate (bytes), see src/keyspace/memory.ts. The first call
   * switches on per-key bookkeeping, which from then on follows every write.
   */
  usedMemory(): number {
    if (!this.mem.on) {
      this.mem.on = true;
      this.mem.bytes = 0;
      for (const db of this.dbs) db.accountAll();
    }
    return trackedUsedMemory(this);
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
    this.acl.setDefaultAuth(c);
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
    this.pubsub.dropClient(c);
    this.tracking.disable(c);
    this.monitors.delete(c);
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
    const prev = this.currentClient;
    this.currentClient = client;
    let r: Reply | Promise<Reply>;
    try { r = execute(this, client, argv); } finally { this.currentClient = prev; }
    // CLIENT REPLY SKIP silences the command after it (resetClient's flag shuffle);
    // read after the command: CLIENT REPLY ON clears it and is answered.
    const skipping = client.replySkip;
    client.replySkip = false;
    if (client.replySkipNext) { client.replySkip = true; client.replySkipNext = false; }
    const tail = client.afterReply;
    if (tail !== null) {
      client.afterReply = null;
      if (r instanceof Promise) for (const f of tail) client.deliver?.(f);
      else r = { t: 'seq', v: [r, ...tail], pushTail: true };
    }
    if (client.replyOff || skipping) {
      return r instanceof Promise ? r.then((x) => applyReplyMode(client, x, skipping)) : applyReplyMode(client, r, skipping);
    }
    return r;
  }

  /** The client whose command is running (Redis's server.current_client). */
  currentClient: Client | null = null;

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
      // Paused clients: the dataset stays static (activeExpireCycle returns at once).
      if (this.busy || this.ext.activeExpireDisabled || isClientPaused(this)) return;
      const t0 = this.clock.nowUs();
      this.activeExpireCycle();
      if (this.latencyThreshold) {
        this.latency.addIfNeeded('expire-cycle', Math.floor((this.clock.nowUs() - t0) / 1000), this.latencyThreshold, this.clock.now());
      }
      this.blocking.serveReady();
      this.compactDatabases();
    };
    this.activeExpireTimer = this.clock.setTimer(100, tick);
  }

  /** Next database the active expire cycle visits, and whether the last cycle ran out of time. */
  private expireDb = 0;
  private expireTimeLimitExit = false;

  /**
   * Redis's activeExpireCycle (slow cycle, run hz times a second): per database,
   * loops of ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP sampled volatile keys, repeated while
   * more than the acceptable stale percentage of a sample had expired, within a
   * CPU-time budget per cycle; all scaled by active-expire-effort. Time comes from
   * the injectable clock (a virtual clock never runs out of budget, so replays
   * stay deterministic). An idle server with many volatile keys does O(dbs * 20).
   */
  activeExpireCycle(): void {
    // Active expiry's DELs are emitted as they are, never wrapped in MULTI/EXEC.
    propagationOf(this).unwrapped(() => this.activeExpireCycleRun());
    this.tracking.broadcast();
  }

  /** The propagation stream (src/persistence/propagate.ts): subscribe to see what the AOF and a replica get. */
  get propagation(): Propagation { return propagationOf(this); }

  private activeExpireCycleRun(): void {
    const effort = this.config.getNumber('active-expire-effort') - 1;
    const keysPerLoop = 20 + 5 * effort;
    const acceptableStale = 10 - effort;
    const hz = Math.max(1, this.config.getNumber('hz'));
    const timeLimitUs = Math.max(1, Math.floor(((25 + 2 * effort) * 1_000_000) / hz / 100));
    const n = this.dbs.length;
    const dbsPerCall = this.expireTimeLimitExit ? n : Math.min(16, n);
    this.expireTimeLimitExit = false;
    const start = this.clock.nowUs();
    let iteration = 0;
    for (let j = 0; j < dbsPerCall && !this.expireTimeLimitExit; j++) {
      const db = this.dbs[this.expireDb++ % n];
      let sampled: number, expired: number;
      do {
        iteration++;
        if (db.expires.size === 0) break;
        ({ sampled, expired } = db.activeExpireLoop(keysPerLoop));
        if ((iteration & 0xf) === 0 && this.clock.nowUs() - start > timeLimitUs) {
          this.expireTimeLimitExit = true;
          break;
        }
      } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptableStale);
    }
  }

  // Test helpers (src/testing/): plain-JS views and fast resets of the keyspace.

  /** Every key and function library, to restore() later (per-test reset of a seeded fixture). */
  snapshot(): Snapshot { return takeSnapshot(this); }
  /** Put the keyspace and function libraries back as they were at snapshot(). */
  restore(snap: Snapshot): void { restoreSnapshot(this, snap); }
  /** The live keys of database `db` (default 0). */
  keys(db = 0): string[] { return keysOf(this, db); }
  /** Database `db` as plain JS: { key: { type, value, ttl } }. */
  dump(db = 0): Record<string, KeyInfo> { return dumpKeyspace(this, db); }
  /** Empty every database and drop the function libraries, as FLUSHALL + FUNCTION FLUSH. */
  flushAll(): void { restoreSnapshot(this, { dbs: [], functions: null }); }

  stop(): void {
    if (this.activeExpireTimer) this.clock.clearTimer(this.activeExpireTimer);
    this.activeExpireTimer = null;
    for (const c of [...this.clients.values()]) this.closeClient(c);
  }
}
