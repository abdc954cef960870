import { describe, it, expect } from 'vitest';
import {
  ZSet, LEX_MAX, LEX_MIN, cmpLex, zsetAdd, newZSetValue, newZSetFor, convertToListpackIfNeeded,
  ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX, type ScoreRange, type LexRange,
} from '../../src/types/zset.js';
import { SeededRandom } from '../../src/random.js';

type Pair = [string, number];

/** Reference model: a plain array kept sorted by (score, member bytes). */
function sortedModel(m: Map<string, number>): Pair[] {
  return [...m].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function inScore(s: number, r: ScoreRange): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}
function inLex(m: string, r: LexRange): boolean {
  const lo = cmpLex(m, r.min);
  const hi = cmpLex(m, r.max);
  return (r.minex ? lo > 0 : lo >= 0) && (r.maxex ? hi < 0 : hi <= 0);
}

function checkInvariants(z: ZSet, model: Map<string, number>): void {
  const want = sortedModel(model);
  expect(z.size).toBe(want.length);
  expect([...z.entries()]).toEqual(want);
  // Backward links mirror forward order.
  const back: Pair[] = [];
  for (let x = z.last(); x; x = x.backward) back.push([x.member, x.score]);
  expect(back.reverse()).toEqual(want);
  want.forEach(([m], i) => {
    expect(z.rank(m)).toBe(i);
    expect(z.at(i)?.member).toBe(m);
  });
}

