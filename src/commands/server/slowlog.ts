/** SLOWLOG and LATENCY (slowlog.c, latency.c) over src/introspection/. */
import { registerAll } from '../registry.js';
import { OK, array, bulk, err, int, map, verbatim, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import { helpReply, subcommandSyntaxError } from './debug.js';
import { lookupByFullname, COMMANDS, type CommandSpec } from '../table.js';
import { LATENCY_TS_LEN, type LatencySeries } from '../../introspection/latency.js';
import type { RedSim } from '../../server.js';
import type { CallStat } from '../../server.js';

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

// ---------------------------------------------------------------- LATENCY GRAPH (sparkline.c)
const CHARSET_FILL = '_o#';
const GRAPH_COLS = 80;

interface Spark { value: number; label: string | null }

function sparkRange(out: string[], seq: Spark[], min: number, max: number, labels: number, rows: number, offset: number, len: number): void {
  let relmax = max - min;
  const steps = CHARSET_FILL.length * rows;
  if (relmax === 0) relmax = 1;
  for (let row = 0, loop = true; loop; row++) {
    loop = false;
    const chars = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      const s = seq[j + offset];
      const relval = s.value - min;
      let step = Math.trunc(Math.trunc(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        const idx = step - (rows - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (idx >= 0 && idx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[idx];
        else if (idx >= CHARSET_FILL.length) chars[j] = '|';
      } else {
        if (labels && row - rows < 1) { loop = true; break; }
        if (s.label) {
          const labelChar = row - rows - 1;
          if (s.label.length > labelChar) { loop = true; chars[j] = s.label[labelChar]; }
        }
      }
    }
    if (loop) out.push(chars.join('') + '\n');
  }
}

function latencyGraph(event: string, ts: LatencySeries, nowMs: number): string {
  const seq: Spark[] = [];
  let min = 0, max = 0, smin = 0, smax = 0;
  const now = Math.floor(nowMs / 1000);
  for (let j = 0; j < LATENCY_TS_LEN; j++) {
    const s = ts.samples[(ts.idx + j) % LATENCY_TS_LEN];
    if (s.time === 0) continue;
    if (seq.length === 0) { min = max = s.latency; smin = smax = s.latency; } else {
      if (s.latency > max) max = s.latency;
      if (s.latency < min) min = s.latency;
      if (s.latency < smin) smin = s.latency; else if (s.latency > smax) smax = s.latency;
    }
    const e = now - s.time;
    const label = e < 60 ? `${e}s` : e < 3600 ? `${Math.trunc(e / 60)}m` : e < 86400 ? `${Math.trunc(e / 3600)}h` : `${Math.trunc(e / 86400)}d`;
    seq.push({ value: s.latency, label });
  }
  const out: string[] = [`${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`, '-'.repeat(GRAPH_COLS) + '\n'];
  for (let j = 0; j < seq.length; j += GRAPH_COLS) {
    if (j !== 0) out.push('\n');
    sparkRange(out, seq, smin, smax, seq.length, 4, j, Math.min(GRAPH_COLS, seq.length - j));
  }
  return out.join('');
}

// ---------------------------------------------------------------- LATENCY DOCTOR
function analyze(ts: LatencySeries, nowMs: number): { samples: number; avg: number; mad: number; period: number } {
  let samples = 0, sum = 0, period = 0;
  for (const s of ts.samples) {
    if (s.time === 0) continue;
    samples++;
    sum += s.latency;
    if (period === 0 || s.time < period) period = s.time;
  }
  let avg = 0;
  if (samples) {
    avg = Math.floor(sum / samples);
    period = Math.floor(nowMs / 1000) - period;
    if (period === 0) period = 1;
  }
  let dev = 0;
  for (const s of ts.samples) if (s.time !== 0) dev += Math.abs(avg - s.latency);
  return { samples, avg, mad: samples ? Math.floor(dev / samples) : 0, period };
}

function latencyDoctor(s: RedSim): string {
  const threshold = s.config.getNumber('latency-monitor-threshold');
  if (s.latency.events.size === 0 && threshold === 0) {
    return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  }
  let report = '';
  const adv = { slowlogEnabled: false, slowlogTuning: false, slowlogInspect: false, scheduler: false, hz: false, large: false, mass: false };
  let advices = 0, eventnum = 0;
  const now = s.clock.now();
  for (const [event, ts] of s.latency.events) {
    eventnum++;
    if (eventnum === 1) report += 'Dave, I have observed latency spikes in this Redis instance. You don\'t mind talking about it, do you Dave?\n\n';
    const ls = analyze(ts, now);
    report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${ts.max}ms.`;
    const ev = event.toLowerCase();
    if (ev === 'command') {
      const slower = s.config.getNumber('slowlog-log-slower-than');
      if (slower < 0) { adv.slowlogEnabled = true; advices++; } else if (Math.trunc(slower / 1000) > threshold) { adv.slowlogTuning = true; advices++; }
      adv.slowlogInspect = true; adv.large = true; advices += 2;
    }
    if (ev === 'fast-command') { adv.scheduler = true; advices++; }
    if (ev === 'expire-cycle') { adv.hz = true; adv.large = true; advices += 2; }
    if (ev === 'eviction-del') { adv.large = true; advices++; }
    if (ev === 'eviction-cycle') { adv.mass = true; advices++; }
    report += '\n';
  }
  if (eventnum === 0 && advices === 0) {
    return report + 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  }
  if (eventnum > 0 && advices === 0) {
    return report + '\nWhile there are latency events logged, I\'m not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n';
  }
  report += '\nI have a few advices for you:\n\n';
  if (adv.slowlogEnabled) report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  if (adv.slowlogTuning) report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'.\n`;
  if (adv.slowlogInspect) report += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  if (adv.scheduler) {
    report += '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n'
      + '  1) Lower the system load.\n'
      + '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n'
      + '  3) Check if you have a "noisy neighbour" problem.\n'
      + '  4) Check with \'redis-cli --intrinsic-latency 100\' what is the intrinsic latency in your system.\n'
      + '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (adv.hz && s.config.getNumber('hz') < 100) report += '- In order to make the Redis keys expiring process more incremental, try to set the \'hz\' configuration parameter to 100 using \'CONFIG SET hz 100\'.\n';
  if (adv.large) report += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  if (adv.mass) report += '- Sudden changes to the \'maxmemory\' setting via \'CONFIG SET\', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n';
  return report;
}

// ---------------------------------------------------------------- LATENCY HISTOGRAM
function cdfReply(st: CallStat): Reply {
  const h = st.hist!;
  return map([
    [bulk('calls'), int(h.total)],
    [bulk('histogram_usec'), map(h.cdf().map(([us, n]) => [int(us), int(n)]))],
  ]);
}

function histogramFor(s: RedSim, spec: CommandSpec, out: Array<[Reply, Reply]>): void {
  const st = s.stats.calls.get(spec.fullname);
  if (st?.hist && st.hist.total) out.push([bulk(spec.fullname), cdfReply(st)]);
}

function latencyHistogram(s: RedSim, argv: string[]): Reply {
  const out: Array<[Reply, Reply]> = [];
  if (argv.length === 2) {
    for (const spec of COMMANDS.values()) {
      histogramFor(s, spec, out);
      for (const sub of spec.subcommands?.values() ?? []) histogramFor(s, sub, out);
    }
  } else {
    for (let j = 2; j < argv.length; j++) {
      const spec = lookupByFullname(argv[j]);
      if (!spec) continue;
      histogramFor(s, spec, out);
      for (const sub of spec.subcommands?.values() ?? []) histogramFor(s, sub, out);
    }
  }
  return map(out);
}

registerAll({
  'slowlog|help'() { return helpReply('SLOWLOG', SLOWLOG_HELP); },
  'slowlog|reset'(ctx) { ctx.server.slowlog.reset(); return OK; },
  'slowlog|len'(ctx) { return int(ctx.server.slowlog.entries.length); },
  'slowlog|get'(ctx, argv) {
    if (argv.length > 3) return subcommandSyntaxError('SLOWLOG', argv[1]);
    const log = ctx.server.slowlog.entries;
    let count = 10;
    if (argv.length === 3) {
      const n = parseLongLong(argv[2]);
      if (n === null || n < -1n) return err('ERR count should be greater than or equal to -1');
      count = n === -1n ? log.length : Number(n);
    }
    return array(log.slice(0, count).map((e) => array([
      int(e.id), int(e.time), int(e.duration), array(e.argv.map(bulk)), bulk(e.peerid), bulk(e.cname),
    ])));
  },
  'latency|help'() { return helpReply('LATENCY', LATENCY_HELP); },
  'latency|latest'(ctx) {
    const out: Reply[] = [];
    for (const [event, ts] of ctx.server.latency.events) {
      const last = ts.samples[(ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
      out.push(array([bulk(event), int(last.time), int(last.latency), int(ts.max)]));
    }
    return array(out);
  },
  'latency|history'(ctx, argv) {
    const ts = ctx.server.latency.events.get(argv[2]);
    if (!ts) return array([]);
    const out: Reply[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const s = ts.samples[(ts.idx + j) % LATENCY_TS_LEN];
      if (s.time !== 0) out.push(array([int(s.time), int(s.latency)]));
    }
    return array(out);
  },
  'latency|reset'(ctx, argv) {
    if (argv.length === 2) return int(ctx.server.latency.reset());
    let n = 0;
    for (let j = 2; j < argv.length; j++) n += ctx.server.latency.reset(argv[j]);
    return int(n);
  },
  'latency|graph'(ctx, argv) {
    const ts = ctx.server.latency.events.get(argv[2]);
    if (!ts) return err(`ERR No samples available for event '${argv[2]}'`);
    return verbatim(latencyGraph(argv[2], ts, ctx.server.clock.now()));
  },
  'latency|doctor'(ctx) { return verbatim(latencyDoctor(ctx.server)); },
  'latency|histogram'(ctx, argv) { return latencyHistogram(ctx.server, argv); },
});
