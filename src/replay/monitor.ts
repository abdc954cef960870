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

const CTRL: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };
/** Undo sdscatrepr inside a quoted argument (as the grammar's unrepr does). */
function unescapeArg(body: string): string {
  if (body.indexOf('\\') === -1) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|[^x])/g, (_, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : Object.prototype.hasOwnProperty.call(CTRL, e) ? CTRL[e] : e);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
// The grammar's lexer rules for a source, tried in the same order at the same place.
const SRC_IP6 = /\[[0-9A-Za-z:.%]*\]:[0-9]+(?=\])/y;
const SRC_IP = /[^\s\]"]+(?=\])/y;

/**
 * The fast path of parseMonitorLine: a direct scan of the token sequence that
 * grammar/monitor.ne accepts (its lexer is deterministic and the language regular),
 * ~20x cheaper than the Earley parser. It returns null for anything it does not
 * accept, and the caller then asks the grammar, which stays the definition of the
 * format and of its error messages (test/replay/monitor-fast.test.ts checks both agree).
 */
export function parseMonitorLineFast(line: string): MonitorLine | null {
  const n = line.length;
  let i = line.charCodeAt(0) === 43 ? 1 : 0; // '+'
  const tsStart = i;
  while (i < n && isDigit(line.charCodeAt(i))) i++;
  if (i === tsStart || line.charCodeAt(i) !== 46) return null; // '.'
  const frac = ++i;
  while (i < n && isDigit(line.charCodeAt(i))) i++;
  if (i === frac) return null;
  const fracEnd = i;
  if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 91) return null; // ' ['
  i += 2;
  const dbStart = i;
  while (i < n && isDigit(line.charCodeAt(i))) i++;
  if (i === dbStart || line.charCodeAt(i) !== 32) return null;
  const db = Number(line.slice(dbStart, i));
  i++;
  let kind: MonitorLine['kind'];
  let addr: string;
  let end: number;
  if (line.startsWith('lua]', i)) {
    kind = 'lua'; addr = 'lua'; end = i + 3;
  } else if (line.startsWith('unix:', i)) {
    end = line.indexOf(']', i + 5);
    if (end === -1) return null;
    kind = 'unix'; addr = line.slice(i, end);
  } else {
    SRC_IP6.lastIndex = i;
    let m = SRC_IP6.exec(line);
    if (!m) { SRC_IP.lastIndex = i; m = SRC_IP.exec(line); }
    if (!m) return null;
    kind = 'tcp'; addr = m[0]; end = i + m[0].length;
  }
  i = end + 1; // past ']'
  const argv: string[] = [];
  while (i < n) {
    if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 34) return null; // ' "'
    const start = i + 2;
    let j = start;
    let escaped = false;
    for (;;) {
      if (j >= n) return null;
      const c = line.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) {
        const d = line.charCodeAt(j + 1);
        if (j + 1 >= n) return null;
        if (d === 120) { // \xHH only
          if (!isHex(line.charCodeAt(j + 2)) || !isHex(line.charCodeAt(j + 3))) return null;
          j += 4;
        } else j += 2;
        escaped = true;
      } else j++;
    }
    const body = line.slice(start, j);
    argv.push(escaped ? unescapeArg(body) : body);
    i = j + 1;
  }
  if (argv.length === 0) return null;
  // timestampUs without the string work: %ld seconds, then 6 digits of micros
  // (fewer are right-padded, more are cut).
  let timeUs = Number(line.slice(tsStart, frac - 1)) * 1_000_000;
  let micros = 0;
  for (let k = 0; k < 6; k++) micros = micros * 10 + (frac + k < fracEnd ? line.charCodeAt(frac + k) - 48 : 0);
  timeUs += micros;
  return { timeUs, db, kind, addr, argv };
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
  let script: TraceEntry | null = null;
  // Line by line with indexOf: a split() array would keep every line alive at once.
  for (let i = 0, pos = 0; pos <= text.length; i++) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line === 'OK' || line === '+OK') continue;
    let m: MonitorLine | null = parseMonitorLineFast(line);
    if (m === null) try {
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
