import { describe, it, expect } from 'vitest';
import { checkScript } from '../../src/scripting/static-check.js';

describe('static script checks (luaparse)', () => {
  it('accepts a clean CAS script', () => {
    expect(checkScript("local v = redis.call('GET', KEYS[1])\nif v == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2]) end\nreturn 0")).toEqual([]);
  });
  it('flags global writes, global functions and unknown globals with their lines', () => {
    const f = checkScript('x = 1\nfunction g() end\nreturn os.time()');
    expect(f.map((x) => [x.line, x.severity, x.message.split(':')[0]])).toEqual([
      [1, 'error', "assignment to global 'x'"],
      [2, 'error', "global function 'g'"],
      [3, 'warning', "global 'os' does not exist in the Redis sandbox"],
    ]);
  });
  it('flags literal keys, empty redis.call and writes in read-only scripts', () => {
    const f = checkScript("redis.call('SET', 'k', 1)\nredis.pcall()", { readOnly: true });
    expect(f.map((x) => x.message.slice(0, 30))).toEqual([
      "'set' writes: \"Write commands ",
      "literal key name in redis.call",
      'redis.call without arguments: ',
    ]);
  });
  it('reports 5.3-only syntax as a syntax finding', () => {
    const f = checkScript('return 1 & 2');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message.startsWith('syntax: ')).toBe(true);
  });
});
