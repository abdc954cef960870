/**
 * Crash 2 of issue 7: a legal bulk argument longer than V8's string limit
 * (536,870,889..536,870,912 bytes) must not throw inside the parser. Its bytes
 * are dropped as they arrive (never buffered) and the command becomes
 * TOO_BIG_ARG, answered with an error; the stream goes on after it.
 */
import { describe, expect, test } from 'vitest';
import { RequestParser, TOO_BIG_ARG, MAX_JS_STRING } from '../../src/resp/parser.js';

const B = (s: string) => Buffer.from(s, 'latin1');

function feedBulk(p: RequestParser, n: number, piece: number, out: string[][]): void {
  const buf = Buffer.alloc(piece, 0x78);
  let maxBuffered = 0;
  for (let left = n; left > 0; left -= piece) {
    out.push(...p.feed(left >= piece ? buf : buf.subarray(0, left)).commands);
    maxBuffered = Math.max(maxBuffered, p.buffered);
  }
  // The dropped bytes count as query buffer (as in Redis), but nothing is held.
  expect(maxBuffered).toBeLessThanOrEqual(n + 4);
}

describe('arguments past the JS string limit', () => {
  test.each([MAX_JS_STRING + 1, 536_870_900, 536_870_912])('SET k <%i bytes> then PING', (n) => {
    const p = new RequestParser();
    const cmds: string[][] = [];
    cmds.push(...p.feed(B(`*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${n}\r\nxx`)).commands);
    feedBulk(p, n - 2, 64 * 1024 * 1024, cmds);
    const r = p.feed(B('\r\n*1\r\n$4\r\nPING\r\n'));
    cmds.push(...r.commands);
    expect(r.error).toBeNull();
    expect(cmds.length).toBe(3);
    expect(cmds[0]).toEqual(['PING']);
    expect(cmds[1]).toBe(TOO_BIG_ARG);
    expect(cmds[2]).toEqual(['PING']);
    expect(p.buffered).toBe(0);
  }, 60_000);

  test('the oversized argument may be followed by more arguments, split anywhere', () => {
    const n = MAX_JS_STRING + 10;
    const p = new RequestParser();
    const cmds: string[][] = [];
    cmds.push(...p.feed(B(`*3\r\n$3\r\nSET\r\n$${n}\r\n`)).commands);
    feedBulk(p, n, 128 * 1024 * 1024, cmds);
    cmds.push(...p.feed(B('\r')).commands);
    cmds.push(...p.feed(B('\n$1\r\nv\r\n*1\r\n$4\r\nPI')).commands);
    cmds.push(...p.feed(B('NG\r\n')).commands);
    expect(cmds).toEqual([TOO_BIG_ARG, ['PING']]);
  }, 60_000);

  test('proto-max-bulk-len is the parser limit', () => {
    const p = new RequestParser();
    p.maxBulk = 1024 * 1024;
    expect(p.feed(B('*1\r\n$1048577\r\n')).error).toBe('ERR Protocol error: invalid bulk length');
    const q = new RequestParser();
    q.maxBulk = 1024 * 1024;
    expect(q.feed(B('*1\r\n$1048576\r\n')).error).toBeNull();
  });
});
