import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

const mk = () => new RedSim({ clock: new VirtualClock(), seed: 1 });

describe('list commands', () => {
  it('OBJECT ENCODING is always quicklist in 7.0 (no listpack lists)', () => {
    const c = mk().connect();
    c.callSync('RPUSH', 'l', 'a');
    expect(c.callSync('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
    c.callSync('CONFIG', 'SET', 'list-max-listpack-size', '2');
    c.callSync('RPUSH', 'l', 'x'.repeat(10000), 'b', 'c');
    expect(c.callSync('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
    c.callSync('LTRIM', 'l', '0', '0');
    expect(c.callSync('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
  });

  it('LPUSH of many elements puts the last argument at the head', () => {
    const c = mk().connect();
    const n = 5000;
    const args = Array.from({ length: n }, (_, i) => String(i));
    expect(c.callSync('RPUSH', 'l', 'tail')).toBe(1);
    expect(c.callSync('LPUSH', 'l', ...args)).toBe(n + 1);
    expect(c.callSync('LINDEX', 'l', '0')).toBe(String(n - 1));
    expect(c.callSync('LINDEX', 'l', '-2')).toBe('0');
    expect(c.callSync('LINDEX', 'l', '-1')).toBe('tail');
    expect(c.callSync('LRANGE', 'l', '0', '2')).toEqual([String(n - 1), String(n - 2), String(n - 3)]);
  });

  it('RPOP with COUNT returns elements in pop order and deletes the emptied key', () => {
    const c = mk().connect();
    c.callSync('RPUSH', 'l', 'a', 'b', 'c');
    expect(c.callSync('RPOP', 'l', '2')).toEqual(['c', 'b']);
    expect(c.callSync('LPOP', 'l', '5')).toEqual(['a']);
    expect(c.callSync('EXISTS', 'l')).toBe(0);
  });

  it('nil shapes: RESP2 $-1 vs *-1, RESP3 _ for both', async () => {
    const c = mk().connect();
    expect((await c.callRaw('LPOP', 'nosuch')).toString()).toBe('$-1\r\n');
    expect((await c.callRaw('LPOP', 'nosuch', '1')).toString()).toBe('*-1\r\n');
    expect((await c.callRaw('LMPOP', '1', 'nosuch', 'LEFT')).toString()).toBe('*-1\r\n');
    expect((await c.callRaw('LPOS', 'nosuch', 'a')).toString()).toBe('$-1\r\n');
    expect((await c.callRaw('LPOS', 'nosuch', 'a', 'COUNT', '0')).toString()).toBe('*0\r\n');
    c.callSync('HELLO', '3');
    expect((await c.callRaw('LPOP', 'nosuch')).toString()).toBe('_\r\n');
    expect((await c.callRaw('LPOP', 'nosuch', '1')).toString()).toBe('_\r\n');
    expect((await c.callRaw('LINDEX', 'nosuch', '0')).toString()).toBe('_\r\n');
    c.callSync('RPUSH', 'l', 'a');
    expect((await c.callRaw('LPOP', 'l', '0')).toString()).toBe('*0\r\n');
  });

  it('LPOS RANK LONG_MIN: every match counts and COUNT never stops the scan (C overflow)', () => {
    const c = mk().connect();
    c.callSync('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a');
    expect(c.callSync('LPOS', 'l', 'a', 'RANK', '-9223372036854775808')).toBe(4);
    expect(c.callSync('LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1')).toEqual([4, 2, 0]);
    expect(c.callSync('LPOS', 'l', 'a', 'RANK', '-9223372036854775807', 'COUNT', '1')).toEqual([]);
    expect(c.callSync('LPOS', 'l', 'a', 'RANK', '-2', 'COUNT', '0', 'MAXLEN', '3')).toEqual([2]);
  });

  it('LREM with a LONG_MIN count removes every match', () => {
    const c = mk().connect();
    c.callSync('RPUSH', 'l', 'x', 'y', 'x', 'x');
    expect(c.callSync('LREM', 'l', '-9223372036854775808', 'x')).toBe(3);
    expect(c.callSync('LRANGE', 'l', '0', '-1')).toEqual(['y']);
  });

  it('LMOVE on a one-element list onto itself rotates instead of deleting', () => {
    const c = mk().connect();
    c.callSync('RPUSH', 'l', 'only');
    expect(c.callSync('LMOVE', 'l', 'l', 'LEFT', 'RIGHT')).toBe('only');
    expect(c.callSync('LRANGE', 'l', '0', '-1')).toEqual(['only']);
  });

  it('COPY makes an independent list', () => {
    const c = mk().connect();
    c.callSync('RPUSH', 'l', 'a', 'b');
    c.callSync('COPY', 'l', 'l2');
    c.callSync('LPUSH', 'l', 'x', 'y');
    c.callSync('RPOP', 'l2');
    expect(c.callSync('LRANGE', 'l', '0', '-1')).toEqual(['y', 'x', 'a', 'b']);
    expect(c.callSync('LRANGE', 'l2', '0', '-1')).toEqual(['a']);
  });

  it('binary-safe elements (bytes 0..255)', () => {
    const c = mk().connect();
    const bin = Buffer.from([0, 255, 13, 10, 128]);
    c.callSync('RPUSH', 'l', bin, 'a');
    expect(c.callSync('LPOS', 'l', bin)).toBe(0);
    expect(c.callSync('LINSERT', 'l', 'AFTER', bin, 'm')).toBe(3);
    expect(c.callSync('LREM', 'l', '0', bin)).toBe(1);
    expect(c.callSync('LRANGE', 'l', '0', '-1')).toEqual(['m', 'a']);
  });

  it('WATCH: no-op writes do not dirty, LTRIM always does', () => {
    const sim = mk();
    const a = sim.connect();
    const b = sim.connect();
    a.callSync('RPUSH', 'l', 'a', 'b');
    const check = (write: () => void): unknown => {
      a.callSync('WATCH', 'l');
      write();
      a.callSync('MULTI');
      a.callSync('PING');
      return a.callSync('EXEC');
    };
    expect(check(() => { b.callSync('LPUSHX', 'nosuch', 'x'); b.callSync('LPOP', 'l', '0'); b.callSync('LREM', 'l', '0', 'zz'); })).toEqual(['PONG']);
    expect(check(() => { b.callSync('LINSERT', 'l', 'BEFORE', 'zz', 'q'); b.send('LSET', 'l', '9', 'q'); })).toEqual(['PONG']);
    expect(check(() => b.callSync('LTRIM', 'l', '0', '-1'))).toBeNull();
    expect(check(() => b.callSync('LSET', 'l', '0', 'z'))).toBeNull();
    expect(check(() => b.callSync('RPOPLPUSH', 'l', 'other'))).toBeNull();
  });
});
