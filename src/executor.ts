/**
 * The executor pipeline, in the order of Redis's processCommand: lookup, arity,
 * NOAUTH, no-multi, ACL permissions, busy script, then queue (inside MULTI) or call. Every rejection before
 * execution flags the transaction (EXECABORT); errors a handler returns while
 * running do not.
 */
import type { RedSim } from './server.js';
import type { Client } from './client.js';
import type { Reply } from './reply.js';
import { err, QUEUED, noErrorStats } from './reply.js';
import { lookupCommand, COMMANDS, type CommandSpec } from './commands/table.js';
import { HANDLERS, unsupportedReply, type Handler } from './commands/registry.js';
import type { Ctx } from './context.js';
import { discardTransaction } from './commands/transactions/transactions.js';
import { cstr } from './util/bytes.js';
import { feedMonitors, FEED_BEFORE } from './pubsub/monitor.js';
import { parseEvalShebang, SCRIPT_FLAG } from './scripting/shebang.js';
import { afterCommand, clusterOf, getNodeByQuery, needsRouting, redirectError, setClientSlot } from './cluster/routing.js';
import { checkCommand, nopermMessage, unrestricted } from './acl/check.js';
import { isControlCommand, runControlCommand } from './control.js';
import type { Propagation } from './persistence/propagate.js';
import { PAUSE_ALL, PAUSE_OFF, type ClientPause } from './commands/connection/client-modes.js';

/** Commands that run (not queue) while the client is in MULTI. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** What a RESP2 client in subscribed mode may still run (processCommand's list). */
const PUBSUB_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

/** C's "%.Ns": stops at the first NUL byte and after `max` bytes. */
function cstrMax(s: string, max: number): string {
  return cstr(s).slice(0, Math.max(0, max));
}

/** ASCII-only upper-casing, as C's toupper in the "C" locale. */
function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Redis's "unknown command" / "unknown subcommand" text, newlines mapped to spaces. */
export function unknownCommandError(argv: string[]): string {
  let msg: string;
  const base = COMMANDS.get(argv[0].toLowerCase());
  if (base?.subcommands) {
    msg = `ERR unknown subcommand '${cstrMax(argv[1], 128)}'. Try ${asciiUpper(argv[0])} HELP.`;
  } else {
    let args = '';
    for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cstrMax(argv[i], 128 - args.length)}' `;
    msg = `ERR unknown command '${cstrMax(argv[0], 128)}', with args beginning with: ${args}`;
  }
  return msg.replace(/[\r\n]/g, ' ');
}

