/**
 * CONFIG parameters. Every parameter Redis 7.0 has is present with its default
 * (src/config-defaults.json, captured by the table generator from CONFIG GET *);
 * the ones whose type and limits matter are described in PARAMS so CONFIG SET can
 * validate them with Redis's texts. Values are kept in CONFIG GET form.
 */
import { createRequire } from 'node:module';

export interface ParamDef {
  name: string;
  kind: 'int' | 'bool' | 'enum' | 'string' | 'memory';
  min?: number;
  max?: number;
  values?: string[];
  alias?: string;
  /** Cannot be changed with CONFIG SET (Redis's IMMUTABLE_CONFIG). */
  immutable?: boolean;
  /** Clamp instead of rejecting (hz). */
  clamp?: boolean;
  /** An unsigned C type: the parsed value is bounds-checked as unsigned (wrapping negatives). */
  unsigned?: boolean;
}

const INT_MAX = 2147483647;
const LONG_MAX = '9223372036854775807';

export const PARAMS: ParamDef[] = [
  { name: 'databases', kind: 'int', min: 1, max: INT_MAX, immutable: true },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', kind: 'int', min: 0, max: Number(LONG_MAX) },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', kind: 'int', min: 0, max: Number(LONG_MAX) },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', kind: 'memory', unsigned: true, min: 0, max: Number(LONG_MAX) },
  { name: 'set-max-intset-entries', kind: 'int', min: 0, max: Number(LONG_MAX) },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', kind: 'int', min: 0, max: Number(LONG_MAX) },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', kind: 'memory', unsigned: true, min: 0, max: Number(LONG_MAX) },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', kind: 'int', min: -INT_MAX - 1, max: INT_MAX },
  { name: 'list-compress-depth', kind: 'int', min: 0, max: INT_MAX },
  { name: 'hll-sparse-max-bytes', kind: 'memory', min: 0, max: Number(LONG_MAX), unsigned: true },
  { name: 'proto-max-bulk-len', kind: 'memory', min: 1048576, max: Number(LONG_MAX) },
  { name: 'client-query-buffer-limit', kind: 'memory', min: 1048576, max: Number(LONG_MAX) },
  { name: 'maxmemory', kind: 'memory', min: 0, max: 18446744073709551615, unsigned: true },
  { name: 'hz', kind: 'int', min: 0, max: INT_MAX, clamp: true },
  { name: 'timeout', kind: 'int', min: 0, max: INT_MAX },
  { name: 'maxclients', kind: 'int', min: 1, max: 4294967295, unsigned: true },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool' },
  { name: 'lazyfree-lazy-user-del', kind: 'bool' },
  { name: 'appendonly', kind: 'bool' },
  { name: 'maxmemory-policy', kind: 'enum',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] },
  { name: 'lfu-log-factor', kind: 'int', min: 0, max: INT_MAX },
  { name: 'lfu-decay-time', kind: 'int', min: 0, max: INT_MAX },
  { name: 'active-expire-effort', kind: 'int', min: 1, max: 10 },
  { name: 'enable-debug-command', kind: 'enum', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'port', kind: 'int', min: 0, max: 65535 },
  { name: 'notify-keyspace-events', kind: 'string' },
  { name: 'requirepass', kind: 'string' },
  { name: 'aclfile', kind: 'string', immutable: true },
  { name: 'acllog-max-len', kind: 'int', min: 0, max: Number(LONG_MAX), unsigned: true },
  { name: 'acl-pubsub-default', kind: 'enum', values: ['allchannels', 'resetchannels'] },
];

