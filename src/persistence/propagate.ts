/**
 * The propagation stream (Redis 7.0's call()/alsoPropagate/propagatePendingCommands):
 * what the AOF writes down and a replica would receive. Every executed command that
 * changed the dataset is queued, rewritten as 7.0 rewrites it (relative TTLs become
 * absolute, INCRBYFLOAT a SET KEEPTTL, SPOP SREMs, blocking pops plain pops, ...);
 * scripts and EXEC are never queued themselves, only what they ran. At the end of
 * the outermost call the queue is emitted, wrapped in MULTI/EXEC when it holds more
 * than one command. Lazy expiry queues a DEL (or UNLINK) with the command that
 * found the key; active expiry and eviction emit their DELs unwrapped.
 *
 * Subscribers (the AOF, a future replica feed) receive (dbid, argv, target) and keep
 * their own SELECT state, as Redis's AOF and replication link each do.
 */
import type { RedSim } from '../server.js';
import type { Reply } from '../reply.js';
import type { CommandSpec } from '../commands/table.js';
import type { Database } from '../keyspace/db.js';
import { idStr } from '../types/stream.js';

export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;
export const PROPAGATE_ALL = PROPAGATE_AOF | PROPAGATE_REPL;

export type PropagationSubscriber = (dbid: number, argv: string[], target: number) => void;

interface Op { db: number; argv: string[]; target: number }

/** One call() in progress: the dirty counter at its start. */
interface Frame { dirtyBefore: number; consumers?: Set<string> }

export class Propagation {
  readonly subscribers = new Set<PropagationSubscriber>();
  private pending: Op[] = [];
  private frames: Frame[] = [];
  /** Emit pending ops without a MULTI/EXEC wrapper (active expiry, eviction). */
  private noMulti = false;

  constructor(private readonly server: RedSim) {}

  private mutedDepth = 0;

  /** Is anyone listening? Nothing is computed otherwise. */
  get active(): boolean { return this.subscribers.size !== 0 && this.mutedDepth === 0; }

  /** Run fn without propagating anything it does (loading files: Redis clears server.dirty). */
  muted(fn: () => void): void {
    this.mutedDepth++;
    try { fn(); } finally { this.mutedDepth--; if (this.mutedDepth === 0) this.pending = []; }
  }

  subscribe(fn: PropagationSubscriber): () => void {
    this.subscribers.add(fn);
    return () => { this.subscribers.delete(fn); };
  }

  /** alsoPropagate: queue a command for the end of the current execution unit. */
  also(db: number, argv: string[], target = PROPAGATE_ALL): void {
    if (!this.active) return;
    this.pending.push({ db, argv, target });
  }

  /** call() is about to run a handler. */
  enter(spec?: CommandSpec, argv?: string[], db?: Database): void {
    const f: Frame = { dirtyBefore: this.server.dirty };
    // XREADGROUP NOACK propagates the creation of its consumer: remember who existed.
    if (spec?.fullname === 'xreadgroup' && argv && db) f.consumers = existingConsumers(argv, db);
    this.frames.push(f);
  }

  /** call() ran a handler: queue it (rewritten) if it changed the dataset. */
  leave(spec: CommandSpec, argv: string[], reply: Reply | Promise<Reply>, db: Database): void {
    const f = this.frames.pop();
    if (!f || !this.active) return;
    const dirty = this.server.dirty > f.dirtyBefore;
    if (reply instanceof Promise) {
      // A blocking command that blocked changed nothing yet: when a client is served its pop
      // is emitted on its own (handleClientsBlockedOnKeys propagates per served client).
      reply.then((r) => {
        if (!this.active || r.t === 'error') return;
        const ops = spec.fullname === 'xreadgroup' ? xreadgroupEffects(argv, r, db, f.consumers)
          : rewriteForPropagation(this.server, spec, argv, r, db, true);
        for (const o of ops) this.pending.push({ db: db.id, argv: o.argv, target: o.target });
        if (this.server.callDepth === 0) this.flush();
      }, () => undefined);
      return;
    }
    const ops = spec.fullname === 'xreadgroup' ? xreadgroupEffects(argv, reply, db, f.consumers)
      : rewriteForPropagation(this.server, spec, argv, reply, db, dirty || streamGroupChange(spec.fullname, reply));
    for (const o of ops) this.pending.push({ db: db.id, argv: o.argv, target: o.target });
  }