describe('ZSet skiplist', () => {
  it('orders by score then member bytes, ties included', () => {
    const z = new ZSet();
    z.insert('b', 1);
    z.insert('a', 1);
    z.insert('\xff', 1);
    z.insert('', 1);
    z.insert('c', -Infinity);
    z.insert('d', Infinity);
    z.insert('a\x00', 1);
    expect([...z.entries()].map(([m]) => m)).toEqual(['c', '', 'a', 'a\x00', 'b', '\xff', 'd']);
    expect(z.rank('missing')).toBe(-1);
    expect(z.at(-1)).toBeNull();
    expect(z.at(7)).toBeNull();
  });

  it('treats -0 and 0 as equal scores (ordered by member)', () => {
    const z = new ZSet();
    z.insert('b', -0);
    z.insert('a', 0);
    expect([...z.entries()].map(([m]) => m)).toEqual(['a', 'b']);
    expect(Object.is(z.score('b'), -0)).toBe(true);
    expect(z.countInRange({ min: 0, max: 0, minex: false, maxex: false })).toBe(2);
  });

  it('matches a sorted-array model under random inserts, deletes and updates', () => {
    const rnd = new SeededRandom(42);
    const z = new ZSet();
    const model = new Map<string, number>();
    for (let step = 0; step < 3000; step++) {
      const m = 'm' + rnd.int(300);
      const op = rnd.int(3);
      const score = rnd.int(20) - 10 + (rnd.int(2) ? 0.5 : 0);
      if (op === 0 && !model.has(m)) { z.insert(m, score); model.set(m, score); }
      else if (op === 1) expect(z.delete(m)).toBe(model.delete(m));
      else if (model.has(m)) { z.updateScore(m, score); model.set(m, score); }
      if (step % 500 === 0) checkInvariants(z, model);
    }
    checkInvariants(z, model);
  });

  it('updates a score in place when the order does not change (zslUpdateScore), else moves the node', () => {
    const rnd = new SeededRandom(99);
    const z = new ZSet();
    const model = new Map<string, number>();
    // Dict order as delete + insert always left it: an updated member goes last.
    const dictOrder: string[] = [];
    for (let i = 0; i < 400; i++) {
      const m = 'm' + i;
      const score = rnd.int(100);
      z.insert(m, score); model.set(m, score); dictOrder.push(m);
    }
    let inPlace = 0, moved = 0;
    for (let step = 0; step < 6000; step++) {
      const m = 'm' + rnd.int(400);
      const cur = model.get(m)!;
      // Small deltas (often keeping the place), ties with -0/0, and big jumps.
      const kind = rnd.int(4);
      const score = kind === 0 ? cur + (rnd.int(3) - 1) * 0.25 : kind === 1 ? (rnd.int(2) ? -0 : 0) : kind === 2 ? cur : rnd.int(100);
      const before = sortedModel(model);
      const rankBefore = before.findIndex(([x]) => x === m);
      const node = z.at(rankBefore)!;
      expect(node.member).toBe(m);
      z.updateScore(m, score);
      model.set(m, score);
      dictOrder.splice(dictOrder.indexOf(m), 1);
      dictOrder.push(m);
      const after = sortedModel(model);
      const rankAfter = after.findIndex(([x]) => x === m);
      const same = rankAfter === rankBefore;
      // In place exactly when the rank is unchanged: the very same node carries the new score.
      expect(z.at(rankAfter) === node).toBe(same);
      expect(Object.is(z.at(rankAfter)!.score, score)).toBe(true);
      if (same) inPlace++; else moved++;
      if (step % 300 === 0) {
        checkInvariants(z, model);
        expect([...z.dict.keys()]).toEqual(dictOrder);
      }
    }
    checkInvariants(z, model);
    expect([...z.dict.keys()]).toEqual(dictOrder);
    expect([...z.dict]).toEqual(dictOrder.map((m) => [m, model.get(m)]));
    // Both paths were exercised.
    expect(inPlace).toBeGreaterThan(500);
    expect(moved).toBeGreaterThan(500);
  });

  it('finds score and lex ranges, counts and deletes them like the model', () => {
    const rnd = new SeededRandom(7);
    for (let round = 0; round < 60; round++) {
      const z = new ZSet();
      const model = new Map<string, number>();
      const n = rnd.int(40);
      for (let i = 0; i < n; i++) {
        const m = String.fromCharCode(97 + rnd.int(6)) + String.fromCharCode(97 + rnd.int(6));
        if (model.has(m)) continue;
        const s = rnd.int(8);
        z.insert(m, s);
        model.set(m, s);
      }
      const sorted = sortedModel(model);
      const r: ScoreRange = { min: rnd.int(10) - 1, max: rnd.int(10) - 1, minex: rnd.int(2) === 1, maxex: rnd.int(2) === 1 };
      const inR = sorted.filter(([, s]) => inScore(s, r));
      expect(z.firstInRange(r)?.member ?? null).toBe(inR[0]?.[0] ?? null);
      expect(z.lastInRange(r)?.member ?? null).toBe(inR[inR.length - 1]?.[0] ?? null);
      expect(z.countInRange(r)).toBe(inR.length);
      const bound = () => {
        const k = rnd.int(5);
        return k === 0 ? LEX_MIN : k === 1 ? LEX_MAX : String.fromCharCode(97 + rnd.int(6));
      };
      const lr: LexRange = { min: bound(), max: bound(), minex: rnd.int(2) === 1, maxex: rnd.int(2) === 1 };
      if (typeof lr.min !== 'string') lr.minex = true;
      if (typeof lr.max !== 'string') lr.maxex = true;
      // Lex ranges are only meaningful with equal scores: use a flat copy.
      const flat = new ZSet();
      const flatModel = new Map<string, number>();
      for (const [m] of sorted) { flat.insert(m, 0); flatModel.set(m, 0); }
      const inL = sortedModel(flatModel).filter(([m]) => inLex(m, lr));
      expect(flat.firstInLexRange(lr)?.member ?? null).toBe(inL[0]?.[0] ?? null);
      expect(flat.lastInLexRange(lr)?.member ?? null).toBe(inL[inL.length - 1]?.[0] ?? null);
      expect(flat.countInLexRange(lr)).toBe(inL.length);
      expect(flat.deleteRangeByLex(lr)).toBe(inL.length);
      for (const [m] of inL) flatModel.delete(m);
      checkInvariants(flat, flatModel);

      expect(z.deleteRangeByScore(r)).toBe(inR.length);
      for (const [m] of inR) model.delete(m);
      checkInvariants(z, model);
      if (z.size > 0) {
        const a = rnd.int(z.size);
        const b = a + rnd.int(z.size - a);
        const doomed = sortedModel(model).slice(a, b + 1);
        expect(z.deleteRangeByRank(a, b)).toBe(doomed.length);
        for (const [m] of doomed) model.delete(m);
        checkInvariants(z, model);
      }
    }
  });

  it('clone() is deep and keeps order', () => {
    const z = new ZSet();
    for (let i = 0; i < 50; i++) z.insert('k' + i, i % 7);
    const c = z.clone();
    expect([...c.entries()]).toEqual([...z.entries()]);
    c.delete('k1');
    expect(z.has('k1')).toBe(true);
    expect(c.size).toBe(49);
  });

  it('handles 100k members with logarithmic operations', () => {
    const z = new ZSet();
    const N = 100_000;
    const rnd = new SeededRandom(3);
    for (let i = 0; i < N; i++) z.insert('member:' + i, rnd.int(1_000_000));
    expect(z.size).toBe(N);
    let prev = -Infinity;
    for (let i = 0; i < N; i += 997) {
      const node = z.at(i)!;
      expect(node.score).toBeGreaterThanOrEqual(prev);
      prev = node.score;
      expect(z.rank(node.member)).toBe(i);
    }
    for (let i = 0; i < N; i += 2) z.delete('member:' + i);
    expect(z.size).toBe(N / 2);
    expect(z.countInRange({ min: -Infinity, max: Infinity, minex: false, maxex: false })).toBe(N / 2);
    expect(z.deleteRangeByRank(0, 9999)).toBe(10000);
    expect(z.size).toBe(N / 2 - 10000);
  });
});

