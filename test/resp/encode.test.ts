import { describe, expect, test } from 'vitest';
import { encodeReply, encodeReplies, encodeReplyString, doubleText } from '../../src/resp/encode.js';
import { parseReply } from '../../src/resp/parser.js';
import type { Reply } from '../../src/reply.js';
import * as R from '../../src/reply.js';

const enc = (r: Reply, resp: 2 | 3) => encodeReply(r, resp).toString('latin1');
const ints = (...n: number[]): Reply[] => n.map((x) => R.int(x));

describe('encodeReply: bytes recorded from Redis 7.0.15 (DEBUG PROTOCOL <type>)', () => {
  const cases: Array<[string, Reply, string, string]> = [
    ['string', R.bulk('Hello World'), '$11\r\nHello World\r\n', '$11\r\nHello World\r\n'],
    ['integer', R.int(12345), ':12345\r\n', ':12345\r\n'],
    ['double', R.double(3.141), '$5\r\n3.141\r\n', ',3.141\r\n'],
    ['bignum', R.bignum('1234567999999999999999999999999999999'), '$37\r\n1234567999999999999999999999999999999\r\n', '(1234567999999999999999999999999999999\r\n'],
    ['null', R.NIL, '$-1\r\n', '_\r\n'],
    ['array', R.array(ints(0, 1, 2)), '*3\r\n:0\r\n:1\r\n:2\r\n', '*3\r\n:0\r\n:1\r\n:2\r\n'],
    ['set', R.set(ints(0, 1, 2)), '*3\r\n:0\r\n:1\r\n:2\r\n', '~3\r\n:0\r\n:1\r\n:2\r\n'],
    ['map', R.map([[R.int(0), R.bool(false)], [R.int(1), R.bool(true)], [R.int(2), R.bool(false)]]),
      '*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n', '%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n'],
    ['verbatim', R.verbatim('This is a verbatim\nstring'), '$25\r\nThis is a verbatim\nstring\r\n', '=29\r\ntxt:This is a verbatim\nstring\r\n'],
    ['true', R.bool(true), ':1\r\n', '#t\r\n'],
    ['false', R.bool(false), ':0\r\n', '#f\r\n'],
  ];
  test.each(cases)('%s', (_n, r, resp2, resp3) => {
    expect(enc(r, 2)).toBe(resp2);
    expect(enc(r, 3)).toBe(resp3);
  });
});

