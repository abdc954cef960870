/**
 * Deterministic replay of a production trace (MONITOR output or an AOF) on a
 * RedSim with a VirtualClock and a seeded random source: the same trace and
 * seed give the same replies and the same final keyspace on every run.
 *
 * - Before each command the clock is set to the entry's time (never moved
 *   backwards), firing due timers (blocking timeouts) first.
 * - Each distinct client address is its own client. When a MONITOR line says
 *   the command ran in another db than the client's current one, the client is
 *   moved there first (not while it queues a MULTI: the queued commands are
 *   logged at EXEC time, with EXEC's db).
 * - A command that blocks (BLPOP...) does not stop the replay: its reply is
 *   printed when a later command serves it or the clock passes its timeout.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RedSim, type RedSimOptions } from '../server.js';
import { VirtualClock } from '../clock.js';
import type { Client } from '../client.js';
import type { Reply } from '../reply.js';
import { renderReply, reprBytes } from '../resp/render.js';
import { doubleText } from '../resp/encode.js';
import { cmpBytes } from '../util/bytes.js';
import { readMonitorTrace, parseMonitorLine } from './monitor.js';
import { readAofPath } from './aof.js';
import type { TraceEntry } from './trace.js';
import { ID_MAX, idStr } from '../types/stream.js';

export type TraceFormat = 'monitor' | 'aof';

export interface ReplayOptions {
  /** Seed for the random source (SPOP, SRANDMEMBER, RANDOMKEY...). Default 0. */
  seed?: number;
  /** 'replies': print each command and its reply. Default 'none'. */
  print?: 'replies' | 'none';
  /**
   * Virtual clock start (ms since the epoch). Default: the first entry's time;
   * for an AOF without #TS annotations, 0 (so nothing expires while replaying,
   * as Redis expires nothing while it loads an AOF).
   */
  startMs?: number;
  /** Extra RedSim options (config overrides). */
  sim?: RedSimOptions;
  /**
   * Scripts of a MONITOR trace, whose effects the trace recorded as `[<db> lua]` lines:
   * - 'verify' (default): run the script, then compare the commands it ran with the
   *   recorded ones; every difference is reported (ReplayResult.divergences). A script
   *   the replay does not know (NOSCRIPT, function not found: the trace began after
   *   SCRIPT LOAD / FUNCTION LOAD) gets its recorded effects applied instead, with a note.
   * - 'effects': do not run scripts; apply the recorded effects (atomically, in MULTI/EXEC).
   */
  scripts?: 'verify' | 'effects';
}

export interface ReplayResult {
  sim: RedSim;
  commands: number;
  errors: number;
  clients: number;
  /** Clients still blocked when the trace ended. */
  stillBlocked: number;
  /** Scripts whose commands differed from the trace's `[<db> lua]` lines ('verify'), one message each. */
  divergences: string[];
  /** Scripts replaced by their recorded effects because the replay did not have them. */
  effectsApplied: number;
}

