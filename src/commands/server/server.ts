/** Server commands: CONFIG, INFO, TIME, COMMAND, DEBUG, LASTSAVE. */
import { registerAll } from '../registry.js';
import { OK, array, bulk, bulks, err, int, map, NIL, verbatim, type Reply } from '../../reply.js';
import { COMMANDS, lookupCommand, lookupByFullname, allSpecs, type CommandSpec } from '../table.js';
import { getKeys, commandHasKeys } from '../keyspec.js';
import { globMatch } from '../../util/glob.js';
import { arityOk } from '../../executor.js';
import type { Ctx } from '../../context.js';
import { infoText } from './info.js';
import './debug.js';
import './shutdown.js';
import './memory.js';
import './lolwut.js';
import './slowlog.js';

/**
 * CONFIG GET: exact names are answered under the name as given; patterns match
 * every name, aliases included (Redis 7.0 lists an alias beside its parameter).
 */
function configGet(ctx: Ctx, argv: string[]): Reply {
  const cfg = ctx.server.config;
  const matches = new Map<string, [string, string]>();
  const entries = cfg.entries();
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (!/[[*?]/.test(arg)) {
      const v = cfg.get(arg);
      if (v !== undefined && !matches.has(arg.toLowerCase())) matches.set(arg.toLowerCase(), [arg, v]);
      continue;
    }
    for (const [name, v] of entries) {
      if (matches.has(name)) continue;
      if (globMatch(arg, name, true)) matches.set(name, [name, v]);
    }
  }
  return map([...matches.values()].map(([k, v]) => [bulk(k), bulk(v)]));
}

function configSet(ctx: Ctx, argv: string[]): Reply {
  if (argv.length % 2 !== 0) return err('ERR syntax error');
  const cfg = ctx.server.config;
  const updates: Array<[string, string]> = [];
  // First pass as Redis: the first unknown name wins over any other error; otherwise
  // the first immutable or duplicate parameter.
  const names = new Set<string>();
  let firstErr: Reply | undefined;
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i];
    if (cfg.get(name) === undefined) {
      if (!firstErr) return err(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
      continue;
    }
    if (firstErr) continue;
    // Redis 7.0 registers an alias as its own entry: alias and name are not duplicates.
    const canon = name.toLowerCase();
    const refused = cfg.refusal(name);
    if (refused) firstErr = err(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${refused}`);
    else if (names.has(canon)) firstErr = err(`ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`);
    names.add(canon);
  }
  if (firstErr) return firstErr;
  for (let i = 2; i < argv.length; i += 2) {
    const v = cfg.validate(argv[i], argv[i + 1]);
    // A bad value is reported under the entry's name (config->name): the name or alias typed, in lower case.
    if ('error' in v) return err(`ERR CONFIG SET failed (possibly related to argument '${argv[i].toLowerCase()}') - ${v.error}`);
    updates.push([argv[i], v.ok]);
  }
  for (const [k, v] of updates) cfg.setRaw(k, v);
  return OK;
}

function commandInfoReply(spec: CommandSpec | undefined): Reply {
  return spec ? spec.info : NIL;
}

function commandDocs(ctx: Ctx, argv: string[]): Reply {
  const out: Array<[Reply, Reply]> = [];
  const add = (spec: CommandSpec) => { if (spec.docs) out.push([bulk(spec.fullname), spec.docs]); };
  if (argv.length === 2) for (const spec of COMMANDS.values()) add(spec);
  else for (let i = 2; i < argv.length; i++) { const s = lookupByFullname(argv[i]); if (s) add(s); }
  void ctx;
  return map(out);
}

function commandList(argv: string[]): Reply {
  const specs = allSpecs();
  if (argv.length === 2) return bulks(specs.map((s) => s.fullname));
  if (argv.length !== 5 || argv[2].toLowerCase() !== 'filterby') return err('ERR syntax error');
  const kind = argv[3].toLowerCase();
  const arg = argv[4];
  let pred: (s: CommandSpec) => boolean;
  if (kind === 'module') pred = () => false;
  else if (kind === 'aclcat') pred = (s) => s.acl.includes('@' + arg.toLowerCase());
  else if (kind === 'pattern') pred = (s) => globMatch(arg, s.fullname, true);
  else return err('ERR syntax error');
  return bulks(specs.filter(pred).map((s) => s.fullname));
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS, checks in Redis's order: lookup, has keys, arity. */
function commandGetKeys(argv: string[], withFlags: boolean): Reply {
  const args = argv.slice(2);
  const spec = lookupCommand(args);
  if (!spec) return err('ERR Invalid command specified');
  if (!commandHasKeys(spec)) return err('ERR The command has no key arguments');
  if (!arityOk(spec, args.length)) return err('ERR Invalid number of arguments specified for command');
  const keys = getKeys(spec, args);
  if (keys.length === 0) {
    return spec.flags.has('no_mandatory_keys') ? array([]) : err('ERR Invalid arguments specified for command');
  }
  if (!withFlags) return bulks(keys.map((k) => args[k.pos]));
  return array(keys.map((k) => array([bulk(args[k.pos]), { t: 'set', v: k.flags.map((f) => ({ t: 'status', v: f }) as Reply) }])));
}

registerAll({
  'config|get': configGet,
  'config|set': configSet,
  'config|resetstat'(ctx) {
    const s = ctx.server.stats;
    s.keyspaceHits = s.keyspaceMisses = s.expiredKeys = s.commandsProcessed = s.rejectedCalls = s.failedCalls = 0;
    s.connectionsReceived = s.evictedKeys = s.errorReplies = 0;
    s.netInputBytes = s.netOutputBytes = s.readsProcessed = s.writesProcessed = 0;
    s.errorCodes.clear();
    s.calls.clear();
    (ctx.server.ext as { memPeak?: number }).memPeak = ctx.server.usedMemory();
    return OK;
  },
  info(ctx, argv) { return verbatim(infoText(ctx.server, argv.slice(1).map((a) => a.toLowerCase()))); },
  time(ctx) {
    const us = ctx.server.clock.nowUs();
    const sec = Math.floor(us / 1e6);
    return bulks([String(sec), String(Math.floor(us - sec * 1e6))]);
  },
  command(_ctx, argv) {
    if (argv.length > 1) return err(`ERR unknown subcommand '${argv[1]}'. Try COMMAND HELP.`);
    return array([...COMMANDS.values()].map((s) => s.info));
  },
  'command|count'() { return int(COMMANDS.size); },
  'command|info'(_ctx, argv) {
    if (argv.length === 2) return array([...COMMANDS.values()].map((s) => s.info));
    return array(argv.slice(2).map((n) => commandInfoReply(lookupByFullname(n))));
  },
  'command|docs': commandDocs,
  'command|list'(_ctx, argv) { return commandList(argv); },
  'command|getkeys'(_ctx, argv) { return commandGetKeys(argv, false); },
  'command|getkeysandflags'(_ctx, argv) { return commandGetKeys(argv, true); },
});
