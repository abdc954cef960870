import { describe, it, expect } from 'vitest';
import { Stream, IdMap, makeId, idStr, ID_MAX, lpStrSize, encodeId, decodeId, FLAG_DELETED } from '../../src/types/stream.js';
import { buildListpack } from '../../src/commands/generic/rdb.js';

const lim = { maxBytes: 4096, maxEntries: 100 };
function fill(n: number, l = lim, fv = ['f', 'v']): Stream {
  const s = new Stream();
  for (let i = 1; i <= n; i++) s.append(makeId(BigInt(i), 0n), fv, l);
  return s;
}

describe('stream nodes mirror Redis listpacks', () => {
  it('splits nodes every stream-node-max-entries entries, deleted ones included', () => {
    const s = fill(250, { maxBytes: 0, maxEntries: 100 });
    expect(s.nodes.map((n) => n.count)).toEqual([100, 100, 50]);
    s.delete(makeId(1n, 0n));
    expect(s.nodes[0].count + s.nodes[0].deleted).toBe(100);
  });

  it('tracks the exact listpack size: the node bytes equal the bytes of the built listpack', () => {
    const s = new Stream();
    const vals = ['1', '-1', '127', '128', '-4096', '4095', '32767', '-8388608', '2147483647', '9223372036854775807', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(5000), '007', ''];
    let i = 1;
    for (const v of vals) s.append(makeId(BigInt(i++), 5n), ['f', v], { maxBytes: 0, maxEntries: 0 });
    s.append(makeId(BigInt(i++), 0n), ['other', 'v', 'g', 'w'], { maxBytes: 0, maxEntries: 0 });
    const n = s.nodes[0];
    expect(n.bytes).toBe(buildListpack(n.elements()).length);
  });

  it('XDEL of every live entry drops the node; trimming by MAXLEN ~ removes whole nodes only', () => {
    const s = fill(30, { maxBytes: 0, maxEntries: 10 });
    for (let i = 11; i <= 20; i++) s.delete(makeId(BigInt(i), 0n));
    expect(s.nodes.length).toBe(2);
    expect(s.trim({ strategy: 'maxlen', approx: true, limit: 0, maxlen: 5n, minid: 0n })).toBe(10);
    expect(s.length).toBe(10);
    expect(s.trim({ strategy: 'maxlen', approx: false, limit: 0, maxlen: 5n, minid: 0n })).toBe(5);
    expect([...s.range(0n, ID_MAX)].map((e) => idStr(e.id))).toEqual(['26-0', '27-0', '28-0', '29-0', '30-0']);
    expect(s.nodes[0].entries.filter((e) => e.flags & FLAG_DELETED).length).toBe(5);
  });

  it('ranges are found by binary search over nodes: forward, reverse, tombstones skipped', () => {
    const s = fill(1000);
    s.delete(makeId(500n, 0n));
    const fwd = [...s.range(makeId(498n, 0n), makeId(502n, 0n))].map((e) => idStr(e.id));
    expect(fwd).toEqual(['498-0', '499-0', '501-0', '502-0']);
    const rev = [...s.range(makeId(498n, 0n), makeId(502n, 0n), true)].map((e) => idStr(e.id));
    expect(rev).toEqual(['502-0', '501-0', '499-0', '498-0']);
    expect(s.get(makeId(500n, 0n))).toBeUndefined();
    expect(s.get(makeId(501n, 0n))?.fv).toEqual(['f', 'v']);
    expect(s.lastValidId()).toBe(makeId(1000n, 0n));
  });

  it('XRANGE near the end of 10^6 entries is O(log n + count)', () => {
    const s = fill(1_000_000);
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const it = s.range(makeId(999_990n, 0n), ID_MAX);
      for (let k = 0; k < 5; k++) it.next();
    }
    // 1000 range calls over a million entries: far below one linear scan each.
    expect(performance.now() - t0).toBeLessThan(1000);
  }, 60_000);

  it('radix tree node count of the node keys', () => {
    expect(new Stream().raxNodes()).toBe(1);
    expect(fill(1).raxNodes()).toBe(2);
  });

  it('lpStrSize follows listpack integer and string encodings', () => {
    expect(lpStrSize('12')).toBe(2);
    expect(lpStrSize('128')).toBe(3);
    expect(lpStrSize('-1')).toBe(3);
    expect(lpStrSize('01')).toBe(4);
    expect(lpStrSize('a'.repeat(64))).toBe(67);
  });

  it('ids encode as 16 big-endian bytes', () => {
    const id = makeId(0x0102030405060708n, 0x1112131415161718n);
    expect(decodeId(encodeId(id))).toBe(id);
    expect(encodeId(id).charCodeAt(0)).toBe(1);
  });
});

describe('IdMap (the PEL radix trees)', () => {
  it('keeps ids ordered with insertions anywhere and deletions', () => {
    const m = new IdMap<number>();
    for (const i of [5n, 1n, 9n, 3n]) m.set(i, Number(i));
    m.delete(9n);
    expect([...m.entries()].map(([k]) => k)).toEqual([1n, 3n, 5n]);
    expect(m.seek(4n)).toBe(2);
    expect(m.first()).toBe(1n);
    expect(m.last()).toBe(5n);
  });
});
