import { describe, expect, test } from 'vitest';
import { RequestParser, splitInlineArgs, parseReply, parseReplies, ReplyParser, encodeCommand, ReplyProtocolError } from '../../src/resp/parser.js';

const B = (s: string) => Buffer.from(s, 'latin1');

function parseAll(input: string): { commands: string[][]; error: string | null } {
  const p = new RequestParser();
  return p.feed(B(input));
}

/** Feed the input split at every possible point (and byte by byte): same result. */
function parseSplits(input: string) {
  const whole = parseAll(input);
  for (let i = 1; i < input.length; i++) {
    const p = new RequestParser();
    const a = p.feed(B(input.slice(0, i)));
    const b = p.feed(B(input.slice(i)));
    expect({ commands: [...a.commands, ...b.commands], error: a.error ?? b.error }).toEqual(whole);
  }
  const p = new RequestParser();
  const cmds: string[][] = [];
  let error: string | null = null;
  for (const ch of input) {
    const r = p.feed(B(ch));
    cmds.push(...r.commands);
    error ??= r.error;
  }
  expect({ commands: cmds, error }).toEqual(whole);
  return whole;
}

describe('RequestParser: multibulk', () => {
  test('pipelined commands, binary args', () => {
    const input = encodeCommand(['SET', 'k', '\x00\r\n\xff']).toString('latin1') + encodeCommand(['GET', 'k']).toString('latin1');
    expect(parseSplits(input)).toEqual({ commands: [['SET', 'k', '\x00\r\n\xff'], ['GET', 'k']], error: null });
  });

  test('non-positive counts are ignored; strict counts', () => {
    expect(parseSplits('*0\r\n*-1\r\n*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n')).toEqual({ commands: [['PING']], error: null });
    expect(parseAll('*2147483647\r\n$4\r\nPING\r\n')).toEqual({ commands: [], error: null }); // waits for more args
  });

  // Texts and outcomes recorded from Redis 7.0.15 (see test/net/server.test.ts for the bytes).
  const errors: Array<[string, string, string[][]]> = [
    ['*abc\r\n', 'ERR Protocol error: invalid multibulk length', []],
    ['*\r\n', 'ERR Protocol error: invalid multibulk length', []],
    ['*+1\r\n$4\r\nPING\r\n', 'ERR Protocol error: invalid multibulk length', []],
    ['*01\r\n$4\r\nPING\r\n', 'ERR Protocol error: invalid multibulk length', []],
    ['*2147483648\r\n', 'ERR Protocol error: invalid multibulk length', []],
    ['*-9223372036854775809\r\n', 'ERR Protocol error: invalid multibulk length', []],
    ['*1\r\n:4\r\nPING\r\n', "ERR Protocol error: expected '$', got ':'", []],
    ['*1\r\n\r\n', "ERR Protocol error: expected '$', got '\r'", []],
    ['*1\r\n\xe9\r\n', "ERR Protocol error: expected '$', got '\xe9'", []],
    ['*1\r\n$abc\r\n', 'ERR Protocol error: invalid bulk length', []],
    ['*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length', []],
    ['*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length', []],
    ['*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n', 'ERR Protocol error: invalid bulk length', [['PING'], ['PING']]],
  ];
  test.each(errors)('%j', (input, error, commands) => {
    expect(parseSplits(input)).toEqual({ commands, error });
  });

  test('the byte after a header CR is not checked; bulk CRLF is not checked', () => {
    // Redis 7.0.15 answers this with $2\r\nhi\r\n
    expect(parseSplits('*2\rx$4\ryECHOxy$2\rzhiAB')).toEqual({ commands: [['ECHO', 'hi']], error: null });
    expect(parseSplits('*2\r\n$4\r\nECHOxy$2\r\nhiAB')).toEqual({ commands: [['ECHO', 'hi']], error: null });
  });

  test('a NUL hides the header terminator (strchr)', () => {
    expect(parseAll('*1\0\r\n$4\r\nPING\r\n')).toEqual({ commands: [], error: null });
  });

  test('too big headers', () => {
    expect(parseAll('*' + '1'.repeat(70000))).toEqual({ commands: [], error: 'ERR Protocol error: too big mbulk count string' });
    expect(parseAll('*1\r\n$' + '1'.repeat(70000))).toEqual({ commands: [], error: 'ERR Protocol error: too big bulk count string' });
    expect(parseAll('*' + '1'.repeat(65535))).toEqual({ commands: [], error: null });
  });

  test('input after an error is ignored', () => {
    const p = new RequestParser();
    expect(p.feed(B('*x\r\n')).error).toBe('ERR Protocol error: invalid multibulk length');
    expect(p.failed).toBe(true);
    expect(p.feed(B('*1\r\n$4\r\nPING\r\n'))).toEqual({ commands: [], error: null });
  });

  test('a large bulk arriving in many chunks', () => {
    const big = 'v'.repeat(1_000_000);
    const wire = encodeCommand(['SET', 'k', big]);
    const p = new RequestParser();
    const got: string[][] = [];
    for (let i = 0; i < wire.length; i += 1000) {
      const r = p.feed(wire.subarray(i, i + 1000));
      got.push(...r.commands);
      if (i + 1000 < wire.length) expect(r.commands).toEqual([]);
    }
    expect(got).toEqual([['SET', 'k', big]]);
    expect(p.buffered).toBe(0);
  });
});