interface TraceClient {
  client: Client;
  /** Settles when this client's last command has its reply (blocked or queued behind one). */
  pending: Promise<void> | null;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function commandText(argv: string[]): string {
  return argv.map(reprBytes).join(' ');
}

/** Replay trace entries; `write` receives output as byte strings. */
export async function replay(entries: TraceEntry[], opts: ReplayOptions, write: (bytes: string) => void): Promise<ReplayResult> {
  const first = entries.find((e) => e.timeUs !== undefined)?.timeUs;
  const startMs = opts.startMs ?? (first !== undefined ? first / 1000 : 0);
  const clock = new VirtualClock(startMs);
  const sim = new RedSim({ ...opts.sim, clock, seed: opts.seed ?? 0 });
  const print = opts.print === 'replies';
  const clients = new Map<string, TraceClient>();
  const result: ReplayResult = { sim, commands: 0, errors: 0, clients: 0, stillBlocked: 0, divergences: [], effectsApplied: 0 };
  const scripts = new ScriptEffects(sim, opts.scripts ?? 'verify');
  let port = 0;

  const getClient = (name: string): TraceClient => {
    let tc = clients.get(name);
    // A client that QUIT or was killed reconnects (the address came back).
    if (tc && tc.client.closed) tc = undefined;
    if (!tc) {
      const addr = /:[0-9]+$/.test(name) ? name : `127.0.0.1:${40000 + port++}`;
      tc = { client: sim.createClient({ addr }), pending: null };
      clients.set(name, tc);
      result.clients++;
    }
    return tc;
  };

  const account = (r: Reply) => {
    if (r.t === 'error') result.errors++;
  };

  // Replies still to come (blocked commands, commands queued behind them). Only then
  // can moving the clock release output, so only then is a turn of the event loop
  // (one setImmediate per trace line otherwise) worth taking.
  let outstanding = 0;
  const track = (p: Promise<void>): Promise<void> => {
    outstanding++;
    void p.finally(() => { outstanding--; });
    return p;
  };

  for (const e of entries) {
    if (e.timeUs !== undefined && e.timeUs > clock.nowUs()) {
      clock.set(e.timeUs / 1000);
      if (outstanding > 0) await tick(); // let unblocked clients' replies through
    }
    const tc = getClient(e.client);
    const c = tc.client;
    const selectDb = () => {
      if (!c.multi && e.db !== undefined && c.db.id !== e.db) {
        if (e.db >= sim.dbs.length) throw new Error(`line ${e.line}: db ${e.db} does not exist (databases ${sim.dbs.length})`);
        c.db = sim.dbs[e.db];
      }
    };
    const run = (): Reply | Promise<Reply> => {
      selectDb();
      return sim.execute(c, e.argv);
    };
    const header = () => `[${c.db.id} ${e.client}] ${commandText(e.argv)}\n`;
    result.commands++;

    if (tc.pending) {
      // The trace has a command from a client still waiting for a reply in
      // this replay: keep its order, run it once the earlier one is answered.
      const queuedHeader = header();
      if (print) write(queuedHeader + '(queued behind a blocked command)\n');
      tc.pending = track(tc.pending.then(async () => {
        const r = await run();
        account(r);
        if (print) write(`[reply to ${e.client} line ${e.line}] ${queuedHeader}${renderReply(r, c.resp)}`);
      }));
      continue;
    }

    selectDb();
    if (print) write(header());
    if (e.effects && scripts.mode === 'effects') {
      const rr = scripts.apply(e, c.db.id);
      account(rr);
      if (print) write(`(recorded effects applied: ${e.effects.length} command(s))\n`);
      continue;
    }
    if (e.effects) scripts.begin();
    const r0 = run();
    const r = e.effects ? scripts.finish(e, r0, c.db.id, result, print ? write : null) : r0;
    if (!(r instanceof Promise)) {
      account(r);
      if (print) write(renderReply(r, c.resp));
      if (c.closeAfterReply) closeClient(e.client);
      continue;
    }
    if (c.blocked === null) {
      // A long script yielding to the event loop: it finishes by itself.
      const rr = await r;
      account(rr);
      if (print) write(renderReply(rr, c.resp));
      continue;
    }
    if (print) write('(blocked)\n');
    const blockedHeader = `[${c.db.id} ${e.client}] ${commandText(e.argv)}`;
    const p = track(r.then((rr) => {
      account(rr);
      if (print) write(`[reply to ${e.client} line ${e.line}] ${blockedHeader}\n${renderReply(rr, c.resp)}`);
    }));
    tc.pending = p;
    void p.then(() => {
      if (tc.pending === p) tc.pending = null;
    });
  }
  await tick();
  for (const tc of clients.values()) if (tc.client.blocked) result.stillBlocked++;
  if (print && result.stillBlocked > 0) write(`(${result.stillBlocked} client(s) still blocked at the end of the trace)\n`);
  return result;

  function closeClient(name: string): void {
    const tc = clients.get(name);
    if (tc) sim.closeClient(tc.client);
  }
}

// ------------------------------------------------------------------ scripts

/** The recorded-effects check and fallback of ReplayOptions.scripts. */
class ScriptEffects {
  private monitorClient: Client | null = null;
  private applierClient: Client | null = null;
  private lines: string[] = [];

  constructor(private readonly sim: RedSim, readonly mode: 'verify' | 'effects') {}

