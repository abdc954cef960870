/**
 * Explain mode for the REPL: after each reply, one or two plain sentences on
 * what happened and why. Built from records only: the executor's reports
 * (src/explain.ts), the clients' transaction flags before and after the line,
 * and the reply's type; never from the wording of a reply.
 */
import type { RedSim } from '../server.js';
import type { Client } from '../client.js';
import type { CommandSpec } from '../commands/table.js';
import type { Reply } from '../reply.js';
import type { ExplainListener } from '../explain.js';
import { lookupCommand } from '../commands/table.js';
import { scriptingOf } from '../scripting/engine.js';
import { reprBytes } from '../resp/render.js';

/** How a command line is shown inside an explanation. */
export function showCmd(argv: string[]): string {
  const parts = argv.slice(0, 6).map((a, i) => (i === 0 ? a.toUpperCase() : /^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : reprBytes(a)));
  let s = parts.join(' ');
  if (argv.length > 6) s += ' ...';
  return s.length > 80 ? '`' + s.slice(0, 77) + '...`' : '`' + s + '`';
}

function keysList(keys: string[]): string {
  return keys.map(reprBytes).join(', ');
}

interface Named { name: string; client: Client }

/** What a watcher learns when its WATCH is broken: who, how, at which command. */
export interface WatchBreak { key: string | null; text: string }

/** The state of one client before a line runs. */
interface Before {
  multi: boolean;
  dirtyExec: boolean;
  dirtyCas: boolean;
  queue: string[][];
  watched: string[];
}

const SCRIPT_CMDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

export class Explainer implements ExplainListener {
  /** Rejections of the current line (top level). */
  private rejections: { client: Client; spec: CommandSpec | undefined; busy: boolean }[] = [];
  /** Writes made by the running script, per caller; kept until its reply is explained. */
  private scriptWrites = new Map<Client, string[][]>();
  private scriptRefusals = new Map<Client, { argv: string[]; reason: string }>();
  /** The command that doomed each client's transaction at queue time. */
  readonly doomedBy = new Map<Client, string[]>();
  /** Why a client's WATCH broke. */
  readonly watchBroken = new Map<Client, WatchBreak>();
  /** Clients whose running script a SCRIPT/FUNCTION KILL stopped, and by whom. */
  private killedBy = new Map<Client, string>();

  constructor(private readonly sim: RedSim) {}

  rejected(client: Client, spec: CommandSpec | undefined, _msg: string): void {
    const busy = this.sim.busy !== null && this.sim.busy.timedOut;
    this.rejections.push({ client, spec, busy });
  }

  called(client: Client, spec: CommandSpec, argv: string[], reply: Reply | Promise<Reply>): void {
    if (client.kind !== 'script') return;
    const caller = scriptingOf(this.sim).current?.caller;
    if (!caller || !spec.flags.has('write') || reply instanceof Promise || reply.t === 'error') return;
    let list = this.scriptWrites.get(caller);
    if (!list) this.scriptWrites.set(caller, (list = []));
    list.push(argv);
  }

  /** Callers whose script started during the current command (a NOSCRIPT or a refused FCALL_RO never starts). */
  private started = new Set<Client>();
  scriptStarted(caller: Client): void {
    this.started.add(caller);
  }

  scriptRefused(_spec: CommandSpec, argv: string[], reason: 'read-only' | 'other'): void {
    const caller = scriptingOf(this.sim).current?.caller;
    if (caller && !this.scriptRefusals.has(caller)) this.scriptRefusals.set(caller, { argv, reason });
  }

  /** Snapshot every client before a line. */
  before(clients: Named[]): Map<Client, Before> {
    this.rejections = [];
    const m = new Map<Client, Before>();
    for (const { client: c } of clients) {
      m.set(c, { multi: c.multi, dirtyExec: c.dirtyExec, dirtyCas: c.dirtyCas, queue: c.queue.map((q) => q.argv), watched: c.watched.map((w) => w.key) });
    }
    return m;
  }

  /**
   * After a line: record watches it broke (by `by` running argv, or by the clock
   * when argv is null) and return the sentences for the other clients.
   */
  afterLine(clients: Named[], pre: Map<Client, Before>, by: Named | null, argv: string[] | null): string[] {
    const out: string[] = [];
    for (const { name, client: c } of clients) {
      const b = pre.get(c);
      if (!b || b.dirtyCas || !c.dirtyCas || c === by?.client) continue;
      const key = c.dirtyCasKey;
      const k = key === null ? 'a watched key' : `watched key ${reprBytes(key)}`;
      let how: string;
      const spec = argv ? lookupCommand(argv) : undefined;
      if (!by || !argv) how = `${k} expired (the clock passed its TTL)`;
      else if (spec && /^(flushall|flushdb|swapdb)$/.test(spec.fullname)) how = `${k} was wiped by client ${by.name}'s ${showCmd(argv)}`;
      else if (spec && spec.flags.has('write')) how = `${k} was modified by client ${by.name} (${showCmd(argv)})`;
      else how = `${k} expired, and client ${by.name}'s ${showCmd(argv)} found it past its TTL and deleted it`;
      this.watchBroken.set(c, { key, text: how });
      out.push(`This broke client ${name}'s WATCH: ${how}, so ${name}'s EXEC will return nil and run nothing.`);
    }
    return out;
  }