/** Redis's IMMUTABLE_CONFIG parameters without a typed entry above. */
const IMMUTABLE = ['rdbchecksum', 'daemonize', 'io-threads-do-reads', 'always-show-logo', 'set-proc-title', 'syslog-enabled',
  'cluster-enabled', 'disable-thp', 'aclfile', 'unixsocket', 'pidfile', 'cluster-config-file', 'syslog-ident', 'appendfilename',
  'appenddirname', 'server_cpulist', 'bio_cpulist', 'aof_rewrite_cpulist', 'bgsave_cpulist', 'logfile', 'supervised',
  'syslog-facility', 'enable-protected-configs', 'enable-module-command', 'io-threads', 'tcp-backlog', 'cluster-port',
  'unixsocketperm', 'socket-mark-id'];
/** PROTECTED_CONFIG parameters: refused while enable-protected-configs is "no" (its default). */
const PROTECTED = ['dir', 'dbfilename'];

/** One client class's client-output-buffer-limit (bytes, bytes, seconds; 0 = no limit). */
export interface OutputBufferLimit { hard: number; soft: number; softSeconds: number }
export type OutputBufferClass = 'normal' | 'replica' | 'pubsub';

const OBUF_BAD_CLASS = 'Invalid client class specified in buffer limit configuration.';
const OBUF_BAD_COUNT = 'Wrong number of arguments in buffer limit configuration.';
const OBUF_BAD_VALUE = 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';

/** C strtoll(s, &end, 10) with `*end == '\0'` required, then stored in an int (wrapping as gcc does). */
function strtollInt(s: string): number | null {
  const m = /^[\t\n\v\f\r ]*([+-]?)([0-9]+)$/.exec(s);
  if (s === '') return 0; // no digits: end == start == "" so the check passes with 0
  if (!m) return null;
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  if (v > 2n ** 63n - 1n) v = 2n ** 63n - 1n;
  if (v < -(2n ** 63n)) v = -(2n ** 63n);
  return Number(BigInt.asIntN(32, v));
}

/**
 * Redis's updateClientOutputBufferLimit over the value split on single spaces:
 * the new "normal/slave/pubsub" entries, or the error text. Classes not named keep their limits.
 */
function parseOutputBufferLimit(value: string, current: string): { ok: string } | { error: string } {
  const args = value === '' ? [] : value.split(' ');
  if (args.length % 4 !== 0) return { error: OBUF_BAD_COUNT };
  const cur = new Map<string, string[]>();
  const curArgs = current.split(' ');
  for (let j = 0; j + 3 < curArgs.length; j += 4) cur.set(curArgs[j], curArgs.slice(j + 1, j + 4));
  for (let j = 0; j < args.length; j += 4) {
    const c = args[j].toLowerCase();
    const cls = c === 'normal' ? 'normal' : c === 'slave' || c === 'replica' ? 'slave' : c === 'pubsub' ? 'pubsub' : null;
    if (cls === null) return { error: OBUF_BAD_CLASS };
    const hard = parseMemoryBig(args[j + 1]);
    const soft = parseMemoryBig(args[j + 2]);
    const secs = strtollInt(args[j + 3]);
    if (hard === null || soft === null || secs === null || secs < 0) return { error: OBUF_BAD_VALUE };
    cur.set(cls, [String(hard), String(soft), String(secs)]);
  }
  return { ok: ['normal', 'slave', 'pubsub'].map((k) => `${k} ${(cur.get(k) ?? ['0', '0', '0']).join(' ')}`).join(' ') };
}

/**
 * Parameters with their own syntax (Redis's special configs), validated and
 * normalised by the module that owns them: name -> validator.
 */
export const SPECIAL_VALIDATORS = new Map<string, (value: string) => { ok: string } | { error: string }>();

const require = createRequire(import.meta.url);
function loadDefaults(): Record<string, string> {
  try { return require('./config-defaults.json'); } catch { return require('../../src/config-defaults.json'); }
}
const DEFAULTS: Record<string, string> = loadDefaults();

interface BaseTables { defs: Map<string, ParamDef>; aliases: Map<string, string>; values: Map<string, string>; params: number }
let BASE: BaseTables | null = null;

