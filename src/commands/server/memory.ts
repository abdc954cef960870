/**
 * MEMORY (object.c memoryCommand) over redsim's used_memory estimate
 * (src/keyspace/memory.ts) and Redis's per-encoding sizes (src/keyspace/memsize.ts).
 */
import { registerAll } from '../registry.js';
import { OK, E, NIL, bulk, double, err, int, map, verbatim, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { keyUsage } from '../../keyspace/memsize.js';
import { memoryOverhead } from '../../keyspace/memory.js';
import type { RedSim } from '../../server.js';
import { helpReply } from './debug.js';

const HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

/** used_memory_peak: raised whenever the estimate is read (Redis samples it in cron and call()). */
export function usedMemoryWithPeak(s: RedSim): number {
  const used = s.usedMemory();
  const ext = s.ext as { memPeak?: number };
  if (!ext.memPeak || used > ext.memPeak) ext.memPeak = used;
  return used;
}
export function memPeak(s: RedSim): number { usedMemoryWithPeak(s); return (s.ext as { memPeak: number }).memPeak; }

function memoryStats(s: RedSim): Reply {
  const peak = memPeak(s);
  const mh = memoryOverhead(s);
  const net = mh.total > mh.startup ? mh.total - mh.startup : 1;
  const rss = process.memoryUsage().rss;
  const pairs: Array<[string, Reply]> = [
    ['peak.allocated', int(peak)],
    ['total.allocated', int(mh.total)],
    ['startup.allocated', int(mh.startup)],
    ['replication.backlog', int(0)],
    ['clients.slaves', int(0)],
    ['clients.normal', int(mh.clientsNormal)],
    ['cluster.links', int(0)],
    ['aof.buffer', int(0)],
    ['lua.caches', int(mh.luaCaches)],
    ['functions.caches', int(mh.functionsCaches)],
  ];
  for (const db of mh.dbs) {
    pairs.push([`db.${db.id}`, map([
      [bulk('overhead.hashtable.main'), int(db.main)],
      [bulk('overhead.hashtable.expires'), int(db.expires)],
      [bulk('overhead.hashtable.slot-to-keys'), int(0)],
    ])]);
  }
  // The allocator is not jemalloc: its figures are the estimate itself (no fragmentation modelled).
  pairs.push(
    ['overhead.total', int(mh.overheadTotal)],
    ['keys.count', int(mh.keys)],
    ['keys.bytes-per-key', int(mh.keys ? Math.floor(net / mh.keys) : 0)],
    ['dataset.bytes', int(mh.dataset)],
    ['dataset.percentage', double(Math.fround(mh.dataset * 100 / net))],
    ['peak.percentage', double(Math.fround(mh.total * 100 / peak))],
    ['allocator.allocated', int(mh.total)],
    ['allocator.active', int(mh.total)],
    ['allocator.resident', int(mh.total)],
    ['allocator-fragmentation.ratio', double(1)],
    ['allocator-fragmentation.bytes', int(0)],
    ['allocator-rss.ratio', double(1)],
    ['allocator-rss.bytes', int(0)],
    ['rss-overhead.ratio', double(Math.fround(rss / mh.total))],
    ['rss-overhead.bytes', int(rss - mh.total)],
    ['fragmentation', double(Math.fround(rss / mh.total))],
    ['fragmentation.bytes', int(rss - mh.total)],
  );
  return map(pairs.map(([k, v]) => [bulk(k), v]));
}

const DOCTOR_EMPTY = 'Hi Sam, this instance is empty or is using very little memory, my issues detector can\'t be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n';
const DOCTOR_FINE = 'Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.\n';

/** getMemoryDoctorReport, for the conditions redsim models (size, peak, script cache). */
function memoryDoctor(s: RedSim): string {
  const peak = memPeak(s);
  const mh = memoryOverhead(s);
  if (mh.total < 5 * 1024 * 1024) return DOCTOR_EMPTY;
  const bigPeak = Math.fround(peak / mh.total) > 1.5;
  const scripts = (s.ext as { scriptCount?: () => number }).scriptCount?.() ?? 0;
  const manyScripts = scripts > 1000;
  if (!bigPeak && !manyScripts) return DOCTOR_FINE;
  let r = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n';
  if (bigPeak) r += ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
  if (manyScripts) r += ' * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts\' caches may end up consuming most of your memory.\n\n';
  return r + 'I\'m here to keep you safe, Sam. I want to help you.\n';
}

registerAll({
  'memory|help'() { return helpReply('MEMORY', HELP); },
  'memory|usage'(ctx, argv) {
    let samples = 5;
    for (let j = 3; j < argv.length; j++) {
      if (argv[j].toLowerCase() === 'samples' && j + 1 < argv.length) {
        const n = parseLongLong(argv[j + 1]);
        if (n === null) return err(E.NOT_INT);
        if (n < 0n) return err(E.SYNTAX);
        samples = n === 0n ? Infinity : Number(n);
        j++;
      } else return err(E.SYNTAX);
    }
    // dictFind: no expiry check and no access-time update, as Redis.
    const v = ctx.db.data.get(argv[2]);
    if (!v) return NIL;
    return int(keyUsage(argv[2], v, samples, ctx.server.config.getNumber('list-max-listpack-size')));
  },
  'memory|stats'(ctx) { return memoryStats(ctx.server); },
  'memory|doctor'(ctx) { return verbatim(memoryDoctor(ctx.server)); },
  // Redis built without jemalloc answers this way; redsim has no allocator statistics to show.
  'memory|malloc-stats'() { return verbatim('Stats not supported for the current allocator'); },
  'memory|purge'() { return OK; },
});
