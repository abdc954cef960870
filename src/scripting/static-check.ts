/**
 * Static checks of a Redis Lua script with luaparse (Lua 5.1 grammar), for the CLI
 * and teaching tools: they point out what will fail or misbehave at run time in
 * Redis 7.0 before the script is sent. They never change how EVAL behaves; the
 * exact compile errors come from lua51/syntax.ts.
 */
import luaparse from 'luaparse';

/** Globals a Redis 7.0 EVAL script can read (the sandbox's global table). */
export const SANDBOX_GLOBALS = new Set(('ARGV KEYS _G _VERSION assert bit cjson cmsgpack collectgarbage coroutine error gcinfo ' +
  'getmetatable ipairs load loadstring math next pairs pcall rawequal rawget rawset redis select setmetatable string ' +
  'struct table tonumber tostring type unpack xpcall').split(' '));

export interface Finding {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

type Node = { type: string; loc?: { start: { line: number; column: number } }; [k: string]: unknown };

const WRITE_HINT = /^(set|setex|psetex|setnx|mset|msetnx|del|unlink|incr|incrby|decr|decrby|incrbyfloat|append|setrange|expire|pexpire|persist|rename|hset|hsetnx|hmset|hdel|hincrby|hincrbyfloat|lpush|rpush|lpop|rpop|lset|ltrim|lrem|linsert|sadd|srem|spop|smove|zadd|zrem|zincrby|zpopmin|zpopmax|pfadd|pfmerge|setbit|bitop|bitfield|getdel|getex|getset|copy|flushdb|flushall)$/;

/**
 * Check a script. `kind` 'eval' also flags literal key names that are not passed in
 * KEYS (they break on a cluster and hide keys from WATCH-style reasoning).
 */
export function checkScript(source: string, opts: { readOnly?: boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  let ast: Node;
  try {
    ast = luaparse.parse(source.replace(/^#![^\n]*/, ''), { luaVersion: '5.1', locations: true, scope: true, comments: false }) as unknown as Node;
  } catch (e) {
    const err = e as { line?: number; column?: number; message: string };
    return [{ line: err.line ?? 1, column: err.column ?? 0, severity: 'error', message: `syntax: ${err.message.replace(/^\[\d+:\d+\] /, '')}` }];
  }
  const at = (n: Node) => ({ line: n.loc?.start.line ?? 0, column: n.loc?.start.column ?? 0 });
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(visit); return; }
    const node = n as Node;
    if (node.type === 'AssignmentStatement') {
      for (const v of node.variables as Node[]) {
        if (v.type === 'Identifier' && !v.isLocal) {
          findings.push({ ...at(v), severity: 'error', message: `assignment to global '${v.name}': Redis 7 scripts fail with "Attempt to modify a readonly table" (use local)` });
        }
      }
    }
    if (node.type === 'FunctionDeclaration' && !node.isLocal && (node.identifier as Node | null)?.type === 'Identifier') {
      findings.push({ ...at(node), severity: 'error', message: `global function '${(node.identifier as Node).name}': Redis 7 scripts cannot define globals (use local function)` });
    }
    if (node.type === 'Identifier' && !node.isLocal && !SANDBOX_GLOBALS.has(node.name as string)) {
      findings.push({ ...at(node), severity: 'warning', message: `global '${node.name}' does not exist in the Redis sandbox: reading it fails with "Script attempted to access nonexistent global variable"` });
    }
    if (node.type === 'CallExpression' || node.type === 'StringCallExpression') checkRedisCall(node);
    for (const [k, v] of Object.entries(node)) {
      if (k === 'loc' || k === 'range') continue;
      // Field names (t.x, t:x(), {x=1}) and names already reported as global writes are not reads.
      if (k === 'identifier' && (node.type === 'MemberExpression' || node.type === 'FunctionDeclaration')) continue;
      if (k === 'key' && node.type === 'TableKeyString') continue;
      if (k === 'variables' && node.type === 'AssignmentStatement') {
        for (const t of v as Node[]) if (t.type !== 'Identifier') visit(t);
        continue;
      }
      visit(v);
    }
  };
  const checkRedisCall = (node: Node) => {
    const base = node.base as Node;
    if (base?.type !== 'MemberExpression') return;
    const obj = base.base as Node;
    const name = (base.identifier as Node).name as string;
    if (obj?.type !== 'Identifier' || obj.name !== 'redis' || (name !== 'call' && name !== 'pcall')) return;
    const args = (node.arguments as Node[] | undefined) ?? [];
    const cmd = args[0];
    if (!cmd) {
      findings.push({ ...at(node), severity: 'error', message: 'redis.call without arguments: "Please specify at least one argument for this redis lib call"' });
      return;
    }
    if (cmd.type !== 'StringLiteral') return;
    const cmdName = String(cmd.value ?? (cmd.raw as string).slice(1, -1)).toLowerCase();
    if (opts.readOnly && WRITE_HINT.test(cmdName)) {
      findings.push({ ...at(node), severity: 'error', message: `'${cmdName}' writes: "Write commands are not allowed from read-only scripts"` });
    }
    const key = args[1];
    if (key && key.type === 'StringLiteral') {
      findings.push({ ...at(key), severity: 'warning', message: `literal key name in redis.${name}('${cmdName}', ...): pass keys through KEYS so the script declares what it touches` });
    }
  };
  visit((ast as Node).body);
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
