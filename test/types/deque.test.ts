import { describe, it, expect } from 'vitest';
import { Deque } from '../../src/types/deque.js';
import { SeededRandom } from '../../src/random.js';
import { RedSim } from '../../src/server.js';
import { VirtualClock } from '../../src/clock.js';

describe('Deque', () => {
  it('pushes and pops at both ends across wrap-around and growth', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 5; i++) d.pushBack(i);
    for (let i = 1; i <= 5; i++) d.pushFront(-i);
    expect(d.toArray()).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect(d.length).toBe(10);
    expect(d.popFront()).toBe(-5);
    expect(d.popBack()).toBe(4);
    expect(d.at(0)).toBe(-4);
    expect(d.at(7)).toBe(3);
    expect(d.at(8)).toBeUndefined();
    expect(d.at(-1)).toBeUndefined();
    expect([...d]).toEqual([-4, -3, -2, -1, 0, 1, 2, 3]);
    expect(d.slice(2, 5)).toEqual([-2, -1, 0]);
    expect(d.slice(6, 100)).toEqual([2, 3]);
    expect(d.slice(5, 2)).toEqual([]);
  });

  it('pops undefined when empty and stays usable', () => {
    const d = new Deque<string>();
    expect(d.popFront()).toBeUndefined();
    expect(d.popBack()).toBeUndefined();
    d.pushFront('a');
    expect(d.toArray()).toEqual(['a']);
  });

  it('insert, removeAt, retain, trim, clear, clone, from', () => {
    const d = Deque.from(['a', 'b', 'c', 'd', 'e']);
    d.insert(1, 'x');
    d.insert(5, 'y');
    d.insert(0, 'f');
    d.insert(d.length, 'l');
    expect(d.toArray()).toEqual(['f', 'a', 'x', 'b', 'c', 'd', 'y', 'e', 'l']);
    expect(d.removeAt(2)).toBe('x');
    expect(d.removeAt(5)).toBe('y');
    expect(d.toArray()).toEqual(['f', 'a', 'b', 'c', 'd', 'e', 'l']);
    expect(d.retain((v, i) => v !== 'c' && i !== 0)).toBe(2);
    expect(d.toArray()).toEqual(['a', 'b', 'd', 'e', 'l']);
    const c = d.clone();
    d.trim(1, 3);
    expect(d.toArray()).toEqual(['b', 'd']);
    expect(c.toArray()).toEqual(['a', 'b', 'd', 'e', 'l']);
    expect(d.indexOf('d')).toBe(1);
    expect(d.indexOf('zz')).toBe(-1);
    d.set(0, 'B');
    expect(d.toArray()).toEqual(['B', 'd']);
    expect(() => d.set(2, 'q')).toThrow(RangeError);
    d.clear();
    expect(d.length).toBe(0);
    expect(Deque.from(new Set([1, 2])).toArray()).toEqual([1, 2]);
  });

  it('matches a plain array model over 10k random operations', () => {
    const rnd = new SeededRandom(7);
    const d = new Deque<number>();
    let model: number[] = [];
    let next = 0;
    for (let step = 0; step < 10000; step++) {
      const op = rnd.int(100);
      const n = model.length;
      if (op < 22) { d.pushBack(next); model.push(next++); }
      else if (op < 44) { d.pushFront(next); model.unshift(next++); }
      else if (op < 60) expect(d.popFront()).toBe(model.shift());
      else if (op < 76) expect(d.popBack()).toBe(model.pop());
      else if (op < 80) {
        const i = rnd.int(n + 1);
        d.insert(i, next);
        model.splice(i, 0, next++);
      } else if (op < 84 && n) {
        const i = rnd.int(n);
        expect(d.removeAt(i)).toBe(model.splice(i, 1)[0]);
      } else if (op < 88 && n) {
        const i = rnd.int(n);
        d.set(i, next);
        model[i] = next++;
      } else if (op < 90) {
        const mod = 2 + rnd.int(5);
        expect(d.retain((v) => v % mod !== 0)).toBe(model.filter((v) => v % mod === 0).length);
        model = model.filter((v) => v % mod !== 0);
      } else if (op < 91) {
        const a = rnd.int(n + 2);
        const b = rnd.int(n + 2);
        d.trim(a, b);
        model = model.slice(Math.min(a, n), Math.max(Math.min(a, n), Math.min(b, n)));
      } else if (op < 92 && rnd.int(10) === 0) {
        const c = d.clone();
        expect(c.toArray()).toEqual(model);
      } else {
        const a = rnd.int(n + 2);
        const b = rnd.int(n + 2);
        expect(d.slice(a, b)).toEqual(model.slice(a, b));
        if (n) {
          const i = rnd.int(n);
          expect(d.at(i)).toBe(model[i]);
          expect(d.indexOf(model[i])).toBe(model.indexOf(model[i]));
        }
      }
      expect(d.length).toBe(model.length);
      if (step % 500 === 0) expect([...d]).toEqual(model);
    }
    expect(d.toArray()).toEqual(model);
  });

  it('drains a large queue back to a small buffer', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 100000; i++) d.pushBack(i);
    let bad = 0;
    for (let i = 0; i < 99990; i++) if (d.popFront() !== i) bad++;
    expect(bad).toBe(0);
    expect(d.toArray()).toEqual([99990, 99991, 99992, 99993, 99994, 99995, 99996, 99997, 99998, 99999]);
    // Internal capacity is private; the shrink keeps it a small multiple of the length.
    expect((d as unknown as { buf: unknown[] }).buf.length).toBeLessThanOrEqual(64);
  });
});

describe('list commands at queue scale', () => {
  // Not timed: with O(n) pops this would take minutes, with the deque well under a second.
  it('200k LPUSH then 200k LPOP on one list', () => {
    const c = new RedSim({ clock: new VirtualClock(), seed: 1 }).connect();
    const n = 200000;
    for (let i = 0; i < n; i++) c.callSync('LPUSH', 'q', String(i));
    expect(c.callSync('LLEN', 'q')).toBe(n);
    expect(c.callSync('LINDEX', 'q', '0')).toBe(String(n - 1));
    expect(c.callSync('LINDEX', 'q', '-1')).toBe('0');
    for (let i = n - 1; i >= 1; i--) {
      const v = c.callSync('LPOP', 'q');
      if (v !== String(i)) expect(v).toBe(String(i));
    }
    expect(c.callSync('RPOP', 'q')).toBe('0');
    expect(c.callSync('EXISTS', 'q')).toBe(0);
  });
});
