import { describe, it, expect } from 'vitest';
import { parseMonitorLine, parseMonitorLineFast, type MonitorLine } from '../../src/replay/monitor.js';
import { SeededRandom } from '../../src/random.js';

/** The grammar's verdict: the parsed line, or null when it rejects the line. */
function slow(line: string): MonitorLine | null {
  try { return parseMonitorLine(line); } catch { return null; }
}

const rnd = new SeededRandom(2024);
const pick = <T>(xs: readonly T[]): T => xs[rnd.int(xs.length)];

// Pieces that exercise every lexer rule and its edges.
const ARG_CHARS = ['a', 'Z', '0', ' ', '"', '\\', '\\\\', '\\"', '\\n', '\\r', '\\t', '\\a', '\\b', '\\x00', '\\xff', '\\xAb',
  '\\x', '\\x4', '\\xg1', '\\q', ']', '[', '\u00e9', '\u00a0', '\t', 'x', ':'];
const SOURCES = ['127.0.0.1:52612', 'lua', 'unix:/tmp/redis.sock', 'unix:', 'unix:a b"c', '[::1]:6000', '[::1]:', '[fe80::1%eth0]:1',
  '[::1]', 'luax', 'lu', '10.0.0.1:1 2', 'a"b', '', 'x\u00a0y', 'unix:/s]x', '[a]:1]', 'host'];
const TS = ['1700000000.123456', '1.0', '0.1', '1700000000', '.5', '1.', '12a.5', '1.2.3', '+1.5'];
const DBS = ['0', '15', '007', '', 'a', '99999999999999999999'];

function randomArg(): string {
  let s = '';
  const n = rnd.int(6);
  for (let i = 0; i < n; i++) s += pick(ARG_CHARS);
  return s;
}

function randomLine(): string {
  const plus = rnd.next() < 0.2 ? '+' : '';
  const nargs = rnd.int(4);
  let args = '';
  for (let i = 0; i < nargs; i++) args += (rnd.next() < 0.95 ? ' ' : pick(['', '  ', '\t'])) + (rnd.next() < 0.95 ? `"${randomArg()}"` : randomArg());
  if (rnd.next() < 0.05) args += pick([' ', 'x', '"', ']']);
  const sp = rnd.next() < 0.95 ? ' ' : pick(['', '  ']);
  // Half the lines keep a well-formed head so that their arguments get exercised.
  if (rnd.next() < 0.5) return `${plus}${TS[0]} [${DBS[0]} ${pick(SOURCES.slice(0, 8))}]${args}`;
  return `${plus}${pick(TS)}${sp}[${pick(DBS)} ${pick(SOURCES)}]${args}`;
}

describe('MONITOR fast path', () => {
  it('accepts exactly the lines the grammar accepts, with the same result', () => {
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const line = randomLine();
      const fast = parseMonitorLineFast(line);
      const ref = slow(line);
      if (fast === null && ref !== null) throw new Error(`fast path rejects a valid line: ${JSON.stringify(line)}`);
      if (fast !== null && ref === null) throw new Error(`fast path accepts an invalid line: ${JSON.stringify(line)}`);
      expect(fast).toEqual(ref);
      if (fast) accepted++;
    }
    // Both verdicts must be well represented for the comparison to mean something.
    expect(accepted).toBeGreaterThan(2000);
    expect(accepted).toBeLessThan(18_000);
  });

  it('agrees on every byte value inside an argument', () => {
    for (let c = 0; c < 256; c++) {
      for (const body of [String.fromCharCode(c), '\\' + String.fromCharCode(c), '\\x' + String.fromCharCode(c) + '0']) {
        const line = `1700000000.000001 [0 127.0.0.1:1] "SET" "${body}"`;
        expect(parseMonitorLineFast(line)).toEqual(slow(line));
      }
    }
  });
});
