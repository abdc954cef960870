/** INFO text, section by section, with this server's real values. */
import os from 'node:os';
import type { RedSim } from '../../server.js';

type Section = (s: RedSim) => Array<[string, string | number]>;

const human = (n: number): string => {
  const u = ['B', 'K', 'M', 'G', 'T'];
  let i = 0; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${u[i]}`;
};

function scriptCounts(s: RedSim): { scripts: number; functions: number; libraries: number } {
  const e = s.ext as { scriptCount?: () => number; functionCounts?: () => { functions: number; libraries: number } };
  const f = e.functionCounts?.() ?? { functions: 0, libraries: 0 };
  return { scripts: e.scriptCount?.() ?? 0, ...f };
}

const SECTIONS: Record<string, Section> = {
  server: (s) => {
    const now = s.clock.nowUs();
    const up = Math.floor((now / 1000 - s.startTime) / 1000);
    return [
      ['redis_version', '7.0.15'], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0], ['redis_build_id', 'redsim'],
      ['redis_mode', s.ext.cluster ? 'cluster' : 'standalone'], ['os', `${os.type()} ${os.release()} ${os.arch()}`], ['arch_bits', 64],
      ['monotonic_clock', s.clock.virtual ? 'redsim virtual clock' : 'POSIX clock_gettime'], ['multiplexing_api', 'node'],
      ['atomicvar_api', 'c11-builtin'], ['gcc_version', '0.0.0'], ['process_id', process.pid], ['process_supervised', 'no'],
      ['run_id', s.runId], ['tcp_port', s.config.get('port') ?? '6379'], ['server_time_usec', Math.floor(now)],
      ['uptime_in_seconds', up], ['uptime_in_days', Math.floor(up / 86400)], ['hz', s.config.get('hz') ?? '10'],
      ['configured_hz', s.config.get('hz') ?? '10'], ['lru_clock', Math.floor(now / 1e6) & 0xffffff],
      ['executable', process.argv[1] ?? ''], ['config_file', ''], ['io_threads_active', 0],
    ];
  },
  clients: (s) => [
    ['connected_clients', s.clients.size], ['cluster_connections', 0], ['maxclients', s.config.get('maxclients') ?? '10000'],
    ['client_recent_max_input_buffer', 0], ['client_recent_max_output_buffer', 0],
    ['blocked_clients', s.blocking.blockedCount], ['tracking_clients', 0], ['clients_in_timeout_table', s.blocking.timeoutTableCount],
  ],
  memory: (s) => {
    const m = process.memoryUsage();
    const c = scriptCounts(s);
    return [
      ['used_memory', m.heapUsed], ['used_memory_human', human(m.heapUsed)], ['used_memory_rss', m.rss], ['used_memory_rss_human', human(m.rss)],
      ['used_memory_peak', m.heapTotal], ['used_memory_peak_human', human(m.heapTotal)],
      ['total_system_memory', os.totalmem()], ['total_system_memory_human', human(os.totalmem())],
      ['number_of_cached_scripts', c.scripts], ['number_of_functions', c.functions], ['number_of_libraries', c.libraries],
      ['maxmemory', s.config.get('maxmemory') ?? '0'], ['maxmemory_human', human(Number(s.config.get('maxmemory') ?? 0))],
      ['maxmemory_policy', s.config.get('maxmemory-policy') ?? 'noeviction'], ['mem_allocator', 'v8'],
    ];
  },
  persistence: () => [['loading', 0], ['async_loading', 0], ['rdb_changes_since_last_save', 0], ['rdb_bgsave_in_progress', 0], ['aof_enabled', 0]],
  stats: (s) => [
    ['total_connections_received', s.stats.connectionsReceived], ['total_commands_processed', s.stats.commandsProcessed],
    ['instantaneous_ops_per_sec', 0], ['rejected_connections', 0], ['expired_keys', s.stats.expiredKeys], ['evicted_keys', 0],
    ['keyspace_hits', s.stats.keyspaceHits], ['keyspace_misses', s.stats.keyspaceMisses], ['pubsub_channels', 0], ['pubsub_patterns', 0],
    ['total_error_replies', s.stats.failedCalls + s.stats.rejectedCalls],
  ],
  replication: () => [['role', 'master'], ['connected_slaves', 0], ['master_repl_offset', 0]],
  cpu: () => {
    const u = process.cpuUsage();
    return [['used_cpu_sys', (u.system / 1e6).toFixed(6)], ['used_cpu_user', (u.user / 1e6).toFixed(6)]];
  },
  modules: () => [],
  commandstats: (s) => [...s.stats.calls].filter(([, v]) => v.calls || v.rejected || v.failed).map(([k, v]) => [
    `cmdstat_${k}`, `calls=${v.calls},usec=${v.usec},usec_per_call=${(v.calls ? v.usec / v.calls : 0).toFixed(2)},rejected_calls=${v.rejected},failed_calls=${v.failed}`]),
  errorstats: () => [],
  cluster: (s) => [['cluster_enabled', s.ext.cluster ? 1 : 0]],
  keyspace: (s) => s.dbs.filter((db) => db.size > 0).map((db) => {
    const now = s.now();
    let ttlSum = 0; let n = 0;
    for (const when of db.expires.values()) { if (when > now) { ttlSum += when - now; n++; } }
    return [`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${n ? Math.floor(ttlSum / n) : 0}`];
  }),
};

const DEFAULT = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL = [...DEFAULT.slice(0, 8), 'commandstats', 'errorstats', 'cluster', 'keyspace'];

const title = (name: string) => name === 'cpu' ? 'CPU' : name[0].toUpperCase() + name.slice(1);

export function infoText(s: RedSim, args: string[]): string {
  let names: string[];
  if (args.length === 0 || args.includes('default')) names = DEFAULT;
  else if (args.includes('all') || args.includes('everything')) names = ALL;
  else names = ALL.filter((n) => args.includes(n));
  const parts: string[] = [];
  for (const n of names) {
    const lines = SECTIONS[n](s).map(([k, v]) => `${k}:${v}\r\n`).join('');
    parts.push(`# ${title(n)}\r\n${lines}`);
  }
  return parts.join('\r\n');
}
