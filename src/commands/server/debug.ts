/**
 * DEBUG: the subcommands that make sense for a simulator (SLEEP, PROTOCOL, ERROR,
 * the knobs that only reply OK, HELP). The "protected command" check
 * (enable-debug-command) happens in the executor, before the command runs.
 */
import { debugLoadAof } from './aof.js';
import { registerAll } from '../registry.js';
import { debugReload } from './persistence.js';
import {
  OK, array, attr, bignum, bool, bulk, double, err, int, map, set, status, verbatim, NIL, type Reply,
} from '../../reply.js';
import { strtod } from '../../util/float.js';
import { parseMemory } from '../../config.js';
import type { Ctx } from '../../context.js';
import { parseLongLong } from '../../util/float.js';
import { datasetDigest, valueDigest } from './digest.js';
import { encodingName } from '../generic/generic.js';
import { stringRefcount, plainString } from '../string/enc.js';
import { saveObject, splitListNodes, buildListpack } from '../generic/rdb.js';
import { lfuWord } from '../../keyspace/lfu.js';
import type { RValue } from '../../keyspace/values.js';

/** C's atoi: optional sign and leading digits, 0 when none. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(BigInt.asIntN(32, BigInt(m[1]))) : 0;
}

/** A stable fake "%p" per value object (Redis prints the object's address). */
const ADDRESSES = new WeakMap<object, string>();
let nextAddress = 0x7f0000100000;
function addressOf(v: object): string {
  let a = ADDRESSES.get(v);
  if (!a) { a = '0x' + (nextAddress += 0x40).toString(16); ADDRESSES.set(v, a); }
  return a;
}

/** DEBUG OBJECT's status line (debug.c). */
function debugObject(ctx: Ctx, key: string, v: RValue): string {
  const cfg = ctx.server.config;
  const fill = cfg.getNumber('list-max-listpack-size');
  const body = saveObject(v, fill);
  const serialized = body === null ? 0 : body.length - 1;
  const lfu = (cfg.get('maxmemory-policy') ?? '').includes('lfu');
  const lruClock = Math.floor(ctx.server.now() / 1000) & 0xffffff;
  const lru = lfu ? lfuWord(v) : Math.floor(v.lru / 1000) & 0xffffff;
  // estimateObjectIdleTime reads the field as an LRU clock whatever the policy.
  const idle = lruClock >= lru ? lruClock - lru : 0xffffff - lru + lruClock;
  let extra = '';
  if (v.type === 'list') {
    const nodes = splitListNodes(v.v, fill);
    let sz = 0;
    for (const n of nodes) sz += buildListpack(n).length;
    const len = Math.max(nodes.length, 0);
    extra = ` ql_nodes:${len} ql_avg_node:${(len ? v.v.length / len : NaN).toFixed(2).replace('NaN', '-nan')}`
      + ` ql_listpack_max:${fill} ql_compressed:${cfg.getNumber('list-compress-depth') !== 0 ? 1 : 0} ql_uncompressed_size:${sz}`;
  }
  const refcount = v.type === 'string' ? stringRefcount(v) : 1;
  return `Value at:${addressOf(v)} refcount:${refcount} encoding:${encodingName(v)} serializedlength:${serialized} `
    + `lru:${lru} lru_seconds_idle:${idle}${extra}`;
}

/** DEBUG POPULATE count [prefix] [size]: key:N -> value:N (padded with NULs or cut to size), existing keys kept. */
function debugPopulate(ctx: Ctx, argv: string[]): Reply {
  const positive = (s: string): number | Reply => {
    const n = parseLongLong(s);
    if (n === null || n < 0n) return err('ERR value is out of range, must be positive');
    return Number(n);
  };
  const keys = positive(argv[2]);
  if (typeof keys !== 'number') return keys;
  let size = 0;
  if (argv.length === 5) { const n = positive(argv[4]); if (typeof n !== 'number') return n; size = n; }
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  for (let j = 0; j < keys; j++) {
    // snprintf into a 128-byte buffer
    const key = `${prefix}:${j}`.slice(0, 127);
    if (ctx.db.lookupWrite(key)) continue;
    const base = `value:${j}`;
    const val = size === 0 ? base : (base + '\0'.repeat(Math.max(0, size - base.length))).slice(0, size);
    ctx.db.add(key, plainString(val));
  }
  return OK;
}

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
    if (sub === 'loadaof') return debugLoadAof(ctx);
    if (sub === 'protocol' && argc === 3) return protocolReply(ctx, argv[2]);
    if (sub === 'error' && argc === 3) return err(argv[2].replace(/[\r\n]/g, ' '));
    if (sub === 'log' && argc === 3) return OK;
    if (sub === 'change-repl-id' && argc === 2) { ctx.server.replId = ctx.server.newReplId(); return OK; }
    if (sub === 'digest' && argc === 2) return status(datasetDigest(ctx.server.dbs));
    if (sub === 'digest-value' && argc >= 2) return array(argv.slice(2).map((k) => status(valueDigest(ctx.db, k))));
    if (sub === 'object' && argc === 3) {
      const v = ctx.db.data.get(argv[2]);
      return v ? status(debugObject(ctx, argv[2], v)) : err('ERR no such key');
    }
    if (sub === 'populate' && argc >= 3 && argc <= 5) return debugPopulate(ctx, argv);
    if ((sub === 'listpack' && argc === 3) || (sub === 'quicklist' && (argc === 3 || argc === 4))) {
      const v = ctx.db.lookupRead(argv[2]);
      if (!v) return err('ERR no such key');
      // Redis prints the structure on its stdout; redsim has no such console.
      if (sub === 'listpack') return (v as { enc?: string }).enc === 'listpack' ? status('Listpack structure printed on stdout') : err('ERR Not a listpack encoded object.');
      return v.type === 'list' ? status('Quicklist structure printed on stdout') : err('ERR Not a quicklist encoded object.');
    }
    if (sub === 'replybuffer' && argc === 4) {
      const opt = argv[2].toLowerCase();
      if (opt === 'peak-reset-time') {
        const a = argv[3].toLowerCase();
        if (a !== 'never' && a !== 'reset' && parseLongLong(argv[3]) === null) return err('ERR value is not an integer or out of range');
      } else if (opt !== 'resizing') return subcommandSyntaxError('DEBUG', argv[1]);
      return OK;
    }
    if (sub === 'stringmatch-test' && argc === 2) return status('Apparently Redis did not crash: test passed');
    if (['set-active-expire', 'set-skip-checksum-validation', 'aof-flush-sleep', 'set-disable-deny-scripts', 'pause-cron'].includes(sub) && argc === 3) {
      if (sub === 'set-active-expire') ctx.server.ext.activeExpireDisabled = atoi(argv[2]) === 0;
      // script_disable_deny_script: noscript commands become callable from scripts (src/scripting/bridge.ts).
      if (sub === 'set-disable-deny-scripts') ctx.server.ext.disableDenyScripts = atoi(argv[2]) !== 0;
      return OK;
    }
    if (sub === 'replicate' && argc >= 3) return OK;
    if (sub === 'quicklist-packed-threshold' && argc === 3) {
      const n = parseMemory(argv[2]);
      if (n === null || n > 2 ** 32 - 2 ** 20) return err('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
      return OK;
    }
    return subcommandSyntaxError('DEBUG', argv[1]);
  },
});