  /** Sentences for `rc` running argv, which replied `reply` (or is still pending). */
  explain(rc: Named, argv: string[], reply: Reply | 'blocked' | 'running', pre: Before | undefined): string[] {
    const c = rc.client;
    const spec = lookupCommand(argv);
    const name = spec?.fullname ?? argv[0].toLowerCase();
    const rej = this.rejections.find((r) => r.client === c);
    if (rej) {
      if (rej.busy) {
        const kill = this.sim.busy?.kind === 'function' ? 'FUNCTION KILL' : 'SCRIPT KILL';
        return [`BUSY: a script has run past busy-reply-threshold (${this.sim.config.getNumber('busy-reply-threshold')} ms) and is still running, so Redis answers every other command with BUSY until it ends.`,
          `${kill} stops it if it has not written anything yet; otherwise only SHUTDOWN NOSAVE does.`];
      }
      if (pre?.multi && name !== 'exec') {
        this.doomedBy.set(c, argv);
        if (pre.dirtyExec) return ['Rejected while queueing; the transaction was already doomed by an earlier rejection.'];
        return [`${showCmd(argv)} was rejected before it could be queued (the error above), so the whole transaction is doomed: EXEC will answer EXECABORT and run none of its commands.`];
      }
      return [`${showCmd(argv)} was rejected before running (the error above); nothing changed.`];
    }
    if (reply === 'blocked') {
      return [`Nothing to serve yet, so client ${rc.name} is blocked: it waits until another client provides data (or the timeout passes); other clients go on.`];
    }
    if (reply === 'running') {
      const kill = /^fcall/.test(name) ? 'FUNCTION KILL' : 'SCRIPT KILL';
      return [`The script has run past busy-reply-threshold (${this.sim.config.getNumber('busy-reply-threshold')} ms) and is still running: every other command gets BUSY until it ends.`,
        `${kill} stops it, but only if it has not written yet (otherwise UNKILLABLE).`];
    }
    if (pre?.multi && name !== 'exec' && name !== 'discard' && name !== 'multi' && name !== 'watch' && reply.t === 'status') {
      const n = c.queue.length;
      if (c.dirtyCas) return [`Queued, but a watched key has already changed (${this.watchBroken.get(c)?.text ?? 'see above'}): EXEC will return nil.`];
      if (pre.dirtyExec) return ['Queued in name only: the transaction is already doomed by an earlier rejection, so EXEC will answer EXECABORT.'];
      return [`Queued (${n} in the queue), not run: the commands run together, in order, at EXEC.`];
    }
    switch (name) {
      case 'multi':
        if (reply.t === 'error') return [];
        return [`Client ${rc.name} is now in a transaction: its commands are queued (QUEUED) and run together at EXEC, with no other client's command in between.`];
      case 'exec':
        return this.explainExec(rc, reply, pre);
      case 'discard':
        if (reply.t === 'error') return [];
        this.doomedBy.delete(c); this.watchBroken.delete(c);
        return [`The queue (${pre?.queue.length ?? 0} command(s)) was dropped without running, and the WATCHed keys were released.`];
      case 'watch':
        if (reply.t === 'error') return [];
        if (pre?.dirtyCas) return ['A watched key already changed, so these keys are not watched: EXEC will return nil anyway.'];
        return [`Client ${rc.name} watches ${keysList(c.watched.map((w) => w.key))}: if any client changes one of them before ${rc.name}'s EXEC, that EXEC returns nil and runs nothing (optimistic locking).`];
      case 'unwatch':
        this.watchBroken.delete(c);
        return [`Client ${rc.name} no longer watches any key.`];
      case 'script|kill':
      case 'function|kill':
        return this.explainKill(reply);
    }
    if (SCRIPT_CMDS.has(name)) return this.explainScript(rc, name, argv, reply);
    return [];
  }

  /** Call before sending SCRIPT/FUNCTION KILL: who is running, and had it written. */
  killContext(): { caller: Client; wrote: boolean; writes: string[][] } | null {
    const cur = scriptingOf(this.sim).current;
    if (!cur) return null;
    return { caller: cur.caller, wrote: cur.writeDirty, writes: this.scriptWrites.get(cur.caller) ?? [] };
  }

  private killCtx: ReturnType<Explainer['killContext']> = null;
  noteKill(by: string, ctx: ReturnType<Explainer['killContext']>): void {
    this.killCtx = ctx;
    if (ctx && !ctx.wrote) this.killedBy.set(ctx.caller, by);
  }

