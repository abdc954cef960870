import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';

function conn() {
  return new RedSim({ clock: new VirtualClock(), seed: 1 }).connect();
}

describe('INCRBYFLOAT long double exactness (values from redis 7.0.15)', () => {
  it('accumulates in 80-bit precision and prints with %.17Lf trimming', () => {
    const c = conn();
    const seq: Array<[string, string]> = [
      ['0.1', '0.1'], ['0.2', '0.3'], ['0.3', '0.6'], ['1e17', '100000000000000000.6015625'],
      ['-1e17', '0.6015625'], ['1.1e-5', '0.6015735'], ['3.14159265358979323846', '3.74316615358979324'],
    ];
    for (const [inc, want] of seq) expect(c.callSync('INCRBYFLOAT', 'f', inc)).toBe(want);
  });
  it('keeps digits a double would lose', () => {
    const c = conn();
    c.callSync('SET', 'f', '1');
    expect(c.callSync('INCRBYFLOAT', 'f', '0.00000000000000001')).toBe('1.00000000000000001');
    c.callSync('SET', 'f', '1.23456789012345678');
    expect(c.callSync('INCRBYFLOAT', 'f', '0')).toBe('1.23456789012345678');
  });
  it('rejects NaN/Infinity results and bad operands', () => {
    const c = conn();
    expect(() => c.callSync('INCRBYFLOAT', 'f', 'inf')).toThrow('ERR increment would produce NaN or Infinity');
    expect(() => c.callSync('INCRBYFLOAT', 'f', 'abc')).toThrow('ERR value is not a valid float');
    c.callSync('SET', 'g', 'x');
    expect(() => c.callSync('INCRBYFLOAT', 'g', '1')).toThrow('ERR value is not a valid float');
  });
  it('keeps the TTL and stores an embstr even for integral results', () => {
    const c = conn();
    c.callSync('SET', 'f', '1.5', 'EX', '100');
    expect(c.callSync('INCRBYFLOAT', 'f', '1.5')).toBe('3');
    expect(c.callSync('TTL', 'f')).toBe(100);
    expect(c.callSync('OBJECT', 'ENCODING', 'f')).toBe('embstr');
    expect(c.callSync('INCR', 'f')).toBe(4);
    expect(c.callSync('OBJECT', 'ENCODING', 'f')).toBe('int');
  });
});

describe('string encodings', () => {
  it('int / embstr / raw thresholds', () => {
    const c = conn();
    const cases: Array<[string, string]> = [
      ['123', 'int'], ['-9223372036854775808', 'int'], ['9223372036854775808', 'embstr'], ['0123', 'embstr'],
      ['+1', 'embstr'], ['-0', 'embstr'], ['x'.repeat(44), 'embstr'], ['x'.repeat(45), 'raw'], ['', 'embstr'],
    ];
    for (const [v, enc] of cases) {
      c.callSync('SET', 'k', v);
      expect(c.callSync('OBJECT', 'ENCODING', 'k'), v).toBe(enc);
    }
  });
  it('APPEND and SETRANGE produce raw strings, even with an empty append', () => {
    const c = conn();
    c.callSync('SET', 'k', '5');
    c.callSync('APPEND', 'k', '');
    expect(c.callSync('OBJECT', 'ENCODING', 'k')).toBe('raw');
    c.callSync('SETRANGE', 'n', '2', 'ab');
    expect(c.callSync('OBJECT', 'ENCODING', 'n')).toBe('raw');
    expect(c.callSync('GET', 'n')).toBe('\0\0ab');
    c.callSync('APPEND', 'fresh', '42');
    expect(c.callSync('OBJECT', 'ENCODING', 'fresh')).toBe('int');
  });
  it('shared integers 0..9999 report refcount INT_MAX, copies do not', () => {
    const c = conn();
    c.callSync('SET', 'a', '9999');
    expect(c.callSync('OBJECT', 'REFCOUNT', 'a')).toBe(2147483647);
    c.callSync('SET', 'b', '10000');
    expect(c.callSync('OBJECT', 'REFCOUNT', 'b')).toBe(1);
    c.callSync('COPY', 'a', 'a2');
    expect(c.callSync('OBJECT', 'REFCOUNT', 'a2')).toBe(1);
    expect(c.callSync('OBJECT', 'ENCODING', 'a2')).toBe('int');
  });
  it('maxmemory with an LRU policy disables shared integers for new values', () => {
    const sim = new RedSim({ clock: new VirtualClock(), seed: 1, config: { maxmemory: 1000000000, 'maxmemory-policy': 'allkeys-lru' } });
    const c = sim.connect();
    c.callSync('SET', 'a', '5');
    expect(c.callSync('OBJECT', 'REFCOUNT', 'a')).toBe(1);
  });
});

describe('64-bit counters', () => {
  it('INCR at the int64 edge', () => {
    const c = conn();
    c.callSync('SET', 'n', '9223372036854775806');
    expect(c.callSync('INCR', 'n')).toBe(9223372036854775807n);
    expect(() => c.callSync('INCR', 'n')).toThrow('ERR increment or decrement would overflow');
    expect(c.callSync('GET', 'n')).toBe('9223372036854775807');
    expect(() => c.callSync('DECRBY', 'n', '-9223372036854775808')).toThrow('ERR decrement would overflow');
  });
});
