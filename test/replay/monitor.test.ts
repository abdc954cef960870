import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseMonitorLine, readMonitorTrace } from '../../src/replay/monitor.js';
import { TraceError } from '../../src/replay/trace.js';

describe('MONITOR line grammar', () => {
  test('a plain line', () => {
    expect(parseMonitorLine('1700000000.123456 [0 127.0.0.1:52612] "SET" "k" "v"')).toEqual({
      timeUs: 1700000000123456, db: 0, kind: 'tcp', addr: '127.0.0.1:52612', argv: ['SET', 'k', 'v'],
    });
  });

  test('sdscatrepr escapes (as captured from redis 7.0.15 MONITOR)', () => {
    // Line captured from `redis-cli monitor` for SET bin <bytes 00 ff " q \ n r t 07 08 space e9>.
    const line = String.raw`1795365497.336868 [9 127.0.0.1:45578] "SET" "bin" "\x00\xff\"quoted\"\\back\n\r\t\a\b \xe9"`;
    const m = parseMonitorLine(line);
    expect(m.db).toBe(9);
    expect(m.argv[2]).toBe('\x00\xff"quoted"\\back\n\r\t\x07\x08 \xe9');
    expect(parseMonitorLine(String.raw`1.000001 [0 1.2.3.4:5] "a\xAB" ""`).argv).toEqual(['a\xab', '']);
  });

  test('script, unix socket, IPv6 clients and the raw +status form', () => {
    expect(parseMonitorLine('1700000000.000001 [3 lua] "INCR" "x"')).toMatchObject({ kind: 'lua', db: 3 });
    expect(parseMonitorLine('1700000000.000001 [0 unix:/tmp/redis.sock] "PING"')).toMatchObject({ kind: 'unix', addr: 'unix:/tmp/redis.sock' });
    expect(parseMonitorLine('1700000000.000001 [0 [::1]:6000] "GET" "k"')).toMatchObject({ kind: 'tcp', addr: '[::1]:6000' });
    expect(parseMonitorLine('+1700000000.5 [15 10.0.0.1:1] "PING"').timeUs).toBe(1700000000500000);
  });

  test('bad lines', () => {
    expect(() => parseMonitorLine('1700000000.1 [0 a:1] "SET" "unterminated')).toThrow();
    expect(() => parseMonitorLine('1700000000.1 [0 a:1] SET')).toThrow();
    expect(() => parseMonitorLine('1700000000.1 [0 a:1]')).toThrow(/incomplete/);
    expect(() => parseMonitorLine('1700000000.1 [0 a:1] "a"  "b"')).toThrow();
  });

  test('a long argument is one token (no per-byte parsing)', () => {
    const body = 'x\\n'.repeat(200_000);
    const m = parseMonitorLine(`1.0 [0 lua] "EVAL" "${body}" "0"`);
    expect(m.argv[1].length).toBe(400_000);
  });
});

describe('readMonitorTrace', () => {
  test('skips OK and blank lines, attaches lua lines to their script; keeps order, db and time', () => {
    const t = readMonitorTrace([
      'OK',
      '1700000000.000100 [0 127.0.0.1:1] "EVAL" "return redis.call(\'INCR\',KEYS[1])" "1" "c"',
      '1700000000.000150 [0 lua] "INCR" "c"',
      '',
      '1700000000.000200 [2 127.0.0.1:2] "GET" "c"\r',
    ].join('\n'));
    expect(t).toEqual([
      { line: 2, client: '127.0.0.1:1', db: 0, timeUs: 1700000000000100, argv: ['EVAL', "return redis.call('INCR',KEYS[1])", '1', 'c'],
        effects: [{ line: 3, client: 'lua', db: 0, timeUs: 1700000000000150, argv: ['INCR', 'c'] }] },
      { line: 5, client: '127.0.0.1:2', db: 2, timeUs: 1700000000000200, argv: ['GET', 'c'] },
    ]);
  });

  test('an unparsable line is reported with its number', () => {
    let err: unknown;
    try {
      readMonitorTrace('1.0 [0 a:1] "PING"\nhello\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceError);
    expect((err as TraceError).line).toBe(2);
  });

  test('the captured example trace', () => {
    const t = readMonitorTrace(readFileSync(new URL('../../examples/traces/monitor.txt', import.meta.url)).toString('latin1'));
    expect(t.length).toBe(28); // 31 command lines minus 3 from scripts
    expect(t.some((e) => e.client === 'lua')).toBe(false);
    expect(new Set(t.map((e) => e.client)).size).toBe(3);
  });
});