/** Definitions, aliases and default values shared by all Config instances (rebuilt if PARAMS grew). */
function baseTables(): BaseTables {
  if (BASE && BASE.params === PARAMS.length) return BASE;
  const defs = new Map<string, ParamDef>();
  const aliases = new Map<string, string>();
  for (const p of PARAMS) {
    defs.set(p.name, p);
    if (p.alias) aliases.set(p.alias, p.name);
  }
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(DEFAULTS)) if (!aliases.has(k)) values.set(k, v);
  BASE = { defs, aliases, values, params: PARAMS.length };
  return BASE;
}

export class Config {
  private readonly values: Map<string, string>;
  private readonly numCache = new Map<string, number>();
  private obufCache: Record<OutputBufferClass, OutputBufferLimit> | null = null;
  private readonly defs: Map<string, ParamDef>;
  /** alias -> canonical name */
  private readonly aliases: Map<string, string>;
  private readonly listeners = new Map<string, (value: string) => void>();

  constructor(overrides: Record<string, string | number> = {}) {
    // The tables are the same for every instance: built once (instances are meant to be cheap).
    const base = baseTables();
    this.defs = base.defs;
    this.aliases = base.aliases;
    this.values = new Map(base.values);
    // Redis's `dir` is the working directory it was started in (the captured default is the generator's).
    this.values.set('dir', process.cwd());
    for (const [k, v] of Object.entries(overrides)) {
      const name = this.canonical(k);
      if (!name) throw new Error(`unknown config parameter ${k}`);
      this.values.set(name, String(v));
    }
  }

  canonical(name: string): string | undefined {
    const n = name.toLowerCase();
    const a = this.aliases.get(n) ?? n;
    return this.values.has(a) ? a : undefined;
  }
  def(name: string): ParamDef | undefined { const c = this.canonical(name); return c ? this.defs.get(c) : undefined; }
  get(name: string): string | undefined { const c = this.canonical(name); return c ? this.values.get(c) : undefined; }
  /** Numeric value; cached because hot paths (scripts, encodings) read limits on every call. */
  getNumber(name: string): number {
    let n = this.numCache.get(name);
    if (n === undefined) { n = Number(this.get(name) ?? 0); this.numCache.set(name, n); }
    return n;
  }
  getBool(name: string): boolean { return this.get(name) === 'yes'; }
  /** Set without validation (validation lives in validate()). */
  setRaw(name: string, value: string): void {
    const c = this.canonical(name);
    if (c) { this.values.set(c, value); this.numCache.clear(); this.obufCache = null; this.onChange?.(c); }
  }
  /** Called with the canonical name after a parameter changes (the server re-reads what it caches). */
  onChange?: (name: string) => void;

  /** client-output-buffer-limit per client class, parsed once per change. */
  outputBufferLimits(): Record<OutputBufferClass, OutputBufferLimit> {
    if (this.obufCache) return this.obufCache;
    const a = (this.get('client-output-buffer-limit') ?? '').split(' ');
    const out: Record<OutputBufferClass, OutputBufferLimit> = {
      normal: { hard: 0, soft: 0, softSeconds: 0 }, replica: { hard: 0, soft: 0, softSeconds: 0 }, pubsub: { hard: 0, soft: 0, softSeconds: 0 },
    };
    for (let j = 0; j + 3 < a.length; j += 4) {
      const cls = a[j] === 'slave' ? 'replica' : a[j] as OutputBufferClass;
      if (out[cls]) out[cls] = { hard: Number(a[j + 1]), soft: Number(a[j + 2]), softSeconds: Number(a[j + 3]) };
    }
    return (this.obufCache = out);
  }

