/**
 * INFO (server.c genRedisInfoString): every section and field Redis 7.0 prints, in
 * its order. Values are this server's own where redsim keeps them (clients, the
 * used_memory estimate of src/keyspace/memory.ts, keyspace/expiry/eviction stats,
 * error counts, command and latency stats, the change counter); what redsim has no
 * counterpart for (forks, replication, AOF, allocator internals) reads as an idle
 * standalone server without persistence reports it.
 */
import os from 'node:os';
import type { RedSim } from '../../server.js';
import { memoryOverhead } from '../../keyspace/memory.js';
import { aofOf } from '../../persistence/aof.js';
import { usedMemoryWithPeak, memPeak } from './memory.js';

type Section = (s: RedSim) => Array<[string, string | number]>;

/** bytesToHuman: two decimals with B/K/M/G/T/P units. */
export const human = (n: number): string => {
  if (n < 1024) return `${n}B`;
  const u = ['K', 'M', 'G', 'T', 'P'];
  let i = -1; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(2)}${u[i]}`;
};

function scriptCounts(s: RedSim): { scripts: number; functions: number; libraries: number } {
  const e = s.ext as { scriptCount?: () => number; functionCounts?: () => { functions: number; libraries: number } };
  const f = e.functionCounts?.() ?? { functions: 0, libraries: 0 };
  return { scripts: e.scriptCount?.() ?? 0, ...f };
}

/** Lua VM sizes: an empty Redis 7.0 Lua state is 32 KB (EVAL) and 33 KB (functions); redsim's lives in fengari. */
const LUA_VM_EMPTY = 32768;
const LUA_VM_FUNCTIONS = 33792;

/** C's "%.2f" of a ratio, "%.2f%%" for percentages. */
const f2 = (x: number): string => (Number.isFinite(x) ? x : 0).toFixed(2);

const normalClients = (s: RedSim) => [...s.clients.values()].filter((c) => c.kind !== 'script');

const SECTIONS: Record<string, Section> = {
  server: (s) => {
    const now = s.clock.nowUs();
    const up = Math.floor((now / 1000 - s.startTime) / 1000);
    const hz = s.config.get('hz') ?? '10';
    return [
      ['redis_version', '7.0.15'], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0], ['redis_build_id', 'redsim'],
      ['redis_mode', s.ext.cluster ? 'cluster' : 'standalone'], ['os', `${os.type()} ${os.release()} ${os.arch() === 'x64' ? 'x86_64' : os.arch()}`], ['arch_bits', 64],
      ['monotonic_clock', s.clock.virtual ? 'redsim virtual clock' : 'POSIX clock_gettime'], ['multiplexing_api', 'node'],
      ['atomicvar_api', 'c11-builtin'], ['gcc_version', '0.0.0'], ['process_id', process.pid], ['process_supervised', 'no'],
      ['run_id', s.runId], ['tcp_port', s.config.get('port') ?? '6379'], ['server_time_usec', Math.floor(now)],
      ['uptime_in_seconds', up], ['uptime_in_days', Math.floor(up / 86400)], ['hz', hz],
      ['configured_hz', hz], ['lru_clock', Math.floor(now / 1e6) & 0xffffff],
      ['executable', process.argv[1] ?? ''], ['config_file', ''], ['io_threads_active', 0],
    ];
  },
  clients: (s) => [
    ['connected_clients', normalClients(s).length], ['cluster_connections', 0], ['maxclients', s.config.get('maxclients') ?? '10000'],
    ['client_recent_max_input_buffer', 0], ['client_recent_max_output_buffer', 0],
    ['blocked_clients', s.blocking.blockedCount], ['tracking_clients', 0], ['clients_in_timeout_table', s.blocking.timeoutTableCount],
  ],
  memory: (s) => {
    const used = usedMemoryWithPeak(s);
    const peak = memPeak(s);
    const mh = memoryOverhead(s);
    const rss = process.memoryUsage().rss;
    const c = scriptCounts(s);
    const net = used > mh.startup ? used - mh.startup : 1;
    const scriptsEval = mh.luaCaches;
    const maxmemory = Number(s.config.get('maxmemory') ?? 0);
    return [
      ['used_memory', used], ['used_memory_human', human(used)], ['used_memory_rss', rss], ['used_memory_rss_human', human(rss)],
      ['used_memory_peak', peak], ['used_memory_peak_human', human(peak)], ['used_memory_peak_perc', `${f2(used * 100 / peak)}%`],
      ['used_memory_overhead', mh.overheadTotal], ['used_memory_startup', mh.startup], ['used_memory_dataset', mh.dataset],
      ['used_memory_dataset_perc', `${f2(Math.fround(mh.dataset * 100 / net))}%`],
      ['allocator_allocated', used], ['allocator_active', used], ['allocator_resident', used],
      ['total_system_memory', os.totalmem()], ['total_system_memory_human', human(os.totalmem())],
      ['used_memory_lua', LUA_VM_EMPTY], ['used_memory_vm_eval', LUA_VM_EMPTY], ['used_memory_lua_human', human(LUA_VM_EMPTY)],
      ['used_memory_scripts_eval', scriptsEval],
      ['number_of_cached_scripts', c.scripts], ['number_of_functions', c.functions], ['number_of_libraries', c.libraries],
      ['used_memory_vm_functions', LUA_VM_FUNCTIONS], ['used_memory_vm_total', LUA_VM_EMPTY + LUA_VM_FUNCTIONS],
      ['used_memory_vm_total_human', human(LUA_VM_EMPTY + LUA_VM_FUNCTIONS)],
      ['used_memory_functions', mh.functionsCaches], ['used_memory_scripts', scriptsEval + mh.functionsCaches],
      ['used_memory_scripts_human', human(scriptsEval + mh.functionsCaches)],
      ['maxmemory', maxmemory], ['maxmemory_human', human(maxmemory)],
      ['maxmemory_policy', s.config.get('maxmemory-policy') ?? 'noeviction'],
      ['allocator_frag_ratio', '1.00'], ['allocator_frag_bytes', 0], ['allocator_rss_ratio', '1.00'], ['allocator_rss_bytes', 0],
      ['rss_overhead_ratio', f2(rss / used)], ['rss_overhead_bytes', rss - used],
      ['mem_fragmentation_ratio', f2(rss / used)], ['mem_fragmentation_bytes', rss - used],
      ['mem_not_counted_for_evict', 0], ['mem_replication_backlog', 0], ['mem_total_replication_buffers', 0],
      ['mem_clients_slaves', 0], ['mem_clients_normal', mh.clientsNormal], ['mem_cluster_links', 0], ['mem_aof_buffer', 0],
      ['mem_allocator', 'redsim-estimate'], ['active_defrag_running', 0], ['lazyfree_pending_objects', 0], ['lazyfreed_objects', 0],
    ];
  },
  persistence: (s) => [
    ['loading', 0], ['async_loading', 0], ['current_cow_peak', 0], ['current_cow_size', 0], ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'], ['current_save_keys_processed', 0], ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', s.dirty], ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(s.startTime / 1000)], ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1], ['rdb_current_bgsave_time_sec', -1], ['rdb_saves', 0], ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0], ['rdb_last_load_keys_loaded', 0],
    ...aofInfo(s),
    ['module_fork_in_progress', 0], ['module_fork_last_cow_size', 0],
  ],
  stats: (s) => {
    const st = s.stats;
    return [
      ['total_connections_received', st.connectionsReceived], ['total_commands_processed', st.commandsProcessed],
      ['instantaneous_ops_per_sec', 0], ['total_net_input_bytes', st.netInputBytes], ['total_net_output_bytes', st.netOutputBytes],
      ['total_net_repl_input_bytes', 0], ['total_net_repl_output_bytes', 0],
      ['instantaneous_input_kbps', '0.00'], ['instantaneous_output_kbps', '0.00'],
      ['instantaneous_input_repl_kbps', '0.00'], ['instantaneous_output_repl_kbps', '0.00'],
      ['rejected_connections', 0], ['sync_full', 0], ['sync_partial_ok', 0], ['sync_partial_err', 0],
      ['expired_keys', st.expiredKeys], ['expired_stale_perc', '0.00'], ['expired_time_cap_reached_count', 0],
      ['expire_cycle_cpu_milliseconds', 0], ['evicted_keys', st.evictedKeys], ['evicted_clients', 0],
      ['total_eviction_exceeded_time', 0], ['current_eviction_exceeded_time', 0],
      ['keyspace_hits', st.keyspaceHits], ['keyspace_misses', st.keyspaceMisses],
      ['pubsub_channels', s.pubsub.channels.size], ['pubsub_patterns', s.pubsub.patterns.size], ['pubsubshard_channels', s.pubsub.shard.size],
      ['latest_fork_usec', 0], ['total_forks', 0], ['migrate_cached_sockets', 0], ['slave_expires_tracked_keys', 0],
      ['active_defrag_hits', 0], ['active_defrag_misses', 0], ['active_defrag_key_hits', 0], ['active_defrag_key_misses', 0],
      ['total_active_defrag_time', 0], ['current_active_defrag_time', 0],
      ['tracking_total_keys', 0], ['tracking_total_items', 0], ['tracking_total_prefixes', 0],
      ['unexpected_error_replies', 0], ['total_error_replies', st.errorReplies], ['dump_payload_sanitizations', 0],
      ['total_reads_processed', st.readsProcessed], ['total_writes_processed', st.writesProcessed],
      ['io_threaded_reads_processed', 0], ['io_threaded_writes_processed', 0],
      ['reply_buffer_shrinks', 0], ['reply_buffer_expands', 0],
    ];
  },
  replication: (s) => [
    ['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'],
    ['master_replid', s.replId], ['master_replid2', '0'.repeat(40)], ['master_repl_offset', 0], ['second_repl_offset', -1],
    ['repl_backlog_active', 0], ['repl_backlog_size', s.config.get('repl-backlog-size') ?? '1048576'],
    ['repl_backlog_first_byte_offset', 0], ['repl_backlog_histlen', 0],
  ],
  cpu: () => {
    const u = process.cpuUsage();
    const sys = (u.system / 1e6).toFixed(6), user = (u.user / 1e6).toFixed(6);
    return [['used_cpu_sys', sys], ['used_cpu_user', user], ['used_cpu_sys_children', '0.000000'], ['used_cpu_user_children', '0.000000'],
      ['used_cpu_sys_main_thread', sys], ['used_cpu_user_main_thread', user]];
  },
  modules: () => [],
  commandstats: (s) => [...s.stats.calls].filter(([, v]) => v.calls || v.rejected || v.failed).map(([k, v]) => [
    `cmdstat_${k}`, `calls=${v.calls},usec=${v.usec},usec_per_call=${(v.calls ? v.usec / v.calls : 0).toFixed(2)},rejected_calls=${v.rejected},failed_calls=${v.failed}`]),
  errorstats: (s) => [...s.stats.errorCodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, n]) => [`errorstat_${code}`, `count=${n}`]),
  latencystats: (s) => {
    const pcts = (s.config.get('latency-tracking-info-percentiles') ?? '50 99 99.9').split(' ').filter(Boolean).map(Number);
    const out: Array<[string, string]> = [];
    for (const [name, st] of s.stats.calls) {
      if (!st.hist || st.hist.total === 0) continue;
      out.push([`latency_percentiles_usec_${name}`, pcts.map((p) => `p${trimDouble(p)}=${(st.hist!.percentile(p) / 1000).toFixed(3)}`).join(',')]);
    }
    return out;
  },
  cluster: (s) => [['cluster_enabled', s.ext.cluster ? 1 : 0]],
  keyspace: (s) => s.dbs.filter((db) => db.size > 0).map((db) => {
    const now = s.now();
    let ttlSum = 0; let n = 0;
    for (const when of db.expires.values()) { if (when > now) { ttlSum += when - now; n++; } }
    return [`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${n ? Math.floor(ttlSum / n) : 0}`];
  }),
};

/** trimDoubleString over "%f": 99.900000 -> 99.9, 50.000000 -> 50. */
function trimDouble(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

const ORDER = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace'];
const DEFAULTS = new Set(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace']);

const title = (name: string) => name === 'cpu' ? 'CPU' : name[0].toUpperCase() + name.slice(1);

/** genInfoSectionDict + genRedisInfoString: sections in Redis's fixed order. */
export function infoText(s: RedSim, args: string[]): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) for (const d of DEFAULTS) wanted.add(d);
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') for (const d of DEFAULTS) wanted.add(d);
    else if (l === 'all' || l === 'everything') all = true;
    else wanted.add(l);
  }
  const parts: string[] = [];
  for (const n of ORDER) {
    const on = all || wanted.has(n) || (n === 'modules' && wanted.has('module_list'));
    if (!on) continue;
    const lines = SECTIONS[n](s).map(([k, v]) => `${k}:${v}\r\n`).join('');
    parts.push(`# ${title(n)}\r\n${lines}`);
  }
  return parts.join('\r\n');
}

/** The aof_* fields of INFO persistence; the size fields only while AOF is on, as Redis prints them. */
function aofInfo(s: RedSim): Array<[string, string | number]> {
  const a = s.ext.aof ? aofOf(s) : null;
  const st = a?.stats;
  const rows: Array<[string, string | number]> = [
    ['aof_enabled', a?.on ? 1 : 0], ['aof_rewrite_in_progress', 0], ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', st ? st.lastRewriteTimeSec : -1],
    ['aof_current_rewrite_time_sec', -1], ['aof_last_bgrewrite_status', st && !st.lastBgrewriteOk ? 'err' : 'ok'],
    ['aof_rewrites', st ? st.rewrites : 0],
    ['aof_rewrites_consecutive_failures', 0], ['aof_last_write_status', st && !st.lastWriteOk ? 'err' : 'ok'], ['aof_last_cow_size', 0],
  ];
  if (a?.on && st) {
    rows.push(['aof_current_size', st.currentSize], ['aof_base_size', st.baseSize], ['aof_pending_rewrite', 0],
      ['aof_buffer_length', 0], ['aof_pending_bio_fsync', 0], ['aof_delayed_fsync', st.delayedFsync]);
  }
  return rows;
}