  // Created on first use only: a trace without scripts sees no extra clients (CLIENT ID, CLIENT LIST).
  private get monitor(): Client {
    if (!this.monitorClient) {
      // The commands a script runs reach monitors as `[<db> lua]` lines: the replay
      // listens the way MONITOR does, only while a script command runs.
      this.monitorClient = this.sim.createClient({ addr: 'replay:monitor' });
      this.monitorClient.deliver = (f) => { if (f.t === 'status') this.lines.push(f.v); };
    }
    return this.monitorClient;
  }

  private get applier(): Client {
    return this.applierClient ??= this.sim.createClient({ addr: 'replay:effects' });
  }

  begin(): void {
    this.lines = [];
    this.sim.monitors.add(this.monitor);
  }

  /** After the script command ran: compare (or fall back to the recorded effects). */
  finish(e: TraceEntry, r: Reply | Promise<Reply>, db: number, result: ReplayResult, write: ((s: string) => void) | null): Reply | Promise<Reply> {
    const done = (rr: Reply): Reply => {
      this.sim.monitors.delete(this.monitor);
      const ran = this.lines.filter((l) => / lua\] /.test(l)).map((l) => parseMonitorLine(l));
      if (rr.t === 'error' && /^(NOSCRIPT|ERR Function not found)/.test(rr.v) && e.effects!.length > 0 && ran.length === 0) {
        result.effectsApplied++;
        if (write) write(`(script not known to the replay: its ${e.effects!.length} recorded command(s) applied instead)\n`);
        return this.apply(e, db);
      }
      const want = e.effects!.map((x) => `[${x.db ?? db}] ${commandText(x.argv)}`);
      const got = ran.map((x) => `[${x.db}] ${commandText(x.argv)}`);
      for (let i = 0; i < Math.max(want.length, got.length); i++) {
        if (want[i] !== got[i]) {
          result.divergences.push(`line ${e.line}: ${commandText(e.argv)}: script command ${i + 1} ` +
            (want[i] === undefined ? `was not in the trace: ran ${got[i]}` : got[i] === undefined ? `did not run: the trace has ${want[i]} (line ${e.effects![i].line})` :
              `differs: the trace has ${want[i]} (line ${e.effects![i].line}), the replay ran ${got[i]}`));
          break;
        }
      }
      return rr;
    };
    return r instanceof Promise ? r.then(done) : done(r);
  }

  /** Run the recorded effects, in MULTI/EXEC when several (a script is atomic). */
  apply(e: TraceEntry, db: number): Reply {
    const c = this.applier;
    const effects = e.effects!;
    const wrap = effects.length > 1;
    if (wrap) this.sim.execute(c, ['MULTI']);
    for (const x of effects) {
      const target = x.db ?? db;
      if (c.db.id !== target) c.db = this.sim.dbs[target];
      this.sim.execute(c, x.argv);
    }
    if (wrap) {
      const r = this.sim.execute(c, ['EXEC']);
      if (!(r instanceof Promise) && r.t === 'array') {
        const bad = r.v.find((x) => x.t === 'error');
        if (bad) return bad;
      }
    }
    return { t: 'nil' };
  }
}

// ------------------------------------------------------------------ digest

/** Length-prefixed field: `<byte length>:<bytes>`, so no value can fake a boundary. */
function field(s: string): string {
  return `${s.length}:${s}`;
}

/** Bulk strings of an array/set reply; a map (HGETALL) as its flat key, value list. */
function items(r: Reply): string[] {
  const list = r.t === 'map' ? r.v.flat() : r.t === 'array' || r.t === 'set' ? r.v : null;
  if (list === null) throw new Error(`digest: unexpected reply ${r.t}`);
  return list.map((x) => {
    // Scores are doubles in the reply value; take the bytes RESP2 sends for them.
    if (x.t === 'double') return doubleText(x.v, x.s);
    if (x.t !== 'bulk') throw new Error(`digest: unexpected element ${x.t}`);
    return x.v;
  });
}