describe('encodeReply: other shapes', () => {
  test('status, error, nil array, push', () => {
    expect(enc(R.OK, 2)).toBe('+OK\r\n');
    expect(enc(R.status('QUEUED'), 3)).toBe('+QUEUED\r\n');
    expect(enc(R.err('ERR syntax error'), 2)).toBe('-ERR syntax error\r\n');
    expect(enc(R.NILARRAY, 2)).toBe('*-1\r\n');
    expect(enc(R.NILARRAY, 3)).toBe('_\r\n');
    expect(enc({ t: 'push', v: [R.bulk('message')] }, 3)).toBe('>1\r\n$7\r\nmessage\r\n');
    expect(enc({ t: 'push', v: [R.bulk('message')] }, 2)).toBe('*1\r\n$7\r\nmessage\r\n');
    expect(enc(R.EMPTY_ARRAY, 2)).toBe('*0\r\n');
    expect(enc(R.map([]), 2)).toBe('*0\r\n');
    expect(enc(R.map([]), 3)).toBe('%0\r\n');
  });

  test('integers: cached, large, bigint', () => {
    expect(enc(R.int(-1), 2)).toBe(':-1\r\n');
    expect(enc(R.int(1023), 2)).toBe(':1023\r\n');
    expect(enc(R.int(1024), 2)).toBe(':1024\r\n');
    expect(enc(R.int(-123456789012), 2)).toBe(':-123456789012\r\n');
    expect(enc(R.int(-9223372036854775808n), 3)).toBe(':-9223372036854775808\r\n');
  });

  test('bulk strings are binary (latin1) and long headers are right', () => {
    expect(encodeReply(R.bulk('\x00\xff\r\n'), 2)).toEqual(Buffer.from([0x24, 0x34, 13, 10, 0, 0xff, 13, 10, 13, 10]));
    const big = 'x'.repeat(70000);
    expect(enc(R.bulk(big), 2)).toBe('$70000\r\n' + big + '\r\n');
    expect(enc(R.bulk(''), 2)).toBe('$0\r\n\r\n');
  });

  test('doubles: %.17g, inf spelled out (ZSCORE bytes from Redis)', () => {
    expect(enc(R.double(0.1), 2)).toBe('$19\r\n0.10000000000000001\r\n');
    expect(enc(R.double(0.1), 3)).toBe(',0.10000000000000001\r\n');
    expect(enc(R.double(1e300), 2)).toBe('$23\r\n1.0000000000000001e+300\r\n');
    expect(enc(R.double(0.1 + 0.2), 3)).toBe(',0.30000000000000004\r\n');
    expect(enc(R.double(Infinity), 2)).toBe('$3\r\ninf\r\n');
    expect(enc(R.double(Infinity), 3)).toBe(',inf\r\n');
    expect(enc(R.double(-Infinity), 2)).toBe('$4\r\n-inf\r\n');
    expect(enc(R.double(-Infinity), 3)).toBe(',-inf\r\n');
    expect(enc(R.double(3), 3)).toBe(',3\r\n');
  });

  test('newlines in errors and statuses (Lua replies recorded from Redis)', () => {
    // redis.error_reply('my\r\nerr\n') -> -ERR my  err
    expect(enc(R.err('ERR my\r\nerr\n'), 2)).toBe('-ERR my  err\r\n');
    // return {err='\nx\ny\n'} -> "- x y": only trailing newlines are trimmed
    expect(enc(R.err('\nx\ny\n'), 2)).toBe('- x y\r\n');
    expect(enc(R.err('\r\n'), 2)).toBe('-\r\n');
    expect(enc(R.err(''), 3)).toBe('-\r\n');
    // redis.status_reply('\nst\n') -> "+ st ": mapped, not trimmed
    expect(enc(R.status('\nst\n'), 2)).toBe('+ st \r\n');
    expect(enc(R.status('st\r\nx'), 2)).toBe('+st  x\r\n');
    // protocol error naming a CR byte
    expect(enc(R.err("ERR Protocol error: expected '$', got '\r'"), 2)).toBe("-ERR Protocol error: expected '$', got ' '\r\n");
  });

  test('verbatim format tag is three chars, space padded', () => {
    expect(enc(R.verbatim('x', 'md'), 3)).toBe('=5\r\nmd :x\r\n');
    expect(enc(R.verbatim('x', 'markdown'), 3)).toBe('=5\r\nmar:x\r\n');
  });

  test('nested aggregates and batches', () => {
    const r = R.array([R.map([[R.bulk('a'), R.set([R.int(1)])]]), R.NIL, R.double(1.5)]);
    expect(enc(r, 2)).toBe('*3\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n$-1\r\n$3\r\n1.5\r\n');
    expect(enc(r, 3)).toBe('*3\r\n%1\r\n$1\r\na\r\n~1\r\n:1\r\n_\r\n,1.5\r\n');
    expect(encodeReplies([R.OK, R.int(1), R.NIL], 2).toString('latin1')).toBe('+OK\r\n:1\r\n$-1\r\n');
    expect(encodeReplyString(R.bulk('\xe9'), 2)).toBe('$1\r\n\xe9\r\n');
  });

  test('round trip through the reply parser', () => {
    const samples: Reply[] = [
      R.array([R.bulk('x'), R.int(-3), R.err('WRONGTYPE w'), R.status('s'), R.array([])]),
      R.map([[R.bulk('k'), R.array([R.double(2.5), R.bool(true), R.NIL])]]),
      R.set([R.bulk('\x00\x01')]),
      R.verbatim('hello'),
      R.bignum('-12345678901234567890'),
      { t: 'push', v: [R.bulk('p')] },
    ];
    for (const r of samples) {
      const p = parseReply(encodeReply(r, 3));
      expect(p!.reply).toEqual(r);
    }
  });
});

describe('doubles are C printf("%.17g") text', () => {
  // Right-hand sides printed by glibc printf("%.17g").
  const table: Array<[number, string]> = [
    [0.1, '0.10000000000000001'], [1.5, '1.5'], [3.141, '3.141'], [1e300, '1.0000000000000001e+300'],
    [1e-300, '1e-300'], [5e-324, '4.9406564584124654e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    // exact ties at the 18th digit: glibc rounds half to even, V8's toExponential rounds up
    [1234567890123456.75, '1234567890123456.8'], [1234567890123456.25, '1234567890123456.2'],
    [0.30000000000000004, '0.30000000000000004'], [100, '100'], [1e16, '10000000000000000'], [1e17, '1e+17'],
    [123456789012345678, '1.2345678901234568e+17'], [0.0001, '0.0001'], [0.00001, '1.0000000000000001e-05'],
    [2.5e-5, '2.5000000000000001e-05'], [1e21, '1e+21'], [-2.5, '-2.5'], [3.0000000000000004, '3.0000000000000004'],
    [9007199254740993, '9007199254740992'], [0.5, '0.5'], [123.456, '123.456'], [-1e-7, '-9.9999999999999995e-08'],
    [4.35, '4.3499999999999996'], [2.675, '2.6749999999999998'], [1e15, '1000000000000000'], [99999999999999999, '1e+17'],
    [0, '0'], [-0, '-0'], [NaN, 'nan'],
  ];
  test.each(table)('%s', (x, s) => expect(doubleText(x)).toBe(s));
});
