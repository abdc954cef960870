/**
 * Reading MONITOR traces (what `redis-cli monitor` prints, or the raw `+...`
 * status lines a MONITOR connection receives). The line language is defined
 * by grammar/monitor.ne, compiled at build time to
 * ./monitor-grammar.generated.js.
 *
 * Lines from scripts (`[0 lua]`) are dropped: replaying the EVAL/FCALL that
 * produced them runs them again.
 */
import nearley from 'nearley';
import grammarModule from './monitor-grammar.generated.js';
import { TraceError, type TraceEntry } from './trace.js';

const grammar = nearley.Grammar.fromCompiled(grammarModule as unknown as nearley.CompiledRules);

export interface MonitorLine {
  /** Time the command was logged, in microseconds since the epoch. */
  timeUs: number;
  db: number;
  /** 'lua' for commands run by a script, 'unix' for unix socket clients. */
  kind: 'tcp' | 'unix' | 'lua';
  /** Client address as MONITOR shows it (`127.0.0.1:52612`, `unix:/tmp/s`, `lua`). */
  addr: string;
  /** The command, byte strings. */
  argv: string[];
}

interface RawParse {
  ts: string;
  db: number;
  source: { kind: 'tcp' | 'unix' | 'lua'; addr: string };
  argv: string[];
}

/** `%ld.%06ld` seconds.micros -> integer microseconds. */
function timestampUs(ts: string): number {
  const [sec, frac] = ts.split('.');
  return Number(sec) * 1_000_000 + Number((frac + '000000').slice(0, 6));
}

/**
 * Parse one MONITOR line (a byte string, without its line terminator).
 * Throws an Error saying where the line stops making sense.
 */
export function parseMonitorLine(line: string): MonitorLine {
  const parser = new nearley.Parser(grammar);
  try {
    parser.feed(line);
  } catch (e) {
    // nearley's message lists every expected token; the first line is enough.
    throw new Error(String((e as Error).message).split('\n')[0]);
  }
  const results = parser.results as RawParse[];
  if (results.length === 0) throw new Error('incomplete line');
  const r = results[0];
  return { timeUs: timestampUs(r.ts), db: r.db, kind: r.source.kind, addr: r.source.addr, argv: r.argv };
}

/** Commands whose script-issued commands follow them as `[<db> lua]` lines. */
const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

export interface ReadTraceOptions {
  /** Stop at the first malformed line (TraceError) instead of reporting and skipping it. */
  strict?: boolean;
  /** Receives one message per malformed line skipped: `line N: ...`. */
  warnings?: string[];
}

/**
 * A whole MONITOR trace (a byte string) -> the commands to replay, in order.
 * Skipped: blank lines and the `OK` that redis-cli prints first. Script lines
 * (`[<db> lua]`) become the `effects` of the script command before them. A line
 * that does not parse is reported with its number and skipped (an error with
 * `strict`).
 */
export function readMonitorTrace(text: string, opts: ReadTraceOptions = {}): TraceEntry[] {
  const out: TraceEntry[] = [];
  const lines = text.split('\n');
  let script: TraceEntry | null = null;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line === 'OK' || line === '+OK') continue;
    let m: MonitorLine;
    try {
      m = parseMonitorLine(line);
    } catch (e) {
      const err = new TraceError(i + 1, `not a MONITOR line: ${(e as Error).message}`);
      if (opts.strict || !opts.warnings) throw err;
      opts.warnings.push(`${err.message} (skipped)`);
      continue;
    }
    const entry: TraceEntry = { line: i + 1, client: m.addr, db: m.db, timeUs: m.timeUs, argv: m.argv };
    if (m.kind === 'lua') {
      if (script) script.effects!.push(entry);
      else opts.warnings?.push(`line ${i + 1}: a script command with no script before it (the trace starts mid-script): ignored`);
      continue;
    }
    if (SCRIPT_COMMANDS.has(m.argv[0]?.toLowerCase() ?? '')) {
      entry.effects = [];
      script = entry;
    } else script = null;
    out.push(entry);
  }
  return out;
}