  /** Every parameter with its value, plus aliases (CONFIG GET matches both names). */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [k, v] of this.values) out.push([k, v]);
    for (const [alias, name] of this.aliases) out.push([alias, this.values.get(name)!]);
    return out;
  }

  /** Why CONFIG SET may not change this parameter at all (Redis's texts), or null. */
  refusal(name: string): string | null {
    const c = this.canonical(name);
    if (!c) return null;
    if (this.defs.get(c)?.immutable || IMMUTABLE.includes(c)) return "can't set immutable config";
    if (PROTECTED.includes(c) && this.get('enable-protected-configs') === 'no') return "can't set protected config";
    return null;
  }

  /**
   * Validate a CONFIG SET value; returns the value to store (normalized as CONFIG GET
   * shows it) or an error suffix such as "argument must be 'yes' or 'no'".
   */
  validate(name: string, value: string): { ok: string } | { error: string } {
    const d = this.def(name);
    const canon = this.canonical(name);
    if (canon === 'client-output-buffer-limit') return parseOutputBufferLimit(value, this.get(canon) ?? '');
    const special = d && SPECIAL_VALIDATORS.get(d.name);
    if (special) return special(value);
    const kind = d?.kind ?? inferKind(this.get(name) ?? '');
    const refused = this.refusal(name);
    if (refused) return { error: refused };
    switch (kind) {
      case 'bool': {
        const v = value.toLowerCase();
        if (v !== 'yes' && v !== 'no') return { error: "argument must be 'yes' or 'no'" };
        return { ok: v };
      }
      case 'enum': {
        const v = value.toLowerCase();
        if (!d?.values?.includes(v)) return { error: `argument(s) must be one of the following: ${d?.values?.join(', ')}` };
        return { ok: v };
      }
      case 'int': case 'memory': {
        // Memory values go through memtoull (wrapping like C); plain ones through string2ll.
        let n = kind === 'memory' ? parseMemoryBig(value) : parseLongLongBig(value);
        if (n === null) return { error: kind === 'memory' ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
        if (n > 2n ** 63n - 1n) n -= 2n ** 64n;
        const min = d?.min ?? -Infinity, max = d?.max ?? Infinity;
        if (d?.clamp) return { ok: String(Math.min(Math.max(Number(n), 1), name.toLowerCase() === 'hz' ? 500 : max)) };
        const u = d?.unsigned && n < 0n ? n + 2n ** 64n : n;
        if (u < BigInt(Math.max(min, -9.2e18)) || Number(u) > max) {
          return { error: `argument must be between ${fmtBound(min)} and ${fmtBound(max)} inclusive` };
        }
        return { ok: String(u) };
      }
      default:
        return { ok: value };
    }
  }
}

export function isImmutableConfig(name: string): boolean { return IMMUTABLE.includes(name); }
export function isProtectedConfig(name: string): boolean { return PROTECTED.includes(name); }

function fmtBound(n: number): string { return n >= 9.2e18 ? LONG_MAX : String(n); }
function inferKind(v: string): ParamDef['kind'] {
  if (v === 'yes' || v === 'no') return 'bool';
  if (/^-?\d+$/.test(v)) return 'int';
  return 'string';
}
/** Redis's string2ll: no leading zeros, no "+", no "-0", within long long. */
function parseLongLongBig(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : null;
}

/**
 * Redis's memtoull: digits (possibly none) with an optional b/k/kb/m/mb/g/gb unit,
 * case-insensitive; the product wraps at 64 bits as C's unsigned arithmetic does.
 */
function parseMemoryBig(s: string): bigint | null {
  const m = /^([0-9]*)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m || m[1].length >= 128) return null;
  const mul: Record<string, bigint> = { b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1048576n, g: 1000000000n, gb: 1073741824n };
  let v = m[1] ? BigInt(m[1]) : 0n;
  if (v > 2n ** 64n - 1n) v = 2n ** 64n - 1n; // strtoull saturates
  return (v * (m[2] ? mul[m[2].toLowerCase()] : 1n)) % 2n ** 64n;
}

/** memtoull as a number (null when invalid or not a safe integer). */
export function parseMemory(s: string): number | null {
  const v = parseMemoryBig(s);
  return v === null || v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}