describe('RequestParser: inline', () => {
  test('CRLF or LF, empty lines ignored, quoting', () => {
    expect(parseSplits('PING\r\nPING\n\r\n\n   \r\nECHO "a\\x41\\n b"\r\n')).toEqual({
      commands: [['PING'], ['PING'], ['ECHO', 'aA\n b']],
      error: null,
    });
  });

  test('inline and multibulk mixed', () => {
    expect(parseSplits('SET a 1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nGET a\n')).toEqual({
      commands: [['SET', 'a', '1'], ['GET', 'a'], ['GET', 'a']],
      error: null,
    });
  });

  test('unbalanced quotes', () => {
    expect(parseSplits('PING\r\nECHO "abc\r\nPING\r\n')).toEqual({ commands: [['PING']], error: 'ERR Protocol error: unbalanced quotes in request' });
    expect(parseAll('ECHO "a"b\r\n').error).toBe('ERR Protocol error: unbalanced quotes in request');
  });

  test('too big inline request', () => {
    expect(parseAll('A'.repeat(65536)).error).toBeNull();
    expect(parseAll('A'.repeat(65537)).error).toBe('ERR Protocol error: too big inline request');
    expect(parseAll('A'.repeat(70000) + '\n')).toEqual({ commands: [['A'.repeat(70000)]], error: null });
  });

  test('a NUL before the newline keeps the line incomplete', () => {
    expect(parseAll('PI\0NG\r\nPING\r\n')).toEqual({ commands: [], error: null });
  });

  test('binary bytes pass through', () => {
    expect(parseAll('ECHO \xff\xfe\r\n').commands).toEqual([['ECHO', '\xff\xfe']]);
  });
});

describe('splitInlineArgs (sdssplitargs)', () => {
  const ok: Array<[string, string[]]> = [
    ['', []],
    ['   \t ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['"a b" \'c d\'', ['a b', 'c d']],
    ['foo"bar baz" x', ['foobar baz', 'x']],
    ['"\\x41\\x4g\\x" z', ['Ax4gx', 'z']],
    ['"\\n\\r\\t\\b\\a\\q\\\\\\""', ['\n\r\t\b\x07q\\"']],
    ["'a\\'b\\c'", ["a'b\\c"]],
    ['a\vb', ['a\vb']],
    ['\va', ['a']],
    ['"x"\vy', ['x', 'y']],
    ['""', ['']],
    ["''", ['']],
    ['a\0 b', ['a']],
  ];
  test.each(ok)('%j', (line, args) => expect(splitInlineArgs(line)).toEqual(args));
  const bad = ['"abc', "'abc", '"a"b', "'a'b", '"a\\"', "'a\\'", '"a"\'b\''];
  test.each(bad)('%j is invalid', (line) => expect(splitInlineArgs(line)).toBeNull());
});

describe('reply parser', () => {
  test('all RESP3 types and incomplete input', () => {
    const wire = '+OK\r\n-ERR x\r\n:-5\r\n$3\r\nabc\r\n$-1\r\n*-1\r\n*2\r\n:1\r\n_\r\n%1\r\n+k\r\n#t\r\n~1\r\n,1.5\r\n=7\r\ntxt:abc\r\n(12345678901234567890\r\n>1\r\n:1\r\n,inf\r\n|1\r\n+a\r\n+b\r\n:7\r\n!3\r\nERR\r\n:9223372036854775807\r\n';
    const { replies, frames, rest } = parseReplies(B(wire));
    expect(replies).toEqual([
      { t: 'status', v: 'OK' }, { t: 'error', v: 'ERR x' }, { t: 'int', v: -5 }, { t: 'bulk', v: 'abc' }, { t: 'nil' }, { t: 'nilarray' },
      { t: 'array', v: [{ t: 'int', v: 1 }, { t: 'nil' }] },
      { t: 'map', v: [[{ t: 'status', v: 'k' }, { t: 'bool', v: true }]] },
      { t: 'set', v: [{ t: 'double', v: 1.5 }] },
      { t: 'verbatim', fmt: 'txt', v: 'abc' },
      { t: 'bignum', v: '12345678901234567890' },
      { t: 'push', v: [{ t: 'int', v: 1 }] },
      { t: 'double', v: Infinity },
      { t: 'int', v: 7 },
      { t: 'error', v: 'ERR' },
      { t: 'int', v: 9223372036854775807n },
    ]);
    expect(frames.map((f) => f.toString('latin1')).join('')).toBe(wire);
    expect(rest.length).toBe(0);
    for (let i = 0; i < wire.length; i++) {
      const r = parseReplies(B(wire.slice(0, i)));
      expect(r.frames.map((f) => f.toString('latin1')).join('') + r.rest.toString('latin1')).toBe(wire.slice(0, i));
    }
    expect(parseReply(B('*2\r\n:1\r\n'))).toBeNull();
  });

  test('streaming', () => {
    const p = new ReplyParser();
    expect(p.feed(B('$5\r\nhel'))).toEqual([]);
    expect(p.feed(B('lo\r\n:1'))).toEqual([{ t: 'bulk', v: 'hello' }]);
    expect(p.feed(B('\r\n'))).toEqual([{ t: 'int', v: 1 }]);
  });

  test('malformed replies throw', () => {
    expect(() => parseReply(B('?x\r\n'))).toThrow(ReplyProtocolError);
    expect(() => parseReply(B(':1x\r\n'))).toThrow(ReplyProtocolError);
  });
});