export function arityOk(spec: CommandSpec, argc: number): boolean {
  return !((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity);
}

/**
 * Redis's rejectCommand: flags the transaction; a rejected EXEC also discards it
 * and wraps the reason in an EXECABORT error.
 */
function reject(server: RedSim, client: Client, msg: string, spec?: CommandSpec): Reply {
  if (server.explain !== null) server.explain.rejected(client, spec, msg);
  if (client.multi) client.dirtyExec = true;
  server.stats.rejectedCalls++;
  server.countError(spec?.fullname === 'exec' ? 'EXECABORT' : msg);
  if (spec) statFor(server, spec).rejected++;
  if (spec?.fullname === 'exec') {
    discardTransaction(client);
    return err(`EXECABORT Transaction discarded because of: ${msg.startsWith('ERR ') ? msg.slice(4) : msg}`);
  }
  return err(msg);
}

const DEBUG_DENIED = 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it ' +
  'from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

/** enable-debug-command: "yes", or "local" for loopback/unix-socket clients. */
function debugAllowed(server: RedSim, client: Client): boolean {
  const mode = server.config.get('enable-debug-command');
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  const host = client.addr.slice(0, client.addr.lastIndexOf(':'));
  return host === '127.0.0.1' || host === '::1' || host === '' || client.addr.startsWith('/');
}

export function execute(server: RedSim, client: Client, argv: string[]): Reply | Promise<Reply> {
  if (server.ext.cluster === undefined) return processCommand(server, client, argv);
  setClientSlot(client, -1);
  const r = processCommand(server, client, argv);
  afterCommand(client, client.lastCommand);
  return r;
}

function processCommand(server: RedSim, client: Client, argv: string[]): Reply | Promise<Reply> {
  // One clock read per command: it is both the interaction time and the command time.
  const now = server.clock.now();
  client.lastInteraction = now;
  const spec = lookupCommand(argv);
  // Like c->lastcmd: set at lookup, even when the command is then rejected.
  client.lastCommand = spec ? spec.fullname : 'NULL';
  if (!spec) {
    if (server.controlCommands && isControlCommand(argv[0])) {
      // The control channel moves the clock for everyone: only for clients that may run commands.
      if (!client.authenticated && server.acl.authRequired(client)) return reject(server, client, 'NOAUTH Authentication required.');
      return runControlCommand(server, argv);
    }
    return reject(server, client, unknownCommandError(argv));
  }
  if (!arityOk(spec, argv.length)) return reject(server, client, `ERR wrong number of arguments for '${spec.fullname}' command`, spec);
  if (spec.name === 'debug' && !spec.parent && !debugAllowed(server, client)) return reject(server, client, DEBUG_DENIED, spec);
  if (!client.authenticated && !spec.flags.has('no_auth') && server.acl.authRequired(client)) {
    return reject(server, client, 'NOAUTH Authentication required.', spec);
  }
  if (client.multi && spec.flags.has('no_multi')) return reject(server, client, 'ERR Command not allowed inside a transaction', spec);
  if (!unrestricted(client.user)) {
    const denied = checkCommand(client.user, spec, argv);
    if (denied) {
      const object = denied.denied === 'command' ? spec.fullname : argv[denied.pos];
      server.acl.addLog(client, denied.denied, client.multi ? 'multi' : 'toplevel', object);
      return reject(server, client, nopermMessage(spec, denied.denied), spec);
    }
  }
  const cluster = clusterOf(server);
  if (cluster && needsRouting(spec)) {
    // A key served elsewhere (or across slots): redirect. A redirected EXEC drops the
    // transaction and answers the redirection itself, not EXECABORT.
    const route = getNodeByQuery(cluster, client, spec, argv);
    if (route.node !== cluster.myself) {
      if (spec.fullname === 'exec') discardTransaction(client);
      else if (client.multi) client.dirtyExec = true;
      server.stats.rejectedCalls++;
      statFor(server, spec).rejected++;
      const e = redirectError(route);
      server.countError(e);
      return err(e);
    }
    setClientSlot(client, route.slot);
  }
  if (server.maxmemory !== 0 && !(server.busy && server.busy.timedOut)) {
    const oom = oomCheck(server, client, spec, argv);
    if (oom) return reject(server, client, OOM_ERR, spec);
  }
  if (client.pubsubMode && client.resp === 2 && !PUBSUB_ALLOWED.has(spec.fullname)) {
    return reject(server, client, `ERR Can't execute '${spec.fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`, spec);
  }
  if (server.busy && server.busy.timedOut && !spec.flags.has('allow_busy')) {
    return reject(server, client, server.busy.kind === 'eval' ? BUSY_EVAL : BUSY_FUNCTION, spec);
  }
  // A MONITOR client is a replica to Redis: it may not touch the keyspace.
  if (client.monitor && (spec.flags.has('write') || spec.flags.has('readonly') || spec.flags.has('may_replicate'))) {
    return reject(server, client, "ERR Replica can't interact with the keyspace", spec);
  }
  // CLIENT PAUSE: hold the command (not refuse it) and process it again from the start when the pause lifts.
  const pause = server.ext.clientPause as ClientPause | undefined;
  if (pause !== undefined && pause.type !== PAUSE_OFF && (pause.type === PAUSE_ALL || mayReplicate(server, client, spec, argv))) {
    return pause.hold(client, () => processCommand(server, client, argv));
  }
  if (client.multi && !TX_CONTROL.has(spec.fullname)) {
    // Redis stops queueing once the transaction is already doomed.
    if (!client.dirtyExec && !client.dirtyCas) client.queue.push({ spec, argv });
    return QUEUED;
  }
  return call(server, client, spec, argv, TOP_LEVEL, now);
}

const TOP_LEVEL = { inExec: false, inScript: false };

export const OOM_ERR = "OOM command not allowed when used memory > 'maxmemory'.";
/** In MULTI every command is refused on OOM except these (processCommand's list). */
const OOM_MULTI_EXEMPT = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * The maxmemory step of processCommand: evict what the policy allows, remember
 * whether memory is still over the limit (scripts consult it on their first write),
 * and say whether this command must be refused: a denyoom command (EXEC when a
 * queued command is one; EVAL/FCALL per the script's flags), or any command being
 * queued in MULTI.
 */
function oomCheck(server: RedSim, client: Client, spec: CommandSpec, argv: string[]): boolean {
  const oom = !server.evictor.perform();
  server.preCommandOom = oom;
  if (!oom) return false;
  if (client.multi && !OOM_MULTI_EXEMPT.has(spec.fullname)) return true;
  if (spec.flags.has('denyoom')) return true;
  if (spec.fullname === 'exec') return client.queue.some((q) => q.spec.flags.has('denyoom') || scriptDenyOom(server, q.spec, q.argv));
  return scriptDenyOom(server, spec, argv);
}

/** Commands flagged CMD_MAY_REPLICATE in Redis 7.0.15 (COMMAND INFO does not show that flag, so the table lacks it). */
const MAY_REPLICATE = new Set(['pfcount', 'publish', 'spublish', 'eval', 'evalsha', 'fcall']);

/**
 * processCommand's is_may_replicate_command: a write or may-replicate command, EXEC of a
 * transaction holding one, or a script whose declared flags lack no-writes (scriptFlagsToCmdFlags).
 */
function mayReplicate(server: RedSim, client: Client, spec: CommandSpec, argv: string[]): boolean {
  // A script that declared flags replaces the command's write / may-replicate flags with its own.
  const flags = scriptFlags(server, spec, argv);
  if (flags !== undefined && (flags & SCRIPT_FLAG.EVAL_COMPAT_MODE) === 0) return (flags & SCRIPT_FLAG.NO_WRITES) === 0;
  if (spec.flags.has('write') || MAY_REPLICATE.has(spec.fullname)) return true;
  return spec.fullname === 'exec' && client.queue.some((q) => mayReplicate(server, client, q.spec, q.argv));
}

/** evalGetCommandFlags / fcallGetCommandFlags: scripts with flags are denyoom unless allow-oom or no-writes. */
function scriptDenyOom(server: RedSim, spec: CommandSpec, argv: string[]): boolean {
  const flags = scriptFlags(server, spec, argv);
  if (flags === undefined || (flags & SCRIPT_FLAG.EVAL_COMPAT_MODE)) return false;
  return (flags & (SCRIPT_FLAG.ALLOW_OOM | SCRIPT_FLAG.NO_WRITES)) === 0;
}

/** The script's declared flags (EVAL shebang, a loaded script's, a function's), if the command runs one. */
function scriptFlags(server: RedSim, spec: CommandSpec, argv: string[]): number | undefined {
  const name = spec.fullname;
  let flags: number | undefined;
  if (name === 'eval' || name === 'eval_ro') {
    const r = parseEvalShebang(argv[1]);
    flags = r.ok ? r.flags : undefined;
  } else if (name === 'evalsha' || name === 'evalsha_ro') {
    flags = argv[1].length === 40 ? (server.ext.scriptFlagsBySha as ((s: string) => number | undefined) | undefined)?.(argv[1]) : undefined;
  } else if (name === 'fcall' || name === 'fcall_ro') {
    flags = (server.ext.functionFlags as ((s: string) => number | undefined) | undefined)?.(argv[1]);
  }
  return flags;
}

/**
 * A handler threw. V8 caps strings at 2^29-24 chars, so commands that would build
 * a value near Redis's 512 MB limit (SETRANGE, APPEND, SETBIT at huge offsets) fail
 * here where Redis succeeds: say so plainly instead of reporting an internal error.
 */
function handlerFailure(spec: CommandSpec, e: unknown): Reply {
  if (e instanceof RangeError && /Invalid string length|Array buffer allocation failed|Invalid typed array length/.test(e.message)) {
    return err(`ERR redsim cannot hold a value this large (JavaScript strings are limited to ${MAX_JS_STRING} bytes)`);
  }
  return err(`ERR internal error in redsim while running '${spec.fullname}': ${(e as Error)?.message ?? e}`.replace(/[\r\n]/g, ' '));
}
const MAX_JS_STRING = 2 ** 29 - 24;

/**
 * Per-spec facts resolved once: the handler (the registry is complete once modules
 * are loaded) and a small numeric id that indexes each server's stats slots.
 */
interface SpecInfo { id: number; handler: Handler | null }
const specInfos = new WeakMap<CommandSpec, SpecInfo>();
let nextSpecId = 0;
function infoOf(spec: CommandSpec): SpecInfo {
  let i = specInfos.get(spec);
  if (i === undefined) { i = { id: nextSpecId++, handler: HANDLERS.get(spec.fullname) ?? null }; specInfos.set(spec, i); }
  return i;
}

function statFor(server: RedSim, spec: CommandSpec) {
  return server.stats.calls.entry(infoOf(spec).id, spec.fullname);
}

/**
 * Redis's call(): run the handler. Nested calls (EXEC, scripts) share the outer
 * command's frozen time. Blocked clients whose keys became ready are served after
 * the outermost call returns.
 */
export function call(server: RedSim, client: Client, spec: CommandSpec, argv: string[],
  mode: { inExec: boolean; inScript: boolean }, now?: number): Reply | Promise<Reply> {
  const info = infoOf(spec);
  const handler = info.handler;
  const outer = server.callDepth === 0;
  if (outer) {
    server.cmdTime = now ?? server.clock.now();
    if (client.tracking !== null) outerCall.set(client, { spec, argv });
  }
  server.callDepth++;
  const ctx: Ctx = {
    server, client, db: client.db, spec,
    inExec: mode.inExec, inScript: mode.inScript, denyBlocking: mode.inExec || mode.inScript,
  };
  let r: Reply | Promise<Reply>;
  // MONITOR: administrative commands are never shown; script commands show before their script runs.
  const monitored = server.monitors.size !== 0 && !spec.flags.has('admin');
  if (monitored && FEED_BEFORE.has(spec.fullname)) feedMonitors(server, client, argv, client.db.id);
  const t0 = server.clock.nowUs();
  const prop = server.ext.propagation as Propagation | undefined;
  const propagating = prop !== undefined && prop.active;
  if (propagating) prop.enter(spec, argv, client.db);
  try {
    r = handler ? handler(ctx, argv) : unsupportedReply(spec);
  } catch (e) {
    r = handlerFailure(spec, e);
  } finally {
    server.callDepth--;
  }
  if (propagating) prop.leave(spec, argv, r, client.db);
  if (server.tracking.count !== 0) trackRead(server, client, spec, argv, mode.inScript);
  const duration = Math.max(0, Math.floor(server.clock.nowUs() - t0));
  const st = server.stats.calls.entry(info.id, spec.fullname);
  st.calls++;
  st.usec += duration;
  server.afterCall(client, spec, argv, duration, r, st);
  if (server.explain !== null) server.explain.called(client, spec, argv, r);
  if (monitored && !spec.flags.has('skip_monitor')) feedMonitors(server, client, argv, client.db.id);
  server.stats.commandsProcessed++;
  if (!(r instanceof Promise) && r.t === 'error') {
    st.failed++; server.stats.failedCalls++;
    // A script error raised by redis.call was already counted when the inner command failed.
    if (!noErrorStats.has(r)) server.countError(r.v);
  }
  if (outer) {
    // propagatePendingCommands at the end of the execution unit (afterCommand).
    if (propagating) prop.flush(spec.fullname === 'randomkey' || spec.fullname === 'scan');
    server.blocking.serveReady();
    if (server.compactQueue.length !== 0) server.compactDatabases();
    if (server.tracking.count !== 0) {
      // CLIENT CACHING lasts for the next command or transaction (resetClient).
      if (client.tracking !== null && !client.multi && !spec.fullname.startsWith('client|')) client.tracking.caching = false;
      server.tracking.broadcast();
    }
  }
  return r;
}

/** Script commands whose keys the top-level EVAL/FCALL declared (their argv, recorded at the outer call). */
const outerCall = new WeakMap<Client, { spec: CommandSpec; argv: string[] }>();

/**
 * Remember a read-only command's keys for a tracking client (call()). A read inside
 * a script remembers the keys the script's caller declared.
 */
function trackRead(server: RedSim, client: Client, spec: CommandSpec, argv: string[], inScript: boolean): void {
  if (!spec.flags.has('readonly')) return;
  const n = spec.fullname;
  if (n === 'eval_ro' || n === 'evalsha_ro' || n === 'fcall_ro') return;
  const caller = inScript && server.currentClient !== null ? server.currentClient : client;
  if (caller.tracking === null || caller.tracking.bcast) return;
  if (!inScript) server.tracking.rememberKeys(caller, spec, argv);
  else {
    const top = outerCall.get(caller);
    if (top) server.tracking.rememberKeys(caller, top.spec, top.argv);
  }
}
