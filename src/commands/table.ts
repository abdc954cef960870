/**
 * The command table, read from table.json (a real Redis 7.0 COMMAND INFO/DOCS
 * snapshot; regenerate with `npm run gen:commands -- PORT`). Arity, flags and key
 * positions come from here, never from handler code.
 */
import { createRequire } from 'node:module';
import type { Reply } from '../reply.js';

export interface CommandSpec {
  /** lower-case name ('get', or 'get' for subcommand 'config|get' -> name 'get') */
  name: string;
  /** 'get' or 'config|get' */
  fullname: string;
  arity: number;
  flags: Set<string>;
  firstKey: number;
  lastKey: number;
  step: number;
  acl: string[];
  /** The COMMAND INFO entry of this command (RESP3-typed). */
  info: Reply;
  /** The COMMAND DOCS entry (RESP3-typed), if any. */
  docs?: Reply;
  group: string;
  parent?: CommandSpec;
  subcommands?: Map<string, CommandSpec>;
}

interface TableFile { generatedFrom: string; info: Reply[]; docs: Record<string, Reply>; help: Record<string, Reply> }

const require = createRequire(import.meta.url);
// table.json lives in src/commands; the compiled file in dist/src/commands.
function loadTable(): TableFile {
  try { return require('./table.json') as TableFile; } catch { return require('../../../src/commands/table.json') as TableFile; }
}

const file = loadTable();
export const TABLE_SOURCE = file.generatedFrom;
/** Byte-exact replies of `<container> HELP` (e.g. 'config' -> the CONFIG HELP reply). */
export const HELP_REPLIES: Record<string, Reply> = file.help;

function strs(r: Reply): string[] {
  return r.t === 'set' || r.t === 'array' ? r.v.map((x) => (x.t === 'status' || x.t === 'bulk' ? x.v : '')) : [];
}
function num(r: Reply): number { return r.t === 'int' ? Number(r.v) : 0; }
function docField(docs: Reply | undefined, field: string): Reply | undefined {
  if (!docs || docs.t !== 'map') return undefined;
  return docs.v.find(([k]) => k.t === 'bulk' && k.v === field)?.[1];
}

function build(info: Reply, docs: Reply | undefined, parent?: CommandSpec): CommandSpec {
  if (info.t !== 'array') throw new Error('bad table row');
  const v = info.v;
  const fullname = v[0].t === 'bulk' ? v[0].v : '';
  const g = docField(docs, 'group');
  const spec: CommandSpec = {
    name: fullname.includes('|') ? fullname.split('|')[1] : fullname,
    fullname,
    arity: num(v[1]),
    flags: new Set(strs(v[2])),
    firstKey: num(v[3]),
    lastKey: num(v[4]),
    step: num(v[5]),
    acl: strs(v[6]),
    info,
    docs,
    group: g && g.t === 'bulk' ? g.v : '',
    parent,
  };
  const subs = v[9];
  if (subs && subs.t === 'array' && subs.v.length) {
    spec.subcommands = new Map();
    const subDocs = docField(docs, 'subcommands');
    for (const s of subs.v) {
      const sname = s.t === 'array' && s.v[0].t === 'bulk' ? s.v[0].v : '';
      const sd = subDocs && subDocs.t === 'map' ? subDocs.v.find(([k]) => k.t === 'bulk' && k.v === sname)?.[1] : undefined;
      const sub = build(s, sd, spec);
      spec.subcommands.set(sub.name, sub);
    }
  }
  return spec;
}

export const COMMANDS = new Map<string, CommandSpec>();
for (const row of file.info) {
  const name = row.t === 'array' && row.v[0].t === 'bulk' ? row.v[0].v : '';
  const spec = build(row, file.docs[name]);
  COMMANDS.set(spec.name, spec);
}

/** All specs including subcommands, keyed by fullname ('config|get'). */
export function allSpecs(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const s of COMMANDS.values()) {
    out.push(s);
    if (s.subcommands) for (const sub of s.subcommands.values()) out.push(sub);
  }
  return out;
}

/** Redis's lookupCommand: argv[0] (and argv[1] for container commands), case-insensitive. */
const byRawName = new Map<string, CommandSpec | undefined>();
export function lookupCommand(argv: string[]): CommandSpec | undefined {
  // Clients send the same spellings over and over ('SET', 'set'): memoize the case fold.
  let base = byRawName.get(argv[0]);
  if (base === undefined) {
    base = COMMANDS.get(argv[0].toLowerCase());
    if (base && byRawName.size < 4096) byRawName.set(argv[0], base);
  }
  if (!base || !base.subcommands || argv.length === 1) return base;
  return base.subcommands.get(argv[1].toLowerCase());
}

export function lookupByFullname(fullname: string): CommandSpec | undefined {
  const parts = fullname.toLowerCase().split('|');
  // lookupCommandBySds: more than one '|' names no command.
  if (parts.length > 2) return undefined;
  const [a, b] = parts;
  const base = COMMANDS.get(a);
  return b === undefined ? base : base?.subcommands?.get(b);
}
