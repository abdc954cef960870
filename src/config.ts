/**
 * CONFIG parameters redsim honours. Values are kept as strings in Redis's CONFIG GET
 * form; typed getters parse them. Aliases map old names (lua-time-limit) to new ones.
 */
export interface ParamDef {
  name: string;
  default: string;
  kind: 'int' | 'bool' | 'enum' | 'string' | 'memory';
  min?: number;
  max?: number;
  values?: string[];
  alias?: string;
  /** Cannot be changed with CONFIG SET (Redis's IMMUTABLE_CONFIG). */
  immutable?: boolean;
}

export const PARAMS: ParamDef[] = [
  { name: 'databases', default: '16', kind: 'int', min: 1, immutable: true },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', default: '5000', kind: 'int', min: 0 },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', default: '128', kind: 'int', min: 0 },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', default: '64', kind: 'int', min: 0 },
  { name: 'set-max-intset-entries', default: '512', kind: 'int', min: 0 },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', default: '128', kind: 'int', min: 0 },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', default: '64', kind: 'int', min: 0 },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', default: '-2', kind: 'int' },
  { name: 'list-compress-depth', default: '0', kind: 'int', min: 0 },
  { name: 'hll-sparse-max-bytes', default: '3000', kind: 'memory', min: 0 },
  { name: 'proto-max-bulk-len', default: '536870912', kind: 'memory', min: 1048576 },
  { name: 'maxmemory', default: '0', kind: 'memory', min: 0 },
  { name: 'hz', default: '10', kind: 'int', min: 0 },
  { name: 'timeout', default: '0', kind: 'int', min: 0 },
  { name: 'maxclients', default: '10000', kind: 'int', min: 1 },
  { name: 'lazyfree-lazy-user-flush', default: 'no', kind: 'bool' },
  { name: 'lazyfree-lazy-user-del', default: 'no', kind: 'bool' },
  { name: 'appendonly', default: 'no', kind: 'bool' },
  { name: 'save', default: '', kind: 'string' },
  { name: 'port', default: '6379', kind: 'int', immutable: false },
  { name: 'bind', default: '127.0.0.1', kind: 'string' },
  { name: 'maxmemory-policy', default: 'noeviction', kind: 'enum',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] },
  { name: 'lfu-log-factor', default: '10', kind: 'int', min: 0 },
  { name: 'lfu-decay-time', default: '1', kind: 'int', min: 0 },
  { name: 'active-expire-effort', default: '1', kind: 'int', min: 1, max: 10 },
  { name: 'notify-keyspace-events', default: '', kind: 'string' },
];

export class Config {
  private readonly values = new Map<string, string>();
  private readonly defs = new Map<string, ParamDef>();

  constructor(overrides: Record<string, string | number> = {}) {
    for (const p of PARAMS) {
      this.defs.set(p.name, p);
      if (p.alias) this.defs.set(p.alias, p);
      this.values.set(p.name, p.default);
    }
    for (const [k, v] of Object.entries(overrides)) {
      const d = this.defs.get(k);
      if (!d) throw new Error(`unknown config parameter ${k}`);
      this.values.set(d.name, String(v));
    }
  }

  def(name: string): ParamDef | undefined { return this.defs.get(name.toLowerCase()); }
  get(name: string): string | undefined { const d = this.def(name); return d ? this.values.get(d.name) : undefined; }
  getNumber(name: string): number { return Number(this.get(name) ?? 0); }
  getBool(name: string): boolean { return this.get(name) === 'yes'; }
  /** Raw set without validation (validation lives in CONFIG SET). */
  setRaw(name: string, value: string): void { const d = this.def(name); if (d) this.values.set(d.name, value); }
  /** Every canonical parameter with its value, plus aliases (CONFIG GET matches both). */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const p of PARAMS) {
      out.push([p.name, this.values.get(p.name)!]);
      if (p.alias) out.push([p.alias, this.values.get(p.name)!]);
    }
    return out;
  }
}
