import { describe, it, expect } from 'vitest';
import { RedSim } from '../../../src/server.js';
import { VirtualClock } from '../../../src/clock.js';
import { crc64, parseZiplist, parseListpack, buildListpack } from '../../../src/commands/generic/rdb.js';

function conn() {
  const sim = new RedSim({ clock: new VirtualClock(), seed: 1 });
  return { sim, c: sim.connect() };
}

const dump = (c: ReturnType<typeof conn>['c'], k: string): string => (c.send('DUMP', k) as { v: string }).v;

/** A payload with the RDB 10 footer and a valid checksum. */
function payload(body: string): string {
  const s = body + '\x0a\x00';
  return s + crc64(s);
}

function le64double(s: string, at: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 8; i++) dv.setUint8(i, s.charCodeAt(at + i));
  return dv.getFloat64(0, true);
}

describe('DUMP/RESTORE of sorted sets', () => {
  it('listpack zsets store integral scores as integers and -0 as 0', () => {
    const { c } = conn();
    c.callSync('ZADD', 'z', '-0', 'a', '1.5', 'b', '300', 'c');
    const p = dump(c, 'z');
    expect(p.charCodeAt(0)).toBe(17); // RDB_TYPE_ZSET_LISTPACK
    // Short enough to stay uncompressed: length byte then the listpack.
    const lp = parseListpack(p.slice(2, 2 + p.charCodeAt(1)));
    expect(lp).toEqual(['a', '0', 'b', '1.5', 'c', '300']);
  });

  it('skiplist zsets are written greatest first with binary doubles', () => {
    const { c } = conn();
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    c.callSync('ZADD', 'z', '1', 'low', '2.5', 'mid', 'inf', 'top');
    expect(c.callSync('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
    const p = dump(c, 'z');
    expect(p.charCodeAt(0)).toBe(5); // RDB_TYPE_ZSET_2
    expect(p.charCodeAt(1)).toBe(3);
    expect(p.slice(2, 6)).toBe('\x03top');
    expect(le64double(p, 6)).toBe(Infinity);
    expect(p.slice(14, 18)).toBe('\x03mid');
    expect(le64double(p, 18)).toBe(2.5);
  });

  it('RESTORE picks the encoding from the current limits', () => {
    const { c } = conn();
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    c.callSync('ZADD', 'z', '1', 'a', '-0', 'b');
    const skip = Buffer.from(dump(c, 'z'), 'latin1');
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
    expect(c.callSync('RESTORE', 'small', '0', skip)).toBe('OK');
    // Converted to a listpack on load; the -0 score becomes 0 there.
    expect(c.callSync('OBJECT', 'ENCODING', 'small')).toBe('listpack');
    expect(c.callSync('ZSCORE', 'small', 'b')).toBe('0');
    c.callSync('ZADD', 'lp', '1', 'x'.repeat(50));
    const lp = Buffer.from(dump(c, 'lp'), 'latin1');
    // A listpack payload is only converted for its entry count, not member length.
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-value', '3');
    c.callSync('RESTORE', 'lp2', '0', lp);
    expect(c.callSync('OBJECT', 'ENCODING', 'lp2')).toBe('listpack');
    c.callSync('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    c.callSync('RESTORE', 'lp3', '0', lp);
    expect(c.callSync('OBJECT', 'ENCODING', 'lp3')).toBe('skiplist');
    expect(c.callSync('ZRANGE', 'lp3', '0', '-1', 'WITHSCORES')).toEqual(['x'.repeat(50), '1']);
  });

  it('rejects NaN scores and duplicate members', () => {
    const { c } = conn();
    const nan = String.fromCharCode(0, 0, 0, 0, 0, 0, 0xf8, 0x7f);
    const one = String.fromCharCode(0, 0, 0, 0, 0, 0, 0xf0, 0x3f);
    const bad = (body: string) => c.callSync('RESTORE', 'k', '0', Buffer.from(payload(body), 'latin1'));
    expect(() => bad('\x05\x01\x01a' + nan)).toThrow('ERR Bad data format');
    expect(() => bad('\x05\x02\x01a' + one + '\x01a' + one)).toThrow('ERR Bad data format');
    expect(() => bad('\x05\x00')).toThrow('ERR Bad data format');
    expect(bad('\x05\x01\x01a' + one)).toBe('OK');
    expect(c.callSync('ZSCORE', 'k', 'a')).toBe('1');
  });
});

describe('list node boundaries', () => {
  // Node counts taken from DUMPs of the same RPUSH-built lists on Redis 7.0.15.
  const cases: Array<[string, string[], number]> = [
    ['2000 short strings', Array.from({ length: 2000 }, (_, i) => `element${String(i).padStart(4, '0')}`), 4],
    ['300 x 100 bytes', Array.from({ length: 300 }, () => 'x'.repeat(100)), 4],
    ['5000 integers', Array.from({ length: 5000 }, (_, i) => String(i)), 2],
  ];
  for (const [name, items, nodes] of cases) {
    it(name, () => {
      const { c } = conn();
      for (let i = 0; i < items.length; i += 500) c.callSync('RPUSH', 'l', ...items.slice(i, i + 500));
      const p = dump(c, 'l');
      expect(p.charCodeAt(0)).toBe(18);
      expect(p.charCodeAt(1)).toBe(nodes);
      c.callSync('RESTORE', 'l2', '0', Buffer.from(p, 'latin1'));
      expect(c.callSync('LRANGE', 'l2', '0', '-1')).toEqual(items);
    });
  }
});

describe('legacy encodings', () => {
  it('parses ziplist entries of every encoding', () => {
    // prevlen, encoding, data: "ab", int8 -5, imm 7 (0xf8), int16 300, int24, int32, int64, 6-bit string
    const le = (v: bigint, n: number) => {
      let s = '';
      let u = v < 0n ? (1n << BigInt(n * 8)) + v : v;
      for (let i = 0; i < n; i++) { s += String.fromCharCode(Number(u & 0xffn)); u >>= 8n; }
      return s;
    };
    const entries = ['\x02ab', '\xfe' + le(-5n, 1), '\xf8', '\xc0' + le(300n, 2), '\xf0' + le(-100000n, 3),
      '\xd0' + le(2n ** 31n - 1n, 4), '\xe0' + le(-(2n ** 63n), 8)];
    let body = '';
    let prev = 0;
    for (const e of entries) { body += String.fromCharCode(prev) + e; prev = e.length + 1; }
    const total = 10 + body.length + 1;
    // zltail: the offset of the last entry (ziplistValidateIntegrity checks it)
    const tail = 10 + body.length - (entries[entries.length - 1].length + 1);
    const zl = le(BigInt(total), 4) + le(BigInt(tail), 4) + le(BigInt(entries.length), 2) + body + '\xff';
    expect(parseZiplist(zl)).toEqual(['ab', '-5', '7', '300', '-100000', '2147483647', '-9223372036854775808']);
    expect(parseZiplist(zl.slice(0, -2) + '\xff')).toBeNull();
  });

  it('restores a Redis 6 ziplist hash as a listpack hash', () => {
    const { c } = conn();
    const zl = '\x10\x00\x00\x00\x0d\x00\x00\x00\x02\x00\x00\x01f\x03\xf2\xff';
    expect(c.callSync('RESTORE', 'h', '0', Buffer.from(payload('\x0d' + String.fromCharCode(zl.length) + zl), 'latin1'))).toBe('OK');
    expect(c.callSync('HGETALL', 'h')).toEqual(['f', '1']);
    expect(c.callSync('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    expect(dump(c, 'h').charCodeAt(0)).toBe(16);
  });

  it('listpack builder and parser agree', () => {
    const items = ['', 'a', '0', '-1', '4096', '-4096', 'x'.repeat(64), 'y'.repeat(5000), '9223372036854775807', '007'];
    expect(parseListpack(buildListpack(items))).toEqual(items);
  });
});

describe('SORT on sorted sets', () => {
  it('reads members in rank order and converts a listpack to a skiplist', () => {
    const { c } = conn();
    c.callSync('ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '2', 'ab');
    expect(c.callSync('SORT', 'z', 'BY', 'nosort')).toEqual(['a', 'ab', 'b', 'c']);
    expect(c.callSync('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2')).toEqual(['b', 'ab']);
    expect(c.callSync('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
  });
});

describe('intset width after RESTORE', () => {
  it('keeps the blob entry width, so a second DUMP is identical', async () => {
    const c = new RedSim({ seed: 1 }).connect();
    c.callSync('SADD', 'narrow', '1', '0', '65536');
    c.callSync('SREM', 'narrow', '65536');
    const d = (await c.callBuffer('DUMP', 'narrow')) as Buffer;
    expect(d[2]).toBe(4); // intset header: 4-byte entries survive the removal
    await c.call('RESTORE', 'copy', '0', d);
    expect(await c.callBuffer('DUMP', 'copy')).toEqual(d);
  });
});