  private explainKill(reply: Reply): string[] {
    const ctx = this.killCtx;
    this.killCtx = null;
    if (!ctx) return ['No script was running, so there is nothing to kill (NOTBUSY).'];
    if (reply.t !== 'error') return ['The script had not written anything, so stopping it leaves the data exactly as it was; its caller gets an error reply.'];
    if (ctx.wrote) {
      const w = ctx.writes.length ? ` (${ctx.writes.map(showCmd).join(', ')})` : '';
      return [`UNKILLABLE: the script already wrote${w}; stopping it now would leave half of its work applied, so Redis refuses.`,
        'Wait for it to end, or SHUTDOWN NOSAVE (which loses every change since the last save).'];
    }
    return ['The running script is of the other kind: SCRIPT KILL stops EVAL scripts, FUNCTION KILL stops functions.'];
  }

  private explainExec(rc: Named, reply: Reply, pre: Before | undefined): string[] {
    const c = rc.client;
    // Scripts inside EXEC are not explained one by one.
    this.started.delete(c);
    this.scriptWrites.delete(c);
    this.scriptRefusals.delete(c);
    if (!pre?.multi) return [];
    const doom = this.doomedBy.get(c);
    const broken = this.watchBroken.get(c);
    this.doomedBy.delete(c);
    this.watchBroken.delete(c);
    if (pre.dirtyExec) {
      return [`EXEC discarded the transaction and ran nothing, because ${doom ? showCmd(doom) : 'a command'} was rejected when it was queued.`,
        'A queue-time error (unknown command, wrong arity...) dooms the whole transaction.'];
    }
    if (reply.t === 'nilarray') {
      let why = broken?.text;
      if (!why && c.dirtyCasKey !== null) why = `watched key ${reprBytes(c.dirtyCasKey)} reached its TTL`;
      return [`EXEC returned nil and ran nothing: ${why ?? 'a watched key changed'} after WATCH.`,
        'That is optimistic locking: read again, then retry the transaction.'];
    }
    if (reply.t !== 'array' || !Array.isArray(reply.v)) return [];
    const failed: string[] = [];
    reply.v.forEach((r, i) => {
      if ((r as Reply).t === 'error' && pre.queue[i]) failed.push(`#${i + 1} ${showCmd(pre.queue[i])}`);
    });
    if (failed.length) {
      return [`EXEC ran all ${pre.queue.length} queued commands; ${failed.join(', ')} failed at run time (its error is in the array),`,
        'and the others still applied: Redis does not roll back a transaction.'];
    }
    return [`EXEC ran the ${pre.queue.length} queued command(s) one after the other, with no other client's command in between${pre.watched.length ? ', and no watched key had changed' : ''}.`];
  }

  private explainScript(rc: Named, name: string, argv: string[], reply: Reply): string[] {
    const c = rc.client;
    const started = this.started.delete(c);
    if (!started && reply.t === 'error') {
      const ext = this.sim.ext as { scriptFlagsBySha?: (s: string) => number | undefined; functionFlags?: (s: string) => number | undefined };
      if (name.startsWith('evalsha') && argv.length > 1 && ext.scriptFlagsBySha?.(argv[1].toLowerCase()) === undefined) {
        return ['No script with this SHA1 is in the script cache (never loaded here, or emptied by SCRIPT FLUSH or a restart), so nothing ran.',
          'Clients load it again with SCRIPT LOAD, or fall back to EVAL with the source.'];
      }
      if (name.startsWith('fcall') && argv.length > 1 && ext.functionFlags?.(argv[1]) === undefined) {
        return [`No function named ${reprBytes(argv[1])} is loaded (FUNCTION LIST shows what is), so nothing ran.`];
      }
      if (name === 'fcall_ro' || name === 'evalsha_ro' || name === 'eval_ro') {
        return [`${name.toUpperCase()} only runs scripts flagged no-writes; this one may write, so it was refused before running. Nothing changed.`];
      }
      return ['The script was refused before it started, so nothing changed.'];
    }
    const writes = this.scriptWrites.get(c) ?? [];
    const refused = this.scriptRefusals.get(c);
    const killer = this.killedBy.get(c);
    this.scriptWrites.delete(c);
    this.scriptRefusals.delete(c);
    this.killedBy.delete(c);
    const w = writes.map(showCmd).join(', ');
    if (reply.t !== 'error') {
      return [`The script ran as a single command: no other client's command ran in between. ${writes.length ? `It wrote: ${w}.` : 'It wrote nothing.'}`];
    }
    if (killer) return [`Client ${killer}'s kill stopped the script; it had not written anything, so no data changed.`];
    const out: string[] = [];
    if (refused?.reason === 'read-only') {
      out.push(`${name.toUpperCase()} runs the script read-only, and ${showCmd(refused.argv)} is a write command, so Redis refused it.`);
    }
    if (writes.length) out.push(`The script stopped with an error, but the ${writes.length} write(s) it made before that stay: ${w}. Scripts are not rolled back.`);
    else out.push('No write was made before the error, so nothing changed.');
    return out;
  }
}