/**
 * The canonical serialization of the keyspace that keyspaceDigest hashes (a
 * byte string). For every db in increasing order and every key that is not
 * expired at the current (virtual) time, in byte order of the key:
 *
 *   field(db) field(key) field(type) field(expire) field(count) values...
 *
 * where field(x) is `<byte length>:<bytes>`, type is string/list/set/zset/hash,
 * expire is the absolute expire time in ms or -1, count the number of values,
 * and the values are: string: the value; list: the elements in order; set:
 * the members in byte order; hash: field, value pairs in byte order of the
 * field; zset: member, score pairs in rank order (score, then member), the
 * score as Redis sends it in RESP2 (%.17g). Values are read with the ordinary read
 * commands (GET, LRANGE, SMEMBERS, HGETALL, ZRANGE WITHSCORES), so any
 * encoding gives the same bytes.
 */
export function canonicalKeyspace(sim: RedSim): { text: string; keys: number } {
  const reader = sim.createClient({ addr: '127.0.0.1:1' });
  let text = '';
  let keys = 0;
  try {
    const call = (argv: string[]): Reply => {
      const r = sim.execute(reader, argv);
      if (r instanceof Promise) throw new Error('digest: read command blocked');
      if (r.t === 'error') throw new Error(`digest: ${argv[0]}: ${r.v}`);
      return r;
    };
    for (const db of sim.dbs) {
      const names = [...db.data.keys()].filter((k) => !db.isExpired(k)).sort(cmpBytes);
      if (names.length === 0) continue;
      reader.db = db;
      for (const key of names) {
        const v = db.peek(key);
        if (!v) continue;
        let values: string[];
        switch (v.type) {
          case 'string': {
            const r = call(['GET', key]);
            values = [r.t === 'bulk' ? r.v : ''];
            break;
          }
          case 'list':
            values = items(call(['LRANGE', key, '0', '-1']));
            break;
          case 'set':
            values = items(call(['SMEMBERS', key])).sort(cmpBytes);
            break;
          case 'hash': {
            const a = items(call(['HGETALL', key]));
            const pairs: Array<[string, string]> = [];
            for (let i = 0; i < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
            pairs.sort((x, y) => cmpBytes(x[0], y[0]));
            values = pairs.flat();
            break;
          }
          case 'zset':
            values = items(call(['ZRANGE', key, '0', '-1', 'WITHSCORES']));
            break;
          case 'stream':
            // Entries (id, field/value count, fields/values) after the last generated id.
            values = [idStr(v.v.lastId)];
            for (const e of v.v.range(0n, ID_MAX)) values.push(idStr(e.id), String(e.fv.length), ...e.fv);
            break;
        }
        const exp = db.getExpire(key);
        text += field(String(db.id)) + field(key) + field(v.type) + field(exp === undefined ? '-1' : String(exp));
        text += field(String(values.length)) + values.map(field).join('');
        keys++;
      }
    }
  } finally {
    sim.closeClient(reader);
  }
  return { text, keys };
}

/** SHA1 (hex) of canonicalKeyspace(sim), and the number of keys it covers. */
export function keyspaceDigest(sim: RedSim): { sha1: string; keys: number } {
  const { text, keys } = canonicalKeyspace(sim);
  return { sha1: createHash('sha1').update(Buffer.from(text, 'latin1')).digest('hex'), keys };
}

// -------------------------------------------------------------- front end

/** Read a trace file into entries. */
export function readTrace(path: string, format: TraceFormat, opts: { strict?: boolean } = {}): { entries: TraceEntry[]; warnings: string[] } {
  if (format === 'aof') {
    const r = readAofPath(path);
    return { entries: r.entries, warnings: r.truncated ? ['the AOF ends with a truncated command; it was not replayed'] : [] };
  }
  const warnings: string[] = [];
  return { entries: readMonitorTrace(readFileSync(path).toString('latin1'), { strict: opts.strict, warnings }), warnings };
}

/** Guess the format from the first bytes: `*` or `#` (annotation) or a manifest is an AOF. */
export function detectFormat(head: Buffer): TraceFormat {
  const c = head[0];
  if (c === 0x2a || c === 0x23) return 'aof';
  if (head.subarray(0, 5).toString('latin1') === 'file ') return 'aof';
  return 'monitor';
}