  /** propagatePendingCommands: emit the queue, MULTI/EXEC-wrapped when it holds several commands. */
  flush(arbitraryKeys = false): void {
    if (this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    const tx = ops.length > 1 && !this.noMulti && !arbitraryKeys;
    if (tx) this.emit(ops[0].db, ['MULTI'], PROPAGATE_ALL);
    for (const o of ops) this.emit(o.db, o.argv, o.target);
    if (tx) this.emit(ops[ops.length - 1].db, ['EXEC'], PROPAGATE_ALL);
  }

  /** Run fn as an execution unit whose deletions are emitted unwrapped (active expiry, eviction). */
  unwrapped(fn: () => void): void {
    const prev = this.noMulti;
    this.noMulti = true;
    try { fn(); } finally { this.flush(); this.noMulti = prev; }
  }

  /** propagatePendingCommands with propagate_no_multi (after a batch of evictions). */
  flushUnwrapped(): void {
    const prev = this.noMulti;
    this.noMulti = true;
    try { this.flush(); } finally { this.noMulti = prev; }
  }

  private emit(db: number, argv: string[], target: number): void {
    for (const s of this.subscribers) s(db, argv, target);
  }
}

export function propagationOf(server: RedSim): Propagation {
  let p = server.ext.propagation as Propagation | undefined;
  if (!p) { p = new Propagation(server); server.ext.propagation = p; }
  return p;
}

/** A key deleted by expiry: DEL, or UNLINK with lazyfree-lazy-expire (propagateDeletion). */
export function propagateExpired(server: RedSim, db: Database, key: string): void {
  const p = server.ext.propagation as Propagation | undefined;
  if (!p?.active) return;
  p.also(db.id, [server.config.get('lazyfree-lazy-expire') === 'yes' ? 'UNLINK' : 'DEL', key]);
}

/** A key evicted: DEL or UNLINK with lazyfree-lazy-eviction. */
export function propagateEvicted(server: RedSim, db: Database, key: string): void {
  const p = server.ext.propagation as Propagation | undefined;
  if (!p?.active) return;
  p.also(db.id, [server.config.get('lazyfree-lazy-eviction') === 'yes' ? 'UNLINK' : 'DEL', key]);
}

interface OutOp { argv: string[]; target: number }

/** Script and transaction commands: only what they ran is propagated. */
const NEVER = new Set(['exec', 'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
/** Commands that dirty the dataset without touching a key (server.dirty++ in Redis) or force propagation. */
const FORCED = new Set(['flushdb', 'flushall', 'function|load', 'function|delete', 'function|flush', 'function|restore', 'swapdb']);
const REPL_ONLY = new Set(['publish', 'spublish']);

function bulkOf(r: Reply | undefined): string | undefined {
  if (!r) return undefined;
  if (r.t === 'bulk' || r.t === 'verbatim') return r.v as string;
  if (r.t === 'double') return String(r.v);
  return undefined;
}
function itemsOf(r: Reply): Reply[] {
  return r.t === 'array' || r.t === 'set' || r.t === 'map' ? (r.t === 'map' ? (r.v as Array<[Reply, Reply]>).flat() : r.v as Reply[]) : [];
}
const lc = (s: string) => s.toLowerCase();

/** SET/SETEX/PSETEX: does the command carry a TTL option? */
function setHasExpire(name: string, argv: string[]): boolean {
  if (name === 'setex' || name === 'psetex') return true;
  for (let j = 3; j < argv.length; j++) {
    const a = lc(argv[j]);
    if (a === 'ex' || a === 'px' || a === 'exat' || a === 'pxat') return true;
  }
  return false;
}

/** Redis's per-command rewriting (rewriteClientCommandVector & co.) of one executed command. */
export function rewriteForPropagation(server: RedSim, spec: CommandSpec, argv: string[], reply: Reply,
  db: Database, dirty: boolean): OutOp[] {
  const name = spec.fullname;
  if (NEVER.has(name)) return [];
  const isErr = reply.t === 'error';
  if (REPL_ONLY.has(name)) return isErr ? [] : [{ argv, target: PROPAGATE_REPL }];
  if (FORCED.has(name)) return isErr ? [] : [{ argv, target: PROPAGATE_ALL }];
  if (!dirty) return [];
  const one = (a: string[]): OutOp[] => [{ argv: a, target: PROPAGATE_ALL }];
  const key = argv[1];
  const exists = () => db.data.has(key);
  const delName = (opt: string) => (server.config.get(opt) === 'yes' ? 'UNLINK' : 'DEL');
  switch (name) {
    case 'expire': case 'pexpire': case 'expireat': case 'pexpireat': {
      if (!exists()) return one([delName('lazyfree-lazy-expire'), key]);
      const out = argv.slice();
      if (name !== 'pexpireat') { out[0] = 'PEXPIREAT'; out[2] = String(db.getExpire(key)); }
      return one(out);
    }
    case 'set': case 'setex': case 'psetex': {
      if (setHasExpire(name, argv)) {
        const val = name === 'set' ? argv[2] : argv[3];
        const at = db.getExpire(key);
        if (at !== undefined) return one(['SET', key, val, 'PXAT', String(at)]);
        return one(argv);
      }
      if (name === 'set') return one(argv.filter((a, j) => j < 3 || lc(a) !== 'get'));
      return one(argv);
    }
    case 'getex': {
      if (!exists()) return one([delName('lazyfree-lazy-expire'), key]);
      const at = db.getExpire(key);
      if (at !== undefined) return one(['PEXPIREAT', key, String(at)]);
      return one(['PERSIST', key]);
    }
    case 'getdel': return one([delName('lazyfree-lazy-user-del'), key]);
    case 'getset': return one(['SET', argv[1], argv[2]]);
    case 'incrbyfloat': {
      const v = bulkOf(reply);
      return v === undefined ? one(argv) : one(['SET', key, v, 'KEEPTTL']);
    }
    case 'hincrbyfloat': {
      const v = bulkOf(reply);
      return v === undefined ? one(argv) : one(['HSET', key, argv[2], v]);
    }
    case 'spop': {
      if (argv.length === 2) {
        const m = bulkOf(reply);
        return m === undefined ? [] : one(['SREM', key, m]);
      }
      // With a count: the whole set popped is a DEL, otherwise one SREM per member.
      if (!exists()) return one(['DEL', key]);
      return itemsOf(reply).map((m) => ({ argv: ['SREM', key, bulkOf(m) ?? ''], target: PROPAGATE_ALL }));
    }
    case 'blpop': case 'brpop': case 'bzpopmin': case 'bzpopmax': {
      const k = bulkOf(itemsOf(reply)[0]);
      if (k === undefined) return [];
      const cmd = name === 'blpop' ? 'LPOP' : name === 'brpop' ? 'RPOP' : name === 'bzpopmin' ? 'ZPOPMIN' : 'ZPOPMAX';
      return one([cmd, k]);
    }
    case 'lmpop': case 'blmpop': case 'zmpop': case 'bzmpop': {
      const items = itemsOf(reply);
      const k = bulkOf(items[0]);
      if (k === undefined) return [];
      const numkeys = Number(argv[name.startsWith('b') ? 2 : 1]);
      const whereArg = lc(argv[(name.startsWith('b') ? 3 : 2) + numkeys] ?? '');
      const popped = items[1] ? itemsOf(items[1]).length : 0;
      const cmd = name.endsWith('lmpop') ? (whereArg === 'left' ? 'LPOP' : 'RPOP') : (whereArg === 'max' ? 'ZPOPMAX' : 'ZPOPMIN');
      return one([cmd, k, String(popped)]);
    }
    case 'blmove': return reply.t === 'bulk' ? one(['LMOVE', argv[1], argv[2], argv[3], argv[4]]) : [];
    case 'brpoplpush': return reply.t === 'bulk' ? one(['RPOPLPUSH', argv[1], argv[2]]) : [];
    case 'restore': {
      const ttl = Number(argv[2]);
      const abs = argv.slice(4).some((a) => lc(a) === 'absttl');
      if (!exists()) return one(['DEL', key]);
      if (ttl && !abs) { const out = argv.slice(); out[2] = String(db.getExpire(key) ?? argv[2]); out.push('ABSTTL'); return one(out); }
      return one(argv);
    }
    case 'xreadgroup': return xreadgroupEffects(argv, reply, db, undefined);
    case 'xadd': case 'xtrim': return one(rewriteStreamArgs(name, argv, reply, db));
    default:
      return one(argv);
  }
}

/**
 * XREADGROUP is never propagated itself (streamPropagateXCLAIM & co.): each entry
 * delivered into the PEL becomes "XCLAIM key group consumer 0 id TIME t RETRYCOUNT n
 * FORCE JUSTID LASTID last" with the PEL's delivery time and count; with NOACK the
 * group's new last id is sent as XGROUP SETID ... ENTRIESREAD, and a consumer that
 * read created is sent as XGROUP CREATECONSUMER first.
 */
function parseXreadgroup(argv: string[]): { group: string; consumer: string; noack: boolean; streamsAt: number } {
  let group = '', consumer = '', noack = false, streamsAt = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = lc(argv[i]);
    if (a === 'group') { group = argv[i + 1]; consumer = argv[i + 2]; i += 2; } else if (a === 'count' || a === 'block') i++;
    else if (a === 'noack') noack = true;
    else if (a === 'streams') { streamsAt = i + 1; break; }
  }
  return { group, consumer, noack, streamsAt };
}

/** "key\0" for each key of an XREADGROUP whose group already has the consumer. */
function existingConsumers(argv: string[], db: Database): Set<string> {
  const { group, consumer, streamsAt } = parseXreadgroup(argv);
  const out = new Set<string>();
  if (streamsAt < 0) return out;
  const nkeys = (argv.length - streamsAt) / 2;
  for (let j = 0; j < nkeys; j++) {
    const v = db.data.get(argv[streamsAt + j]);
    if (v?.type === 'stream' && v.v.groups?.get(group)?.consumers.has(consumer)) out.add(argv[streamsAt + j]);
  }
  return out;
}

/** Stream group commands change no key Redis-wise but dirty the server when they change a group. */
function streamGroupChange(name: string, reply: Reply): boolean {
  if (reply.t === 'error') return false;
  switch (name) {
    case 'xack': case 'xgroup|destroy': case 'xgroup|createconsumer': return reply.t === 'int' && Number(reply.v) > 0;
    case 'xgroup|create': case 'xgroup|setid': case 'xgroup|delconsumer': return true;
    default: return false;
  }
}

function xreadgroupEffects(argv: string[], reply: Reply, db: Database, before: Set<string> | undefined): OutOp[] {
  if (reply.t === 'error') return [];
  const { group, consumer, noack, streamsAt } = parseXreadgroup(argv);
  if (streamsAt < 0) return [];
  const nkeys = (argv.length - streamsAt) / 2;
  const out: OutOp[] = [];
  const push = (a: string[]) => out.push({ argv: a, target: PROPAGATE_ALL });
  // Per key: the ids the reply delivered.
  const delivered = new Map<string, string[]>();
  const top = itemsOf(reply);
  const pairs: Array<[Reply, Reply]> = reply.t === 'map' ? (reply.v as Array<[Reply, Reply]>)
    : top.map((r) => { const x = itemsOf(r); return [x[0], x[1]] as [Reply, Reply]; });
  for (const [k, entries] of pairs) {
    const key = bulkOf(k);
    if (key === undefined || !entries) continue;
    delivered.set(key, itemsOf(entries).map((e) => bulkOf(itemsOf(e)[0]) ?? ''));
  }
  for (let j = 0; j < nkeys; j++) {
    const key = argv[streamsAt + j];
    const v = db.data.get(key);
    if (v?.type !== 'stream') continue;
    const g = v.v.groups?.get(group);
    if (!g) continue;
    const ids = delivered.get(key) ?? [];
    const history = argv[streamsAt + nkeys + j] !== '>';
    if (noack && before && !before.has(key) && g.consumers.has(consumer)) push(['XGROUP', 'CREATECONSUMER', key, group, consumer]);
    // A read of the consumer's own history changes nothing that is propagated.
    if (history) continue;
    if (noack) {
      if (!history && ids.length) push(['XGROUP', 'SETID', key, group, idStr(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
      continue;
    }
    for (const id of ids) {
      const nack = g.pel.get(parseId(id));
      if (!nack) continue;
      push(['XCLAIM', key, group, consumer, '0', id, 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
        'FORCE', 'JUSTID', 'LASTID', id]);
    }
  }
  return out;
}

function parseId(s: string): bigint {
  const [ms, seq] = s.split('-');
  return (BigInt(ms) << 64n) | BigInt(seq ?? '0');
}

/**
 * XADD/XTRIM: an approximate trim (~) is propagated as an exact one (=) to what the
 * stream holds now (its length for MAXLEN, its first id for MINID), and an XADD id
 * that was generated (`*`, `<ms>-*`, `<ms>`) as the id the reply carries.
 */
function rewriteStreamArgs(name: string, argv: string[], reply: Reply, db: Database): string[] {
  const out = argv.slice();
  const v = db.data.get(argv[1]);
  const s = v?.type === 'stream' ? v.v : undefined;
  let i = 2;
  for (; i < out.length; i++) {
    const a = lc(out[i]);
    if (a === 'nomkstream' && name === 'xadd') continue;
    if (a === 'maxlen' || a === 'minid') {
      const approx = out[i + 1] === '~';
      const idx = out[i + 1] === '~' || out[i + 1] === '=' ? i + 2 : i + 1;
      if (approx && s) {
        out[i + 1] = '=';
        // streamGetEdgeID of an empty stream is the maximal id.
        out[idx] = a === 'maxlen' ? String(s.length) : s.length ? idStr(s.firstId) : '18446744073709551615-18446744073709551615';
      }
      i = idx;
      continue;
    }
    if (a === 'limit') { i++; continue; }
    break;
  }
  if (name === 'xadd' && i < out.length) {
    const id = out[i];
    const generated = id === '*' || id.endsWith('-*') || !id.includes('-');
    const got = bulkOf(reply);
    if (generated && got !== undefined) out[i] = got;
  }
  return out;
}
