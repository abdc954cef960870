/**
 * DEBUG: the subcommands that make sense for a simulator (SLEEP, PROTOCOL, ERROR,
 * the knobs that only reply OK, HELP). The "protected command" check
 * (enable-debug-command) happens in the executor, before the command runs.
 */
import { registerAll } from '../registry.js';
import { debugReload } from './persistence.js';
import {
  OK, array, attr, bignum, bool, bulk, double, err, int, map, set, status, verbatim, NIL, type Reply,
} from '../../reply.js';
import { strtod } from '../../util/float.js';
import { parseMemory } from '../../config.js';
import type { Ctx } from '../../context.js';

const HELP_LINES = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];

/** Redis's addReplyHelp: a header, the lines, then the HELP entry, all status replies. */
export function helpReply(cmd: string, lines: string[]): Reply {
  return array([
    `${cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.',
  ].map(status));
}

/** Redis's addReplySubcommandSyntaxError text. */
export function subcommandSyntaxError(cmd: string, sub: string): Reply {
  return err(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try ${cmd} HELP.`);
}

const PROTOCOL_TYPES = 'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false';

function protocolReply(ctx: Ctx, name: string): Reply {
  switch (name.toLowerCase()) {
    case 'string': return bulk('Hello World');
    case 'integer': return int(12345);
    case 'double': return double(3.141);
    case 'bignum': return bignum('1234567999999999999999999999999999999');
    case 'null': return NIL;
    case 'array': return array([int(0), int(1), int(2)]);
    case 'set': return set([int(0), int(1), int(2)]);
    case 'map': return map([[int(0), bool(false)], [int(1), bool(true)], [int(2), bool(false)]]);
    case 'attrib': {
      // Attributes are not real replies: a real one follows (RESP2 gets only that).
      const real = bulk('Some real reply following the attribute');
      return ctx.client.resp < 3 ? real : attr([[bulk('key-popularity'), array([bulk('key:123'), int(90)])]], real);
    }
    case 'push':
      if (ctx.client.resp < 3) return err('ERR RESP2 is not supported by this command');
      // An out-of-band frame through the client's push sink, then a real reply.
      ctx.client.deliver?.({ t: 'push', v: [bulk('server-cpu-usage'), int(42)] });
      return bulk('Some real reply following the push reply');
    case 'true': return bool(true);
    case 'false': return bool(false);
    case 'verbatim': return verbatim('This is a verbatim\nstring');
    default: return err(`ERR Wrong protocol type name. Please use one of the following: ${PROTOCOL_TYPES}`);
  }
}

/** DEBUG SLEEP: strtod seconds, truncated to whole microseconds; negative or absurd values do not sleep. */
function debugSleep(ctx: Ctx, arg: string): Reply {
  const secs = strtod(arg, 0).value;
  const us = Math.trunc(secs * 1e6);
  if (!Number.isFinite(us) || us <= 0 || us > 9.2e18) return OK;
  const ms = us / 1000;
  const clock = ctx.server.clock as { advance?: (ms: number) => void; virtual?: boolean };
  // Redis stops the whole server; a virtual clock just moves on.
  if (clock.virtual && clock.advance) clock.advance(ms);
  else { const end = Date.now() + ms; while (Date.now() < end) { /* blocking, like nanosleep in Redis */ } ctx.server.clock.refresh?.(); }
  return OK;
}

registerAll({
  debug(ctx, argv) {
    const sub = argv[1].toLowerCase();
    const argc = argv.length;
    if (argc === 2 && sub === 'help') return helpReply('DEBUG', HELP_LINES);
    if (sub === 'sleep' && argc === 3) return debugSleep(ctx, argv[2]);
    if (sub === 'reload') return debugReload(ctx, argv);
    if (sub === 'protocol' && argc === 3) return protocolReply(ctx, argv[2]);
    if (sub === 'error' && argc === 3) return err(argv[2].replace(/[\r\n]/g, ' '));
    if (sub === 'log' && argc === 3) return OK;
    if (sub === 'change-repl-id' && argc === 2) return OK;
    if (sub === 'stringmatch-test' && argc === 2) return status('Apparently Redis did not crash: test passed');
    if (['set-active-expire', 'set-skip-checksum-validation', 'aof-flush-sleep', 'set-disable-deny-scripts', 'pause-cron'].includes(sub) && argc === 3) {
      if (sub === 'set-active-expire') ctx.server.ext.activeExpireDisabled = parseInt(argv[2], 10) === 0;
      return OK;
    }
    if (sub === 'replicate' && argc >= 3) return OK;
    if (sub === 'quicklist-packed-threshold' && argc === 3) {
      const n = parseMemory(argv[2]);
      if (n === null || n > 2 ** 32 - 2 ** 20) return err('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
      return OK;
    }
    if (sub === 'object' && argc === 3 && !ctx.db.peek(argv[2])) return err('ERR no such key');
    return subcommandSyntaxError('DEBUG', argv[1]);
  },
});