describe('zsetAdd and encodings', () => {
  const lim = { maxEntries: 3, maxValue: 5 };

  it('implements NX/XX/GT/LT/INCR flags as Redis zsetAdd', () => {
    const zv = newZSetValue('listpack');
    expect(zsetAdd(zv, 1, 'a', 0, lim)).toMatchObject({ added: true, newScore: 1 });
    expect(zsetAdd(zv, 1, 'a', 0, lim)).toMatchObject({ added: false, updated: false, nop: false });
    expect(zsetAdd(zv, 5, 'a', ZADD_NX, lim)).toMatchObject({ nop: true });
    expect(zsetAdd(zv, 5, 'b', ZADD_XX, lim)).toMatchObject({ nop: true });
    expect(zsetAdd(zv, 0, 'a', ZADD_GT, lim)).toMatchObject({ nop: true });
    expect(zsetAdd(zv, 2, 'a', ZADD_GT, lim)).toMatchObject({ updated: true, newScore: 2 });
    expect(zsetAdd(zv, 2, 'a', ZADD_LT, lim)).toMatchObject({ nop: true });
    expect(zsetAdd(zv, 3, 'a', ZADD_INCR, lim)).toMatchObject({ updated: true, newScore: 5 });
    expect(zsetAdd(zv, -1, 'a', ZADD_INCR | ZADD_GT, lim)).toMatchObject({ nop: true });
    expect(zv.v.score('a')).toBe(5);
    zsetAdd(zv, Infinity, 'i', 0, lim);
    expect(zsetAdd(zv, -Infinity, 'i', ZADD_INCR, lim)).toMatchObject({ nan: true });
    expect(zv.v.score('i')).toBe(Infinity);
    expect(zsetAdd(zv, NaN, 'z', 0, lim)).toMatchObject({ nan: true });
  });

  it('stores -0 as 0 in a listpack, keeps it in a skiplist', () => {
    const lp = newZSetValue('listpack');
    const r = zsetAdd(lp, -0, 'm', 0, lim);
    expect(Object.is(r.newScore, -0)).toBe(true);
    expect(Object.is(lp.v.score('m'), 0)).toBe(true);
    const sl = newZSetValue('skiplist');
    zsetAdd(sl, -0, 'm', 0, lim);
    expect(Object.is(sl.v.score('m'), -0)).toBe(true);
    // Equal scores: no update, the stored -0 stays.
    expect(zsetAdd(sl, 0, 'm', 0, lim).updated).toBe(false);
    expect(Object.is(sl.v.score('m'), -0)).toBe(true);
    convertToListpackIfNeeded(sl, lim);
    expect(sl.enc).toBe('listpack');
    expect(Object.is(sl.v.score('m'), 0)).toBe(true);
  });

  it('converts to skiplist when a new member crosses a limit, not on updates', () => {
    const zv = newZSetValue('listpack');
    for (const m of ['a', 'b', 'c']) zsetAdd(zv, 1, m, 0, lim);
    expect(zv.enc).toBe('listpack');
    zsetAdd(zv, 2, 'c', 0, lim);
    expect(zv.enc).toBe('listpack');
    zsetAdd(zv, 1, 'd', 0, lim);
    expect(zv.enc).toBe('skiplist');
    const long = newZSetValue('listpack');
    zsetAdd(long, 1, 'abcdef', ZADD_XX, lim);
    expect(long.enc).toBe('listpack');
    zsetAdd(long, 1, 'abcdef', 0, lim);
    expect(long.enc).toBe('skiplist');
    expect(newZSetFor('abcdef', lim).enc).toBe('skiplist');
    expect(newZSetFor('abcde', lim).enc).toBe('listpack');
    expect(newZSetFor('a', { maxEntries: 0, maxValue: 64 }).enc).toBe('skiplist');
  });

  it('converts a small skiplist back only when both limits allow', () => {
    const zv = newZSetValue('skiplist');
    for (const m of ['a', 'b', 'c', 'd']) zsetAdd(zv, 1, m, 0, lim);
    convertToListpackIfNeeded(zv, lim);
    expect(zv.enc).toBe('skiplist');
    zv.v.delete('d');
    convertToListpackIfNeeded(zv, lim, 6);
    expect(zv.enc).toBe('skiplist');
    convertToListpackIfNeeded(zv, lim);
    expect(zv.enc).toBe('listpack');
  });
});
